"""Unit tests of execute-and-wait (poll backoff, timeout, cancellation, adoption) with a FakeClock."""

from __future__ import annotations

import json
import threading
from typing import Any

import httpx
import pytest

from prefect_prosonata_exeoflow._core.clock import SYSTEM_CLOCK, FakeClock, stop_waits_on
from prefect_prosonata_exeoflow._core.errors import OutcomeUnknownError, WaitStoppedError
from prefect_prosonata_exeoflow._core.http import ClientSettings
from prefect_prosonata_exeoflow._core.policy import RetryPolicy
from prefect_prosonata_exeoflow.exeoflow import (
    AsyncExeoflowClient,
    ExecutionCancelledError,
    ExecutionFailedError,
    ExecutionTimeoutError,
    ExeoflowClient,
)
from prefect_prosonata_exeoflow.exeoflow.dialect import ExeoflowDialect

BASE = "https://api.exeoflow.test/v1"


class FakeExeoflow:
    """Just enough of the API for the wait loop: executions that finish after ``polls`` reads."""

    def __init__(self, clock: FakeClock, *, polls: int = 3, final: str = "success", lose_execute: str | None = None,
                 history: list[dict[str, Any]] | None = None) -> None:
        self.clock = clock
        self.polls_left = polls
        self.final = final
        self.lose_execute = lose_execute
        self.cancelled = False
        self.requests: list[tuple[str, str]] = []
        self.executions: list[dict[str, Any]] = list(history or [])

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/v1/")
        self.requests.append((request.method, path))
        if path.endswith("/execute"):
            body = json.loads(request.content)
            self.executions.append({"id": "exec_new", "workflow_id": "wf_1", "input": body["input"],
                                    "started_at": _iso(self.clock.time())})
            if self.lose_execute == "drop":
                raise httpx.ReadError("connection reset by peer", request=request)
            if self.lose_execute == "502":
                return _envelope(502, error={"code": "INTERNAL_ERROR", "message": "Gateway"})
            return _envelope(200, {"execution_id": "exec_new", "status": "running"})
        if path == "executions":
            return _envelope(200, {"executions": [dict(e, input=None) for e in self.executions],
                                   "pagination": {"page": 1, "limit": 100, "total": 1, "pages": 1}})
        if path.endswith("/cancel"):
            self.cancelled = True
            return _envelope(200, {"id": "exec_new", "status": "cancelled"})
        execution_id = path.split("/")[1]
        known = {e["id"]: e for e in self.executions}
        if execution_id in known and execution_id != "exec_new":
            return _envelope(200, dict(known[execution_id], status="success"))
        return _envelope(200, self._state(execution_id))

    def _state(self, execution_id: str) -> dict[str, Any]:
        base = {"id": execution_id, "workflow_id": "wf_1", "input": {"a": 1}}
        if self.cancelled:
            return {**base, "status": "cancelled", "finished_at": "2024-01-20T10:00:05Z"}
        if self.polls_left > 0:
            self.polls_left -= 1
            return {**base, "status": "running", "finished_at": None}
        if self.final == "failed":
            return {**base, "status": "failed", "error": {"code": "NODE_FAILED", "message": "Knoten kaputt"}}
        return {**base, "status": self.final, "output": {"ok": True}, "steps": [{"node_id": "n1", "status": "success"}]}


def _iso(epoch: float) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _envelope(status: int, data: Any = None, error: dict[str, str] | None = None) -> httpx.Response:
    body = {"success": False, "error": error} if error else {"success": True, "data": data}
    return httpx.Response(status, json=body)


def settings(clock: FakeClock) -> ClientSettings:
    return ClientSettings(base_url=BASE, dialect=ExeoflowDialect(clock), headers={"Authorization": "Bearer k-123"},
                          secrets=("k-123",), policy=RetryPolicy(max_retries=1, rate_limit_jitter=0), clock=clock)


def client_for(server: FakeExeoflow) -> ExeoflowClient:
    return ExeoflowClient(settings(server.clock), transport=httpx.MockTransport(server))


