"""One cassette per Exeoflow endpoint, recorded from the sandbox and replayed offline.

Re-record with ``PPE_RECORD=1 .venv/bin/pytest tests/exeoflow/test_cassettes.py``.
Replay points the client at ``http://localhost:9`` (nothing listens there): any request that
is not in the cassette fails the test.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from prefect_prosonata_exeoflow.exeoflow import ExeoflowClient, ExeoflowCredentials
from prefect_prosonata_exeoflow.sandbox import SANDBOX_KEYS, SandboxServer
from tests._vcr import CASSETTES, RECORDING, cassette_vcr

KEY = SANDBOX_KEYS["exeoflow_api_key"]
OFFLINE_BASE_URL = "http://localhost:9/exeoflow/v1"
DIRECTORY = CASSETTES / "exeoflow"


def _invoke(client: ExeoflowClient) -> Any:
    hook = client.list_webhooks("wf_100001")[0]
    return client.invoke_webhook(hook, {"projekt": "P-2024-001", "stunden": 7.5})


def _cancel(client: ExeoflowClient) -> Any:
    started = client.execute_workflow("wf_100001", {"_sandbox": {"seconds": 30}})
    return client.cancel_execution(started.execution_id)


#: endpoint -> (the calls, a check of what came back)
ENDPOINTS: dict[str, tuple[Callable[[ExeoflowClient], Any], Callable[[Any], bool]]] = {
    "list_workflows": (lambda c: c.list_workflows_page(1, 2, "active"),
                       lambda r: r.pagination.total == 2 and len(r.items) == 2),
    "get_workflow": (lambda c: c.get_workflow("wf_100001"), lambda r: len(r.nodes) == 3),
    "create_workflow": (lambda c: c.create_workflow("Reisekosten prüfen", "Aus der Kassette",
                                                    nodes=[{"id": "node_1", "type": "trigger"}]),
                        lambda r: r.id.startswith("wf_") and r.status == "inactive"),
    "update_workflow": (lambda c: c.update_workflow("wf_100002", name="Rechnungseingang prüfen (neu)"),
                        lambda r: r.name.endswith("(neu)") and r.nodes),
    "delete_workflow": (lambda c: c.delete_workflow("wf_100004"), lambda r: r.deleted),
    "set_workflow_status": (lambda c: c.set_workflow_status("wf_100002", "active"), lambda r: r.is_active),
    "execute_workflow": (lambda c: c.execute_workflow("wf_100001", {"user_id": "12345"}),
                         lambda r: r.execution_id.startswith("exec_") and r.status == "running"),
    "list_executions": (lambda c: c.list_executions_page(1, 20, workflow_id="wf_100001", status="success",
                                                         date_from="2024-01-01"),
                        lambda r: [e.id for e in r.items] == ["exec_100001"]),
    "get_execution": (lambda c: c.get_execution("exec_100002"),
                      lambda r: r.status == "failed" and r.error.code == "NODE_FAILED" and r.steps),
    "cancel_execution": (_cancel, lambda r: r.status == "cancelled"),
    "create_webhook": (lambda c: c.create_webhook("wf_100003", "Urlaubsportal"),
                       lambda r: r.id.startswith("wh_") and r.url.endswith(f"/exeoflow/webhook/{r.id}")),
    "list_webhooks": (lambda c: c.list_webhooks(), lambda r: [h.id for h in r] == ["wh_100001"]),
    "invoke_webhook": (_invoke, lambda r: r.execution_id.startswith("exec_")),
}


@pytest.fixture
def cassette_credentials(request: pytest.FixtureRequest) -> ExeoflowCredentials:
    if RECORDING:
        sandbox: SandboxServer = request.getfixturevalue("sandbox")
        return ExeoflowCredentials(api_key=KEY, base_url=sandbox.base_url("exeoflow"))
    return ExeoflowCredentials(api_key=KEY, base_url=OFFLINE_BASE_URL, max_retries=0)


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_endpoint_replays_from_its_cassette(endpoint: str, cassette_credentials: ExeoflowCredentials) -> None:
    calls, check = ENDPOINTS[endpoint]
    with cassette_vcr().use_cassette(f"exeoflow/{endpoint}.yaml") as cassette, \
            cassette_credentials.get_client() as client:
        result = calls(client)
    assert check(result), result
    if not RECORDING:
        assert cassette.all_played


def test_there_is_one_cassette_per_endpoint() -> None:
    assert sorted(path.stem for path in DIRECTORY.glob("*.yaml")) == sorted(ENDPOINTS)


def test_no_secret_in_any_cassette() -> None:
    texts = {path.name: path.read_text() for path in DIRECTORY.glob("*.yaml")}
    assert texts
    for name, text in texts.items():
        assert KEY not in text, name
        assert "whsec_" not in text, name
        assert not re.search(r"(?i)bearer\s+(?!REDACTED)[A-Za-z0-9._-]+", text), name
    assert "REDACTED" in texts["list_webhooks.yaml"]  # the token field is there, masked
