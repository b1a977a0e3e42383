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
``empty_body``         process, answer ``status`` (default 200) with an empty body
``redirect``           answer ``status`` (default 302) pointing at a login page, without processing
``trickle_headers``    process, then send the header lines one every ``interval`` seconds
``trickle_body``       process, send the headers, then the body in 16 pieces, one every ``interval`` s
``huge_body``          process, then stream ``size`` bytes (default 256 MiB) of JSON without a length
``endless_pages``,     listing answers bent as described in :mod:`._pages` (never-ending, repeated,
``repeated_page``,     shifting pages, a total below the rows handed out)
``shifted_pages``,
``short_total``
``drift``              process, answer the real body and headers changed as ``drift`` says
                       (an extra, renamed or missing field, a number as a string, a missing
                       rate-limit header; see :mod:`._drift`)
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

from . import _pages
from ._drift import Drift

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
    "empty_body",
    "redirect",
    "trickle_headers",
    "trickle_body",
    "huge_body",
    "endless_pages",
    "repeated_page",
    "shifted_pages",
    "short_total",
    "drift",
]
_BEFORE = {"status", "reset_before", "html", "redirect"}
_AFTER = {"status_after", "reset_after", "cut", "truncated", "malformed", "wrong_content_type", "drift", "empty_body",
          "trickle_headers", "trickle_body", "huge_body", "latency_after"}
#: Where a ``redirect`` fault points: a single sign-on page, as proxies and portals do.
LOGIN_URL = "https://login.sandbox.invalid/sso/login?next=%2Fapi"
HUGE_CHUNK = 64 * 1024
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
    interval: float = 0.1
    size: int = 256 * 1024 * 1024
    drift: dict[str, Any] | None = None
    fired: int = field(default=0)

    def __post_init__(self) -> None:
        if self.kind == "drift":
            Drift.from_options(self.drift)  # reject unknown options when the rule is added

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


def transport_of(send: Send) -> Any:
    """The TCP transport under this request: uvicorn's cycle's, or one a wrapping layer passed on."""
    return getattr(send, "transport", None) or getattr(getattr(send, "__self__", None), "transport", None)


