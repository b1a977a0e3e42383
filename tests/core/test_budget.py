"""The shared rate budget: reservations, server hints, window edges, local counting."""

from __future__ import annotations

import threading

import pytest

from prefect_prosonata_exeoflow._core.budget import (
    PROBE_POLL_SECONDS,
    BudgetHint,
    RateBudget,
    reset_shared_budgets,
    shared_budget,
)
from prefect_prosonata_exeoflow._core.clock import FakeClock


def test_unknown_budget_lets_one_probe_through_and_holds_the_rest() -> None:
    clock = FakeClock()
    budget = RateBudget(clock)
    assert budget.reserve() == 0.0
    assert budget.reserve() > 0  # waits for the probe's answer
    budget.release(BudgetHint(remaining=10, reset_in=60))
    assert budget.reserve() == 0.0
    assert budget.remaining == 9


def test_spent_budget_waits_until_the_smallest_reset_bound() -> None:
    clock = FakeClock()
    budget = RateBudget(clock)
    budget.reserve()
    budget.release(BudgetHint(remaining=1, reset_in=10))
    clock.advance(0.6)
    budget.reserve()
    budget.release(BudgetHint(remaining=0, reset_in=10))  # ceil: true reset <= now+10, earlier bound wins
    assert budget.reserve() == pytest.approx(10 - 0.6)


def test_new_window_after_reset_uses_the_learned_limit() -> None:
    clock = FakeClock()
    budget = RateBudget(clock)
    budget.reserve()
    budget.release(BudgetHint(remaining=4, reset_in=5))  # limit learned: 5
    for _ in range(4):
        assert budget.reserve() == 0.0
        budget.release(None)
    assert budget.reserve() > 0
    clock.advance(5)
    granted = 0
    while budget.reserve() == 0.0:
        granted += 1
    assert granted == 5


def test_window_started_from_a_learned_limit_takes_the_servers_first_figure() -> None:
    # The first answer this process saw was a 429 (others had spent the window): limit learned 1.
    clock = FakeClock()
    budget = RateBudget(clock)
    budget.reserve()
    budget.release(BudgetHint(remaining=0, reset_in=4))
    budget.block_for(4)
    clock.advance(4)
    assert budget.reserve() == 0.0  # new window, counted from the learned guess (1)
    budget.release(BudgetHint(remaining=18, reset_in=4))  # the server: 18 left, not 0
    assert budget.remaining == 18
    assert budget.reserve() == 0.0


def test_stale_answer_from_the_ended_window_is_ignored() -> None:
    clock = FakeClock()
    budget = RateBudget(clock)
    budget.reserve()
    budget.release(BudgetHint(remaining=0, reset_in=2))
    clock.advance(2.1)
    budget.release(BudgetHint(remaining=0, reset_in=1))  # processed just before the reset
    assert budget.reserve() == 0.0


def test_server_view_lower_than_ours_wins_within_a_window() -> None:
    clock = FakeClock()
    budget = RateBudget(clock)
    budget.reserve()
    budget.release(BudgetHint(remaining=50, reset_in=100))
    budget.reserve()
    budget.release(BudgetHint(remaining=3, reset_in=99))  # another process spent most of it
    assert budget.remaining == 3


def test_429_blocks_everyone_for_the_hinted_time() -> None:
    clock = FakeClock()
    budget = RateBudget(clock)
    budget.block_for(7.5)
    assert budget.reserve() == pytest.approx(7.5)
    clock.advance(7.5)
    assert budget.reserve() == 0.0


def test_local_counting_for_apis_that_report_nothing() -> None:
    # The window's phase is unknown: a boundary lies somewhere in the next window's length. Once
    # the count is spent, one probe goes a second after the earliest possible boundary (a 429
    # would name the reset) instead of waiting the window out.
    clock = FakeClock(start=1_000_000_040.0)
    budget = RateBudget(clock, limit=3, window_seconds=60, probe_when_unknown=False)
    assert [budget.reserve() for _ in range(3)] == [0.0, 0.0, 0.0]
    for _ in range(3):
        budget.release(None, sent_at=clock.monotonic(), limited=False)
    assert budget.reserve() == pytest.approx(1.0)
    clock.advance(1)
    assert budget.reserve() == 0.0  # the probe
    assert budget.reserve() > 0  # the others wait for its answer
    budget.release(None, sent_at=clock.monotonic(), limited=False)  # admitted: a boundary passed
    assert budget.phase_uncertainty == pytest.approx(1.0)  # next boundary in (start + 60, start + 61]
    assert [budget.reserve() for _ in range(3)] == [0.0, 0.0, pytest.approx(59.5)]  # the midpoint of that second


