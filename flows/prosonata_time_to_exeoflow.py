"""The main job: ProSonata project times of a period, grouped, each group one Exeoflow execution.

Exactly once per group, kept by Exeoflow itself: every execution carries the group's content
fingerprint (see :mod:`flows.time_groups`) in its input as ``idempotency_key``, and
:meth:`ExeoflowClient.execute_once <prefect_prosonata_exeoflow.exeoflow.ExeoflowClient.execute_once>`
looks it up before starting anything (running: adopted; succeeded: already done; failed:
executed again), under a Prefect global concurrency limit used as a mutex while it starts one.
A crash at any point, an overlapping run or another worker therefore never executes a group
twice. The Prefect task cache stays as a shortcut (a rerun in the same storage skips the
lookup), never as the guarantee. Executions run concurrently; a SIGTERM or cancel of the run
cancels the ones in flight, and the artifact still says what happened to every group.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.futures import PrefectFuture, wait
from prefect.task_runners import ThreadPoolTaskRunner
from pydantic import BaseModel, Field

from prefect_prosonata_exeoflow import APIError, InvalidRequestError, NotFoundError
from prefect_prosonata_exeoflow._core.mutex import PrefectMutex
from prefect_prosonata_exeoflow.exeoflow import (
    ExecutionCancelledError,
    ExecutionFailedError,
    ExecutionTimeoutError,
    ExeoflowCredentials,
    WaitStoppedError,
)
from prefect_prosonata_exeoflow.prosonata import ProSonataCredentials, between, list_project_times

from flows.forms import plain_optional_parameters
from flows.shutdown import current_stop_event, stop_event
from flows.time_groups import GroupBy, TimeGroup, group_entries, total_hours

ARTIFACT_KEY = "prosonata-time-to-exeoflow"
#: A dry run's second artifact: the input each execution would receive (markdown, one JSON per group).
DRY_RUN_KEY = f"{ARTIFACT_KEY}-dry-run"
#: Entries shown per group in it; a longer group ends in "... N more entries".
DRY_RUN_ENTRIES = 50
CACHE_DAYS = 400
#: Executions of the workflow started since the period's first day minus this many days are
#: searched for a group's key; a run for a period started earlier than that is not seen.
LOOKUP_MARGIN_DAYS = 1
#: After a SIGTERM or cancel, how long the flow waits for its tasks to cancel their executions.
STOP_GRACE_SECONDS = 5.0
#: Groups executed at a time (threads of the run's task runner); the others wait for a free one.
PARALLEL_GROUPS = 8
Status = Literal["success", "adopted", "already-done", "retried-after-failure", "cancelled", "failed",
                 "timeout", "error", "dry-run"]
#: Statuses that mean the group's execution succeeded (now or earlier).
DONE: frozenset[str] = frozenset({"success", "adopted", "already-done", "retried-after-failure"})
_FROM_HOW = {"started": "success", "adopted": "adopted", "already-done": "already-done",
             "retried-after-failure": "retried-after-failure"}

#: An optional date or id: one plain field in the run form (see flows/forms.py), None when left empty.
OptionalDate = dt.date | None
OptionalId = Annotated[int | None, Field(ge=1)]


class GroupResult(BaseModel):
    group: str
    label: str
    entries: int
    hours: float
    execution_id: str | None = None
    status: Status
    message: str | None = None


class TimeSyncSummary(BaseModel):
    period_start: dt.date
    period_end: dt.date
    workflow_id: str | None
    entries_read: int
    groups: int
    hours: float
    executed: int
    adopted: int
    already_done: int
    succeeded: int
    failed: int
    cancelled: int
    dry_run: bool
    results: list[GroupResult]


class TimeSyncFailed(APIError):
    """Some groups did not succeed; ``summary`` has every group's outcome (rerun to retry those)."""

    def __init__(self, summary: TimeSyncSummary) -> None:
        self.summary = summary
        failed = [r for r in summary.results if r.status not in DONE]
        super().__init__(f"{len(failed)} of {summary.groups} executions did not succeed: "
                         + "; ".join(f"{r.label}: {r.status} {r.message or ''}".strip() for r in failed[:5]))


class ExecutionRecord(BaseModel):
    execution_id: str
    status: str
    how: str = "started"


