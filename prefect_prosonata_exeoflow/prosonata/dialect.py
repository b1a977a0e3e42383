"""ProSonata's envelope, errors and rate-limit hints: every ProSonata guess lives here.

Guesses (ids from the unknowns table in ``docs/apis/prosonata.md``; change them here only):

* PS-U1: the wait after a 429 comes from ``meta.apiLimitReset``, else the first integer in
  ``meta.message``, else a ``Retry-After`` header (PS-U2), else the core backs off.
* PS-U8: a list with no rows answers ``204`` with an empty body; that is an empty result and
  carries no rate-limit information.
* PS-U27: ``apiLimitReset`` is a whole number of seconds, rounded up, always >= 1 in a window.
* A wrong base URL answers with an HTML page: the core reports "expected JSON ... check the
  base URL" instead of a parse error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import httpx

from .._core.budget import BudgetHint
from .._core.dialect import Dialect, Reply, member, parse_int

API_NAME = "ProSonata"
DEFAULT_BASE_URL = "https://{subdomain}.prosonata.software/api/v1"
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 100
_FIRST_INTEGER = re.compile(r"(\d+)")


class ProSonataDialect(Dialect):
    api = API_NAME
    reports_budget = True

    def budget_hint(self, response: httpx.Response, body: Any) -> BudgetHint | None:
        meta = member(body, "meta")
        remaining = parse_int(meta.get("apiLimitRemaining"))
        if remaining is None:
            return None
        reset = parse_int(meta.get("apiLimitReset"))
        # PS-U27: whole seconds, rounded up: the true reset lies up to a second before.
        return BudgetHint(remaining=remaining, reset_in=float(reset) if reset is not None and reset >= 0 else None,
                          resolution=1.0)

    def retry_after(self, response: httpx.Response, body: Any) -> float | None:
        meta = member(body, "meta")
        reset = parse_int(meta.get("apiLimitReset"))
        if reset is not None and reset >= 0:
            return float(reset)
        message = meta.get("message")
        if isinstance(message, str):
            match = _FIRST_INTEGER.search(message)
            if match:
                return float(match.group(1))
        return super().retry_after(response, body)

    def error_details(self, response: httpx.Response, body: Any) -> tuple[str, str | None]:
        message = member(body, "meta").get("message")
        if isinstance(message, str) and message:
            return message, None
        return super().error_details(response, body)

    def failure_status(self, response: httpx.Response, body: Any) -> int | None:
        if response.status_code >= 400:
            return response.status_code
        status = parse_int(member(body, "meta").get("status"))
        return status if status is not None and status >= 400 else None

    def unwrap(self, response: httpx.Response, body: Any) -> Reply:
        if body is None:  # 204 No Content: an empty result
            return Reply(status=response.status_code, data=[], meta={}, headers=response.headers)
        if not isinstance(body, Mapping) or "meta" not in body or "data" not in body:
            raise self.malformed(response, "the answer has no meta/data envelope; check that the base URL ends in /api/v1")
        return Reply(status=response.status_code, data=body["data"], meta=member(body, "meta"), headers=response.headers)
