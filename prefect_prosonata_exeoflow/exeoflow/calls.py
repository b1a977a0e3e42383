"""Every Exeoflow endpoint declared once (:mod:`.._core.endpoints`), with its argument checks.

:class:`Endpoints` is inherited by both clients, so each declaration is the sync method and
its async twin; the tasks are written from it and the execute-and-wait plan sends its calls.
Arguments are checked before anything is sent (:class:`InvalidRequestError` names the field).
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
from .dialect import API_NAME
from .._core.endpoints import Paging, PathId, Request, declarer
from .._core.http import ANY_SUCCESS
from .._core.pagination import Page
from .._core.paths import segment
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
    """An opaque id that is safe in a URL path (``wf_…``, ``exec_…``); the id itself (the path quotes it)."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequestError(f"{field} must be a non-empty string, got {value!r}")
    if _BAD_ID.search(value):
        raise InvalidRequestError(f"{field} {value!r} contains characters that are not allowed in an id")
    segment(value, field)  # the core's rule for path parameters ('.', '..', ...)
    return value


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


def _workflow_fields(name: Any, description: Any, nodes: Any, connections: Any) -> dict[str, Any]:
    """The body of a workflow's create or update: the fields given (not None), each checked."""
    fields = {
        "name": None if name is None else _text(name, "name", required=True),
        "description": _text(description, "description", required=False),
        "nodes": _nodes(nodes),
        "connections": _connections(connections),
    }
    return {key: value for key, value in fields.items() if value is not None}


def _workflow(workflow_id: Any) -> Request:
    return Request(path={"workflow_id": check_id(workflow_id, "workflow_id")})


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
def _as_page(page: ListPage[Any]) -> Page[Any]:
    return Page(page.items, page.has_more, page.pagination.total if page.pagination else None)


def _paging(what: str) -> Paging:
    """Pages sized by ``limit`` (at most 100); rows told apart by id, as pages shift when runs start."""
    return Paging("page", "limit", MAX_PAGE_SIZE, _as_page, key=lambda item: item.id, what=what)


#: The ids in Exeoflow's paths, for the endpoints whose one argument is such an id.
IDS = {
    "workflow_id": PathId("str", "The workflow's id (``wf_…``).", check_id),
    "execution_id": PathId("str", "The execution's id (``exec_…``).", check_id),
}
endpoint = declarer(API_NAME, _model, IDS)


