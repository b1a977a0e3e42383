"""What a user reads from the sample flows: a workflow typo named at once, what a dry run would
send, and artifact columns ordered so the outcome stays in view."""

from __future__ import annotations

import json
from typing import Any

import pytest

from flows import endocs_contracts_to_prosonata as contracts_flow
from flows.prosonata_time_to_exeoflow import ARTIFACT_KEY, DRY_RUN_KEY, prosonata_time_to_exeoflow
from prefect_prosonata_exeoflow import InvalidRequestError
from prefect_prosonata_exeoflow.sandbox import SandboxServer

from .artifacts import artifacts
from .test_main_flow import fresh_blocks, params


def test_a_workflow_name_typo_fails_once_and_lists_the_workflows_that_exist(
    prefect_harness: None, sandbox: SandboxServer
) -> None:
    names = fresh_blocks(sandbox)
    before = sandbox.sandbox.stats.get("exeoflow.requests")
    with pytest.raises(InvalidRequestError) as caught:
        prosonata_time_to_exeoflow(**params(names, workflow="Projektzeiten ubernehmen"))
    message = str(caught.value)
    assert "'Projektzeiten ubernehmen'" in message and "'Projektzeiten übernehmen' (wf_" in message
    # One listing, not three: the task is not retried for input that cannot heal.
    assert sandbox.sandbox.stats.get("exeoflow.requests") - before == 1
    assert sandbox.sandbox.stats.get("exeoflow.execute") == 0


def test_the_dry_run_artifact_shows_what_would_be_sent(prefect_harness: None, sandbox: SandboxServer) -> None:
    names = fresh_blocks(sandbox)
    state = prosonata_time_to_exeoflow(**params(names, dry_run=True), return_state=True)
    summary = state.result()
    (table,) = artifacts(ARTIFACT_KEY, flow_runs=[state.state_details.flow_run_id])
    assert table["data"].count("would send (dry run)") == summary.groups >= 1  # a table cell does not wrap
    assert f"is in the artifact {DRY_RUN_KEY}" in table["description"]
    (sent,) = artifacts(DRY_RUN_KEY, flow_runs=[state.state_details.flow_run_id])
    assert sent["type"] == "markdown" and sent["data"].count("```json") == summary.groups
    first = json.loads(sent["data"].split("```json", 1)[1].split("```", 1)[0])
    assert set(first) >= {"group", "period", "totals", "entries"} and "timeID" in first["entries"][0]
    assert sandbox.sandbox.stats.get("exeoflow.execute") == 0


def test_the_endocs_artifact_puts_status_and_note_next_to_the_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    published: list[Any] = []
    monkeypatch.setattr(contracts_flow, "create_table_artifact", lambda **kwargs: published.append(kwargs))
    result = contracts_flow.ContractResult(contract_id=7, name="Vertrag", status="failed", message="no customer")
    contracts_flow._publish(contracts_flow.ContractSyncSummary(
        cursor_variable="c", since_id=0, cursor=0, cursor_saved=False, contracts_read=1, created=0, already_existed=0,
        skipped=0, failed=1, customers_created=0, dry_run=False, results=[result]))
    assert list(published[0]["table"][0])[:3] == ["contract", "status", "note"]


def test_served_deployments_carry_what_prefect_yaml_declares() -> None:
    from flows.serve import declared_deployments, deployments

    served = {d.name: d for d in deployments()}
    for spec in declared_deployments():
        deployment = served[spec["name"]]
        zones = [s.schedule.timezone for s in deployment.schedules]
        assert zones == [s.get("timezone") for s in spec.get("schedules", [])], spec["name"]
        assert [t.expect for t in deployment.triggers] == [set(t["expect"]) for t in spec.get("triggers", [])]
    assert served["daily-yesterday"].schedules[0].schedule.timezone == "Europe/Berlin"


def test_the_automation_in_prefect_yaml_listens_to_an_event_the_package_emits() -> None:
    from flows.serve import declared_deployments
    from prefect_prosonata_exeoflow._core.events import EXECUTION_EVENTS

    expected = {name for spec in declared_deployments() for t in spec.get("triggers", []) for name in t["expect"]}
    assert expected and expected <= {f"exeoflow.execution.{what}" for what in EXECUTION_EVENTS}


@pytest.mark.parametrize("module", ["flows.demo", "flows.ui", "flows.serve", "blocks.setup"])
def test_help_shows_the_command_to_type(module: str) -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith(f"usage: python -m {module}"), done.stdout + done.stderr
