"""Time as a dependency, so retry and pacing logic is tested without real sleeps."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from typing import Protocol

from .errors import WaitStoppedError


class Clock(Protocol):
    """What the HTTP core needs to know about time."""

    def monotonic(self) -> float: ...

    def time(self) -> float:
        """Wall-clock epoch seconds (for absolute reset hints such as ``X-RateLimit-Reset``)."""
        ...

    def sleep(self, seconds: float) -> None: ...

    async def asleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    async def asleep(self, seconds: float) -> None:
        if seconds > 0:
            await asyncio.sleep(seconds)


class FakeClock:
    """A clock whose sleeps only advance time; records every sleep for assertions."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = start
        self._lock = threading.Lock()
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self._now

    def time(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(max(seconds, 0.0))

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


SYSTEM_CLOCK = SystemClock()


# -- waits a shutdown cuts short ---------------------------------------------------------------
#: How often an async wait on the real clock looks at the stop event.
STOP_POLL_SECONDS = 0.2

_stop_event: ContextVar[threading.Event | None] = ContextVar("ppe_stop_event", default=None)


@contextmanager
def stop_waits_on(stop: threading.Event | None) -> Iterator[None]:
    """While inside, every wait of this thread or task (polls, and the clients' rate-limit and
    backoff waits) ends as soon as ``stop`` is set, with :class:`WaitStoppedError`.

    A run told to shut down (SIGTERM, a cancel) then stops now, not at the end of a rate-limit
    wait that may last minutes, and sends nothing more. ``None`` turns an outer stop off: the
    way out of a stopped wait (cancelling its execution) must not be cut short by the same stop.
    """
    token = _stop_event.set(stop)
    try:
        yield
    finally:
        _stop_event.reset(token)


def stop_waits_also_on(stop: threading.Event | None) -> AbstractContextManager[None]:
    """:func:`stop_waits_on` ``stop`` when there is one; without, the stop in force (if any) holds."""
    return stop_waits_on(stop) if stop is not None else nullcontext()


def check_stop(api: str | None = None) -> None:
    """Raise :class:`WaitStoppedError` once the stop event of :func:`stop_waits_on` is set."""
    stop = _stop_event.get()
    if stop is not None and stop.is_set():
        raise WaitStoppedError("stopped: the run is shutting down", api=api)


def pause(clock: Clock, seconds: float, api: str | None = None) -> None:
    """``clock.sleep(seconds)``; on the real clock, cut short by the stop event (then raises)."""
    stop = _stop_event.get()
    if stop is not None and isinstance(clock, SystemClock):
        stop.wait(max(seconds, 0.0))
    else:
        clock.sleep(seconds)
    check_stop(api)


async def apause(clock: Clock, seconds: float, api: str | None = None) -> None:
    """Async :func:`pause`: the event is a thread's, so it is looked at every ``STOP_POLL_SECONDS``."""
    stop = _stop_event.get()
    if stop is not None and isinstance(clock, SystemClock):
        deadline = time.monotonic() + seconds
        while not stop.is_set() and (left := deadline - time.monotonic()) > 0:
            await asyncio.sleep(min(left, STOP_POLL_SECONDS))
    else:
        await clock.asleep(seconds)
    check_stop(api)
