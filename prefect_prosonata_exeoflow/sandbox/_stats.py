"""What the sandbox saw: request and create counters for the no-duplicate assertions."""

from __future__ import annotations

import threading
from collections import Counter, deque

#: Requests kept in the log (oldest dropped first).
REQUEST_LOG_SIZE = 10_000


class Stats:
    """Thread-safe named counters, e.g. ``prosonata.create.projecttimes`` or ``exeoflow.429``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._requests: deque[tuple[str, str]] = deque(maxlen=REQUEST_LOG_SIZE)

    def incr(self, name: str, amount: int = 1) -> None:
        with self._lock:
            self._counts[name] += amount

    def get(self, name: str) -> int:
        with self._lock:
            return self._counts[name]

    def log_request(self, method: str, path: str) -> None:
        """Note a request as the server routed it (the decoded path, below the sandbox root)."""
        with self._lock:
            self._requests.append((method, path))

    def requests(self) -> list[tuple[str, str]]:
        """The logged requests, oldest first, as ``(method, path)``."""
        with self._lock:
            return list(self._requests)

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
            self._requests.clear()
