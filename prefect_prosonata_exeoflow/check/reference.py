"""The reference answers: the check's calls answered by an in-process sandbox.

The sandbox follows our reading of each API's docs, so its answer to a call is the shape the
models were written for. It runs inside this process (no port, no server): requests go to
its ASGI app through :class:`ASGIBridge`, on a host no real request can reach.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from .._core.http import SyncClient

#: The reference's host: recorders ignore it, and it can never be a real service.
REFERENCE_HOST = "reference.invalid"
_GENEROUS = {"rate_limit": 1_000_000, "window_seconds": 60}


class ASGIBridge(httpx.BaseTransport):
    """A blocking httpx transport in front of an ASGI app (each exchange on a private loop)."""

    def __init__(self, app: Any) -> None:
        self._asgi = httpx.ASGITransport(app=app)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="check-reference")

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def exchange() -> httpx.Response:
            response = await self._asgi.handle_async_request(request)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content)

        # A thread of its own: the caller may already be inside an event loop (a flow run).
        return self._thread.submit(asyncio.run, exchange()).result()

    def close(self) -> None:
        self._thread.shutdown(wait=False)


class Reference:
    """One seeded sandbox and a client per API pointed at it."""

    def __init__(self) -> None:
        from ..accounts import RECIPES
        from ..sandbox import Sandbox

        config: dict[str, Any] = {recipe.api: dict(_GENEROUS) for recipe in RECIPES}
        self.sandbox = Sandbox(**config)
        self._bridge = ASGIBridge(self.sandbox.app)
        self._recipes = {recipe.api: recipe for recipe in RECIPES}
        self._clients: dict[str, SyncClient] = {}

    def client(self, api: str) -> SyncClient:
        if api not in self._clients:
            recipe = self._recipes[api]
            block = recipe.block_class()(**recipe.for_sandbox(f"http://{REFERENCE_HOST}"))
            settings = block.client_settings()  # type: ignore[attr-defined]
            self._clients[api] = SyncClient(settings, transport=self._bridge)
        return self._clients[api]

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._bridge.close()

    def __enter__(self) -> Reference:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
