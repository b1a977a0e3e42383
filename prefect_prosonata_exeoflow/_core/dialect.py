"""What differs between the three APIs, behind one small interface.

A :class:`Dialect` knows one API's envelope, error shape and rate-limit hints. The request
plan in :mod:`._core.http` asks it questions and does everything else the same way for all
three APIs. Each API's guesses (see the unknowns tables in ``docs/apis/``) live in its dialect only.
"""

from __future__ import annotations

import email.utils
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from .budget import BudgetHint
from .clock import Clock
from .errors import MalformedResponseError

_JSON_TYPES = ("application/json", "+json", "text/json")


@dataclass(frozen=True)
class Reply:
    """A successful answer, unwrapped from the API's envelope."""

    status: int
    data: Any
    meta: Mapping[str, Any] = field(default_factory=dict)
    headers: httpx.Headers = field(default_factory=httpx.Headers)


def parse_retry_after(value: str | None, clock: Clock) -> float | None:
    """``Retry-After`` as seconds from now: delta-seconds or an HTTP date; None if unusable."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - clock.time()
    if seconds != seconds or seconds in (float("inf"), float("-inf")):  # NaN / inf
        return None
    return max(seconds, 0.0)


def parse_int(value: Any) -> int | None:
    """An int from a header or JSON value, or None if it is missing or garbage."""
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

    def retry_after(self, response: httpx.Response, body: Any) -> float | None:
        """Seconds a 429 asks us to wait; None when it gives no usable hint."""
        return parse_retry_after(response.headers.get("retry-after"), self.clock)

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

    def unwrap(self, response: httpx.Response, body: Any) -> Reply:
        return Reply(status=response.status_code, data=body, headers=response.headers)

    def failure_status(self, response: httpx.Response, body: Any) -> int | None:
        """The error status of an answer, or None when it succeeded."""
        return response.status_code if response.status_code >= 400 else None


def _excerpt(content: bytes, limit: int = 120) -> str:
    text = content.decode("utf-8", errors="replace").strip()
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def excerpt(content: bytes | str, limit: int = 120) -> str:
    """A short one-line preview of a body for error messages."""
    return _excerpt(content.encode() if isinstance(content, str) else content, limit)
