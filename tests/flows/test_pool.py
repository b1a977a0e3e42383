"""Real workers of a Prefect process work pool, one rate budget per key shared through Redis.

A ``prefect server start``, two ``prefect worker start --pool`` processes, the main flow deployed
to the pool, and several runs for different days with tight sandbox windows: every run must
complete, every group become exactly one execution, and no API answer 429. The same workers
then run benchmark 5's flow at a tiny size (its smoke test).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks import shared_budget
from benchmarks._env import prefect_api
from flows.pool import Workers, deploy_samples, pool_workers, trigger, wait_for_runs, worker_of_runs
from flows.scale import InThreadSandbox, executions_per_group, recent_days
from prefect_prosonata_exeoflow.sandbox import SandboxServer
from tests.test_benchmarks_smoke import check

from .conftest import SharedServer

pytestmark = [pytest.mark.server, pytest.mark.timeout(420)]

#: Small windows: the runs together need several windows of each API.
LIMITS = {
    "prosonata": {"rate_limit": 4, "window_seconds": 3},
    "exeoflow": {"rate_limit": 20, "window_seconds": 2, "execution_seconds": 0.3},
}
DAYS = 4


@pytest.fixture(scope="module")
def pool(shared_prefect_server: SharedServer,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Workers]]:
    home = tmp_path_factory.mktemp("pool-home")
    api_url = shared_prefect_server.api_url
    with prefect_api(api_url), pool_workers(2, api_url, home, prefix="test-worker") as workers:
        deploy_samples()
        yield api_url, home, workers


def test_runs_on_two_workers_complete_once_each_without_429(
    pool: tuple[str, Path, Workers], sandbox: SandboxServer, redis_url: str
) -> None:
    from blocks.setup import build_blocks, register_block_types, save_blocks

    _, _, workers = pool
    for api, options in LIMITS.items():
        sandbox.sandbox.configure(api, **options)
    register_block_types()
    save_blocks(build_blocks(sandbox_url=sandbox.url, apis=("prosonata", "exeoflow"), rate_limit_store=redis_url))
    days = recent_days(sandbox, DAYS)

    ids = [trigger("prosonata-time-to-exeoflow/pool", dict(start=day, end=day)) for day in days]
    runs = wait_for_runs(ids, timeout=300, workers=workers)

    assert all(run.state.is_completed() for run in runs.values()), [
        (run.name, run.state.name, run.state.message) for run in runs.values()]
    executions = executions_per_group(sandbox)
    assert {day for day, _ in executions} == set(days)
    assert set(executions.values()) == {1}, {group: n for group, n in executions.items() if n > 1}
    stats = sandbox.sandbox.stats.snapshot()
    assert stats.get("exeoflow.requests", 0) > 2 * LIMITS["exeoflow"]["rate_limit"]  # more than one window's worth
    assert stats.get("prosonata.429", 0) == 0 and stats.get("exeoflow.429", 0) == 0
    assert set(worker_of_runs(ids).values()) <= set(workers.names)
    assert sum(Counter(worker_of_runs(ids).values()).values()) == len(ids)


def test_benchmark_5_runs_through_the_pool_workers(
    pool: tuple[str, Path, Workers], sandbox: SandboxServer, redis_url: str
) -> None:
    _, _, workers = pool
    plan = shared_budget.plan_for(("exeoflow", "endocs"), ("store", "none"), limit=3, window=0.5, windows=1.4)
    results = shared_budget.measure(InThreadSandbox(sandbox), redis_url, plan, workers, runs=2, threads=1)
    rows = shared_budget.rows(results, runs=2, workers=2, threads=1)
    check(rows, shared_budget.SECTION, 2)
    assert all(r["elapsed"] > 0 and r["ideal"] > 0 for r in results)
    assert all(set(row.data["ratios"]) == {"ours", "none"} for row in rows)
