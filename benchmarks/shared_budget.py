"""Benchmark 5: one API key shared by several flow runs of a Prefect process work pool.

Real workers (``prefect worker start``) pick up concurrent runs of ``benchmarks/pool_flow.py``,
each run a process of its own, all on one key. Per API, the same workload (more than the
budget) is spent three ways:

* **store**: the blocks' ``rate_limit_store`` (one :class:`RedisBudget` for every process);
* **none**: in-process budgets only; ProSonata and Exeoflow processes learn each other's
  spending from the remaining count the server reports, EnDocs's (which reports nothing) do not;
* **gcl** (ProSonata only, the old way): a Prefect global concurrency limit (1 slot, decay
  ``(limit - 1) / window``) taken through ``rate_limit()`` before every request.

The runs start once and wait at a Redis barrier before each phase, so process start-up is not
timed; elapsed runs from "go" to the last run's last answer. Workload starts at a window edge,
ideal = ``(ceil(N / limit) - 1) x window``.
"""

from __future__ import annotations

import json
import math
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ._env import SandboxProcess, wait_for_window_edge
from ._report import Row

SECTION = "5 one key, several workers"
APIS = ("prosonata", "exeoflow", "endocs")
NAMES = {"prosonata": "ProSonata", "exeoflow": "Exeoflow", "endocs": "EnDocs"}
ENTRYPOINT = "benchmarks/pool_flow.py:spend_budget"
TARGET_RATIO = 1.15


def gcl_decay(limit: int, window: float) -> float:
    """Slot decay that keeps any fixed window at ``limit - 1`` calls or fewer (one call of slack)."""
    return (limit - 1) / window


