"""Smoke test of ``python -m benchmarks``: every benchmark at a tiny size yields well-formed rows.

Nothing here is timed: the speed targets belong to the benchmark run itself. Benchmarks 4 and
5 use the session's Prefect test server (their worker processes reach it over HTTP).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest

from benchmarks import budget, flow_overhead, listing, overhead
from benchmarks._env import SandboxProcess, sandbox_process
from benchmarks._report import Row, table, write_results


@pytest.fixture(scope="module")
def sb() -> Iterator[SandboxProcess]:
    with sandbox_process() as handle:
        yield handle


def _numbers(value: object) -> Iterator[float]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _numbers(item)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield float(value)


def check(rows: list[Row], section: str, count: int) -> None:
    assert len(rows) == count
    for row in rows:
        assert row.section == section
        assert row.case and row.ours and row.baseline and row.target
        assert row.ok in (True, False, None)
        values = list(_numbers(row.data))
        assert values and all(math.isfinite(v) and v >= 0 for v in values), row.data


def test_budget_efficiency(sb: SandboxProcess) -> None:
    rows = budget.run(sb, windows=1.5, scale_limits=0.1, window_seconds=0.3, apis=("exeoflow",), progress=print)
    check(rows, budget.SECTION, 1)
    assert set(rows[0].data["ratios"]) == set(budget.CLIENTS)


def test_overhead(sb: SandboxProcess) -> None:
    rows = overhead.run(sb, samples=10, warmup=2, progress=print)
    check(rows, overhead.SECTION, 1)


def test_listing_counts_calls_per_largest_page(sb: SandboxProcess) -> None:
    rows = listing.run(sb, rows=2_500, executions=101, progress=print)
    check(rows, listing.SECTION, 4)
    assert [r.data["calls"] for r in rows[:2]] == [3, 2]  # ceil(2500 / 1000), ceil(104 / 100)
    assert rows[2].data["rows"] == 2_500


@pytest.mark.usefixtures("prefect_harness")
def test_flow_overhead(sb: SandboxProcess) -> None:
    rows = flow_overhead.run(sb, entries=12, projects=3, group_bys=("project",), warmup=False, progress=print)
    check(rows, flow_overhead.SECTION, 2)
    assert rows[1].data["task_runs"] == rows[1].data["groups"] + 2
    # Benchmark 5 needs real pool workers: its smoke test shares them in tests/flows/test_pool.py.


def test_results_are_written(tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = [Row("1 budget efficiency", "case", "1.0 x", "base", "<= 1.05 x", True,
                {"label": "X", "ratios": {"ours": 1.0, "fixed": 1.2}, "429s": {"ours": 0, "fixed": 9}}),
            Row("2 per-request overhead", "case | pipe", "1.1 x", "raw", "<= 1.15 x", False, {"ratio": 1.1})]
    path = write_results(rows, tmp_path, header="header", notes=["a note"])
    text = path.read_text()
    assert table(rows) in text and "| NO |" in text and "case / pipe" in text
    assert (tmp_path / "chart.png").stat().st_size > 1000


def test_rate_realism(sb: SandboxProcess) -> None:
    from benchmarks import rate_realism

    rows = rate_realism.run(sb, windows=1.5, window=0.5, scale_limits=0.1, apis=("exeoflow", "endocs"),
                            scenarios=("rival at start",), modes=("8 threads", "8 tasks"), progress=print)
    check(rows, rate_realism.SECTION, 4)
    assert all(row.data["windows"] >= 2 for row in rows)
