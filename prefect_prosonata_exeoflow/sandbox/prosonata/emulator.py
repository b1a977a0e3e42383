"""The ProSonata emulator: ``/prosonata/api/v1/{resource}[/{id}]`` like a real account.

Faithful to what ProSonata documents; where nobody knows, it makes the working guess recorded
in ``docs/apis/prosonata.md`` (cited by id, PS-U1 ... PS-U30, from its unknowns table). In short:

* Envelope ``{"meta": ..., "data": ...}`` on every JSON answer, ``meta.status`` = HTTP status,
  caller fields, ``apiLimitRemaining``/``apiLimitReset``; lists add ``perPage``/``page``/
  ``totalCount``; errors ``message`` with ``data: []``; creates ``insertID``. An empty list is
  ``204`` without a body (PS-U8; ``empty_list_status=200`` switches to ``200`` + ``[]``).
* Auth: ``X-API-Key``/``apiKey`` (user key) plus ``X-APP-ID``/``appID`` (app integration,
  full rights, acting as user 1). A wrong key is ``401 "Invalid API key"`` (PS-U5).
* One fixed window per account (PS-U3), started by the first call; ``429`` calls do not count
  (PS-U4). The 429 says ``"API limit exceeded. Please retry in {n} seconds."`` with
  ``apiLimitReset`` n (PS-U1); no rate-limit headers unless ``retry_after_header=True`` (PS-U2).
* Forced 429s (fault plan ``rate_limit``) by ``hint``: ``default``; ``message`` (seconds only
  in the message); ``retry_after`` (only a ``Retry-After`` header); ``missing`` (no hint);
  ``garbage`` (``apiLimitReset: "soon"``, ``Retry-After: later``); ``stale`` (``apiLimitReset: 0``,
  a reset already past); ``huge`` (``apiLimitReset: 999999``).
* The rate options every emulator takes (``window_phase``, ``clock_offset``, ``rival_calls``,
  ``hintless_429``; see ``_emulator.RATE_DEFAULTS``); ``window_phase`` makes the first window
  one begun by someone else at that phase; later windows start at their first call (PS-U3).
* A path outside ``/api/v1`` answers an HTML page, as a wrong base URL does on a live account.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..._core.clock import Clock
from .._emulator import RATE_DEFAULTS, Emulator, ErrorAnswer
from .query import order_rows, page_params, parse_order, predicates
from .rights import Caller, check_owner, require, visibility
from .seed import build_tables
from .store import Store
from .tables import ALIASES, PROJECTTIMES, RESOURCES, Resource
from .._ratelimit import FixedWindowLimiter, WindowState
from .._stats import Stats
from ..keys import SANDBOX_KEYS

JSON_TYPE = "application/json; charset=utf-8"
JSONP_TYPE = "application/javascript; charset=utf-8"  # PS-U26
#: The wait of the ``huge`` 429 hint form (seconds): longer than any block's max_rate_limit_wait.
HUGE_WAIT = 999_999
ACCOUNT = "account"  # PS-U3: one window per account, shared by every key
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
#: A technical user stands behind the app integration (PS-U19).
INTEGRATION_USER_ID = 1
INTEGRATION_NAME = "Sandbox-Integration"
#: Synthetic bulk project times get IDs from here on (above any stored ID).
BULK_ID_BASE = 10_000_000
DEFAULTS: dict[str, Any] = {
    "rate_limit": 50,  # the smallest plan, as observed
    "window_seconds": 900.0,
    "empty_list_status": 204,
    "retry_after_header": False,
    "crm_module": True,
    "bulk_projecttimes": 0,
}
_MESSAGES = {
    400: "Bad request.",
    401: "Invalid API key",
    403: "Access denied.",
    404: "Data not found.",
    405: "Method not allowed.",
    409: "Conflict.",
    500: "Internal server error.",
    502: "Bad gateway.",
    503: "Service temporarily unavailable.",
    504: "Gateway timeout.",
}
_CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,63}$")
_HTML_404 = (
    b'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Seite nicht gefunden'
    b"</title></head><body><h1>404</h1><p>Die angeforderte Seite wurde nicht gefunden.</p>"
    b"</body></html>"
)


class ProSonataEmulator(Emulator):
    name = "prosonata"
    base_path = "/api/v1"

    def __init__(self, clock: Clock, stats: Stats, seed: int = 7, **config: Any) -> None:
        self._lock = threading.RLock()
        self._options: dict[str, Any] = dict(DEFAULTS)
        self._limiter = FixedWindowLimiter(DEFAULTS["rate_limit"], DEFAULTS["window_seconds"], clock)
        super().__init__(clock, stats, seed, **config)

    # -- Emulator interface --------------------------------------------------------------------
    def routes(self) -> list[BaseRoute]:
        return [
            Route("/api/v1", self._endpoint, methods=METHODS),
            Route("/api/v1/{path:path}", self._endpoint, methods=METHODS),
            Route("/{path:path}", self._not_the_api, methods=METHODS),
        ]

    def reset(self) -> None:
        """Fresh seed (relative to today), an empty rate window; the configuration stays."""
        with self._lock:
            self.store = Store(build_tables(self.seed, self._now().date()), self._now)
            self._limiter.reset()

    def configure(self, **options: Any) -> None:
        unknown = sorted(set(options) - set(DEFAULTS) - set(RATE_DEFAULTS))
        if unknown:
            raise TypeError(f"unknown ProSonata option(s) {unknown}; known: {sorted({*DEFAULTS, *RATE_DEFAULTS})}")
        options, window_changed = self.take_rate_options(options)
        _validate(options)
        with self._lock:
            self._options.update(options)
            if "rate_limit" in options or "window_seconds" in options or window_changed:
                self._limiter = self.new_limiter(
                    int(self._options["rate_limit"]), float(self._options["window_seconds"]), aligned=False
                )
            self.spend_rival_calls(self._limiter, ACCOUNT)

    def error_body(self, status: int) -> tuple[str, bytes]:
        """An injected fault in ProSonata's look: the envelope with ``message`` and ``data: []``."""
        with self._lock:
            state = self._limiter.peek(ACCOUNT)
        if status == 429:
            return JSON_TYPE, _dumps(self._limit_meta("default", None, state)[0], [])
        meta = {"status": status, "message": _MESSAGES.get(status, "Error."), **_limits(state)}
        return JSON_TYPE, _dumps(meta, [])

    def rows(self, resource: str) -> list[dict[str, Any]]:
        """Every row of ``resource`` as an administrator reads it (for tests and demos)."""
        with self._lock:
            return [dict(self.store.wire(resource, view)) for view in self.store.views(resource)]

    # -- request handling ----------------------------------------------------------------------
    async def _not_the_api(self, request: Request) -> Response:
        self.count("requests")
        return Response(_HTML_404, status_code=404, media_type="text/html; charset=utf-8")

    async def _endpoint(self, request: Request) -> Response:
        body = await request.body() if request.method in ("POST", "PUT", "PATCH") else b""
        with self._lock:
            return self._handle(request, body)

    def _handle(self, request: Request, body: bytes) -> Response:
        self.count("requests")
        params: dict[str, str] = dict(request.query_params)
        caller = self._caller(request, params)
        rule = self.forced_rate_limit(request)
        if rule is not None:  # not processed, not counted
            self.count("429")
            return self._too_many(rule.hint, caller, self._limiter.peek(ACCOUNT), params)
        state = self._limiter.hit(ACCOUNT)
        if not state.allowed:
            self.count("429")
            return self._too_many("missing" if self.rate["hintless_429"] else "default", caller, state, params)
        limits = _limits(state)
        if caller is None:
            return self._reply(401, {"status": 401, "message": "Invalid API key", **limits}, [], params)
        try:
            status, meta, data = self._dispatch(request.method, request.path_params.get("path", ""), params, body, caller)
        except ErrorAnswer as answer:
            meta = {"status": answer.status, "message": answer.message, **caller.meta(error=True), **limits}
            return self._reply(answer.status, meta, [], params)
        if status == 204:
            return Response(status_code=204)
        return self._reply(status, {"status": status, **meta, **caller.meta(), **limits}, data, params)

    def _caller(self, request: Request, params: Mapping[str, str]) -> Caller | None:
        """The user behind a personal key, or the integration behind app ID + key (PS-U19)."""
        key = request.headers.get("x-api-key", params.get("apiKey"))
        app_id = request.headers.get("x-app-id", params.get("appID"))
        if app_id is not None:
            if app_id == SANDBOX_KEYS["prosonata_app_id"] and key == SANDBOX_KEYS["prosonata_app_key"]:
                technical = self.store.tables["users"][INTEGRATION_USER_ID]
                return Caller(technical["userID"], technical["username"], technical["group"], app_id, INTEGRATION_NAME)
            return None
        user_id = {SANDBOX_KEYS["prosonata_admin_key"]: 1, SANDBOX_KEYS["prosonata_user_key"]: 7}.get(key or "")
        user = self.store.tables["users"].get(user_id) if user_id is not None else None
        return Caller(user["userID"], user["username"], user["group"]) if user else None

    def _dispatch(
        self, method: str, path: str, params: dict[str, str], body: bytes, caller: Caller
    ) -> tuple[int, dict[str, Any], Any]:
        segments = [s for s in path.split("/") if s]
        if not segments or len(segments) > 2:
            raise ErrorAnswer(404, "Unknown resource.")
        alias = segments[0] in ALIASES
        resource = RESOURCES.get(ALIASES.get(segments[0], segments[0]))
        if resource is None or (alias and len(segments) == 1):
            raise ErrorAnswer(404, f"Unknown resource '{segments[0]}'.")
        action = _action(method, has_id=len(segments) == 2)
        if action is None or action not in resource.methods or (alias and action != "get"):
            raise ErrorAnswer(405, f"Method {method} is not allowed here.")
        if resource.name == "crmevents" and not self._options["crm_module"]:
            raise ErrorAnswer(403, "The CRM module is not active.")
        access = {"list": resource.read, "get": resource.read, "delete": resource.delete}.get(action, resource.write)
        require(access, caller, f"{action} {resource.name}")
        if action == "list":
            return self._list(resource, params, caller)
        if action == "create":
            new_id, data = self.store.create(resource.name, _json_object(body), caller)
            self.count(f"create.{resource.name}")
            return 201, {"insertID": new_id}, data
        row_id = _row_id(segments[1])
        if action == "get":
            return 200, {}, self.store.wire(resource.name, self._visible_row(resource, row_id, caller))
        self._writable_row(resource, row_id, caller, action)
        if action == "update":
            data = self.store.update(resource.name, row_id, _json_object(body), caller)
            self.count(f"update.{resource.name}")
            return 200, {}, data
        self.store.delete(resource.name, row_id)
        self.count(f"delete.{resource.name}")
        return 200, {}, []

    def _visible_row(self, resource: Resource, row_id: int, caller: Caller) -> dict[str, Any]:
        view = self.store.view(resource.name, row_id)
        visible = visibility(resource, caller)
        if view is None or (visible is not None and not visible(view)):
            raise ErrorAnswer(404, "Data not found.")
        return view

    def _writable_row(self, resource: Resource, row_id: int, caller: Caller, action: str) -> None:
        """Missing -> 404; another user's row -> 403 unless the group may; hidden -> 404."""
        row = self.store.tables[resource.name].get(row_id)
        if row is None:
            raise ErrorAnswer(404, "Data not found.")
        if resource.owner:
            check_owner(resource, caller, row[resource.owner], action, row)
        self._visible_row(resource, row_id, caller)

    def _list(self, resource: Resource, params: dict[str, str], caller: Caller) -> tuple[int, dict[str, Any], Any]:
        tests = predicates(resource, params, caller.user_id)
        order = parse_order(resource, params.get("orderBy"))
        per_page, page = page_params(params)
        visible = visibility(resource, caller)
        if visible is not None:
            tests.append(visible)
        rows = self.store.views(resource.name)
        if tests:
            rows = [row for row in rows if all(test(row) for test in tests)]
        if order:
            rows = order_rows(rows, order)
        bulk = self._options["bulk_projecttimes"] if resource is PROJECTTIMES and not tests and not order else 0
        total = len(rows) + bulk
        start = (page - 1) * per_page
        meta = {"perPage": per_page, "page": page, "totalCount": total}
        if start >= total:  # nothing (left) to show: PS-U8
            return (204, {}, None) if self._options["empty_list_status"] == 204 else (200, meta, [])
        data = [self.store.wire(resource.name, row) for row in rows[start : start + per_page]]
        if bulk and len(data) < per_page:
            first = max(start - len(rows), 0)
            data += self._bulk_times(first, min(per_page - len(data), total - start - len(data)))
        return 200, meta, data

    def _bulk_times(self, first: int, count: int) -> list[dict[str, Any]]:
        """Synthetic project times ``first .. first+count-1``, made from their index alone."""
        projects = [p for p in self.store.views("projects") if not p["isProjectTemplate"]]
        categories = [c for c in self.store.views("projecttimecategories") if c["active"]]
        users = self.store.views("users")
        today = self._now().date()
        out = []
        for i in range(first, first + count):
            project, category, user = projects[i % len(projects)], categories[i % len(categories)], users[i % len(users)]
            day = (today - timedelta(days=1 + i % 60)).isoformat()
            out.append({
                "timeID": BULK_ID_BASE + i, "category": category["category"],
                "categoryName": category["categoryName"], "date": day, "detail": f"Massendaten Nr. {i}",
                "workingTime": f"{0.25 * (1 + i % 16):.2f}", "projectID": project["projectID"],
                "projectNo": project["projectNo"], "projectName": project["projectName"],
                "customerID": project["customerID"], "customerName": project["customerName"],
                "userID": user["userID"], "username": user["username"], "linkedTaskID": None,
                "notInvoiceable": 0, "isInvoiced": 0, "creationDate": f"{day} 12:00:00",
                "workingTimeStart": None, "workingTimeEnd": None, "timeViaApi": 0,
            })
        return out

    # -- answers -------------------------------------------------------------------------------
    def _limit_meta(self, hint: str, caller: Caller | None, state: WindowState) -> tuple[dict[str, Any], dict[str, str]]:
        """Meta and headers of a 429 in the chosen hint form (PS-U1, PS-U2)."""
        seconds = _reset_seconds(state)
        who = caller.meta(error=True) if caller else {}
        plain = "API limit exceeded."
        if hint == "message":
            meta = {"message": f"API limit exceeded. Please retry in {seconds} seconds.", **who, "apiLimitRemaining": 0}
            return {"status": 429, **meta}, {}
        if hint == "retry_after":
            return {"status": 429, "message": plain, **who, "apiLimitRemaining": 0}, {"Retry-After": str(seconds)}
        if hint == "missing":
            return {"status": 429, "message": plain, **who}, {}
        if hint == "huge":  # a wait far beyond any sensible bound
            return {"status": 429, "message": plain, **who, "apiLimitRemaining": 0, "apiLimitReset": HUGE_WAIT}, {}
        if hint == "stale":  # a reset that has already passed (a cached or stale answer)
            return {"status": 429, "message": plain, **who, "apiLimitRemaining": 0, "apiLimitReset": 0}, {}
        if hint == "garbage":
            meta = {"message": "API limit exceeded. Please retry soon.", **who, "apiLimitRemaining": 0, "apiLimitReset": "soon"}
            return {"status": 429, **meta}, {"Retry-After": "later"}
        meta = {
            "status": 429,
            "message": f"API limit exceeded. Please retry in {seconds} seconds.",
            **who,
            "apiLimitRemaining": 0,
            "apiLimitReset": seconds,
        }
        headers = {"Retry-After": str(seconds)} if self._options["retry_after_header"] else {}
        return meta, headers

    def _too_many(self, hint: str, caller: Caller | None, state: WindowState, params: dict[str, str]) -> Response:
        meta, headers = self._limit_meta(hint, caller, state)
        return self._reply(429, meta, [], params, headers)

    def _reply(
        self, status: int, meta: dict[str, Any], data: Any, params: Mapping[str, str], headers: dict[str, str] | None = None
    ) -> Response:
        body = _dumps(meta, data)
        if "jsonp" in params:  # the docs' JSONP mode; clients should never use it
            name = params["jsonp"] if _CALLBACK.match(params["jsonp"]) else "callback"
            return Response(name.encode() + b"(" + body + b")", status, headers, media_type=JSONP_TYPE)
        return Response(body, status, headers, media_type=JSON_TYPE)

    def _now(self) -> datetime:
        """Local wall-clock time of the injected clock (ProSonata timestamps have no zone)."""
        return datetime.fromtimestamp(self.clock.time())


