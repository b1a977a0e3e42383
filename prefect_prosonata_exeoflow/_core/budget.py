"""Proactive pacing: a process-wide picture of one API key's rate budget.

Every response that reports the budget (``remaining`` calls, when the window resets) updates
the picture; every request first *reserves* a call from it. When the window is spent, the
next request waits for the reset instead of provoking a 429. All clients and tasks that use
the same key in this process share one :class:`RateBudget` (see :func:`shared_budget`), so
eight concurrent tasks never overshoot together.

Reset hints arrive in whole seconds, so each one bounds the true reset from above; the budget
keeps the smallest bound seen in the window, which converges on the real reset time.

For APIs that report nothing (EnDocs), the budget counts calls itself in a fixed window of a
configured size, aligned to the wall clock (``aligned=True``: calendar minutes).
"""

from __future__ import annotations

import hashlib
import math
import threading
from dataclasses import dataclass
from typing import Protocol

from .clock import Clock

#: While the budget is unknown, one request probes it and the others poll this often.
PROBE_POLL_SECONDS = 0.005
#: Two reset hints further apart than this belong to different windows.
NEW_WINDOW_SLACK_SECONDS = 1.5


@dataclass(frozen=True)
class BudgetHint:
    """What one response said about the budget."""

    remaining: int
    reset_in: float | None  # seconds from now until the window resets
    limit: int | None = None


class Budget(Protocol):
    """What the HTTP core needs of a budget: this module's, or one shared by processes (redis_budget)."""

    def reserve(self) -> float: ...

    def release(self, hint: BudgetHint | None = None) -> None: ...

    def block_for(self, seconds: float) -> None: ...


class RateBudget:
    """The calls left in the current window for one key; thread-safe, clock-injected."""

    def __init__(
        self,
        clock: Clock,
        *,
        limit: int | None = None,
        window_seconds: float | None = None,
        aligned: bool = False,
        probe_when_unknown: bool = True,
    ) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._limit = limit
        self._learned_limit: int | None = None
        self._window = window_seconds
        self._aligned = aligned
        self._probe = probe_when_unknown
        self._remaining: int | None = None
        self._reset_at: float | None = None
        self._blocked_until = 0.0
        self._inflight = 0
        # A window started from a merely learned limit (the API reports no limit) counts from a
        # guess that may be too low; the server's first figure for that window replaces it.
        self._provisional = False

    # -- sending -------------------------------------------------------------------------
    def reserve(self) -> float:
        """Take one call from the budget: 0.0 means go, anything else is seconds to wait first."""
        now = self._clock.monotonic()
        with self._lock:
            if now < self._blocked_until:
                return self._blocked_until - now
            if self._reset_at is not None and now >= self._reset_at:
                self._start_window(now)
            if self._remaining is None and self._counts_locally:
                self._start_window(now)
            if self._remaining is None:
                if self._probe and self._inflight > 0:
                    return PROBE_POLL_SECONDS
                self._inflight += 1
                return 0.0
            if self._remaining <= 0:
                if self._reset_at is None:
                    return PROBE_POLL_SECONDS if self._inflight else 0.0
                return max(self._reset_at - now, PROBE_POLL_SECONDS)
            self._remaining -= 1
            self._inflight += 1
            return 0.0

    def release(self, hint: BudgetHint | None = None) -> None:
        """A reserved call is answered (or failed); ``hint`` is what the answer reported."""
        now = self._clock.monotonic()
        with self._lock:
            self._inflight = max(self._inflight - 1, 0)
            if hint is not None:
                self._observe(now, hint)

    def block_for(self, seconds: float) -> None:
        """A 429 said: nothing before ``seconds`` from now. The next window starts then."""
        now = self._clock.monotonic()
        with self._lock:
            until = now + max(seconds, 0.0)
            self._blocked_until = max(self._blocked_until, until)
            self._remaining = 0
            self._reset_at = self._blocked_until

    # -- introspection (tests, benchmarks, logs) -------------------------------------------
    @property
    def remaining(self) -> int | None:
        return self._remaining

    @property
    def reset_in(self) -> float | None:
        if self._reset_at is None:
            return None
        return max(self._reset_at - self._clock.monotonic(), 0.0)

    # -- internals ---------------------------------------------------------------------------
    @property
    def _counts_locally(self) -> bool:
        return self._window is not None and self._limit is not None

    def _start_window(self, now: float) -> None:
        self._remaining = self._limit if self._limit is not None else self._learned_limit
        self._provisional = self._limit is None
        self._reset_at = None
        if self._counts_locally:
            assert self._window is not None
            if self._aligned:
                wall = self._clock.time()
                boundary = math.floor(wall / self._window) * self._window + self._window
                self._reset_at = now + (boundary - wall)
            else:
                self._reset_at = now + self._window
            if self._remaining is not None:
                self._remaining -= self._inflight

    def _observe(self, now: float, hint: BudgetHint) -> None:
        if hint.limit is not None:
            self._limit = hint.limit
        self._learned_limit = max(self._learned_limit or 0, hint.remaining + 1)
        candidate = None if hint.reset_in is None else now + max(hint.reset_in, 0.0)
        if self._reset_at is not None and now >= self._reset_at:
            if candidate is not None and candidate <= self._reset_at + NEW_WINDOW_SLACK_SECONDS:
                return  # an answer about the window that has just ended
            self._start_window(now)
        later_window = (
            candidate is not None
            and self._reset_at is not None
            and candidate > self._reset_at + NEW_WINDOW_SLACK_SECONDS
        )
        if self._remaining is None or later_window or self._provisional:
            # First news of this window: calls still in flight may not be counted yet.
            self._remaining = hint.remaining - self._inflight
            self._reset_at = candidate
            self._provisional = False
            return
        # Our own count is exact for this process; the server's is lower only when others
        # (other processes, other tools) spend the same budget.
        self._remaining = min(self._remaining, hint.remaining)
        if candidate is not None:
            self._reset_at = candidate if self._reset_at is None else min(self._reset_at, candidate)


_REGISTRY: dict[tuple[str, ...], RateBudget] = {}
_REGISTRY_LOCK = threading.Lock()


def key_fingerprint(secret: str) -> str:
    """A short, one-way name for a key: the registry never holds the key itself."""
    return hashlib.sha256(secret.encode()).hexdigest()[:16]


def shared_budget(
    api: str,
    base_url: str,
    secret: str,
    clock: Clock,
    *,
    limit: int | None = None,
    window_seconds: float | None = None,
    aligned: bool = False,
    probe_when_unknown: bool = True,
) -> RateBudget:
    """The one budget of this process for ``api`` at ``base_url`` with this key."""
    key = (api, base_url.rstrip("/"), key_fingerprint(secret), str(limit), str(window_seconds))
    with _REGISTRY_LOCK:
        budget = _REGISTRY.get(key)
        if budget is None:
            budget = RateBudget(
                clock,
                limit=limit,
                window_seconds=window_seconds,
                aligned=aligned,
                probe_when_unknown=probe_when_unknown,
            )
            _REGISTRY[key] = budget
        return budget


def reset_shared_budgets() -> None:
    """Forget every shared budget (tests, and after a long pause)."""
    with _REGISTRY_LOCK:
        _REGISTRY.clear()
