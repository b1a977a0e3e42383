"""The machinery of the exactly-once drills: worker processes, kill points, counts on the sandbox.

Each case gets its own sandbox (its own counters and faults) and runs the flow in child
processes (``tests/flows/once_child.py``) against one shared ``prefect server start``. Kill points
are found by watching the sandbox's counters and state, never by sleeping for a guessed time.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from prefect.client.orchestration import PrefectClient
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName

from flows.contract_mapping import MARKER_PREFIX
from flows.runtime import QUIET_ENV, ROOT
from prefect_prosonata_exeoflow.sandbox import SandboxServer

from .artifacts import artifacts

#: Server settings for the drills: expired leases of killed holders are reclaimed every second,
#: and a refused lock is retried after at most a second (the defaults are 15 s and 30 s).
SERVER_SETTINGS = {"PREFECT_SERVER_SERVICES_REPOSSESSOR_LOOP_SECONDS": "1",
                   "PREFECT_SERVER_CONCURRENCY_MAXIMUM_CONCURRENCY_SLOT_WAIT_SECONDS": "1"}
RATE = {"rate_limit": 100_000, "window_seconds": 900}
#: Generous bounds on a child's life (a killed holder's lock frees after ~61 s).
RUN_TIMEOUT = 240.0
#: The bound on leaving after SIGTERM (a deadline for the process, not a speed target).
SIGTERM_EXIT_SECONDS = 10.0
#: How long Prefect's runner lets a process stop after SIGTERM before it kills it: the deadline
#: that matters when leaving takes round trips to a loaded Prefect server (lock acquisitions).
PREFECT_KILL_GRACE_SECONDS = 30.0


def new_sandbox(execution_seconds: float = 1.0) -> SandboxServer:
    sandbox = SandboxServer(prosonata=RATE, exeoflow={**RATE, "execution_seconds": execution_seconds}, endocs=RATE)
    return sandbox.start()


@dataclass
class Drill:
    """Where the children find the Prefect server, and where they keep their results."""

    api_url: str
    home: Path
    logs: Path

    def save_blocks(self, sandbox: SandboxServer, name: str) -> None:
        """The case's credential blocks (``*-NAME``) for its sandbox, saved once by the parent."""
        from prefect.settings import PREFECT_API_URL, temporary_settings

        from blocks.setup import build_blocks, save_blocks

        names = {"prosonata": f"ps-{name}", "exeoflow": f"exeo-{name}", "endocs": f"endocs-{name}"}
        for attempt in range(4):  # a busy SQLite server answers 503 now and then; saving is idempotent
            try:
                with temporary_settings({PREFECT_API_URL: self.api_url}):
                    save_blocks(build_blocks(sandbox_url=sandbox.url), names)
                return
            except Exception:
                if attempt == 3:
                    raise
                time.sleep(2 * (attempt + 1))

    def start(self, kind: str, sandbox: SandboxServer, name: str, *, storage: str = "a",
              barrier: Path | None = None, skip_blocks: bool = True, **kwargs: Any) -> Worker:
        env = {**os.environ, **QUIET_ENV, "PREFECT_HOME": str(self.home), "PREFECT_API_URL": self.api_url,
               "PREFECT_LOCAL_STORAGE_PATH": str(self.home / f"storage-{storage}"),
               "PREFECT_LOGGING_LEVEL": "WARNING",
               # The cases share the Prefect server, not their locks: a case killed while holding
               # a stripe would otherwise stall the other cases' keys on that stripe for ~61 s.
               "PPE_LOCK_NAMESPACE": _namespace(name)}
        env.pop("PPE_ONCE_BARRIER", None)
        env.pop("PPE_ONCE_SKIP_BLOCKS", None)
        if barrier is not None:
            env["PPE_ONCE_BARRIER"] = str(barrier)
        if skip_blocks:
            env["PPE_ONCE_SKIP_BLOCKS"] = "1"
        log = self.logs / f"{name}-{time.monotonic_ns()}.log"
        with open(log, "wb") as err:
            process = subprocess.Popen(
                [sys.executable, "-m", "tests.flows.once_child", kind, sandbox.url, name, json.dumps(kwargs)],
                env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=err, text=True,
            )
        return Worker(process, log)


