"""The main job end to end in prefect_test_harness against the sandbox."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any
from uuid import UUID

import pytest

from blocks.setup import build_blocks, save_blocks
from flows.prosonata_time_to_exeoflow import (
    ARTIFACT_KEY,
    TimeSyncFailed,
    TimeSyncSummary,
    prosonata_time_to_exeoflow,
)
from prefect_prosonata_exeoflow.sandbox import SandboxServer

from .artifacts import artifacts

_names = itertools.count()


def fresh_blocks(sandbox: SandboxServer) -> dict[str, str]:
    """Blocks under new names: the cache keys (fingerprints) include the Exeoflow block name."""
    suffix = f"{next(_names)}-{dt.datetime.now().timestamp():.0f}"
    names = {"prosonata": f"ps-{suffix}", "exeoflow": f"exeo-{suffix}", "endocs": f"endocs-{suffix}"}
    save_blocks(build_blocks(sandbox_url=sandbox.url, apis=("prosonata", "exeoflow")), names)
    return names


def params(names: dict[str, str], **overrides: object) -> dict[str, Any]:
    return {"prosonata_block": names["prosonata"], "exeoflow_block": names["exeoflow"], **overrides}


def yesterday_rows(sandbox: SandboxServer) -> list[dict[str, object]]:
    emulator = sandbox.sandbox.emulators["prosonata"]
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    return [row for row in emulator.rows("projecttimes") if row["date"] == yesterday]  # type: ignore[attr-defined]


def run_with_id(parameters: dict[str, Any]) -> tuple[TimeSyncSummary, UUID]:
    """Run the flow and also return its flow run id (to find that run's artifact)."""
    state = prosonata_time_to_exeoflow(**parameters, return_state=True)
    return state.result(), state.state_details.flow_run_id


def test_main_flow_executes_one_execution_per_project_and_reruns_execute_nothing(
    prefect_harness: None, sandbox: SandboxServer
) -> None:
    sandbox.sandbox.configure("exeoflow", execution_seconds=0.2)
    names = fresh_blocks(sandbox)
    expected = yesterday_rows(sandbox)
    projects = {row["projectID"] for row in expected}
    assert len(projects) >= 2, "the sandbox seeds several projects for yesterday"

    first, first_run = run_with_id(params(names))
    assert first.entries_read == len(expected) and first.groups == len(projects)
    assert first.executed == first.succeeded == len(projects) and first.failed == 0
    assert abs(first.hours - sum(float(row["workingTime"]) for row in expected)) < 0.01
    assert sandbox.sandbox.stats.get("exeoflow.execute") == len(projects)
    assert all(r.execution_id and r.execution_id.startswith("exec_") for r in first.results)

    second, second_run = run_with_id(params(names))
    assert second.executed == 0 and second.already_done == len(projects)
    assert sandbox.sandbox.stats.get("exeoflow.execute") == len(projects)  # nothing sent twice

    second_table, first_table = artifacts(ARTIFACT_KEY, flow_runs=[first_run, second_run])
    assert first_table["type"] == second_table["type"] == "table", "each run publishes one table artifact"
    assert first_table["data"].count('"success"') == len(projects)
    assert second_table["data"].count('"already-done"') == len(projects)


def test_dry_run_sends_nothing(prefect_harness: None, sandbox: SandboxServer) -> None:
    names = fresh_blocks(sandbox)
    summary = prosonata_time_to_exeoflow(**params(names, dry_run=True, group_by="user"))
    assert summary.dry_run and summary.groups >= 1 and summary.executed == 0
    assert {r.status for r in summary.results} == {"dry-run"}
    assert sandbox.sandbox.stats.get("exeoflow.execute") == 0


def test_filters_narrow_the_entries(prefect_harness: None, sandbox: SandboxServer) -> None:
    names = fresh_blocks(sandbox)
    project_id = yesterday_rows(sandbox)[0]["projectID"]
    summary = prosonata_time_to_exeoflow(**params(names, dry_run=True, project_id=project_id))
    assert summary.groups == 1 and summary.results[0].group == f"project:{project_id}"


def test_a_failed_execution_fails_the_run_and_is_retried_next_time(prefect_harness: None, sandbox: SandboxServer) -> None:
    sandbox.sandbox.configure("exeoflow", execution_seconds=0.2)
    names = fresh_blocks(sandbox)
    groups = len({row["projectID"] for row in yesterday_rows(sandbox)})
    sandbox.sandbox.faults.add("status", api="exeoflow", path="/execute$", status=400, times=1)
    with pytest.raises(TimeSyncFailed) as info:
        prosonata_time_to_exeoflow(**params(names))
    assert info.value.summary.failed == 1 and info.value.summary.succeeded == groups - 1
    rerun = prosonata_time_to_exeoflow(**params(names))
    assert rerun.executed == 1 and rerun.already_done == groups - 1
