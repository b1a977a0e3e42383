"""`make scale`: the sample jobs on a Prefect process work pool with 3 workers and one rate budget per key.

Steps: a local Prefect server (throw-away SQLite home), the API sandbox with compressed rate
windows, a local Redis (the shared budget), sandbox blocks whose ``rate_limit_store`` points at
it, a process work pool with 3 ``prefect worker start`` processes, both sample flows deployed
to the pool. Then 12 runs of the main flow (12 different days) plus 2 more runs of the first
day at the same time, and 3 runs of the EnDocs flow; when all are final, it prints the runs per
worker, the executions per group (must be 1), the 429s per API, and then measures elapsed /
ideal of the shared budget for each API through 4 runs on the same workers. Exits 1 if a run
failed or a group was executed twice. Everything it started is stopped, also on Ctrl-C.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path
from typing import Any
from uuid import UUID

from flows.runtime import ROOT, local_prefect_server, use_prefect_api

#: Compressed windows, so that the jobs spend more than one window of every API in a few minutes.
SANDBOX_LIMITS = {
    "prosonata": {"rate_limit": 20, "window_seconds": 10},
    "exeoflow": {"rate_limit": 150, "window_seconds": 5, "execution_seconds": 0.5},
    "endocs": {"rate_limit": 10, "window_seconds": 5},
}
WORKERS = 3
#: Flow runs one worker runs at once (`prefect worker start --limit`): the 17 runs are spread over all 3
#: workers, and the local SQLite server (and 2 cores) are not asked for more than 9 at once: 12 at
#: once made SQLite answer "database is locked" to most of their first state changes.
WORKER_LIMIT = 3
MAIN_DAYS = 12
SAME_DAY_EXTRA = 2
ENDOCS_RUNS = 3
RUN_TIMEOUT = 360
#: Server services this throw-away server does not need (no schedules, automations, pauses or event
#: feed here): each one is another writer on the SQLite file, where concurrent writers answer 503.
#: The repossessor stays (it frees the leases of a killed mutex holder), and so do the task-run
#: recorder and the foreman.
QUIET_SERVICES = {f"PREFECT_SERVER_SERVICES_{name}_ENABLED": "false" for name in (
    "SCHEDULER", "LATE_RUNS", "PAUSE_EXPIRATIONS", "CANCELLATION_CLEANUP", "TRIGGERS", "EVENT_LOGGER",
    "EVENT_PERSISTER", "DB_VACUUM", "CLEANUP_RECONCILER")}
#: The EnDocs deployment runs one run at a time (its limit of 1); the others retry every 5 s, not 30 s.
SERVER_SETTINGS = {**QUIET_SERVICES, "PREFECT_SERVER_DEPLOYMENTS_CONCURRENCY_SLOT_WAIT_SECONDS": "5"}
#: Where the server's and the workers' logs of the last run are kept (the run's home is thrown away).
LOG_COPY = ROOT / ".prefect-home" / "scale-logs"
#: The budget check after the jobs: 4 runs spend 2.5 windows of 20 calls per 4 s on each API.
BUDGET = {"runs": 4, "threads": 2, "limit": 20, "window": 4.0, "windows": 2.5}


def _line(text: str = "") -> None:
    print(text, flush=True)


class InThreadSandbox:
    """The sandbox served by this process, with the handle the budget measurement expects."""

    def __init__(self, server: Any) -> None:
        self.server = server

    def base_url(self, api: str) -> str:
        return str(self.server.base_url(api))

    def reset(self, **per_api: dict[str, Any]) -> None:
        self.server.sandbox.reset()
        for api, options in per_api.items():
            self.server.sandbox.configure(api, **options)

    def stats(self) -> dict[str, int]:
        return dict(self.server.sandbox.stats.snapshot())


def recent_days(server: Any, count: int) -> list[str]:
    """The ``count`` most recent days with seeded project times."""
    days = sorted({row["date"] for row in server.sandbox.prosonata.rows("projecttimes") if row.get("date")})
    return days[-count:][::-1]


def executions_per_group(server: Any) -> Counter[tuple[str, str]]:
    """How often each (day, group) became an Exeoflow execution, from the sandbox's own records."""
    counts: Counter[tuple[str, str]] = Counter()
    for execution in server.sandbox.exeoflow.executions.values():
        data = execution.input
        if isinstance(data, dict) and "group" in data:
            counts[(data["period"]["start"], data["group"]["key"])] += 1
    return counts


