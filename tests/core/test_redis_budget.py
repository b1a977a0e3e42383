"""The budget shared through Redis: one picture for every process, the server's window phase,
self-counting for EnDocs, 429 blocks for all, and nothing left behind by a process that died.

Each ``RedisBudget`` handle on the same name stands for another process (it has its own
reservations); time is a fake clock passed to the script instead of Redis ``TIME``.
"""

from __future__ import annotations

import json
import statistics
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from pydantic import ValidationError

from prefect_prosonata_exeoflow import APIConnectionError
from prefect_prosonata_exeoflow._core import redis_budget
from prefect_prosonata_exeoflow._core.budget import PHASE_PRECISION, PROBE_POLL_SECONDS, BudgetHint, RateBudget
from prefect_prosonata_exeoflow._core.clock import FakeClock
from prefect_prosonata_exeoflow._core.http import SyncClient
from prefect_prosonata_exeoflow._core.redis_budget import (
    KEY_PREFIX,
    RedisBudget,
    budget_state,
    reset_redis_budgets,
    shared_redis_budget,
)
from prefect_prosonata_exeoflow.endocs import EnDocsCredentials
from prefect_prosonata_exeoflow.prosonata import ProSonataCredentials

from .fake_server import FakeServer, call, client_for, first_call_delays


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


def test_counting_api_windows_follow_the_in_process_rules_for_every_process(store: redis.Redis) -> None:
    """The same calls, spread over 3 processes, get the same answers as from one in-process budget:
    the counting, the calendar as a first guess, the phase probe and what it teaches."""
    options: dict[str, Any] = {"limit": 4, "window_seconds": 60, "aligned": True}
    local_clock, shared_clock = FakeClock(start=1_699_999_990.0), FakeClock(start=1_699_999_990.0)  # 10 s in
    local = RateBudget(local_clock, **options)
    handles = processes(store, 3, shared_clock, **options)
    answers: dict[str, list[Any]] = {"local": [], "shared": []}
    for name, clock, pick in (("local", local_clock, lambda i: local), ("shared", shared_clock, lambda i: handles[i % 3])):
        for i in range(12):
            budget = pick(i)
            wait = budget.reserve()
            answers[name].append(round(wait, 3))
            if wait == 0.0:
                clock.advance(0.1)
                budget.release(None, sent_at=clock.monotonic() - 0.1, limited=False)
            else:
                clock.advance(min(wait, 30.0))
        answers[name].append(round(pick(0).phase_uncertainty or 0.0, 3))
    assert answers["shared"] == answers["local"]
    assert answers["local"].count(0.0) >= 5  # a whole window and more went through


def test_a_burst_outlasting_the_servers_window_is_handled_alike_by_every_process(store: redis.Redis) -> None:
    """The carried calls of a burst that outlasted the server's window (their send and answer
    times, kept in the store) lead three processes to the same answers as one in-process budget."""
    from prefect_prosonata_exeoflow.sandbox._ratelimit import FixedWindowLimiter

    options: dict[str, Any] = {"limit": 4, "window_seconds": 2.0}
    answers: dict[str, list[Any]] = {"local": [], "shared": []}
    for name in answers:
        clock = FakeClock(start=1_700_000_000.0)  # a multiple of the window: the server's ends 0.35 s later
        server = FixedWindowLimiter(4, 2.0, clock, phase=0.35)
        handles: list[Any] = [RateBudget(clock, **options)] if name == "local" else processes(store, 3, clock, **options)
        refused = 0
        for i in range(40):
            budget = handles[i % len(handles)]
            wait = budget.reserve()
            answers[name].append(round(wait, 3))
            if wait > 0.0:
                clock.advance(min(wait, 30.0))
                continue
            sent = clock.monotonic()
            clock.advance(0.05)
            admitted = server.hit("k").allowed
            clock.advance(0.05)
            budget.release(None, sent_at=sent, limited=not admitted)
            if not admitted:
                refused += 1
                budget.block_for(1.0, sent_at=sent)
            answers[name].append(round(handles[0].phase_uncertainty or 0.0, 3))
        answers[name].append(refused)
    assert answers["shared"] == answers["local"]
    assert answers["local"][-1] <= 4  # about one per window while the phase is learned


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


