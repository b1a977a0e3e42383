"""The flow benchmark 5 and `make scale` deploy to the work pool: spend one API key's budget, phase by phase.

Several runs of it, picked up by different workers, are different processes on one key. Each run
goes through the phases it is given in order: it waits at a barrier in Redis until the
benchmark says "go" (so process start-up is never timed), makes its share of cheap GETs from
a few threads, and pushes the time it finished. Keys come from the sandbox's key table, never
from the run's parameters.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from prefect import flow

#: One cheap authenticated GET per API (relative to the base URL).
CHEAP_GET = {"prosonata": "projecttimecategories/15", "exeoflow": "workflows", "endocs": "api/Output/GetClientInfo"}


def credentials(api: str, base_url: str, store: str | None, limit_name: str | None, window: float,
                limit: int) -> Any:
    """Sandbox credentials for ``api``; EnDocs gets the compressed window it must count itself."""
    from prefect_prosonata_exeoflow.endocs import EnDocsCredentials
    from prefect_prosonata_exeoflow.exeoflow import ExeoflowCredentials
    from prefect_prosonata_exeoflow.prosonata import ProSonataCredentials
    from prefect_prosonata_exeoflow.sandbox import SANDBOX_KEYS

    shared = {"rate_limit_store": store, "concurrency_limit_name": limit_name}
    if api == "prosonata":
        return ProSonataCredentials(base_url=base_url, api_key=SANDBOX_KEYS["prosonata_admin_key"], **shared)
    if api == "exeoflow":
        return ExeoflowCredentials(base_url=base_url, api_key=SANDBOX_KEYS["exeoflow_api_key"], **shared)
    return EnDocsCredentials(base_url=base_url, token=SANDBOX_KEYS["endocs_token"], requests_per_minute=limit,
                             rate_limit_window_seconds=window, **shared)


def spend(api: str, base_url: str, calls: int, threads: int, **options: Any) -> list[str]:
    """Make ``calls`` GETs from ``threads`` threads; returns the errors met."""
    block = credentials(api, base_url, **options)
    left = iter(range(calls))
    lock = threading.Lock()
    errors: list[str] = []

    def work() -> None:
        with block.get_client() as client:
            while True:
                with lock:
                    if next(left, None) is None:
                        return
                try:
                    client.request("GET", CHEAP_GET[api])
                except Exception as exc:  # noqa: BLE001 - reported to the benchmark
                    errors.append(f"{type(exc).__name__}: {exc}")
                    return

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return errors


@flow(name="ppe-spend-budget", log_prints=False)
def spend_budget(barrier: str, run: str, index: int, phases: list[dict[str, Any]]) -> None:
    """For each phase: wait for "go", make this run's share of the calls, report when done."""
    import json

    import redis

    from prefect_prosonata_exeoflow._core.budget import reset_shared_budgets
    from prefect_prosonata_exeoflow._core.redis_budget import reset_redis_budgets

    bus = redis.Redis.from_url(barrier)
    bus.rpush(f"ppe:bench:{run}:ready", index)
    for number, phase in enumerate(phases):
        deadline = time.monotonic() + 600
        while not bus.exists(f"ppe:bench:{run}:go:{number}"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no go for phase {number}")
            time.sleep(0.002)
        reset_shared_budgets()
        reset_redis_budgets()
        calls = phase["shares"][index]
        errors = spend(phase["api"], phase["base_url"], calls, phase["threads"], store=phase.get("store"),
                       limit_name=phase.get("limit_name"), window=phase["window"], limit=phase["limit"])
        bus.rpush(f"ppe:bench:{run}:done:{number}", json.dumps({"finished": time.time(), "errors": errors}))
