"""Switchable faults: rules that break the next matching requests in a chosen way.

A rule matches by API (the first path segment: ``prosonata``, ``exeoflow``, ``endocs``),
HTTP method and a regular expression on the rest of the path. It fires ``times`` times
(``None``: until cleared), each time with ``probability``. Kinds:

=====================  ==========================================================================
``latency``            wait ``delay`` seconds, then answer normally (a read timeout if long enough)
``latency_after``      process the request at once, then wait ``delay`` seconds before answering
                       (a process killed meanwhile has sent a request it never saw answered)
``status``             answer ``status`` (default 503) with the API's look, *without* processing
``status_after``       process the request, then answer ``status`` instead of the real answer
``reset_before``       drop the connection before the request is processed
``reset_after``        process the request, then drop the connection without answering
``cut``                process, send the headers and half the body, then drop the connection
``truncated``          process, answer the first half of the body (consistent Content-Length)
``malformed``          process, answer a body that is not JSON with a JSON content type
``html``               answer an HTML error page with ``status`` (default 502), without processing
``wrong_content_type`` process, answer the real body labelled ``text/html``
``rate_limit``         the API answers its own documented 429, hint form chosen by ``hint``
                       (``default``, ``missing``, ``garbage``, or an API-specific form)
=====================  ==========================================================================
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import threading
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from starlette.types import ASGIApp, Message, Receive, Scope, Send

FaultKind = Literal[
    "latency",
    "latency_after",
    "status",
    "status_after",
    "reset_before",
    "reset_after",
    "cut",
    "truncated",
    "malformed",
    "html",
    "wrong_content_type",
    "rate_limit",
]
_BEFORE = {"status", "reset_before", "html"}
_AFTER = {"status_after", "reset_after", "cut", "truncated", "malformed", "wrong_content_type", "latency_after"}
SCOPE_KEY = "sandbox.fault"


@dataclass
class FaultRule:
    kind: FaultKind
    api: str | None = None
    method: str | None = None
    path: str | None = None
    times: int | None = 1
    probability: float = 1.0
    status: int | None = None
    delay: float = 0.0
    hint: str = "default"
    fired: int = field(default=0)

    def matches(self, api: str, method: str, rest: str) -> bool:
        if self.api and self.api != api:
            return False
        if self.method and self.method.upper() != method:
            return False
        return not self.path or re.search(self.path, rest) is not None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class FaultPlan:
    """The active rules; consulted once per request, thread-safe."""

    def __init__(self, seed: int | None = None) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()
        self._rng = random.Random(seed)

    def add(self, kind: FaultKind, **options: Any) -> FaultRule:
        rule = FaultRule(kind=kind, **options)
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def pick(self, api: str, method: str, rest: str) -> FaultRule | None:
        """The first live rule matching this request (and consume one of its firings)."""
        with self._lock:
            for rule in self._rules:
                if rule.times is not None and rule.fired >= rule.times:
                    continue
                if not rule.matches(api, method, rest):
                    continue
                if rule.probability < 1.0 and self._rng.random() >= rule.probability:
                    continue
                rule.fired += 1
                return rule
        return None


def split_path(path: str) -> tuple[str, str]:
    """``/prosonata/api/v1/projects`` -> (``prosonata``, ``/api/v1/projects``)."""
    parts = path.lstrip("/").split("/", 1)
    return parts[0], "/" + (parts[1] if len(parts) > 1 else "")


def abort_connection(send: Send) -> None:
    """Drop the TCP connection under this request (uvicorn: the cycle's transport), no answer."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:
        raise RuntimeError("cannot drop the connection: not served by uvicorn")
    transport.abort()


_HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
    b"<body><h1>Bad Gateway</h1><p>The proxy server received an invalid response.</p></body></html>"
)


class FaultMiddleware:
    """Outermost ASGI layer: applies the first matching rule around the emulators."""

    def __init__(self, app: ASGIApp, plan: FaultPlan, error_body: Any = None) -> None:
        self.app = app
        self.plan = plan
        # error_body(api, status) -> (content_type, bytes): each API's own look of an error.
        self.error_body = error_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_sandbox"):
            await self.app(scope, receive, send)
            return
        api, rest = split_path(scope["path"])
        rule = self.plan.pick(api, scope["method"], rest)
        if rule is None:
            await self.app(scope, receive, send)
            return
        if rule.delay and rule.kind != "latency_after":
            # A slow server has already read the request: one whose client gives up still runs.
            receive = await _read_ahead(receive)
            await asyncio.sleep(rule.delay)
        if rule.kind == "latency":
            await self.app(scope, receive, send)
        elif rule.kind == "rate_limit":
            scope[SCOPE_KEY] = rule
            await self.app(scope, receive, send)
        elif rule.kind in _BEFORE:
            await self._before(rule, api, send)
        else:
            await self._after(rule, api, scope, receive, send)

    async def _before(self, rule: FaultRule, api: str, send: Send) -> None:
        if rule.kind == "reset_before":
            abort_connection(send)
            return
        if rule.kind == "html":
            await _answer(send, rule.status or 502, "text/html; charset=utf-8", _HTML_PAGE)
            return
        status = rule.status or 503
        content_type, body = self._error(api, status)
        await _answer(send, status, content_type, body)

    async def _after(self, rule: FaultRule, api: str, scope: Scope, receive: Receive, send: Send) -> None:
        captured: list[Message] = []

        async def capture(message: Message) -> None:
            captured.append(message)

        await self.app(scope, receive, capture)
        start = next((m for m in captured if m["type"] == "http.response.start"), None)
        body = b"".join(m.get("body", b"") for m in captured if m["type"] == "http.response.body")
        status = start["status"] if start else 200
        headers = [(k, v) for k, v in (start["headers"] if start else []) if k.lower() != b"content-length"]
        if rule.kind == "latency_after":
            await asyncio.sleep(rule.delay)
            await _answer(send, status, None, body, headers)
        elif rule.kind == "reset_after":
            abort_connection(send)
        elif rule.kind == "status_after":
            fault_status = rule.status or 502
            content_type, error = self._error(api, fault_status)
            await _answer(send, fault_status, content_type, error)
        elif rule.kind == "cut":
            await send({"type": "http.response.start", "status": status,
                        "headers": [*headers, (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
            abort_connection(send)
        elif rule.kind == "truncated":
            await _answer(send, status, None, body[: len(body) // 2], headers)
        elif rule.kind == "malformed":
            await _answer(send, status, "application/json", b'{"meta": {"status": 200, "data": [tru', headers)
        elif rule.kind == "wrong_content_type":
            await _answer(send, status, "text/html; charset=utf-8", body, headers)

    def _error(self, api: str, status: int) -> tuple[str, bytes]:
        if self.error_body is not None:
            result: tuple[str, bytes] = self.error_body(api, status)
            return result
        return "application/json", json.dumps({"error": f"injected {status}"}).encode()


async def _read_ahead(receive: Receive) -> Receive:
    """Read the whole request body now; the app later gets it even if the client left meanwhile."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return receive
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    pending = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

    async def replay() -> Message:
        return pending.pop() if pending else await receive()

    return replay


async def _answer(
    send: Send,
    status: int,
    content_type: str | None,
    body: bytes,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    out = [(k, v) for k, v in (headers or []) if not (content_type and k.lower() == b"content-type")]
    if content_type:
        out.append((b"content-type", content_type.encode()))
    out.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": out})
    await send({"type": "http.response.body", "body": body})