def projects_per_contract(server: Any) -> Counter[str]:
    """How many ProSonata projects carry each EnDocs contract's marker tag."""
    from flows.contract_mapping import MARKER_PREFIX

    counts: Counter[str] = Counter()
    for project in server.sandbox.prosonata.rows("projects"):
        for tag in str(project.get("projectTags") or "").split(","):
            if tag.strip().startswith(MARKER_PREFIX):
                counts[tag.strip()] += 1
    return counts


def trigger_jobs(server: Any) -> tuple[list[str], list[UUID]]:
    """Create the job runs (scheduled now; the workers pick them up once they are online)."""
    from flows.pool import trigger

    # The EnDocs runs first: they run one after the other (their deployment's limit), alongside the main runs.
    endocs = [trigger("endocs-contracts-to-prosonata/pool",
                      dict(since_id=0, create_missing_customers=True), name=f"contracts-{i + 1}")
              for i in range(ENDOCS_RUNS)]
    days = recent_days(server, MAIN_DAYS)
    # The same day three times first, so that its runs are picked up together by different workers.
    planned = [(days[0], f"day-{days[0]}")]
    planned += [(days[0], f"day-{days[0]}-again-{i + 1}") for i in range(SAME_DAY_EXTRA)]
    planned += [(day, f"day-{day}") for day in days[1:]]
    main = [(day, trigger("prosonata-time-to-exeoflow/pool", dict(start=day, end=day), name=name))
            for day, name in planned]
    ids = [run_id for _, run_id in main] + endocs
    _line(f"        triggered {len(main)} main runs ({len(days)} days, {SAME_DAY_EXTRA} more of {days[0]}) "
          f"and {len(endocs)} EnDocs runs")
    return days, ids


def run_jobs(server: Any, workers: Any, days: list[str], ids: list[UUID]) -> bool:
    """Wait for the job runs, print what happened; True when all is well."""
    from flows.pool import wait_for_runs, worker_of_runs

    started = time.monotonic()
    try:
        runs = wait_for_runs(ids, timeout=RUN_TIMEOUT, workers=workers)
    except TimeoutError:
        workers.dump_stacks()  # where the stragglers hang, into the workers' logs
        _line(f"        the server's and workers' logs are kept in {LOG_COPY.relative_to(ROOT)}/")
        raise
    _line(f"        all {len(ids)} runs final after {time.monotonic() - started:.0f} s")
    failed = [run for run in runs.values() if not run.state.is_completed()]
    per_worker = Counter(worker_of_runs(ids).values())
    executions = executions_per_group(server)
    twice = {group: n for group, n in executions.items() if n > 1}
    projects = projects_per_contract(server)
    doubled = {marker: n for marker, n in projects.items() if n > 1}
    stats = server.sandbox.stats.snapshot()

    _line()
    _line("Runs per worker: " + ", ".join(f"{name} {per_worker.get(name, 0)}" for name in workers.names)
          + (f" (unattributed {len(ids) - sum(per_worker.values())})" if sum(per_worker.values()) < len(ids) else ""))
    _line(f"Runs completed: {len(ids) - len(failed)} of {len(ids)}"
          + "".join(f"\n  FAILED {run.name}: {run.state.name} {run.state.message or ''}" for run in failed))
    _line(f"Executions per group: {len(executions)} groups over {len(days)} days, "
          f"{sum(executions.values())} executions; groups executed more than once: {len(twice)}"
          + "".join(f"\n  TWICE {day} {group}: {n} executions" for (day, group), n in sorted(twice.items())))
    _line(f"Projects per EnDocs contract: {len(projects)} contracts, more than one project: {len(doubled)}")
    _line("HTTP 429 answers: " + ", ".join(f"{api} {stats.get(f'{api}.429', 0)} of {stats.get(f'{api}.requests', 0)} "
                                          f"calls" for api in ("prosonata", "exeoflow", "endocs")))
    return not failed and not twice and not doubled


def measure_budget(server: Any, redis_url: str, workers: Any) -> bool:
    """Elapsed / ideal of the shared budget per API through 4 runs on the same workers."""
    from benchmarks.shared_budget import NAMES, TARGET_RATIO, measure, plan_for

    plan = plan_for(("prosonata", "exeoflow", "endocs"), ("store",), limit=int(BUDGET["limit"]),
                    window=BUDGET["window"], windows=BUDGET["windows"])
    _line()
    _line(f"Shared budget, {BUDGET['runs']} flow runs on one key, {plan[0]['calls']} calls per API "
          f"({BUDGET['limit']:g} per {BUDGET['window']:g} s window):")
    results = measure(InThreadSandbox(server), redis_url, plan, workers, runs=int(BUDGET["runs"]),
                      threads=int(BUDGET["threads"]), progress=lambda _: None)
    ok = True
    for result in results:
        good = result["ratio"] <= TARGET_RATIO and result["429s"] == 0
        ok = ok and good
        _line(f"  {NAMES[result['api']]:9s} elapsed / ideal {result['ratio']:.3f} "
              f"({result['elapsed']:.2f} s / {result['ideal']:.2f} s), {result['429s']} x 429"
              f"{'' if good else '  (target <= 1.15 x, 0 x 429 missed)'}")
    return ok


