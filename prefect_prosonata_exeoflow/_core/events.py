"""Prefect events for what a user may want to automate on: rate-limit waits, 429s, Exeoflow executions.

Every event names the API as a resource (by host, never by key), so an Automation in the Prefect
UI can match on it; inside a flow or task run Prefect also relates the flow run, flow and
deployment. Event names:

=====================================  ==========================================================
``<api>.rate-limit.wait``              the key's budget is spent; the client waits for the window
``<api>.rate-limit.429``               the server answered 429; the client waits for its hint
``exeoflow.execution.started``         an execute call started an execution
``exeoflow.execution.adopted``         the execute call's answer was lost; its execution was found
``exeoflow.execution.succeeded``       an execution we waited for ended ``success``
``exeoflow.execution.failed``          ... ended ``failed`` (or another non-success status)
``exeoflow.execution.cancelled``       ... was cancelled (by us on a timeout or abandoned wait, or by someone else)
=====================================  ==========================================================

``<api>`` is ``prosonata``, ``exeoflow`` or ``endocs``. Events are sent only when a Prefect API is
configured (``PREFECT_API_URL``, which every flow run has): emitting outside would make Prefect
start a throw-away server. Emitting never fails or slows a call: errors are swallowed and the
events travel on Prefect's background worker.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from ..exeoflow.models import Execution

EXECUTION_EVENTS = ("started", "adopted", "succeeded", "failed", "cancelled")


def api_resource(api: str, base_url: str | None) -> dict[str, str]:
    """The API as a resource: its name and host (a base URL carries no key; its path is dropped)."""
    host = (urlsplit(base_url).hostname or "unknown") if base_url else "unknown"
    return {"prefect.resource.id": f"{api.lower()}.api.{host}", "prefect.resource.name": f"{api} at {host}"}


def _related(resource: dict[str, str], role: str) -> dict[str, str]:
    return {**resource, "prefect.resource.role": role}


def _api_configured() -> bool:
    try:
        from prefect.settings import get_current_settings

        return bool(get_current_settings().api.url)
    except Exception:  # noqa: BLE001 - Prefect missing or its settings broken: no events
        return False


def emit(event: str, resource: dict[str, str], related: list[dict[str, str]], payload: dict[str, Any]) -> None:
    """Send one event when a Prefect API is configured; never raise."""
    if not _api_configured():
        return
    try:
        from prefect.events import emit_event

        emit_event(event=event, resource=resource, related=related, payload=payload)
    except Exception:  # noqa: BLE001 - an event must never fail the API call it describes
        pass


def rate_limit_wait(api: str, base_url: str, seconds: float, until: float, reason: str, *, status_429: bool) -> None:
    """A wait for the rate limit: the budget is spent (``wait``) or the server answered 429 (``429``)."""
    kind = "429" if status_429 else "wait"
    emit(
        f"{api.lower()}.rate-limit.{kind}",
        api_resource(api, base_url),
        [],
        {
            "seconds": round(seconds, 3),
            "until": dt.datetime.fromtimestamp(until, dt.timezone.utc).isoformat(timespec="seconds"),
            "reason": reason,
        },
    )


def _execution_resources(
    base_url: str | None, workflow_id: str | None, execution_id: str
) -> tuple[dict[str, str], list[dict[str, str]]]:
    resource = {"prefect.resource.id": f"exeoflow.execution.{execution_id}", "prefect.resource.name": execution_id}
    related = [_related(api_resource("Exeoflow", base_url), "api")]
    if workflow_id:
        related.insert(0, _related(
            {"prefect.resource.id": f"exeoflow.workflow.{workflow_id}", "prefect.resource.name": workflow_id},
            "workflow",
        ))
    return resource, related


def execution_event(
    what: str, base_url: str | None, workflow_id: str | None, execution_id: str, **payload: Any
) -> None:
    """``exeoflow.execution.<what>`` with the execution as resource, its workflow and the API related."""
    assert what in EXECUTION_EVENTS, what
    resource, related = _execution_resources(base_url, workflow_id, execution_id)
    emit(f"exeoflow.execution.{what}", resource, related, {k: v for k, v in payload.items() if v is not None})


def execution_ended(base_url: str | None, execution: Execution) -> None:
    """The event for an execution's final state (success, cancelled, anything else is failed)."""
    status = (execution.status or "").lower()
    what = "succeeded" if status == "success" else "cancelled" if status in ("cancelled", "canceled") else "failed"
    error = execution.error
    execution_event(
        what, base_url, execution.workflow_id, execution.id, status=execution.status,
        error_code=error.code if error else None, error_message=error.message if error else None,
    )
