"""A served deployment, triggered through a real Prefect server's API as the UI's "Custom run" does.

Three processes, like a user's setup: a ``prefect server start`` (flows/runtime.py), a
``python -m flows.serve`` runner, and this test acting as the UI. The flow run itself executes in
a subprocess the runner starts, so nothing here shares Prefect settings with the test harness.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prefect.client.orchestration import PrefectClient

from flows.prosonata_time_to_exeoflow import ARTIFACT_KEY
from flows.runtime import QUIET_ENV, ROOT, stop_process
from flows.serve import MAIN_DEPLOYMENT
from prefect_prosonata_exeoflow.sandbox import SandboxServer

from .artifacts import artifacts
from .conftest import SharedServer

pytestmark = pytest.mark.server

DEADLINE_SECONDS = 180


@pytest.fixture(scope="module")
def prefect_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The runs' results live here, never in the demo's .prefect-home."""
    return tmp_path_factory.mktemp("prefect-home")


@pytest.fixture(scope="module")
def prefect_api(shared_prefect_server: SharedServer) -> str:
    return shared_prefect_server.api_url


def _environment(api_url: str, home: Path) -> dict[str, str]:
    env = {**os.environ, **QUIET_ENV, "PREFECT_HOME": str(home), "PREFECT_API_URL": api_url,
           "PREFECT_RUNNER_POLL_FREQUENCY": "1"}
    env.pop("PREFECT_LOCAL_STORAGE_PATH", None)
    return env


@pytest.fixture
def runner(prefect_api: str, prefect_home: Path, sandbox: SandboxServer) -> Iterator[subprocess.Popen[bytes]]:
    env = _environment(prefect_api, prefect_home)
    setup = subprocess.run(
        [sys.executable, "-m", "blocks.setup", "--sandbox", sandbox.url],
        env=env, cwd=ROOT, capture_output=True, timeout=120,
    )
    assert setup.returncode == 0, setup.stderr.decode()[-2000:]
    process = subprocess.Popen(
        [sys.executable, "-m", "flows.serve"], env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        yield process
    finally:
        stop_process(process)


async def _trigger_and_wait(api_url: str, runner: subprocess.Popen[bytes], parameters: dict[str, Any]) -> Any:
    async with PrefectClient(api=api_url) as client:
        deadline = time.monotonic() + DEADLINE_SECONDS
        deployment = None
        while deployment is None:
            assert runner.poll() is None, f"flows.serve exited: {runner.stderr.read().decode()[-2000:]}"  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "the deployment never appeared on the server"
            try:
                deployment = await client.read_deployment_by_name(MAIN_DEPLOYMENT)
            except Exception:  # not served yet
                await asyncio.sleep(0.5)
        run = await client.create_flow_run_from_deployment(deployment.id, parameters=parameters)
        while True:
            run = await client.read_flow_run(run.id)
            if run.state is not None and run.state.is_final():
                return run
            assert time.monotonic() < deadline, f"the run is still {run.state.name if run.state else '?'}"
            await asyncio.sleep(0.5)


def test_a_served_deployment_runs_from_the_api_with_form_parameters(
    prefect_api: str, runner: subprocess.Popen[bytes], sandbox: SandboxServer
) -> None:
    sandbox.sandbox.configure("exeoflow", execution_seconds=0.1)
    # A flat form, as the UI sends it: one field per parameter (an empty optional one may be left out).
    form = {"prosonata_block": "prosonata", "exeoflow_block": "exeoflow", "group_by": "user", "dry_run": False}

    run = asyncio.run(_trigger_and_wait(prefect_api, runner, form))

    assert run.state.is_completed(), run.state.message
    # The served deployment adds prefect.yaml's defaults (e.g. the workflow) to what the form sent.
    assert {name: run.parameters.get(name) for name in form} == form
    executed = sandbox.sandbox.stats.get("exeoflow.execute")
    assert executed >= 1, "the run executed the workflow in the sandbox"
    published = artifacts(ARTIFACT_KEY, flow_runs=[run.id], api_url=prefect_api)
    assert len(published) == 1 and published[0]["type"] == "table"
    assert published[0]["data"].count("success") == executed