def test_polls_back_off_until_the_execution_ends() -> None:
    server = FakeExeoflow(FakeClock(), polls=5)
    result = client_for(server).execute_and_wait("wf_1", {"a": 1}, poll_interval=0.5, max_poll_interval=3)
    assert result.status == "success" and result.output == {"ok": True} and result.steps
    assert server.clock.sleeps == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert [m for m, _ in server.requests].count("POST") == 1


def test_failed_execution_raises_with_the_servers_error() -> None:
    server = FakeExeoflow(FakeClock(), polls=1, final="failed")
    with pytest.raises(ExecutionFailedError) as caught:
        client_for(server).execute_and_wait("wf_1", {"a": 1})
    assert caught.value.code == "NODE_FAILED" and "Knoten kaputt" in str(caught.value)
    assert caught.value.execution is not None and caught.value.execution.status == "failed"
    assert not server.cancelled


def test_failure_can_be_returned_instead_of_raised() -> None:
    server = FakeExeoflow(FakeClock(), polls=0, final="failed")
    assert client_for(server).execute_and_wait("wf_1", raise_on_failure=False).status == "failed"


def test_cancelled_by_someone_else_raises_cancelled() -> None:
    server = FakeExeoflow(FakeClock(), polls=0, final="cancelled")
    with pytest.raises(ExecutionCancelledError):
        client_for(server).wait_for_execution("exec_new")


def test_timeout_cancels_the_execution_and_raises() -> None:
    server = FakeExeoflow(FakeClock(), polls=10_000)
    with pytest.raises(ExecutionTimeoutError) as caught:
        client_for(server).execute_and_wait("wf_1", {"a": 1}, timeout=3, poll_interval=0.5)
    assert server.clock.sleeps == [0.5, 1.0, 1.5]  # the last pause is cut to the deadline
    assert server.cancelled and ("POST", "executions/exec_new/cancel") in server.requests
    assert caught.value.execution is not None and caught.value.execution.status == "cancelled"


class InterruptingClock(FakeClock):
    """Raises (like a signal would) during the n-th sleep."""

    def __init__(self, at: int, error: BaseException) -> None:
        super().__init__()
        self.at, self.error = at, error

    def sleep(self, seconds: float) -> None:
        super().sleep(seconds)
        if len(self.sleeps) == self.at:
            raise self.error


@pytest.mark.parametrize("error", [KeyboardInterrupt(), SystemExit(1)])
def test_an_interrupted_wait_cancels_the_execution(error: BaseException) -> None:
    server = FakeExeoflow(InterruptingClock(2, error), polls=10_000)
    with pytest.raises(type(error)):
        client_for(server).execute_and_wait("wf_1", {"a": 1})
    assert server.cancelled


async def test_async_twin_backs_off_and_cancels_on_timeout() -> None:
    server = FakeExeoflow(FakeClock(), polls=10_000)
    async with AsyncExeoflowClient(settings(server.clock), transport=httpx.MockTransport(server)) as client:
        with pytest.raises(ExecutionTimeoutError):
            await client.execute_and_wait("wf_1", {"a": 1}, timeout=3, poll_interval=0.5)
    assert server.clock.sleeps == [0.5, 1.0, 1.5] and server.cancelled


# -- a stop (SIGTERM, a cancel) during the client's own rate-limit wait ------------------------
class RateLimitedPolls(FakeExeoflow):
    """Every poll answers 429 with an hour's Retry-After; the first one sets ``stop`` shortly after.

    Runs on the real clock: the wait must be cut short by the event, not slept out. If it is not,
    the test hangs until pytest's timeout fails it (no timing is asserted)."""

    def __init__(self, stop: threading.Event) -> None:
        super().__init__(FakeClock(), polls=10_000)
        self.stop = stop

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and "/executions/" in request.url.path and not self.cancelled:
            self.requests.append((request.method, request.url.path.removeprefix("/v1/")))
            if not self.stop.is_set():
                threading.Timer(0.1, self.stop.set).start()
            answer = _envelope(429, error={"code": "RATE_LIMIT_EXCEEDED", "message": "Zu viele Anfragen"})
            answer.headers["Retry-After"] = "3600"
            return answer
        return super().__call__(request)


