"""``python -m benchmarks`` (= ``make bench``): every benchmark, one table, results/results.md + chart.png.

The sandbox runs in its own process for the whole run; benchmarks 4 and 5 share one local
Prefect server (throw-away PREFECT_HOME). ``--quick`` runs tiny sizes to check the
plumbing (its figures mean nothing and are not written).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from typing import Any

from . import budget, flow_overhead, listing, overhead, rate_realism, shared_budget
from ._env import RESULTS_DIR, prefect_server, sandbox_process
from ._report import Row, table, write_results

NOTES = [
    "Sandbox in a separate process (uvicorn, loopback); the client under test in the benchmark process. "
    "Figures are ratios measured in the same run, so they travel between machines better than seconds do.",
    "1: windows are compressed: ProSonata 50 calls / 2 s (real: 50-500 per 900 s), Exeoflow 100 / 2 s "
    "(real: 100 per 60 s), EnDocs 300 / 2 s (real: 300 per 60 s); the EnDocs block gets the same numbers "
    "(requests_per_minute, rate_limit_window_seconds). The workload is 2.5 windows' worth from 8 threads, "
    "starting at a window edge; ideal = (ceil(N / limit) - 1) x window. The threads call the client our tasks "
    "use (not Prefect task runs). Baseline delays are scaled by window / real window (x 2/900 for ProSonata, "
    "x 2/60 for the others): fixed = Prefect's retry_delay_seconds=10; backoff = full jitter, "
    "uniform(0, min(60, 2^n)) s. Baseline retries are unbounded so every call completes.",
    "2: one GET on ProSonata, interleaved pairs in random order after a warm-up; 'ours' includes the typed "
    "pydantic model, 'core' is the same call without it.",
    "3: the 1,000,000 rows are synthetic (sandbox option bulk_projecttimes, made per page from the row index); "
    "memory is the streaming child's peak RSS minus its RSS before the first page. Calls are the sandbox's "
    "request counter.",
    "4: 'plain clients' does the same listing, grouping and execute-and-wait per group on 8 threads without "
    "Prefect; the Exeoflow sandbox runs each execution for 0.2 s and the client polls every 0.5 s, so the "
    "plain run is mostly waiting. Prefect share = (flow - plain) / flow, on a warm process (a dry run "
    "goes first).",
    "5: each API 20 calls / 4 s, 50 calls from 4 concurrent flow runs (2 threads each) of a Prefect process work "
    "pool with 4 workers (`prefect worker start --limit 1`), so 4 processes on 4 workers, one key; the runs wait "
    "at a barrier before each phase, so process start-up is not timed. 'ours' = the blocks' rate_limit_store (a "
    "local Redis, one compare-and-set of the budget state per change); 'none' = in-process budgets only "
    "(ProSonata and Exeoflow learn the others' "
    "spending from the remaining count the server reports, EnDocs cannot); 'gcl' (ProSonata only) = the old "
    "Prefect global concurrency limit (1 slot, decay (limit - 1) / window per second) through rate_limit(), "
    "whose polling of the Prefect server makes acquisitions slower than the decay allows.",
    "6: each API x {aligned windows, windows 0.7 s off the clock's multiples, server clock 30 s ahead / behind "
    "(Date and epoch resets skewed), a rival that spent two thirds of the first window} x {1 thread, 8 threads, "
    "8 asyncio tasks}; 2.5 windows' worth (ProSonata 30, Exeoflow 60, EnDocs 90 calls per 2 s), started at a "
    "multiple of the window on our clock, where a calendar-aligned client would start. Judged by the sandbox's "
    "record of every window: early = 429s (calls before the window reset; EnDocs reports no budget and probes once "
    "per window while it learns the phase, plus the calls of the other workers already in flight when a rival's "
    "unseen spending is discovered), over-wait = longest reset-to-first-call gap, delay = its mean (a target only "
    "where the API sends whole-second hints), ideal = when the last needed window opens if every window were filled "
    "at once (a first window that ends soon after the start: no more calls than this machine answers in that time). "
    "Clients are built before the start. Beside each case: the p95 lateness of a 20 ms sleep while it ran (side "
    "thread; event loop for the asyncio cases), to tell load from the algorithm. ProSonata's windows start at a first "
    "call, so its shifted case is a first window begun by someone else.",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: check that everything runs")
    args = parser.parse_args(argv)
    started = time.perf_counter()

    def progress(line: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {line}", flush=True)

    sizes = QUICK if args.quick else FULL
    rows: list[Row] = []
    with sandbox_process() as sb:
        progress("sandbox process started on " + sb.url)
        steps: list[tuple[str, Callable[..., list[Row]], dict[str, Any]]] = [
            ("1/5 budget efficiency (8 threads, 3 APIs, ours vs 2 baselines)", budget.run, sizes["budget"]),
            ("2/5 per-request overhead (ours vs raw httpx)", overhead.run, sizes["overhead"]),
            ("3/5 listing: calls per page, memory of a 1,000,000-row stream", listing.run, sizes["listing"]),
            ("6 rate limits as servers run them (phase, clock skew, rival; 1 thread, 8 threads, 8 tasks)",
             rate_realism.run, sizes["realism"]),
        ]
        for title, bench, options in steps:
            progress(title)
            rows += bench(sb, progress=progress, **options)
        progress("starting a local Prefect server for benchmarks 4 and 5")
        with prefect_server() as api_url:
            progress("4/5 main flow over 1,000 project times")
            rows += flow_overhead.run(sb, progress=progress, **sizes["flow"])
            progress("5/5 one key, 4 flow runs on a work pool: shared Redis budget, none, Prefect GCL")
            rows += shared_budget.run(sb, api_url, progress=progress, **sizes["shared"])
    total = time.perf_counter() - started
    header = (f"`python -m benchmarks{' --quick' if args.quick else ''}` on {os.cpu_count()} CPUs, "
              f"Python {platform.python_version()}, {_versions()}; whole run {total:.0f} s, "
              f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.")
    print()
    print(table(rows))
    if args.quick:
        progress("--quick: figures not written (they only check that everything runs)")
    else:
        path = write_results(rows, RESULTS_DIR, header=header, notes=NOTES)
        progress(f"wrote {path} and {path.with_name('chart.png')}")
    missed = [row for row in rows if row.ok is False]
    if missed:
        print(f"{len(missed)} figure(s) missed their target: " + "; ".join(r.case for r in missed))
    return 0


def _versions() -> str:
    from importlib.metadata import version

    return ", ".join(f"{name} {version(name)}" for name in ("prefect", "httpx", "pydantic"))


FULL: dict[str, dict[str, Any]] = {
    "budget": {}, "overhead": {}, "listing": {}, "flow": {}, "shared": {}, "realism": {},
}
QUICK: dict[str, dict[str, Any]] = {
    "budget": {"windows": 1.5, "scale_limits": 0.2, "window_seconds": 0.5},
    "overhead": {"samples": 30, "warmup": 5},
    "listing": {"rows": 5_000, "executions": 120},
    "flow": {"entries": 50},
    "shared": {"runs": 2, "workers": 1, "threads": 1, "limit": 4, "window": 1.0, "windows": 1.5},
    "realism": {"windows": 1.5, "window": 1.0, "scale_limits": 0.2, "scenarios": ("aligned", "rival at start")},
}

if __name__ == "__main__":
    sys.exit(main())
