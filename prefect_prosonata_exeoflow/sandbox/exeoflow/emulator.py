"""The Exeoflow emulator: workflows, executions that run over time, webhooks, per-minute quota.

Base URL in the sandbox: ``http://localhost:PORT/exeoflow/v1``; the public webhook route is
``/exeoflow/webhook/{id}`` and the API returns it as an absolute URL on the request's host.
Behaviour follows ``docs/apis/exeoflow.md`` (its working guesses where the docs are silent):

* Envelope ``{"success": true, "data": …}`` / ``{"success": false, "error": {code, message}}``
  (German messages); 201 for creates, 200 otherwise; unknown routes 404 ``NOT_FOUND``.
* Bearer API key (``SANDBOX_KEYS["exeoflow_api_key"]``); missing or wrong: 401 ``UNAUTHORIZED``.
* Fixed windows of ``window_seconds`` (default 60) aligned to the clock, ``rate_limit`` calls
  per key (default 100); every ``/v1`` answer carries ``X-RateLimit-Limit``/``-Remaining``/
  ``-Reset`` (epoch seconds of the window end, rounded up); a refused call gets 429
  ``RATE_LIMIT_EXCEEDED`` with ``Retry-After``. Webhook invocations are not counted.
* A forced ``rate_limit`` fault answers 429 with a hint of ``forced_retry_after`` seconds in
  the form ``rule.hint`` names: ``default`` (Retry-After and X-RateLimit-*), ``reset_only``
  (no Retry-After), ``retry_after_only`` (no X-RateLimit-*), ``missing`` (no hint at all),
  ``garbage`` (unparseable values), ``stale`` (``X-RateLimit-Reset`` a window in the past, no
  ``Retry-After``), ``huge`` (``Retry-After: 999999``).
* The rate options every emulator takes (``window_phase``, ``clock_offset``, ``rival_calls``,
  ``hintless_429``; see ``_emulator.RATE_DEFAULTS``); epoch resets are on the skewed clock.
* Executions run through the workflow's nodes over ``execution_seconds`` (default 1.0),
  computed from the clock on every read, and end ``success`` (output echoes the input) or
  ``failed`` (``error: {code, message}``); cancel makes a running one ``cancelled`` (400
  ``EXECUTION_NOT_RUNNING`` otherwise). An input may steer its run with a ``_sandbox`` object:
  ``{"fail": true}`` fails at the last node, ``{"seconds": 5}`` sets the run's length,
  ``{"error_code": "…", "error_message": "…"}`` sets the failure's error.
* Manual execute works for inactive workflows; a webhook of an inactive workflow answers 400
  ``WORKFLOW_INACTIVE``. Deleting a workflow deletes its webhooks, keeps its executions.

Counters: ``requests``, ``429``, ``create.workflow``, ``update.workflow``, ``delete.workflow``,
``status.workflow``, ``execute`` (one per processed execute call), ``cancel``,
``create.webhook``, ``webhook.invoke``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import string
import threading
from collections.abc import Awaitable, Callable, Mapping
from copy import deepcopy
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .._emulator import RATE_DEFAULTS, Emulator, ErrorAnswer
from .._ratelimit import WindowState
from .seed import EXECUTIONS, WEBHOOKS, WORKFLOWS
from .store import (
    CANCELLED, EXECUTION_STATUSES, RUNNING, ExecutionRecord, RunOptions, WebhookRecord, WorkflowRecord,
    epoch_of, iso_time,
)
from ..keys import SANDBOX_KEYS

WORKFLOW_STATUSES = ("active", "inactive")
WEBHOOK_METHODS = ("GET", "POST", "PUT")
MAX_PAGE_SIZE = 100
_CODES = {400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND",
          405: "METHOD_NOT_ALLOWED", 429: "RATE_LIMIT_EXCEEDED", 503: "SERVICE_UNAVAILABLE"}
_MESSAGES = {400: "Ungültige Anfrage", 401: "Authentifizierung fehlgeschlagen", 403: "Keine Berechtigung",
             404: "Ressource nicht gefunden", 405: "Methode nicht erlaubt",
             429: "Rate Limit überschritten. Bitte versuchen Sie es später erneut.",
             500: "Interner Serverfehler", 503: "Dienst vorübergehend nicht verfügbar"}
_ID_CHARS = string.ascii_lowercase + string.digits
_ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
_SANDBOX_OPTIONS = {"fail", "seconds", "error_code", "error_message"}

Handler = Callable[[Request], Awaitable[tuple[int, Any]]]


def _envelope(status: int, data: Any = None, *, error: tuple[str, str] | None = None) -> Response:
    body = ({"success": False, "error": {"code": error[0], "message": error[1]}} if error
            else {"success": True, "data": data})
    return Response(json.dumps(body, ensure_ascii=False).encode(), status, media_type="application/json")


class ExeoflowEmulator(Emulator):
    """Exeoflow's REST API, as documented plus the working guesses of ``docs/apis/exeoflow.md``."""

    name = "exeoflow"
    base_path = "/v1"

    # -- configuration and state -------------------------------------------------------
    def configure(self, **options: Any) -> None:
        if not hasattr(self, "options"):
            self.options = RunOptions()
            self._lock = threading.RLock()
        unknown = set(options) - {"rate_limit", "window_seconds", "execution_seconds", "forced_retry_after",
                                  *RATE_DEFAULTS}
        if unknown:
            raise TypeError(f"unknown exeoflow option(s): {sorted(unknown)}")
        options, _ = self.take_rate_options(options)
        for name, value in options.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"exeoflow option {name} must be a number, got {value!r}")
            if name == "rate_limit" and (not isinstance(value, int) or value < 1):
                raise ValueError(f"rate_limit must be an integer >= 1, got {value!r}")
            if name != "rate_limit" and (value < 0 or (name == "window_seconds" and value <= 0)):
                raise ValueError(f"{name} must be positive, got {value!r}")
            setattr(self.options, name, value)
        self.limiter = self.new_limiter(self.options.rate_limit, float(self.options.window_seconds), aligned=True)
        self.spend_rival_calls(self.limiter, SANDBOX_KEYS["exeoflow_api_key"])

    def reset(self) -> None:
        with self._lock:
            self.limiter.reset()
            self._rng = random.Random(self.seed)
            self.workflows: dict[str, WorkflowRecord] = {}
            for row in WORKFLOWS:
                self.workflows[row["id"]] = WorkflowRecord(
                    row["id"], row["name"], row["description"], row["status"], deepcopy(row["nodes"]),
                    deepcopy(row["connections"]), epoch_of(row["created_at"]), epoch_of(row["updated_at"]))
            self.executions: dict[str, ExecutionRecord] = {}
            for row in EXECUTIONS:
                workflow = self.workflows[row["workflow_id"]]
                self.executions[row["id"]] = ExecutionRecord(
                    row["id"], workflow.id, workflow.name, deepcopy(workflow.nodes), deepcopy(row["input"]),
                    epoch_of(row["started_at"]), float(row["seconds"]), fail=bool(row.get("fail")))
            self.webhooks: dict[str, WebhookRecord] = {}
            for row in WEBHOOKS:
                self.webhooks[row["id"]] = WebhookRecord(
                    row["id"], row["workflow_id"], row["name"], row["method"], self._token(),
                    row["auth_enabled"], epoch_of(row["created_at"]))

    def error_body(self, status: int) -> tuple[str, bytes]:
        code = _CODES.get(status, "INTERNAL_ERROR" if status >= 500 else "ERROR")
        message = _MESSAGES.get(status, _MESSAGES[500] if status >= 500 else "Fehler")
        body = {"success": False, "error": {"code": code, "message": message}}
        return "application/json", json.dumps(body, ensure_ascii=False).encode()

    # -- helpers for tests ---------------------------------------------------------------
    def execution(self, execution_id: str) -> dict[str, Any]:
        """The execution as the API would show it now (tests)."""
        with self._lock:
            return self.executions[execution_id].view(self.clock.time(), detail=True)

    def running_executions(self) -> list[str]:
        now = self.clock.time()
        with self._lock:
            return [e.id for e in self.executions.values() if e.state(now)[0] == RUNNING]

    def webhook_token(self, webhook_id: str) -> str:
        return self.webhooks[webhook_id].token

    # -- routing -------------------------------------------------------------------------
    def routes(self) -> list[BaseRoute]:
        api = self._api
        paths = [
            ("/v1/workflows", api(GET=self._list_workflows, POST=self._create_workflow)),
            ("/v1/workflows/{workflow_id}",
             api(GET=self._get_workflow, PUT=self._update_workflow, DELETE=self._delete_workflow)),
            ("/v1/workflows/{workflow_id}/status", api(POST=self._set_status)),
            ("/v1/workflows/{workflow_id}/execute", api(POST=self._execute)),
            ("/v1/executions", api(GET=self._list_executions)),
            ("/v1/executions/{execution_id}", api(GET=self._get_execution)),
            ("/v1/executions/{execution_id}/cancel", api(POST=self._cancel)),
            ("/v1/webhooks", api(GET=self._list_webhooks, POST=self._create_webhook)),
            ("/webhook/{webhook_id}", self._invoke_webhook),
            ("/{rest:path}", api()),
        ]
        # Every method reaches the endpoint, which answers 405 in the API's own envelope.
        return [Route(path, endpoint, methods=_ALL_METHODS) for path, endpoint in paths]

    def _api(self, **handlers: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            self.count("requests")
            key = _bearer(request) or "anonymous"
            forced = self.forced_rate_limit(request)
            if forced is not None:
                return self._forced_429(forced.hint)
            state = self.limiter.hit(key)
            if not state.allowed:
                self.count("429")
                response = _envelope(429, error=("RATE_LIMIT_EXCEEDED", _MESSAGES[429]))
                if self.rate["hintless_429"]:
                    return response
                response.headers["Retry-After"] = str(max(1, math.ceil(state.reset_in)))
            else:
                response = await self._dispatch(request, key, handlers)
            response.headers.update(_window_headers(state))
            return response

        return endpoint

    async def _dispatch(self, request: Request, key: str, handlers: Mapping[str, Handler]) -> Response:
        try:
            if key != SANDBOX_KEYS["exeoflow_api_key"]:
                raise ErrorAnswer(401, "Ungültiger oder fehlender API-Schlüssel", code="UNAUTHORIZED")
            if not handlers:
                raise ErrorAnswer(404, f"Pfad {request.url.path} nicht gefunden", code="NOT_FOUND")
            handler = handlers.get(request.method)
            if handler is None:
                raise ErrorAnswer(405, f"Methode {request.method} nicht erlaubt", code="METHOD_NOT_ALLOWED")
            status, data = await handler(request)
            return _envelope(status, data)
        except ErrorAnswer as answer:
            return _envelope(answer.status, error=(answer.code, answer.message))

    def _forced_429(self, hint: str) -> Response:
        self.count("429")
        wait = self.options.forced_retry_after
        response = _envelope(429, error=("RATE_LIMIT_EXCEEDED", _MESSAGES[429]))
        reset = math.ceil(self.server_time() + wait)
        headers = {"X-RateLimit-Limit": str(self.options.rate_limit), "X-RateLimit-Remaining": "0",
                   "X-RateLimit-Reset": str(reset)}
        if hint == "garbage":
            headers = {"Retry-After": "bald", "X-RateLimit-Limit": "100/min", "X-RateLimit-Remaining": "keine",
                       "X-RateLimit-Reset": "spaeter"}
        elif hint == "missing":
            headers = {}
        elif hint == "huge":  # far beyond any sensible bound
            headers = {"Retry-After": "999999"}
        elif hint == "stale":  # the end of a window long past: a stale header or a clock behind ours
            headers["X-RateLimit-Reset"] = str(math.floor(self.server_time() - self.options.window_seconds))
        elif hint == "retry_after_only":
            headers = {"Retry-After": f"{wait:g}"}
        elif hint != "reset_only":  # "default"
            headers["Retry-After"] = f"{wait:g}"
        response.headers.update(headers)
        return response

    # -- request parsing ---------------------------------------------------------------
    @staticmethod
    async def _body(request: Request) -> Any:
        raw = await request.body()
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except ValueError:
            raise ErrorAnswer(400, "Der Request-Body ist kein gültiges JSON", code="BAD_REQUEST") from None

    async def _object_body(self, request: Request) -> dict[str, Any]:
        body = await self._body(request)
        if body is None:
            return {}
        if not isinstance(body, dict):
            raise ErrorAnswer(400, "Der Request-Body muss ein JSON-Objekt sein", code="VALIDATION_ERROR")
        return body

    @staticmethod
    def _paging(request: Request) -> tuple[int, int]:
        try:
            page = int(request.query_params.get("page", "1"))
            limit = int(request.query_params.get("limit", "20"))
        except ValueError:
            raise ErrorAnswer(400, "page und limit müssen ganze Zahlen sein", code="VALIDATION_ERROR") from None
        if page < 1 or not 1 <= limit <= MAX_PAGE_SIZE:
            raise ErrorAnswer(400, f"page >= 1 und limit zwischen 1 und {MAX_PAGE_SIZE} erforderlich", code="VALIDATION_ERROR")
        return page, limit

    @staticmethod
    def _page(rows: list[dict[str, Any]], page: int, limit: int) -> tuple[list[dict[str, Any]], dict[str, int]]:
        total = len(rows)
        return rows[(page - 1) * limit: page * limit], {
            "page": page, "limit": limit, "total": total, "pages": math.ceil(total / limit)}

    def _workflow(self, workflow_id: str) -> WorkflowRecord:
        workflow = self.workflows.get(workflow_id)
        if workflow is None:
            raise ErrorAnswer(404, f"Workflow {workflow_id} nicht gefunden", code="WORKFLOW_NOT_FOUND")
        return workflow

    def _new_id(self, prefix: str, taken: Mapping[str, Any]) -> str:
        while True:
            candidate = prefix + "".join(self._rng.choice(_ID_CHARS) for _ in range(8))
            if candidate not in taken:
                return candidate

    def _token(self) -> str:
        return "whsec_" + "".join(self._rng.choice(_ID_CHARS) for _ in range(24))

    # -- workflows -----------------------------------------------------------------------
    async def _list_workflows(self, request: Request) -> tuple[int, Any]:
        page, limit = self._paging(request)
        status = request.query_params.get("status")
        if status is not None and status not in WORKFLOW_STATUSES:
            raise ErrorAnswer(400, "status muss active oder inactive sein", code="VALIDATION_ERROR")
        with self._lock:
            rows = sorted(self.workflows.values(), key=lambda w: (-w.created_at, w.id))
            views = [w.summary() for w in rows if status is None or w.status == status]
        items, pagination = self._page(views, page, limit)
        return 200, {"workflows": items, "pagination": pagination}

    async def _get_workflow(self, request: Request) -> tuple[int, Any]:
        with self._lock:
            return 200, self._workflow(request.path_params["workflow_id"]).detail()

    async def _create_workflow(self, request: Request) -> tuple[int, Any]:
        body = await self._object_body(request)
        fields = _workflow_fields(body, creating=True)
        now = self.clock.time()
        with self._lock:
            workflow = WorkflowRecord(self._new_id("wf_", self.workflows), fields["name"], fields.get("description", ""),
                                 "inactive", fields.get("nodes", []), fields.get("connections", []), now, now)
            self.workflows[workflow.id] = workflow
            self.count("create.workflow")
            view = workflow.summary()
        del view["updated_at"]  # as documented: the create answer has no updated_at, nodes, connections
        return 201, view

    async def _update_workflow(self, request: Request) -> tuple[int, Any]:
        body = await self._object_body(request)
        fields = _workflow_fields(body, creating=False)
        with self._lock:
            workflow = self._workflow(request.path_params["workflow_id"])
            for name, value in fields.items():
                setattr(workflow, name, value)
            workflow.updated_at = self.clock.time()
            self.count("update.workflow")
            return 200, workflow.detail()

    async def _delete_workflow(self, request: Request) -> tuple[int, Any]:
        with self._lock:
            workflow = self._workflow(request.path_params["workflow_id"])
            del self.workflows[workflow.id]
            for webhook_id in [w.id for w in self.webhooks.values() if w.workflow_id == workflow.id]:
                del self.webhooks[webhook_id]
            self.count("delete.workflow")
        return 200, {"id": workflow.id, "deleted": True, "message": "Workflow erfolgreich gelöscht"}

    async def _set_status(self, request: Request) -> tuple[int, Any]:
        body = await self._object_body(request)
        status = body.get("status")
        if status not in WORKFLOW_STATUSES:
            raise ErrorAnswer(400, "status muss active oder inactive sein", code="VALIDATION_ERROR")
        with self._lock:
            workflow = self._workflow(request.path_params["workflow_id"])
            if workflow.status != status:
                workflow.status, workflow.updated_at = status, self.clock.time()
            self.count("status.workflow")
            return 200, workflow.detail()

    async def _execute(self, request: Request) -> tuple[int, Any]:
        body = await self._object_body(request)
        run_input = body.get("input", {})
        if run_input is None:
            run_input = {}
        if not isinstance(run_input, dict):
            raise ErrorAnswer(400, "input muss ein JSON-Objekt sein", code="VALIDATION_ERROR")
        with self._lock:
            execution = self._start(self._workflow(request.path_params["workflow_id"]), run_input)
            self.count("execute")
        return 200, {"execution_id": execution.id, "status": RUNNING, "started_at": iso_time(execution.started_at)}

    def _start(self, workflow: WorkflowRecord, run_input: dict[str, Any]) -> ExecutionRecord:
        steer = _steering(run_input)
        seconds = float(steer.get("seconds", self.options.execution_seconds))
        execution = ExecutionRecord(
            self._new_id("exec_", self.executions), workflow.id, workflow.name, deepcopy(workflow.nodes),
            deepcopy(run_input), self.clock.time(), seconds, fail=bool(steer.get("fail", False)),
            error_code=str(steer.get("error_code", "NODE_FAILED")), error_message=steer.get("error_message"))
        self.executions[execution.id] = execution
        return execution

    # -- executions ----------------------------------------------------------------------
    async def _list_executions(self, request: Request) -> tuple[int, Any]:
        page, limit = self._paging(request)
        query = request.query_params
        status, workflow_id = query.get("status"), query.get("workflow_id")
        if status is not None and status not in EXECUTION_STATUSES:
            raise ErrorAnswer(400, f"status muss einer von {', '.join(EXECUTION_STATUSES)} sein", code="VALIDATION_ERROR")
        start = _bound(query.get("from"), "from", end_of_day=False)
        stop = _bound(query.get("to"), "to", end_of_day=True)
        now = self.clock.time()
        with self._lock:
            rows = sorted(self.executions.values(), key=lambda e: (-e.started_at, e.id))
            views = [
                e.view(now, detail=False) for e in rows
                if (workflow_id is None or e.workflow_id == workflow_id)
                and (start is None or e.started_at >= start) and (stop is None or e.started_at <= stop)
                and (status is None or e.state(now)[0] == status)
            ]
        items, pagination = self._page(views, page, limit)
        return 200, {"executions": items, "pagination": pagination}

    def _execution(self, execution_id: str) -> ExecutionRecord:
        execution = self.executions.get(execution_id)
        if execution is None:
            raise ErrorAnswer(404, f"Ausführung {execution_id} nicht gefunden", code="EXECUTION_NOT_FOUND")
        return execution

    async def _get_execution(self, request: Request) -> tuple[int, Any]:
        with self._lock:
            return 200, self._execution(request.path_params["execution_id"]).view(self.clock.time(), detail=True)

    async def _cancel(self, request: Request) -> tuple[int, Any]:
        now = self.clock.time()
        with self._lock:
            execution = self._execution(request.path_params["execution_id"])
            status, _ = execution.state(now)
            if status != RUNNING:
                raise ErrorAnswer(400, f"Ausführung {execution.id} läuft nicht (Status {status})", code="EXECUTION_NOT_RUNNING")
            execution.cancelled_at = now
            self.count("cancel")
            view = execution.view(now, detail=False)
        return 200, {"id": view["id"], "status": CANCELLED, "finished_at": view["finished_at"],
                     "duration": view["duration"]}

    # -- webhooks ------------------------------------------------------------------------
    async def _create_webhook(self, request: Request) -> tuple[int, Any]:
        body = await self._object_body(request)
        name, method = body.get("name"), body.get("method", "POST")
        auth = body.get("authentication", {"type": "bearer", "enabled": True})
        if not isinstance(name, str) or not name.strip():
            raise ErrorAnswer(400, "name ist erforderlich", code="VALIDATION_ERROR")
        if method not in WEBHOOK_METHODS:
            raise ErrorAnswer(400, f"method muss einer von {', '.join(WEBHOOK_METHODS)} sein", code="VALIDATION_ERROR")
        if (not isinstance(auth, dict) or auth.get("type", "bearer") != "bearer"
                or not isinstance(auth.get("enabled", True), bool)):
            raise ErrorAnswer(400, "authentication muss {type: bearer, enabled: true|false} sein", code="VALIDATION_ERROR")
        with self._lock:
            workflow = self._workflow(str(body.get("workflow_id")))
            webhook = WebhookRecord(self._new_id("wh_", self.webhooks), workflow.id, name, method, self._token(),
                               auth.get("enabled", True), self.clock.time())
            self.webhooks[webhook.id] = webhook
            self.count("create.webhook")
            return 201, webhook.view(_origin(request), self.name)

    async def _list_webhooks(self, request: Request) -> tuple[int, Any]:
        workflow_id = request.query_params.get("workflow_id")
        with self._lock:
            rows = [w.view(_origin(request), self.name) for w in self.webhooks.values()
                    if workflow_id is None or w.workflow_id == workflow_id]
        return 200, {"webhooks": rows}

    async def _invoke_webhook(self, request: Request) -> Response:
        self.count("requests")
        forced = self.forced_rate_limit(request)
        if forced is not None:
            return self._forced_429(forced.hint)
        try:
            with self._lock:
                webhook = self.webhooks.get(request.path_params["webhook_id"])
                if webhook is None:
                    raise ErrorAnswer(404, "Webhook nicht gefunden", code="WEBHOOK_NOT_FOUND")
                method, token = webhook.method, webhook.token if webhook.auth_enabled else None
            if request.method != method:
                raise ErrorAnswer(405, f"Dieser Webhook erwartet {method}", code="METHOD_NOT_ALLOWED")
            if token is not None and _bearer(request) != token:
                raise ErrorAnswer(401, "Ungültiges oder fehlendes Webhook-Token", code="UNAUTHORIZED")
            if method == "GET":
                payload: dict[str, Any] = dict(request.query_params)
            else:
                payload = await self._object_body(request)
                if set(payload) == {"data"} and isinstance(payload["data"], dict):
                    payload = payload["data"]
            with self._lock:
                workflow = self._workflow(webhook.workflow_id)
                if workflow.status != "active":
                    raise ErrorAnswer(400, f"Workflow {workflow.id} ist nicht aktiv", code="WORKFLOW_INACTIVE")
                execution = self._start(workflow, payload)
                self.count("webhook.invoke")
        except ErrorAnswer as answer:
            return _envelope(answer.status, error=(answer.code, answer.message))
        return _envelope(200, {"execution_id": execution.id, "status": RUNNING, "message": "Workflow wurde gestartet"})


# -- module helpers --------------------------------------------------------------------------
def _bearer(request: Request) -> str | None:
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def _window_headers(state: WindowState) -> dict[str, str]:
    return {"X-RateLimit-Limit": str(state.limit), "X-RateLimit-Remaining": str(state.remaining),
            "X-RateLimit-Reset": str(math.ceil(state.reset_at))}


def _bound(value: str | None, name: str, *, end_of_day: bool) -> float | None:
    if value is None:
        return None
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            moment = dt.datetime.combine(day, dt.time.max if end_of_day else dt.time.min, tzinfo=dt.timezone.utc)
        else:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.timezone.utc)
    except ValueError:
        raise ErrorAnswer(400, f"{name} ist kein ISO-8601-Datum", code="VALIDATION_ERROR") from None
    return moment.timestamp()


