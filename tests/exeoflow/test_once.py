"""Unit tests of execute_once (lookup by key, double-checked lock, statuses, stop) on a fake clock."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import json
import threading
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from prefect_prosonata_exeoflow._core.clock import FakeClock
from prefect_prosonata_exeoflow._core.errors import ConfigurationError, InvalidRequestError, RateLimitError
from prefect_prosonata_exeoflow._core.mutex import stripe_name
from prefect_prosonata_exeoflow._core.mutex import LOCKED_MAX_WAIT, LOCKED_ROUNDS
from prefect_prosonata_exeoflow.exeoflow import (
    IDEMPOTENCY_KEY,
    AsyncExeoflowClient,
    ExecutionFailedError,
    ExeoflowClient,
    WaitStoppedError,
)

from .test_waiting import _envelope, _iso, settings

KEY = "group-fingerprint-1"


class Store:
    """Executions of ``wf_1`` (and others) that end ``final`` after ``polls`` reads of their detail."""

    def __init__(self, clock: FakeClock, *, polls: int = 1, final: str = "success") -> None:
        self.clock, self.polls, self.final = clock, polls, final
        self.rows: list[dict[str, Any]] = []
        self.requests: list[str] = []
        self.on_list: Any = None
        #: Retry-After seconds of the next execute calls' 429 answers (not processed), one per call.
        self.execute_429s: list[float] = []

    def add(self, input: dict[str, Any], status: str, workflow_id: str = "wf_1") -> str:
        execution_id = f"exec_{len(self.rows) + 1}"
        self.rows.insert(0, {"id": execution_id, "workflow_id": workflow_id, "input": input, "status": status,
                             "started_at": _iso(self.clock.time()), "reads": 0})
        return execution_id

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/v1/")
        self.requests.append(f"{request.method} {path}")
        if path.endswith("/execute") and self.execute_429s:
            answer = _envelope(429, error={"code": "RATE_LIMIT_EXCEEDED", "message": "Zu viele Anfragen"})
            answer.headers["Retry-After"] = str(self.execute_429s.pop(0))
            return answer
        if path.endswith("/execute"):
            execution_id = self.add(json.loads(request.content)["input"], "running")
            return _envelope(200, {"execution_id": execution_id, "status": "running"})
        if path == "executions":
            if self.on_list is not None:
                self.on_list()
            query = {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}
            page, limit = int(query["page"]), int(query["limit"])
            rows = [r for r in self.rows if r["workflow_id"] == query.get("workflow_id", r["workflow_id"])]
            items = [{k: v for k, v in r.items() if k not in ("input", "reads")} for r in rows]
            return _envelope(200, {"executions": items[(page - 1) * limit: page * limit],
                                   "pagination": {"page": page, "limit": limit, "total": len(items),
                                                  "pages": -(-len(items) // limit)}})
        if path.endswith("/cancel"):
            row = self._row(path.split("/")[1])
            row["status"] = "cancelled"
            return _envelope(200, {"id": row["id"], "status": "cancelled"})
        row = self._row(path.split("/")[1])
        row["reads"] += 1
        if row["status"] == "running" and row["reads"] > self.polls and path.startswith("executions/"):
            row["status"] = self.final
        return _envelope(200, {k: v for k, v in row.items() if k != "reads"})

    def _row(self, execution_id: str) -> dict[str, Any]:
        return next(r for r in self.rows if r["id"] == execution_id)

    def count(self, verb: str) -> int:
        return sum(verb in r for r in self.requests)


class Lock:
    """Records when the lock is held, as the plan sees it."""

    def __init__(self, store: Store) -> None:
        self.store, self.entered, self.exited = store, 0, 0

    def __enter__(self) -> Lock:
        self.entered += 1
        self.store.requests.append("LOCK")
        return self

    def __exit__(self, *exc: Any) -> None:
        self.exited += 1
        self.store.requests.append("UNLOCK")

    async def __aenter__(self) -> Lock:
        return self.__enter__()

    async def __aexit__(self, *exc: Any) -> None:
        self.__exit__()


_accounts = itertools.count()


def own_settings(store: Store) -> Any:
    """Settings with a base URL of this test's own: execution ids repeat across tests, keys are memoized."""
    if not hasattr(store, "base_url"):
        store.base_url = f"https://account-{next(_accounts)}.exeoflow.test/v1"  # type: ignore[attr-defined]
    return dataclasses.replace(settings(store.clock), base_url=store.base_url)  # type: ignore[attr-defined]


