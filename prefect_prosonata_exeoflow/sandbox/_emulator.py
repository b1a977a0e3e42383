"""The shape every API emulator has, so the sandbox app can mount, reset and fault them alike."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute

from .._core.clock import Clock
from ._faults import SCOPE_KEY, FaultRule
from ._ratelimit import FixedWindowLimiter
from ._stats import Stats

#: How a server's rate limiting may differ from the documentation; every API takes these options.
RATE_DEFAULTS: dict[str, Any] = {
    "window_phase": None,  # seconds: windows start at phase + n * window on the server's clock
    "clock_offset": 0.0,  # seconds the server's clock (Date, epoch resets) runs ahead of ours
    "rival_calls": 0,  # calls a rival consumer of the same key spends as soon as this is set
    "hintless_429": False,  # the API's own 429s carry no hint at all
}


class ErrorAnswer(Exception):
    """An error answer raised from deep inside a handler: the status, the backend's message and,
    where the API has them (Exeoflow), its error code. The emulator wraps it in its API's envelope."""

    def __init__(self, status: int, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.status, self.message, self.code = status, message, code


class Emulator(ABC):
    """One API's emulation: its routes under ``/{name}``, its seeded state, its rate window."""

    #: First path segment of the API in the sandbox, e.g. ``prosonata``.
    name: str
    #: Path below ``/{name}`` that clients use as their base URL, e.g. ``/api/v1``.
    base_path: str = ""

    def __init__(self, clock: Clock, stats: Stats, seed: int = 7, **config: Any) -> None:
        self.rate: dict[str, Any] = dict(RATE_DEFAULTS)
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

    def take_rate_options(self, options: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """Validate and keep the rate options (:data:`RATE_DEFAULTS`) among ``options``; return the
        others, and whether the window itself changed (phase or clock: the limiter is rebuilt)."""
        rest = dict(options)
        changed = False
        for name in RATE_DEFAULTS:
            if name not in rest:
                continue
            value = rest.pop(name)
            if name == "window_phase":
                if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0):
                    raise ValueError(f"window_phase must be null or seconds >= 0, got {value!r}")
            elif name == "clock_offset":
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    raise ValueError(f"clock_offset must be a number of seconds, got {value!r}")
            elif name == "rival_calls":
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise ValueError(f"rival_calls must be an int >= 0, got {value!r}")
            elif not isinstance(value, bool):
                raise ValueError(f"{name} must be true or false, got {value!r}")
            changed = changed or name in ("window_phase", "clock_offset")
            self.rate[name] = value
        return rest, changed

    def new_limiter(self, limit: int, window_seconds: float, *, aligned: bool) -> FixedWindowLimiter:
        """The API's window counter with this emulator's phase and clock options. An API whose
        windows start at a first call (``aligned=False``) takes ``window_phase`` as the phase of a
        window already running (begun by someone else); later windows start at a first call."""
        return FixedWindowLimiter(limit, window_seconds, self.clock, aligned=aligned,
                                  phase=self.rate["window_phase"], clock_offset=float(self.rate["clock_offset"]),
                                  phase_first_only=not aligned)

    def spend_rival_calls(self, limiter: FixedWindowLimiter, key: str) -> None:
        """Let the rival consumer (option ``rival_calls``) spend its calls of the current window."""
        if self.rate["rival_calls"]:
            limiter.charge(key, int(self.rate["rival_calls"]))
            self.rate["rival_calls"] = 0

    def server_time(self) -> float:
        """Epoch seconds on this API's (possibly skewed) clock: its ``Date`` header."""
        return self.clock.time() + float(self.rate["clock_offset"])

    @property
    def limiter_of(self) -> FixedWindowLimiter | None:
        """The window counter (for the control API's window history)."""
        limiter = getattr(self, "limiter", None) or getattr(self, "_limiter", None)
        return limiter if isinstance(limiter, FixedWindowLimiter) else None

    def count(self, event: str) -> None:
        """Count an event under this API's name, e.g. ``create.projecttimes``."""
        self.stats.incr(f"{self.name}.{event}")

    @staticmethod
    def forced_rate_limit(request: Request) -> FaultRule | None:
        """The ``rate_limit`` fault rule that hit this request, if any (its ``hint`` picks the form)."""
        rule = request.scope.get(SCOPE_KEY)
        return rule if isinstance(rule, FaultRule) and rule.kind == "rate_limit" else None