def real_clock_settings() -> ClientSettings:
    return ClientSettings(base_url=BASE, dialect=ExeoflowDialect(SYSTEM_CLOCK), headers={"Authorization": "Bearer k"},
                          secrets=("k",), policy=RetryPolicy(max_rate_limit_wait=7200, rate_limit_jitter=0),
                          clock=SYSTEM_CLOCK)


def _after_stop(server: RateLimitedPolls) -> list[tuple[str, str]]:
    """The requests from the first (rate-limited) poll on."""
    return server.requests[server.requests.index(("GET", "executions/exec_new")):]


def test_a_stop_cuts_a_rate_limit_wait_short_and_the_execution_is_still_cancelled() -> None:
    stop = threading.Event()
    server = RateLimitedPolls(stop)
    with (ExeoflowClient(real_clock_settings(), transport=httpx.MockTransport(server)) as client,
          pytest.raises(WaitStoppedError) as caught):
        client.execute_once("wf_1", {"a": 1}, "k-1", stop=stop)
    assert caught.value.api == "Exeoflow"
    # The rate-limited poll is not sent again after the stop; the cancel on the way out is.
    assert _after_stop(server) == [("GET", "executions/exec_new"), ("POST", "executions/exec_new/cancel")]
    assert server.cancelled


async def test_the_async_wait_is_cut_short_alike() -> None:
    stop = threading.Event()
    server = RateLimitedPolls(stop)
    async with AsyncExeoflowClient(real_clock_settings(), transport=httpx.MockTransport(server)) as client:
        with pytest.raises(WaitStoppedError):
            await client.execute_once("wf_1", {"a": 1}, "k-1", stop=stop)
    assert _after_stop(server) == [("GET", "executions/exec_new"), ("POST", "executions/exec_new/cancel")]


def test_without_a_stop_event_a_clients_waits_are_the_clocks_own() -> None:
    stop = threading.Event()
    stop.set()
    clock = FakeClock()
    server = FakeExeoflow(clock, polls=2)
    with stop_waits_on(None):  # a stop set elsewhere changes nothing here
        assert client_for(server).execute_and_wait("wf_1", {"a": 1}).status == "success"
    assert clock.sleeps == [0.5, 1.0]


# -- adoption of an execution whose start was not confirmed --------------------------------------
@pytest.mark.parametrize("loss", ["drop", "502"])
def test_a_lost_execute_answer_adopts_the_execution_it_started(loss: str) -> None:
    server = FakeExeoflow(FakeClock(), polls=1, lose_execute=loss)
    result = client_for(server).execute_and_wait("wf_1", {"a": 1})
    assert result.id == "exec_new" and result.status == "success"
    assert [m for m, _ in server.requests].count("POST") == 1  # execute was never re-sent
    listing = [p for m, p in server.requests if p == "executions"]
    assert len(listing) == 1


def test_no_adoption_when_the_input_matches_twice() -> None:
    clock = FakeClock()
    twin = {"id": "exec_twin", "workflow_id": "wf_1", "input": {"a": 1}, "started_at": _iso(clock.time())}
    server = FakeExeoflow(clock, lose_execute="drop", history=[twin])
    with pytest.raises(OutcomeUnknownError, match="2 executions"):
        client_for(server).execute_and_wait("wf_1", {"a": 1})
    assert [m for m, _ in server.requests].count("POST") == 1


def test_no_adoption_of_older_or_different_executions() -> None:
    clock = FakeClock()
    old = {"id": "exec_old", "workflow_id": "wf_1", "input": {"a": 1}, "started_at": _iso(clock.time() - 3600)}
    other = {"id": "exec_other", "workflow_id": "wf_1", "input": {"a": 2}, "started_at": _iso(clock.time())}
    server = FakeExeoflow(clock, lose_execute="drop", history=[old, other])
    # The execute call is lost *before* the server stores it: simulate by removing it afterwards.
    original = server.__call__

    def forgetful(request: httpx.Request) -> httpx.Response:
        try:
            return original(request)
        finally:
            server.executions = [e for e in server.executions if e["id"] != "exec_new"]

    client = ExeoflowClient(settings(clock), transport=httpx.MockTransport(forgetful))
    with pytest.raises(OutcomeUnknownError, match="0 executions"):
        client.execute_and_wait("wf_1", {"a": 1})