def _steering(run_input: dict[str, Any]) -> dict[str, Any]:
    steer = run_input.get("_sandbox", {})
    if not isinstance(steer, dict) or set(steer) - _SANDBOX_OPTIONS:
        raise ErrorAnswer(400, f"_sandbox erlaubt nur {', '.join(sorted(_SANDBOX_OPTIONS))}", code="VALIDATION_ERROR")
    seconds = steer.get("seconds", 0)
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 <= seconds <= 86_400:
        raise ErrorAnswer(400, "_sandbox.seconds muss zwischen 0 und 86400 liegen", code="VALIDATION_ERROR")
    return steer


def _workflow_fields(body: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    name = body.get("name")
    if creating or "name" in body:
        if not isinstance(name, str) or not name.strip():
            raise ErrorAnswer(400, "name ist erforderlich und darf nicht leer sein", code="VALIDATION_ERROR")
        fields["name"] = name
    if "description" in body:
        if not isinstance(body["description"], str):
            raise ErrorAnswer(400, "description muss ein Text sein", code="VALIDATION_ERROR")
        fields["description"] = body["description"]
    if "nodes" in body:
        nodes = body["nodes"]
        if not isinstance(nodes, list) or not all(
            isinstance(n, dict) and isinstance(n.get("id"), str) and isinstance(n.get("type"), str) for n in nodes
        ):
            raise ErrorAnswer(400, "nodes muss eine Liste von Objekten mit id und type sein", code="VALIDATION_ERROR")
        fields["nodes"] = deepcopy(nodes)
    if "connections" in body:
        connections = body["connections"]
        if not isinstance(connections, list) or not all(isinstance(c, dict) for c in connections):
            raise ErrorAnswer(400, "connections muss eine Liste von Objekten sein", code="VALIDATION_ERROR")
        fields["connections"] = deepcopy(connections)
    return fields
