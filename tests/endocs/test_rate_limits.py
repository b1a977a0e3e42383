"""The per-minute limit against the sandbox on a fake clock shared with the client: 429 hints
waited out exactly, and self-pacing that meets the sandbox's windows to the second."""

from __future__ import annotations

import email.utils
from typing import Any

import httpx
import pytest

from prefect_prosonata_exeoflow.endocs import EnDocsClient
from prefect_prosonata_exeoflow.sandbox.endocs import EnDocsEmulator
from tests.conftest import Clocked
from tests.drills.apis import exact_client

from .support import TOKEN, Recorder, make_credentials, stat


def _client(clocked: Clocked, recorder: Recorder | None = None, **options: Any) -> EnDocsClient:
    """A client on the sandbox's clock (sleeps are instant and recorded; no jitter)."""
    client = exact_client(make_credentials(clocked.server.base_url("endocs"), **options), clocked.clock, recorder)
    assert isinstance(client, EnDocsClient)
    return client


def _emulator(clocked: Clocked) -> EnDocsEmulator:
    emulator = clocked.server.sandbox.emulators["endocs"]
    assert isinstance(emulator, EnDocsEmulator)
    return emulator


@pytest.mark.parametrize("hint", ["default", "http_date"])
def test_forced_429_waits_the_hinted_time(clocked: Clocked, hint: str) -> None:
    _emulator(clocked).configure(window_seconds=1)
    clocked.server.sandbox.faults.add("rate_limit", api="endocs", hint=hint, times=1)
    recorder = Recorder()
    with _client(clocked, recorder) as client:
        assert client.get_client_info().id == 42
    limited = recorder.responses[0]
    assert limited.status_code == 429 and limited.json() == {"error": "Too Many Requests"}
    header = limited.headers["retry-after"]
    assert len(clocked.clock.sleeps) == 1
    if hint == "default":
        assert header.isdigit() and clocked.clock.sleeps == [float(header)]
    else:  # waited until the date named, by the same clock that named it
        assert clocked.clock.time() == pytest.approx(email.utils.parsedate_to_datetime(header).timestamp())
    assert stat(clocked.server, "429") == 1 and stat(clocked.server, "requests") == 2


@pytest.mark.parametrize("hint", ["missing", "garbage"])
def test_without_a_hint_the_client_backs_off_one_step_then_probes(clocked: Clocked, hint: str) -> None:
    # No calendar-minute guess (nothing documents where EnDocs windows start, ED-U5 in docs/apis/endocs.md): one backoff step.
    _emulator(clocked).configure(window_seconds=1)
    clocked.server.sandbox.faults.add("rate_limit", api="endocs", hint=hint, times=1)
    recorder = Recorder()
    with _client(clocked, recorder, rate_limit_window_seconds=1) as client:
        client.get_client_users()
    assert "retry-after" not in recorder.responses[0].headers or recorder.responses[0].headers["retry-after"] == "soon"
    assert len(clocked.clock.sleeps) == 1 and 0.25 <= clocked.clock.sleeps[0] <= 0.5 + 0.1  # step 0 + jitter


def test_real_429_is_recovered_when_the_client_expects_a_higher_limit(clocked: Clocked) -> None:
    _emulator(clocked).configure(rate_limit=3, window_seconds=1, error_style="text")
    with _client(clocked) as client:  # believes the documented 300 per minute
        results = [client.get_client_info().id for _ in range(6)]
    assert results == [42] * 6
    assert stat(clocked.server, "429") >= 1
    assert clocked.clock.sleeps and all(0 < wait <= 1.0 for wait in clocked.clock.sleeps)  # a window at most


def test_self_pacing_burst_gets_at_most_one_429_per_window(clocked: Clocked) -> None:
    _emulator(clocked).configure(rate_limit=5, window_seconds=2)
    started = clocked.clock.time()
    with _client(clocked, requests_per_minute=5, rate_limit_window_seconds=2) as client:
        for _ in range(12):
            client.get_client_users()
    assert stat(clocked.server, "requests") - stat(clocked.server, "429") == 12
    # The windows' phase is unknown to the client (ED-U5): at most one probe per window while it learns it.
    assert stat(clocked.server, "429") <= 3
    assert 2.0 < clocked.clock.time() - started <= 4.2  # three windows: no window lost


def test_shared_token_costs_at_most_one_429_per_window(clocked: Clocked) -> None:
    _emulator(clocked).configure(rate_limit=5, window_seconds=2)
    url = clocked.server.base_url("endocs")
    with _client(clocked, requests_per_minute=5, rate_limit_window_seconds=2) as client:
        client.get_client_info()
        for _ in range(2):  # "another process" spends part of the same token's window
            httpx.get(f"{url}/api/Output/GetClientInfo", headers={"Authorization": f"Bearer {TOKEN}"})
        users = [client.get_client_users() for _ in range(7)]
    assert len(users) == 7
    assert stat(clocked.server, "429") == 1  # refused once, then the client waited for the next window
    assert stat(clocked.server, "requests") == 1 + 2 + 7 + 1
    assert len(clocked.clock.sleeps) == 1
