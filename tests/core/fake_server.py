"""A rate-limited server on a fake clock, in each API's wire form, for the pacing tests.

It counts with the sandbox's own :class:`FixedWindowLimiter` (phase, clock offset, rival calls),
answers through ``httpx.MockTransport`` and advances the fake clock by a round trip per call,
so the client's sends and the server's windows can be compared exactly, without sockets.
"""

from __future__ import annotations

import dataclasses
import email.utils
import math
import random
from typing import Any

import httpx

from prefect_prosonata_exeoflow._core.budget import reset_shared_budgets
from prefect_prosonata_exeoflow._core.clock import FakeClock
from prefect_prosonata_exeoflow._core.http import SyncClient
from prefect_prosonata_exeoflow.endocs import EnDocsCredentials
from prefect_prosonata_exeoflow.exeoflow import ExeoflowCredentials
from prefect_prosonata_exeoflow.prosonata import ProSonataCredentials
from prefect_prosonata_exeoflow.sandbox._ratelimit import FixedWindowLimiter

KEY = "fake-server-key-0123456789"
PATHS = {"prosonata": "projecttimecategories/15", "exeoflow": "workflows", "endocs": "api/Output/GetClientInfo"}


class FakeServer:
    """One API's rate limiting; ``hint`` is ``"default"`` (the API's own 429) or ``"missing"``."""

    def __init__(self, api: str, clock: FakeClock, *, limit: int, window: float, phase: float | None = None,
                 clock_offset: float = 0.0, rival: int = 0, hint: str = "default", round_trip: float = 0.02,
                 stale_reset: bool = False) -> None:
        self.api, self.clock, self.hint, self.round_trip = api, clock, hint, round_trip
        aligned = api != "prosonata" or phase is not None
        self.limiter = FixedWindowLimiter(limit, window, clock, aligned=aligned, phase=phase, clock_offset=clock_offset)
        self.clock_offset = clock_offset
        self.stale_reset = stale_reset
        self.sent: list[float] = []
        if rival:
            self.limiter.charge("k", rival)

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(self.clock.time())
        self.clock.advance(self.round_trip / 2)
        state = self.limiter.hit("k")
        self.clock.advance(self.round_trip / 2)
        server_now = self.clock.time() - self.round_trip / 2 + self.clock_offset
        headers = {"Date": email.utils.formatdate(server_now, usegmt=True)}
        relative = max(math.ceil(state.reset_in), 1)
        epoch = math.ceil(state.reset_at) if not self.stale_reset else math.floor(server_now) - 60
        hinted = self.hint != "missing"
        if self.api == "prosonata":
            meta: dict[str, Any] = {"status": 200 if state.allowed else 429}
            if hinted or state.allowed:
                meta.update(apiLimitRemaining=state.remaining, apiLimitReset=relative)
            if not state.allowed:
                meta["message"] = "API limit exceeded."
            return httpx.Response(200 if state.allowed else 429, json={"meta": meta, "data": {"category": 15}},
                                  headers=headers)
        if self.api == "exeoflow":
            if hinted or state.allowed:
                headers.update({"X-RateLimit-Limit": str(state.limit), "X-RateLimit-Remaining": str(state.remaining),
                                "X-RateLimit-Reset": str(epoch)})
            if state.allowed:
                return httpx.Response(200, json={"success": True, "data": []}, headers=headers)
            if hinted and not self.stale_reset:
                headers["Retry-After"] = str(relative)
            return httpx.Response(429, json={"success": False, "error": {"code": "RATE_LIMIT_EXCEEDED",
                                                                          "message": "limit"}}, headers=headers)
        if state.allowed:
            return httpx.Response(200, json={"id": 1}, headers=headers)
        if hinted:
            headers["Retry-After"] = str(relative)
        return httpx.Response(429, json={"error": "Too Many Requests"}, headers=headers)

    def windows(self) -> list[dict[str, Any]]:
        return self.limiter.history()


class NoJitter(random.Random):
    def uniform(self, a: float, b: float) -> float:
        return b


def client_for(server: FakeServer, **fields: Any) -> SyncClient:
    """The API's own block and client (its dialect and shared budget) talking to ``server``."""
    reset_shared_budgets()
    base = "https://fake.test/" + server.api
    if server.api == "prosonata":
        credentials: Any = ProSonataCredentials(base_url=base + "/api/v1", api_key=KEY, **fields)
    elif server.api == "exeoflow":
        credentials = ExeoflowCredentials(base_url=base + "/v1", api_key=KEY, **fields)
    else:
        fields = {"requests_per_minute": server.limiter.limit,
                  "rate_limit_window_seconds": server.limiter.window_seconds, **fields}
        credentials = EnDocsCredentials(base_url=base, token=KEY, **fields)
    settings = credentials.client_settings(clock=server.clock)
    policy = dataclasses.replace(settings.policy, rate_limit_jitter=0.0, rng=NoJitter())
    return SyncClient(dataclasses.replace(settings, policy=policy), transport=httpx.MockTransport(server.handler))


def call(client: SyncClient, api: str) -> Any:
    return client.request("GET", PATHS[api])


def first_call_delays(server: FakeServer) -> list[float]:
    """For every window after the first: seconds from its start to the first call in it."""
    return [w["first_call"] - w["start"] for w in server.windows()[1:] if w["first_call"] is not None]