def admitted(handle: RedisBudget, clock: FakeClock, tries: int) -> int:
    """Calls one thread gets through at once, each answered before the next: how many before a wait."""
    for n in range(tries):
        if handle.reserve() != 0.0:
            return n
        handle.release(None, sent_at=clock.monotonic(), limited=False)
    return tries


def hold(handle: RedisBudget, tries: int) -> int:
    """Reserve calls and never release them (the process dies); how many it got."""
    return sum(handle.reserve() == 0.0 for _ in range(tries))


def test_a_dead_processs_calls_in_flight_do_not_shrink_the_next_window(store: redis.Redis) -> None:
    clock = FakeClock(start=1_699_999_980.0)  # at a minute
    dead, alive = processes(store, 2, clock, limit=5, window_seconds=60, aligned=True, inflight_seconds=20)
    assert hold(dead, 2) >= 1  # never released
    clock.advance(60)
    assert admitted(alive, clock, 6) == 5  # the full limit again


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


# -- the in-process budget's rules, across processes (issue 12's cases on the fake server) ----------------
START = 1_800_000_000.0


class OffsetClock(FakeClock):
    """A process whose monotonic clock is nowhere near the store's (as on any real machine)."""

    def monotonic(self) -> float:
        return self.time() + 12_345.678


def process_clients(server: FakeServer, redis_url: str, n: int, **fields: Any) -> list[SyncClient]:
    """``n`` clients of one key, each with its own handle on the store: ``n`` processes."""
    clients = []
    for _ in range(n):
        redis_budget._BUDGETS.clear()
        clients.append(client_for(server, rate_limit_store=redis_url, **fields))
    assert len({id(c.settings.budget) for c in clients}) == n
    return clients


@pytest.mark.parametrize("phase", [0.37, 1.3])
@pytest.mark.parametrize("hint", ["default", "missing"])
def test_processes_learn_the_servers_window_phase_together(store: redis.Redis, redis_url: str, phase: float,
                                                            hint: str) -> None:
    clock = OffsetClock(START + 0.01)
    server = FakeServer("endocs", clock, limit=10, window=2.0, phase=phase, hint=hint)
    clients = process_clients(server, redis_url, 3)
    for i in range(10 * 24):
        call(clients[i % 3], "endocs")
    windows = server.windows()
    assert all(w["admitted"] <= 10 for w in windows)
    assert max(w["refused"] for w in windows[3:]) <= 1  # steady state: at most one 429 per window, for all
    delays = first_call_delays(server)
    assert max(delays) <= 1.5
    assert statistics.mean(delays[-8:]) <= PHASE_PRECISION + 0.05  # the shared phase converged


