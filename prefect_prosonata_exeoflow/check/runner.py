"""Run one API's probes against a real account and compare each answer with the reference.

Every request goes through :class:`ReadOnlyTransport`, which refuses (without sending) any
method but GET and any call past the limit, so the check cannot write, execute or overspend
whatever a probe or a retry would do. Requests take the client's normal path (budget, 429
waits, typed errors, redaction), with server-error retries off: one call per endpoint.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from pydantic import ValidationError

from .._core.credentials import ServiceCredentials
from .._core.dialect import Reply
from .._core.errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    AuthenticationError,
    MalformedResponseError,
    PermissionDeniedError,
    RateLimitError,
    describe_validation_error,
)
from .._core.http import Call, SyncClient
from .._core.policy import RetryPolicy
from .._core.redaction import Redactor
from .compare import ShapeDiff, compare, compare_envelope, rate_limit_signals
from .probes import PROBES, READ_METHOD, Probe, first_value, is_read
from .reference import Reference

#: Calls per API unless asked for more: a fraction of ProSonata's smallest 15-minute budget.
DEFAULT_MAX_CALLS = 10
#: The check waits at most this long for a rate limit before reporting it instead.
MAX_CHECK_WAIT = 60.0

OK, DRIFT, BROKEN, SKIPPED = "ok", "drift", "BROKEN", "skipped"
#: The key is valid but may not read this resource (a user group's rights): not a model problem.
DENIED = "denied"
LIMIT_NOTE = "not called: the limit of"


class CheckRefusedError(Exception):
    """Raised inside the transport for a request the check must not send (it never leaves)."""


class ReadOnlyTransport(httpx.BaseTransport):
    """Counts requests, keeps the last response, and sends nothing but GETs within the limit."""

    def __init__(self, inner: httpx.BaseTransport, max_calls: int) -> None:
        self.inner = inner
        self.max_calls = max_calls
        self.calls = 0
        self.last: httpx.Response | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method.upper() != READ_METHOD:
            raise CheckRefusedError(f"the check only reads; refused to send {request.method}")
        if self.calls >= self.max_calls:
            raise CheckRefusedError(f"the limit of {self.max_calls} calls is reached (--max-calls)")
        self.calls += 1
        self.last = self.inner.handle_request(request)
        return self.last

    def close(self) -> None:
        self.inner.close()


@dataclass
class EndpointResult:
    """One row of the report: what one read-only endpoint answered and how it differs."""

    api: str
    endpoint: str
    verdict: str = OK
    path: str = ""
    status: int | None = None
    reachable: bool | None = None
    auth_ok: bool | None = None
    parsed: bool | None = None
    new_fields: list[str] = field(default_factory=list)
    missing_fields: list[str] = field(default_factory=list)
    type_changes: list[str] = field(default_factory=list)
    rate_limit: dict[str, str] = field(default_factory=dict)
    rate_limit_missing: list[str] = field(default_factory=list)
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def check_api(
    api: str,
    credentials: ServiceCredentials[Any, Any],
    *,
    max_calls: int = DEFAULT_MAX_CALLS,
    reference: Reference,
    transport: httpx.BaseTransport | None = None,
    calls_made: list[int] | None = None,
) -> list[EndpointResult]:
    """Probe every read-only endpoint of ``api`` once; never more than ``max_calls`` requests.

    ``calls_made`` (a list) receives the number of requests actually sent.
    """
    settings = credentials.client_settings()
    redact = Redactor(settings.secrets)
    settings = dataclasses.replace(
        settings,
        policy=RetryPolicy(
            max_retries=0,
            max_rate_limit_retries=1,
            max_rate_limit_wait=min(settings.policy.max_rate_limit_wait, MAX_CHECK_WAIT),
        ),
    )
    guard = ReadOnlyTransport(transport or httpx.HTTPTransport(verify=settings.verify), max_calls)
    answers: dict[str, Reply] = {}
    ref_answers: dict[str, Reply] = {}
    results = []
    with SyncClient(settings, transport=guard) as client:
        for probe in PROBES[api]():
            result = EndpointResult(api, probe.name)
            results.append(result)
            _run_probe(probe, client, guard, reference, answers, ref_answers, result, results)
            result.note = redact(result.note)
            result.verdict = _verdict(result)
    if calls_made is not None:
        calls_made.append(guard.calls)
    return results


def _run_probe(
    probe: Probe,
    client: SyncClient,
    guard: ReadOnlyTransport,
    reference: Reference,
    answers: dict[str, Reply],
    ref_answers: dict[str, Reply],
    result: EndpointResult,
    results: list[EndpointResult],
) -> None:
    if any(earlier.reachable is False for earlier in results):
        result.note = "not called: the API did not answer an earlier call"
        return
    if guard.calls >= guard.max_calls:
        result.verdict = SKIPPED
        result.note = f"{LIMIT_NOTE} {guard.max_calls} calls is reached (raise it with --max-calls)"
        return
    arguments = _arguments(probe, answers)
    if isinstance(arguments, str):
        result.note = arguments
        return
    call = probe.build(**arguments)
    if not is_read(call):  # the probes are reads by construction; this is the last fence
        raise CheckRefusedError(f"{probe.name} would send {call.method}; the check only reads")
    result.path = call.path
    guard.last = None
    try:
        reply = client.request(
            call.method, call.path, params=call.params, headers=call.headers, idempotent=True, use_budget=call.use_budget
        )
    except CheckRefusedError as exc:
        result.note = f"not called: {exc}"
        return
    except APIError as exc:
        _record_failure(result, exc, guard.last)
        return
    result.reachable, result.auth_ok, result.status = True, True, reply.status
    answers[probe.name] = reply
    result.rate_limit = rate_limit_signals(reply.headers, reply.meta)
    try:
        call.parse(reply)
        result.parsed = True
    except (ValidationError, APIError, ValueError, TypeError, KeyError) as exc:
        result.parsed = False
        result.note = f"does not parse: {_parse_problem(exc)}"
    _compare_with_reference(probe, call, reply, reference, ref_answers, result)


def _arguments(probe: Probe, replies: Mapping[str, Reply]) -> dict[str, Any] | str:
    """The ids a probe needs, from earlier answers; or why it cannot be called."""
    arguments = {}
    for name, source in probe.needs.items():
        if source.probe is None:
            return f"not called: needs {source.field!r}, which no listing read here provides"
        reply = replies.get(source.probe)
        if reply is None:
            return f"not called: {source.probe} gave no answer to take {source.field!r} from"
        value = first_value(reply.data, source.field)
        if value is None:
            return f"not called: {source.probe} returned no record to read"
        arguments[name] = value
    return arguments


def _record_failure(result: EndpointResult, exc: APIError, response: httpx.Response | None) -> None:
    result.note = f"{type(exc).__name__}: {exc.message}"
    if isinstance(exc, RateLimitError):  # the account's budget, not its shape: check again later
        wait = f"; retry in {exc.retry_after:.0f}s" if exc.retry_after is not None else ""
        result.verdict, result.note = SKIPPED, f"not checked: rate limited{wait}"
        if response is not None:
            result.rate_limit = rate_limit_signals(response.headers, {})
        return
    if isinstance(exc, APIConnectionError):
        result.reachable = False
        return
    result.reachable = True
    if isinstance(exc, MalformedResponseError):
        result.status, result.parsed = exc.status, False
    if isinstance(exc, APIStatusError):
        result.status = exc.status
    result.auth_ok = not isinstance(exc, AuthenticationError)
    if isinstance(exc, PermissionDeniedError):
        result.verdict = DENIED
    if response is not None:
        result.rate_limit = rate_limit_signals(response.headers, {})


def _compare_with_reference(
    probe: Probe, call: Call[Any], reply: Reply, reference: Reference, ref_answers: dict[str, Reply], result: EndpointResult
) -> None:
    arguments = _arguments(probe, ref_answers)
    if isinstance(arguments, str):
        result.note = _join(result.note, "the reference has no record to compare with")
        return
    ref_call = probe.build(**arguments)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # plain http to the in-process reference host
            ref_reply = reference.client(probe.api).request(ref_call.method, ref_call.path, params=ref_call.params)
    except APIError as exc:
        result.note = _join(result.note, f"no reference answer to compare with ({exc.message})")
        return
    ref_answers[probe.name] = ref_reply
    diff: ShapeDiff = compare(reply.data, ref_reply.data)
    envelope = compare_envelope(reply.meta, ref_reply.meta)
    result.new_fields = diff.new_fields
    result.missing_fields = diff.missing_fields + envelope.missing_fields
    result.type_changes = diff.type_changes + envelope.type_changes
    if diff.notes:
        result.note = _join(result.note, "; ".join(diff.notes))
    expected = rate_limit_signals(ref_reply.headers, ref_reply.meta)
    result.rate_limit_missing = sorted(set(expected) - set(result.rate_limit))


def _parse_problem(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return describe_validation_error(exc)
    if isinstance(exc, APIError):
        return exc.message
    return f"{type(exc).__name__}: {exc}"


def _join(*parts: str) -> str:
    return "; ".join(part for part in parts if part)


def _verdict(result: EndpointResult) -> str:
    if result.verdict == SKIPPED or (result.reachable is None and result.status is None):
        return SKIPPED
    if result.verdict == DENIED:
        return DENIED
    if result.reachable is False or result.auth_ok is False or result.parsed is False:
        return BROKEN
    if result.status is not None and result.status >= 400:
        return BROKEN
    if result.new_fields or result.missing_fields or result.type_changes or result.rate_limit_missing:
        return DRIFT
    return OK
