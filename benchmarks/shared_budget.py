"""Benchmark 5: one API key shared by 4 processes, with and without a Prefect global concurrency limit.

Each process has its own in-process budget; they only learn about each other from the
budget the server reports (ProSonata's ``apiLimitRemaining``). Without a global concurrency
limit, calls that are in flight in several processes when the window runs out earn 429s
(which the client then waits out). With ``concurrency_limit_name`` on the block, every
request first takes a slot of a Prefect global concurrency limit (``--limit 1`` and a slot
decay of ``(calls per window - 1) / window seconds``): calls are spaced evenly, never in a
burst, so no window can be overrun, at the price of not spending a fresh window at once.

Workers are started once, report ready, and run each phase when told on stdin, so process
start-up is not timed; elapsed runs from the parent's "go" to the last worker's last answer.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from ._env import ROOT, SandboxProcess
from ._report import Row

SECTION = "5 one key, several processes"
API = "prosonata"


def gcl_decay(limit: int, window: float) -> float:
    """Slot decay that keeps any fixed window at ``limit - 1`` calls or fewer (one call of slack)."""
    return (limit - 1) / window


def ensure_limit(name: str, limit: int, window: float) -> None:
    """Create (or update) the Prefect global concurrency limit: 1 slot, decaying per the window."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate

    with get_client(sync_client=True) as client:
        client.create_global_concurrency_limit(
            GlobalConcurrencyLimitCreate(name=name, limit=1, slot_decay_per_second=gcl_decay(limit, window))
        )


def _run_job(job: dict[str, Any]) -> list[str]:
    """Make ``job["calls"]`` calls from ``job["threads"]`` threads; returns the errors met."""
    from prefect_prosonata_exeoflow._core.budget import reset_shared_budgets
    from prefect_prosonata_exeoflow.prosonata import ProSonataCredentials

    reset_shared_budgets()
    credentials = ProSonataCredentials(base_url=job["base_url"], api_key=job["api_key"],
                                       concurrency_limit_name=job["limit_name"])
    left = iter(range(job["calls"]))
    lock = threading.Lock()
    errors: list[str] = []

    def work() -> None:
        with credentials.get_client() as client:
            while True:
                with lock:
                    if next(left, None) is None:
                        return
                try:
                    client.time_categories.get(15)
                except Exception as exc:  # noqa: BLE001 - reported to the parent
                    errors.append(repr(exc))
                    return

    threads = [threading.Thread(target=work) for _ in range(job["threads"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def worker() -> None:
    """Child process: for each JSON job line on stdin, run it and answer when it finished."""
    import prefect_prosonata_exeoflow.prosonata  # noqa: F401 - import before reporting ready

    print("ready", flush=True)
    for line in sys.stdin:
        errors = _run_job(json.loads(line))
        print(json.dumps({"finished": time.time(), "errors": errors}), flush=True)


class Workers:
    """``count`` worker processes that share one key, driven phase by phase."""

    def __init__(self, count: int, api_url: str | None) -> None:
        env = {**os.environ}
        if api_url:
            env["PREFECT_API_URL"] = api_url
        self.procs = [
            subprocess.Popen([sys.executable, "-m", "benchmarks.shared_budget"], cwd=ROOT, env=env, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            for _ in range(count)
        ]
        for proc in self.procs:
            assert proc.stdout is not None
            if proc.stdout.readline().strip() != "ready":
                raise RuntimeError("a shared-budget worker failed to start")

    def run(self, job: dict[str, Any], calls: int) -> float:
        """Split ``calls`` over the workers, start them together; seconds until the last one ends."""
        share = [calls // len(self.procs) + (i < calls % len(self.procs)) for i in range(len(self.procs))]
        start = time.time()
        for proc, n in zip(self.procs, share, strict=True):
            assert proc.stdin is not None
            proc.stdin.write(json.dumps({**job, "calls": n}) + "\n")
            proc.stdin.flush()
        results = []
        for proc in self.procs:
            assert proc.stdout is not None
            results.append(json.loads(proc.stdout.readline()))
        errors = [e for r in results for e in r["errors"]]
        if errors:
            raise RuntimeError(f"shared-budget worker failed: {errors[0]}")
        return float(max(r["finished"] for r in results)) - start

    def close(self) -> None:
        for proc in self.procs:
            assert proc.stdin is not None
            proc.stdin.close()
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def run(sb: SandboxProcess, api_url: str | None, *, processes: int = 4, threads: int = 1, limit: int = 20,
        window: float = 4.0, windows: float = 2.5, progress: Callable[[str], None] = print) -> list[Row]:
    """Both phases on the same workers; needs a Prefect API reachable by all of them (``api_url``)."""
    from prefect_prosonata_exeoflow.sandbox import SANDBOX_KEYS

    name = f"bench-prosonata-{uuid.uuid4().hex[:8]}"
    ensure_limit(name, limit, window)
    calls = int(limit * windows)
    ideal = (math.ceil(calls / limit) - 1) * window
    job = {"base_url": sb.base_url(API), "api_key": SANDBOX_KEYS["prosonata_admin_key"], "threads": threads}
    outcome: dict[str, tuple[float, int]] = {}
    workers = Workers(processes, api_url)
    try:
        for phase, limit_name in (("without", None), ("with", name)):
            sb.reset(**{API: {"rate_limit": limit, "window_seconds": window}})
            elapsed = workers.run({**job, "limit_name": limit_name}, calls)
            stats = sb.stats()
            outcome[phase] = (elapsed / ideal, stats.get(f"{API}.429", 0))
            progress(f"  {phase:7s} global concurrency limit: {calls} calls from {processes} processes x "
                     f"{threads} threads in {elapsed:.2f}s (ideal {ideal:.2f}s) ratio {elapsed / ideal:.3f}, "
                     f"{outcome[phase][1]} x 429")
    finally:
        workers.close()
        _delete_limit(name)
    (r_without, n_without), (r_with, n_with) = outcome["without"], outcome["with"]
    case = f"ProSonata: {calls} calls, {limit}/{window:g}s window, {processes} processes x {threads} threads"
    decay = gcl_decay(limit, window)
    return [
        Row(SECTION, f"{case}, block without concurrency_limit_name", f"{r_without:.3f} x ideal, {n_without} x 429",
            "in-process budgets only (each learns the others' spending from apiLimitRemaining)",
            "429s waited out, all calls succeed", True,
            {"label": "4 procs, no GCL", "ratios": {"ours": r_without}, "429s": {"ours": n_without}}),
        Row(SECTION, f"{case}, with a Prefect GCL (limit 1, decay {decay:g}/s)",
            f"{r_with:.3f} x ideal, {n_with} x 429",
            f"even spacing bound: {calls / (decay * ideal):.3f} x ideal", "0 x 429", n_with == 0,
            {"label": "4 procs, GCL", "ratios": {"ours": r_with}, "429s": {"ours": n_with}}),
    ]


def _delete_limit(name: str) -> None:
    from prefect.client.orchestration import get_client

    try:
        with get_client(sync_client=True) as client:
            client.delete_global_concurrency_limit_by_name(name)
    except Exception:  # noqa: BLE001 - best effort cleanup of a benchmark-only limit
        pass


if __name__ == "__main__":
    worker()
