"""Loopback tests: the Exeoflow client against the sandbox, every endpoint, sync and async."""

from __future__ import annotations

import datetime as dt
import time

import httpx
import pytest

from prefect_prosonata_exeoflow._core.errors import (
    AuthenticationError,
    BadRequestError,
    NotFoundError,
)
from prefect_prosonata_exeoflow.exeoflow import ExeoflowCredentials
from prefect_prosonata_exeoflow.sandbox import SandboxServer
from prefect_prosonata_exeoflow.sandbox.exeoflow import ExeoflowEmulator
from prefect_prosonata_exeoflow.sandbox.exeoflow.seed import (
    PROJECT_TIMES_WEBHOOK,
    PROJECT_TIMES_WORKFLOW,
)
from tests.conftest import Clocked

from .conftest import KEY

WF = PROJECT_TIMES_WORKFLOW


# -- the 13 endpoints, through the sync client ---------------------------------------------------
def test_list_workflows_with_status_filter_and_pages(credentials: ExeoflowCredentials) -> None:
    with credentials.get_client() as client:
        everything = client.list_workflows()
        active = client.list_workflows("active")
        page = client.list_workflows_page(page=2, limit=3)
        only_page = client.list_workflows(page=2, page_size=3)  # one page, as the list tasks read it
        first_of_default_size = client.list_workflows("active", page=1)
    assert [w.id for w in only_page] == [w.id for w in page.items] == [everything[-1].id]
    assert [w.id for w in first_of_default_size] == [w.id for w in active]
    assert len(everything) == 4 and {w.status for w in active} == {"active"} and len(active) == 2
    assert page.pagination is not None and (page.pagination.total, page.pagination.pages) == (4, 2)
    assert len(page.items) == 1 and not page.has_more
    assert everything[0].nodes is None  # list items carry no nodes


def test_get_workflow_has_nodes_and_connections(credentials: ExeoflowCredentials) -> None:
    with credentials.get_client() as client:
        workflow = client.get_workflow(WF)
    assert workflow.name == "Projektzeiten übernehmen" and workflow.is_active
    assert [n.type for n in workflow.nodes or []] == ["trigger", "data", "action"]
    assert workflow.connections == [{"from": "node_1", "to": "node_2"}, {"from": "node_2", "to": "node_3"}]


def test_create_update_status_delete_workflow(credentials: ExeoflowCredentials, sandbox: SandboxServer) -> None:
    with credentials.get_client() as client:
        created = client.create_workflow("Belege archivieren", "Legt Belege ab",
                                         nodes=[{"id": "n1", "type": "trigger", "name": "Start"}])
        assert created.id.startswith("wf_") and created.status == "inactive" and created.updated_at is None
        updated = client.update_workflow(created.id, description="Neu",
                                         connections=[{"from": "n1", "to": "n1"}])
        assert (updated.name, updated.description) == ("Belege archivieren", "Neu")
        assert updated.nodes and updated.nodes[0].name == "Start" and updated.connections
        assert client.set_workflow_status(created.id, "active").status == "active"
        assert client.set_workflow_status(created.id, "inactive").status == "inactive"
        deleted = client.delete_workflow(created.id)
        assert deleted.deleted and deleted.id == created.id
        with pytest.raises(NotFoundError) as caught:
            client.get_workflow(created.id)
    assert caught.value.code == "WORKFLOW_NOT_FOUND"
    stats = sandbox.sandbox.stats
    assert stats.get("exeoflow.create.workflow") == 1 and stats.get("exeoflow.delete.workflow") == 1


def test_execute_get_and_steps_progress(clocked: Clocked) -> None:
    """On the sandbox's fake clock: the run ends exactly ``execution_seconds`` after it started."""
    clocked.server.sandbox.configure("exeoflow", execution_seconds=0.6)
    credentials = ExeoflowCredentials(api_key=KEY, base_url=clocked.server.base_url("exeoflow"))
    with credentials.get_client() as client:
        started = client.execute_workflow(WF, {"user_id": "12345"})
        assert started.execution_id.startswith("exec_") and started.status == "running"
        running = client.get_execution(started.execution_id)
        clocked.clock.advance(0.7)
        done = client.get_execution(started.execution_id)
    assert running.status == "running" and running.finished_at is None and running.duration is None
    assert running.steps and running.steps[0].status == "running" and len(running.steps) < 3
    assert done.status == "success" and done.input == {"user_id": "12345"}
    assert done.output and done.output["echo"] == {"user_id": "12345"}
    assert [s.status for s in done.steps or []] == ["success"] * 3
    assert done.duration == 600


