"""The budget shared through Redis: one picture for every process, the server's window phase,
self-counting for EnDocs, 429 blocks for all, and nothing left behind by a process that died.

Each ``RedisBudget`` handle on the same name stands for another process (it has its own
reservations); time is a fake clock passed to the script instead of Redis ``TIME``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from pydantic import ValidationError

from prefect_prosonata_exeoflow import APIConnectionError
from prefect_prosonata_exeoflow._core.budget import PROBE_POLL_SECONDS, BudgetHint
from prefect_prosonata_exeoflow._core.clock import FakeClock
from prefect_prosonata_exeoflow._core.redis_budget import (
    KEY_PREFIX,
    RedisBudget,
    reset_redis_budgets,
    shared_redis_budget,
)
from prefect_prosonata_exeoflow.endocs import EnDocsCredentials
from prefect_prosonata_exeoflow.prosonata import ProSonataCredentials


@pytest.fixture
def store(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()
    reset_redis_budgets()


def processes(store: redis.Redis, n: int, clock: FakeClock | None, **options: Any) -> list[RedisBudget]:
    return [RedisBudget(store, "test:key", clock=clock, **options) for _ in range(n)]


def test_unknown_budget_lets_one_probe_through_for_all_processes(store: redis.Redis) -> None:
    clock = FakeClock()
    a, b = processes(store, 2, clock)
    assert a.reserve() == 0.0
    assert b.reserve() == PROBE_POLL_SECONDS  # the other process waits for the probe's answer
    a.release(BudgetHint(remaining=10, reset_in=60))
    assert b.reserve() == 0.0
    assert a.remaining == 9


def test_processes_spend_one_count_and_wait_for_the_servers_reset(store: redis.Redis) -> None:
    clock = FakeClock()
    a, b, c = processes(store, 3, clock)
    assert a.reserve() == 0.0
    a.release(BudgetHint(remaining=4, reset_in=10))
    clock.advance(0.6)
    granted = [h.reserve() for h in (a, b, c, a)]
    assert granted == [0.0] * 4
    for handle in (a, b, c, a):
        handle.release(None)
    assert b.reserve() == pytest.approx(10 - 0.6, abs=1e-3)  # nothing left until the server's reset
    clock.advance(10)
    assert [c.reserve() for _ in range(5)] == [0.0] * 5  # learned limit 5: a fresh window at once
    assert c.reserve() > 0


def test_the_smallest_reset_bound_wins_and_a_later_hint_starts_the_next_window(store: redis.Redis) -> None:
    clock = FakeClock()
    a, b = processes(store, 2, clock)
    a.reserve()
    a.release(BudgetHint(remaining=5, reset_in=10))
    clock.advance(0.6)
    assert b.reserve() == 0.0
    b.release(BudgetHint(remaining=0, reset_in=10))  # whole seconds: the true reset is <= now + 10
    assert a.reserve() == pytest.approx(10 - 0.6, abs=1e-3)  # the other process's lower figure counts
    clock.advance(9.4)
    b.release(BudgetHint(remaining=0, reset_in=1))  # a late answer about the window that just ended
    assert a.reserve() == 0.0  # ignored: the new window opens with the learned limit (6)
    a.release(BudgetHint(remaining=3, reset_in=10))  # the server's first figure of the new window
    assert b.remaining == 3 and b.reset_in == pytest.approx(10, abs=1e-3)


def test_a_limit_reported_by_the_server_paces_every_process(store: redis.Redis) -> None:
    clock = FakeClock()
    a, b = processes(store, 2, clock)
    a.reserve()
    a.release(BudgetHint(remaining=2, reset_in=30, limit=3))
    assert b.reserve() == 0.0 and a.reserve() == 0.0
    assert b.reserve() == pytest.approx(30, abs=1e-3)
    clock.advance(30)
    assert [a.reserve(), b.reserve(), a.reserve()] == [0.0, 0.0, 0.0]
    assert b.reserve() > 0


def test_counting_api_windows_are_aligned_and_shared(store: redis.Redis) -> None:
    clock = FakeClock(start=1_699_999_990.0)  # 10 s into a minute
    handles = processes(store, 3, clock, limit=4, window_seconds=60, aligned=True)
    admitted = [h.reserve() for h in handles] + [handles[0].reserve()]
    assert admitted == [0.0] * 4
    for handle in (*handles, handles[0]):
        handle.release(None)
    assert handles[1].reserve() == pytest.approx(50, abs=1e-3)  # the next calendar minute
    clock.advance(50)
    assert [h.reserve() for h in handles] == [0.0] * 3


def test_concurrent_processes_never_exceed_the_limit(store: redis.Redis) -> None:
    clock = FakeClock()
    handles = processes(store, 4, clock, limit=20, window_seconds=60, aligned=True)
    admitted: list[int] = []
    lock = threading.Lock()

    def spend(handle: RedisBudget) -> None:
        for _ in range(15):
            if handle.reserve() == 0.0:
                with lock:
                    admitted.append(1)

    threads = [threading.Thread(target=spend, args=(h,)) for h in handles for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(admitted) == 20  # 120 tries, exactly one window's worth granted


def test_a_429_blocks_every_process_until_the_hinted_time(store: redis.Redis) -> None:
    clock = FakeClock()
    a, b = processes(store, 2, clock)
    a.reserve()
    a.release(BudgetHint(remaining=10, reset_in=60))
    a.reserve()
    a.release(None)
    a.block_for(7)
    assert b.reserve() == pytest.approx(7, abs=1e-3)
    clock.advance(7)
    assert b.reserve() == 0.0  # the window after the block starts with the learned limit


def test_a_process_that_dies_during_the_probe_blocks_the_others_only_until_its_reservation_expires(
    store: redis.Redis,
) -> None:
    clock = FakeClock()
    dead, alive = processes(store, 2, clock, inflight_seconds=20)
    assert dead.reserve() == 0.0  # ... and never releases
    assert alive.reserve() == PROBE_POLL_SECONDS
    clock.advance(20.5)
    assert alive.reserve() == 0.0


def test_a_dead_processs_calls_in_flight_do_not_shrink_the_next_window(store: redis.Redis) -> None:
    clock = FakeClock(start=1_699_999_980.0)  # at a minute
    dead, alive = processes(store, 2, clock, limit=5, window_seconds=60, aligned=True, inflight_seconds=20)
    assert [dead.reserve(), dead.reserve()] == [0.0, 0.0]  # never released
    clock.advance(60)
    assert [alive.reserve() for _ in range(5)] == [0.0] * 5  # the full limit again
    assert alive.reserve() > 0


def test_state_expires_and_keys_never_name_the_api_key(store: redis.Redis, redis_url: str) -> None:
    secret = "ps_live_ULTRA_SECRET_1234"
    budget = shared_redis_budget(redis_url, "prosonata", "https://x.example/api/v1", secret)  # Redis TIME
    assert budget.reserve() == 0.0
    budget.release(BudgetHint(remaining=49, reset_in=900))
    keys = [k.decode() for k in store.keys("*")]
    assert keys and all(k.startswith(KEY_PREFIX + "prosonata:") for k in keys)
    assert not any(secret in k or "ULTRA" in k for k in keys)
    state = next(k for k in keys if not k.endswith(":inflight"))
    assert 900 < store.ttl(state) <= 900 + 3600 + 1  # gone an hour after the window if nobody comes back
    assert budget.remaining == 49


def test_blocks_with_a_store_share_one_budget_and_hide_its_password(redis_url: str, store: redis.Redis) -> None:
    url = redis_url.replace("redis://", "redis://:hunter2@")
    block = EnDocsCredentials(token="t0ken", base_url="http://localhost:1/endocs", rate_limit_store=url)
    assert "hunter2" not in repr(block) and "hunter2" not in str(block.model_dump())
    first, second = block.client_settings().budget, block.client_settings().budget
    assert isinstance(first, RedisBudget) and first is second
    assert "hunter2" not in repr(first)


def test_a_store_that_is_not_a_redis_url_is_rejected_by_the_block() -> None:
    with pytest.raises(ValidationError, match="rate_limit_store must be a Redis URL") as info:
        ProSonataCredentials(subdomain="a", api_key="k", rate_limit_store="http://:pw@cache:6379")
    assert "pw" not in str(info.value)


def test_an_unreachable_store_raises_a_typed_error_without_its_password(store: redis.Redis) -> None:
    from flows.runtime import free_port

    budget = shared_redis_budget(f"redis://:hunter2@127.0.0.1:{free_port()}/0", "endocs", "http://h", "tok",
                                 limit=3, window_seconds=60)
    with pytest.raises(APIConnectionError, match="shared rate-limit store") as info:
        budget.reserve()
    assert "hunter2" not in str(info.value)


def test_the_old_concurrency_limit_guard_still_works_with_a_warning() -> None:
    from prefect_prosonata_exeoflow._core.guard import PrefectRateLimitGuard

    block = ProSonataCredentials(subdomain="a", api_key="k", concurrency_limit_name="prosonata-key")
    with pytest.warns(FutureWarning, match="rate_limit_store"):
        settings = block.client_settings()
    assert isinstance(settings.guard, PrefectRateLimitGuard) and settings.guard.name == "prosonata-key"
    assert ProSonataCredentials(subdomain="a", api_key="k").client_settings().guard is None