def _validate(options: Mapping[str, Any]) -> None:
    if "rate_limit" in options and not (isinstance(options["rate_limit"], int) and options["rate_limit"] >= 1):
        raise ValueError("rate_limit must be a positive int")
    if "window_seconds" in options and not float(options["window_seconds"]) > 0:
        raise ValueError("window_seconds must be > 0")
    if "empty_list_status" in options and options["empty_list_status"] not in (200, 204):
        raise ValueError("empty_list_status must be 200 or 204")
    if "bulk_projecttimes" in options and not (
        isinstance(options["bulk_projecttimes"], int) and options["bulk_projecttimes"] >= 0
    ):
        raise ValueError("bulk_projecttimes must be an int >= 0")


def _action(method: str, *, has_id: bool) -> str | None:
    if method == "GET":
        return "get" if has_id else "list"
    return {("POST", False): "create", ("PUT", True): "update", ("DELETE", True): "delete"}.get((method, has_id))


def _row_id(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ErrorAnswer(404, "Data not found.") from None


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body or b"null")
    except ValueError:
        raise ErrorAnswer(400, "The request body is not valid JSON.") from None
    if not isinstance(value, dict):
        raise ErrorAnswer(400, "The request body must be a JSON object.")
    return value


def _reset_seconds(state: WindowState) -> int:
    """Whole seconds to the window's end, rounded up, at least 1 (PS-U27)."""
    return max(math.ceil(state.reset_in), 1)


def _limits(state: WindowState) -> dict[str, int]:
    return {"apiLimitRemaining": state.remaining, "apiLimitReset": _reset_seconds(state)}


def _dumps(meta: dict[str, Any], data: Any) -> bytes:
    return json.dumps({"meta": meta, "data": data}, ensure_ascii=False).encode("utf-8")
