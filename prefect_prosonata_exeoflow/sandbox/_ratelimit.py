"""Fixed-window request counting, as the three APIs document it (window length configurable).

Ids such as PS-U4 cite the unknowns table in ``docs/apis/prosonata.md``.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from .._core.clock import Clock


@dataclass(frozen=True)
class WindowState:
    """The verdict for one request and the window it falls in."""

    allowed: bool
    limit: int
    remaining: int
    reset_in: float  # seconds until the window ends (> 0)
    reset_at: float  # wall-clock epoch seconds of the window's end


class FixedWindowLimiter:
    """Counts calls per key in fixed windows; refused calls do not count (ProSonata PS-U4).

    ``aligned=True`` puts window edges on multiples of the window length in wall-clock time
    (calendar minutes for a 60 s window); otherwise a key's window starts at its first call.
    """

    def __init__(self, limit: int, window_seconds: float, clock: Clock, *, aligned: bool = False) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self.aligned = aligned
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}  # key -> (window end epoch, calls counted)

    def hit(self, key: str, *, count: bool = True) -> WindowState:
        """Register one call for ``key`` (unless refused) and report the window's state."""
        now = self._clock.time()
        with self._lock:
            end, used = self._windows.get(key, (0.0, 0))
            if now >= end:
                end = self._window_end(now)
                used = 0
            allowed = used < self.limit
            if allowed and count:
                used += 1
            self._windows[key] = (end, used)
            return WindowState(allowed, self.limit, max(self.limit - used, 0), max(end - now, 1e-6), end)

    def peek(self, key: str) -> WindowState:
        return self.hit(key, count=False)

    def reset(self) -> None:
        with self._lock:
            self._windows.clear()

    def _window_end(self, now: float) -> float:
        if self.aligned:
            return (math.floor(now / self.window_seconds) + 1) * self.window_seconds
        return now + self.window_seconds
