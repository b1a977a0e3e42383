"""A Prefect process work pool with several local workers: what `make scale`, its test and benchmark 5 share.

Each ``prefect worker start --pool NAME`` polls the Prefect server and runs every flow run it
picks up in a process of its own, so n concurrent runs are n processes sharing the API keys:
exactly the setup in which one rate budget per key has to be shared (``rate_limit_store``).
Deployments are made from this checkout (``flow.from_source(<repo>, entrypoint)``), which
suits workers on this machine; workers elsewhere need the code there (git source or an image).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import UUID

from flows.runtime import QUIET_ENV, ROOT, stop_process

POOL = "ppe-process-pool"
#: Where each sample flow lives; the rest of each deployment (concurrency limit, tags, ...) is flows/serve.py's.
ENTRYPOINTS = {
    "prosonata-time-to-exeoflow": "flows/prosonata_time_to_exeoflow.py:prosonata_time_to_exeoflow",
    "endocs-contracts-to-prosonata": "flows/endocs_contracts_to_prosonata.py:endocs_contracts_to_prosonata",
    "check": "prefect_prosonata_exeoflow/check/flow.py:check",
}
_SUBMITTED = re.compile(r"Worker '([^']+)' submitting flow run")


def worker_environment(api_url: str, home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """What each worker (and so each flow run) gets: the server, one PREFECT_HOME, quick polling."""
    env = {**os.environ, **QUIET_ENV, "PREFECT_HOME": str(home), "PREFECT_API_URL": api_url,
           "PREFECT_WORKER_QUERY_SECONDS": "1", "PREFECT_WORKER_PREFETCH_SECONDS": "5",
           "PREFECT_LOGGING_LEVEL": "INFO", "PREFECT_CLIENT_MAX_RETRIES": "10", **(extra or {})}
    env.pop("PREFECT_LOCAL_STORAGE_PATH", None)
    return env


def ensure_pool(name: str = POOL) -> None:
    """Create the process work pool unless it exists."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists
    from prefect.workers.process import ProcessWorker

    with get_client(sync_client=True) as client:
        try:
            client.create_work_pool(WorkPoolCreate(
                name=name, type="process", base_job_template=ProcessWorker.get_default_base_job_template()))
        except ObjectAlreadyExists:
            pass


def deploy(entrypoint: str, name: str, pool: str = POOL, **options: Any) -> UUID:
    """Deploy a flow of this checkout to the pool (created if missing; its workers run it from this directory)."""
    from prefect import Flow

    ensure_pool(pool)
    flow: Any = Flow.from_source(source=str(ROOT), entrypoint=entrypoint)
    with contextlib.redirect_stdout(io.StringIO()):  # Prefect prints a table of what it deployed
        deployment_id: UUID = flow.deploy(name=name, work_pool_name=pool, build=False, push=False,
                                          print_next_steps=False, ignore_warnings=True, **options)
    return deployment_id


def deploy_samples(pool: str = POOL) -> dict[str, UUID]:
    """Both sample flows on the pool, as ``<flow>/pool``, with flows/serve.py's limits, tags and defaults."""
    from flows.serve import deployments

    deployed = {}
    for served in deployments():
        assert served.flow_name is not None
        if served.triggers:  # an automation's deployment (prefect.yaml's retry), not a flow of its own
            continue
        options: dict[str, Any] = {"description": served.description, "tags": list(served.tags),
                                   "parameters": served.parameters}
        # The main flow's limit of 1 only saves work (each group runs exactly once without it); the
        # pool runs it unlimited, so overlapping runs on several workers really test that guarantee.
        if served.concurrency_limit and served.flow_name != "prosonata-time-to-exeoflow":
            options["concurrency_limit"] = served.concurrency_limit
        deployed[f"{served.flow_name}/pool"] = deploy(ENTRYPOINTS[served.flow_name], "pool", pool, **options)
    return deployed


