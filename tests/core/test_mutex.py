"""The cross-process mutex (a Prefect global concurrency limit of 1) against the test harness's server."""

from __future__ import annotations

import threading
import time

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate

from prefect_prosonata_exeoflow._core.errors import ConfigurationError, LockTimeoutError
from prefect_prosonata_exeoflow._core.mutex import PrefectMutex, ensure_limits, stripe_name

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
