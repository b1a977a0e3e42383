"""A rate-limited server on a fake clock, in each API's wire form, for the pacing tests.

It counts with the sandbox's own :class:`FixedWindowLimiter` (phase, clock offset, rival calls),
answers through ``httpx.MockTransport`` and advances the fake clock by a round trip per call,
so the client's sends and the server's windows can be compared exactly, without sockets.
"""

from __future__ import annotations

import dataclasses
import email.utils
import heapq
import itertools
import math
import random
from collections.abc import Callable
from typing import Any

import httpx

from prefect_prosonata_exeoflow._core.budget import reset_shared_budgets
from prefect_prosonata_exeoflow._core.clock import FakeClock
from prefect_prosonata_exeoflow._core.http import ClientSettings, Plan, SyncClient, plan_request
from prefect_prosonata_exeoflow._core.plans import Finished, Send, Sleep, advance
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


def settings_for(server: FakeServer, **fields: Any) -> ClientSettings:
    """The API's own block's settings (its dialect and a fresh shared budget) on ``server``'s clock."""
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
    return dataclasses.replace(settings, policy=policy)


def client_for(server: FakeServer, **fields: Any) -> SyncClient:
    """The API's own block and client (its dialect and shared budget) talking to ``server``."""
    return SyncClient(settings_for(server, **fields), transport=httpx.MockTransport(server.handler))


def run_workers(server: FakeServer, *, workers: int, calls: int, round_trip: float, lag: float = 0.0,
                service: float = 0.0, **fields: Any) -> None:
    """``workers`` concurrent callers sharing one budget spend ``calls`` calls, on the fake clock.

    Each worker drives the core's own request plan; a call reaches the server half a round trip
    after it leaves and its answer comes back half a round trip later, so calls overlap as on
    threads or asyncio tasks. Every wake-up after a wait comes ``lag`` late (a loaded machine's
    scheduler, an event loop busy elsewhere). The server answers one call at a time, each taking
    ``service`` seconds, so concurrent calls queue as on a busy machine and one caller alone goes
    faster per call than eight. ``server.round_trip`` must be 0 (time is ours here).
    """
    assert server.round_trip == 0
    settings = settings_for(server, **fields)
    request = httpx.Request("GET", "https://fake.test/" + PATHS[server.api])
    left = [calls]
    free = [server.clock.monotonic()]  # when the server is done with the calls queued so far
    events: list[tuple[float, int, Callable[[], None]]] = []
    order = itertools.count()

    def at(moment: float, step: Callable[[], None]) -> None:
        heapq.heappush(events, (moment, next(order), step))

    def start_call(plan: Plan | None = None) -> None:
        if plan is None:
            if left[0] == 0:
                return
            left[0] -= 1
            plan = plan_request(settings, request)
        perform(plan, advance(plan, None, None))

    def perform(plan: Plan, action: Any) -> None:
        now = server.clock.monotonic()
        if isinstance(action, Finished):
            at(now, start_call)
        elif isinstance(action, Sleep):
            at(now + action.seconds + lag, lambda: perform(plan, advance(plan, None, None)))
        else:
            assert isinstance(action, Send)

            def serve() -> None:
                response = server.handler(action.request)
                at(server.clock.monotonic() + round_trip / 2, lambda: perform(plan, advance(plan, response, None)))

            free[0] = max(free[0], now + round_trip / 2) + service
            at(free[0], serve)

    for _ in range(workers):
        at(server.clock.monotonic(), start_call)
    while events:
        moment, _, step = heapq.heappop(events)
        server.clock.advance(max(moment - server.clock.monotonic(), 0.0))
        step()


def call(client: SyncClient, api: str) -> Any:
    return client.request("GET", PATHS[api])


def first_call_delays(server: FakeServer) -> list[float]:
    """For every window after the first: seconds from its start to the first call in it."""
    return [w["first_call"] - w["start"] for w in server.windows()[1:] if w["first_call"] is not None]
