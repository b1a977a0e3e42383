"""Exactly once for the main flow across kill -9, overlapping runs, a second worker and SIGTERM
(while the executions run, and while the execute calls wait out a 429).

Real processes: one ``prefect server start`` shared by every case, each flow run a child
process, each case its own sandbox. The cases run concurrently (they share nothing but the
Prefect server), so the test pays roughly for the slowest one: a rerun after a kill that left a
lock held waits for the lease to expire (~61 s with the server's repossessor loop at 1 s). Every
case prints its executions per group, before and after the rerun, so that ``pytest -s`` shows
them. The EnDocs flow's drill is ``test_exactly_once_endocs.py`` (a file of its own, so the two
run on different pytest-xdist workers).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from flows.prosonata_time_to_exeoflow import ARTIFACT_KEY as MAIN_ARTIFACT
from flows.prosonata_time_to_exeoflow import PARALLEL_GROUPS

from .drill import (
    PREFECT_KILL_GRACE_SECONDS,
    Drill,
    executions,
    expected_groups,
    new_sandbox,
    run_artifact,
    run_drill,
    running,
    stat,
    until,
)

pytestmark = [pytest.mark.server, pytest.mark.timeout(900)]


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
    """SIGTERM while the executions run: cancelled on Exeoflow, exit in time, rerun executes each once.

    The run executes ``PARALLEL_GROUPS`` groups at a time; the seed's yesterday has more (9), so
    the others are still waiting for a thread: they are reported cancelled and never started, and
    the rerun starts them once.
    """
    sandbox = new_sandbox(execution_seconds=300.0)
    try:
        drill.save_blocks(sandbox, name)
        groups = expected_groups(sandbox)
        started = min(len(groups), PARALLEL_GROUPS)
        worker = drill.start("main", sandbox, name)
        worker.wait_ready()
        until(lambda: stat(sandbox, "exeoflow.execute") >= started
              and stat(sandbox, "exeoflow.requests") >= 2 * started + 4, worker, what="the waits")
        exit_seconds = worker.terminate()
        before = executions(sandbox)
        assert len(before) == started and stat(sandbox, "exeoflow.cancel") == started, before
        assert all(v == ["cancelled"] for v in before.values()), before
        table = run_artifact(drill, worker.run_name(), MAIN_ARTIFACT)
        assert table.count('"cancelled"') == len(groups), table
        sandbox.sandbox.configure("exeoflow", execution_seconds=0.5)
        rerun = drill.start("main", sandbox, name, storage="b").result()
        after = executions(sandbox)
        assert set(after) == groups, after
        assert all(after[k] == (["cancelled", "success"] if k in before else ["success"]) for k in groups), after
        statuses = sorted(r["status"] for r in rerun["results"])
        assert statuses == sorted(["retried-after-failure"] * started + ["success"] * (len(groups) - started)), rerun
        return {"groups": len(groups), "exit after SIGTERM (s)": round(exit_seconds, 1),
                "executions per group before the rerun": {k: len(v) for k, v in before.items()},
                "after": {k: len(v) for k, v in after.items()}}
    finally:
        sandbox.stop()


def main_sigterm_in_rate_limit_wait(drill: Drill, name: str) -> dict[str, Any]:
    """SIGTERM while the execute calls wait out Exeoflow's 429 (Retry-After 100 s, which the block
    accepts): the run leaves in time instead of after the wait, having started nothing, and
    reports every group cancelled; the rerun executes each group once."""
    sandbox = new_sandbox(execution_seconds=0.5)
    sandbox.sandbox.configure("exeoflow", forced_retry_after=100)
    faults = sandbox.sandbox.faults
    faults.add("rate_limit", api="exeoflow", method="POST", path="/execute$", times=None)
    try:
        drill.save_blocks(sandbox, name)
        groups = expected_groups(sandbox)
        worker = drill.start("main", sandbox, name)
        worker.wait_ready()
        until(lambda: stat(sandbox, "exeoflow.429") >= 1, worker, what="an execute answered with 429")
        # Every group takes and releases its lock around the 429 (the wait is done outside it): a
        # thread still acquiring one when the signal comes finishes that first, which on a loaded
        # Prefect server took 12 s once. Prefect's runner allows 30 s; the wait asked for 100 s.
        exit_seconds = worker.terminate(within=PREFECT_KILL_GRACE_SECONDS)
        assert executions(sandbox) == {} and stat(sandbox, "exeoflow.execute") == 0
        table = run_artifact(drill, worker.run_name(), MAIN_ARTIFACT)
        assert table.count('"cancelled"') == len(groups), table
        faults.clear()
        rerun = drill.start("main", sandbox, name, storage="b").result()
        after = executions(sandbox)
        assert after == {key: ["success"] for key in groups}, after
        assert sorted(r["status"] for r in rerun["results"]) == ["success"] * len(groups), rerun
        return {"groups": len(groups), "429s before the SIGTERM": stat(sandbox, "exeoflow.429"),
                "exit after SIGTERM (s)": round(exit_seconds, 1), "executions after the rerun": len(after)}
    finally:
        sandbox.stop()


def test_main_flow_executes_every_group_exactly_once(drill: Drill, tmp_path: Path) -> None:
    points = ["before-execute", "execute-in-flight", "after-start-answer", "during-wait", "after-finished"]
    run_drill(drill, "m", tmp_path / "go-main", points, main_crash, main_overlap_then_second_worker, main_sigterm,
              {"in-rate-limit-wait": main_sigterm_in_rate_limit_wait})
