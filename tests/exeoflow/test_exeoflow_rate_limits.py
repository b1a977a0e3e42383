"""Loopback rate-limit tests with compressed windows: pacing without 429s, and 429s recovered."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from prefect_prosonata_exeoflow._core.errors import RateLimitError
from prefect_prosonata_exeoflow.exeoflow import ExeoflowClient, ExeoflowCredentials
from prefect_prosonata_exeoflow.sandbox import SANDBOX_KEYS, SandboxServer

WF = "wf_100001"


def record_429s(client: ExeoflowClient) -> list[httpx.Response]:
    """Capture the 429 answers a client receives (to compare its wait with the hint)."""
    seen: list[httpx.Response] = []

    def hook(response: httpx.Response) -> None:
        if response.status_code == 429:
            seen.append(response)

    client._http.event_hooks["response"].append(hook)
    return seen


def test_a_burst_from_several_threads_is_paced_without_a_single_429(
    credentials: ExeoflowCredentials, sandbox: SandboxServer
) -> None:
    sandbox.sandbox.configure("exeoflow", rate_limit=5, window_seconds=2)

    def call(n: int) -> str:
        with credentials.get_client() as client:
            return client.get_workflow(WF).id

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(call, range(12)))
    elapsed = time.monotonic() - started
    stats = sandbox.sandbox.stats
    assert results == [WF] * 12
    assert stats.get("exeoflow.429") == 0
    assert stats.get("exeoflow.requests") == 12
    assert elapsed > 2.0  # 12 calls at 5 per 2 s need at least a third window


@pytest.mark.parametrize("hint", ["default", "retry_after_only"])
def test_forced_429_is_recovered_after_exactly_the_retry_after(
    credentials: ExeoflowCredentials, sandbox: SandboxServer, hint: str
) -> None:
    sandbox.sandbox.configure("exeoflow", forced_retry_after=1.2)
    sandbox.sandbox.faults.add("rate_limit", api="exeoflow", path="/v1/workflows/", hint=hint)
    with credentials.get_client() as client:
        started = time.monotonic()
        assert client.get_workflow(WF).id == WF
        elapsed = time.monotonic() - started
    assert sandbox.sandbox.stats.get("exeoflow.429") == 1
    assert 1.2 <= elapsed <= 1.2 + 0.25


def test_forced_429_with_only_the_reset_header_waits_until_that_epoch(
    credentials: ExeoflowCredentials, sandbox: SandboxServer
) -> None:
    sandbox.sandbox.configure("exeoflow", forced_retry_after=0.5)
    sandbox.sandbox.faults.add("rate_limit", api="exeoflow", path="/v1/workflows/", hint="reset_only")
    with credentials.get_client() as client:
        refused = record_429s(client)
        client.get_workflow(WF)
        done = time.time()
    assert len(refused) == 1 and "retry-after" not in refused[0].headers
    reset = int(refused[0].headers["x-ratelimit-reset"])
    assert reset <= done <= reset + 0.25


@pytest.mark.parametrize("hint", ["missing", "garbage"])
def test_forced_429_without_a_usable_hint_backs_off_and_recovers(
    credentials: ExeoflowCredentials, sandbox: SandboxServer, hint: str
) -> None:
    sandbox.sandbox.faults.add("rate_limit", api="exeoflow", path="/v1/workflows/", hint=hint)
    with credentials.get_client() as client:
        started = time.monotonic()
        client.get_workflow(WF)
        elapsed = time.monotonic() - started
    assert sandbox.sandbox.stats.get("exeoflow.429") == 1
    assert elapsed < 1.0  # the first backoff is 0.25-0.5 s


def test_a_window_spent_by_someone_else_is_waited_out(
    credentials: ExeoflowCredentials, sandbox: SandboxServer, raw: httpx.Client
) -> None:
    sandbox.sandbox.configure("exeoflow", rate_limit=3, window_seconds=2)
    while int(raw.get("workflows").headers["x-ratelimit-remaining"]) > 0:  # another tool spends the window
        pass
    with credentials.get_client() as client:
        refused = record_429s(client)
        started = time.time()
        assert client.get_workflow(WF).id == WF
        done = time.time()
    assert len(refused) == 1
    retry_after = int(refused[0].headers["retry-after"])
    assert 1 <= retry_after <= 2
    assert retry_after <= done - started <= retry_after + 0.35


def test_a_wait_longer_than_allowed_raises_at_once(sandbox: SandboxServer) -> None:
    sandbox.sandbox.configure("exeoflow", forced_retry_after=30)
    sandbox.sandbox.faults.add("rate_limit", api="exeoflow", path="/v1/workflows/")
    credentials = ExeoflowCredentials(api_key=SANDBOX_KEYS["exeoflow_api_key"],
                                      base_url=sandbox.base_url("exeoflow"), max_rate_limit_wait=5)
    with credentials.get_client() as client:
        started = time.monotonic()
        with pytest.raises(RateLimitError) as caught:
            client.get_workflow(WF)
    assert time.monotonic() - started < 1.0
    assert caught.value.code == "RATE_LIMIT_EXCEEDED" and caught.value.retry_after == 30


def test_threads_share_one_budget_per_key(credentials: ExeoflowCredentials, sandbox: SandboxServer) -> None:
    """Clients opened from the same block in different threads pace together."""
    sandbox.sandbox.configure("exeoflow", rate_limit=4, window_seconds=2)
    barrier = threading.Barrier(3)

    def burst() -> None:
        barrier.wait()
        with credentials.get_client() as client:
            for _ in range(2):
                client.list_workflows_page(limit=1)

    threads = [threading.Thread(target=burst) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sandbox.sandbox.stats.get("exeoflow.requests") == 6
    assert sandbox.sandbox.stats.get("exeoflow.429") == 0
