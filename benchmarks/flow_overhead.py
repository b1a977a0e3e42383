"""Benchmark 4: the main flow over 1,000 project times; Prefect's share of the wall time.

The same work is done twice: once by ``flows/prosonata_time_to_exeoflow.py`` on a local
Prefect server (one task for the listing, one for the workflow lookup, one per group), once
with the plain clients and a thread pool of the same size (8). The flow's extra wall time
over the plain run is Prefect's overhead. Task runs are counted on the server: they must
follow the number of groups, not the number of entries. A dry-run flow runs first, so the
one-off start-up of the first flow in a process is reported apart.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ._env import SandboxProcess
from ._report import Row

SECTION = "4 main flow"
DAY = dt.date(2020, 3, 2)  # far from the seeded data: only the benchmark's entries fall on it
WORKFLOW_ID = "wf_100001"


def seed_entries(sb: SandboxProcess, count: int, projects: int | None = None) -> None:
    """``count`` project times on DAY, spread over every user and every (or the first few) project."""
    with sb.prosonata().get_client() as client:
        project_ids = [p.projectID for p in client.projects.list() if not p.isProjectTemplate][:projects]
        categories = [c.category for c in client.time_categories.list() if c.active]
        users = [u.userID for u in client.users.list()]
        for i in range(count):
            client.project_times.create(
                category=categories[i % len(categories)], projectID=project_ids[i % len(project_ids)],
                userID=users[i % len(users)], date=DAY.isoformat(), workingTime=0.25 * (1 + i % 8),
                detail=f"Benchmark {i}",
            )


def plain_run(sb: SandboxProcess, group_by: str) -> tuple[float, int]:
    """The flow's work without Prefect: list, group, one execute-and-wait per group on 8 threads."""
    from flows.time_groups import group_entries

    start = time.perf_counter()
    with sb.prosonata().get_client() as client:
        rows = client.project_times.list(date=DAY.isoformat(), order_by="date,timeID")
    groups = group_entries(rows, group_by, DAY, DAY)  # type: ignore[arg-type]
    exeoflow = sb.exeoflow()
    with exeoflow.get_client() as client:
        client.get_workflow(WORKFLOW_ID)

    def execute(group: Any) -> str:
        with exeoflow.get_client() as client:
            return str(client.execute_and_wait(WORKFLOW_ID, group.execution_input(), timeout=600).status)

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(execute, groups))
    assert all(s == "success" for s in statuses), statuses
    return time.perf_counter() - start, len(groups)


def flow_run(blocks: tuple[str, str], group_by: str, *, dry_run: bool = False) -> tuple[float, Any, Any]:
    """Seconds, final state and summary of one run of the main flow."""
    from flows.prosonata_time_to_exeoflow import prosonata_time_to_exeoflow

    start = time.perf_counter()
    state = prosonata_time_to_exeoflow(prosonata_block=blocks[0], exeoflow_block=blocks[1], workflow=WORKFLOW_ID,
                                       start=DAY, group_by=group_by, dry_run=dry_run,  # type: ignore[arg-type]
                                       return_state=True)
    elapsed = time.perf_counter() - start
    return elapsed, state, state.result()


def count_task_runs(flow_run_id: Any, settle: float = 10.0) -> int:
    """Task runs the server recorded for a flow run (they arrive through events: wait until stable)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    deadline, last, stable = time.monotonic() + settle, -1, 0
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            count = _count(client, FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
            stable = stable + 1 if count == last else 0
            if stable >= 2:
                break
            last = count
            time.sleep(0.25)
    return last


def _count(client: Any, flow_runs: Any, page: int = 200) -> int:
    from prefect.client.schemas.sorting import TaskRunSort

    total = 0
    while True:
        batch = client.read_task_runs(flow_run_filter=flow_runs, sort=TaskRunSort.ID_DESC, limit=page, offset=total)
        total += len(batch)
        if len(batch) < page:
            return total


def run(sb: SandboxProcess, *, entries: int = 1000, group_bys: tuple[str, ...] = ("project", "user"),
        warmup: bool = True, projects: int | None = None, progress: Callable[[str], None] = print) -> list[Row]:
    """Needs a Prefect API (a local server, or prefect_test_harness) for blocks and flow runs."""
    sb.reset()
    seed_entries(sb, entries, projects)
    suffix = uuid.uuid4().hex[:8]  # fresh names: cached group results of earlier runs never match
    blocks = (f"bench-prosonata-{suffix}", f"bench-exeoflow-{suffix}")
    sb.prosonata().save(blocks[0], overwrite=True)
    sb.exeoflow().save(blocks[1], overwrite=True)
    cold = flow_run(blocks, "project", dry_run=True)[0] if warmup else float("nan")
    progress(f"  first flow run in this process (dry run, no executions): {cold:.2f}s")
    rows = []
    for group_by in group_bys:
        plain, groups = plain_run(sb, group_by)
        elapsed, state, summary = flow_run(blocks, group_by)
        assert summary.entries_read == entries and summary.succeeded == groups, summary
        task_runs = count_task_runs(state.state_details.flow_run_id)
        share = max(elapsed - plain, 0.0) / elapsed
        progress(f"  by {group_by}: {entries} entries, {groups} groups; flow {elapsed:.2f}s, plain clients "
                 f"{plain:.2f}s -> Prefect share {share:.0%}; {task_runs} task runs")
        rows.append(Row(
            SECTION, f"{entries} entries grouped by {group_by}: {groups} groups (warm flow run)",
            f"flow {elapsed:.2f}s; Prefect share {share:.0%} of wall time",
            f"plain clients, 8 threads: {plain:.2f}s (Prefect adds {elapsed - plain:+.2f}s)",
            "report only", None, {"share": share, "flow_s": elapsed, "plain_s": plain,
                                   **({"cold_dry_run_s": cold} if warmup else {})},
        ))
        rows.append(Row(
            SECTION, f"task runs, {entries} entries in {groups} groups",
            f"{task_runs} task runs", f"groups + 2 (listing, workflow lookup) = {groups + 2}",
            "grows with groups, not entries", task_runs == groups + 2, {"task_runs": task_runs, "groups": groups},
        ))
    return rows
