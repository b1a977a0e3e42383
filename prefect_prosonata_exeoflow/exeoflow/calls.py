"""Every Exeoflow endpoint described once, as a validated :class:`~._core.http.Call` (no I/O).

The sync and async clients, the tasks and the execute-and-wait plan all send these, so an
endpoint's path, body, idempotence and parsing are written in exactly one place. Arguments
are checked here, before anything is sent (:class:`InvalidRequestError` names the field).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, SecretStr

from .._core.dialect import Reply
from .._core.checks import check_finite
from .._core.errors import InvalidRequestError, MalformedResponseError
from .._core.http import ANY_SUCCESS, Call
from .._core.paths import fill, segment
from .models import (
    EXECUTION_STATUSES,
    NODE_TYPES,
    WEBHOOK_METHODS,
    WORKFLOW_STATUSES,
    DeletedWorkflow,
    Execution,
    ExecutionStarted,
    ListPage,
    Node,
    Pagination,
    Webhook,
    Workflow,
)

#: Page sizes [DOC]: default 20, at most 100.
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
_BAD_ID = re.compile(r"[\s/?#%\x00-\x1f]")

DateLike = dt.datetime | dt.date | str


# -- argument checks ---------------------------------------------------------------------------
def check_id(value: Any, field: str) -> str:
    """An opaque id that is safe in a URL path (``wf_…``, ``exec_…``)."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequestError(f"{field} must be a non-empty string, got {value!r}")
    if _BAD_ID.search(value):
        raise InvalidRequestError(f"{field} {value!r} contains characters that are not allowed in an id")
    return segment(value, field)  # the core's rule for path parameters ('.', '..', ...)


def _text(value: Any, field: str, *, required: bool) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise InvalidRequestError(f"{field} must be a non-empty string, got {value!r}")
    return value


