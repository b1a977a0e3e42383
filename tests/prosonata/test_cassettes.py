"""Recorded ProSonata answers, one cassette per resource, replayed offline (see tests/_vcr.py).

Replay needs no server: the client points at a dead port and vcrpy answers. Re-record against
the sandbox with ``PPE_RECORD=1``; against a real account, also set ``PPE_PROSONATA_BASE_URL``
and ``PPE_SECRET_PROSONATA_KEY`` (the key is scrubbed from the cassettes as it is written).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from prefect_prosonata_exeoflow.prosonata import RESOURCES, ProSonataClient, ProSonataCredentials
from prefect_prosonata_exeoflow.sandbox import SANDBOX_KEYS, SandboxServer

from .._vcr import CASSETTES, RECORDING, cassette_vcr
from .support import UPDATE_PAYLOADS, create_payload, seeded_ids

FOLDER = CASSETTES / "prosonata"
#: References used in create bodies, saved at record time so replayed bodies match the recorded ones.
IDS_FILE = FOLDER / "_seeded_ids.json"


@pytest.fixture(scope="module")
def recorder_server() -> Iterator[SandboxServer | None]:
    if not RECORDING or os.environ.get("PPE_PROSONATA_BASE_URL"):
        yield None
        return
    with SandboxServer() as server:
        yield server


@pytest.fixture
def client(recorder_server: SandboxServer | None) -> Iterator[ProSonataClient]:
    if recorder_server is not None:
        recorder_server.sandbox.reset()
        # Recording is about envelopes, not pacing: lift the rate window so it takes seconds.
        recorder_server.sandbox.configure("prosonata", rate_limit=100_000, window_seconds=900)
        base_url, key = recorder_server.base_url("prosonata"), SANDBOX_KEYS["prosonata_admin_key"]
    else:
        base_url = os.environ.get("PPE_PROSONATA_BASE_URL", "http://localhost:9/prosonata/api/v1")
        key = os.environ.get("PPE_SECRET_PROSONATA_KEY", SANDBOX_KEYS["prosonata_admin_key"])
    with ProSonataCredentials(base_url=base_url, api_key=SecretStr(key), max_retries=0).get_client() as client:
        if RECORDING:
            FOLDER.mkdir(parents=True, exist_ok=True)
            IDS_FILE.write_text(json.dumps(seeded_ids(client)))
        yield client


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.path)
def test_resource_cassette(client: ProSonataClient, resource) -> None:  # type: ignore[no-untyped-def]
    with cassette_vcr().use_cassette(f"prosonata/{resource.path}.yaml"):
        accessor = client.resource(resource.path)
        page = accessor.page(1, 2, order_by=resource.sort_keys[0])
        assert page.items and page.total_count >= len(page.items)
        first_id = getattr(page.items[0], resource.id_field)
        assert getattr(accessor.get(first_id), resource.id_field) == first_id
        if "create" in resource.methods:
            created = accessor.create(create_payload(resource.path, json.loads(IDS_FILE.read_text())))
            new_id = getattr(created, resource.id_field)
            accessor.update(new_id, UPDATE_PAYLOADS[resource.path])
            if "delete" in resource.methods:
                accessor.delete(new_id)


def test_cassettes_exist_for_every_resource_and_hold_no_secret() -> None:
    files = sorted(FOLDER.glob("*.yaml"))
    assert {path.stem for path in files} == {resource.path for resource in RESOURCES}
    for path in files:
        text = Path(path).read_text(encoding="utf-8")
        for secret in SANDBOX_KEYS.values():
            assert secret not in text, f"{path.name} holds a key"
        assert "X-API-Key: " not in text or "REDACTED" in text
