"""Exactly once for the EnDocs flow across kill -9, overlapping runs, a second worker and SIGTERM.

The same machinery as ``test_exactly_once_main.py`` (``drill.py``): each case its own sandbox and
child processes against one shared ``prefect server start``, the cases run concurrently; every
case prints its projects per contract, before and after the rerun.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from flows.endocs_contracts_to_prosonata import ARTIFACT_KEY as ENDOCS_ARTIFACT

from .drill import (
    Drill,
    customers_per_inn,
    new_sandbox,
    pending_contracts,
    projects_per_contract,
    run_artifact,
    run_drill,
    stat,
    until,
)

pytestmark = [pytest.mark.server, pytest.mark.timeout(900)]


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
        exit_seconds = worker.terminate()
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
    run_drill(drill, "e", tmp_path / "go-endocs", points, endocs_crash, endocs_overlap_then_second_worker, endocs_sigterm)
