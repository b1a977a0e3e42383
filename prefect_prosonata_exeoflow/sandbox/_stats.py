"""What the sandbox saw: request and create counters for the no-duplicate assertions."""

from __future__ import annotations

import threading
from collections import Counter, deque

from starlette.types import ASGIApp, Receive, Scope, Send


class Stats:
    """Thread-safe named counters, e.g. ``prosonata.create.projecttimes`` or ``exeoflow.429``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def incr(self, name: str, amount: int = 1) -> None:
        with self._lock:
            self._counts[name] += amount

    def get(self, name: str) -> int:
        with self._lock:
            return self._counts[name]

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()


class RequestLog:
    """The last requests the API emulators received (method and path), oldest first.

    Tests read it to prove what a client sent, e.g. that the account check only reads.
    """

    def __init__(self, app: ASGIApp, size: int = 10_000) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._entries: deque[tuple[str, str]] = deque(maxlen=size)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith("/_sandbox"):
            with self._lock:
                self._entries.append((scope["method"], scope["path"]))
        await self.app(scope, receive, send)

    def entries(self) -> list[tuple[str, str]]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
