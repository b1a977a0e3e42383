"""What every benchmark needs: the sandbox in its own process, credentials for it, quiet Prefect.

The sandbox runs as ``python -m prefect_prosonata_exeoflow.sandbox`` in a separate process so
the server never shares the GIL with the client being measured; it is steered through its
HTTP control API (``/_sandbox/config|reset|stats``).
"""

from __future__ import annotations

import json
import os
from unittest import mock
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from prefect_prosonata_exeoflow._core.budget import reset_shared_budgets
from prefect_prosonata_exeoflow.endocs import EnDocsCredentials
from prefect_prosonata_exeoflow.exeoflow import ExeoflowCredentials
from prefect_prosonata_exeoflow.prosonata import ProSonataCredentials
from prefect_prosonata_exeoflow.sandbox import SANDBOX_KEYS

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
#: Generous limits for cases that do not measure rate limiting.
UNLIMITED: dict[str, dict[str, Any]] = {
    "prosonata": {"rate_limit": 1_000_000, "window_seconds": 3600},
    "exeoflow": {"rate_limit": 1_000_000, "window_seconds": 3600, "execution_seconds": 0.2},
    "endocs": {"rate_limit": 1_000_000, "window_seconds": 3600},
}
#: Paths of one cheap authenticated GET per API (relative to each base URL).
CHEAP_GET = {"prosonata": "projecttimecategories/15", "exeoflow": "workflows", "endocs": "api/Output/GetClientInfo"}


class SandboxProcess:
    """Handle on a sandbox served by another process."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"http://localhost:{port}"
        self._control = httpx.Client(base_url=f"http://127.0.0.1:{port}/_sandbox", timeout=30)

    def base_url(self, api: str) -> str:
        return f"{self.url}/{api}" + {"prosonata": "/api/v1", "exeoflow": "/v1", "endocs": ""}[api]

    def configure(self, **per_api: dict[str, Any]) -> None:
        self._control.post("/config", json=per_api).raise_for_status()

    def reset(self, **per_api: dict[str, Any]) -> None:
        """Seeded data, empty windows, zero counters; then ``per_api`` options."""
        self._control.post("/reset").raise_for_status()
        self.configure(**(per_api or UNLIMITED))
        reset_shared_budgets()

    def windows(self, api: str) -> list[dict[str, Any]]:
        """Every rate window of ``api`` as the sandbox saw it (start, end, first call, admitted, refused)."""
        data: list[dict[str, Any]] = self._control.get(f"/windows/{api}").json()
        return data

    def stats(self) -> dict[str, int]:
        data: dict[str, int] = self._control.get("/stats").json()
        return data

    def close(self) -> None:
        self._control.close()

    # -- credentials for this sandbox (no Prefect API needed: blocks are not saved) --------
    def prosonata(self, **fields: Any) -> ProSonataCredentials:
        return ProSonataCredentials(base_url=self.base_url("prosonata"), api_key=SANDBOX_KEYS["prosonata_admin_key"],
                                    **fields)

    def exeoflow(self, **fields: Any) -> ExeoflowCredentials:
        return ExeoflowCredentials(base_url=self.base_url("exeoflow"), api_key=SANDBOX_KEYS["exeoflow_api_key"],
                                   **fields)

    def endocs(self, **fields: Any) -> EnDocsCredentials:
        return EnDocsCredentials(base_url=self.base_url("endocs"), token=SANDBOX_KEYS["endocs_token"], **fields)

    def credentials(self, api: str, **fields: Any) -> Any:
        return getattr(self, api)(**fields)

    def auth_headers(self, api: str) -> dict[str, str]:
        """The headers a hand-written httpx caller sends (baselines)."""
        if api == "prosonata":
            return {"X-API-Key": SANDBOX_KEYS["prosonata_admin_key"]}
        key = SANDBOX_KEYS["exeoflow_api_key" if api == "exeoflow" else "endocs_token"]
        return {"Authorization": f"Bearer {key}"}


@contextmanager
def sandbox_process(config: dict[str, dict[str, Any]] | None = None, timeout: float = 30.0) -> Iterator[SandboxProcess]:
    """Start the sandbox in a child process on a free port; stop it afterwards."""
    from flows.runtime import free_port

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "prefect_prosonata_exeoflow.sandbox", "--port", str(port),
         "--config", json.dumps(config or UNLIMITED)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
    )
    handle = SandboxProcess(port)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError("the sandbox process exited early")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/_sandbox/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the sandbox did not answer on port {port} within {timeout:.0f}s")
            time.sleep(0.1)
        yield handle
    finally:
        handle.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for_window_edge(window: float) -> None:
    """Sleep to just after the next wall-clock multiple of ``window`` (aligned emulators)."""
    now = time.time()
    edge = (now // window + 1) * window
    time.sleep(edge - now + 0.01)


@contextmanager
def prefect_api(api_url: str) -> Iterator[str]:
    """Point this process (already importing Prefect) and its children at a Prefect server.

    Prefect reads ``PREFECT_API_URL`` from the environment when it is imported, so this
    process needs ``temporary_settings``; child processes inherit the environment variable.
    """
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with mock.patch.dict(os.environ, {"PREFECT_API_URL": api_url}), \
            temporary_settings(updates={PREFECT_API_URL: api_url}):
        yield api_url


@contextmanager
def prefect_server() -> Iterator[str]:
    """A local Prefect server with its own throw-away PREFECT_HOME (no cache hits, no clutter)."""
    import tempfile

    from flows.runtime import local_prefect_server

    with tempfile.TemporaryDirectory(prefix="ppe-bench-prefect-", ignore_cleanup_errors=True) as home, \
            mock.patch.dict(os.environ, {"PREFECT_HOME": home}), \
            local_prefect_server(home=Path(home), timeout=300) as api_url, prefect_api(api_url):
        yield api_url


def spend_on_threads(total: int, calls: list[Callable[[], Any]]) -> list[BaseException]:
    """Make ``total`` calls from one thread per entry of ``calls``, each taking the next call while
    any is left; returns the errors met (a thread stops at its first)."""
    left = iter(range(total))
    lock = threading.Lock()
    errors: list[BaseException] = []

    def work(call: Callable[[], Any]) -> None:
        while True:
            with lock:
                if next(left, None) is None:
                    return
            try:
                call()
            except BaseException as exc:  # noqa: BLE001 - reported to the benchmark
                errors.append(exc)
                return

    pool = [threading.Thread(target=work, args=(call,)) for call in calls]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return errors