def _choice(value: Any, field: str, allowed: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise InvalidRequestError(f"{field} must be one of {', '.join(allowed)}; got {value!r}")
    return value


def check_page(page: Any, limit: Any) -> None:
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        raise InvalidRequestError(f"page must be an integer >= 1, got {page!r}")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidRequestError(f"limit (page size) must be an integer from 1 to {MAX_PAGE_SIZE}, got {limit!r}")


def _object(value: Any, field: str) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", exclude_none=True)
    if not isinstance(value, Mapping) or not all(isinstance(key, str) for key in value):
        raise InvalidRequestError(f"{field} must be a JSON object (a dict with string keys), got {type(value).__name__}")
    check_finite(value, field)
    return dict(value)


def _nodes(value: Any) -> list[dict[str, Any]] | None:
    if value is None:
        return None
    if not isinstance(value, Sequence) or isinstance(value, (str, bytes)):
        raise InvalidRequestError("nodes must be a list of node objects")
    nodes = []
    for index, node in enumerate(value):
        item = _object(node, f"nodes[{index}]")
        if not isinstance(item.get("id"), str) or not item["id"]:
            raise InvalidRequestError(f"nodes[{index}] needs a string 'id'")
        if not isinstance(item.get("type"), str) or not item["type"]:
            raise InvalidRequestError(f"nodes[{index}] needs a string 'type' (e.g. {', '.join(NODE_TYPES)})")
        nodes.append(item)
    return nodes


def _connections(value: Any) -> list[dict[str, Any]] | None:
    if value is None:
        return None
    if not isinstance(value, Sequence) or isinstance(value, (str, bytes)):
        raise InvalidRequestError("connections must be a list of objects")
    return [_object(item, f"connections[{index}]") for index, item in enumerate(value)]


def format_timestamp(value: DateLike, field: str) -> str:
    """ISO 8601 for the ``from``/``to`` filters: a date stays a date, a datetime becomes UTC ``Z``.

    A naive datetime is taken as UTC.
    """
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
        return moment.astimezone(dt.timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            if len(text) == 10:
                dt.date.fromisoformat(text)
            else:
                dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            return text
    raise InvalidRequestError(f"{field} must be a date, a datetime or an ISO 8601 string, got {value!r}")


def _moment(text: str) -> dt.datetime:
    """A formatted ``from``/``to`` value as an aware datetime (a date is its midnight, UTC)."""
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def epoch_timestamp(seconds: float) -> str:
    """Whole-second UTC ISO 8601 for an epoch time, rounded down (a safe lower bound)."""
    moment = dt.datetime.fromtimestamp(math.floor(seconds), tz=dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def check_webhook_url(url: Any) -> str:
    if not isinstance(url, str) or not url.strip():
        raise InvalidRequestError(f"webhook url must be a non-empty string, got {url!r}")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidRequestError("webhook url must be an absolute http(s) URL, as returned by create/list webhooks")
    return url.strip()


def _workflow_path(template: str, workflow_id: Any) -> str:
    check_id(workflow_id, "workflow_id")
    return fill(template, workflow_id=workflow_id)


def _execution_path(template: str, execution_id: Any) -> str:
    check_id(execution_id, "execution_id")
    return fill(template, execution_id=execution_id)


# -- parsing ---------------------------------------------------------------------------------
def _mapping(reply: Reply) -> Mapping[str, Any]:
    if not isinstance(reply.data, Mapping):
        raise MalformedResponseError(f"expected an object in data, got {type(reply.data).__name__}", status=reply.status)
    return reply.data


def _model(model: type[BaseModel]) -> Any:
    def parse(reply: Reply) -> Any:
        return model.model_validate(_mapping(reply))

    return parse


def _page(key: str, model: type[BaseModel]) -> Any:
    def parse(reply: Reply) -> ListPage[Any]:
        data = _mapping(reply)
        rows = data.get(key)
        if not isinstance(rows, list):  # never read a missing or odd list as "no rows"
            raise MalformedResponseError(f"expected a list in data.{key}, got {type(rows).__name__}",
                                         status=reply.status)
        pagination = data.get("pagination")
        return ListPage[Any](
            items=[model.model_validate(row) for row in rows],
            pagination=Pagination.model_validate(pagination) if isinstance(pagination, Mapping) else None,
        )

    return parse


def _deleted(workflow_id: str) -> Any:
    def parse(reply: Reply) -> DeletedWorkflow:
        data = reply.data if isinstance(reply.data, Mapping) else {}
        return DeletedWorkflow.model_validate({"id": workflow_id, **data})

    return parse


def _webhooks(reply: Reply) -> list[Webhook]:
    rows = _mapping(reply).get("webhooks")
    if not isinstance(rows, list):
        raise MalformedResponseError(f"expected a list in data.webhooks, got {type(rows).__name__}", status=reply.status)
    return [Webhook.model_validate(row) for row in rows]


# -- the 13 endpoints ------------------------------------------------------------------------
class Calls:
    """One static method per endpoint; each returns a :class:`Call` ready to send."""

    @staticmethod
    def list_workflows(page: int = 1, limit: int = DEFAULT_PAGE_SIZE, status: str | None = None) -> Call[ListPage[Workflow]]:
        check_page(page, limit)
        params: dict[str, Any] = {"page": page, "limit": limit}
        if status is not None:
            params["status"] = _choice(status, "status", WORKFLOW_STATUSES)
        return Call("GET", "workflows", params=params, parse=_page("workflows", Workflow))

    @staticmethod
    def get_workflow(workflow_id: str) -> Call[Workflow]:
        return Call("GET", _workflow_path("workflows/{workflow_id}", workflow_id), parse=_model(Workflow))

    @staticmethod
    def create_workflow(
        name: str,
        description: str | None = None,
        nodes: Sequence[Mapping[str, Any] | Node] | None = None,
        connections: Sequence[Mapping[str, Any]] | None = None,
    ) -> Call[Workflow]:
        body: dict[str, Any] = {"name": _text(name, "name", required=True)}
        extra = {
            "description": _text(description, "description", required=False),
            "nodes": _nodes(nodes),
            "connections": _connections(connections),
        }
        body.update({key: value for key, value in extra.items() if value is not None})
        return Call("POST", "workflows", json=body, idempotent=False, parse=_model(Workflow))

    @staticmethod
    def update_workflow(
        workflow_id: str,
        name: str | None = None,
        description: str | None = None,
        nodes: Sequence[Mapping[str, Any] | Node] | None = None,
        connections: Sequence[Mapping[str, Any]] | None = None,
    ) -> Call[Workflow]:
        path = _workflow_path("workflows/{workflow_id}", workflow_id)
        fields = {
            "name": None if name is None else _text(name, "name", required=True),
            "description": _text(description, "description", required=False),
            "nodes": _nodes(nodes),
            "connections": _connections(connections),
        }
        body = {key: value for key, value in fields.items() if value is not None}
        if not body:
            raise InvalidRequestError("update_workflow needs at least one of name, description, nodes, connections")
        return Call("PUT", path, json=body, parse=_model(Workflow))

    @staticmethod
    def delete_workflow(workflow_id: str) -> Call[DeletedWorkflow]:
        path = _workflow_path("workflows/{workflow_id}", workflow_id)
        # EX-U8 (docs/apis/exeoflow.md): a delete may answer 204 without a body; its answer is not needed.
        return Call("DELETE", path, parse=_deleted(workflow_id), empty_ok=ANY_SUCCESS)

    @staticmethod
    def set_workflow_status(workflow_id: str, status: str) -> Call[Workflow]:
        path = _workflow_path("workflows/{workflow_id}/status", workflow_id)
        body = {"status": _choice(status, "status", WORKFLOW_STATUSES)}
        # Setting a status twice has the same effect as once: safe to retry.
        return Call("POST", path, json=body, idempotent=True, parse=_model(Workflow))

    @staticmethod
    def execute_workflow(workflow_id: str, input: Mapping[str, Any] | None = None) -> Call[ExecutionStarted]:
        path = _workflow_path("workflows/{workflow_id}/execute", workflow_id)
        body = {"input": _object(input, "input")}
        # Never re-sent after it may have arrived: that would start the workflow twice.
        return Call("POST", path, json=body, idempotent=False, parse=_model(ExecutionStarted))

    @staticmethod
    def list_executions(
        page: int = 1,
        limit: int = DEFAULT_PAGE_SIZE,
        workflow_id: str | None = None,
        status: str | None = None,
        date_from: DateLike | None = None,
        date_to: DateLike | None = None,
    ) -> Call[ListPage[Execution]]:
        check_page(page, limit)
        params: dict[str, Any] = {"page": page, "limit": limit}
        if workflow_id is not None:
            check_id(workflow_id, "workflow_id")
            params["workflow_id"] = workflow_id
        if status is not None:
            params["status"] = _choice(status, "status", EXECUTION_STATUSES)
        if date_from is not None:
            params["from"] = format_timestamp(date_from, "date_from")
        if date_to is not None:
            params["to"] = format_timestamp(date_to, "date_to")
        if "from" in params and "to" in params and _moment(params["from"]) > _moment(params["to"]):
            raise InvalidRequestError(f"date_from {params['from']} is after date_to {params['to']}")
        return Call("GET", "executions", params=params, parse=_page("executions", Execution))

    @staticmethod
    def get_execution(execution_id: str) -> Call[Execution]:
        return Call("GET", _execution_path("executions/{execution_id}", execution_id), parse=_model(Execution))

    @staticmethod
    def cancel_execution(execution_id: str) -> Call[Execution]:
        path = _execution_path("executions/{execution_id}/cancel", execution_id)
        # Cancelling twice cancels once: safe to retry.
        return Call("POST", path, idempotent=True, parse=_model(Execution))

    @staticmethod
    def create_webhook(
        workflow_id: str, name: str, method: str = "POST", authentication: bool = True
    ) -> Call[Webhook]:
        check_id(workflow_id, "workflow_id")
        if not isinstance(authentication, bool):
            raise InvalidRequestError(f"authentication must be True or False, got {authentication!r}")
        body = {
            "workflow_id": workflow_id,
            "name": _text(name, "name", required=True),
            "method": _choice(method.upper() if isinstance(method, str) else method, "method", WEBHOOK_METHODS),
            "authentication": {"type": "bearer", "enabled": authentication},
        }
        return Call("POST", "webhooks", json=body, idempotent=False, parse=_model(Webhook))

    @staticmethod
    def list_webhooks(workflow_id: str | None = None) -> Call[list[Webhook]]:
        params = None
        if workflow_id is not None:
            check_id(workflow_id, "workflow_id")
            params = {"workflow_id": workflow_id}
        return Call("GET", "webhooks", params=params, parse=_webhooks)

    @staticmethod
    def invoke_webhook(
        webhook: Webhook | str,
        payload: Mapping[str, Any] | None = None,
        *,
        token: str | SecretStr | None = None,
        method: str | None = None,
    ) -> Call[ExecutionStarted]:
        """Trigger a webhook at the URL the API returned, with the webhook's own token.

        The API key is never sent here: the URL may be on another host, and the webhook has
        its own credential. ``payload`` is sent unchanged (as query parameters for GET).
        """
        if isinstance(webhook, Webhook):
            url = check_webhook_url(webhook.url)
            if token is None and webhook.token is not None and (
                webhook.authentication is None or webhook.authentication.enabled
            ):
                token = webhook.token
            method = method or webhook.method or "POST"
        else:
            url = check_webhook_url(webhook)
        verb = _choice((method or "POST").upper(), "method", WEBHOOK_METHODS)
        secret = token.get_secret_value() if isinstance(token, SecretStr) else token
        if secret is not None and (not isinstance(secret, str) or not secret.strip()):
            raise InvalidRequestError("token must be a non-empty string (the webhook's whsec_… token) or None")
        headers = {"Authorization": f"Bearer {secret.strip()}"} if secret else None
        body = _object(payload, "payload")
        return Call(
            verb,
            url,
            params=body if verb == "GET" and body else None,
            json=None if verb == "GET" else body,
            headers=headers,
            idempotent=False,
            use_budget=False,  # not the API key's quota
            parse=_model(ExecutionStarted),
        )
