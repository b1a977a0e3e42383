"""Rate limits as real servers send them (issue 12), on a fake clock: long hints, stale resets,
skewed clocks, windows of unknown phase, rival consumers, whole-second hints."""

from __future__ import annotations

import math
import statistics

import httpx
import pytest

from prefect_prosonata_exeoflow._core.budget import PHASE_PRECISION, PROBE_POLL_SECONDS, BudgetHint, RateBudget
from prefect_prosonata_exeoflow._core.clock import FakeClock
from prefect_prosonata_exeoflow._core.errors import RateLimitError

from .fake_server import FakeServer, call, client_for, first_call_delays, run_workers

APIS = ("prosonata", "exeoflow", "endocs")
START = 1_800_000_000.0  # a multiple of 60 and of 2


# -- 1. one hint-sanity rule ---------------------------------------------------------------------------
@pytest.mark.parametrize("api, answer", [
    ("prosonata", httpx.Response(429, json={"meta": {"status": 429, "apiLimitReset": 999999, "message": "x"},
                                            "data": []})),
    ("exeoflow", httpx.Response(429, headers={"Retry-After": "999999"},
                                json={"success": False, "error": {"code": "RATE_LIMIT_EXCEEDED", "message": "x"}})),
    ("endocs", httpx.Response(429, headers={"Retry-After": "999999"}, json={"error": "Too Many Requests"})),
])
def test_a_hint_longer_than_max_wait_raises_at_once(api: str, answer: httpx.Response) -> None:
    clock = FakeClock(START)
    server = FakeServer(api, clock, limit=10, window=60)
    server.handler = lambda request: answer  # type: ignore[method-assign]
    with client_for(server, max_rate_limit_wait=120) as client, pytest.raises(RateLimitError) as caught:
        call(client, api)
    assert caught.value.retry_after == 999999
    assert clock.sleeps == []


@pytest.mark.parametrize("api", APIS)
def test_a_stale_or_missing_hint_never_turns_into_a_burst(api: str) -> None:
    """Eight workers share one budget; the server refuses without a usable hint (or a stale one):
    after each backoff step exactly one of them probes, the others wait for its answer."""
    clock = FakeClock(START)
    budget = RateBudget(clock) if api != "endocs" else RateBudget(clock, limit=8, window_seconds=60,
                                                                   probe_when_unknown=False)
    if api != "endocs":
        budget.reserve()
        budget.release(BudgetHint(remaining=20, reset_in=None), sent_at=START, limited=False)
    for _ in range(8):
        assert budget.reserve() == 0.0
    clock.advance(0.05)
    for _ in range(8):  # all eight answered 429 with nothing usable: one step, not eight
        budget.release(None, sent_at=START, limited=True)
        budget.block_for(0.5 * 2 ** budget.probe_step, sent_at=START, probe=True)
    assert budget.probe_step == 1
    for step in (1, 2, 3):
        step_wait = budget.reserve()
        assert step_wait == pytest.approx(0.5 * 2 ** (step - 1))
        clock.advance(step_wait)
        grants = [budget.reserve() for _ in range(8)]
        assert grants.count(0.0) == 1 and all(g == PROBE_POLL_SECONDS for g in grants if g)
        probe_sent = clock.monotonic()
        clock.advance(0.05)
        if step < 3:  # refused again: the next step doubles, still one probe
            budget.release(None, sent_at=probe_sent, limited=True)
            budget.block_for(0.5 * 2 ** budget.probe_step, sent_at=probe_sent, probe=True)
            assert budget.probe_step == step + 1
    budget.release(None, sent_at=probe_sent, limited=False)  # the probe got through
    assert budget.probe_step == 0
    assert budget.reserve() == 0.0


def test_exeoflow_stale_reset_from_eight_threads_probes_once_per_step() -> None:
    clock = FakeClock(START + 0.5)
    server = FakeServer("exeoflow", clock, limit=5, window=2, stale_reset=True)
    with client_for(server) as client:
        for _ in range(12):
            call(client, "exeoflow")
    refused = sum(w["refused"] for w in server.windows())
    # each refusal is one probe per backoff step (0.5 s, then 1 s ...) of a 2 s window
    assert refused <= 2 * len(server.windows())
    assert all(s in (0.5, 1.0, 2.0) or s < 2 for s in clock.sleeps)


@pytest.mark.parametrize("offset", [-30.0, 30.0, -3600.0])
def test_server_clock_offset_is_read_from_its_date_header(offset: float) -> None:
    clock = FakeClock(START + 0.3)
    server = FakeServer("exeoflow", clock, limit=5, window=2, clock_offset=offset)
    with client_for(server) as client:
        for _ in range(20):
            call(client, "exeoflow")
    assert sum(w["refused"] for w in server.windows()) == 0
    assert max(first_call_delays(server)) <= 1.0 + 0.05  # whole-second Date: at most a second late