def client(store: Store) -> ExeoflowClient:
    return ExeoflowClient(own_settings(store), transport=httpx.MockTransport(store))


def test_nothing_found_executes_once_with_the_key_and_unlocks_before_waiting() -> None:
    store = Store(FakeClock(), polls=2)
    store.add({"other": 1}, "success")
    lock = Lock(store)
    result = client(store).execute_once("wf_1", {"a": 1}, KEY, since="2026-11-01", lock=lock)
    assert result.how == "started" and result.execution.status == "success"
    assert store.rows[0]["input"] == {"a": 1, IDEMPOTENCY_KEY: KEY}
    assert lock.entered == lock.exited == 1 and store.count("/execute") == 1
    sequence = store.requests
    assert sequence.index("LOCK") < sequence.index("POST workflows/wf_1/execute") < sequence.index("UNLOCK")
    assert sequence.index("UNLOCK") < len(sequence) - 3, "the wait's polls come after the lock is released"
    assert "GET executions" in sequence[sequence.index("LOCK") + 1], "looked up again under the lock"


@pytest.mark.parametrize(("status", "how", "executes"), [
    ("running", "adopted", 0), ("success", "already-done", 0), ("failed", "retried-after-failure", 1),
    ("cancelled", "retried-after-failure", 1),
])
def test_the_newest_execution_with_the_key_decides(status: str, how: str, executes: int) -> None:
    store = Store(FakeClock())
    old = store.add({IDEMPOTENCY_KEY: KEY, "a": 1}, status)
    lock = Lock(store)
    result = client(store).execute_once("wf_1", {"a": 1}, KEY, lock=lock)
    assert result.how == how and store.count("/execute") == executes
    assert lock.entered == executes, "adopting or finding it done takes no lock"
    assert result.retried == (old if executes else None)
    assert result.execution.id == (store.rows[0]["id"] if executes else old)


def test_one_started_by_another_process_meanwhile_is_adopted_under_the_lock() -> None:
    store = Store(FakeClock())
    lists = []

    def other_process_starts_it() -> None:
        lists.append(1)
        if len(lists) == 2:  # between our first lookup and the one under the lock
            store.add({IDEMPOTENCY_KEY: KEY}, "running")

    store.on_list = other_process_starts_it
    result = client(store).execute_once("wf_1", {"a": 1}, KEY, lock=Lock(store))
    assert result.how == "adopted" and store.count("/execute") == 0


def test_inputs_are_read_once_per_process_across_pages_and_calls() -> None:
    store = Store(FakeClock())
    for index in range(150):  # two pages of strangers, then ours on the second page
        store.add({"n": index}, "success")
    store.rows.insert(120, {"id": "exec_mine", "workflow_id": "wf_1", "input": {IDEMPOTENCY_KEY: KEY},
                            "status": "success", "started_at": _iso(store.clock.time()), "reads": 0})
    with client(store) as c:
        assert c.execute_once("wf_1", None, KEY).how == "already-done"
        first = store.count("GET executions/")
        assert c.execute_once("wf_1", None, KEY).how == "already-done"
    assert first == 122 and store.count("GET executions/") == first + 1, "only the final detail is read again"
    assert store.count("GET executions") - store.count("GET executions/") == 4  # two pages, twice


def test_a_failed_wait_raises_and_a_conflicting_key_is_refused() -> None:
    store = Store(FakeClock(), final="failed")
    with pytest.raises(ExecutionFailedError):
        client(store).execute_once("wf_1", {}, KEY)
    with pytest.raises(InvalidRequestError, match=IDEMPOTENCY_KEY):
        client(store).execute_once("wf_1", {IDEMPOTENCY_KEY: "other"}, KEY)
    with pytest.raises(InvalidRequestError, match="key"):
        client(store).execute_once("wf_1", {}, " ")


