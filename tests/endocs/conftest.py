"""EnDocs fixtures: credentials pointed at the loopback sandbox, and the emulator behind it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from prefect_prosonata_exeoflow.endocs import EnDocsClient, EnDocsCredentials
from prefect_prosonata_exeoflow.sandbox import SandboxServer
from prefect_prosonata_exeoflow.sandbox.endocs import EnDocsEmulator

from .support import make_credentials


@pytest.fixture
def emulator(sandbox: SandboxServer) -> EnDocsEmulator:
    emulator = sandbox.sandbox.emulators["endocs"]
    assert isinstance(emulator, EnDocsEmulator)
    return emulator


@pytest.fixture
def credentials(sandbox: SandboxServer) -> EnDocsCredentials:
    return make_credentials(sandbox.base_url("endocs"))


@pytest.fixture
def client(credentials: EnDocsCredentials) -> Iterator[EnDocsClient]:
    with credentials.get_client() as client:
        yield client
