"""The shape every API emulator has, so the sandbox app can mount, reset and fault them alike."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute

from .._core.clock import Clock
from ._faults import SCOPE_KEY, FaultRule
from ._stats import Stats


class Emulator(ABC):
    """One API's emulation: its routes under ``/{name}``, its seeded state, its rate window."""

    #: First path segment of the API in the sandbox, e.g. ``prosonata``.
    name: str
    #: Path below ``/{name}`` that clients use as their base URL, e.g. ``/api/v1``.
    base_path: str = ""

    def __init__(self, clock: Clock, stats: Stats, seed: int = 7, **config: Any) -> None:
        self.clock = clock
        self.stats = stats
        self.seed = seed
        self.configure(**config)
        self.reset()

    @abstractmethod
    def routes(self) -> list[BaseRoute]:
        """Routes relative to ``/{name}``."""

    @abstractmethod
    def reset(self) -> None:
        """Back to the seeded data, an empty rate window and zero counters of this API."""

    @abstractmethod
    def configure(self, **options: Any) -> None:
        """Change settings such as the rate limit or window length; unknown options raise."""

    @abstractmethod
    def error_body(self, status: int) -> tuple[str, bytes]:
        """Content type and body of an error in this API's documented look (injected faults)."""

    def count(self, event: str) -> None:
        """Count an event under this API's name, e.g. ``create.projecttimes``."""
        self.stats.incr(f"{self.name}.{event}")

    @staticmethod
    def forced_rate_limit(request: Request) -> FaultRule | None:
        """The ``rate_limit`` fault rule that hit this request, if any (its ``hint`` picks the form)."""
        rule = request.scope.get(SCOPE_KEY)
        return rule if isinstance(rule, FaultRule) and rule.kind == "rate_limit" else None