class Workers:
    """``count`` ``prefect worker start`` processes on one pool; stops them and every flow run they started."""

    def __init__(self, count: int, env: Mapping[str, str], *, pool: str = POOL, log_dir: Path,
                 prefix: str = "worker", limit: int | None = None) -> None:
        self.names = [f"{prefix}-{i + 1}" for i in range(count)]
        self.pool = pool
        log_dir.mkdir(parents=True, exist_ok=True)
        self.processes: list[subprocess.Popen[bytes]] = []
        for name in self.names:
            with open(log_dir / f"{name}.log", "ab") as log:
                self.processes.append(subprocess.Popen(
                    [sys.executable, "-m", "prefect", "worker", "start", "--pool", pool, "--name", name,
                     "--type", "process", *(["--limit", str(limit)] if limit else [])],
                    env=dict(env), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                    # Out of the terminal's process group: a Ctrl-C reaches only us, and stop()
                    # still finds each worker alive with its flow runs (which it could orphan).
                    start_new_session=True,
                ))

    def wait_online(self, timeout: float = 300) -> None:
        """Until every worker has sent its first heartbeat (so runs are spread, not taken by the first up)."""
        from prefect.client.orchestration import get_client

        deadline = time.monotonic() + timeout
        with get_client(sync_client=True) as client:
            while True:
                online = {w.name for w in client.read_workers_for_work_pool(self.pool)
                          if getattr(w.status, "value", w.status) == "ONLINE"}
                if set(self.names) <= online:
                    return
                self.check_alive()
                if time.monotonic() > deadline:
                    raise TimeoutError(f"workers not online after {timeout:.0f}s: {sorted(set(self.names) - online)}")
                time.sleep(0.5)

    def check_alive(self) -> None:
        for name, process in zip(self.names, self.processes, strict=True):
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}")

    def dump_stacks(self) -> None:
        """SIGABRT to the flow runs still going: with PYTHONFAULTHANDLER=1 each prints every thread's
        stack to its worker's log before it dies (for a run that hangs)."""
        import signal

        import psutil

        for process in self.processes:
            try:
                children = psutil.Process(process.pid).children(recursive=True)
            except psutil.NoSuchProcess:
                continue
            for child in children:
                try:
                    child.send_signal(signal.SIGABRT)
                except psutil.NoSuchProcess:
                    pass
        time.sleep(2)

    def stop(self) -> None:
        """SIGTERM to every worker and to the flow-run processes they started (own sessions), then SIGKILL."""
        import psutil

        descendants: list[psutil.Process] = []
        for process in self.processes:
            try:
                descendants += psutil.Process(process.pid).children(recursive=True)
            except psutil.NoSuchProcess:
                pass
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for child in descendants:
            try:
                child.terminate()
            except psutil.NoSuchProcess:
                pass
        for process in self.processes:
            stop_process(process, grace_seconds=10)
        _, alive = psutil.wait_procs(descendants, timeout=10)
        for child in alive:
            try:
                child.kill()
            except psutil.NoSuchProcess:
                pass


@contextmanager
def pool_workers(count: int, api_url: str, home: Path, *, pool: str = POOL,
                 extra_env: Mapping[str, str] | None = None, prefix: str = "worker",
                 limit: int | None = None) -> Iterator[Workers]:
    """The pool (created if missing) and ``count`` online workers on it (each running at most ``limit``
    flow runs at once), stopped afterwards, also on Ctrl-C."""
    ensure_pool(pool)
    workers = Workers(count, worker_environment(api_url, home, extra_env), pool=pool, log_dir=home / "workers",
                      prefix=prefix, limit=limit)
    try:
        workers.wait_online()
        yield workers
    finally:
        workers.stop()


def trigger(deployment: str, parameters: Mapping[str, Any], *, name: str | None = None) -> UUID:
    """Create a flow run of a deployment (as the UI's Run button does); returns its id at once."""
    from prefect.deployments import run_deployment

    run = run_deployment(deployment, parameters=dict(parameters), timeout=0, flow_run_name=name)
    return run.id


def wait_for_runs(run_ids: list[UUID], *, timeout: float, workers: Workers | None = None,
                  poll: float = 1.0) -> dict[UUID, Any]:
    """Poll until every run is final; returns the flow runs. Raises TimeoutError naming the stragglers."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while True:
            runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=run_ids)))
            by_id = {run.id: run for run in runs}
            pending = [r for r in by_id.values() if r.state is None or not r.state.is_final()]
            if len(by_id) == len(run_ids) and not pending:
                return by_id
            if workers is not None:
                workers.check_alive()
            if time.monotonic() > deadline:
                states = sorted({r.state.name if r.state else "?" for r in pending})
                raise TimeoutError(f"{len(pending)} of {len(run_ids)} runs not finished after {timeout:.0f}s "
                                   f"(states: {', '.join(states)})")
            time.sleep(poll)


def worker_of_runs(run_ids: list[UUID]) -> dict[UUID, str]:
    """Which worker submitted each run, from the "Worker 'X' submitting flow run" line in the run's logs."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    found: dict[UUID, str] = {}
    with get_client(sync_client=True) as client:
        offset = 0
        while True:
            logs = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=run_ids)), limit=200, offset=offset)
            for log in logs:
                match = _SUBMITTED.search(log.message)
                if match and log.flow_run_id is not None:
                    found[log.flow_run_id] = match.group(1)
            if len(logs) < 200:
                return found
            offset += 200
