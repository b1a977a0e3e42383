"""How late this machine wakes a sleeper: the scheduler lag every timed wait suffers.

Benchmark 6 prints it beside each cell, and the fault matrix's window drills stretch their
real-time bounds by it: on a shared 2-core machine, a thread (or an event loop) woken late is
not the client's fault. One sampler for both, so both measure the same thing.
"""

from __future__ import annotations

import asyncio
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

#: The sampled sleep: each sample is how much later than this a sleeper woke.
SAMPLE_SLEEP = 0.02


def p95(values: list[float]) -> float:
    """The 95th percentile (the value itself for fewer than two samples, 0 for none)."""
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=20)[-1]


@dataclass
class SchedulerLag:
    """Samples of how late ``time.sleep(step)`` returns in a side thread while something runs
    (or ``asyncio.sleep`` inside an event loop, see :meth:`sample_loop`), kept across runs."""

    step: float = SAMPLE_SLEEP
    samples: list[float] = field(default_factory=list)

    @contextmanager
    def measuring(self, *, thread: bool = True) -> Iterator[list[float]]:
        """Samples from a side thread while the block runs; yields this run's samples (with
        ``thread=False`` the caller fills that list, e.g. with :meth:`sample_loop`)."""
        mine: list[float] = []
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                began = time.perf_counter()
                time.sleep(self.step)
                mine.append(max(time.perf_counter() - began - self.step, 0.0))

        sampler = threading.Thread(target=sample, daemon=True)
        if thread:
            sampler.start()
        try:
            yield mine
        finally:
            stop.set()
            if thread:
                sampler.join()
            self.samples += mine

    async def sample_loop(self, into: list[float], done: asyncio.Event) -> None:
        """Until ``done``: how late this event loop wakes a sleeping task (what its waits suffer)."""
        while not done.is_set():
            began = time.perf_counter()
            await asyncio.sleep(self.step)
            into.append(max(time.perf_counter() - began - self.step, 0.0))

    @property
    def worst(self) -> float:
        return max(self.samples, default=0.0)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.samples) if self.samples else 0.0

    @property
    def p95(self) -> float:
        return p95(self.samples)
