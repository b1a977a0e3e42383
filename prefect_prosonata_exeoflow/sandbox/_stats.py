"""What the sandbox saw: request and create counters for the no-duplicate assertions."""

from __future__ import annotations

import threading
from collections import Counter


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
