"""Run the sandbox on loopback: in a background thread (tests, demo) or in the foreground (CLI)."""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import Any

import uvicorn

from .app import Sandbox


class SandboxServer:
    """uvicorn serving a :class:`Sandbox` in a daemon thread; ``with SandboxServer() as s: s.url``."""

    def __init__(self, sandbox: Sandbox | None = None, *, host: str = "127.0.0.1", port: int = 0, **config: Any) -> None:
        self.sandbox = sandbox if sandbox is not None else Sandbox(**config)
        self.host = host
        self.port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Root URL, addressed as ``localhost`` so vcrpy can tell it from Prefect's own 127.0.0.1."""
        return f"http://localhost:{self.port}"

    def base_url(self, api: str) -> str:
        """What a credentials block's ``base_url`` should be for ``api`` in this sandbox."""
        emulator = self.sandbox.emulators[api]
        return f"{self.url}/{api}{emulator.base_path}"

    def start(self, timeout: float = 10.0) -> SandboxServer:
        config = uvicorn.Config(
            self.sandbox.app,
            host=self.host,
            port=self.port,
            log_level="critical",
            access_log=False,
            lifespan="off",
            timeout_keep_alive=30,
            date_header=False,  # the sandbox stamps its own Date, on each API's (skewable) clock
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="api-sandbox", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the sandbox did not start on {self.host}:{self.port}")
            time.sleep(0.01)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
