"""The fault matrix: each API x (read, update, create) x each fault, against the loopback sandbox.

Outcomes come from :mod:`.matrix` (the same data renders the README's failure table). Waits are
virtual and exact (fake clock); the sandbox's counters prove that no create ran twice.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.lag import SchedulerLag
from prefect_prosonata_exeoflow._core.clock import FakeClock
from prefect_prosonata_exeoflow.sandbox import SandboxServer

from .apis import OPERATIONS, Traffic, credentials, exact_client
from .matrix import (
    API_TITLES,
    END,
    SCENARIO_CALLS,
    SCENARIO_LIMIT,
    SCENARIO_WINDOW,
    SCENARIOS,
    START,
    Cell,
    Scenario,
    cells,
    render_readme_section,
)

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def drill_sandbox(sandbox: SandboxServer) -> Iterator[SandboxServer]:
    """Minute-long windows (hints stay below the blocks' maximum wait); Exeoflow's hint of 7 s."""
    for api in ("prosonata", "exeoflow", "endocs"):
        sandbox.sandbox.configure(api, rate_limit=100_000, window_seconds=60)
    sandbox.sandbox.configure("exeoflow", forced_retry_after=7, execution_seconds=0.05)
    yield sandbox
    sandbox.sandbox.configure("exeoflow", forced_retry_after=1.0, execution_seconds=1.0)


def _settle(sandbox: SandboxServer, counter: str, at_least: int, seconds: float) -> int:
    """A request the client gave up on (timeout) is still processed by the server: wait for it."""
    deadline = time.monotonic() + seconds
    while sandbox.sandbox.stats.get(counter) < at_least and time.monotonic() < deadline:
        time.sleep(0.02)
    return sandbox.sandbox.stats.get(counter)


@pytest.mark.parametrize("cell", cells(), ids=lambda cell: cell.id)
def test_fault_cell(cell: Cell, drill_sandbox: SandboxServer) -> None:
    operation, outcome, fault = OPERATIONS[cell.api][cell.operation], cell.outcome, cell.row.fault
    clock = FakeClock(start=time.time())
    client = exact_client(credentials(cell.api, drill_sandbox, timeout=fault.timeout, **fault.client), clock)
    traffic = Traffic(clock).attach(client)
    rule = {"times": 1, **fault.options}
    drill_sandbox.sandbox.faults.add(fault.kind, api=cell.api, method=operation.method, path=operation.path, **rule)
    stats = drill_sandbox.sandbox.stats
    before, requests_before = stats.get(operation.counter), stats.get(f"{cell.api}.requests")

    with client:
        if outcome.error is None:
            result = operation.call(client, drill_sandbox)
            assert result is not None or cell.operation == "update"
        else:
            with pytest.raises(outcome.error) as caught:
                operation.call(client, drill_sandbox)
            error = caught.value
            assert outcome.match in str(error), str(error)
            assert type(error) is outcome.error  # the precise class, not a relative
            if outcome.status is not None:
                assert getattr(error, "status", None) == outcome.status

    first_answer = traffic.answers[0] if traffic.answers else None
    expected = [wait.seconds(*first_answer) if first_answer else wait.seconds(None, clock.time())  # type: ignore[arg-type]
                for wait in outcome.waits]
    assert clock.sleeps == pytest.approx(expected, abs=1e-6)
    assert all(0 <= seconds <= 60 for seconds in clock.sleeps)
    assert traffic.sent == outcome.sends
    if fault.kind == "latency":  # the abandoned request still arrives: let it finish before judging
        _settle(drill_sandbox, f"{cell.api}.requests", requests_before + traffic.sent, 3.0)
    if cell.operation == "create":
        assert stats.get(operation.counter) - before == outcome.created
    if operation.creates:  # an upsert keyed by an external id: re-sent, yet created at most once
        assert stats.get(operation.counter) - before <= 1


def test_readme_failure_section_is_rendered_from_the_matrix() -> None:
    text = README.read_text(encoding="utf-8")
    assert START in text and END in text, "README lacks the failure-table markers"
    section = text.split(START, 1)[1].split(END, 1)[0]
    assert section == render_readme_section(), "README failure table is stale: run python -m tests.drills.render"


def test_every_api_and_operation_has_every_common_fault() -> None:
    seen = {(cell.api, cell.operation) for cell in cells()}
    assert seen == {(api, op) for api in OPERATIONS for op in OPERATIONS[api]}
    assert len(cells()) == 3 * 3 * 19 + 3 * (7 + 7 + 6)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.label.split(" (")[0])
def test_window_scenario(scenario: Scenario, sandbox: SandboxServer) -> None:
    """The three APIs at once (one client each, real time, one-second windows), judged by the
    sandbox's record of every window: 429s per window and how late each window's first call came
    (a client that assumed calendar windows would come 0.6 s late to each of the phase offset's)."""
    import threading

    from prefect_prosonata_exeoflow._core.errors import APIError

    errors: list[BaseException] = []
    clients = {}
    for api in API_TITLES:
        sandbox.sandbox.configure(api, rate_limit=SCENARIO_LIMIT, window_seconds=SCENARIO_WINDOW)
        fields = {"requests_per_minute": SCENARIO_LIMIT, "rate_limit_window_seconds": SCENARIO_WINDOW} \
            if api == "endocs" else {}
        clients[api] = credentials(api, sandbox, **fields).get_client()
    read = {api: OPERATIONS[api]["read"] for api in API_TITLES}

    def run(api: str) -> None:
        try:
            for _ in range(SCENARIO_CALLS):
                read[api].call(clients[api], sandbox)
        except (APIError, AssertionError) as exc:  # reported below
            errors.append(exc)

    edge = (time.time() // SCENARIO_WINDOW + 1) * SCENARIO_WINDOW  # where a calendar-aligned client starts
    time.sleep(edge - time.time() + 0.01)
    for api in API_TITLES:  # the rival's calls and the skew land in the window the workload starts in
        sandbox.sandbox.configure(api, **scenario.options)
    threads = [threading.Thread(target=run, args=(api,)) for api in API_TITLES]
    lag = SchedulerLag()
    with lag.measuring():
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    for client in clients.values():
        client.close()
    assert not errors, errors
    for api in API_TITLES:
        limiter = sandbox.sandbox.emulators[api].limiter_of
        assert limiter is not None
        windows = [w for w in limiter.history() if w["admitted"] or w["refused"]]
        assert sum(w["admitted"] for w in windows) >= SCENARIO_CALLS
        assert windows[0]["refused"] <= scenario.first_window_429s[api], (api, windows)
        assert all(w["refused"] <= scenario.later_window_429s[api] for w in windows[1:]), (api, windows)
        # Real time on a shared machine: a thread woken late by the scheduler is not the client's
        # fault, so the bounds stretch by the lag measured beside the run (0 on a quiet machine).
        late = [w["first_call"] - w["start"] for w in windows[1:]]
        assert max(late) <= scenario.max_over_wait + lag.worst, (api, late, lag.worst)
        assert sum(late) / len(late) <= scenario.mean_bound(api) + lag.mean, (api, late, lag.mean)

