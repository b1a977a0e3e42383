"""Exeoflow's envelope, errors and rate-limit hints: every Exeoflow guess about the wire lives here.

Documented: ``{"success": true, "data": ...}`` / ``{"success": false, "error": {"code",
"message"}}``, Bearer keys, and ``X-RateLimit-Limit`` / ``-Remaining`` / ``-Reset`` (epoch
seconds) on responses, per-minute quotas. Guesses (ids from the unknowns
table in ``docs/apis/exeoflow.md``; change them here only):

* EX-U2: a 429 may carry ``Retry-After``; if it does we use it, else ``X-RateLimit-Reset``,
  else the core backs off exponentially.
* ``X-RateLimit-Reset`` is read against the server's own ``Date`` header (our clock when it is
  missing), so a skewed clock on either side does not shift the wait; a reset already in the past
  (stale) is no hint. A small value (below :data:`EPOCH_THRESHOLD`) is read as seconds from now,
  in case a proxy rewrites it. Long hints are kept: the core raises ``RateLimitError`` when they
  exceed ``max_rate_limit_wait``.
* EX-U25: ``success: false`` never comes with a 2xx; if it does, it is an error of the status
  its code implies (:data:`CODE_STATUS`), 400 by default.
* EX-U8: ``DELETE`` may answer ``204`` without a body; that is a success with no data.
* EX-U10/EX-U5: execute is asynchronous; the status vocabulary (``cancelled`` spelling, which
  statuses are final) is in :mod:`.models`.
* EX-U15: webhooks are invoked at the ``url`` the API returned (the on-premises form is
  unknown); the API key is never sent there, only the webhook's own token.
* Any 2xx is a success (EX-U10: 200 or 201 is not documented per endpoint).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import httpx

from .._core.budget import BudgetHint
from .._core.dialect import Dialect, Reply, member, parse_int, parse_retry_after

API_NAME = "Exeoflow"
DEFAULT_BASE_URL = "https://api.exeoflow.com/v1"
#: The documented quota is per minute.
WINDOW_SECONDS = 60.0
#: ``X-RateLimit-Reset`` values below this are seconds from now, not epoch seconds.
EPOCH_THRESHOLD = 1_000_000_000
#: Statuses implied by error codes when a 2xx body says ``success: false`` (EX-U25, guess).
CODE_STATUS = {
    "UNAUTHORIZED": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "WORKFLOW_NOT_FOUND": 404,
    "EXECUTION_NOT_FOUND": 404,
    "WEBHOOK_NOT_FOUND": 404,
    "RATE_LIMIT_EXCEEDED": 429,
    "INTERNAL_ERROR": 500,
}

#: Lost execute answers: executions started up to this many seconds before our call (clock
#: skew between us and the server) are candidates for adoption; at most this many are read.
ADOPT_CLOCK_SKEW_SECONDS = 5.0
ADOPT_MAX_CANDIDATES = 20

HEADER_LIMIT = "X-RateLimit-Limit"
HEADER_REMAINING = "X-RateLimit-Remaining"
HEADER_RESET = "X-RateLimit-Reset"


class ExeoflowDialect(Dialect):
    api = API_NAME
    reports_budget = True

    def reset_in(self, response: httpx.Response) -> float | None:
        """``X-RateLimit-Reset`` as seconds from now by the server's clock; None if unusable or past."""
        raw = response.headers.get(HEADER_RESET)
        if raw is None:
            return None
        try:
            value = float(raw.strip())
        except ValueError:
            return None
        if not math.isfinite(value):
            return None
        seconds = value if value < EPOCH_THRESHOLD else value - self.server_now(response)
        return seconds if seconds >= 0 else None

    def budget_hint(self, response: httpx.Response, body: Any) -> BudgetHint | None:
        remaining = parse_int(response.headers.get(HEADER_REMAINING))
        if remaining is None or remaining < 0:
            return None
        limit = parse_int(response.headers.get(HEADER_LIMIT))
        # Epoch seconds, rounded up: up to a second early; one more when read against a Date
        # header (whole seconds too) rather than our own clock.
        return BudgetHint(
            remaining=remaining,
            reset_in=self.reset_in(response),
            limit=limit if limit is not None and limit > 0 else None,
            resolution=1.0 + self.clock_doubt,
        )

    def retry_after(self, response: httpx.Response, body: Any) -> float | None:
        seconds = parse_retry_after(response.headers.get("retry-after"), self.server_now(response))
        if seconds is not None:
            return seconds
        return self.reset_in(response)

    def error_details(self, response: httpx.Response, body: Any) -> tuple[str, str | None]:
        error = member(body, "error")
        message, code = error.get("message"), error.get("code")
        code = code if isinstance(code, str) and code else None
        if isinstance(message, str) and message:
            return message, code
        if code is not None:
            return code, code
        return super().error_details(response, body)

    def failure_status(self, response: httpx.Response, body: Any) -> int | None:
        if response.status_code >= 400:
            return response.status_code
        if isinstance(body, Mapping) and body.get("success") is False:
            code = member(body, "error").get("code")
            return CODE_STATUS.get(code, 400) if isinstance(code, str) else 400
        return None

    def unwrap(self, response: httpx.Response, body: Any) -> Reply:
        if body is None:  # 204 No Content (a delete)
            return Reply(status=response.status_code, data=None, headers=response.headers)
        if not isinstance(body, Mapping) or body.get("success") is not True:
            raise self.malformed(response, "the answer is not an Exeoflow success envelope; check that the base URL ends in /v1")
        return Reply(status=response.status_code, data=body.get("data"), headers=response.headers)
