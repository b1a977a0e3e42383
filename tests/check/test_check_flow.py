"""The check as a Prefect flow: a table artifact without secrets, and a failed run when something breaks."""

from __future__ import annotations

import json
import uuid

import pytest
from prefect.client.schemas.objects import StateType

from blocks.setup import build_blocks, save_blocks
from prefect_prosonata_exeoflow.check import ARTIFACT_KEY, CheckFailedError, CheckReport, check
from prefect_prosonata_exeoflow.sandbox import SANDBOX_KEYS, SandboxServer

from ..flows.artifacts import artifacts


def saved_blocks(sandbox: SandboxServer) -> dict[str, str]:
    suffix = uuid.uuid4().hex[:8]
    names = {api: f"check-{api}-{suffix}" for api in ("prosonata", "exeoflow", "endocs")}
    save_blocks(build_blocks(sandbox_url=sandbox.url), names)
    return {f"{api}_block": name for api, name in names.items()}


def test_the_flow_publishes_a_table_artifact_without_secrets(prefect_harness: None, sandbox: SandboxServer) -> None:
    state = check(**saved_blocks(sandbox), max_calls=40, return_state=True)
    assert state.type == StateType.COMPLETED
    report = state.result()
    assert isinstance(report, CheckReport) and report.exit_code() == 0
    [artifact] = artifacts(ARTIFACT_KEY, flow_runs=[state.state_details.flow_run_id])
    rows = json.loads(artifact["data"]) if isinstance(artifact["data"], str) else artifact["data"]
    assert len(rows) == len(report.results) == 43
    assert {row["result"] for row in rows} == {"ok", "skipped"}
    text = json.dumps(artifact)
    for secret in SANDBOX_KEYS.values():
        assert secret not in text
    assert "whsec_" not in text


def test_a_broken_endpoint_fails_the_run(prefect_harness: None, sandbox: SandboxServer) -> None:
    sandbox.sandbox.faults.add("status", api="exeoflow", status=401, times=None)
    names = saved_blocks(sandbox)
    with pytest.raises(CheckFailedError, match="exeoflow list_workflows"):
        check(prosonata_block=None, exeoflow_block=names["exeoflow_block"], endocs_block="", max_calls=5)


def test_the_command_reads_saved_blocks(prefect_harness: None, sandbox: SandboxServer,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    from prefect_prosonata_exeoflow.check.__main__ import main

    names = saved_blocks(sandbox)
    assert main(["--apis", "exeoflow", "--block", f"exeoflow={names['exeoflow_block']}"]) == 0
    assert "exeoflow: 5 calls; 5 ok" in capsys.readouterr().out
    assert main(["--apis", "exeoflow", "--block", "exeoflow=no-such-block"]) == 2
    assert "no saved block 'no-such-block'" in capsys.readouterr().err
