"""The Exeoflow emulator's records: workflows, executions that run over time, webhooks.

An execution's status, steps and output are computed from the clock on every read, so the
store keeps only when and how a run started; :mod:`.emulator` serves them over HTTP.
"""

from __future__ import annotations

import datetime as dt
import math
from copy import deepcopy
from dataclasses import dataclass
from typing import Any

RUNNING, SUCCESS, FAILED, CANCELLED = "running", "success", "failed", "cancelled"
EXECUTION_STATUSES = (RUNNING, SUCCESS, FAILED, CANCELLED)


def iso_time(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return dt.datetime.fromtimestamp(math.floor(epoch), tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch_of(text: str) -> float:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


@dataclass
class WorkflowRecord:
    id: str
    name: str
    description: str
    status: str
    nodes: list[dict[str, Any]]
    connections: list[dict[str, Any]]
    created_at: float
    updated_at: float

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "description": self.description, "status": self.status,
                "created_at": iso_time(self.created_at), "updated_at": iso_time(self.updated_at)}

    def detail(self) -> dict[str, Any]:
        view = self.summary()
        view.update(nodes=deepcopy(self.nodes), connections=deepcopy(self.connections))
        return view


@dataclass
class ExecutionRecord:
    id: str
    workflow_id: str
    workflow_name: str
    nodes: list[dict[str, Any]]
    input: dict[str, Any]
    started_at: float
    seconds: float
    fail: bool = False
    error_code: str = "NODE_FAILED"
    error_message: str | None = None
    cancelled_at: float | None = None

    def state(self, now: float) -> tuple[str, float | None]:
        """Status and end time as of ``now``."""
        if self.cancelled_at is not None:
            return CANCELLED, self.cancelled_at
        end = self.started_at + self.seconds
        if now >= end:
            return (FAILED if self.fail else SUCCESS), end
        return RUNNING, None

    def _error(self) -> dict[str, str]:
        node = self.nodes[-1].get("name") or self.nodes[-1].get("type") if self.nodes else None
        message = self.error_message or (f"Knoten '{node}' ist fehlgeschlagen" if node else "Ausführung fehlgeschlagen")
        return {"code": self.error_code, "message": message}

    def view(self, now: float, *, detail: bool) -> dict[str, Any]:
        status, end = self.state(now)
        view: dict[str, Any] = {
            "id": self.id, "workflow_id": self.workflow_id, "workflow_name": self.workflow_name, "status": status,
            "started_at": iso_time(self.started_at), "finished_at": iso_time(end),
            "duration": None if end is None else round((end - self.started_at) * 1000),
        }
        if status == FAILED:
            view["error"] = self._error()
        if detail:
            view["input"] = deepcopy(self.input)
            view["output"] = self._output(status)
            view["steps"] = self._steps(now, status, end)
        return view

    def _output(self, status: str) -> dict[str, Any] | None:
        if status == RUNNING:
            return None
        if status != SUCCESS:
            return {}
        echo = {key: value for key, value in self.input.items() if key != "_sandbox"}
        return {"result": "success", "message": "Workflow erfolgreich ausgeführt",
                "received": sorted(echo), "echo": deepcopy(echo)}

    def _steps(self, now: float, status: str, end: float | None) -> list[dict[str, Any]]:
        """One step per node reached by ``now``; the nodes share the run's length equally."""
        count = len(self.nodes)
        horizon = end if end is not None else now
        steps = []
        for index, node in enumerate(self.nodes):
            start = self.started_at + index * self.seconds / count
            stop = self.started_at + (index + 1) * self.seconds / count
            if index and start >= horizon and status in (RUNNING, CANCELLED):
                break  # not reached (yet)
            step: dict[str, Any] = {"node_id": node.get("id"), "node_name": node.get("name") or node.get("type"),
                                    "started_at": iso_time(start)}
            finished: float | None
            if status == FAILED and index == count - 1:
                state, finished = FAILED, stop
                step["error"] = self._error()
            elif stop <= horizon:
                state, finished = SUCCESS, stop
            elif status == CANCELLED:
                state, finished = CANCELLED, horizon
            else:
                state, finished = RUNNING, None
            step.update(status=state, finished_at=iso_time(finished),
                        duration=None if finished is None else round((finished - start) * 1000))
            steps.append(step)
        return steps


@dataclass
class WebhookRecord:
    id: str
    workflow_id: str
    name: str
    method: str
    token: str
    auth_enabled: bool
    created_at: float

    def view(self, origin: str, mount: str) -> dict[str, Any]:
        return {"id": self.id, "workflow_id": self.workflow_id, "name": self.name,
                "url": f"{origin}/{mount}/webhook/{self.id}", "method": self.method, "token": self.token,
                "authentication": {"type": "bearer", "enabled": self.auth_enabled},
                "created_at": iso_time(self.created_at)}


@dataclass
class RunOptions:
    rate_limit: int = 100
    window_seconds: float = 60.0
    execution_seconds: float = 1.0
    forced_retry_after: float = 1.0
