"""Benchmark 2: per-request overhead of our client against a raw ``httpx.Client``.

Both send the same authenticated GET to the same sandbox endpoint over kept-alive
connections; samples are interleaved (pair by pair, in random order within each pair) so
drifts in machine load hit both alike. Ours includes everything a task gets: budget
bookkeeping, the retry plan, envelope checks and the typed pydantic model; raw httpx only
decodes the JSON.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx

from ._env import CHEAP_GET, SandboxProcess
from ._report import Row

SECTION = "2 per-request overhead"
#: Our time per request, typed model included, as a multiple of raw httpx's (issue 15).
TARGET = 1.10


def _timed(call: Callable[[], Any]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def run(sb: SandboxProcess, *, samples: int = 400, warmup: int = 20,
        progress: Callable[[str], None] = print) -> list[Row]:
    sb.reset()
    api = "prosonata"
    url = f"{sb.base_url(api)}/{CHEAP_GET[api]}"
    raw = httpx.Client(headers=sb.auth_headers(api), timeout=30)
    ours = sb.prosonata().get_client()
    contenders: dict[str, Callable[[], Any]] = {
        "raw": lambda: raw.get(url).json(),
        "ours": lambda: ours.time_categories.get(15),
        "core": lambda: ours.request("GET", CHEAP_GET[api]),
    }
    times: dict[str, list[float]] = {name: [] for name in contenders}
    rng = random.Random(1)
    try:
        for i in range(warmup + samples):
            order = list(contenders)
            rng.shuffle(order)
            for name in order:
                elapsed = _timed(contenders[name])
                if i >= warmup:
                    times[name].append(elapsed)
    finally:
        raw.close()
        ours.close()
    median = {name: statistics.median(values) for name, values in times.items()}
    ratio = median["ours"] / median["raw"]
    core_ratio = median["core"] / median["raw"]
    progress(f"  median raw httpx {median['raw'] * 1e3:.3f} ms, ours {median['ours'] * 1e3:.3f} ms "
             f"(typed model), core request {median['core'] * 1e3:.3f} ms; ratio {ratio:.3f}")
    return [Row(
        SECTION,
        f"ProSonata GET projecttimecategories/15, median of {samples} interleaved samples",
        f"{ratio:.3f} x raw ({median['ours'] * 1e3:.2f} ms; without the typed model {core_ratio:.3f} x)",
        f"raw httpx.Client + .json(): {median['raw'] * 1e3:.2f} ms",
        f"<= {TARGET:.2f} x",
        ratio <= TARGET,
        {"ratio": ratio, "core_ratio": core_ratio, "median_ms": {k: v * 1e3 for k, v in median.items()}},
    )]


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.overhead [RUNS]``: benchmark 2 alone, RUNS times (3) on one sandbox."""
    from ._env import sandbox_process

    runs = int((argv if argv is not None else sys.argv[1:] or ["3"])[0])
    with sandbox_process() as sb:
        rows = [row for _ in range(runs) for row in run(sb)]
    ratios = [row.data["ratio"] for row in rows]
    print(f"per-request overhead over {runs} runs: {min(ratios):.3f}-{max(ratios):.3f} x raw httpx "
          f"(target <= {TARGET:.2f} x)")
    return 0 if all(row.ok for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
