"""The per-minute limit against the sandbox: 429 hints waited out, and self-pacing (compressed windows)."""

from __future__ import annotations

import email.utils
import time

import httpx
import pytest

from prefect_prosonata_exeoflow.endocs import EnDocsClient
from prefect_prosonata_exeoflow.sandbox import SandboxServer
from prefect_prosonata_exeoflow.sandbox.endocs import EnDocsEmulator

from .endocs_support import TOKEN, Recorder, make_credentials, stat


def _client(sandbox: SandboxServer, transport: httpx.BaseTransport | None = None, **options: object) -> EnDocsClient:
    credentials = make_credentials(sandbox.base_url("endocs"), **options)
    return credentials.get_client(transport=transport) if transport else credentials.get_client()


@pytest.mark.parametrize("hint", ["default", "http_date"])
def test_forced_429_waits_the_hinted_time(sandbox: SandboxServer, emulator: EnDocsEmulator, hint: str) -> None:
    emulator.configure(window_seconds=1)
    sandbox.sandbox.faults.add("rate_limit", api="endocs", hint=hint, times=1)
    recorder = Recorder()
    with _client(sandbox, recorder) as client:
        started = time.monotonic()
        arrived = time.time()
        assert client.get_client_info().id == 42
        elapsed = time.monotonic() - started
    limited = recorder.responses[0]
    assert limited.status_code == 429 and limited.json() == {"error": "Too Many Requests"}
    header = limited.headers["retry-after"]
    if hint == "default":
        hinted = float(header)
        assert header.isdigit()
    else:
        hinted = email.utils.parsedate_to_datetime(header).timestamp() - arrived
    assert abs(elapsed - hinted) < 0.25, (elapsed, hinted)
    assert stat(sandbox, "429") == 1 and stat(sandbox, "requests") == 2


@pytest.mark.parametrize("hint", ["missing", "garbage"])
def test_without_a_hint_the_client_backs_off_one_step_then_probes(sandbox: SandboxServer, emulator: EnDocsEmulator,
                                                                   hint: str) -> None:
    # No calendar-minute guess (nothing documents where EnDocs windows start): one backoff step.
    emulator.configure(window_seconds=1)
    sandbox.sandbox.faults.add("rate_limit", api="endocs", hint=hint, times=1)
    recorder = Recorder()
    with _client(sandbox, recorder, rate_limit_window_seconds=1) as client:
        client.get_client_users()
    assert "retry-after" not in recorder.responses[0].headers or recorder.responses[0].headers["retry-after"] == "soon"
    first, retry = recorder.sent_at
    assert 0.2 <= retry - first <= 0.5 + 0.1 + 0.15  # backoff step 0 (0.25-0.5 s) + jitter + slack


def test_real_429_is_recovered_when_the_client_expects_a_higher_limit(sandbox: SandboxServer,
                                                                      emulator: EnDocsEmulator) -> None:
    emulator.configure(rate_limit=3, window_seconds=1, error_style="text")
    started = time.monotonic()
    with _client(sandbox) as client:  # believes the documented 300 per minute
        results = [client.get_client_info().id for _ in range(6)]
    assert results == [42] * 6
    assert stat(sandbox, "429") >= 1
    assert time.monotonic() - started < 3.5


def test_self_pacing_burst_gets_at_most_one_429_per_window(sandbox: SandboxServer, emulator: EnDocsEmulator) -> None:
    emulator.configure(rate_limit=5, window_seconds=2)
    started = time.monotonic()
    with _client(sandbox, requests_per_minute=5, rate_limit_window_seconds=2) as client:
        for _ in range(12):
            client.get_client_users()
    elapsed = time.monotonic() - started
    assert stat(sandbox, "requests") - stat(sandbox, "429") == 12
    # The windows' phase is unknown to the client: at most one probe per window while it learns it.
    assert stat(sandbox, "429") <= 3
    assert 2.0 < elapsed < 4.8  # three windows: the client waited for two boundaries


def test_shared_token_costs_at_most_one_429_per_window(sandbox: SandboxServer, emulator: EnDocsEmulator) -> None:
    emulator.configure(rate_limit=5, window_seconds=2)
    url = sandbox.base_url("endocs")
    if time.time() % 2 > 1.0:  # start early in a window so the next steps share it
        time.sleep(2 - time.time() % 2 + 0.02)
    with _client(sandbox, requests_per_minute=5, rate_limit_window_seconds=2) as client:
        client.get_client_info()
        for _ in range(2):  # "another process" spends part of the same token's window
            httpx.get(f"{url}/api/Output/GetClientInfo", headers={"Authorization": f"Bearer {TOKEN}"})
        users = [client.get_client_users() for _ in range(7)]
    assert len(users) == 7
    assert stat(sandbox, "429") == 1  # refused once, then the client waited for the next window
    assert stat(sandbox, "requests") == 1 + 2 + 7 + 1
