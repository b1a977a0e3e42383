"""Benchmark 3: listings cost ceil(N / largest page) calls, and streaming stays in constant memory.

The 1,000,000 ProSonata project times come from the emulator's ``bulk_projecttimes`` option
(rows made from their index on demand, so the server holds none of them). The stream runs in
a child process, so its peak RSS (``ru_maxrss``) is not inflated by earlier benchmarks;
the figure is that peak minus the RSS just before the first page. RSS also keeps the
allocator's high-water marks, so the child then streams the first N/50 and N/10 rows again
under tracemalloc: Python's own peak must not grow with the number of rows.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from ._env import ROOT, SandboxProcess
from ._report import Row

SECTION = "3 listing"
PROSONATA_PAGE, EXEOFLOW_PAGE = 1000, 100
MEMORY_TARGET_MB = 50.0


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def _walk(client: Any, limit: int | None = None) -> int:
    rows, hours = 0, 0.0
    for entry in client.project_times.iter(limit=limit):
        rows += 1
        hours += float(entry.workingTime or 0)
    return rows


def stream(base_url: str, api_key: str, traced: tuple[int, ...] = ()) -> dict[str, Any]:
    """Child process: walk every project time once; returns rows, seconds and memory figures.

    Then walks the first ``traced`` rows again with Python's allocations traced (slower): their
    peaks show whether memory depends on the number of rows, free of the allocator's RSS
    high-water marks.
    """
    import tracemalloc

    from prefect_prosonata_exeoflow.prosonata import ProSonataCredentials

    credentials = ProSonataCredentials(base_url=base_url, api_key=api_key)
    with credentials.get_client() as client:
        before = _rss_mb()
        start = time.perf_counter()
        rows = _walk(client)
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        peaks = []
        for limit in traced:
            tracemalloc.start()
            _walk(client, limit)
            peaks.append(tracemalloc.get_traced_memory()[1] / 2**20)
            tracemalloc.stop()
    return {"rows": rows, "seconds": seconds, "rss_before_mb": before, "peak_rss_mb": peak, "traced_mb": peaks}


def _stream_in_child(sb: SandboxProcess, traced: tuple[int, ...]) -> dict[str, Any]:
    from prefect_prosonata_exeoflow.sandbox import SANDBOX_KEYS

    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.listing", "--base-url", sb.base_url("prosonata"),
         "--api-key", SANDBOX_KEYS["prosonata_admin_key"], *(f"--traced={n}" for n in traced)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def run(sb: SandboxProcess, *, rows: int = 1_000_000, executions: int = 250,
        progress: Callable[[str], None] = print) -> list[Row]:
    sb.reset()
    with sb.prosonata().get_client() as client:
        seeded = client.project_times.page(1, 1).total_count
    sb.configure(prosonata={"bulk_projecttimes": max(rows - seeded, 0)})
    total = max(rows, seeded)
    before = sb.stats().get("prosonata.requests", 0)
    small, large = max(total // 50, 1), max(total // 10, 2)
    try:
        result = _stream_in_child(sb, (small, large))
        traced_calls = sum(math.ceil(n / min(n, PROSONATA_PAGE)) for n in (small, large))
        calls = sb.stats().get("prosonata.requests", 0) - before - traced_calls
        traced = result["traced_mb"]
    finally:
        sb.configure(prosonata={"bulk_projecttimes": 0})
    expected = math.ceil(total / PROSONATA_PAGE)
    grew = result["peak_rss_mb"] - result["rss_before_mb"]
    progress(f"  ProSonata: streamed {result['rows']:,} rows in {result['seconds']:.1f}s with {calls} calls "
             f"(ceil(N/{PROSONATA_PAGE}) = {expected}); peak RSS {result['peak_rss_mb']:.1f} MB, "
             f"{grew:.1f} MB above the start")
    progress(f"  Python heap peak (tracemalloc) streaming {small:,} rows: {traced[0]:.1f} MB, "
             f"{large:,} rows: {traced[1]:.1f} MB")
    exe_calls, exe_total = _exeoflow_listing(sb, executions)
    exe_expected = math.ceil(exe_total / EXEOFLOW_PAGE)
    progress(f"  Exeoflow: listed {exe_total} executions with {exe_calls} calls (ceil(N/{EXEOFLOW_PAGE}) = "
             f"{exe_expected})")
    return [
        Row(SECTION, f"ProSonata project_times.iter() over {total:,} rows (page {PROSONATA_PAGE})",
            f"{calls} calls", f"ceil(N / {PROSONATA_PAGE}) = {expected}", "equal",
            calls == expected and result["rows"] == total, {"calls": calls, "expected": expected}),
        Row(SECTION, f"Exeoflow iter_executions() over {exe_total} executions (page {EXEOFLOW_PAGE})",
            f"{exe_calls} calls", f"ceil(N / {EXEOFLOW_PAGE}) = {exe_expected}", "equal",
            exe_calls == exe_expected, {"calls": exe_calls, "expected": exe_expected}),
        Row(SECTION, f"peak memory streaming {result['rows']:,} ProSonata rows ({result['seconds']:.0f}s, "
            f"{result['rows'] / result['seconds']:,.0f} rows/s)",
            f"+{grew:.1f} MB RSS", f"RSS before the first page: {result['rss_before_mb']:.0f} MB",
            f"< {MEMORY_TARGET_MB:.0f} MB", grew < MEMORY_TARGET_MB and result["rows"] == total,
            {"mb": grew, "rows": result["rows"], "seconds": result["seconds"]}),
        Row(SECTION, f"Python heap peak (tracemalloc) streaming {small:,} vs {large:,} rows",
            f"{traced[1]:.1f} MB at {large:,} rows", f"{traced[0]:.1f} MB at {small:,} rows",
            "flat in N (within 20 % + 1 MB)", traced[1] <= traced[0] * 1.2 + 1.0,
            {"small_mb": traced[0], "large_mb": traced[1]}),
    ]


def _exeoflow_listing(sb: SandboxProcess, executions: int) -> tuple[int, int]:
    """Start ``executions`` executions, then count the calls one full listing takes."""
    with sb.exeoflow().get_client() as client:
        for i in range(executions):
            client.execute_workflow("wf_100004", {"n": i})
        before = sb.stats().get("exeoflow.requests", 0)
        total = sum(1 for _ in client.iter_executions())
        return sb.stats().get("exeoflow.requests", 0) - before, total


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Stream every ProSonata project time (child of benchmark 3).")
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--traced", type=int, action="append", default=[],
                        help="then stream this many rows with tracemalloc on (repeatable)")
    args = parser.parse_args()
    print(json.dumps(stream(args.base_url, args.api_key, tuple(args.traced))))
