"""What differs between the three APIs, behind one small interface.

A :class:`Dialect` knows one API's envelope, error shape and rate-limit hints. The request
plan in :mod:`._core.http` asks it questions and does everything else the same way for all
three APIs. Each API's guesses (see the unknowns tables in ``docs/apis/``) live in its dialect only.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from .budget import BudgetHint
from .clock import Clock
from .errors import MalformedResponseError

_JSON_TYPES = ("application/json", "+json", "text/json")
#: A ``Date`` more than this far below the learned offset means the server's clock was reset.
CLOCK_JUMP_SECONDS = 2.0


@dataclass(frozen=True)
class Reply:
    """A successful answer, unwrapped from the API's envelope."""

    status: int
    data: Any
    meta: Mapping[str, Any] = field(default_factory=dict)
    headers: httpx.Headers = field(default_factory=httpx.Headers)


def parse_http_date(value: str | None) -> float | None:
    """An HTTP date (``Date``, ``Retry-After``) as epoch seconds; None if missing or garbage."""
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.timestamp()


def parse_retry_after(value: str | None, now: float) -> float | None:
    """``Retry-After`` as seconds from ``now`` (the server's epoch time): delta-seconds or an HTTP
    date; None if unusable, including a date already in the past (a stale header)."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        when = parse_http_date(value)
        if when is None:
            return None
        seconds = when - now
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return seconds


def sane_wait(seconds: float | None) -> float | None:
    """The one hint-sanity rule for a 429, the same for every API: a wait of zero or less (a
    stale reset, a skewed clock) or no number at all is no hint, so the core probes instead of
    letting every worker retry at once. Long waits are kept; the plan compares them with
    ``max_rate_limit_wait`` and raises ``RateLimitError`` at once."""
    if seconds is None or not math.isfinite(seconds) or seconds <= 0:
        return None
    return seconds


def member(body: Any, key: str) -> Mapping[str, Any]:
    """The object under ``key`` of a JSON object body (an envelope's ``meta``, ``error``); {} if absent or odd."""
    value = body.get(key) if isinstance(body, Mapping) else None
    return value if isinstance(value, Mapping) else {}


def parse_int(value: Any) -> int | None:
    """An int from a header or JSON value, or None if it is missing or garbage."""
    if type(value) is int:
        return value
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        try:
            number = float(str(value).strip())
        except ValueError:
            return None
        return int(number) if number == number and abs(number) != float("inf") else None


class Dialect:
    """Defaults suit a plain JSON API; each API overrides what it does differently."""

    api: str = "API"
    #: Send one probing request while the budget is unknown (APIs that report their budget).
    reports_budget: bool = True

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._clock_offset: float | None = None  # lower bound of (server clock - ours), from Date
        self._clock_ceiling: float | None = None  # upper bound of the same, from Date and when we sent
        #: Seconds of doubt the last :meth:`server_now` added (1.0 when it came from a ``Date``).
        self.clock_doubt = 0.0

    def decode(self, response: httpx.Response) -> Any:
        """The body as JSON, None when empty; a MalformedResponseError for anything else."""
        content = response.content
        if not content.strip():
            return None
        content_type = response.headers.get("content-type", "").lower()
        if not any(kind in content_type for kind in _JSON_TYPES):
            kind = content_type.split(";")[0] or "no content type"
            raise MalformedResponseError(
                f"expected JSON but got {kind}: {_excerpt(content)!r}; check the base URL",
                status=response.status_code,
            )
        try:
            return json.loads(content)
        except json.JSONDecodeError as exc:
            raise MalformedResponseError(
                f"the response is not valid JSON ({exc.msg} at byte {exc.pos}); "
                f"it may be cut off: {_excerpt(content)!r}",
                status=response.status_code,
            ) from None

    def budget_hint(self, response: httpx.Response, body: Any) -> BudgetHint | None:
        """What this response says about the rate budget."""
        return None

    def server_now(self, response: httpx.Response) -> float:
        """The server's epoch time now, for absolute hints (epoch resets, HTTP dates).

        From its ``Date`` header when sent: whole seconds, rounded down, so ``Date - our time``
        is a lower bound of how far the server's clock is ahead of ours. The largest such bound
        seen so far (they differ by the sub-second phase of each answer) converges on the true
        offset, and a reset computed from it stays an upper bound however far apart the clocks
        are. When that bound is within a second below zero, the two clocks agree as far as a
        ``Date`` can tell, and our own (finer) clock is used. Without a ``Date``: our clock.
        ``Date + 1 - (when we sent)`` bounds the offset from above; the gap between the two
        bounds (at most a second) is :attr:`clock_doubt`, which a reset read this way adds to
        its own rounding.
        """
        now = self.clock.time()
        date = parse_http_date(response.headers.get("date"))
        self.clock_doubt = 0.0
        if date is None:
            return now
        bound = date - now
        known = self._clock_offset
        if known is not None and bound < known - CLOCK_JUMP_SECONDS:
            known = self._clock_ceiling = None  # the server's clock was reset
        if known is None or bound > known:
            self._clock_offset = known = bound  # tighter
        # The server stamped ``Date`` after we sent: its clock then read less than date + 1.
        ceiling = _ceiling(date, now, response)
        if ceiling is not None:
            self._clock_ceiling = ceiling if self._clock_ceiling is None else min(self._clock_ceiling, ceiling)
        if self._clock_ceiling is not None and self._clock_ceiling < known:
            self._clock_ceiling = None  # contradicts the floor (a reset clock): forget it
        if -1.0 < known <= 0.0:
            return now
        self.clock_doubt = 1.0 if self._clock_ceiling is None else min(self._clock_ceiling - known, 1.0)
        return now + known

    def retry_after(self, response: httpx.Response, body: Any) -> float | None:
        """Seconds a 429 asks us to wait; None when it gives no usable hint."""
        return parse_retry_after(response.headers.get("retry-after"), self.server_now(response))

    def error_details(self, response: httpx.Response, body: Any) -> tuple[str, str | None]:
        """The server's message and error code for an error status."""
        if isinstance(body, Mapping):
            for key in ("message", "error", "detail", "title"):
                value = body.get(key)
                if isinstance(value, str) and value:
                    return value, None
        if isinstance(body, str) and body:
            return _excerpt(body.encode()), None
        return response.reason_phrase or "error", None

    def malformed(self, response: httpx.Response, message: str) -> MalformedResponseError:
        """The error for an answer that is not this API's shape, naming the request it answers."""
        return MalformedResponseError(message, status=response.status_code, api=self.api,
                                      method=response.request.method, path=response.request.url.path)

    def unwrap(self, response: httpx.Response, body: Any) -> Reply:
        return Reply(status=response.status_code, data=body, headers=response.headers)

    def failure_status(self, response: httpx.Response, body: Any) -> int | None:
        """The error status of an answer, or None when it succeeded."""
        return response.status_code if response.status_code >= 400 else None


def _ceiling(date: float, now: float, response: httpx.Response) -> float | None:
    """An upper bound of (server clock - ours) from one answer: ``date + 1 - sent``."""
    try:
        elapsed = response.elapsed.total_seconds()
    except RuntimeError:  # not read to the end: when it was sent is not known
        return None
    return date + 1.0 - (now - elapsed)


def _excerpt(content: bytes, limit: int = 120) -> str:
    text = content.decode("utf-8", errors="replace").strip()
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def excerpt(content: bytes | str, limit: int = 120) -> str:
    """A short one-line preview of a body for error messages."""
    return _excerpt(content.encode() if isinstance(content, str) else content, limit)