class Endpoints:
    """Every Exeoflow endpoint, declared once; both clients inherit them as their methods."""

    @endpoint("GET", "workflows", ListPage[Workflow], parse=_page("workflows", Workflow),
              paging=_paging("workflow listing"), example='status="active"')
    def list_workflows_page(page: int = 1, limit: int = DEFAULT_PAGE_SIZE, status: str | None = None) -> Request:
        """One page of workflows, optionally only the active or only the inactive ones.

        The page's ``pagination`` holds ``total`` and ``pages``.

        Args:
            page: The page number, from 1.
            limit: Workflows per page, 1 to 100.
            status: Only ``"active"`` or only ``"inactive"`` workflows; None for all.
        """
        check_page(page, limit)
        params: dict[str, Any] = {"page": page, "limit": limit}
        if status is not None:
            params["status"] = _choice(status, "status", WORKFLOW_STATUSES)
        return Request(params=params)

    iter_workflows = list_workflows_page.walk()
    list_workflows = list_workflows_page.collect()

    get_workflow = endpoint.by_id("get_workflow", "GET", "workflows/{workflow_id}", Workflow,
                                  "One workflow with its ``nodes`` and ``connections``.", example='"wf_100001"')

    @endpoint("POST", "workflows", Workflow, idempotent=False, example='"Nightly export"')
    def create_workflow(
        name: str,
        description: str | None = None,
        nodes: Sequence[Mapping[str, Any] | Node] | None = None,
        connections: Sequence[Mapping[str, Any]] | None = None,
    ) -> Request:
        """Create a workflow (it starts ``inactive``); sent once, never repeated.

        Args:
            name: The workflow's name.
            description: A longer description.
            nodes: The workflow's nodes (each a mapping with ``id`` and ``type``, or a Node).
            connections: The connections between the nodes.
        """
        return Request(json=_workflow_fields(_text(name, "name", required=True), description, nodes, connections))

    @endpoint("PUT", "workflows/{workflow_id}", Workflow, example='"wf_100001", name="Nightly export v2"')
    def update_workflow(
        workflow_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        nodes: Sequence[Mapping[str, Any] | Node] | None = None,
        connections: Sequence[Mapping[str, Any]] | None = None,
    ) -> Request:
        """Change the given fields of a workflow; the others stay.

        Args:
            workflow_id: The workflow's id (``wf_…``).
            name: A new name.
            description: A new description.
            nodes: The new list of nodes (replaces the old one).
            connections: The new list of connections (replaces the old one).
        """
        body = _workflow_fields(name, description, nodes, connections)
        if not body:
            raise InvalidRequestError("update_workflow needs at least one of name, description, nodes, connections")
        return Request(path=_workflow(workflow_id).path, json=body)

    # EX-U8 (docs/apis/exeoflow.md): a delete may answer 204 without a body; its answer is not needed.
    @endpoint("DELETE", "workflows/{workflow_id}", DeletedWorkflow, empty_ok=ANY_SUCCESS, example='"wf_100001"')
    def delete_workflow(workflow_id: str) -> Request:
        """Delete a workflow (and its webhooks).

        Args:
            workflow_id: The workflow's id (``wf_…``).
        """
        request = _workflow(workflow_id)
        return Request(path=request.path, parse=_deleted(workflow_id))

    # Setting a status twice has the same effect as once: safe to retry.
    @endpoint("POST", "workflows/{workflow_id}/status", Workflow, idempotent=True, example='"wf_100001", "active"')
    def set_workflow_status(workflow_id: str, status: str) -> Request:
        """Activate (``"active"``) or deactivate (``"inactive"``) a workflow.

        Args:
            workflow_id: The workflow's id (``wf_…``).
            status: ``"active"`` or ``"inactive"``.
        """
        return Request(path=_workflow(workflow_id).path, json={"status": _choice(status, "status", WORKFLOW_STATUSES)})

    # Never re-sent after it may have arrived: that would start the workflow twice.
    @endpoint("POST", "workflows/{workflow_id}/execute", ExecutionStarted, idempotent=False,
              example='"wf_100001", {"day": "2026-11-22"}')
    def execute_workflow(workflow_id: str, input: Mapping[str, Any] | None = None) -> Request:
        """Start a workflow run and return its ``execution_id`` at once; sent once, never retried.

        Args:
            workflow_id: The workflow's id (``wf_…``).
            input: The run's input, a JSON object.
        """
        return Request(path=_workflow(workflow_id).path, json={"input": _object(input, "input")})

    @endpoint("GET", "executions", ListPage[Execution], parse=_page("executions", Execution),
              paging=_paging("execution listing"), example='workflow_id="wf_100001", status="failed"')
    def list_executions_page(
        page: int = 1,
        limit: int = DEFAULT_PAGE_SIZE,
        workflow_id: str | None = None,
        status: str | None = None,
        date_from: DateLike | None = None,
        date_to: DateLike | None = None,
    ) -> Request:
        """One page of executions, newest first, filtered by workflow, status and start date range.

        Args:
            page: The page number, from 1.
            limit: Executions per page, 1 to 100.
            workflow_id: Only the executions of this workflow.
            status: Only executions in this status (e.g. ``"running"``, ``"failed"``).
            date_from: Only executions started at or after this date or time (naive means UTC).
            date_to: Only executions started at or before this date or time.
        """
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
        return Request(params=params)

    iter_executions = list_executions_page.walk()
    list_executions = list_executions_page.collect()

    get_execution = endpoint.by_id("get_execution", "GET", "executions/{execution_id}", Execution,
                                   "One execution with ``input``, ``output`` and ``steps``.", example='"exec_100001"')
    # Cancelling twice cancels once: safe to retry.
    cancel_execution = endpoint.by_id("cancel_execution", "POST", "executions/{execution_id}/cancel", Execution,
                                      "Cancel a running execution.", idempotent=True, example='"exec_100001"')

    @endpoint("POST", "webhooks", Webhook, idempotent=False, example='"wf_100001", "From the shop"')
    def create_webhook(workflow_id: str, name: str, *, method: str = "POST", authentication: bool = True) -> Request:
        """Create a webhook trigger; the result holds its ``url`` and secret ``token``. Sent once.

        Args:
            workflow_id: The workflow the webhook starts (``wf_…``).
            name: The webhook's name.
            method: The HTTP method the webhook accepts (``"POST"`` or ``"GET"``).
            authentication: Whether callers must send the webhook's bearer token.
        """
        check_id(workflow_id, "workflow_id")
        if not isinstance(authentication, bool):
            raise InvalidRequestError(f"authentication must be True or False, got {authentication!r}")
        body = {
            "workflow_id": workflow_id,
            "name": _text(name, "name", required=True),
            "method": _choice(method.upper() if isinstance(method, str) else method, "method", WEBHOOK_METHODS),
            "authentication": {"type": "bearer", "enabled": authentication},
        }
        return Request(json=body)

    @endpoint("GET", "webhooks", list[Webhook], parse=_webhooks, example='"wf_100001"')
    def list_webhooks(workflow_id: str | None = None) -> Request:
        """Webhooks, optionally of one workflow.

        Args:
            workflow_id: Only the webhooks of this workflow (``wf_…``).
        """
        if workflow_id is None:
            return Request()
        check_id(workflow_id, "workflow_id")
        return Request(params={"workflow_id": workflow_id})

    # The API key is never sent here (its quota is not spent either): the URL may be on another
    # host, and the webhook has its own credential.
    @endpoint("{method}", "{url}", ExecutionStarted, idempotent=False, use_budget=False,
              example='webhook, {"order": 42}')
    def invoke_webhook(
        webhook: Webhook | str,
        payload: Mapping[str, Any] | None = None,
        *,
        token: str | SecretStr | None = None,
        method: str | None = None,
    ) -> Request:
        """Trigger a webhook at its returned URL with its own token (a Webhook carries both); sent once.

        Args:
            webhook: The Webhook as created or listed, or its URL.
            payload: The JSON object sent (as query parameters for a GET webhook).
            token: The webhook's token, when ``webhook`` is a URL (a Webhook carries its own).
            method: The HTTP method, when ``webhook`` is a URL (default ``"POST"``).
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
        return Request(url=url, method=verb, params=body if verb == "GET" and body else None,
                       json=None if verb == "GET" else body, headers=headers)


#: The name users of earlier versions knew the declarations by.
Calls = Endpoints