def ensure_limit(name: str, limit: int, window: float) -> None:
    """Create the Prefect global concurrency limit: 1 slot, decaying per the window."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate

    with get_client(sync_client=True) as client:
        client.create_global_concurrency_limit(
            GlobalConcurrencyLimitCreate(name=name, limit=1, slot_decay_per_second=gcl_decay(limit, window))
        )


def _delete_limit(name: str) -> None:
    from prefect.client.orchestration import get_client

    try:
        with get_client(sync_client=True) as client:
            client.delete_global_concurrency_limit_by_name(name)
    except Exception:  # noqa: BLE001 - best effort cleanup of a benchmark-only limit
        pass


@contextmanager
def _home() -> Iterator[Path]:
    import os
    import tempfile

    configured = os.environ.get("PREFECT_HOME")
    if configured:
        yield Path(configured)
        return
    with tempfile.TemporaryDirectory(prefix="ppe-bench-pool-", ignore_cleanup_errors=True) as home:
        yield Path(home)


def measure(sb: Any, redis_url: str, plan: list[dict[str, Any]], pool: Any, *, runs: int, threads: int,
            progress: Callable[[str], None] = print) -> list[dict[str, Any]]:
    """Run ``plan`` (phases: api, mode, limit, window, calls) through ``runs`` flow runs on ``pool``'s workers.

    ``sb`` is the sandbox (``base_url``, ``reset``, ``stats``). Returns each phase with
    ``elapsed``, ``ideal``, ``ratio`` and ``429s`` filled in.
    """
    import redis

    from flows.pool import deploy, trigger, wait_for_runs

    bus = redis.Redis.from_url(redis_url)
    run_key = uuid.uuid4().hex[:8]
    phases = []
    for step in plan:
        share = [step["calls"] // runs + (i < step["calls"] % runs) for i in range(runs)]
        phases.append({"api": step["api"], "base_url": sb.base_url(step["api"]), "shares": share,
                       "threads": threads, "limit": step["limit"], "window": step["window"],
                       "store": redis_url if step["mode"] == "store" else None,
                       "limit_name": step.get("limit_name")})
    deploy(ENTRYPOINT, "bench")
    ids = [trigger("ppe-spend-budget/bench", {"barrier": redis_url, "run": run_key, "index": i, "phases": phases})
           for i in range(runs)]
    deadline = time.monotonic() + 300
    while bus.llen(f"ppe:bench:{run_key}:ready") < runs:
        pool.check_alive()
        if time.monotonic() > deadline:
            raise TimeoutError("the benchmark's flow runs did not all start within 300 s")
        time.sleep(0.05)
    progress(f"  {runs} flow runs ready on {len(pool.names)} workers")
    results = []
    for number, (step, phase) in enumerate(zip(plan, phases, strict=True)):
        sb.reset(**{phase["api"]: {"rate_limit": phase["limit"], "window_seconds": phase["window"]}})
        for key in bus.scan_iter("ppe:budget:*"):
            bus.delete(key)
        if phase["api"] != "prosonata":  # ProSonata's window starts at the first call; the others are aligned
            wait_for_window_edge(phase["window"])
        start = time.time()
        bus.set(f"ppe:bench:{run_key}:go:{number}", 1)
        done = []
        deadline = time.monotonic() + 180
        while len(done) < runs:
            item = bus.blpop([f"ppe:bench:{run_key}:done:{number}"], timeout=1)  # under the client's socket timeout
            if item is not None:
                done.append(json.loads(item[1]))
            elif time.monotonic() > deadline:
                raise TimeoutError(f"phase {number} ({phase['api']}, {step['mode']}) did not finish")
        errors = [e for d in done for e in d["errors"]]
        if errors:
            raise RuntimeError(f"benchmark flow run failed in phase {number}: {errors[0]}")
        elapsed = max(d["finished"] for d in done) - start
        ideal = (math.ceil(step["calls"] / step["limit"]) - 1) * step["window"]
        result = {**step, "elapsed": elapsed, "ideal": ideal, "ratio": elapsed / ideal,
                  "429s": sb.stats().get(f"{phase['api']}.429", 0)}
        results.append(result)
        progress(f"  {NAMES[step['api']]:9s} {step['mode']:5s}: {step['calls']} calls from {runs} runs x "
                 f"{threads} threads in {elapsed:.2f}s (ideal {ideal:.2f}s) ratio {result['ratio']:.3f}, "
                 f"{result['429s']} x 429")
    wait_for_runs(ids, timeout=60)
    bus.close()
    return results


def plan_for(apis: tuple[str, ...], modes: tuple[str, ...], *, limit: int, window: float, windows: float,
             limit_name: str = "") -> list[dict[str, Any]]:
    """The phases: every API in every mode (the GCL only for ProSonata, as before)."""
    calls = int(limit * windows)
    return [{"api": api, "mode": mode, "limit": limit, "window": window, "calls": calls,
             **({"limit_name": limit_name} if mode == "gcl" else {})}
            for api in apis for mode in modes if mode != "gcl" or api == "prosonata"]


def run(sb: SandboxProcess, api_url: str, *, runs: int = 4, workers: int = 4, threads: int = 2, limit: int = 20,
        window: float = 4.0, windows: float = 2.5, apis: tuple[str, ...] = APIS,
        modes: tuple[str, ...] = ("store", "none", "gcl"), progress: Callable[[str], None] = print) -> list[Row]:
    """Every API in every mode on one pool; a local Redis is started for the store and the barrier.

    With as many workers as runs, each worker runs one of them (``--limit``): every run is on a
    worker of its own."""
    from flows.pool import pool_workers
    from flows.redis_runtime import local_redis_server

    name = f"bench-prosonata-{uuid.uuid4().hex[:8]}"
    plan = plan_for(apis, modes, limit=limit, window=window, windows=windows, limit_name=name)
    if any(step["mode"] == "gcl" for step in plan):
        ensure_limit(name, limit, window)
    try:
        with local_redis_server() as redis_url, _home() as home, \
                pool_workers(workers, api_url, home, prefix="bench-worker",
                             limit=math.ceil(runs / workers)) as pool:
            results = measure(sb, redis_url, plan, pool, runs=runs, threads=threads, progress=progress)
    finally:
        _delete_limit(name)
    return rows(results, runs=runs, workers=workers, threads=threads)


def rows(results: list[dict[str, Any]], *, runs: int, workers: int, threads: int) -> list[Row]:
    """One row per API: the shared store against the other modes measured in the same run."""
    out = []
    for api in dict.fromkeys(r["api"] for r in results):
        by_mode = {r["mode"]: r for r in results if r["api"] == api}
        first = next(iter(by_mode.values()))
        case = (f"{NAMES[api]}: {first['calls']} calls, {first['limit']}/{first['window']:g}s window, "
                f"{runs} flow runs ({threads} thread{'s' if threads != 1 else ''} each) on {workers} pool workers")
        labels = {"none": "no shared store", "gcl": "old Prefect GCL (rate_limit())"}
        others = "; ".join(f"{labels[m]}: {r['ratio']:.3f} x, {r['429s']} x 429"
                           for m, r in by_mode.items() if m != "store") or "-"
        ours = by_mode.get("store")
        out.append(Row(
            SECTION, case,
            f"rate_limit_store: {ours['ratio']:.3f} x ideal, {ours['429s']} x 429" if ours else "-",
            others, f"<= {TARGET_RATIO} x, 0 x 429",
            None if ours is None else ours["ratio"] <= TARGET_RATIO and ours["429s"] == 0,
            {"label": f"5 {NAMES[api]}, {runs} runs",
             "ratios": {("ours" if m == "store" else m): r["ratio"] for m, r in by_mode.items()},
             "429s": {("ours" if m == "store" else m): r["429s"] for m, r in by_mode.items()}},
        ))
    return out


#: Figure of the old way measured before the pool existed (4 bare processes, idle machine), shown beside.
OLD_GCL_BARE_PROCESSES = 1.745


def main() -> int:
    """``python -m benchmarks.shared_budget`` (= ``make bench-pool``): benchmark 5 alone, 4 workers."""
    import os
    import time

    from ._env import prefect_server, sandbox_process
    from ._report import table

    started = time.perf_counter()

    def progress(line: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {line}", flush=True)

    with sandbox_process() as sb:
        progress(f"sandbox on {sb.url}; starting a local Prefect server (load average {_load()})")
        with prefect_server() as api_url:
            progress("4 flow runs on 4 pool workers, one key: shared Redis budget, none, Prefect GCL")
            found = run(sb, api_url, progress=progress)
    print()
    print(table(found))
    print(f"\nOld Prefect GCL (rate_limit()) with 4 bare processes on an idle machine: {OLD_GCL_BARE_PROCESSES} x ideal."
          f"\n{os.cpu_count()} CPUs, load average {_load()}, whole run {time.perf_counter() - started:.0f} s.")
    missed = [row.case for row in found if row.ok is False]
    if missed:
        print("missed <= 1.15 x ideal with 0 x 429: " + "; ".join(missed))
    return 0


def _load() -> str:
    import os

    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    raise SystemExit(main())