def test_list_executions_filters(credentials: ExeoflowCredentials) -> None:
    with credentials.get_client() as client:
        everything = client.list_executions()
        of_workflow = client.list_executions(workflow_id=WF)
        failed = client.list_executions(status="failed")
        in_range = client.list_executions(date_from="2024-01-21", date_to=dt.date(2024, 1, 21))
        since = client.list_executions(date_from=dt.datetime(2024, 1, 21, 9, 0, tzinfo=dt.timezone.utc))
    assert [e.id for e in everything] == ["exec_100003", "exec_100002", "exec_100001"]  # newest first
    assert {e.workflow_id for e in of_workflow} == {WF} and len(of_workflow) == 2
    assert [e.id for e in failed] == ["exec_100002"] and failed[0].error and failed[0].error.code == "NODE_FAILED"
    assert [e.id for e in in_range] == ["exec_100002"]
    assert [e.id for e in since] == ["exec_100003"]
    assert everything[-1].duration == 150000 and everything[-1].elapsed == dt.timedelta(seconds=150)


def test_cancel_execution_and_cancelling_twice(credentials: ExeoflowCredentials, emulator: ExeoflowEmulator) -> None:
    with credentials.get_client() as client:
        started = client.execute_workflow(WF, {"_sandbox": {"seconds": 30}})
        cancelled = client.cancel_execution(started.execution_id)
        assert cancelled.status == "cancelled" and cancelled.finished_at is not None
        with pytest.raises(BadRequestError) as caught:
            client.cancel_execution(started.execution_id)
        final = client.get_execution(started.execution_id)
    assert caught.value.code == "EXECUTION_NOT_RUNNING"
    assert final.status == "cancelled" and final.steps and final.steps[0].status == "cancelled"
    assert emulator.running_executions() == []


def test_create_list_and_invoke_webhooks(credentials: ExeoflowCredentials, sandbox: SandboxServer) -> None:
    with credentials.get_client() as client:
        hook = client.create_webhook(WF, "Zweiter Eingang", method="put")
        assert hook.id.startswith("wh_") and hook.token is not None
        assert hook.token.get_secret_value().startswith("whsec_")
        assert hook.url == f"{sandbox.url}/exeoflow/webhook/{hook.id}" and hook.method == "PUT"
        listed = client.list_webhooks(WF)
        assert {h.id for h in listed} == {PROJECT_TIMES_WEBHOOK, hook.id}
        assert client.list_webhooks("wf_100002") == []
        started = client.invoke_webhook(hook, {"data": {"projekt": "P-1"}})
        execution = client.get_execution(started.execution_id)
    assert started.status == "running" and started.message == "Workflow wurde gestartet"
    assert execution.input == {"projekt": "P-1"}  # a lone "data" object is unwrapped
    assert sandbox.sandbox.stats.get("exeoflow.webhook.invoke") == 1


def test_webhook_needs_its_own_token_right_method_and_an_active_workflow(
    credentials: ExeoflowCredentials, sandbox: SandboxServer
) -> None:
    with credentials.get_client() as client:
        hook = next(h for h in client.list_webhooks() if h.id == PROJECT_TIMES_WEBHOOK)
        with pytest.raises(AuthenticationError):
            client.invoke_webhook(hook.url or "", {"x": 1})  # no token
        with pytest.raises(AuthenticationError):
            client.invoke_webhook(hook.url or "", {"x": 1}, token=credentials.api_key)  # the API key is not it
        with pytest.raises(Exception) as wrong_method:
            client.invoke_webhook(hook, {"x": 1}, method="GET")
        client.set_workflow_status(WF, "inactive")
        with pytest.raises(BadRequestError) as inactive:
            client.invoke_webhook(hook, {"x": 1})
        open_hook = client.create_webhook("wf_100003", "Offen", authentication=False)
        assert client.invoke_webhook(open_hook.url or "", {"x": 1}).execution_id
    assert getattr(wrong_method.value, "status", None) == 405
    assert inactive.value.code == "WORKFLOW_INACTIVE"
    assert sandbox.sandbox.stats.get("exeoflow.webhook.invoke") == 1