# -- 2. windows of unknown phase --------------------------------------------------------------------
@pytest.mark.parametrize("phase", [0.0, 0.37, 1.3])
@pytest.mark.parametrize("hint", ["default", "missing"])
def test_endocs_learns_where_the_servers_windows_start(phase: float, hint: str) -> None:
    clock = FakeClock(START + 0.01)
    server = FakeServer("endocs", clock, limit=10, window=2.0, phase=phase, hint=hint)
    with client_for(server) as client:
        for _ in range(10 * 24):
            call(client, "endocs")
    windows = server.windows()
    assert all(w["admitted"] <= 10 for w in windows)
    assert max(w["refused"] for w in windows[3:]) <= 1  # steady state: at most one 429 per window
    delays = first_call_delays(server)
    assert max(delays) <= 1.5  # never more than 1.5 s late after a reset
    assert statistics.mean(delays[-8:]) <= PHASE_PRECISION + 0.05  # converged on the true phase


def test_endocs_no_calendar_minute_assumption() -> None:
    """The old client waited for its own calendar window (3.0 s when the reset was 0.16 s away)."""
    clock = FakeClock(START + 0.01)
    server = FakeServer("endocs", clock, limit=10, window=4.0, phase=0.17)
    with client_for(server) as client:
        for _ in range(10 * 6):
            call(client, "endocs")
    assert max(first_call_delays(server)) <= 1.5


def test_a_rival_consumer_costs_one_wait_not_a_burst() -> None:
    clock = FakeClock(START + 0.01)
    server = FakeServer("endocs", clock, limit=10, window=2.0, rival=7)
    with client_for(server) as client:
        for _ in range(40):
            call(client, "endocs")
    windows = server.windows()
    assert windows[0]["refused"] <= 1 and windows[0]["admitted"] + windows[0]["rival"] == 10
    assert max(first_call_delays(server)) <= 1.5


@pytest.mark.parametrize("phase", [0.2, 0.7, 1.3])
@pytest.mark.parametrize("lag", [0.0, 0.06])
def test_eight_workers_whose_burst_outlasts_the_first_window(phase: float, lag: float) -> None:
    """Benchmark 6's miss, on the fake clock: eight workers share a server that answers one call
    per 15 ms, so the first burst (90 calls) outlasts a first window that ends ``phase`` after the
    start, and its last calls land in the server's next window. Before: the client believed that
    window began after its burst, spent it with all eight at once and met the limit with eight
    429s, then waited for a boundary learnt from them (0.4-0.75 s late). Now: one 429, and the
    window after it opens on time (its refusal and the calls before it place the boundary)."""
    clock = FakeClock(START + 0.01)
    server = FakeServer("endocs", clock, limit=90, window=2.0, phase=phase, round_trip=0.0)
    run_workers(server, workers=8, calls=225, round_trip=0.002, service=0.015, lag=lag)
    windows = server.windows()
    assert windows[0]["admitted"] < 90 and windows[0]["last_call"] > windows[0]["end"] - 0.05  # it did outlast it
    assert all(w["refused"] <= 1 for w in windows)
    assert all(delay <= lag + 0.05 for delay in first_call_delays(server)[1:])


def ratio_to_ideal(server: FakeServer, start: float, total: int) -> float:
    """Elapsed / ideal as benchmark 6 counts it: ideal is when the last needed window opens if
    every window were filled at once (the first one holds no more than the last window's pace
    reaches before it ends), plus the last window's own calls (work, not waiting)."""
    windows = [w for w in server.windows() if w["admitted"] or w["refused"]]
    first, last = windows[0], windows[-1]
    limit, window = server.limiter.limit, server.limiter.window_seconds
    per_call = (last["last_call"] - last["first_call"]) / (last["admitted"] - 1)
    available = min(limit, math.floor((first["end"] - start) / per_call) + 1)
    later = math.ceil(max(total - available, 0) / limit)
    ideal = (first["end"] - start) + max(later - 1, 0) * window + last["last_call"] - last["first_call"]
    return (max(w["last_call"] for w in windows) - start) / ideal