def test_without_waits_in_429s_local_probes_bisect() -> None:
    clock = FakeClock(start=1_000_000_040.0)
    budget = RateBudget(clock, limit=3, window_seconds=60, probe_when_unknown=False)
    for _ in range(3):
        budget.reserve()
        budget.release(None, sent_at=clock.monotonic(), limited=False)
    clock.advance(1)
    assert budget.reserve() == 0.0
    budget.release(None, sent_at=clock.monotonic(), limited=True)
    budget.block_for(0.5, sent_at=clock.monotonic(), probe=True)  # no usable wait: our own backoff
    clock.advance(59)  # (start + 1, start + 60] is left; the window's one early probe is spent
    assert budget.reserve() == 0.0  # the window opens with one call
    budget.release(None, sent_at=clock.monotonic(), limited=False)
    for _ in range(2):
        budget.reserve()
    assert budget.reserve() == pytest.approx((61 + 120) / 2 - 60)  # the midpoint of (start + 61, start + 120]


def test_calendar_alignment_is_only_a_first_guess() -> None:
    clock = FakeClock(start=1_000_000_040.0)  # 20 s into a minute
    budget = RateBudget(clock, limit=3, window_seconds=60, aligned=True, probe_when_unknown=False)
    assert [budget.reserve() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert budget.reserve() == pytest.approx(1.0)  # probes a second after the earliest possible reset
    clock.advance(1)
    assert budget.reserve() == 0.0
    clock.advance(0.1)
    budget.release(None, sent_at=clock.monotonic() - 0.1, limited=True)  # refused: not yet
    budget.block_for(7, sent_at=clock.monotonic() - 0.1)  # Retry-After: 7 s
    assert budget.reserve() == pytest.approx(7.0)


def test_concurrent_reservations_never_exceed_the_budget() -> None:
    clock = FakeClock()
    budget = RateBudget(clock)
    budget.reserve()
    budget.release(BudgetHint(remaining=100, reset_in=1000))
    granted = []

    def worker() -> None:
        for _ in range(50):
            if budget.reserve() == 0.0:
                granted.append(1)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(granted) == 100


def test_shared_budget_is_one_per_key_and_never_stores_the_key() -> None:
    reset_shared_budgets()
    clock = FakeClock()
    a = shared_budget("X", "https://h/api", "key-one", clock)
    assert shared_budget("X", "https://h/api/", "key-one", clock) is a
    assert shared_budget("X", "https://h/api", "key-two", clock) is not a
    from prefect_prosonata_exeoflow._core import budget as module

    assert all("key-one" not in "".join(k) for k in module._REGISTRY)
    reset_shared_budgets()


def test_a_burst_that_outlasted_the_servers_window_is_not_taken_for_its_end() -> None:
    """Ten calls spread over 0.9 s, then a probe admitted at +1.45: the server's boundary lies
    somewhere after the first call, maybe inside the burst, whose last calls then already count in
    the probe's window. Believing "after the burst" (the old rule) let all workers spend the new
    window at once and meet the server's limit together: one 429 each."""
    start = 1_000.0
    clock = FakeClock(start)
    budget = RateBudget(clock, limit=10, window_seconds=2.0, probe_when_unknown=False)
    for _ in range(10):
        assert budget.reserve() == 0.0
        clock.advance(0.05)
        budget.release(None, sent_at=clock.monotonic() - 0.05, limited=False)
        clock.advance(0.05)
    assert budget.reserve() == pytest.approx(0.45)  # the phase probe, halfway to the latest reset
    clock.advance(0.45 + 1e-9)
    assert budget.reserve() == 0.0
    budget.release(None, sent_at=clock.monotonic(), limited=False)
    assert budget.phase_uncertainty == pytest.approx(1.45)  # next boundary in (start + 2, start + 3.45]
    # Nine calls left by our count; the nine burst calls sent after the first may count here: all
    # nine go one at a time, so the server's limit is met by one call, not by one per worker.
    assert [budget.reserve(), budget.reserve()] == [0.0, PROBE_POLL_SECONDS]
    sent = clock.monotonic()
    clock.advance(0.01)
    budget.release(None, sent_at=sent, limited=False)  # admitted: the boundary was after the 2nd call
    assert budget.phase_uncertainty == pytest.approx(1.45 - 0.1)
    for _ in range(2):
        assert [budget.reserve(), budget.reserve()] == [0.0, PROBE_POLL_SECONDS]
        sent = clock.monotonic()
        clock.advance(0.01)
        budget.release(None, sent_at=sent, limited=False)
    # The next one is refused: the window already held ten, so its boundary came at or before the
    # 5th burst call was answered (start + 0.45): the next one is a window later.
    assert budget.reserve() == 0.0
    sent = clock.monotonic()
    clock.advance(0.01)
    budget.release(None, sent_at=sent, limited=True)
    budget.block_for(1.0, sent_at=sent)  # Retry-After: 1
    assert budget.reset_in == pytest.approx(start + 2.45 - clock.monotonic())
    assert budget.reserve() == pytest.approx(start + 2.45 - clock.monotonic())
