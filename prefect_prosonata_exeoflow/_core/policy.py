"""Retry settings and the pure decisions made from them (what may be re-sent, how long to wait)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import httpx

#: Methods whose repetition cannot duplicate work.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
#: Statuses worth retrying for an idempotent request.
RETRYABLE_STATUSES = frozenset({500, 502, 503, 504})

# Transport failures that prove the request never reached the server: safe to re-send anything.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


@dataclass(frozen=True)
class RetryPolicy:
    """How hard the client tries before raising. Every field has a block field of the same name."""

    max_retries: int = 4
    """Retries after 5xx, timeouts and connection errors (idempotent requests only)."""
    backoff_base: float = 0.5
    """First backoff in seconds; doubles on each retry."""
    backoff_max: float = 30.0
    """Longest single backoff in seconds."""
    max_rate_limit_wait: float = 900.0
    """Longest single wait for a rate-limit reset; a longer hint raises RateLimitError."""
    max_rate_limit_retries: int = 8
    """How many 429 answers one call accepts before raising RateLimitError."""
    rate_limit_jitter: float = 0.1
    """Up to this many seconds added to each wait after a 429 that no shared budget paces, so
    waiters do not wake together (a budget hands out the calls one by one: no jitter needed)."""
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def backoff(self, retry_number: int) -> float:
        """Exponential backoff with full jitter in its upper half: base * 2^n, capped."""
        ceiling = capped_growth(self.backoff_base, 2.0, retry_number, self.backoff_max)
        return float(ceiling / 2 + self.rng.uniform(0, ceiling / 2))

    def rate_limit_backoff(self, step: int) -> float:
        """The wait after a 429 without a usable hint: the same doubling backoff, capped."""
        return self.backoff(step)

    def jitter(self) -> float:
        return self.rng.uniform(0, self.rate_limit_jitter) if self.rate_limit_jitter > 0 else 0.0


def capped_growth(first: float, factor: float, step: int, cap: float) -> float:
    """``first * factor**step``, never above ``cap``: the one growth rule of every wait that backs
    off (retries here, polls of an Exeoflow execution). The exponent stops at 64 so that a long
    run of steps cannot overflow a float."""
    return float(min(first * factor ** min(step, 64), cap))


def never_reached_server(exc: httpx.TransportError) -> bool:
    """True when the failure happened before any byte of the request left this machine."""
    return isinstance(exc, _NOT_SENT)


def is_idempotent(method: str, override: bool | None) -> bool:
    return override if override is not None else method.upper() in IDEMPOTENT_METHODS


_wait_cap: ContextVar[float | None] = ContextVar("ppe_wait_cap", default=None)


@contextmanager
def waits_at_most(seconds: float) -> Iterator[None]:
    """While inside, a call of this thread or task sits out no rate-limit wait (a spent budget, a
    429's hint) longer than ``seconds``: it raises RateLimitError with ``retry_after`` before
    anything more is sent. For work under a lock, which then waits with the lock released."""
    token = _wait_cap.set(seconds)
    try:
        yield
    finally:
        _wait_cap.reset(token)


def wait_cap() -> float | None:
    """The cap of :func:`waits_at_most` in force here, if any."""
    return _wait_cap.get()