def abort_connection(send: Send) -> None:
    """Drop the TCP connection under this request (uvicorn: the cycle's transport), no answer."""
    transport = transport_of(send)
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
        elif rule.kind in _pages.LISTING_KINDS:
            await self._listing(rule, api, rest, scope, receive, send)
        else:
            await self._after(rule, api, scope, receive, send)

    async def _before(self, rule: FaultRule, api: str, send: Send) -> None:
        if rule.kind == "reset_before":
            abort_connection(send)
            return
        if rule.kind == "html":
            await _answer(send, rule.status or 502, "text/html; charset=utf-8", _HTML_PAGE)
            return
        if rule.kind == "redirect":
            await _answer(send, rule.status or 302, "text/html; charset=utf-8", b"", [(b"location", LOGIN_URL.encode())])
            return
        status = rule.status or 503
        content_type, body = self._error(api, status)
        await _answer(send, status, content_type, body)

    async def _capture(self, scope: Scope, receive: Receive) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """Run the emulator on the request; its status, headers (no Content-Length) and body."""
        captured: list[Message] = []

        async def capture(message: Message) -> None:
            captured.append(message)

        await self.app(scope, receive, capture)
        start = next((m for m in captured if m["type"] == "http.response.start"), None)
        body = b"".join(m.get("body", b"") for m in captured if m["type"] == "http.response.body")
        status = start["status"] if start else 200
        headers = [(k, v) for k, v in (start["headers"] if start else []) if k.lower() != b"content-length"]
        return status, headers, body

    async def _after(self, rule: FaultRule, api: str, scope: Scope, receive: Receive, send: Send) -> None:
        status, headers, body = await self._capture(scope, receive)
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
        elif rule.kind == "drift":
            drift = Drift.from_options(rule.drift)
            await _answer(send, status, None, drift.body(body), drift.headers(headers))
        elif rule.kind == "empty_body":
            await _answer(send, rule.status or 200, None, b"", headers)
        elif rule.kind == "trickle_headers":
            await _trickle_headers(send, status, headers, body, rule.interval)
        elif rule.kind == "trickle_body":
            await send({"type": "http.response.start", "status": status,
                        "headers": [*headers, (b"content-length", str(len(body)).encode())]})
            step = max(1, -(-len(body) // 16))
            for offset in range(0, len(body), step):
                await asyncio.sleep(rule.interval)
                await send({"type": "http.response.body", "body": body[offset: offset + step], "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        elif rule.kind == "huge_body":
            await _huge(send, status, headers, rule.size)

    async def _listing(self, rule: FaultRule, api: str, rest: str, scope: Scope, receive: Receive,
                       send: Send) -> None:
        """Answer a listing bent the way ``rule.kind`` says (see :mod:`._pages`)."""
        page = _pages.page_of(dict(scope))
        asked = dict(scope)
        if rule.kind in ("endless_pages", "repeated_page") and api != "endocs":
            asked = _pages.with_page(asked, 1)
        status, headers, body = await self._capture(asked, receive)
        payload = _json(body)
        if rule.kind == "shifted_pages" and page >= 2 and api != "endocs" and status < 300:
            # As if `shift` rows were added at the front after page 1: page k holds the old rows
            # [(k-1)*size - shift, k*size - shift), so the tail of page k-1 comes again first.
            size = _pages.page_size(dict(scope))
            shift = max(1, size // 10)
            _, _, before = await self._capture(_pages.with_page(dict(scope), page - 1), _no_body)
            previous = _json(before)
            tail = (_pages.Rows(api, rest, previous).rows() or [])[-shift:]
            current = _pages.Rows(api, rest, payload).rows() if payload is not None else None
            if current is None:  # past the old end: only the pushed-down rows remain
                payload, current = previous, []
            rows = _pages.Rows(api, rest, payload)
            total = rows.total() + shift
            rows.set_rows(tail + current[: size - shift])
            rows.announce(page, total)
            await _answer(send, 200, "application/json", json.dumps(payload).encode(), headers)
            return
        rows = _pages.Rows(api, rest, payload)
        if payload is None or rows.rows() is None or status >= 300:
            await _answer(send, status, None, body, headers)
            return
        if api == "endocs":
            cursor = _pages.cursor_of(rest) or 0
            if rule.kind == "endless_pages":
                for index, row in enumerate(rows.rows() or []):
                    row["id"] = cursor + 1 + index
        elif rule.kind == "endless_pages":
            rows.shift_ids(page * 10_000_000)
            rows.announce(page, _pages.ENDLESS_TOTAL, more=True)
        elif rule.kind == "repeated_page":
            rows.announce(page, rows.total() + page * len(rows.rows() or []), more=True)
        elif rule.kind == "short_total":
            rows.announce(page, max(len(rows.rows() or []) - 1, 0))
        await _answer(send, status, None, json.dumps(payload).encode(), headers)

    def _error(self, api: str, status: int) -> tuple[str, bytes]:
        if self.error_body is not None:
            result: tuple[str, bytes] = self.error_body(api, status)
            return result
        return "application/json", json.dumps({"error": f"injected {status}"}).encode()


def _json(body: bytes) -> Any:
    try:
        return json.loads(body) if body.strip() else None
    except ValueError:
        return None


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _trickle_headers(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes,
                           interval: float) -> None:
    """Write the answer straight to the socket, one header line every ``interval`` seconds.

    ASGI sends a header block at once; a server that trickles headers needs the raw transport.
    """
    transport = transport_of(send)
    if transport is None:
        raise RuntimeError("cannot trickle headers: not served by uvicorn")
    lines = [f"HTTP/1.1 {status} OK\r\n".encode()]
    lines += [b"X-Trickle-%d: waiting\r\n" % n for n in range(12)]
    lines += [name + b": " + value + b"\r\n" for name, value in headers]
    lines += [b"Content-Length: %d\r\n" % len(body), b"Connection: close\r\n", b"\r\n" + body]
    for line in lines:
        if transport.is_closing():
            break
        transport.write(line)
        await asyncio.sleep(interval)
    transport.abort()  # uvicorn never sent a response of its own: end the connection here
    await asyncio.sleep(0)


async def _huge(send: Send, status: int, headers: list[tuple[bytes, bytes]], size: int) -> None:
    """``size`` bytes of one JSON string, chunked (no Content-Length), until the client gives up."""
    transport = transport_of(send)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b'{"data": "', "more_body": True})
    chunk, sent = b"x" * HUGE_CHUNK, 0
    while sent < size and not (transport is not None and transport.is_closing()):
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
        sent += len(chunk)
    await send({"type": "http.response.body", "body": b'"}'})


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
