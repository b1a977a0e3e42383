"""Fixed-window request counting, as the three APIs document it, plus the ways real servers differ.

Window length and limit are configurable, and so is what the issue of real servers showed:

* ``phase``: windows aligned to ``phase + n * window`` of the *server's* clock, not to the
  calendar minute (``None``: the API's default, first call or calendar aligned); with
  ``phase_first_only`` only the first window is (someone else began it), later ones start at
  their first call;
* ``clock_offset``: the server's clock runs this many seconds ahead of ours (negative: behind);
  its ``Date`` header and epoch resets are on that clock;
* :meth:`FixedWindowLimiter.charge`: a rival consumer spends calls of the current window;
* a record of every window (:meth:`FixedWindowLimiter.history`): when it began, when the first
  and the last admitted call in it came, how many calls it admitted and refused, so benchmarks measure the client
  against the server's truth.

Ids such as PS-U4 cite the unknowns table in ``docs/apis/prosonata.md``.
"""

from __future__ import annotations

import math
import threading
from dataclasses import asdict, dataclass

from .._core.clock import Clock


@dataclass(frozen=True)
class WindowState:
    """The verdict for one request and the window it falls in."""

    allowed: bool
    limit: int
    remaining: int
    reset_in: float  # seconds until the window ends (> 0)
    reset_at: float  # epoch seconds of the window's end, on the server's clock


@dataclass
class WindowRecord:
    """One window of one key, as the server saw it (times on the sandbox's own clock)."""

    start: float
    end: float
    first_call: float | None = None
    last_call: float | None = None
    admitted: int = 0
    refused: int = 0
    rival: int = 0

    def as_dict(self) -> dict[str, float | int | None]:
        return asdict(self)


class FixedWindowLimiter:
    """Counts calls per key in fixed windows; refused calls do not count (ProSonata PS-U4).

    ``aligned=True`` puts window edges on multiples of the window length (shifted by ``phase``)
    in the server's wall-clock time; otherwise a key's window starts at its first call.
    """

    def __init__(
        self,
        limit: int,
        window_seconds: float,
        clock: Clock,
        *,
        aligned: bool = False,
        phase: float | None = None,
        clock_offset: float = 0.0,
        phase_first_only: bool = False,
    ) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self.aligned = aligned or phase is not None
        self.phase = phase or 0.0
        self.clock_offset = clock_offset
        # A window begun by someone else at ``phase``, after which windows start at a first call.
        self.phase_first_only = phase_first_only and phase is not None
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}  # key -> (window end, calls counted)
        self._history: dict[str, list[WindowRecord]] = {}

    def server_time(self) -> float:
        """Epoch seconds on the server's clock (ours plus ``clock_offset``)."""
        return self._clock.time() + self.clock_offset

    def hit(self, key: str, *, count: bool = True) -> WindowState:
        """Register one call for ``key`` (unless refused) and report the window's state."""
        now = self._clock.time()
        with self._lock:
            end, used = self._current(key, now)
            allowed = used < self.limit
            record = self._history[key][-1]
            if count:
                if record.first_call is None:
                    record.first_call = now
                if allowed:
                    used += 1
                    record.admitted += 1
                    record.last_call = now
                else:
                    record.refused += 1
            self._windows[key] = (end, used)
            return WindowState(allowed, self.limit, max(self.limit - used, 0), max(end - now, 1e-6),
                               end + self.clock_offset)

    def peek(self, key: str) -> WindowState:
        return self.hit(key, count=False)

    def charge(self, key: str, calls: int) -> None:
        """A rival consumer of the same key spends ``calls`` of the current window now."""
        now = self._clock.time()
        with self._lock:
            end, used = self._current(key, now)
            spent = min(calls, self.limit - used)
            self._windows[key] = (end, used + spent)
            self._history[key][-1].rival += spent

    def history(self, key: str | None = None) -> list[dict[str, float | int | None]]:
        """Every window so far (of ``key``, or of the only key that has one)."""
        with self._lock:
            if key is None:
                records = [record for records in self._history.values() for record in records]
                records.sort(key=lambda record: record.start)
            else:
                records = list(self._history.get(key, []))
            return [record.as_dict() for record in records]

    def reset(self) -> None:
        with self._lock:
            self._windows.clear()
            self._history.clear()

    def _current(self, key: str, now: float) -> tuple[float, int]:
        end, used = self._windows.get(key, (0.0, 0))
        if now >= end:
            end = self._window_end(now)
            used = 0
            self._history.setdefault(key, []).append(WindowRecord(start=end - self.window_seconds, end=end))
        return end, used

    def _window_end(self, now: float) -> float:
        if self.phase_first_only and self._history:
            return now + self.window_seconds
        if self.aligned:
            server = now + self.clock_offset - self.phase
            return (math.floor(server / self.window_seconds) + 1) * self.window_seconds + self.phase - self.clock_offset
        return now + self.window_seconds
