"""Listing faults: the three APIs' page shapes, and how a misbehaving server bends them.

Kinds (see :mod:`._faults`), applied to a listing answer the emulator really produced:

=================  ===================================================================================
``endless_pages``  every page has fresh rows (page 1's, ids shifted per page) and announces more
``repeated_page``  every page answers page 1's rows again and announces more
``shifted_pages``  rows shift between pages as if ``size`` rows were added at the front meanwhile:
                   page 2 starts with the last rows of page 1 again; the total grows by as many
``short_total``    the total announced is smaller than the rows handed out
=================  ===================================================================================

ProSonata: ``{"meta": {"page", "perPage", "totalCount"}, "data": [...]}``, pages by ``page``.
Exeoflow: ``{"data": {"<rows>": [...], "pagination": {"page", "limit", "total", "pages"}}}``.
EnDocs has no pages: a feed answers every record above the cursor in the path
(``{"Key": n, "Value": [...]}``); ``endless_pages`` there makes each read bring records above
whatever cursor was asked for, so the feed never catches up.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode


LISTING_KINDS = frozenset({"endless_pages", "repeated_page", "shifted_pages", "short_total"})
#: Announced as the total of an endless listing.
ENDLESS_TOTAL = 10**9
_EXEOFLOW_ROWS = ("workflows", "executions")
_ENDOCS_CURSOR = re.compile(r"/api/Output/\w+/(\d+)/")


def query(scope: dict[str, Any]) -> dict[str, str]:
    return dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))


def with_page(scope: dict[str, Any], page: int) -> dict[str, Any]:
    """A copy of ``scope`` asking for ``page`` instead."""
    params = {**query(scope), "page": str(page)}
    return {**scope, "query_string": urlencode(params).encode("latin-1")}


def page_of(scope: dict[str, Any]) -> int:
    text = query(scope).get("page", "1")
    return int(text) if text.isdigit() else 1


def page_size(scope: dict[str, Any]) -> int:
    """Rows per page asked for (ProSonata ``perPage``, Exeoflow ``limit``)."""
    params = query(scope)
    text = params.get("perPage") or params.get("limit") or "20"
    return int(text) if text.isdigit() else 20


def cursor_of(rest: str) -> int | None:
    """An EnDocs feed's cursor (``DocId``) from the path, or None for any other request."""
    match = _ENDOCS_CURSOR.search(rest)
    return int(match.group(1)) if match else None


class Rows:
    """Read and rewrite the rows and counters of one listing answer of one API."""

    def __init__(self, api: str, rest: str, payload: Any) -> None:
        self.api, self.payload = api, payload
        self.id_key = "id"
        if api == "prosonata":
            # Here, not at the top: the emulators import the fault layer, which imports this module.
            from .prosonata.tables import ALIASES, RESOURCES

            name = rest.rstrip("/").rsplit("/", 1)[-1].lower()
            resource = RESOURCES.get(ALIASES.get(name, name))
            self.id_key = resource.id_field if resource is not None else "id"

    def rows(self) -> list[dict[str, Any]] | None:
        data = self.payload.get("data") if isinstance(self.payload, dict) else None
        if self.api == "prosonata":
            return data if isinstance(data, list) else None
        if self.api == "exeoflow" and isinstance(data, dict):
            for key in _EXEOFLOW_ROWS:
                if isinstance(data.get(key), list):
                    rows: list[dict[str, Any]] = data[key]
                    return rows
        if self.api == "endocs" and isinstance(self.payload, dict):
            for key in ("Value", "value"):
                if isinstance(self.payload.get(key), list):
                    found: list[dict[str, Any]] = self.payload[key]
                    return found
        return None

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        current = self.rows()
        if current is not None:
            current[:] = rows

    def total(self) -> int:
        if self.api == "prosonata":
            return int(self.payload["meta"]["totalCount"])
        return int(self.payload["data"]["pagination"]["total"])

    def announce(self, page: int, total: int, *, more: bool | None = None) -> None:
        """Set the counters: the page asked for, ``total`` rows, and another page after it if ``more``."""
        if self.api == "prosonata":
            self.payload["meta"].update(page=page, totalCount=total)
        elif self.api == "exeoflow":
            pagination = self.payload["data"]["pagination"]
            limit = max(int(pagination.get("limit") or 1), 1)
            pages = -(-total // limit)
            pagination.update(page=page, total=total, pages=max(pages, page + 1) if more else pages)

    def shift_ids(self, offset: int) -> None:
        """Make the rows' ids new ones (numbers grow by ``offset``; text gets a suffix)."""
        for row in self.rows() or []:
            for key in (self.id_key, "Id"):
                value = row.get(key)
                if isinstance(value, int) and not isinstance(value, bool):
                    row[key] = value + offset
                elif isinstance(value, str):
                    row[key] = f"{value}p{offset}"
