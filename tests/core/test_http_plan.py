"""The shared request plan: retries, 429 waits, idempotency, typed errors — fake clock, no sockets."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable

import httpx
import pytest

from prefect_prosonata_exeoflow._core.budget import RateBudget
from prefect_prosonata_exeoflow._core.clock import SYSTEM_CLOCK, FakeClock, stop_waits_on
from prefect_prosonata_exeoflow._core.dialect import Dialect
from prefect_prosonata_exeoflow._core.errors import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    MalformedResponseError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitError,
    ServerError,
    WaitStoppedError,
)
from prefect_prosonata_exeoflow._core.http import AsyncClient, ClientSettings, SyncClient
from prefect_prosonata_exeoflow._core.policy import RetryPolicy, capped_growth
from prefect_prosonata_exeoflow.exeoflow.waiting import PollPolicy

SECRET = "super-secret-key-123456"


def make_client(
    handler: Callable[[httpx.Request], httpx.Response],
    clock: FakeClock,
    *,
    budget: RateBudget | None = None,
    **policy: object,
) -> SyncClient:
    settings = ClientSettings(
        base_url="https://api.example.test/v1",
        dialect=Dialect(clock),
        headers={"X-API-Key": SECRET},
        secrets=(SECRET,),
        policy=RetryPolicy(rng=random.Random(1), rate_limit_jitter=0.0, **policy),  # type: ignore[arg-type]
        budget=budget,
        clock=clock,
    )
    return SyncClient(settings, transport=httpx.MockTransport(handler))


def scripted(*responses: httpx.Response | Exception) -> tuple[Callable[[httpx.Request], httpx.Response], list[httpx.Request]]:
    seen: list[httpx.Request] = []
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        item = queue.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    return handler, seen


def ok(payload: object = None) -> httpx.Response:
    return httpx.Response(200, json=payload if payload is not None else {"ok": True})


def test_429_waits_exactly_the_retry_after_hint_then_succeeds() -> None:
    clock = FakeClock()
    handler, seen = scripted(httpx.Response(429, headers={"Retry-After": "7"}, json={"message": "slow down"}), ok())
    with make_client(handler, clock) as client:
        assert client.request("GET", "things").data == {"ok": True}
    assert len(seen) == 2
    assert clock.sleeps == [7.0]


def test_429_with_http_date_hint() -> None:
    clock = FakeClock(start=1_700_000_000.0)
    when = httpx.Headers({"Retry-After": "Tue, 14 Nov 2023 22:13:32 GMT"})  # start + 12 s
    handler, _ = scripted(httpx.Response(429, headers=when), ok())
    with make_client(handler, clock) as client:
        client.request("GET", "things")
    assert clock.sleeps == [pytest.approx(12.0)]


def test_429_without_usable_hint_backs_off_instead() -> None:
    clock = FakeClock()
    handler, seen = scripted(httpx.Response(429, headers={"Retry-After": "soon"}), ok())
    with make_client(handler, clock, backoff_base=0.5) as client:
        client.request("GET", "things")
    assert len(seen) == 2
    assert 0.25 <= clock.sleeps[0] <= 0.5


def test_429_hint_longer_than_max_wait_raises_with_retry_after() -> None:
    clock = FakeClock()
    handler, seen = scripted(httpx.Response(429, headers={"Retry-After": "3600"}, json={"message": "quota"}))
    with make_client(handler, clock, max_rate_limit_wait=60) as client, pytest.raises(RateLimitError) as info:
        client.request("GET", "things")
    assert info.value.retry_after == 3600
    assert info.value.status == 429 and "quota" in str(info.value)
    assert len(seen) == 1 and clock.sleeps == []


def test_5xx_on_get_is_retried_with_growing_backoff() -> None:
    clock = FakeClock()
    handler, seen = scripted(httpx.Response(503), httpx.Response(502), ok())
    with make_client(handler, clock, backoff_base=1.0) as client:
        client.request("GET", "things")
    assert len(seen) == 3
    assert 0.5 <= clock.sleeps[0] <= 1.0 and 1.0 <= clock.sleeps[1] <= 2.0


def test_retry_backoff_and_execution_polls_grow_by_one_rule_to_their_cap() -> None:
    assert [capped_growth(0.5, 2.0, n, 30.0) for n in range(8)] == [0.5, 1, 2, 4, 8, 16, 30, 30]
    retry = RetryPolicy(backoff_base=0.5, backoff_max=30.0, rng=random.Random(1))
    assert 8.0 <= retry.backoff(5) <= 16.0 and 15.0 <= retry.backoff(5000) <= 30.0  # no float overflow
    polls = PollPolicy(interval=0.5, backoff=3.0, max_interval=10.0)
    assert [polls.delay(n) for n in (0, 1, 2, 3, 10**6)] == [0.5, 1.5, 4.5, 10.0, 10.0]


def test_5xx_retries_are_bounded_then_server_error() -> None:
    clock = FakeClock()
    handler, seen = scripted(*[httpx.Response(500, json={"message": "boom"})] * 3)
    with make_client(handler, clock, max_retries=2) as client, pytest.raises(ServerError) as info:
        client.request("GET", "things")
    assert len(seen) == 3
    assert info.value.status == 500 and info.value.method == "GET" and info.value.path == "/v1/things"


def test_post_is_never_resent_after_a_5xx() -> None:
    clock = FakeClock()
    handler, seen = scripted(httpx.Response(502), ok())
    with make_client(handler, clock) as client, pytest.raises(OutcomeUnknownError):
        client.request("POST", "things", json={"a": 1})
    assert len(seen) == 1


def test_post_is_never_resent_after_a_read_error() -> None:
    clock = FakeClock()
    handler, seen = scripted(httpx.ReadError("connection reset"), ok())
    with make_client(handler, clock) as client, pytest.raises(OutcomeUnknownError) as info:
        client.request("POST", "things", json={"a": 1})
    assert len(seen) == 1
    assert "not re-sent" in str(info.value)


def test_post_is_resent_when_the_connection_never_opened() -> None:
    clock = FakeClock()
    handler, seen = scripted(httpx.ConnectError("refused"), ok())
    with make_client(handler, clock) as client:
        client.request("POST", "things", json={"a": 1})
    assert len(seen) == 2


def test_idempotent_post_may_be_retried() -> None:
    clock = FakeClock()
    handler, seen = scripted(httpx.ReadError("reset"), ok())
    with make_client(handler, clock) as client:
        client.request("POST", "things/upsert", json={"a": 1}, idempotent=True)
    assert len(seen) == 2


def test_get_timeouts_retry_then_raise_timeout_error() -> None:
    clock = FakeClock()
    handler, seen = scripted(*[httpx.ReadTimeout("slow")] * 3)
    with make_client(handler, clock, max_retries=2) as client, pytest.raises(APITimeoutError):
        client.request("GET", "things")
    assert len(seen) == 3


def test_connection_error_after_retries() -> None:
    clock = FakeClock()
    handler, _ = scripted(*[httpx.ConnectError("refused")] * 2)
    with make_client(handler, clock, max_retries=1) as client, pytest.raises(APIConnectionError):
        client.request("GET", "things")


@pytest.mark.parametrize(
    ("status", "error"), [(400, BadRequestError), (422, BadRequestError), (401, AuthenticationError), (404, NotFoundError)]
)
def test_client_errors_are_typed_and_not_retried(status: int, error: type[Exception]) -> None:
    clock = FakeClock()
    handler, seen = scripted(httpx.Response(status, json={"message": "nope"}))
    with make_client(handler, clock) as client, pytest.raises(error) as info:
        client.request("GET", "things")
    assert len(seen) == 1 and "nope" in str(info.value)


def test_html_page_is_a_malformed_response_naming_the_base_url() -> None:
    clock = FakeClock()
    handler, _ = scripted(httpx.Response(200, html="<html><body>Login</body></html>"))
    with make_client(handler, clock) as client, pytest.raises(MalformedResponseError) as info:
        client.request("GET", "things")
    assert "base URL" in str(info.value) and "text/html" in str(info.value)


CUT_JSON = httpx.Response(200, content=b'{"data": [1, 2', headers={"content-type": "application/json"})


def test_cut_json_on_a_read_is_read_again_then_a_malformed_response() -> None:
    clock = FakeClock()
    handler, seen = scripted(*[CUT_JSON] * 5)
    with make_client(handler, clock) as client, pytest.raises(MalformedResponseError, match="not valid JSON"):
        client.request("GET", "things")
    assert len(seen) == 5, "one read plus max_retries=4 re-reads"


def test_cut_json_on_a_create_is_never_sent_again() -> None:
    clock = FakeClock()
    handler, seen = scripted(CUT_JSON)
    with make_client(handler, clock) as client, pytest.raises(MalformedResponseError, match="not valid JSON"):
        client.request("POST", "things", json={"a": 1})
    assert len(seen) == 1 and clock.sleeps == []


def test_secret_echoed_by_the_server_is_redacted_from_errors() -> None:
    clock = FakeClock()
    handler, _ = scripted(httpx.Response(401, json={"message": f"bad key {SECRET}"}))
    with make_client(handler, clock) as client, pytest.raises(AuthenticationError) as info:
        client.request("GET", "things")
    assert SECRET not in str(info.value) and SECRET not in repr(info.value)
    assert "***" in str(info.value)


def test_errors_survive_pickling_for_prefect_states() -> None:
    import pickle

    clock = FakeClock()
    handler, _ = scripted(httpx.Response(429, headers={"Retry-After": "999"}))
    with make_client(handler, clock, max_rate_limit_wait=1) as client, pytest.raises(RateLimitError) as info:
        client.request("GET", "things")
    again = pickle.loads(pickle.dumps(info.value))
    assert isinstance(again, RateLimitError) and again.retry_after == 999 and str(again) == str(info.value)


def test_proactive_pacing_waits_for_reset_instead_of_a_429() -> None:
    """A dialect reporting remaining=0 makes the next call wait for the reset; no 429 provoked."""

    class Reporting(Dialect):
        def budget_hint(self, response: httpx.Response, body: object):  # type: ignore[override]
            from prefect_prosonata_exeoflow._core.budget import BudgetHint

            return BudgetHint(remaining=int(response.headers["x-left"]), reset_in=float(response.headers["x-reset"]))

    clock = FakeClock()
    budget = RateBudget(clock)
    handler, seen = scripted(
        httpx.Response(200, headers={"x-left": "1", "x-reset": "30"}, json={}),
        httpx.Response(200, headers={"x-left": "0", "x-reset": "29"}, json={}),
        httpx.Response(200, headers={"x-left": "9", "x-reset": "60"}, json={}),
    )
    settings = ClientSettings(
        base_url="https://api.example.test/v1",
        dialect=Reporting(clock),
        policy=RetryPolicy(rate_limit_jitter=0.0),
        budget=budget,
        clock=clock,
    )
    with SyncClient(settings, transport=httpx.MockTransport(handler)) as client:
        client.request("GET", "a")
        client.request("GET", "b")
        assert clock.sleeps == []
        client.request("GET", "c")
    assert clock.sleeps == [pytest.approx(29.0)]
    assert len(seen) == 3


async def test_async_client_follows_the_same_plan() -> None:
    clock = FakeClock()
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        if len(calls) == 1:
            return httpx.Response(429, headers={"Retry-After": "3"})
        return httpx.Response(200, content=json.dumps({"x": 1}).encode(), headers={"content-type": "application/json"})

    settings = ClientSettings(
        base_url="https://api.example.test/v1", dialect=Dialect(clock), clock=clock, policy=RetryPolicy(rate_limit_jitter=0)
    )
    async with AsyncClient(settings, transport=httpx.MockTransport(handler)) as client:
        reply = await client.request("GET", "x")
    assert reply.data == {"x": 1} and clock.sleeps == [3.0] and len(calls) == 2


def test_key_headers_go_only_to_the_base_url() -> None:
    clock = FakeClock()
    handler, seen = scripted(ok(), ok(), ok())
    with make_client(handler, clock) as client:
        client.request("GET", "things")
        client.request("POST", "https://elsewhere.test/hook", json={})
        client.request("POST", "https://elsewhere.test/hook", json={}, headers={"X-API-Key": "its-own"})
    home, away, explicit = seen
    assert home.headers["x-api-key"] == SECRET
    assert "x-api-key" not in away.headers
    assert explicit.headers["x-api-key"] == "its-own"


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, SystemExit])
def test_a_call_interrupted_while_out_gives_its_budget_slot_back(interruption: type[BaseException]) -> None:
    """A signal or cancel mid-call (not an HTTP failure) must not leave the call "in flight": the
    next call of the key would wait for its answer for good (seen as endless 5 ms re-checks)."""
    clock = FakeClock()
    budget = RateBudget(clock)  # nothing reported yet: one probe at a time
    answers: list[httpx.Response | BaseException] = [interruption(), httpx.Response(200, json={"ok": 1})]

    def handler(request: httpx.Request) -> httpx.Response:
        answer = answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    with make_client(handler, clock, budget=budget) as client:
        with pytest.raises(interruption):
            client.request("GET", "things")
        assert client.request("GET", "things").data == {"ok": 1}
    assert clock.sleeps == [], "the second call waited for the interrupted one"


async def test_an_async_call_cancelled_while_out_gives_its_budget_slot_back() -> None:
    """A task cancelled mid-call (Prefect's timeout, a cancelled run) frees its slot too."""
    import asyncio

    clock = FakeClock()
    budget = RateBudget(clock)
    started = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        if not started.is_set():
            started.set()
            await asyncio.sleep(3600)  # the answer never comes; the caller is cancelled
        return httpx.Response(200, json={"ok": 1})

    settings = ClientSettings(base_url="https://api.example.test/v1", dialect=Dialect(clock), clock=clock,
                              policy=RetryPolicy(rate_limit_jitter=0), budget=budget)
    async with AsyncClient(settings, transport=httpx.MockTransport(handler)) as client:
        pending = asyncio.ensure_future(client.request("GET", "things"))
        await started.wait()
        pending.cancel()
        with pytest.raises(asyncio.CancelledError):
            await pending
        assert (await asyncio.wait_for(client.request("GET", "things"), 5)).data == {"ok": 1}
    assert clock.sleeps == []


def test_a_stop_ends_a_rate_limit_wait_at_once_and_nothing_is_sent_after_it() -> None:
    """On the real clock: an hour's Retry-After, the stop set 0.1 s into it. Cut short, the call
    raises; slept out, the test hangs until pytest's timeout fails it (no timing asserted)."""
    stop = threading.Event()
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        threading.Timer(0.1, stop.set).start()
        return httpx.Response(429, headers={"Retry-After": "3600"}, json={"message": "slow down"})

    settings = ClientSettings(base_url="https://api.example.test/v1", dialect=Dialect(SYSTEM_CLOCK),
                              policy=RetryPolicy(max_rate_limit_wait=7200, rate_limit_jitter=0.0), clock=SYSTEM_CLOCK)
    with (SyncClient(settings, transport=httpx.MockTransport(handler)) as client, stop_waits_on(stop),
          pytest.raises(WaitStoppedError, match="shutting down")):
        client.request("POST", "things", json={"n": 1}, idempotent=False)
    assert len(seen) == 1
