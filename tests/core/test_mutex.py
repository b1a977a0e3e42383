"""The cross-process mutex (a Prefect global concurrency limit of 1) against the test harness's server."""

from __future__ import annotations

import threading
import time

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate

from prefect_prosonata_exeoflow._core.clock import FakeClock
from prefect_prosonata_exeoflow._core.errors import ConfigurationError, LockTimeoutError, RateLimitError
from prefect_prosonata_exeoflow._core.mutex import (
    LOCKED_MAX_WAIT,
    LOCKED_ROUNDS,
    PrefectMutex,
    ensure_limits,
    hold_briefly,
    stripe_name,
)
from prefect_prosonata_exeoflow._core.policy import wait_cap

#: The first test to use the session's Prefect harness pays its start (slow on a busy machine).
pytestmark = pytest.mark.timeout(300)


def test_missing_limits_are_created_with_one_slot_and_exclude(prefect_harness: None) -> None:
    mutex = PrefectMutex("test-scope", "key-1", stripes=3)
    inside: list[int] = []
    overlaps: list[int] = []

    def hold() -> None:
        with PrefectMutex("test-scope", "key-1", stripes=3):
            inside.append(1)
            overlaps.append(len(inside))
            time.sleep(0.3)
            inside.pop()

    threads = [threading.Thread(target=hold) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert overlaps == [1, 1, 1], "never two holders at once"
    with get_client(sync_client=True) as client:
        limit = client.read_global_concurrency_limit_by_name(mutex.names[0])
    assert limit.limit == 1 and limit.active and limit.active_slots == 0, "released after use"


def test_a_limit_that_would_not_exclude_is_refused(prefect_harness: None) -> None:
    with get_client(sync_client=True) as client:
        client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name="ppe-once-test-wide", limit=5))
        client.create_global_concurrency_limit(
            GlobalConcurrencyLimitCreate(name="ppe-once-test-off", limit=1, active=False))
    for name in ("ppe-once-test-wide", "ppe-once-test-off"):
        with pytest.raises(ConfigurationError, match=name):
            ensure_limits([name])


def test_two_keys_are_taken_in_one_acquisition() -> None:
    mutex = PrefectMutex("a", "1", stripes=16).also("b", "2").also("a", "1")
    assert mutex.names == sorted({stripe_name("a", "1"), stripe_name("b", "2")})


def test_a_held_lock_never_stalls_another_namespace(prefect_harness: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PPE_LOCK_NAMESPACE", "production")
    with PrefectMutex("shared-scope", "key-1", stripes=2) as production:
        monkeypatch.setenv("PPE_LOCK_NAMESPACE", "staging")
        with PrefectMutex("shared-scope", "key-1", stripes=2, timeout=5) as staging:
            assert staging.names != production.names
        monkeypatch.setenv("PPE_LOCK_NAMESPACE", "production")
        with pytest.raises(LockTimeoutError), PrefectMutex("shared-scope", "key-1", stripes=2, timeout=2):
            pass  # the same namespace does wait


class _Recorded:
    """A lock that records its holders and what the code under it may wait."""

    def __init__(self) -> None:
        self.events: list[str] = []

    def __enter__(self) -> None:
        self.events.append("lock")

    def __exit__(self, *exc: object) -> None:
        self.events.append("unlock")


def _limited(retry_after: float) -> RateLimitError:
    return RateLimitError("API limit exceeded.", retry_after=retry_after, api="ProSonata")


def test_hold_briefly_waits_a_long_rate_limit_with_the_lock_released_then_begins_again() -> None:
    lock, clock, answers = _Recorded(), FakeClock(), [_limited(30.0), "created"]

    def work() -> str:
        lock.events.append(f"work (waits at most {wait_cap()} s)")
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert hold_briefly(lock, work, max_rate_limit_wait=900, clock=clock) == "created"
    assert lock.events == ["lock", f"work (waits at most {LOCKED_MAX_WAIT} s)", "unlock",
                           "lock", f"work (waits at most {LOCKED_MAX_WAIT} s)", "unlock"]
    assert clock.sleeps == [30.0] and wait_cap() is None


@pytest.mark.parametrize(("hints", "rounds"), [([1000.0], 1), ([5.0] * LOCKED_ROUNDS, LOCKED_ROUNDS)])
def test_hold_briefly_gives_up_past_the_longest_wait_or_the_last_round(hints: list[float], rounds: int) -> None:
    lock, clock = _Recorded(), FakeClock()

    def work() -> None:
        raise _limited(hints.pop(0))

    with pytest.raises(RateLimitError):
        hold_briefly(lock, work, max_rate_limit_wait=900, clock=clock)
    assert lock.events == ["lock", "unlock"] * rounds and len(clock.sleeps) == rounds - 1