async def test_async_client_covers_the_endpoints(credentials: ExeoflowCredentials) -> None:
    async with credentials.get_async_client() as client:
        assert len(await client.list_workflows()) == 4
        assert len(await client.list_workflows(page=2, page_size=3)) == 1
        created = await client.create_workflow("Async", nodes=[{"id": "n1", "type": "trigger"}])
        assert (await client.get_workflow(created.id)).name == "Async"
        assert (await client.update_workflow(created.id, name="Async 2")).name == "Async 2"
        assert (await client.set_workflow_status(created.id, "active")).status == "active"
        run = await client.execute_and_wait(created.id, {"k": 1}, poll_interval=0.1)
        assert run.status == "success"
        started = await client.execute_workflow(created.id, {"_sandbox": {"seconds": 30}})
        assert (await client.cancel_execution(started.execution_id)).status == "cancelled"
        assert {e.id for e in await client.list_executions(workflow_id=created.id)} == {run.id, started.execution_id}
        hook = await client.create_webhook(created.id, "Async Hook")
        assert [h.id for h in await client.list_webhooks(created.id)] == [hook.id]
        invoked = await client.invoke_webhook(hook, {"k": 2})
        assert (await client.get_execution(invoked.execution_id)).input == {"k": 2}
        assert (await client.delete_workflow(created.id)).deleted


# -- the emulator's wire format ----------------------------------------------------------------
def test_every_api_answer_carries_the_rate_limit_headers(raw: httpx.Client) -> None:
    for response in (raw.get("workflows"), raw.get("workflows/wf_nope"), raw.get("nirgendwo"),
                     raw.post("workflows", json={}), raw.get("workflows", headers={"Authorization": "Bearer x"})):
        assert {"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"} <= set(response.headers)
        assert int(response.headers["x-ratelimit-reset"]) >= int(time.time())
        body = response.json()
        assert isinstance(body["success"], bool)
    assert raw.get("nirgendwo").json()["error"]["code"] == "NOT_FOUND"
    assert raw.post("workflows", json={}).json()["error"]["code"] == "VALIDATION_ERROR"
    assert raw.post("workflows", content=b"{kaputt", headers={"content-type": "application/json"}).status_code == 400
    assert raw.delete("executions").status_code == 405


def test_create_answers_201_and_list_answers_200(raw: httpx.Client) -> None:
    created = raw.post("workflows", json={"name": "Roh"})
    assert created.status_code == 201 and set(created.json()["data"]) == {
        "id", "name", "description", "status", "created_at"}
    assert raw.get("workflows").status_code == 200


def test_bad_input_steering_is_rejected(raw: httpx.Client) -> None:
    answer = raw.post(f"workflows/{WF}/execute", json={"input": {"_sandbox": {"langsam": True}}})
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "VALIDATION_ERROR"
    assert raw.post(f"workflows/{WF}/execute", json={"input": [1]}).status_code == 400


def test_emulator_configuration_is_checked(emulator: ExeoflowEmulator) -> None:
    with pytest.raises(TypeError):
        emulator.configure(rate_limt=5)
    with pytest.raises(ValueError):
        emulator.configure(rate_limit=0)
    with pytest.raises(ValueError):
        emulator.configure(window_seconds=-1)


def test_reset_brings_back_the_seed(credentials: ExeoflowCredentials, sandbox: SandboxServer,
                                    emulator: ExeoflowEmulator) -> None:
    token = emulator.webhook_token(PROJECT_TIMES_WEBHOOK)
    with credentials.get_client() as client:
        client.delete_workflow(WF)
    sandbox.sandbox.reset()
    assert WF in emulator.workflows and emulator.webhook_token(PROJECT_TIMES_WEBHOOK) == token


def test_connection_check_and_a_wrong_key(credentials: ExeoflowCredentials, sandbox: SandboxServer) -> None:
    report = credentials.test_connection()
    assert report["workflows"] == 4 and report["rate_limit"] == "100000"
    wrong = ExeoflowCredentials(api_key="sandbox-exeo-key-9999", base_url=sandbox.base_url("exeoflow"))
    with pytest.raises(AuthenticationError) as caught:
        wrong.test_connection()
    assert caught.value.code == "UNAUTHORIZED" and "9999" not in str(caught.value)
