"""Unit tests of the Exeoflow dialect and client with httpx.MockTransport and a FakeClock (no sleeps)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from prefect_prosonata_exeoflow._core.budget import RateBudget
from prefect_prosonata_exeoflow._core.clock import FakeClock
from prefect_prosonata_exeoflow._core.errors import (
    AuthenticationError,
    BadRequestError,
    InvalidRequestError,
    MalformedResponseError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitError,
)
from prefect_prosonata_exeoflow._core.http import ClientSettings
from prefect_prosonata_exeoflow._core.policy import RetryPolicy
from prefect_prosonata_exeoflow.exeoflow import ExeoflowClient, ExeoflowCredentials
from prefect_prosonata_exeoflow.exeoflow.dialect import ExeoflowDialect

KEY = "unit-test-key-4711"
BASE = "https://api.exeoflow.test/v1"
Handler = Callable[[httpx.Request], httpx.Response]


def ok(data: Any, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(status, json={"success": True, "data": data}, headers=headers)


def fail(status: int, code: str, message: str = "Fehler", **headers: str) -> httpx.Response:
    return httpx.Response(status, json={"success": False, "error": {"code": code, "message": message}},
                          headers=headers)


def make_client(handler: Handler, clock: FakeClock | None = None, *, budget: bool = True,
                max_rate_limit_wait: float = 120.0) -> tuple[ExeoflowClient, FakeClock, list[httpx.Request]]:
    clock = clock or FakeClock()
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return handler(request)

    settings = ClientSettings(
        base_url=BASE,
        dialect=ExeoflowDialect(clock),
        headers={"Authorization": f"Bearer {KEY}"},
        secrets=(KEY,),
        policy=RetryPolicy(max_retries=2, rate_limit_jitter=0, max_rate_limit_wait=max_rate_limit_wait),
        budget=RateBudget(clock) if budget else None,
        clock=clock,
    )
    return ExeoflowClient(settings, transport=httpx.MockTransport(record)), clock, sent


def response(**headers: str) -> httpx.Response:
    return httpx.Response(200, headers=headers, request=httpx.Request("GET", BASE))


# -- hint parsing ------------------------------------------------------------------------------
def test_budget_hint_turns_epoch_reset_into_seconds_from_now() -> None:
    clock = FakeClock()
    reset = str(int(clock.time()) + 30)
    hint = ExeoflowDialect(clock).budget_hint(
        response(**{"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "95", "X-RateLimit-Reset": reset}), None)
    assert hint is not None
    assert (hint.remaining, hint.reset_in, hint.limit) == (95, 30.0, 100)


@pytest.mark.parametrize(
    ("reset", "expected"),
    [
        ("+12", 12.0),  # a small number: seconds from now (a rewriting proxy)
        ("-5", None),  # negative: no hint
        ("spaeter", None),  # garbage
        ("nan", None),
        ("OFFSET+3600", 3600.0),  # an hour away: kept; the core raises RateLimitError past max_rate_limit_wait
        ("OFFSET-10", None),  # already past (stale): no hint, the core probes
    ],
)
def test_reset_hint_edge_cases(reset: str, expected: float | None) -> None:
    clock = FakeClock()
    if reset.startswith("OFFSET"):
        reset = str(int(clock.time()) + int(reset[6:]))
    assert ExeoflowDialect(clock).reset_in(response(**{"X-RateLimit-Reset": reset})) == expected


def test_missing_or_garbage_remaining_gives_no_hint() -> None:
    dialect = ExeoflowDialect(FakeClock())
    assert dialect.budget_hint(response(), None) is None
    assert dialect.budget_hint(response(**{"X-RateLimit-Remaining": "keine"}), None) is None
    hint = dialect.budget_hint(response(**{"X-RateLimit-Remaining": "3", "X-RateLimit-Limit": "viele"}), None)
    assert hint is not None and hint.limit is None and hint.reset_in is None


def test_retry_after_wins_over_reset_and_reset_is_the_fallback() -> None:
    clock = FakeClock()
    dialect = ExeoflowDialect(clock)
    reset = str(int(clock.time()) + 20)
    assert dialect.retry_after(response(**{"Retry-After": "7", "X-RateLimit-Reset": reset}), None) == 7.0
    assert dialect.retry_after(response(**{"X-RateLimit-Reset": reset}), None) == 20.0
    assert dialect.retry_after(response(**{"Retry-After": "bald", "X-RateLimit-Reset": reset}), None) == 20.0
    assert dialect.retry_after(response(**{"X-RateLimit-Reset": str(int(clock.time()) - 3)}), None) is None
    assert dialect.retry_after(response(), None) is None


# -- 429 handling through the whole client ---------------------------------------------------
@pytest.mark.parametrize(
    ("headers", "expected_wait"),
    [
        ({"Retry-After": "7"}, 7.0),
        ({"X-RateLimit-Reset": "OFFSET+12", "X-RateLimit-Remaining": "0"}, 12.0),
        ({"Retry-After": "3", "X-RateLimit-Reset": "OFFSET+40", "X-RateLimit-Remaining": "0"}, 3.0),
    ],
)
def test_429_waits_exactly_the_hinted_time(headers: dict[str, str], expected_wait: float) -> None:
    clock = FakeClock()
    headers = {k: str(int(clock.time()) + int(v[7:])) if v.startswith("OFFSET") else v for k, v in headers.items()}
    answers = iter([fail(429, "RATE_LIMIT_EXCEEDED", **headers), ok({"id": "wf_1", "name": "A"})])
    client, clock, sent = make_client(lambda request: next(answers), clock)
    assert client.get_workflow("wf_1").name == "A"
    assert len(sent) == 2
    assert clock.sleeps == [expected_wait]


@pytest.mark.parametrize("budget", [True, False])
def test_429_without_usable_hint_backs_off(budget: bool) -> None:
    answers = iter([fail(429, "RATE_LIMIT_EXCEEDED", **{"Retry-After": "bald", "X-RateLimit-Reset": "nie"}),
                    ok({"id": "wf_1"})])
    client, clock, sent = make_client(lambda request: next(answers), budget=budget)
    client.get_workflow("wf_1")
    assert len(sent) == 2 and len(clock.sleeps) == 1
    assert 0.25 <= clock.sleeps[0] <= 0.5  # RetryPolicy.backoff(0)


def test_429_longer_than_the_maximum_wait_raises_with_code() -> None:
    client, _, sent = make_client(lambda r: fail(429, "RATE_LIMIT_EXCEEDED", **{"Retry-After": "90"}),
                                  max_rate_limit_wait=30)
    with pytest.raises(RateLimitError) as caught:
        client.get_workflow("wf_1")
    assert caught.value.retry_after == 90 and caught.value.code == "RATE_LIMIT_EXCEEDED"
    assert len(sent) == 1


def test_budget_paces_before_the_server_refuses() -> None:
    clock = FakeClock()
    reset = str(int(clock.time()) + 10)
    remaining = iter(["1", "0", "5"])

    def handler(request: httpx.Request) -> httpx.Response:
        return ok({"id": "wf_1"}, **{"X-RateLimit-Remaining": next(remaining), "X-RateLimit-Limit": "6",
                                     "X-RateLimit-Reset": reset})

    client, clock, sent = make_client(handler, clock)
    for _ in range(3):
        client.get_workflow("wf_1")
    assert len(sent) == 3
    assert clock.sleeps == [10.0]  # the third call waited for the window instead of getting a 429


# -- envelope and errors -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "code", "error_class"),
    [(404, "WORKFLOW_NOT_FOUND", NotFoundError), (400, "VALIDATION_ERROR", BadRequestError),
     (401, "UNAUTHORIZED", AuthenticationError)],
)
def test_error_envelope_maps_to_typed_errors_and_keeps_the_code(status: int, code: str, error_class: type) -> None:
    client, _, sent = make_client(lambda r: fail(status, code, "Workflow wf_9 nicht gefunden"))
    with pytest.raises(error_class) as caught:
        client.get_workflow("wf_9")
    assert caught.value.code == code and caught.value.status == status
    assert "nicht gefunden" in str(caught.value) and code in str(caught.value)
    assert len(sent) == 1  # client errors are not retried


def test_success_false_with_2xx_is_an_error_of_the_implied_status() -> None:
    client, _, _ = make_client(lambda r: httpx.Response(
        200, json={"success": False, "error": {"code": "EXECUTION_NOT_FOUND", "message": "weg"}}))
    with pytest.raises(NotFoundError) as caught:
        client.get_execution("exec_1")
    assert caught.value.code == "EXECUTION_NOT_FOUND"


@pytest.mark.parametrize(
    "answer",
    [httpx.Response(200, json={"workflows": []}),  # no envelope: wrong base URL
     httpx.Response(200, text="<html>login</html>", headers={"content-type": "text/html"})],
)
def test_answers_outside_the_envelope_are_malformed(answer: httpx.Response) -> None:
    client, _, _ = make_client(lambda r: answer)
    with pytest.raises(MalformedResponseError):
        client.list_workflows_page()


def test_delete_accepts_204_without_body() -> None:
    client, _, _ = make_client(lambda r: httpx.Response(204))
    deleted = client.delete_workflow("wf_1")
    assert deleted.id == "wf_1" and deleted.deleted


def test_the_key_never_appears_in_an_error() -> None:
    client, _, _ = make_client(lambda r: fail(401, "UNAUTHORIZED", f"Schlüssel {KEY} ist ungültig"))
    with pytest.raises(AuthenticationError) as caught:
        client.list_workflows_page()
    assert KEY not in str(caught.value) and KEY not in repr(caught.value.__dict__)


def test_execute_is_not_resent_after_a_5xx_but_reads_and_status_changes_are() -> None:
    client, _, sent = make_client(lambda r: fail(502, "INTERNAL_ERROR"))
    with pytest.raises(OutcomeUnknownError):
        client.execute_workflow("wf_1", {"a": 1})
    assert len(sent) == 1
    answers = iter([fail(503, "SERVICE_UNAVAILABLE"), ok({"id": "wf_1", "status": "active"})])
    client, _, sent = make_client(lambda r: next(answers))
    assert client.set_workflow_status("wf_1", "active").status == "active"
    assert len(sent) == 2  # POST /status is idempotent


def test_request_shapes() -> None:
    captured: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        captured.append(request)
        if request.url.path.endswith("/execute"):
            return ok({"execution_id": "exec_1", "status": "running"})
        return ok({"executions": [], "pagination": {"page": 2, "limit": 50, "total": 0, "pages": 0}})

    client, _, _ = make_client(handler)
    client.execute_workflow("wf_1")
    import datetime as dt
    client.list_executions_page(2, 50, workflow_id="wf_1", status="failed",
                                date_from=dt.datetime(2024, 1, 20, 11, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))),
                                date_to=dt.date(2024, 1, 31))
    execute, listing = captured
    assert execute.url.path == "/v1/workflows/wf_1/execute" and json.loads(execute.content) == {"input": {}}
    assert execute.headers["authorization"] == f"Bearer {KEY}"
    assert dict(listing.url.params) == {"page": "2", "limit": "50", "workflow_id": "wf_1", "status": "failed",
                                        "from": "2024-01-20T10:00:00Z", "to": "2024-01-31"}


def test_iter_workflows_walks_every_page_at_the_largest_size() -> None:
    rows = [{"id": f"wf_{n:03d}", "name": f"W{n}"} for n in range(230)]

    def handler(request: httpx.Request) -> httpx.Response:
        page, limit = int(request.url.params["page"]), int(request.url.params["limit"])
        chunk = rows[(page - 1) * limit: page * limit]
        return ok({"workflows": chunk, "pagination": {"page": page, "limit": limit, "total": len(rows),
                                                      "pages": -(-len(rows) // limit)}})

    client, _, sent = make_client(handler)
    assert [w.id for w in client.list_workflows()] == [r["id"] for r in rows]
    assert [r.url.params["limit"] for r in sent] == ["100", "100", "100"]
    assert len(client.list_workflows(limit=5)) == 5


# -- webhooks: own token, never the API key --------------------------------------------------
def test_webhook_invocation_uses_its_token_and_never_the_api_key() -> None:
    client, _, sent = make_client(lambda r: ok({"execution_id": "exec_9", "status": "running"}))
    client.invoke_webhook("https://hooks.exeoflow.test/webhook/wh_1", {"user_id": "1"}, token="whsec_abc")
    client.invoke_webhook("https://hooks.exeoflow.test/webhook/wh_2", {"user_id": "2"})
    with_token, without = sent
    assert str(with_token.url) == "https://hooks.exeoflow.test/webhook/wh_1"
    assert with_token.headers["authorization"] == "Bearer whsec_abc"
    assert "authorization" not in without.headers
    assert all(KEY not in str(r.headers) for r in sent)


def test_webhook_from_model_uses_url_method_and_token() -> None:
    from prefect_prosonata_exeoflow.exeoflow import Webhook

    client, _, sent = make_client(lambda r: ok({"execution_id": "exec_9", "status": "running"}))
    hook = Webhook.model_validate({"id": "wh_1", "url": "http://localhost:1/exeoflow/webhook/wh_1", "method": "PUT",
                                   "token": "whsec_xyz", "authentication": {"type": "bearer", "enabled": True}})
    assert "whsec_xyz" not in repr(hook)
    client.invoke_webhook(hook, {"k": "v"})
    assert sent[0].method == "PUT" and sent[0].headers["authorization"] == "Bearer whsec_xyz"


# -- validation before any request -----------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.get_workflow(""), "workflow_id"),
        (lambda c: c.get_workflow("wf_1/../x"), "workflow_id"),
        (lambda c: c.list_workflows_page(limit=101), "limit"),
        (lambda c: c.list_workflows_page(page=0), "page"),
        (lambda c: c.list_workflows(status="paused"), "status"),
        (lambda c: c.create_workflow("  "), "name"),
        (lambda c: c.create_workflow("X", nodes=[{"id": "n1"}]), "type"),
        (lambda c: c.update_workflow("wf_1"), "at least one"),
        (lambda c: c.set_workflow_status("wf_1", "on"), "status"),
        (lambda c: c.execute_workflow("wf_1", input=["a"]), "input"),
        (lambda c: c.list_executions(status="done"), "status"),
        (lambda c: c.list_executions(date_from="gestern"), "date_from"),
        (lambda c: c.create_webhook("wf_1", "H", method="DELETE"), "method"),
        (lambda c: c.invoke_webhook("/webhook/wh_1"), "absolute"),
        (lambda c: c.invoke_webhook("https://x.test/webhook/wh_1", token=" "), "token"),
        (lambda c: c.wait_for_execution("exec_1", timeout=0), "timeout"),
    ],
)
def test_bad_arguments_are_rejected_before_sending(call: Callable[[ExeoflowClient], Any], field: str) -> None:
    client, _, sent = make_client(lambda r: ok({}))
    with pytest.raises(InvalidRequestError, match=field):
        call(client)
    assert sent == []


# -- credentials block -----------------------------------------------------------------------
def test_credentials_defaults_and_validation() -> None:
    credentials = ExeoflowCredentials(api_key=KEY)
    assert credentials.base_url == "https://api.exeoflow.com/v1"
    assert credentials.max_rate_limit_wait == 120
    assert KEY not in repr(credentials)
    settings = credentials.client_settings(clock=FakeClock())
    assert settings.headers == {"Authorization": f"Bearer {KEY}"} and settings.secrets == (KEY,)
    assert ExeoflowCredentials(api_key=KEY, base_url="http://exeo.intern.example/api/v1/").base_url.endswith("/api/v1")
    for bad in ("ftp://api.exeoflow.com/v1", "https:///v1", "api.exeoflow.com/v1"):
        with pytest.raises(ValueError, match="base_url"):
            ExeoflowCredentials(api_key=KEY, base_url=bad)


def test_block_metadata_for_the_ui() -> None:
    schema = ExeoflowCredentials.model_json_schema()
    for name, field in ExeoflowCredentials.model_fields.items():
        assert field.description and field.description.endswith("."), name
    assert ExeoflowCredentials.get_block_type_name() == "Exeoflow Credentials"
    assert "Example:" in (ExeoflowCredentials.__doc__ or "")
    assert schema["properties"]["api_key"]["format"] == "password"
