"""ProSonata rate limits against the loopback sandbox: a 429 waited out exactly as hinted (fake
clock), threads sharing one budget without a 429, and a wait over the allowed maximum refused."""

from __future__ import annotations

import threading
import time

import pytest

from prefect_prosonata_exeoflow import RateLimitError
from prefect_prosonata_exeoflow.prosonata import ProSonataClient
from prefect_prosonata_exeoflow.sandbox import SandboxServer
from tests.conftest import Clocked
from tests.drills.apis import exact_client

from .conftest import credentials_for


def test_429_is_recovered_after_the_hinted_wait(clocked: Clocked) -> None:
    """On the sandbox's fake clock: one refused call, then exactly the hinted wait, then the answer."""
    sandbox = clocked.server.sandbox
    sandbox.configure("prosonata", rate_limit=1000, window_seconds=2)
    with exact_client(credentials_for(clocked.server), clocked.clock) as client:
        assert isinstance(client, ProSonataClient)
        client.project_times.list(limit=1)  # open the window
        clocked.clock.advance(0.5)
        sandbox.faults.add("rate_limit", api="prosonata", times=1)
        rows = client.project_times.list(limit=1)
    assert rows and sandbox.stats.get("prosonata.429") == 1
    # The window opened 0.5 s ago and lasts 2 s: its reset is 1.5 s away, sent as ceil(1.5) = 2 s.
    assert clocked.clock.sleeps == [2.0]


def test_a_run_that_exhausts_the_budget_provokes_no_429(sandbox: SandboxServer) -> None:
    sandbox.sandbox.configure("prosonata", rate_limit=6, window_seconds=2)
    credentials = credentials_for(sandbox)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with credentials.get_client() as client:
                for _ in range(4):
                    client.time_categories.list(limit=1)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]  # 16 calls, 6 per 2 s window
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sandbox.sandbox.stats.get("prosonata.429") == 0
    assert time.monotonic() - started >= 4.0  # three windows were needed


def test_budget_wait_longer_than_allowed_raises_before_sending(sandbox: SandboxServer) -> None:
    sandbox.sandbox.configure("prosonata", rate_limit=1, window_seconds=60)
    with credentials_for(sandbox, max_rate_limit_wait=1).get_client() as client:
        client.time_categories.list(limit=1)
        before = sandbox.sandbox.stats.get("prosonata.requests")
        with pytest.raises(RateLimitError) as info:
            client.time_categories.list(limit=1)
    assert info.value.retry_after and info.value.retry_after > 1
    assert sandbox.sandbox.stats.get("prosonata.requests") == before
