"""The EnDocs dialect and client against httpx.MockTransport and a fake clock: no network, no sleeps."""

from __future__ import annotations

import math

import email.utils
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from prefect_prosonata_exeoflow._core.budget import reset_shared_budgets
from prefect_prosonata_exeoflow._core.clock import FakeClock
from prefect_prosonata_exeoflow._core.errors import (
    AuthenticationError,
    BadRequestError,
    InvalidRequestError,
    MalformedResponseError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)
from prefect_prosonata_exeoflow.endocs import EnDocsClient, EnDocsCredentials
from prefect_prosonata_exeoflow.endocs.dialect import (
    EnDocsDialect,
    classify,
    error_code,
    key_value,
)

TOKEN = "unit-test-token-abcdef"
START = 1_700_000_000.0  # 20 s past a minute boundary
Handler = Callable[[httpx.Request], httpx.Response]


def mock_client(handler: Handler, clock: FakeClock | None = None, **options: Any) -> tuple[EnDocsClient, FakeClock]:
    reset_shared_budgets()
    clock = clock or FakeClock(START)
    credentials = EnDocsCredentials(token=TOKEN, base_url="https://api.endocs.test", max_retries=2, **options)
    client = EnDocsClient(credentials.client_settings(clock=clock), transport=httpx.MockTransport(handler))
    return client, clock


def text(status: int, body: str, **headers: str) -> httpx.Response:
    return httpx.Response(status, content=body.encode(), headers={"content-type": "text/plain; charset=utf-8", **headers})


