"""Benchmark 6: rate limits as real servers run them (issue 12).

Each API x {aligned windows, windows shifted 0.7 s off the clock's multiples, server clock 30 s
ahead / behind (``Date`` and epoch resets skewed), a rival consumer that spent most of the first
window before the workload starts} x {1 thread, 8 threads, 8 asyncio tasks}: 2.5 windows' worth
of calls, started where a calendar-aligned client would start (a multiple of the window on our
clock). The sandbox records every window (start, first call, calls admitted and refused), so
each figure is judged against the server's truth, not the client's belief:

* **early** - 429s, i.e. calls sent before the window had reset (EnDocs reports no budget: its
  client probes once per window while it learns the phase, so <= 1 per window is its target);
* **over-wait** - the longest gap between a window's reset and its first call;
* **delay** - the mean of that gap (whole-second hints converge below a second: target <= 0.3 s);
* **elapsed / ideal** - ideal is when the last needed window opens, counted from the start, if
  every window were filled at once (the rival's calls taken into account), plus the time the
  last window's own calls took (first to last admitted call: work, not waiting).
"""

from __future__ import annotations

import asyncio
import itertools
import math
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

from ._env import SandboxProcess, spend_on_threads
from ._report import Row

SECTION = "6 rate limits as servers run them"
NAMES = {"prosonata": "ProSonata", "exeoflow": "Exeoflow", "endocs": "EnDocs"}
#: Calls per compressed window.
LIMITS = {"prosonata": 30, "exeoflow": 60, "endocs": 90}
SCENARIOS: dict[str, dict[str, Any]] = {
    "aligned": {},
    "phase +0.7 s": {"window_phase": 0.7},
    "clock +30 s": {"clock_offset": 30.0},
    "clock -30 s": {"clock_offset": -30.0},
    "rival at start": {"rival_calls": -1},  # -1: two thirds of the limit
}
MODES = ("1 thread", "8 threads", "8 tasks")


@dataclass
class Outcome:
    elapsed: float
    ideal: float
    early: int
    windows: int
    over_wait: float
    delay: float

    @property
    def ratio(self) -> float:
        return self.elapsed / self.ideal if self.ideal > 0 else float("nan")


def _opener(sb: SandboxProcess, api: str, limit: int, window: float) -> Any:
    fields: dict[str, Any] = {}
    if api == "endocs":
        fields = {"requests_per_minute": limit, "rate_limit_window_seconds": window}
    return sb.credentials(api, **fields)


def _call(client: Any, api: str) -> Callable[[], Any]:
    if api == "prosonata":
        return lambda: client.time_categories.get(15)
    if api == "exeoflow":
        return lambda: client.get_workflow("wf_100004")
    return client.get_client_info  # type: ignore[no-any-return]


def _threads(credentials: Any, api: str, total: int, threads: int) -> None:
    with ExitStack() as stack:
        clients = [stack.enter_context(credentials.get_client()) for _ in range(threads)]
        errors = spend_on_threads(total, [_call(client, api) for client in clients])
    if errors:
        raise RuntimeError(f"{api}: {errors[0]!r}") from errors[0]


def _tasks(credentials: Any, api: str, total: int, tasks: int) -> None:
    async def main() -> None:
        left = iter(range(total))

        async def work() -> None:
            async with credentials.get_async_client() as client:
                call = _call(client, api)
                while next(left, None) is not None:
                    await call()

        await asyncio.gather(*(work() for _ in range(tasks)))

    asyncio.run(main())


def run_case(sb: SandboxProcess, api: str, scenario: str, mode: str, *, limit: int, window: float,
             windows: float) -> Outcome:
    options = dict(SCENARIOS[scenario])
    rival = options.pop("rival_calls", 0)
    rival = (2 * limit) // 3 if rival == -1 else rival
    sb.reset(**{api: {"rate_limit": limit, "window_seconds": window, **options}})
    credentials = _opener(sb, api, limit, window)
    total = int(limit * windows)
    edge = (time.time() // window + 1) * window  # where a calendar-aligned client would start
    time.sleep(max(edge - time.time(), 0) + 0.01)
    if rival:
        sb.configure(**{api: {"rival_calls": rival}})
    start = time.time()
    if mode == "8 tasks":
        _tasks(credentials, api, total, 8)
    else:
        _threads(credentials, api, total, 1 if mode == "1 thread" else 8)
    elapsed = time.time() - start
    record = [w for w in sb.windows(api) if w["admitted"] or w["refused"] or w["rival"]]
    first, last = record[0], record[-1]
    available = limit - first["rival"]
    later_windows = math.ceil(max(total - available, 0) / limit)
    opens = (first["end"] - start) + max(later_windows - 1, 0) * window if later_windows else 0.0
    # The last window's own calls take time even for a perfect client: the ideal includes them.
    ideal = opens + (last["last_call"] - last["first_call"] if last["first_call"] is not None else 0.0)
    # Reset to first call: from the end of the window before (first-call windows start at it).
    gaps = [w["first_call"] - before["end"] for before, w in itertools.pairwise(record)
            if w["first_call"] is not None]
    return Outcome(elapsed, ideal, sum(w["refused"] for w in record), len(record),
                   max(gaps, default=0.0), sum(gaps) / len(gaps) if gaps else 0.0)


def run(sb: SandboxProcess, *, windows: float = 2.5, window: float = 2.0, scale_limits: float = 1.0,
        apis: tuple[str, ...] = tuple(NAMES), scenarios: tuple[str, ...] = tuple(SCENARIOS),
        modes: tuple[str, ...] = MODES, progress: Callable[[str], None] = print) -> list[Row]:
    """One row per API x scenario x mode."""
    rows = []
    for api in apis:
        limit = max(3, int(LIMITS[api] * scale_limits))
        for scenario in scenarios:
            for mode in modes:
                o = run_case(sb, api, scenario, mode, limit=limit, window=window, windows=windows)
                early_target = 0 if api != "endocs" else o.windows
                ratio_target = 1.05 if api != "endocs" else 1.10
                progress(f"  {NAMES[api]:9s} {scenario:14s} {mode:9s} early {o.early} / {o.windows} windows, "
                         f"over-wait {o.over_wait:.2f}s, delay {o.delay:.2f}s, {o.ratio:.3f} x ideal")
                rows.append(Row(
                    SECTION,
                    f"{NAMES[api]}, {scenario}, {mode} ({int(limit * windows)} calls, {limit}/{window:g}s)",
                    f"{o.early} early; over-wait {o.over_wait:.2f} s; delay {o.delay:.2f} s; {o.ratio:.3f} x ideal",
                    "the server's own window record",
                    f"early <= {early_target}; over-wait <= 1.5 s; delay <= 0.3 s; <= {ratio_target:.2f} x",
                    o.early <= early_target and o.over_wait <= 1.5 and o.delay <= 0.3 and o.ratio <= ratio_target,
                    {"ratio": o.ratio, "early": o.early, "windows": o.windows, "over_wait": o.over_wait,
                     "delay": o.delay},
                ))
    return rows