@pytest.mark.parametrize("workers, round_trip, service", [(1, 0.005, 0.0), (8, 0.004, 0.002)])
def test_endocs_phase_shifted_windows_cost_at_most_a_tenth(workers: int, round_trip: float, service: float) -> None:
    """Benchmark 6's EnDocs phase-shifted cell on the fake clock, over a sweep of offsets: 2.5
    windows' worth (90 calls per 2 s), from a multiple of the window. Before: one window's probe
    landing just before its boundary left the next window waiting for the latest possible one:
    1.13 x (1 thread) and 1.19 x (8 workers) at worst, 1.05-1.08 x on average. Now the spread
    calls and the count of the window after them place the boundary to a fraction of a second."""
    ratios = []
    for step in range(1, 40, 2):
        clock = FakeClock(START + 0.01)
        server = FakeServer("endocs", clock, limit=90, window=2.0, phase=0.05 * step, round_trip=0.0)
        run_workers(server, workers=workers, calls=225, round_trip=round_trip, service=service)
        windows = server.windows()
        assert all(w["refused"] <= 1 for w in windows), (0.05 * step, windows)
        assert max(first_call_delays(server)) <= 1.5
        ratios.append(ratio_to_ideal(server, START + 0.01, 225))
    assert max(ratios) <= 1.10, ratios
    assert statistics.mean(ratios) <= 1.04, ratios


@pytest.mark.parametrize("phase", [1.0, 2.0, 5.0, 8.0])
def test_calls_go_one_at_a_time_only_while_that_fills_the_window(phase: float) -> None:
    """Slow answers (1 s each, 30 calls per 10 s window, eight workers): one call at a time would
    use 10 of a window's 30 calls. Once an answer alone shows that pace, the rest go at once: every
    window between the first and the last is full (always one at a time: 16 of 30 in one)."""
    clock = FakeClock(START + 0.01)
    server = FakeServer("endocs", clock, limit=30, window=10.0, phase=phase, round_trip=0.0)
    run_workers(server, workers=8, calls=30 * 4, round_trip=1.0)
    assert all(w["admitted"] == 30 for w in server.windows()[1:-1])


@pytest.mark.parametrize("api", ("prosonata", "exeoflow"))
def test_reporting_apis_never_hit_429_with_a_rival_or_a_phase_shift(api: str) -> None:
    clock = FakeClock(START + 0.01)
    server = FakeServer(api, clock, limit=10, window=2.0, phase=0.6, rival=6)
    with client_for(server) as client:
        for _ in range(60):
            call(client, api)
    assert sum(w["refused"] for w in server.windows()) == 0
    assert max(first_call_delays(server)) <= 1.5


# -- 3. whole-second hints converge below a second ------------------------------------------------------
@pytest.mark.parametrize("phase", [0.13, 0.5, 0.87])
def test_prosonata_whole_second_resets_converge(phase: float) -> None:
    """Every answer bounds the reset from above (``ceil``); the tightest bound wins, so the first
    call of each window comes well under a second after the true reset."""
    clock = FakeClock(START + 0.01)
    server = FakeServer("prosonata", clock, limit=10, window=3.0, phase=phase, round_trip=0.11)
    with client_for(server) as client:
        for _ in range(10 * 12):
            call(client, "prosonata")
    assert sum(w["refused"] for w in server.windows()) == 0
    assert statistics.mean(first_call_delays(server)) <= 0.3


def test_budget_keeps_the_tightest_bound_across_answers() -> None:
    clock = FakeClock(START)
    budget = RateBudget(clock)
    budget.reserve()
    budget.release(BudgetHint(remaining=3, reset_in=3))  # true reset in 2.3 s: ceil says 3
    clock.advance(0.4)
    budget.reserve()
    budget.release(BudgetHint(remaining=2, reset_in=2))  # at +0.4: 1.9 left, ceil 2 -> bound +2.4
    assert budget.reset_in == pytest.approx(2.0)


def test_a_lost_probe_does_not_block_everyone_forever() -> None:
    from prefect_prosonata_exeoflow._core.budget import PROBE_LOST_SECONDS

    clock = FakeClock(START)
    budget = RateBudget(clock)
    budget.block_for(1.0, sent_at=START - 0.1, probe=True)
    clock.advance(1.0)
    assert budget.reserve() == 0.0  # the probe; its caller is then cancelled and never releases
    assert budget.reserve() == PROBE_POLL_SECONDS
    clock.advance(PROBE_LOST_SECONDS + 1)
    assert budget.reserve() == 0.0


# -- 3b. held-back calls find the reset inside a whole-second hint, without a 429 ----------------------
@pytest.mark.parametrize("api", ("prosonata", "exeoflow"))
@pytest.mark.parametrize("phase", [0.3, 0.7])
def test_held_back_calls_find_the_reset_inside_a_whole_second(api: str, phase: float) -> None:
    """Bursts too short to cross a second boundary: every answer gives the same whole-second bound,
    so only the calls held back and sent inside that second show where the window turns over."""
    clock = FakeClock(START + 0.01)
    server = FakeServer(api, clock, limit=30, window=2.0, phase=phase, round_trip=0.005)
    with client_for(server) as client:
        for _ in range(30 * 8):
            call(client, api)
    assert sum(w["refused"] for w in server.windows()) == 0
    delays = first_call_delays(server)
    assert statistics.mean(delays) <= 0.25  # without held calls: 1 - phase (0.7 and 0.3)
    assert all(w["admitted"] >= 27 for w in server.windows()[:-1])  # at most three calls unused per window


