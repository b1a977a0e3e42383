"""ProSonata fixtures: credentials pointed at the loopback sandbox, and a client on them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from prefect_prosonata_exeoflow.prosonata import ProSonataClient, ProSonataCredentials
from prefect_prosonata_exeoflow.sandbox import SANDBOX_KEYS, SandboxServer


def credentials_for(sandbox: SandboxServer, key: str = "prosonata_admin_key", **options: object) -> ProSonataCredentials:
    return ProSonataCredentials(
        base_url=sandbox.base_url("prosonata"), api_key=SecretStr(SANDBOX_KEYS[key]), **options  # type: ignore[arg-type]
    )


@pytest.fixture
def client(sandbox: SandboxServer) -> Iterator[ProSonataClient]:
    with credentials_for(sandbox).get_client() as client:
        yield client
