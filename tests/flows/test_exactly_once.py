"""Exactly once across kill -9, overlapping runs, a second worker and SIGTERM, for both sample flows.

Real processes: one ``prefect server start`` shared by every case, each flow run a child
process, each case its own sandbox. The cases of one flow run concurrently (they share nothing
but the Prefect server), so the suite pays roughly for the slowest one: a rerun after a kill
that left a lock held waits for the lease to expire (~61 s with the server's repossessor loop
at 1 s). Every case prints its counts (executions or projects per group, before and after the
rerun) so that ``pytest -s`` shows them.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from prefect.client.orchestration import PrefectClient
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName

from flows.endocs_contracts_to_prosonata import ARTIFACT_KEY as ENDOCS_ARTIFACT
from flows.prosonata_time_to_exeoflow import ARTIFACT_KEY as MAIN_ARTIFACT

from .artifacts import artifacts
from .conftest import SharedServer
from .drill import (
    Drill,
    customers_per_inn,
    executions,
    expected_groups,
    new_sandbox,
    pending_contracts,
    projects_per_contract,
    running,
    stat,
    until,
)

pytestmark = [pytest.mark.server, pytest.mark.timeout(900)]

#: The issue's bound on leaving after SIGTERM (a deadline for the process, not a speed target).
SIGTERM_EXIT_SECONDS = 10.0


@pytest.fixture(scope="module")
def drill(shared_prefect_server: SharedServer, tmp_path_factory: pytest.TempPathFactory) -> Drill:
    """The shared server (with the drills' settings), the children's own home and logs."""
    home = tmp_path_factory.mktemp("once-home")
    logs = tmp_path_factory.mktemp("once-logs")
    return Drill(shared_prefect_server.api_url, home, logs)


def run_cases(cases: dict[str, Callable[[], dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Run the cases concurrently; print each one's counts; re-raise the first failure.

    ``PPE_ONCE_CASES=sigterm,overlap`` runs only the cases whose names contain one of those words.
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


def _timed(case: Callable[[], dict[str, Any]]) -> dict[str, Any]:
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


# -- the main flow ---------------------------------------------------------------------------
def main_crash(drill: Drill, name: str, point: str) -> dict[str, Any]:
    """Kill -9 the main flow at ``point``, rerun it: every group executed exactly once in total."""
    seconds = {"during-wait": 15.0}.get(point, 1.0)  # long enough for the rerun to adopt them
    sandbox = new_sandbox(execution_seconds=seconds)
    faults = sandbox.sandbox.faults
    groups = expected_groups(sandbox)
    if point == "before-execute":  # the lookups hang: nothing has been sent yet
        faults.add("latency", api="exeoflow", method="GET", path=r"/v1/executions$", delay=5, times=None)
    elif point == "execute-in-flight":  # executes are processed, their answers held back
        faults.add("latency_after", api="exeoflow", method="POST", path="/execute$", delay=10, times=None)
    elif point in ("after-start-answer", "after-finished"):  # the polls hang
        faults.add("latency", api="exeoflow", method="GET", path=r"/v1/executions/exec_", delay=4, times=None)
    try:
        drill.save_blocks(sandbox, name)
        worker = drill.start("main", sandbox, name)
        if point == "before-execute":
            until(lambda: stat(sandbox, "exeoflow.requests") >= 1, worker, what="the workflow lookup")
            time.sleep(0.5)  # the first execution lookups are now held by the latency
        elif point == "execute-in-flight":
            until(lambda: stat(sandbox, "exeoflow.execute") >= 1, worker, what="a processed execute")
        elif point == "after-start-answer":
            until(lambda: stat(sandbox, "exeoflow.execute") >= len(groups), worker, what="every execute")
        elif point == "during-wait":
            until(lambda: stat(sandbox, "exeoflow.execute") >= len(groups)
                  and stat(sandbox, "exeoflow.requests") >= 2 * len(groups) + 4, worker, what="the polls")
        else:  # after-finished: every execution ended on the server, none of the held polls answered
            until(lambda: stat(sandbox, "exeoflow.execute") >= len(groups) and running(sandbox) == 0,
                  worker, what="the executions to finish")
        worker.kill()
        before = {key: len(statuses) for key, statuses in executions(sandbox).items()}
        if point == "before-execute":
            assert not before, before
        faults.clear()
        rerun = drill.start("main", sandbox, name, storage="b").result()
        after = executions(sandbox)
        assert set(after) == groups, f"lost groups: {groups - set(after)}"
        assert all(statuses == ["success"] for statuses in after.values()), after
        assert rerun["failed"] == rerun["cancelled"] == 0, rerun
        return {"groups": len(groups), "executions per group before the rerun": before,
                "after": {k: len(v) for k, v in after.items()},
                "rerun statuses": sorted(r["status"] for r in rerun["results"])}
    finally:
        sandbox.stop()


def main_overlap_then_second_worker(drill: Drill, name: str, barrier: Path) -> dict[str, Any]:
    """Two runs for the same period started together: every group exactly once. Then a third run
    on another worker (its own result storage, so no cache): zero new executions."""
    sandbox = new_sandbox(execution_seconds=2.0)
    try:
        drill.save_blocks(sandbox, name)
        groups = expected_groups(sandbox)
        first = drill.start("main", sandbox, name, storage="a", barrier=barrier)
        second = drill.start("main", sandbox, name, storage="b", barrier=barrier)
        first.wait_ready()
        second.wait_ready()
        barrier.touch()
        one, two = first.result(), second.result()
        after = executions(sandbox)
        assert set(after) == groups and all(len(v) == 1 for v in after.values()), after
        statuses = sorted(r["status"] for r in one["results"] + two["results"])
        assert statuses.count("success") == len(groups), statuses
        third = drill.start("main", sandbox, name, storage="c").result()
        again = {k: len(v) for k, v in executions(sandbox).items()}
        assert again == {k: 1 for k in groups} and third["already_done"] == len(groups), (again, third)
        return {"groups": len(groups), "executions per group after the overlap": {k: len(v) for k, v in after.items()},
                "statuses of both runs": statuses, "after the second worker": again}
    finally:
        sandbox.stop()


def main_sigterm(drill: Drill, name: str) -> dict[str, Any]:
    """SIGTERM while the executions run: cancelled on Exeoflow, exit in time, rerun executes each once."""
    sandbox = new_sandbox(execution_seconds=300.0)
    try:
        drill.save_blocks(sandbox, name)
        groups = expected_groups(sandbox)
        worker = drill.start("main", sandbox, name)
        worker.wait_ready()
        until(lambda: stat(sandbox, "exeoflow.execute") >= len(groups)
              and stat(sandbox, "exeoflow.requests") >= 2 * len(groups) + 4, worker, what="the waits")
        worker.process.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        worker.process.communicate(timeout=60)
        exit_seconds = time.monotonic() - signalled
        assert exit_seconds < SIGTERM_EXIT_SECONDS, f"left {exit_seconds:.1f} s after SIGTERM"
        before = executions(sandbox)
        assert stat(sandbox, "exeoflow.cancel") == len(groups), before
        assert all(v == ["cancelled"] for v in before.values()), before
        table = run_artifact(drill, worker.run_name(), MAIN_ARTIFACT)
        assert table.count('"cancelled"') == len(groups), table
        sandbox.sandbox.configure("exeoflow", execution_seconds=0.5)
        rerun = drill.start("main", sandbox, name, storage="b").result()
        after = executions(sandbox)
        assert all(v == ["cancelled", "success"] for v in after.values()) and set(after) == groups, after
        assert {r["status"] for r in rerun["results"]} == {"retried-after-failure"}, rerun
        return {"groups": len(groups), "exit after SIGTERM (s)": round(exit_seconds, 1),
                "executions per group before the rerun": {k: len(v) for k, v in before.items()},
                "after": {k: len(v) for k, v in after.items()}}
    finally:
        sandbox.stop()


def test_main_flow_executes_every_group_exactly_once(drill: Drill, tmp_path: Path) -> None:
    points = ["before-execute", "execute-in-flight", "after-start-answer", "during-wait", "after-finished"]
    cases: dict[str, Callable[[], dict[str, Any]]] = {
        f"kill -9 {point}": (lambda p=point: main_crash(drill, f"m-{p}", p)) for point in points
    }
    cases["overlap, then a second worker"] = lambda: main_overlap_then_second_worker(drill, "m-overlap",
                                                                                    tmp_path / "go-main")
    cases["sigterm"] = lambda: main_sigterm(drill, "m-sigterm")
    run_cases(cases)


# -- the EnDocs flow -------------------------------------------------------------------------
ENDOCS_ARGS = {"create_missing_customers": True}


def _one_project_each(sandbox: Any, contracts: list[int]) -> dict[int, int]:
    counts = projects_per_contract(sandbox)
    assert {c: counts.get(c, 0) for c in contracts} == {c: 1 for c in contracts}, counts
    assert set(customers_per_inn(sandbox).values()) <= {1}, customers_per_inn(sandbox)
    return counts


def endocs_crash(drill: Drill, name: str, point: str) -> dict[str, Any]:
    """Kill -9 the EnDocs flow at ``point``, rerun it: every new contract has exactly one project."""
    sandbox = new_sandbox()
    faults = sandbox.sandbox.faults
    contracts = pending_contracts(sandbox)
    if point == "before-create":  # the first project lookup hangs
        faults.add("latency", api="prosonata", method="GET", path=r"/projects$", delay=5, times=None)
    elif point == "create-in-flight":
        faults.add("latency_after", api="prosonata", method="POST", path=r"/projects$", delay=10, times=None)
    else:  # mid-batch, after-last-create: each create answered after a moment
        faults.add("latency_after", api="prosonata", method="POST", path=r"/projects$", delay=1.5, times=None)
    try:
        drill.save_blocks(sandbox, name)
        worker = drill.start("endocs", sandbox, name, **ENDOCS_ARGS)
        if point == "before-create":
            until(lambda: stat(sandbox, "prosonata.requests") >= 1, worker, what="the customer list")
            time.sleep(0.5)
        elif point == "create-in-flight":
            until(lambda: stat(sandbox, "prosonata.create.projects") >= 1, worker, what="a processed create")
        elif point == "mid-batch":
            until(lambda: stat(sandbox, "prosonata.create.projects") >= 2, worker, what="two creates")
        else:
            until(lambda: stat(sandbox, "prosonata.create.projects") >= len(contracts), worker, what="every create")
        worker.kill()
        before = projects_per_contract(sandbox)
        if point == "before-create":
            assert not before, before
        faults.clear()
        rerun = drill.start("endocs", sandbox, name, storage="b", since_id=0, **ENDOCS_ARGS).result()
        after = _one_project_each(sandbox, contracts)
        assert rerun["failed"] == rerun["cancelled"] == 0, rerun
        return {"contracts": len(contracts), "projects per contract before the rerun": before, "after": after}
    finally:
        sandbox.stop()


def endocs_overlap_then_second_worker(drill: Drill, name: str, barrier: Path) -> dict[str, Any]:
    """Two runs started together, then one on another worker with the cursor reset: one project each."""
    sandbox = new_sandbox()
    try:
        drill.save_blocks(sandbox, name)
        contracts = pending_contracts(sandbox)
        first = drill.start("endocs", sandbox, name, storage="a", barrier=barrier, **ENDOCS_ARGS)
        second = drill.start("endocs", sandbox, name, storage="b", barrier=barrier, **ENDOCS_ARGS)
        first.wait_ready()
        second.wait_ready()
        barrier.touch()
        one, two = first.result(), second.result()
        after = _one_project_each(sandbox, contracts)
        assert one["created"] + two["created"] == len(contracts), (one, two)
        third = drill.start("endocs", sandbox, name, storage="c", since_id=0, **ENDOCS_ARGS).result()
        again = _one_project_each(sandbox, contracts)
        assert third["created"] == 0 and third["already_existed"] == len(contracts), third
        return {"contracts": len(contracts), "projects per contract after the overlap": after,
                "created by each run": [one["created"], two["created"]], "after the second worker": again}
    finally:
        sandbox.stop()


def endocs_sigterm(drill: Drill, name: str) -> dict[str, Any]:
    sandbox = new_sandbox()
    sandbox.sandbox.faults.add("latency_after", api="prosonata", method="POST", path=r"/projects$", delay=3,
                               times=None)
    try:
        drill.save_blocks(sandbox, name)
        contracts = pending_contracts(sandbox)
        worker = drill.start("endocs", sandbox, name, **ENDOCS_ARGS)
        worker.wait_ready()
        until(lambda: stat(sandbox, "prosonata.create.projects") >= 1, worker, what="the first create")
        worker.process.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        worker.process.communicate(timeout=60)
        exit_seconds = time.monotonic() - signalled
        assert exit_seconds < SIGTERM_EXIT_SECONDS, f"left {exit_seconds:.1f} s after SIGTERM"
        before = projects_per_contract(sandbox)
        table = run_artifact(drill, worker.run_name(), ENDOCS_ARTIFACT)
        assert '"cancelled"' in table and table.count('"created"') + table.count('"cancelled"') == len(contracts), table
        sandbox.sandbox.faults.clear()
        rerun = drill.start("endocs", sandbox, name, storage="b", **ENDOCS_ARGS).result()
        after = _one_project_each(sandbox, contracts)
        assert rerun["created"] == len(contracts) - sum(before.values()), (before, rerun)
        return {"contracts": len(contracts), "exit after SIGTERM (s)": round(exit_seconds, 1),
                "projects per contract before the rerun": before, "after": after}
    finally:
        sandbox.stop()


def test_endocs_flow_creates_one_project_per_contract(drill: Drill, tmp_path: Path) -> None:
    points = ["before-create", "create-in-flight", "mid-batch", "after-last-create"]
    cases: dict[str, Callable[[], dict[str, Any]]] = {
        f"kill -9 {point}": (lambda p=point: endocs_crash(drill, f"e-{p}", p)) for point in points
    }
    cases["overlap, then a second worker"] = lambda: endocs_overlap_then_second_worker(drill, "e-overlap",
                                                                                      tmp_path / "go-endocs")
    cases["sigterm"] = lambda: endocs_sigterm(drill, "e-sigterm")
    run_cases(cases)
