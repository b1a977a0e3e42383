"""Fixtures for the Exeoflow tests: credentials for the loopback sandbox, a raw-API helper, and a
client on the fake-clock sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from prefect_prosonata_exeoflow.exeoflow import ExeoflowClient, ExeoflowCredentials
from prefect_prosonata_exeoflow.sandbox import SANDBOX_KEYS, SandboxServer
from prefect_prosonata_exeoflow.sandbox.exeoflow import ExeoflowEmulator
from tests.conftest import Clocked
from tests.drills.apis import exact_client

KEY = SANDBOX_KEYS["exeoflow_api_key"]


@pytest.fixture
def credentials(sandbox: SandboxServer) -> ExeoflowCredentials:
    """Credentials for the running sandbox (fresh data, generous limits)."""
    return ExeoflowCredentials(api_key=KEY, base_url=sandbox.base_url("exeoflow"), max_retries=2)


@pytest.fixture
def emulator(sandbox: SandboxServer) -> ExeoflowEmulator:
    emulator = sandbox.sandbox.emulators["exeoflow"]
    assert isinstance(emulator, ExeoflowEmulator)
    return emulator


@pytest.fixture
def raw(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    """Plain httpx against the sandbox's Exeoflow API (no pacing, no retries), to see the wire."""
    with httpx.Client(base_url=sandbox.base_url("exeoflow") + "/", headers={"Authorization": f"Bearer {KEY}"}) as c:
        yield c



@pytest.fixture(autouse=True)
def _default_exeoflow_options(request: pytest.FixtureRequest) -> Iterator[None]:
    """The sandbox's reset keeps configuration: put the Exeoflow run timings back after each test."""
    server: SandboxServer | None = None
    if "sandbox" in request.fixturenames:
        server = request.getfixturevalue("sandbox_server")
    yield
    if server is not None:
        server.sandbox.configure("exeoflow", execution_seconds=1.0, forced_retry_after=1.0)


def clocked_client(clocked: Clocked, **options: Any) -> ExeoflowClient:
    """A client on the sandbox's fake clock: jitter off, backoff at its upper bound, sleeps instant."""
    creds = ExeoflowCredentials(api_key=KEY,
                                base_url=clocked.server.base_url("exeoflow"), **options)
    client = exact_client(creds, clocked.clock)
    assert isinstance(client, ExeoflowClient)
    return client