def _namespace(case: str) -> str:
    """One lock namespace per case (its runs and reruns share it)."""
    return "drill-" + "".join(ch if ch.isalnum() else "-" for ch in case.lower())[:30]


@dataclass
class Worker:
    process: subprocess.Popen[str]
    log: Path
    lines: list[str] = field(default_factory=list)

    def wait_ready(self, timeout: float = RUN_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline() if self.process.stdout else ""
            if not line:
                raise AssertionError(f"the worker ended before it was ready:\n{self.tail()}")
            self.lines.append(line)
            if line.startswith("READY"):
                return
        raise AssertionError("the worker never became ready")

    def result(self, timeout: float = RUN_TIMEOUT) -> dict[str, Any]:
        """The flow's summary (as JSON) once the process ended on its own."""
        out, _ = self.process.communicate(timeout=timeout)
        self.lines += out.splitlines()
        found = [line for line in self.lines if line.startswith("RESULT ")]
        assert found, f"no result (exit {self.process.returncode}):\n{self.tail()}"
        return dict(json.loads(found[-1][len("RESULT "):]))

    def kill(self) -> None:
        self.process.kill()
        self.process.communicate(timeout=30)
        assert self.process.returncode == -signal.SIGKILL

    def terminate(self, within: float = SIGTERM_EXIT_SECONDS) -> float:
        """SIGTERM; the seconds until the process left, which must be under ``within``."""
        self.process.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        self.process.communicate(timeout=60)
        seconds = time.monotonic() - signalled
        assert seconds < within, f"left {seconds:.1f} s after SIGTERM"
        return seconds

    def run_name(self) -> str:
        return next(line.split()[1] for line in self.lines if line.startswith("READY"))

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def alive(self) -> bool:
        return self.process.poll() is None


def until(predicate: Callable[[], bool], worker: Worker | None = None, timeout: float = RUN_TIMEOUT,
          what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if worker is not None and not worker.alive():
            raise AssertionError(f"the worker ended before {what}:\n{worker.tail()}")
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def stat(sandbox: SandboxServer, name: str) -> int:
    return int(sandbox.sandbox.stats.get(name))


# -- the main flow: executions on the Exeoflow emulator ------------------------------------
def expected_groups(sandbox: SandboxServer) -> set[str]:
    """The project groups the main flow makes of yesterday's seeded times."""
    import datetime as dt

    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    rows = sandbox.sandbox.emulators["prosonata"].rows("projecttimes")  # type: ignore[attr-defined]
    return {f"project:{row['projectID']}" for row in rows if row["date"] == yesterday}


def executions(sandbox: SandboxServer) -> dict[str, list[str]]:
    """Group key -> statuses of the executions started with an idempotency key, oldest first."""
    emulator: Any = sandbox.sandbox.emulators["exeoflow"]
    now = emulator.clock.time()
    with emulator._lock:
        items = sorted(emulator.executions.values(), key=lambda e: e.started_at)
    found: dict[str, list[str]] = defaultdict(list)
    for execution in items:
        if "idempotency_key" in execution.input:
            found[execution.input["group"]["key"]].append(execution.state(now)[0])
    return dict(found)


def running(sandbox: SandboxServer) -> int:
    return sum(status == "running" for statuses in executions(sandbox).values() for status in statuses)


# -- the EnDocs flow: projects on the ProSonata emulator -------------------------------------
def pending_contracts(sandbox: SandboxServer) -> list[int]:
    return [c["Id"] for c in sandbox.sandbox.emulators["endocs"].store.pending("contracts", 0)]  # type: ignore[attr-defined]


def projects_per_contract(sandbox: SandboxServer) -> dict[int, int]:
    rows = sandbox.sandbox.emulators["prosonata"].rows("projects")  # type: ignore[attr-defined]
    found: dict[int, int] = defaultdict(int)
    for row in rows:
        tag = row.get("projectTags") or ""
        if tag.startswith(MARKER_PREFIX):
            found[int(tag[len(MARKER_PREFIX):])] += 1
    return dict(found)


def customers_per_inn(sandbox: SandboxServer) -> dict[str, int]:
    rows = sandbox.sandbox.emulators["prosonata"].rows("customers")  # type: ignore[attr-defined]
    found: dict[str, int] = defaultdict(int)
    for row in rows:
        comments = row.get("comments") or ""
        if "created from EnDocs" in comments:
            found[comments.split(",")[0]] += 1
    return dict(found)


# -- running the cases of one flow ----------------------------------------------------------
Case = Callable[[], dict[str, Any]]


def run_drill(drill: Drill, prefix: str, barrier: Path, points: list[str],
              crash: Callable[[Drill, str, str], dict[str, Any]],
              overlap: Callable[[Drill, str, Path], dict[str, Any]],
              sigterm: Callable[[Drill, str], dict[str, Any]],
              more_sigterms: Mapping[str, Callable[[Drill, str], dict[str, Any]]] | None = None) -> None:
    """One flow's drill: a kill -9 case per point, the overlap case and the SIGTERM case(s) (see run_cases)."""
    cases: dict[str, Case] = {f"kill -9 {point}": partial(crash, drill, f"{prefix}-{point}", point) for point in points}
    cases["overlap, then a second worker"] = partial(overlap, drill, f"{prefix}-overlap", barrier)
    cases["sigterm"] = partial(sigterm, drill, f"{prefix}-sigterm")
    for when, case in (more_sigterms or {}).items():
        cases[f"sigterm {when}"] = partial(case, drill, f"{prefix}-sigterm-{when}")
    run_cases(cases)


def run_cases(cases: dict[str, Case]) -> dict[str, dict[str, Any]]:
    """Run the cases concurrently; print each one's counts; re-raise the first failure.

    Four at a time (``PPE_ONCE_PARALLEL=N``: N). All at once avoids a second ~61 s lease wait when
    two cases that leave a lock held fall into different batches, but the burst of child processes
    on 2 cores cost more: the drills took 79-127 s that way against 52-108 s four at a time, in the
    same fresh-clone runs. ``PPE_ONCE_CASES=sigterm,overlap`` runs only the cases whose names
    contain one of those words.
    """
    only = [word for word in os.environ.get("PPE_ONCE_CASES", "").split(",") if word]
    cases = {name: case for name, case in cases.items() if not only or any(word in name for word in only)}
    with ThreadPoolExecutor(max_workers=int(os.environ.get("PPE_ONCE_PARALLEL", "4"))) as pool:
        futures = {name: pool.submit(_timed, case) for name, case in cases.items()}
        outcomes = {}
        for name, future in futures.items():
            try:
                outcomes[name] = future.result()
            except BaseException as exc:
                outcomes[name] = {"error": repr(exc)[:3000]}
    for name, record in outcomes.items():
        print(f"\n[{name}] {record}")
    failed = {name: record["error"] for name, record in outcomes.items() if "error" in record}
    assert not failed, failed
    return outcomes


def _timed(case: Case) -> dict[str, Any]:
    started = time.monotonic()
    record = case()
    return {"seconds": round(time.monotonic() - started, 1), **record}


def run_artifact(drill: Drill, run_name: str, key: str) -> str:
    async def flow_run_id() -> Any:
        async with PrefectClient(api=drill.api_url) as client:
            runs = await client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[run_name])))
            return runs[0].id

    published = artifacts(key, flow_runs=[asyncio.run(flow_run_id())], api_url=drill.api_url)
    assert len(published) == 1, published
    return str(published[0]["data"])