def test_no_call_is_held_back_where_a_call_is_worth_more_than_the_search() -> None:
    """Real windows: 50 calls per 15 minutes; one unused call costs 18 s, a second's delay 1 s."""
    clock = FakeClock(START + 0.01)
    server = FakeServer("prosonata", clock, limit=50, window=900.0, phase=450.5, round_trip=0.005)
    with client_for(server) as client:
        for _ in range(50 * 3):
            call(client, "prosonata")
    assert [w["admitted"] for w in server.windows()] == [50, 50, 50]
    assert max(first_call_delays(server)) <= 1.0 + 0.02


def test_a_server_clock_ahead_by_a_fraction_converges_too() -> None:
    """The ``Date`` header bounds the offset to a second; held-back calls find the rest."""
    clock = FakeClock(START + 0.6)
    server = FakeServer("exeoflow", clock, limit=30, window=2.0, clock_offset=30.0, round_trip=0.005)
    with client_for(server) as client:
        for _ in range(30 * 8):
            call(client, "exeoflow")
    assert sum(w["refused"] for w in server.windows()) == 0
    assert statistics.mean(first_call_delays(server)) <= 0.3


def test_held_back_calls_probe_inside_the_hinted_second() -> None:
    clock = FakeClock(START)
    budget = RateBudget(clock)
    budget.reserve()
    budget.release(BudgetHint(remaining=4, reset_in=1, resolution=1.0, limit=30), sent_at=START, limited=False)
    # the reset lies in (START, START + 1]: one call goes, the last three probe inside that second
    assert [budget.reserve(), budget.reserve()] == [0.0, pytest.approx(0.25)]  # at 1/4 with three left
    clock.advance(0.25)
    assert budget.reserve() == 0.0  # the first held call
    assert budget.reserve() == PROBE_POLL_SECONDS  # the others wait for its answer
    budget.release(BudgetHint(remaining=2, reset_in=1, resolution=1.0), sent_at=START + 0.25, limited=False)
    assert budget.reserve() == pytest.approx(0.25)  # still the old window: a third of (+0.25, +1]
    clock.advance(0.25)
    assert budget.reserve() == 0.0
    clock.advance(0.01)
    budget.release(BudgetHint(remaining=29, reset_in=2, resolution=1.0), sent_at=START + 0.5, limited=False)
    assert budget.remaining == 28 and budget.reset_in == pytest.approx(2.0)  # a new window (one call in flight)
    assert budget.reserve() == 0.0


def test_no_call_is_held_back_far_from_the_reset() -> None:
    """A workload that fits one long window is not kept waiting for a probe."""
    clock = FakeClock(START)
    budget = RateBudget(clock)
    budget.reserve()
    budget.release(BudgetHint(remaining=9, reset_in=60, resolution=1.0), sent_at=START, limited=False)
    assert [budget.reserve() for _ in range(9)] == [0.0] * 9


def test_a_local_window_opens_with_one_call() -> None:
    """Where the server's window starts is only believed: one call checks it before the others go,
    so a wrong belief costs one 429, not one per worker."""
    clock = FakeClock(START)
    budget = RateBudget(clock, limit=5, window_seconds=2.0, probe_when_unknown=False)
    for _ in range(5):
        assert budget.reserve() == 0.0
        budget.release(None, sent_at=START, limited=False)
    clock.advance(1.0)
    assert budget.reserve() == 0.0  # the phase probe, a second after the earliest reset
    budget.release(None, sent_at=START + 1.0, limited=True)
    budget.block_for(1.0, sent_at=START + 1.0)  # not yet; Retry-After: 1
    clock.advance(1.0)
    assert [budget.reserve() for _ in range(3)] == [0.0, PROBE_POLL_SECONDS, PROBE_POLL_SECONDS]
    budget.release(None, sent_at=START + 2.0, limited=True)  # refused after all
    budget.block_for(0.5, sent_at=START + 2.0)
    assert budget.reserve() == pytest.approx(0.5)
    clock.advance(0.5)
    assert [budget.reserve() for _ in range(2)] == [0.0, PROBE_POLL_SECONDS]
    budget.release(None, sent_at=START + 2.5, limited=False)
    assert [budget.reserve() for _ in range(4)] == [0.0] * 4  # admitted: the rest of the window goes