def jsn(status: int, body: Any, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


def once(*responses: httpx.Response) -> tuple[Handler, list[httpx.Request]]:
    """A handler answering the given responses in order (the last one repeats)."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return responses[min(len(seen) - 1, len(responses) - 1)]

    return handler, seen


# -- error styles and mapping ----------------------------------------------------------------------
@pytest.mark.parametrize("response", [
    jsn(400, {"error": "Files not found ( #err-70)"}),
    text(400, "Files not found ( #err-70)"),
])
def test_not_found_as_400_in_both_styles(response: httpx.Response) -> None:
    client, _ = mock_client(once(response)[0])
    with pytest.raises(NotFoundError) as caught:
        client.download_document_files(5)
    assert caught.value.code == "err-70"
    assert caught.value.message == "Files not found ( #err-70)"
    assert caught.value.status == 404


@pytest.mark.parametrize(("status", "message", "expected", "code"), [
    (400, "No NonFormDoc with id 5 was found", NotFoundError, None),
    (400, "No NonFormDoc with id 5", NotFoundError, None),
    (400, "No Metadata document was found", NotFoundError, None),
    (400, "No Contract document was found", NotFoundError, None),
    (400, "Wrong approval for document was found", BadRequestError, None),
    (400, "No token received ( #err-30)", AuthenticationError, "err-30"),
    (400, "No Authorization header ( #err-80)", AuthenticationError, "err-80"),
    (400, "Could not validate token", AuthenticationError, None),
    (401, "Could not find any client for this token ( #err-40)", AuthenticationError, "err-40"),
    (400, "Client is blocked ( #err-50)", PermissionDeniedError, "err-50"),
    (400, "Storage quota excceeded ( #err-60)", PermissionDeniedError, "err-60"),
    (400, "Max File size exceeded ( #err-20)", BadRequestError, "err-20"),
    (400, "Need update 1C configuration version ( #err-10)", BadRequestError, "err-10"),
    (400, "Field RequestID is required", BadRequestError, None),
])
@pytest.mark.parametrize("style", ["json", "text"])
def test_error_catalogue_maps_to_typed_errors(status: int, message: str, expected: type, code: str | None,
                                               style: str) -> None:
    response = jsn(status, {"error": message}) if style == "json" else text(status, message)
    client, _ = mock_client(once(response)[0])
    with pytest.raises(expected) as caught:
        client.get_client_users()
    assert type(caught.value) is expected
    assert caught.value.code == code
    assert caught.value.message == message


def test_problem_json_binding_error_is_a_bad_request_with_field_messages() -> None:
    body = {"type": "https://tools.ietf.org/html/rfc7231#section-6.5.1", "title": "One or more validation errors occurred.",
            "status": 400, "errors": {"id": ["The value 'abc' is not valid."]}}
    response = httpx.Response(400, content=json.dumps(body).encode(), headers={"content-type": "application/problem+json"})
    client, _ = mock_client(once(response)[0])
    with pytest.raises(BadRequestError) as caught:
        client.download_contract_files(7)
    assert "One or more validation errors occurred." in caught.value.message
    assert "id: The value 'abc' is not valid." in caught.value.message


def test_error_code_and_classify_helpers() -> None:
    assert error_code("Files not found ( #err-70)") == "err-70"
    assert error_code("Files not found (#ERR-70)") == "err-70"
    assert error_code("Database Failure") is None
    assert classify(500, "File not found ( #err-70)", "err-70") == 500  # only 400s are reinterpreted
    assert classify(400, "Field Name is required", None) == 400


def test_plain_text_success_decodes_and_html_is_malformed() -> None:
    handler, seen = once(text(200, "Success"))
    client, _ = mock_client(handler)
    assert client.decline_non_form_document(312, request_id="r1") is None
    sent = json.loads(seen[0].content)
    assert sent == {"RequestID": "r1", "NonFormID": 312, "Approved": False}
    page = httpx.Response(200, content=b"<html>login</html>", headers={"content-type": "text/html"})
    client, _ = mock_client(once(page)[0])
    with pytest.raises(MalformedResponseError, match="check the base URL"):
        client.get_client_info()


def test_server_error_retries_reads_but_never_resends_an_upload() -> None:
    handler, seen = once(text(500, "Database Failure"))
    client, _ = mock_client(handler)
    with pytest.raises(ServerError, match="Database Failure"):
        client.get_client_info()
    assert len(seen) == 3  # first try + max_retries=2
    handler, seen = once(text(500, "Database Failure"))
    client, _ = mock_client(handler)
    with pytest.raises(OutcomeUnknownError):
        client.upload_non_form_document(("scan.pdf", b"%PDF"))
    assert len(seen) == 1


def test_keyed_upsert_is_retried_after_a_503() -> None:
    created = {"id": 77, "name": "Договор", "ext_ID": "c-1"}
    handler, seen = once(text(503, "Service Unavailable"), jsn(201, created))
    client, _ = mock_client(handler)
    result = client.upsert_contract({"ext_id": "c-1", "name": "Договор", "organization": {"ext_id": "o", "name": "О"},
                                     "contractor": {"ext_id": "k", "name": "К"}}, request_id="fixed")
    assert result.created and result.item is not None and result.item.ext_id == "c-1"
    assert len(seen) == 2
    assert seen[0].content == seen[1].content  # the same body (same RequestID) both times


def test_request_shape_header_and_pascal_case_body() -> None:
    handler, seen = once(httpx.Response(204))
    client, _ = mock_client(handler)
    result = client.upsert_external_document(
        {"ext_id": "d-1", "doc_type_id": 1, "source": "Входящий", "amount_wovat": 100, "doc_date": "2024-03-15",
         "organization": {"ext_id": "o-1", "name": "ООО", "inn": "7701234560"}},
        files=[("ПТ-1.pdf", b"\x00\xff")], request_id="rid-1")
    assert result.created is False and result.item is None and result.status == 204
    request = seen[0]
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.url.path == "/api/Metadata/AddOrUpdateExtDoc"
    assert json.loads(request.content) == {
        "RequestID": "rid-1", "Ext_ID": "d-1", "DocTypeId": 1, "Source": "Входящий", "AmountWOVAT": 100.0,
        "DocDate": "2024-03-15", "Organization": {"Ext_ID": "o-1", "Name": "ООО", "INN": "7701234560"},
        "Binaries": [{"FileName": "ПТ-1.pdf", "FileBase64": "AP8="}]}


def test_token_is_redacted_from_error_messages() -> None:
    client, _ = mock_client(once(text(400, f"bad token {TOKEN} ( #err-30)"))[0])
    with pytest.raises(AuthenticationError) as caught:
        client.get_client_info()
    assert TOKEN not in str(caught.value)
    assert TOKEN not in repr(caught.value.body)


# -- 429 hints ---------------------------------------------------------------------------------------
def _limited_then_ok(**headers: str) -> Handler:
    return once(jsn(429, {"error": "Too Many Requests"}, **headers), jsn(200, {"id": 42}))[0]


def test_retry_after_seconds_is_waited() -> None:
    client, clock = mock_client(_limited_then_ok(**{"Retry-After": "7"}))
    assert client.get_client_info().id == 42
    assert len(clock.sleeps) == 1 and 7.0 <= clock.sleeps[0] <= 7.1


def test_retry_after_http_date_is_waited() -> None:
    clock = FakeClock(START)
    when = email.utils.formatdate(START + 12, usegmt=True)
    client, clock = mock_client(_limited_then_ok(**{"Retry-After": when}), clock)
    client.get_client_info()
    assert len(clock.sleeps) == 1 and 12.0 <= clock.sleeps[0] <= 12.1


@pytest.mark.parametrize("headers", [{}, {"Retry-After": "soon"}])
def test_without_a_usable_hint_the_client_backs_off_instead_of_guessing_the_minute(headers: dict[str, str]) -> None:
    # Nothing documents that EnDocs windows align to the calendar minute: no "next minute" guess.
    client, clock = mock_client(_limited_then_ok(**headers))
    client.get_client_info()
    assert len(clock.sleeps) == 1 and 0.25 <= clock.sleeps[0] <= 0.5 + 0.1  # backoff step 0 (+ jitter)


def test_stale_http_date_is_no_hint() -> None:
    clock = FakeClock(START)
    dialect = EnDocsDialect(clock)
    stale = email.utils.formatdate(START - 30, usegmt=True)
    response = httpx.Response(429, headers={"Retry-After": stale}, request=httpx.Request("GET", "https://x/"))
    assert dialect.retry_after(response, None) is None
    # ... unless the server's own Date says its clock is 40 s behind ours: then 10 s are left.
    dated = httpx.Response(429, headers={"Retry-After": stale, "Date": email.utils.formatdate(START - 40, usegmt=True)},
                           request=httpx.Request("GET", "https://x/"))
    assert dialect.retry_after(dated, None) == pytest.approx(10.0)


def test_a_wait_longer_than_allowed_raises_rate_limit_error_without_sleeping() -> None:
    client, clock = mock_client(_limited_then_ok(**{"Retry-After": "600"}))
    with pytest.raises(RateLimitError) as caught:
        client.get_client_info()
    assert caught.value.retry_after == 600.0
    assert clock.sleeps == []


def test_client_paces_itself_to_the_per_minute_limit() -> None:
    from prefect_prosonata_exeoflow.sandbox._ratelimit import FixedWindowLimiter

    clock = FakeClock(START)
    server = FixedWindowLimiter(5, 60, clock, aligned=True)  # calendar minutes, unknown to the client
    admitted: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        state = server.hit("token")
        if not state.allowed:
            return jsn(429, {"error": "Too Many Requests"}, **{"Retry-After": str(max(1, math.ceil(state.reset_in)))})
        admitted.append(clock.time())
        return jsn(200, [])

    client, clock = mock_client(handler, clock, requests_per_minute=5)
    for _ in range(30):
        client.get_client_users()
    per_minute: dict[int, int] = {}
    for moment in admitted:
        per_minute[int(moment // 60)] = per_minute.get(int(moment // 60), 0) + 1
    assert max(per_minute.values()) == 5
    assert len(per_minute) == 6  # no window lost, however the client first guessed the phase
    assert all(window["refused"] <= 1 for window in server.history())


# -- answers ------------------------------------------------------------------------------------------
def test_key_value_reads_both_casings_and_null() -> None:
    assert key_value({"Key": 2, "Value": [{"id": 1}, {"id": 2}]}) == (2, [{"id": 1}, {"id": 2}])
    assert key_value({"key": 1, "value": [{"id": 1}]}) == (1, [{"id": 1}])
    assert key_value({"Key": 0, "Value": None}) == (0, [])
    with pytest.raises(MalformedResponseError):
        key_value({"items": []})


def test_feed_sorts_dedupes_and_never_returns_ids_at_or_below_the_cursor() -> None:
    rows = [{"id": 12, "fileName": "b.pdf"}, {"id": 11}, {"id": 12, "fileName": "c.pdf"}, {"id": 9}]
    client, _ = mock_client(once(jsn(200, {"Key": 3, "Value": rows}))[0])
    feed = client.get_non_form_documents(since_id=10, request_id="t")
    assert [item.id for item in feed.items] == [11, 12]
    assert feed.items[1].file_name == "b.pdf"
    assert (feed.count, feed.since_id, feed.next_since_id) == (3, 10, 12)


def test_empty_feed_keeps_the_cursor() -> None:
    handler, seen = once(jsn(200, {"Key": 0, "Value": None}))
    client, _ = mock_client(handler)
    feed = client.get_new_contracts(since_id=77, request_id="run 1 of 2")
    assert feed.items == [] and feed.next_since_id == 77
    assert seen[0].url.raw_path == b"/api/Output/GetNewContracts/77/run%201%20of%202"
    with pytest.raises(InvalidRequestError, match="request_id 'run 1/2' cannot be used in a URL path"):
        client.get_new_contracts(since_id=77, request_id="run 1/2")  # %2F is decoded to / by many servers


def test_a_row_that_does_not_fit_is_a_malformed_response() -> None:
    client, _ = mock_client(once(jsn(200, {"Key": 1, "Value": [{"id": "not a number"}]}))[0])
    with pytest.raises(MalformedResponseError):
        client.get_new_invoices()


def test_undecodable_file_is_a_malformed_response() -> None:
    body = {"binaries": [{"fileName": "a.pdf", "fileBase64": "***"}]}
    client, _ = mock_client(once(jsn(200, body))[0])
    with pytest.raises(MalformedResponseError, match=r"a\.pdf"):
        client.download_contract_files(1)
