"""Exeoflow objects as pydantic models: lenient (unknown fields kept), names as the API spells them.

Statuses, node types and connections stay plain strings and dicts: the docs show only a few
values (see the constants below, which are the guessed vocabularies in one place; ids such
as EX-U5 cite the unknowns table in ``docs/apis/exeoflow.md``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SecretStr

from .._core.types import ApiModel, LenientDateTime

#: Workflow statuses [DOC].
WORKFLOW_STATUSES = ("active", "inactive")
#: Execution statuses: ``running``/``success``/``failed`` [DOC]; ``cancelled`` after a cancel [INF, EX-U5].
RUNNING, SUCCESS, FAILED, CANCELLED = "running", "success", "failed", "cancelled"
EXECUTION_STATUSES = (RUNNING, SUCCESS, FAILED, CANCELLED)
#: Statuses that mean "not finished yet" (``queued``/``pending`` are guesses, EX-U5).
ACTIVE_STATUSES = frozenset({RUNNING, "queued", "pending", "waiting"})
#: Statuses that mean "finished"; ``canceled``/``error`` cover other spellings.
FINAL_STATUSES = frozenset({SUCCESS, FAILED, CANCELLED, "canceled", "error", "timeout"})
#: Node families from the user guide; the exact type strings are guesses (EX-U19).
NODE_TYPES = ("trigger", "action", "logic", "data")
#: HTTP methods a webhook may accept (EX-U12, guess).
WEBHOOK_METHODS = ("GET", "POST", "PUT")

T = TypeVar("T")


class Node(ApiModel):
    """One node of a workflow; ``config`` is free-form."""

    id: str
    type: str | None = None
    name: str | None = None
    config: dict[str, Any] = Field(default_factory=dict)


class Workflow(ApiModel):
    """A workflow; ``nodes``/``connections`` are only filled by get (and update)."""

    id: str
    name: str | None = None
    description: str | None = None
    status: str | None = None
    nodes: list[Node] | None = None
    connections: list[dict[str, Any]] | None = None
    created_at: LenientDateTime = None
    updated_at: LenientDateTime = None

    @property
    def is_active(self) -> bool:
        return self.status == "active"


class DeletedWorkflow(ApiModel):
    """The answer to a delete (its shape is undocumented: EX-U8)."""

    id: str | None = None
    deleted: bool = True
    message: str | None = None


class ExecutionError(ApiModel):
    """Why an execution or step failed (EX-U23: shape guessed, may also arrive as a plain string)."""

    code: str | None = None
    message: str | None = None


def _as_error(value: Any) -> Any:
    if isinstance(value, str):
        return {"message": value}
    return value


ErrorField = Annotated[ExecutionError | None, BeforeValidator(_as_error)]


class Step(ApiModel):
    """One node's run inside an execution."""

    node_id: str | None = None
    node_name: str | None = None
    status: str | None = None
    started_at: LenientDateTime = None
    finished_at: LenientDateTime = None
    duration: int | None = None
    error: ErrorField = None


class Execution(ApiModel):
    """A workflow run; ``input``/``output``/``steps`` only in the detail (get) answer."""

    id: str
    workflow_id: str | None = None
    workflow_name: str | None = None
    status: str | None = None
    started_at: LenientDateTime = None
    finished_at: LenientDateTime = None
    duration: int | None = None  # milliseconds
    input: dict[str, Any] | None = None
    output: dict[str, Any] | None = None
    steps: list[Step] | None = None
    error: ErrorField = None

    @property
    def is_finished(self) -> bool:
        """Final status, or an unknown status that already has a ``finished_at``."""
        if self.status in FINAL_STATUSES:
            return True
        return self.status not in ACTIVE_STATUSES and self.finished_at is not None

    @property
    def succeeded(self) -> bool:
        return self.status == SUCCESS

    @property
    def elapsed(self) -> dt.timedelta | None:
        """``duration`` as a timedelta."""
        return None if self.duration is None else dt.timedelta(milliseconds=self.duration)


class ExecutionStarted(ApiModel):
    """The answer to execute and to a webhook invocation: the new execution's id."""

    execution_id: str
    status: str | None = None
    started_at: LenientDateTime = None
    message: str | None = None


class WebhookAuthentication(ApiModel):
    type: str = "bearer"
    enabled: bool = True


class Webhook(ApiModel):
    """A webhook trigger; ``token`` is secret (shown as ``**********``), ``url`` is where to invoke it."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, hide_input_in_errors=True)

    id: str
    workflow_id: str | None = None
    name: str | None = None
    url: str | None = None
    method: str | None = None
    token: SecretStr | None = None
    authentication: WebhookAuthentication | None = None
    created_at: LenientDateTime = None


class Pagination(ApiModel):
    page: int = 1
    limit: int = 20
    total: int = 0
    pages: int = 0


class ListPage(BaseModel, Generic[T]):
    """One page of a listing, with the server's counters."""

    model_config = ConfigDict(extra="allow")

    items: list[T]
    pagination: Pagination | None = None

    @property
    def has_more(self) -> bool:
        if self.pagination is None:
            return False
        return self.pagination.page < self.pagination.pages


__all__ = [
    "CANCELLED",
    "EXECUTION_STATUSES",
    "FAILED",
    "RUNNING",
    "SUCCESS",
    "DeletedWorkflow",
    "Execution",
    "ExecutionError",
    "ExecutionStarted",
    "ListPage",
    "Node",
    "Pagination",
    "Step",
    "Webhook",
    "WebhookAuthentication",
    "Workflow",
]
