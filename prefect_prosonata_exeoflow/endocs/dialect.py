"""EnDocs Cloud's errors, limits and wire quirks: every EnDocs guess lives here.

What is known (``docs/apis/endocs.md``) rests on a 2022 snapshot of the vendor's backend plus
a short public introduction. Where the two disagree or are silent, the guesses below are the
ones this package makes (ids from that note's unknowns table); change them here only.

* ED-U2: errors arrive in three looks: JSON ``{"error": "..."}`` (documented), a bare ``text/plain``
  message (the 2022 backend), and ASP.NET ``application/problem+json`` for binding errors.
  Many messages carry a tag like ``( #err-70)``; it becomes ``APIStatusError.code`` (``err-70``).
* ED-U3, ED-U6: not-found conditions come back as **400** (``Files not found ( #err-70)``, ``No NonFormDoc
  with id 5 was found``): they raise :class:`NotFoundError` with ``status`` 404. A missing or
  unknown token is 401 (documented) or a legacy 400 (err-30, err-80, "Could not validate
  token"): all raise :class:`AuthenticationError` with ``status`` 401. A blocked account (err-50)
  and a full storage quota (err-60) raise :class:`PermissionDeniedError` (403): the token is
  valid, the plan refuses. ``status`` is therefore the meaning of the error; the server's text
  and tag are kept verbatim in ``message`` and ``code``.
* ED-U4, ED-U5: the 300 requests/minute limit reports no remaining budget, so the client counts its own calls
  in fixed windows of the documented length. Where those windows start is **not documented**
  (nothing says they align to the calendar minute): the budget learns their phase from 429s and
  the first success after them (see :mod:`.._core.budget`). A 429 is waited out for
  ``Retry-After`` (seconds, or an HTTP date read against the server's ``Date``) when present;
  without one the core backs off with one probe per step.
* Successful answers are JSON, except ``DocApproval``'s ``Success`` (``text/plain``).
* ED-U15: feeds answer a serialized .NET ``KeyValuePair``: ``{"Key": n, "Value": [...]}``; a newer
  runtime would write ``key``/``value``. Both are read.
* ED-U12: naive timestamps (``docDate``) are Moscow time (UTC+3, no daylight saving since 2014).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import httpx

from .._core.clock import Clock
from .._core.dialect import Dialect, excerpt
from .._core.errors import MalformedResponseError

API_NAME = "EnDocs"
DEFAULT_BASE_URL = "https://api.endocs.cloud"
#: Documented: 300 requests per minute per token.
REQUESTS_PER_MINUTE = 300
WINDOW_SECONDS = 60.0
#: Largest file the server accepts, after base64 decoding (``Max File size exceeded ( #err-20)``).
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Default answer cap: a download carries every file of a record, each up to 20 MB (27 MB in base64).
MAX_RESPONSE_BYTES = 256 * 1024 * 1024
#: Longest ``FileName`` the server stores.
MAX_FILE_NAME_LENGTH = 255
#: Longest ``RequestID`` (a free log tag; not an idempotency key).
MAX_REQUEST_ID_LENGTH = 200
#: Timezone of timestamps written without an offset.
SERVER_TIMEZONE = dt.timezone(dt.timedelta(hours=3), "MSK")

_ERR_TAG = re.compile(r"#\s*err-(\d+)", re.IGNORECASE)
#: Tags that mean "who are you?": no header, no Bearer token, unknown token.
_AUTH_TAGS = frozenset({"err-30", "err-40", "err-80"})
#: Tags that mean "known account, but the plan refuses": blocked, storage quota used up.
_REFUSED_TAGS = frozenset({"err-50", "err-60"})
_NOT_FOUND_TAGS = frozenset({"err-70"})
_AUTH_TEXT = re.compile(r"could not validate token|no token received|no authorization header", re.IGNORECASE)
_NOT_FOUND_TEXT = re.compile(r"not found|^no \w+ (document )?(with id \d+ )?was found|^no nonformdoc with id", re.IGNORECASE)
_TEXT_TYPES = ("text/plain",)


def error_code(message: str) -> str | None:
    """``err-70`` from ``Files not found ( #err-70)``; None when the message has no tag."""
    match = _ERR_TAG.search(message)
    return f"err-{match.group(1)}" if match else None


def classify(status: int, message: str, code: str | None) -> int:
    """The status an error *means*: EnDocs sends not-found and legacy auth failures as 400."""
    if status != 400:
        return status
    if code in _AUTH_TAGS or _AUTH_TEXT.search(message):
        return 401
    if code in _REFUSED_TAGS:
        return 403
    if code in _NOT_FOUND_TAGS or _NOT_FOUND_TEXT.search(message):
        return 404
    return 400


def _problem_message(body: Mapping[str, Any]) -> str | None:
    """``title`` plus the field messages of an ASP.NET ValidationProblemDetails body."""
    title = body.get("title")
    errors = body.get("errors")
    details: list[str] = []
    if isinstance(errors, Mapping):
        for name, texts in errors.items():
            for text in texts if isinstance(texts, list) else [texts]:
                details.append(f"{name}: {text}")
    if not title and not details:
        return None
    return "; ".join([str(title)] * bool(title) + details)


def key_value(body: Any) -> tuple[int | None, list[Any]]:
    """Count and rows of a ``{"Key": n, "Value": [...]}`` answer (either casing; null rows = [])."""
    if isinstance(body, list):
        return len(body), body
    if isinstance(body, Mapping):
        lowered = {str(k).lower(): v for k, v in body.items()}
        if "value" in lowered or "key" in lowered:
            rows = lowered.get("value")
            count = lowered.get("key")
            if rows is None:
                rows = []
            if isinstance(rows, list):
                return (count if isinstance(count, int) and not isinstance(count, bool) else None), rows
    raise MalformedResponseError(
        f"expected a {{'Key': count, 'Value': [...]}} answer, got {excerpt(str(body))!r}", api=API_NAME
    )


class EnDocsDialect(Dialect):
    """Errors in any of the three looks, 429 waits, and plain-text success answers."""

    api = API_NAME
    reports_budget = False

    def __init__(self, clock: Clock, *, window_seconds: float = WINDOW_SECONDS) -> None:
        super().__init__(clock)
        self.window_seconds = window_seconds

    def decode(self, response: httpx.Response) -> Any:
        """JSON as usual; a ``text/plain`` body (``Success``, legacy errors) as a string."""
        content_type = response.headers.get("content-type", "").lower()
        if any(kind in content_type for kind in _TEXT_TYPES):
            return response.content.decode(response.encoding or "utf-8", errors="replace").strip()
        return super().decode(response)

    def error_details(self, response: httpx.Response, body: Any) -> tuple[str, str | None]:
        message: str | None = None
        if isinstance(body, Mapping):
            error = body.get("error")
            if isinstance(error, str) and error:
                message = error
            elif isinstance(error, Mapping) and isinstance(error.get("message"), str):
                message = error["message"]
            else:
                message = _problem_message(body)
        elif isinstance(body, str) and body:
            message = excerpt(body, 300)
        if not message:
            message, _ = super().error_details(response, body)
        return message, error_code(message)

    def failure_status(self, response: httpx.Response, body: Any) -> int | None:
        status = response.status_code
        if status < 400:
            return None
        message, code = self.error_details(response, body)
        return classify(status, message, code)