def period_of(start: dt.date | None, end: dt.date | None, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The period to send: ``start`` (default yesterday) to ``end`` (default ``start``), checked."""
    if end and not start:
        raise InvalidRequestError("end needs a start")
    first = start or (today or dt.date.today()) - dt.timedelta(days=1)
    last = end or first
    if last < first:
        raise InvalidRequestError(f"end {last} is before start {first}")
    return first, last


def time_filters(start: dt.date, end: dt.date, project_id: int | None, customer_id: int | None,
                 user_id: int | None) -> dict[str, Any]:
    filters: dict[str, Any] = {"date": start if start == end else between(start, end)}
    for name, value in (("projectID", project_id), ("customerID", customer_id), ("userID", user_id)):
        if value is not None:
            filters[name] = value
    return filters


def _retry_unless_bad_input(task: Any, task_run: Any, state: Any) -> bool:
    """Retry what may heal (a dropped connection); a workflow that does not exist will not."""
    try:
        state.result()
    except (InvalidRequestError, NotFoundError):
        return False
    except Exception:  # noqa: BLE001 - anything else is worth the retry
        return True
    return True


@task(name="resolve-exeoflow-workflow", retries=2, retry_delay_seconds=5, retry_condition_fn=_retry_unless_bad_input)
def resolve_workflow(credentials: ExeoflowCredentials, workflow: str) -> str:
    """A workflow id from an id or an exact name (the UI form accepts either)."""
    with credentials.get_client() as client:
        workflows = [] if workflow.startswith("wf_") else list(client.iter_workflows())
        if workflow.startswith("wf_"):
            try:
                return client.get_workflow(workflow).id
            except NotFoundError:
                workflows = list(client.iter_workflows())
    matches = [w.id for w in workflows if w.name == workflow]
    if len(matches) == 1:
        return matches[0]
    found = "no workflow" if not matches else f"{len(matches)} workflows"
    known = ", ".join(f"{w.name!r} ({w.id})" for w in workflows[:20]) + (" ..." if len(workflows) > 20 else "")
    raise InvalidRequestError(f"Exeoflow: {found} named or numbered {workflow!r}; the workspace has: "
                              f"{known or 'no workflows'}. Give one exact name or its id (wf_...).")


def _group_cache_key(context: Any, parameters: Mapping[str, Any]) -> str:
    return str(parameters["fingerprint"])


@task(
    name="execute-time-group",
    cache_key_fn=_group_cache_key,
    cache_expiration=dt.timedelta(days=CACHE_DAYS),
    persist_result=True,
    retries=0,
)
def execute_group(credentials: ExeoflowCredentials, workflow_id: str, group: TimeGroup, fingerprint: str,
                  timeout: float, since: dt.date) -> ExecutionRecord:
    """The group's one execution: adopted or found on Exeoflow by its key, else started, then waited for."""
    stop = current_stop_event()
    if stop is not None and stop.is_set():
        raise WaitStoppedError("not started: the run is shutting down")
    with credentials.get_client() as client:
        once = client.execute_once(workflow_id, group.execution_input(), fingerprint, since=since,
                                   lock=PrefectMutex(f"exeoflow:{client.settings.base_url}:{workflow_id}", fingerprint),
                                   timeout=timeout, stop=stop)
    execution = once.execution
    return ExecutionRecord(execution_id=execution.id, status=execution.status or "success", how=once.how)


def _outcome(group: TimeGroup, future: PrefectFuture[ExecutionRecord]) -> GroupResult:
    state = future.state
    base = {"group": group.key, "label": group.label, "entries": len(group.entries), "hours": group.hours}
    if state.is_completed():
        record: ExecutionRecord = state.result()
        status: Status = "already-done" if state.name == "Cached" else _FROM_HOW.get(record.how, "success")  # type: ignore[assignment]
        return GroupResult(**base, execution_id=record.execution_id, status=status)
    if not state.is_final():
        return GroupResult(**base, status="cancelled", message="still stopping when the run ended")
    error = state.result(raise_on_failure=False)
    execution = getattr(error, "execution", None)
    if isinstance(error, (WaitStoppedError, ExecutionCancelledError)):
        status = "cancelled"
    elif isinstance(error, ExecutionTimeoutError):
        status = "timeout"
    elif isinstance(error, ExecutionFailedError):
        status = "failed"
    else:
        status = "error"
    return GroupResult(**base, execution_id=getattr(execution, "id", None), status=status, message=str(error))


def _publish_dry_run(groups: list[TimeGroup], shown: int = DRY_RUN_ENTRIES) -> None:
    """What each execution of a dry run would receive as its input, readable in the UI."""
    parts = []
    for group in groups:
        sent = group.execution_input()
        entries = sent["entries"]
        if len(entries) > shown:
            sent = {**sent, "entries": [*entries[:shown], f"... {len(entries) - shown} more entries"]}
        parts.append(f"### {group.label}\n\n```json\n{json.dumps(sent, ensure_ascii=False, indent=2, default=str)}\n```")
    create_markdown_artifact(key=DRY_RUN_KEY, markdown="\n\n".join(parts),
                             description="Dry run: the input each group's Exeoflow execution would receive.")


def _publish(summary: TimeSyncSummary) -> None:
    rows = [
        {"group": r.label, "entries": r.entries, "hours": r.hours, "execution id": r.execution_id or "",
         "final status": r.status, "note": r.message or ""}
        for r in summary.results
    ]
    create_table_artifact(
        key=ARTIFACT_KEY,
        table=rows or [{"group": "(no project times in this period)", "entries": 0, "hours": 0,
                        "execution id": "", "final status": ""}],
        description=(f"ProSonata times {summary.period_start} to {summary.period_end}: {summary.entries_read} "
                     f"entries in {summary.groups} groups, {summary.executed} executed, {summary.adopted} adopted, "
                     f"{summary.already_done} already done, {summary.failed} failed, {summary.cancelled} cancelled"
                     + (f" (dry run: what each execution would receive is in the artifact {DRY_RUN_KEY})."
                        if summary.dry_run else ".")),
    )


def _run_groups(exeoflow: ExeoflowCredentials, workflow_id: str, groups: list[TimeGroup], target: str,
                timeout: float, since: dt.date) -> tuple[list[GroupResult], BaseException | None]:
    """Every group concurrently; on SIGTERM/cancel the waits stop and cancel their executions."""
    with stop_event() as stop:
        futures = [
            execute_group.with_options(task_run_name=f"execute {group.key}").submit(
                exeoflow, workflow_id, group, group.fingerprint(workflow_id, target), timeout, since)
            for group in groups
        ]
        interrupted: BaseException | None = None
        try:
            wait(futures)
        except BaseException as exc:  # TerminationSignal (SIGTERM, cancel) or Ctrl-C: stop, then report
            if isinstance(exc, Exception):
                raise
            interrupted = exc
            stop.set()
            wait(futures, timeout=STOP_GRACE_SECONDS)
        return [_outcome(g, f) for g, f in zip(groups, futures, strict=True)], interrupted


@plain_optional_parameters
@flow(name="prosonata-time-to-exeoflow", task_runner=ThreadPoolTaskRunner(max_workers=PARALLEL_GROUPS))
def prosonata_time_to_exeoflow(
    prosonata_block: str = "prosonata",
    exeoflow_block: str = "exeoflow",
    workflow: str = "Projektzeiten übernehmen",
    start: OptionalDate = None,
    end: OptionalDate = None,
    project_id: OptionalId = None,
    customer_id: OptionalId = None,
    user_id: OptionalId = None,
    group_by: GroupBy = "project",
    dry_run: bool = False,
    execution_timeout_seconds: Annotated[float, Field(ge=1, le=86_400)] = 600,
) -> TimeSyncSummary:
    """Send ProSonata project times of a period to an Exeoflow workflow, one execution per group, exactly once.

    Args:
        prosonata_block: Name of the saved ProSonata Credentials block.
        exeoflow_block: Name of the saved Exeoflow Credentials block.
        workflow: Exeoflow workflow that receives one execution per group: its id (wf_...) or exact name.
        start: First day of the period; empty means yesterday.
        end: Last day of the period (inclusive); empty means the start day.
        project_id: Only this ProSonata project; empty means all.
        customer_id: Only this ProSonata customer; empty means all.
        user_id: Only this ProSonata user; empty means all.
        group_by: One execution per project, per user, or per entry.
        dry_run: Show what would be sent, in the artifact, without executing.
        execution_timeout_seconds: How long to wait for each execution before cancelling it.
    """
    first, last = period_of(start, end)
    prosonata = ProSonataCredentials.load(prosonata_block)
    exeoflow = ExeoflowCredentials.load(exeoflow_block)
    rows = list_project_times(prosonata, filters=time_filters(first, last, project_id, customer_id, user_id),
                              order_by="date,timeID")
    groups = group_entries(rows, group_by, first, last)
    workflow_id = resolve_workflow(exeoflow, workflow) if groups else None
    results: list[GroupResult]
    interrupted: BaseException | None = None
    if dry_run and groups:
        _publish_dry_run(groups)
    if dry_run or not groups:
        results = [GroupResult(group=g.key, label=g.label, entries=len(g.entries), hours=g.hours, status="dry-run",
                               message="would send (dry run)" if dry_run else None)
                   for g in groups]
    else:
        assert workflow_id is not None
        since = first - dt.timedelta(days=LOOKUP_MARGIN_DAYS)
        results, interrupted = _run_groups(exeoflow, workflow_id, groups, exeoflow_block,
                                           execution_timeout_seconds, since)
    statuses = [r.status for r in results]
    summary = TimeSyncSummary(
        period_start=first, period_end=last, workflow_id=workflow_id, entries_read=len(rows), groups=len(groups),
        hours=total_hours(groups),
        executed=sum(s in ("success", "retried-after-failure") for s in statuses),
        adopted=statuses.count("adopted"), already_done=statuses.count("already-done"),
        succeeded=sum(s in DONE for s in statuses),
        failed=sum(s in ("failed", "timeout", "error") for s in statuses),
        cancelled=statuses.count("cancelled"), dry_run=dry_run, results=results,
    )
    _publish(summary)
    if interrupted is not None:
        raise interrupted
    if summary.failed or summary.cancelled:
        raise TimeSyncFailed(summary)
    return summary
