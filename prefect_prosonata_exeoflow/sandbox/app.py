"""The sandbox: one ASGI app serving all three API emulators plus a small control API.

Routes:

* ``/prosonata/api/v1/...``, ``/exeoflow/v1/...`` (+ ``/exeoflow/webhook/{id}``), ``/endocs/api/...``
* ``GET /_sandbox/health``; ``GET /_sandbox/stats``; ``POST /_sandbox/reset``
* ``GET /_sandbox/requests``: the method and path of every API request since the last reset
* ``GET|POST|DELETE /_sandbox/faults`` (a rule or a list of rules, see :mod:`._faults`)
* ``POST /_sandbox/config`` with ``{"prosonata": {"rate_limit": 20, "window_seconds": 2}}``; every
  API also takes ``window_phase``, ``clock_offset``, ``rival_calls`` and ``hintless_429``
  (see :data:`._emulator.RATE_DEFAULTS`)
* ``GET /_sandbox/windows/{api}``: every rate window so far as the server saw it (start, end,
  first call, admitted, refused, rival calls), so benchmarks judge the client against the truth

Every answer carries a ``Date`` header from the API's own clock (``clock_offset`` skews it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

import email.utils

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .._core.clock import SYSTEM_CLOCK, Clock
from ._emulator import RATE_DEFAULTS, Emulator
from ._faults import FaultMiddleware, FaultPlan, transport_of
from ._stats import RequestLog, Stats
from .endocs import EnDocsEmulator
from .exeoflow import ExeoflowEmulator
from .prosonata import ProSonataEmulator

#: Emulator classes by sandbox name.
EMULATORS: dict[str, type[Emulator]] = {
    "prosonata": ProSonataEmulator,
    "exeoflow": ExeoflowEmulator,
    "endocs": EnDocsEmulator,
}


class Sandbox:
    """State and app of one sandbox: emulators, fault plan, counters, clock."""

    def __init__(self, *, clock: Clock = SYSTEM_CLOCK, seed: int = 7, **config: dict[str, Any]) -> None:
        unknown = set(config) - set(EMULATORS)
        if unknown:
            raise ValueError(f"unknown sandbox API(s): {sorted(unknown)}; known: {sorted(EMULATORS)}")
        self.clock = clock
        self.stats = Stats()
        self.faults = FaultPlan(seed=seed)
        self.emulators: dict[str, Emulator] = {}
        for name, cls in EMULATORS.items():
            self.emulators[name] = cls(clock, self.stats, seed=seed, **config.get(name, {}))
        self.requests = RequestLog(
            DateMiddleware(FaultMiddleware(self._build_app(), self.faults, error_body=self._error_body), self._server_time)
        )
        self.app = self.requests

    def __getattr__(self, name: str) -> Emulator:
        emulators = self.__dict__.get("emulators", {})
        if name in emulators:
            emulator: Emulator = emulators[name]
            return emulator
        raise AttributeError(name)

    def reset(self) -> None:
        self.faults.clear()
        self.stats.reset()
        self.requests.clear()
        for emulator in self.emulators.values():
            emulator.reset()
            emulator.configure(**RATE_DEFAULTS)  # no phase, skew, rival or hintless 429s left over

    def configure(self, api: str, **options: Any) -> None:
        self.emulators[api].configure(**options)

    def _server_time(self, path: str) -> float:
        emulator = self.emulators.get(path.lstrip("/").split("/", 1)[0])
        return emulator.server_time() if emulator is not None else self.clock.time()

    def _error_body(self, api: str, status: int) -> tuple[str, bytes]:
        emulator = self.emulators.get(api)
        if emulator is None:
            return "text/plain", f"{status}".encode()
        return emulator.error_body(status)

    def _build_app(self) -> Starlette:
        control = [
            Route("/_sandbox/health", self._health, methods=["GET"]),
            Route("/_sandbox/stats", self._stats, methods=["GET"]),
            Route("/_sandbox/requests", self._requests, methods=["GET"]),
            Route("/_sandbox/reset", self._reset, methods=["POST"]),
            Route("/_sandbox/faults", self._faults, methods=["GET", "POST", "DELETE"]),
            Route("/_sandbox/config", self._config, methods=["POST"]),
            Route("/_sandbox/windows/{api}", self._windows, methods=["GET"]),
        ]
        mounts = [Mount(f"/{name}", routes=emulator.routes()) for name, emulator in self.emulators.items()]
        return Starlette(routes=[*control, *mounts])

    async def _health(self, request: Request) -> JSONResponse:
        return JSONResponse({"ok": True, "apis": sorted(self.emulators)})

    async def _stats(self, request: Request) -> JSONResponse:
        return JSONResponse(self.stats.snapshot())

    async def _requests(self, request: Request) -> JSONResponse:
        return JSONResponse([{"method": method, "path": path} for method, path in self.requests.entries()])

    async def _reset(self, request: Request) -> JSONResponse:
        self.reset()
        return JSONResponse({"ok": True})

    async def _faults(self, request: Request) -> JSONResponse:
        if request.method == "DELETE":
            self.faults.clear()
        elif request.method == "POST":
            payload = await request.json()
            for rule in payload if isinstance(payload, list) else [payload]:
                try:
                    self.faults.add(**rule)
                except TypeError as exc:
                    return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse([rule.as_dict() for rule in self.faults.rules()])

    async def _windows(self, request: Request) -> JSONResponse:
        emulator = self.emulators.get(request.path_params["api"])
        limiter = emulator.limiter_of if emulator is not None else None
        if limiter is None:
            return JSONResponse({"error": "unknown API"}, status_code=404)
        return JSONResponse(limiter.history())

    async def _config(self, request: Request) -> JSONResponse:
        payload = await request.json()
        try:
            for api, options in payload.items():
                self.configure(api, **options)
        except (KeyError, TypeError, ValueError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse({"ok": True})


class DateMiddleware:
    """Stamps every answer with a ``Date`` header from the answering API's (possibly skewed) clock."""

    def __init__(self, app: ASGIApp, server_time: Callable[[str], float]) -> None:
        self.app = app
        self.server_time = server_time

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]

        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"date"]
                date = email.utils.formatdate(self.server_time(path), usegmt=True)
                message = {**message, "headers": [*headers, (b"date", date.encode())]}
            await send(message)

        stamped.transport = transport_of(send)  # type: ignore[attr-defined]  # faults that drop or trickle
        await self.app(scope, receive, stamped)