def test_a_stop_ends_the_wait_and_cancels_the_execution() -> None:
    store = Store(FakeClock(), polls=100)
    stop = threading.Event()
    original = store.clock.sleep

    def sleep_then_stop(seconds: float) -> None:
        original(seconds)
        stop.set()

    store.clock.sleep = sleep_then_stop  # type: ignore[method-assign]
    lock = Lock(store)
    with pytest.raises(WaitStoppedError):
        client(store).execute_once("wf_1", {}, KEY, lock=lock, stop=stop)
    assert store.rows[0]["status"] == "cancelled" and lock.entered == lock.exited == 1


def test_a_long_rate_limit_wait_is_waited_with_the_lock_released_then_the_lookup_repeated() -> None:
    store = Store(FakeClock())
    store.execute_429s = [30.0]  # longer than a held lock may sleep (LOCKED_MAX_WAIT)
    lock = Lock(store)
    result = client(store).execute_once("wf_1", {"a": 1}, KEY, lock=lock)
    assert result.how == "started" and len(store.rows) == 1
    start = store.requests.index("LOCK")
    assert store.requests[start:start + 8] == [
        "LOCK", "GET executions", "POST workflows/wf_1/execute", "UNLOCK",  # 429: nothing started
        "LOCK", "GET executions", "POST workflows/wf_1/execute", "UNLOCK",
    ]
    assert 30.0 in store.clock.sleeps and lock.entered == lock.exited == 2


def test_a_short_rate_limit_wait_is_sat_out_under_the_lock() -> None:
    store = Store(FakeClock())
    store.execute_429s = [LOCKED_MAX_WAIT]
    lock = Lock(store)
    assert client(store).execute_once("wf_1", {"a": 1}, KEY, lock=lock).how == "started"
    assert lock.entered == lock.exited == 1 and store.clock.sleeps[0] == LOCKED_MAX_WAIT
    assert store.count("POST") == 2 and len(store.rows) == 1


@pytest.mark.parametrize(("hints", "entered"), [
    ([5.0] * LOCKED_ROUNDS, LOCKED_ROUNDS),  # rate limited on every round
    ([1000.0], 1),  # longer than max_rate_limit_wait (900 s): raised at once, as without a lock
])
def test_a_rate_limit_that_does_not_end_is_raised_with_the_lock_released(hints: list[float], entered: int) -> None:
    store = Store(FakeClock())
    store.execute_429s = list(hints)
    lock = Lock(store)
    with pytest.raises(RateLimitError):
        client(store).execute_once("wf_1", {"a": 1}, KEY, lock=lock)
    assert lock.entered == lock.exited == entered and store.rows == []


def test_the_async_twin_behaves_alike() -> None:
    store = Store(FakeClock())
    store.add({IDEMPOTENCY_KEY: KEY}, "failed")
    lock = Lock(store)

    async def run() -> Any:
        async with AsyncExeoflowClient(own_settings(store), transport=httpx.MockTransport(store)) as c:
            return await c.execute_once("wf_1", {"a": 1}, KEY, lock=lock)

    result = asyncio.run(run())
    assert result.how == "retried-after-failure" and lock.entered == lock.exited == 1


def test_stripes_are_stable_and_bounded() -> None:
    names = {stripe_name("exeoflow:wf_1", f"key-{i}") for i in range(500)}
    assert names == {f"ppe-once-{i:02d}" for i in range(16)}
    assert stripe_name("exeoflow:wf_1", "key-1") == stripe_name("exeoflow:wf_1", "key-1")


def test_a_lock_namespace_separates_installations_on_one_server(monkeypatch: pytest.MonkeyPatch) -> None:
    plain = stripe_name("exeoflow:wf_1", "key-1")
    monkeypatch.setenv("PPE_LOCK_NAMESPACE", "staging")
    staged = stripe_name("exeoflow:wf_1", "key-1")
    assert staged == plain.replace("ppe-once-", "ppe-once-staging-")
    monkeypatch.setenv("PPE_LOCK_NAMESPACE", "Staging Server!")
    with pytest.raises(ConfigurationError, match="PPE_LOCK_NAMESPACE='Staging Server!'"):
        stripe_name("exeoflow:wf_1", "key-1")
