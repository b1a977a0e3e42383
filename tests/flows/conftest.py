"""One real ``prefect server start`` for the tests here that need a separate server process.

Starting one costs 10-50 s on a busy 2-core machine; the exactly-once drills, the served
deployment and the work pool used to start one each. They share one per pytest process (each
pytest-xdist worker that runs one of them starts its own): each keeps its own client home
(results, worker logs), its own blocks and deployments, and the drills their own lock namespaces,
so nothing one leaves behind is read by another.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from flows.runtime import local_prefect_server
from flows.scale import QUIET_SERVICES

from .drill import SERVER_SETTINGS as DRILL_SETTINGS
from .drill import Drill

#: What every user needs: the drills' fast lease reclaim and lock retry; the background services
#: none of them uses (schedules, late runs, automations, event storage) off, as the pool runs them.
SETTINGS = {**QUIET_SERVICES, **DRILL_SETTINGS}


@dataclass(frozen=True)
class SharedServer:
    api_url: str
    home: Path


@pytest.fixture(scope="package")
def shared_prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedServer]:
    """The server (its SQLite database in a temporary home), stopped once the last test here ends."""
    home = tmp_path_factory.mktemp("shared-server-home")
    with local_prefect_server(home=home, settings=SETTINGS, timeout=300) as api_url:
        yield SharedServer(api_url, home)


@pytest.fixture(scope="module")
def drill(shared_prefect_server: SharedServer, tmp_path_factory: pytest.TempPathFactory) -> Drill:
    """The exactly-once drills' view of the shared server: the children's own home and logs."""
    home = tmp_path_factory.mktemp("once-home")
    logs = tmp_path_factory.mktemp("once-logs")
    return Drill(shared_prefect_server.api_url, home, logs)