@pytest.mark.parametrize("api", ["exeoflow", "endocs"])
def test_one_probe_per_backoff_step_for_all_processes(store: redis.Redis, api: str) -> None:
    """Eight processes answered 429 without a usable hint: each step, one of them probes."""
    clock = OffsetClock(START)
    options: dict[str, Any] = {"limit": 8, "window_seconds": 60, "probe_when_unknown": False} if api == "endocs" else {}
    handles = processes(store, 8, clock, **options)
    if api != "endocs":
        handles[0].reserve()
        handles[0].release(BudgetHint(remaining=20, reset_in=None), sent_at=clock.monotonic(), limited=False)
    sent = clock.monotonic()
    assert [h.reserve() for h in handles] == [0.0] * 8
    clock.advance(0.05)
    for handle in handles:  # all eight refused with nothing usable: one step, not eight
        handle.release(None, sent_at=sent, limited=True)
        handle.block_for(0.5 * 2 ** handle.probe_step, sent_at=sent, probe=True)
    assert handles[3].probe_step == 1
    for step in (1, 2, 3):
        step_wait = handles[step].reserve()
        assert step_wait == pytest.approx(0.5 * 2 ** (step - 1), abs=1e-3)
        clock.advance(step_wait)
        grants = [h.reserve() for h in handles]
        assert grants.count(0.0) == 1 and all(g == PROBE_POLL_SECONDS for g in grants if g)
        prober = handles[grants.index(0.0)]
        probe_sent = clock.monotonic()
        clock.advance(0.05)
        if step < 3:  # refused again: the shared step doubles, still one probe
            prober.release(None, sent_at=probe_sent, limited=True)
            prober.block_for(0.5 * 2 ** prober.probe_step, sent_at=probe_sent, probe=True)
            assert handles[0].probe_step == step + 1
    prober.release(None, sent_at=probe_sent, limited=False)  # the probe got through
    assert handles[5].probe_step == 0
    assert handles[6].reserve() == 0.0


def test_a_process_that_dies_holding_the_probe_blocks_the_others_only_until_its_call_would_be_over(
    store: redis.Redis,
) -> None:
    clock = FakeClock(START)
    dead, alive = processes(store, 2, clock, inflight_seconds=20)
    dead.block_for(1.0, sent_at=START - 0.1, probe=True)
    clock.advance(1.0)
    assert dead.reserve() == 0.0  # the probe; then its process is killed
    assert alive.reserve() == PROBE_POLL_SECONDS
    clock.advance(20.5)  # far below the in-process budget's PROBE_LOST_SECONDS
    assert alive.reserve() == 0.0  # the next probe
    alive.release(None, sent_at=clock.monotonic(), limited=False)
    assert alive.probe_step == 0


def test_a_dead_process_leaks_no_budget_past_the_window(store: redis.Redis) -> None:
    """It reserved what it could of the window and died: the next window is whole again, for everyone."""
    clock = FakeClock(START)  # counting API, windows of 30 s; calls time out after 25 s
    dead, alive = processes(store, 2, clock, limit=4, window_seconds=30, aligned=True, inflight_seconds=25)
    assert hold(dead, 4) >= 1  # never released
    assert alive.reserve() > 0
    clock.advance(30)
    assert admitted(alive, clock, 5) == 4
    assert alive.peek()["inflight"] == 0  # the dead process's calls expired with the window


@pytest.mark.parametrize("api", ["prosonata", "exeoflow"])
def test_reporting_apis_shared_by_processes_never_hit_429_with_a_rival(store: redis.Redis, redis_url: str,
                                                                        api: str) -> None:
    clock = OffsetClock(START + 0.01)
    server = FakeServer(api, clock, limit=10, window=2.0, phase=0.6, rival=6)
    clients = process_clients(server, redis_url, 4)
    for i in range(60):
        call(clients[i % 4], api)
    assert sum(w["refused"] for w in server.windows()) == 0
    assert max(first_call_delays(server)) <= 1.5


def test_every_part_of_the_in_process_budget_is_kept_in_the_store() -> None:
    """The store holds the RateBudget's whole picture (nothing left per process), in JSON."""
    clock = FakeClock(START)
    budget = RateBudget(clock, limit=3, window_seconds=60, probe_when_unknown=False)
    for _ in range(3):
        budget.reserve()
    budget.block_for(2.0, sent_at=START, probe=True)
    state = budget_state(budget)
    stored = json.loads(json.dumps(state))
    assert {k: tuple(v) if isinstance(v, list) else v for k, v in stored.items()} == state
    assert set(state) == set(vars(budget)) - {"_clock", "_lock"}
    budget._extra = [1.0]  # type: ignore[attr-defined]  # a kind of state the store cannot keep
    with pytest.raises(TypeError, match="_extra"):
        budget_state(budget)