def _stop_on_sigterm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # unwinds every context below, which stops what it started


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(prog="python -m flows.scale", description=__doc__.split("\n")[0].replace("`", "")).parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    # SQLite on a busy machine answers "503 database is locked" now and then: retry longer than 5 times.
    os.environ.setdefault("PREFECT_CLIENT_MAX_RETRIES", "10")
    started = time.monotonic()
    _line("prefect-prosonata-exeoflow scale-out: a process work pool, 3 workers, one rate budget per key")
    with tempfile.TemporaryDirectory(prefix="ppe-scale-", ignore_cleanup_errors=True) as tmp:
        home = Path(tmp)
        _line(f"  [1/5] starting a local Prefect server ... (at {time.monotonic() - started:.0f} s)")
        try:
            with local_prefect_server(home=home, timeout=300, settings=SERVER_SETTINGS) as api_url:
                use_prefect_api(api_url)
                os.environ["PREFECT_HOME"] = str(home)
                warnings.filterwarnings("ignore")
                logging.getLogger("prefect").setLevel(logging.WARNING)
                return _run(api_url, home, started)
        finally:
            keep_logs(home)


def keep_logs(home: Path) -> None:
    """Copy the server's and workers' logs out of the throw-away home (to look into a failure)."""
    import shutil

    shutil.rmtree(LOG_COPY, ignore_errors=True)
    LOG_COPY.mkdir(parents=True, exist_ok=True)
    for log in [home / "server.log", *sorted((home / "workers").glob("*.log"))]:
        if log.is_file():
            shutil.copy(log, LOG_COPY / log.name)


def _run(api_url: str, home: Path, started: float) -> int:
    from blocks.setup import build_blocks, register_block_types, save_blocks
    from flows.pool import deploy_samples, pool_workers
    from flows.redis_runtime import local_redis_server
    from prefect_prosonata_exeoflow.sandbox import SandboxServer

    def step(number: int, text: str) -> None:
        _line(f"  [{number}/5] {text} ... (at {time.monotonic() - started:.0f} s)")

    step(2, "starting the API sandbox and a local Redis (the shared rate budget)")
    with SandboxServer(**SANDBOX_LIMITS) as server, local_redis_server() as redis_url:
        _line(f"        sandbox {server.url}, Redis {redis_url}; windows: " + ", ".join(
            f"{api} {o['rate_limit']}/{o['window_seconds']}s" for api, o in SANDBOX_LIMITS.items()))
        step(3, "saving sandbox blocks with rate_limit_store, deploying both flows to a process pool, "
                "triggering the runs")
        register_block_types()
        save_blocks(build_blocks(sandbox_url=server.url, rate_limit_store=redis_url))
        deploy_samples()
        # Created before the workers start: the server is not asked for new runs while 12 others write.
        days, ids = trigger_jobs(server)
        step(4, f"starting {WORKERS} workers (prefect worker start --pool ...); they run the jobs")
        # Prefect's deploy replaced the Ctrl-C handler (a SIGINT then left the workers running, the
        # main thread retrying a dead server): Ctrl-C unwinds this function again, stopping everything.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        with pool_workers(WORKERS, api_url, home, extra_env={"PYTHONPATH": str(ROOT), "PYTHONFAULTHANDLER": "1"},
                          limit=WORKER_LIMIT) as workers:
            ok = run_jobs(server, workers, days, ids)
            step(5, "measuring the shared budget through the same workers")
            budget_ok = measure_budget(server, redis_url, workers)
        _line()
    _line(f"Elapsed: {time.monotonic() - started:.0f} s. "
          + ("All runs completed, every group executed once." if ok else
             f"FAILED: see above; the server's and workers' logs are in {LOG_COPY.relative_to(ROOT)}/."))
    if not budget_ok:
        _line("The shared budget missed its target (reported, not a failure of make scale).")
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:
        _line("Interrupted: the workers, their flow runs, Redis, the sandbox and the Prefect server are stopped.")
        raise SystemExit(130) from None
