"""Benchmark 1: budget efficiency. More calls than one window allows, from 8 threads at once.

Each thread plays one concurrent task and calls the client that our tasks use (plain threads,
not Prefect task runs, so only the pacing is measured). Two hand-written baselines over
plain httpx do the same calls:

* ``fixed``: Prefect-style task retries, a fixed delay after every 429 (``retry_delay_seconds=10``);
* ``backoff``: exponential backoff with full jitter (tenacity's ``wait_random_exponential(1, max=60)``).

Windows are compressed (seconds instead of minutes), and the baselines' delays are scaled by the
same factor, ``window / real window`` (ProSonata 900 s, Exeoflow and EnDocs 60 s). Their retries
are unbounded so every call completes. ``ideal`` is the time the limit itself imposes: the
workload starts at a window edge and needs ``ceil(N / limit) - 1`` more windows.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from ._env import CHEAP_GET, SandboxProcess, spend_on_threads, wait_for_window_edge
from ._report import Row

SECTION = "1 budget efficiency"
#: Compressed windows: (limit, window seconds), and the real window the API documents.
WINDOWS = {"prosonata": (50, 2.0), "exeoflow": (100, 2.0), "endocs": (300, 2.0)}
REAL_WINDOW = {"prosonata": 900.0, "exeoflow": 60.0, "endocs": 60.0}
NAMES = {"prosonata": "ProSonata", "exeoflow": "Exeoflow", "endocs": "EnDocs"}
CLIENTS = ("ours", "fixed", "backoff")
PREFECT_RETRY_DELAY = 10.0  # seconds, for a real 60 s (or 900 s) window
BACKOFF_MULTIPLIER, BACKOFF_MAX = 1.0, 60.0


@dataclass
class Outcome:
    elapsed: float
    ideal: float
    calls: int
    rate_limited: int

    @property
    def ratio(self) -> float:
        return self.elapsed / self.ideal if self.ideal else float("nan")


def our_worker(sb: SandboxProcess, api: str, limit: int, window: float) -> Callable[[], Callable[[], Any]]:
    """Per thread: a client of ours (one per task, as the tasks open them) and its cheap call."""
    fields: dict[str, Any] = {}
    if api == "endocs":  # EnDocs reports nothing: the block must know the (compressed) window
        fields = {"requests_per_minute": limit, "rate_limit_window_seconds": window}
    credentials = sb.credentials(api, **fields)

    def open_call() -> Callable[[], Any]:
        client = credentials.get_client()
        if api == "prosonata":
            return lambda: client.time_categories.get(15)
        if api == "exeoflow":
            return lambda: client.get_workflow("wf_100004")
        return client.get_client_info  # type: ignore[no-any-return]

    return open_call


def baseline_worker(sb: SandboxProcess, api: str, kind: str, window: float) -> Callable[[], Callable[[], Any]]:
    """Per thread: plain httpx that retries every 429 after a fixed delay or a jittered backoff."""
    scale = window / REAL_WINDOW[api]
    url = f"{sb.base_url(api)}/{CHEAP_GET[api]}"

    def open_call() -> Callable[[], Any]:
        http = httpx.Client(headers=sb.auth_headers(api), timeout=30)
        rng = random.Random()

        def call() -> Any:
            attempt = 0
            while True:
                response = http.get(url)
                if response.status_code != 429:
                    response.raise_for_status()
                    return response.json()
                if kind == "fixed":
                    delay = PREFECT_RETRY_DELAY * scale
                else:
                    delay = rng.uniform(0, min(BACKOFF_MAX, BACKOFF_MULTIPLIER * 2**attempt)) * scale
                attempt += 1
                time.sleep(delay)

        return call

    return open_call


def run_case(sb: SandboxProcess, api: str, kind: str, *, limit: int, window: float, windows: float = 2.5,
             threads: int = 8) -> Outcome:
    """``windows`` windows' worth of calls from ``threads`` threads; 429s read from the sandbox."""
    sb.reset(**{api: {"rate_limit": limit, "window_seconds": window}})
    opener = our_worker(sb, api, limit, window) if kind == "ours" else baseline_worker(sb, api, kind, window)
    total = int(limit * windows)
    calls = [opener() for _ in range(threads)]
    if api != "prosonata":  # ProSonata's window starts at the first call; the others are clock-aligned
        wait_for_window_edge(window)
    start = time.perf_counter()
    errors = spend_on_threads(total, calls)
    elapsed = time.perf_counter() - start
    if errors:
        raise RuntimeError(f"{api}/{kind}: {errors[0]!r}") from errors[0]
    stats = sb.stats()
    ideal = (math.ceil(total / limit) - 1) * window
    return Outcome(elapsed, ideal, stats.get(f"{api}.requests", 0), stats.get(f"{api}.429", 0))


def run(sb: SandboxProcess, *, windows: float = 2.5, threads: int = 8, scale_limits: float = 1.0,
        window_seconds: float | None = None, apis: tuple[str, ...] = tuple(WINDOWS),
        progress: Callable[[str], None] = print) -> list[Row]:
    """Each API in ``apis``: our client and both baselines; one row per API."""
    rows = []
    for api in apis:
        limit, window = WINDOWS[api]
        limit, window = max(2, int(limit * scale_limits)), window_seconds or window
        outcomes = {}
        for kind in CLIENTS:
            outcome = run_case(sb, api, kind, limit=limit, window=window, windows=windows, threads=threads)
            outcomes[kind] = outcome
            progress(f"  {NAMES[api]:9s} {kind:7s} {outcome.calls - outcome.rate_limited} calls in "
                     f"{outcome.elapsed:5.2f}s (ideal {outcome.ideal:.2f}s) ratio {outcome.ratio:.3f}, "
                     f"{outcome.rate_limited} x 429")
        ours = outcomes["ours"]
        windows_used = math.ceil(ours.ideal / window) + 1
        max_429 = 0 if api != "endocs" else windows_used
        rows.append(Row(
            SECTION,
            f"{NAMES[api]}: {int(limit * windows)} calls, {limit}/{window:g}s window, {threads} threads",
            f"{ours.ratio:.3f} x ideal, {ours.rate_limited} x 429",
            "; ".join(f"{k}: {o.ratio:.2f} x, {o.rate_limited} x 429" for k, o in outcomes.items() if k != "ours"),
            f"<= 1.05 x, {'0 x 429' if api != 'endocs' else f'<= 1 x 429 per window ({max_429})'}",
            ours.ratio <= 1.05 and ours.rate_limited <= max_429,
            {"label": NAMES[api], "ratios": {k: o.ratio for k, o in outcomes.items()},
             "429s": {k: o.rate_limited for k, o in outcomes.items()}},
        ))
    return rows
