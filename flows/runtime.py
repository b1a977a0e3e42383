"""Start what the demo and `make ui` need: a local Prefect server and the API sandbox.

A started local server (SQLite under ``.prefect-home``) answers the first flow in ~2 s with no
stray tracebacks, where ephemeral mode takes ~10 s and can be noisy; and because its database
stays on disk, `make ui` later shows the runs and artifacts that `make demo` created.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PREFECT_HOME = Path(os.environ.get("PREFECT_HOME", ROOT / ".prefect-home"))
QUIET_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_HOME": str(PREFECT_HOME),
}


#: Names a migrated Prefect database that each new local server starts from instead of an empty one,
#: which costs ~5 CPU-s of migrations per start. The test suite sets it (tests/conftest.py); the
#: first server that needs the file builds it, while any other process that needs it waits.
DB_TEMPLATE_ENV = "PPE_PREFECT_DB_TEMPLATE"


def seed_database(database: Path) -> None:
    """Copy the template named by ``PPE_PREFECT_DB_TEMPLATE`` to ``database`` if that is new."""
    template = os.environ.get(DB_TEMPLATE_ENV)
    if not template or database.exists():
        return
    source = Path(template)
    with open(source.with_name(source.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if this process dies
        if not source.exists():
            build_database_template(source)
    database.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, database)


def build_database_template(path: Path) -> None:
    """Write a Prefect SQLite database with every migration applied to ``path``, atomically."""
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    env = {**os.environ, **QUIET_ENV, "PREFECT_HOME": str(path.parent),
           "PREFECT_SERVER_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{partial}"}
    done = subprocess.run([sys.executable, "-m", "prefect", "server", "database", "upgrade", "-y"],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    if done.returncode:
        raise RuntimeError(f"`prefect server database upgrade` exited {done.returncode}:\n{done.stdout}{done.stderr}")
    with closing(sqlite3.connect(partial)) as database:  # fold the write-ahead log in: one file to copy
        database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    partial.rename(path)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def local_prefect_server(
    *, port: int | None = None, ui: bool = False, timeout: float = 240.0, home: Path | None = None,
    settings: dict[str, str] | None = None,
) -> Iterator[str]:
    """Run ``prefect server start`` on loopback; yields its API URL and stops it afterwards.

    ``home`` (default ``.prefect-home``) holds its SQLite database: tests pass a temporary one;
    ``settings`` are extra ``PREFECT_SERVER_*`` environment variables for the server.
    """
    port = port or free_port()
    home = home or PREFECT_HOME
    home.mkdir(parents=True, exist_ok=True)
    seed_database(home / "prefect.db")
    log_path = home / "server.log"
    # SQLite under many concurrent flow runs on a busy machine: wait for the database lock longer
    # than the default 10 s instead of answering 503.
    sturdy = {"PREFECT_SERVER_DATABASE_TIMEOUT": "60", "PREFECT_SERVER_DATABASE_CONNECTION_TIMEOUT": "30"}
    env = {**sturdy, **os.environ, **QUIET_ENV, "PREFECT_HOME": str(home),
           "PREFECT_UI_ENABLED": "true" if ui else "false", "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
           **(settings or {})}
    env.pop("PREFECT_API_URL", None)
    # The UI asks the API at PREFECT_UI_API_URL, else at port 4200 whatever --port says.
    env["PREFECT_UI_API_URL"] = f"http://127.0.0.1:{port}/api"
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
        )
    api_url = f"http://127.0.0.1:{port}/api"
    try:
        _wait_healthy(api_url, process, timeout, log_path)
        yield api_url
    finally:
        try:
            _drain_prefect_workers()
        finally:
            stop_process(process)


def _drain_prefect_workers() -> None:
    """Send the logs and events this process still holds while their server is up.

    Otherwise Prefect's background workers try after the server stopped and print
    "Error logging to API" at exit.
    """
    if "prefect.logging.handlers" not in sys.modules:
        return  # this process never ran a flow
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        worker.drain_all(timeout=5, at_exit=False)  # waits at most 5 s: never holds up the stop


def stop_process(process: subprocess.Popen[bytes], grace_seconds: float = 15.0) -> None:
    """Ask a child to stop (SIGTERM: Prefect shuts down cleanly), kill it if it will not."""
    process.terminate()
    try:
        process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_healthy(api_url: str, process: subprocess.Popen[bytes], timeout: float, log_path: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Prefect server exited early; see {log_path}")
        try:
            if httpx.get(f"{api_url}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the Prefect server did not answer within {timeout:.0f}s; see {log_path}")


def use_prefect_api(api_url: str) -> None:
    """Point this process's Prefect client at ``api_url`` (call before the first flow runs)."""
    os.environ.update(QUIET_ENV)
    os.environ["PREFECT_API_URL"] = api_url
