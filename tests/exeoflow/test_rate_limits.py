"""Loopback rate-limit tests: 429s recovered after exactly the hinted wait (on the sandbox's fake
clock), and threads pacing together without a 429 (compressed real windows: threads need real time)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from prefect_prosonata_exeoflow._core.errors import RateLimitError
from prefect_prosonata_exeoflow.exeoflow import ExeoflowClient, ExeoflowCredentials
from prefect_prosonata_exeoflow.sandbox import SANDBOX_KEYS, SandboxServer
from tests.conftest import Clocked

from .conftest import clocked_client

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

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(call, range(12)))
    stats = sandbox.sandbox.stats
    assert results == [WF] * 12
    # 12 calls at 5 per 2 s cross at least two window ends; none was refused, so all waited.
    assert stats.get("exeoflow.429") == 0
    assert stats.get("exeoflow.requests") == 12


@pytest.mark.parametrize("hint", ["default", "retry_after_only"])
def test_forced_429_is_recovered_after_exactly_the_retry_after(clocked: Clocked, hint: str) -> None:
    clocked.server.sandbox.configure("exeoflow", forced_retry_after=1.2)
    clocked.server.sandbox.faults.add("rate_limit", api="exeoflow", path="/v1/workflows/", hint=hint)
    with clocked_client(clocked) as client:
        assert client.get_workflow(WF).id == WF
    assert clocked.server.sandbox.stats.get("exeoflow.429") == 1
    assert clocked.clock.sleeps == pytest.approx([1.2])


def test_forced_429_with_only_the_reset_header_waits_until_that_epoch(clocked: Clocked) -> None:
    clocked.server.sandbox.configure("exeoflow", forced_retry_after=0.5)
    clocked.server.sandbox.faults.add("rate_limit", api="exeoflow", path="/v1/workflows/", hint="reset_only")
    with clocked_client(clocked) as client:
        refused = record_429s(client)
        client.get_workflow(WF)
    assert len(refused) == 1 and "retry-after" not in refused[0].headers
    reset = int(refused[0].headers["x-ratelimit-reset"])
    assert len(clocked.clock.sleeps) == 1 and clocked.clock.time() == pytest.approx(reset)


@pytest.mark.parametrize("hint", ["missing", "garbage"])
def test_forced_429_without_a_usable_hint_backs_off_and_recovers(clocked: Clocked, hint: str) -> None:
    clocked.server.sandbox.faults.add("rate_limit", api="exeoflow", path="/v1/workflows/", hint=hint)
    with clocked_client(clocked) as client:
        client.get_workflow(WF)
    assert clocked.server.sandbox.stats.get("exeoflow.429") == 1
    assert clocked.clock.sleeps == [0.5]  # the first backoff, pinned to its upper bound


def test_a_window_spent_by_someone_else_is_waited_out(clocked: Clocked) -> None:
    clocked.server.sandbox.configure("exeoflow", rate_limit=3, window_seconds=2)
    headers = {"Authorization": f"Bearer {SANDBOX_KEYS['exeoflow_api_key']}"}
    with httpx.Client(base_url=clocked.server.base_url("exeoflow") + "/", headers=headers) as raw:
        spent = [int(raw.get("workflows").headers["x-ratelimit-remaining"]) for _ in range(3)]
    assert spent == [2, 1, 0]  # another tool spent the window; the fake time has not moved
    with clocked_client(clocked) as client:
        refused = record_429s(client)
        assert client.get_workflow(WF).id == WF
    assert len(refused) == 1
    retry_after = int(refused[0].headers["retry-after"])
    assert 1 <= retry_after <= 2
    assert clocked.clock.sleeps == [retry_after]


def test_a_wait_longer_than_allowed_raises_at_once(clocked: Clocked) -> None:
    clocked.server.sandbox.configure("exeoflow", forced_retry_after=30)
    clocked.server.sandbox.faults.add("rate_limit", api="exeoflow", path="/v1/workflows/")
    with clocked_client(clocked, max_rate_limit_wait=5) as client, pytest.raises(RateLimitError) as caught:
        client.get_workflow(WF)
    assert clocked.clock.sleeps == []
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
