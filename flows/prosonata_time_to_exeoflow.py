"""The main job: ProSonata project times of a period, grouped, each group one Exeoflow execution.

Incremental and idempotent: each group's execution is a Prefect task cached under the group's
content fingerprint (see :mod:`flows.time_groups`), so a rerun over the same period starts
nothing twice, a failed group is retried on the next run, and an edited entry is sent again.
Executions run concurrently; the shared rate budget of each API key keeps them within limits.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.futures import wait
from prefect.task_runners import ThreadPoolTaskRunner
from pydantic import BaseModel, Field, model_validator

from prefect_prosonata_exeoflow import APIError, InvalidRequestError, NotFoundError
from prefect_prosonata_exeoflow.exeoflow import ExeoflowCredentials
from prefect_prosonata_exeoflow.prosonata import ProSonataCredentials, between, list_project_times

from flows.time_groups import GroupBy, TimeGroup, group_entries, total_hours

ARTIFACT_KEY = "prosonata-time-to-exeoflow"
CACHE_DAYS = 400
Status = Literal["success", "failed", "cancelled", "timeout", "error", "already-done", "dry-run"]


class TimeSyncParameters(BaseModel):
    """What to send: rendered by the Prefect UI as the run form."""

    prosonata_block: str = Field("prosonata", description="Name of the saved ProSonata Credentials block.")
    exeoflow_block: str = Field("exeoflow", description="Name of the saved Exeoflow Credentials block.")
    workflow: str = Field(
        "Projektzeiten übernehmen",
        description="Exeoflow workflow that receives one execution per group: its id (wf_...) or exact name.",
    )
    start: dt.date | None = Field(None, description="First day of the period; empty means yesterday.")
    end: dt.date | None = Field(None, description="Last day of the period (inclusive); empty means the start day.")
    project_id: Annotated[int | None, Field(ge=1)] = Field(None, description="Only this ProSonata project.")
    customer_id: Annotated[int | None, Field(ge=1)] = Field(None, description="Only this ProSonata customer.")
    user_id: Annotated[int | None, Field(ge=1)] = Field(None, description="Only this ProSonata user.")
    group_by: GroupBy = Field("project", description="One execution per project, per user, or per entry.")
    dry_run: bool = Field(False, description="Show what would be sent, in the artifact, without executing.")
    execution_timeout_seconds: Annotated[float, Field(ge=1, le=86_400)] = Field(
        600, description="How long to wait for each execution before cancelling it."
    )

    @model_validator(mode="after")
    def _ordered_period(self) -> TimeSyncParameters:
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if self.end and not self.start:
            raise ValueError("end needs a start")
        return self

    def period(self, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
        start = self.start or (today or dt.date.today()) - dt.timedelta(days=1)
        return start, self.end or start

    def filters(self, start: dt.date, end: dt.date) -> dict[str, Any]:
        filters: dict[str, Any] = {"date": start if start == end else between(start, end)}
        for name, value in (("projectID", self.project_id), ("customerID", self.customer_id),
                            ("userID", self.user_id)):
            if value is not None:
                filters[name] = value
        return filters


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
    already_done: int
    succeeded: int
    failed: int
    dry_run: bool
    results: list[GroupResult]


class TimeSyncFailed(APIError):
    """Some executions failed; ``summary`` has every group's outcome (rerun to retry those)."""

    def __init__(self, summary: TimeSyncSummary) -> None:
        self.summary = summary
        failed = [r for r in summary.results if r.status not in ("success", "already-done")]
        super().__init__(f"{len(failed)} of {summary.groups} executions did not succeed: "
                         + "; ".join(f"{r.label}: {r.status} {r.message or ''}".strip() for r in failed[:5]))


class ExecutionRecord(BaseModel):
    execution_id: str
    status: str


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
                  timeout: float) -> ExecutionRecord:
    """One execution for one group, run to its end; cached under the group's fingerprint."""
    with credentials.get_client() as client:
        execution = client.execute_and_wait(workflow_id, group.execution_input(), timeout=timeout)
    return ExecutionRecord(execution_id=execution.id, status=execution.status or "success")


def _outcome(group: TimeGroup, future: Any) -> GroupResult:
    state = future.state
    base = {"group": group.key, "label": group.label, "entries": len(group.entries), "hours": group.hours}
    if state.is_completed():
        record: ExecutionRecord = state.result()
        status: Status = "already-done" if state.name == "Cached" else "success"
        return GroupResult(**base, execution_id=record.execution_id, status=status)
    error = state.result(raise_on_failure=False)
    execution = getattr(error, "execution", None)
    name = type(error).__name__
    status = "timeout" if "Timeout" in name else "cancelled" if "Cancelled" in name else (
        "failed" if execution is not None else "error")
    return GroupResult(**base, execution_id=getattr(execution, "id", None), status=status, message=str(error))


def _preview(group: TimeGroup, shown: int = 3) -> str:
    """What a dry run would send as the execution's input (the first entries of a long group)."""
    sent = group.execution_input()
    entries = sent["entries"]
    if len(entries) > shown:
        sent = {**sent, "entries": [*entries[:shown], f"... {len(entries) - shown} more entries"]}
    return "would send input " + json.dumps(sent, ensure_ascii=False, default=str)


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
                     f"entries in {summary.groups} groups, {summary.executed} executed, "
                     f"{summary.already_done} already done{' (dry run)' if summary.dry_run else ''}."),
    )


@flow(name="prosonata-time-to-exeoflow", task_runner=ThreadPoolTaskRunner(max_workers=8))
def prosonata_time_to_exeoflow(parameters: TimeSyncParameters = TimeSyncParameters()) -> TimeSyncSummary:
    """Send ProSonata project times of a period to an Exeoflow workflow, one execution per group."""
    start, end = parameters.period()
    prosonata = ProSonataCredentials.load(parameters.prosonata_block)
    exeoflow = ExeoflowCredentials.load(parameters.exeoflow_block)
    rows = list_project_times(prosonata, filters=parameters.filters(start, end), order_by="date,timeID")
    groups = group_entries(rows, parameters.group_by, start, end)
    workflow_id = resolve_workflow(exeoflow, parameters.workflow) if groups else None
    results: list[GroupResult]
    if parameters.dry_run or not groups:
        results = [GroupResult(group=g.key, label=g.label, entries=len(g.entries), hours=g.hours, status="dry-run",
                               message=_preview(g) if parameters.dry_run else None)
                   for g in groups]
    else:
        assert workflow_id is not None
        futures = [
            execute_group.with_options(task_run_name=f"execute {group.key}").submit(
                exeoflow, workflow_id, group, group.fingerprint(workflow_id, parameters.exeoflow_block),
                parameters.execution_timeout_seconds,
            )
            for group in groups
        ]
        wait(futures)
        results = [_outcome(group, future) for group, future in zip(groups, futures, strict=True)]
    summary = TimeSyncSummary(
        period_start=start, period_end=end, workflow_id=workflow_id, entries_read=len(rows), groups=len(groups),
        hours=total_hours(groups), executed=sum(r.status not in ("already-done", "dry-run") for r in results),
        already_done=sum(r.status == "already-done" for r in results),
        succeeded=sum(r.status == "success" for r in results),
        failed=sum(r.status in ("failed", "cancelled", "timeout", "error") for r in results),
        dry_run=parameters.dry_run, results=results,
    )
    _publish(summary)
    if summary.failed:
        raise TimeSyncFailed(summary)
    return summary
