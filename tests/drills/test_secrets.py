"""Keys and tokens never show up anywhere a person, a log or a file could see them.

Every task of the three APIs (sync, and the async twins) and the main flow run with the
sandbox's recognizable keys, with a 429, a 503 and 401/403 errors on the way; then the keys
are searched for in captured logs, Prefect's run logs, flow-run parameters, artifacts, stored
task results, every URL sent, exception texts and reprs, block reprs and dumps, and the
cassettes.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import pickle
import ssl
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from prefect import flow
from prefect.client.orchestration import get_client

from prefect_prosonata_exeoflow import APIError, AuthenticationError, PermissionDeniedError
from prefect_prosonata_exeoflow._core.redaction import InsecureTransportWarning
from prefect_prosonata_exeoflow.endocs import EnDocsCredentials
from prefect_prosonata_exeoflow.endocs import tasks as endocs_tasks
from prefect_prosonata_exeoflow.exeoflow import ExeoflowCredentials
from prefect_prosonata_exeoflow.exeoflow import tasks as exeoflow_tasks
from prefect_prosonata_exeoflow.prosonata import RESOURCES, ProSonataCredentials
from prefect_prosonata_exeoflow.sandbox import SANDBOX_KEYS, SandboxServer
from tests.endocs.test_tasks import CASES as ENDOCS_CASES
from tests.flows.test_main_flow import fresh_blocks, params
from tests.prosonata.support import UPDATE_PAYLOADS, create_payload, seeded_ids
from tests.prosonata.test_tasks import task_for

from .apis import WORKFLOW, credentials

ROOT = Path(__file__).resolve().parents[2]
#: A wrong key is still somebody's secret (a typo of the real one, a key of another account).
WRONG_KEY = "wrong-key-visible-Q7Z2"
SECRETS = sorted({*SANDBOX_KEYS.values(), WRONG_KEY})
pytestmark = pytest.mark.filterwarnings("ignore:Logger 'prefect")


def leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


@pytest.fixture
def urls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every URL any httpx client sends in this test (ours and Prefect's own API calls)."""
    sent: list[str] = []
    sync_send, async_send = httpx.Client.send, httpx.AsyncClient.send

    def send(self: httpx.Client, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        sent.append(str(request.url))
        return sync_send(self, request, **kwargs)

    async def asend(self: httpx.AsyncClient, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        sent.append(str(request.url))
        return await async_send(self, request, **kwargs)

    monkeypatch.setattr(httpx.Client, "send", send)
    monkeypatch.setattr(httpx.AsyncClient, "send", asend)
    return sent


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """caplog at DEBUG, also for Prefect's loggers (they do not propagate to the root)."""
    caplog.set_level(logging.DEBUG)
    # PREFECT_LOGGING_LEVEL (if set above DEBUG) is applied by Prefect to its own logger.
    caplog.set_level(logging.DEBUG, logger="prefect")
    prefect_logger = logging.getLogger("prefect")
    prefect_logger.addHandler(caplog.handler)
    yield caplog
    prefect_logger.removeHandler(caplog.handler)


def _exeoflow_tour(creds: ExeoflowCredentials) -> list[Any]:
    t = exeoflow_tasks
    out: list[Any] = [t.list_workflows(creds), t.get_workflow(creds, WORKFLOW)]
    created = t.create_workflow(creds, "Secret-Drill", nodes=[{"id": "n1", "type": "trigger"}])
    out += [t.update_workflow(creds, created.id, description="x"), t.set_workflow_status(creds, created.id, "active")]
    started = t.execute_workflow(creds, created.id, {"a": 1})
    out += [t.wait_for_execution(creds, started.execution_id, poll_interval=0.05),
            t.get_execution(creds, started.execution_id)]
    long_run = t.execute_workflow(creds, created.id, {"_sandbox": {"seconds": 30}})
    out += [t.cancel_execution(creds, long_run.execution_id), t.list_executions(creds, workflow_id=created.id),
            t.execute_workflow_and_wait(creds, created.id, {"b": 2}, poll_interval=0.05)]
    hook = t.create_webhook(creds, created.id, "Secret-Hook")
    out += [t.list_webhooks(creds, created.id), t.invoke_webhook(creds, hook, {"c": 3}),
            t.delete_workflow(creds, created.id)]
    return out


def _prosonata_tour(creds: ProSonataCredentials) -> int:
    with creds.get_client() as client:
        ids = seeded_ids(client)
    done = 0
    for resource in RESOURCES:
        rows = task_for(resource, "list")(creds, limit=2)
        task_for(resource, "get")(creds, getattr(rows[0], resource.id_field))
        if "create" in resource.methods:
            new_id = getattr(task_for(resource, "create")(creds, create_payload(resource.path, ids)), resource.id_field)
            task_for(resource, "update")(creds, new_id, UPDATE_PAYLOADS[resource.path])
            if "delete" in resource.methods:
                task_for(resource, "delete")(creds, new_id)
        done += 1
    return done


async def _async_twins(blocks: dict[str, Any]) -> int:
    ran = 0
    for name, (arguments, _) in ENDOCS_CASES.items():
        await getattr(endocs_tasks, f"a{name}")(blocks["endocs"], *arguments)
        ran += 1
    for resource in RESOURCES:
        await task_for(resource, "list", asynchronous=True)(blocks["prosonata"], limit=1)
        ran += 1
    exeo = blocks["exeoflow"]
    started = await exeoflow_tasks.aexecute_workflow(exeo, WORKFLOW, {"z": 1})
    await exeoflow_tasks.await_for_execution(exeo, started.execution_id, poll_interval=0.05)
    await exeoflow_tasks.alist_workflows(exeo)
    return ran + 3


def _blocks(sandbox: SandboxServer, key: str | None = None) -> dict[str, Any]:
    return {
        "prosonata": ProSonataCredentials(base_url=sandbox.base_url("prosonata"),
                                          api_key=key or SANDBOX_KEYS["prosonata_app_key"],
                                          app_id=SANDBOX_KEYS["prosonata_app_id"]),
        "exeoflow": ExeoflowCredentials(base_url=sandbox.base_url("exeoflow"),
                                        api_key=key or SANDBOX_KEYS["exeoflow_api_key"]),
        "endocs": EnDocsCredentials(base_url=sandbox.base_url("endocs"), token=key or SANDBOX_KEYS["endocs_token"]),
    }


def _error_texts(error: BaseException) -> str:
    state = pickle.loads(pickle.dumps(error))
    return "\n".join([str(error), repr(error), repr(vars(error)), str(state), repr(getattr(error, "body", None))])


def _prefect_records() -> str:
    """Run logs, flow-run parameters and artifacts as the Prefect API holds them."""
    from prefect.logging.handlers import APILogHandler

    APILogHandler().flush()

    async def read() -> list[Any]:
        async with get_client() as client:
            found: list[Any] = []
            for path in ("/logs/filter", "/flow_runs/filter", "/artifacts/filter"):
                rows: list[Any] = []
                while True:
                    page = (await client._client.post(path, json={"limit": 200, "offset": len(rows)})).json()
                    rows += page
                    if len(page) < 200:
                        break
                found.append(rows)
            return found

    logs, runs, artifacts = asyncio.run(read())
    assert logs, "no Prefect run logs were recorded: the drill would prove nothing"
    return json.dumps([logs, runs, artifacts], default=str)


def test_no_secret_leaks_from_any_task_or_the_main_flow(
    prefect_harness: None, sandbox: SandboxServer, urls: list[str], all_logs: pytest.LogCaptureFixture
) -> None:
    sandbox.sandbox.configure("exeoflow", execution_seconds=0.1, forced_retry_after=0.2)
    blocks = _blocks(sandbox)
    wrong = _blocks(sandbox, WRONG_KEY)
    # On the way: a 429 and a 503 (logged waits with their reasons).
    sandbox.sandbox.faults.add("rate_limit", api="exeoflow", method="GET", times=1)
    sandbox.sandbox.faults.add("status", api="endocs", method="GET", status=503, times=1)

    @flow
    def everything() -> dict[str, Any]:
        failures = {
            "401": exeoflow_tasks.get_workflow(wrong["exeoflow"], WORKFLOW, return_state=True),
            "401-endocs": endocs_tasks.get_client_info(wrong["endocs"], return_state=True),
            "401-prosonata": task_for(RESOURCES[0], "list")(wrong["prosonata"], limit=1, return_state=True),
        }
        return {
            "prosonata": _prosonata_tour(blocks["prosonata"]),
            "exeoflow": _exeoflow_tour(blocks["exeoflow"]),
            "endocs": [getattr(endocs_tasks, n)(blocks["endocs"], *a) for n, (a, _) in ENDOCS_CASES.items()],
            "failures": {name: state.message for name, state in failures.items()},
        }

    @flow
    async def twins() -> int:
        return await _async_twins(blocks)

    result = everything()
    assert result["prosonata"] == 14 and len(result["endocs"]) == len(ENDOCS_CASES)
    assert all("401" in message for message in result["failures"].values()), result["failures"]
    sandbox.sandbox.emulators["endocs"].reset()  # the twins repeat the same uploads and declines
    assert asyncio.run(twins()) == len(ENDOCS_CASES) + len(RESOURCES) + 3
    summary = fresh_blocks(sandbox)
    main = __import__("flows.prosonata_time_to_exeoflow", fromlist=["x"]).prosonata_time_to_exeoflow
    assert main(**params(summary)).executed >= 2

    stats = sandbox.sandbox.stats
    assert stats.get("exeoflow.429") == 1 and stats.get("endocs.requests") >= len(ENDOCS_CASES)
    assert "waiting" in all_logs.text or "backing off" in all_logs.text, "no wait was logged"
    assert leaks(all_logs.text) == []
    assert leaks("\n".join(urls)) == [] and len(urls) > 100
    assert leaks(_prefect_records()) == []
    stored = Path(os.environ["PREFECT_LOCAL_STORAGE_PATH"])
    assert leaks("".join(p.read_bytes().decode("latin-1") for p in stored.rglob("*") if p.is_file())) == []


@pytest.mark.parametrize("api", ["prosonata", "exeoflow", "endocs"])
def test_auth_errors_and_their_bodies_carry_no_key(sandbox: SandboxServer, api: str) -> None:
    wrong = _blocks(sandbox, WRONG_KEY)[api]
    with wrong.get_client() as client, pytest.raises(AuthenticationError) as caught:
        {"prosonata": lambda: client.projects.list(limit=1), "exeoflow": lambda: client.list_workflows(),
         "endocs": lambda: client.get_client_info()}[api]()
    assert caught.value.status == 401 and leaks(_error_texts(caught.value)) == []


def test_permission_denied_carries_no_key(sandbox: SandboxServer) -> None:
    designer = ProSonataCredentials(base_url=sandbox.base_url("prosonata"), api_key=SANDBOX_KEYS["prosonata_user_key"])
    with designer.get_client() as client, pytest.raises(PermissionDeniedError) as caught:
        client.invoices.list(limit=1)
    assert caught.value.status == 403 and leaks(_error_texts(caught.value)) == []


def test_a_key_echoed_by_the_server_is_masked(sandbox: SandboxServer) -> None:
    """A server (or proxy) that quotes the request back must not carry the key into our error."""
    key = SANDBOX_KEYS["exeoflow_api_key"]

    def echo(request: httpx.Request) -> httpx.Response:
        said = f"bad key {request.headers['authorization']} for {request.url}"
        return httpx.Response(500, json={"success": False, "error": {"code": "INTERNAL_ERROR", "message": said,
                                                                     "details": [said, {"k": said}]}})

    creds = ExeoflowCredentials(base_url=sandbox.base_url("exeoflow"), api_key=key, max_retries=0)
    client = creds._clients()[0](creds.client_settings(), transport=httpx.MockTransport(echo))
    with client, pytest.raises(APIError) as caught:
        client.get_workflow(WORKFLOW)
    assert "bad key" in str(caught.value) and leaks(_error_texts(caught.value)) == []


@pytest.mark.parametrize("api", ["prosonata", "exeoflow", "endocs"])
def test_blocks_and_clients_show_no_key(sandbox: SandboxServer, api: str) -> None:
    block = _blocks(sandbox)[api]
    with block.get_client() as client:
        shown = [repr(block), str(block), repr(dict(block)), repr(block.model_dump()), block.model_dump_json(),
                 repr(client), str(client), repr(client.settings)]
    assert leaks("\n".join(shown)) == []


def test_cassettes_hold_no_key() -> None:
    cassettes = list((ROOT / "tests" / "cassettes").rglob("*"))
    assert any(path.suffix == ".yaml" for path in cassettes)
    text = "".join(path.read_text(encoding="utf-8") for path in cassettes if path.is_file())
    assert leaks(text) == []


@pytest.mark.parametrize("api", ["prosonata", "exeoflow", "endocs"])
def test_tls_is_verified_and_plain_http_warns_off_loopback(sandbox: SandboxServer, api: str) -> None:
    block = credentials(api, sandbox)
    with block.get_client() as client:
        assert client.settings.verify is True
        context = client._http._transport._pool._ssl_context  # type: ignore[attr-defined]
        assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    with warnings.catch_warnings():
        warnings.simplefilter("error", InsecureTransportWarning)
        credentials(api, sandbox).get_client().close()  # http://localhost: the sandbox, no warning
    remote = block.model_copy(update={"base_url": "http://api.example.com/api/v1"})
    with pytest.warns(InsecureTransportWarning, match="clear text"):
        remote.get_client().close()
