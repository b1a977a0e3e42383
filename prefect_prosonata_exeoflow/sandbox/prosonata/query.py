"""List queries: dates, filters, ``orderBy`` and paging, as ``docs/apis/prosonata.md`` describes them.

Ids such as PS-U9 cite that note's unknowns table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from .._emulator import ErrorAnswer
from .tables import Filter, Resource

Row = dict[str, Any]
Predicate = Callable[[Row], bool]

DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 1000
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_GERMAN = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def parse_date(value: Any) -> str | None:
    """``YYYY-MM-DD`` or ``DD.MM.YYYY`` (PS-U13) as ISO text; None if it is no valid date."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    match = _ISO.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _GERMAN.match(text)
        if not match:
            return None
        day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_time(value: Any) -> str | None:
    """``HH:MM`` or ``HH:MM:SS`` as ``HH:MM:SS``; None if it is no valid time."""
    if not isinstance(value, str):
        return None
    match = _TIME.match(value.strip())
    if not match:
        return None
    hours, minutes, seconds = int(match[1]), int(match[2]), int(match[3] or 0)
    if hours > 23 or minutes > 59 or seconds > 59:
        return None
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}"


def page_params(params: Mapping[str, str]) -> tuple[int, int]:
    """``perPage`` clamped to 1..1000 (default 100) and ``page`` >= 1 (PS-U9)."""
    per_page = min(max(_as_int(params.get("perPage"), DEFAULT_PER_PAGE), 1), MAX_PER_PAGE)
    page = max(_as_int(params.get("page"), 1), 1)
    return per_page, page


def _as_int(value: str | None, default: int) -> int:
    try:
        return int(str(value).strip()) if value is not None else default
    except ValueError:
        return default


# -- filters -----------------------------------------------------------------------------------
def predicates(resource: Resource, params: Mapping[str, str], caller_id: int) -> list[Predicate]:
    """One predicate per documented filter in ``params`` (unknown ones are ignored, PS-U10)."""
    given = {**resource.filter_defaults, **params}
    out: list[Predicate] = []
    for name, raw in given.items():
        spec = resource.filters.get(name)
        if spec is not None:
            out.append(_predicate(name, spec, raw, caller_id, params))
    return out


def _predicate(name: str, spec: Filter, raw: str, caller_id: int, params: Mapping[str, str]) -> Predicate:
    column = spec.column
    if spec.kind == "str":  # PS-U11: case-insensitive substring
        needle = raw.casefold()
        return lambda row: row.get(column) is not None and needle in str(row[column]).casefold()
    if spec.kind == "exact":
        target = _exact_target(raw)
        return lambda row: row.get(column) == target or str(row.get(column)) == raw
    if spec.kind == "dec":
        try:
            number = float(raw)
        except ValueError:
            return lambda row: False
        return lambda row: row.get(column) is not None and float(row[column]) == number
    if spec.kind == "date":
        return _date_predicate(name, column, raw)
    user = _user_id(raw, caller_id)
    if spec.kind == "user":
        return lambda row: row.get(column) == user
    if spec.kind == "member":  # projects: assigned users
        return lambda row: any(u["userID"] == user for u in row.get(column) or ())
    if spec.kind == "task_user":  # tasks: assignee, plus contributors with additionalUser=true
        contributors = params.get("additionalUser", "").strip().lower() in ("true", "1")
        return lambda row: row.get(column) == user or (
            contributors and user in (row.get("additionalUsers") or ())
        )
    raise AssertionError(f"unknown filter kind {spec.kind}")


def _exact_target(raw: str) -> Any:
    try:
        return int(raw.strip())
    except ValueError:
        return raw


def _user_id(raw: str, caller_id: int) -> int | None:
    """``myself`` is the caller (for an app integration: its technical user, PS-U19)."""
    if raw.strip().lower() == "myself":
        return caller_id
    try:
        return int(raw.strip())
    except ValueError:
        return None


def _date_predicate(name: str, column: str, raw: str) -> Predicate:
    """``>d`` from d on, ``<d`` up to d (both inclusive, PS-U12), plain: exactly d."""
    text = raw.strip()
    op = text[:1] if text[:1] in "<>" else "="
    day = parse_date(text[1:] if op != "=" else text)
    if day is None:
        raise ErrorAnswer(400, f"Invalid date in filter '{name}': {raw!r}.")
    if op == ">":
        return lambda row: row.get(column) is not None and row[column] >= day
    if op == "<":
        return lambda row: row.get(column) is not None and row[column] <= day
    return lambda row: row.get(column) == day


# -- ordering ----------------------------------------------------------------------------------
def parse_order(resource: Resource, raw: str | None) -> list[tuple[str, bool]]:
    """``orderBy=date DESC,timeID`` -> ``[("date", True), ("timeID", False)]``; bad keys 400."""
    keys: list[tuple[str, bool]] = []
    for part in (raw or "").split(","):
        tokens = part.split()
        if not tokens:
            continue
        field, direction = tokens[0], (tokens[1].upper() if len(tokens) > 1 else "ASC")
        if field not in resource.sort_keys:
            raise ErrorAnswer(400, f"Unknown sort key '{field}' in orderBy.")
        if len(tokens) > 2 or direction not in ("ASC", "DESC"):
            raise ErrorAnswer(400, f"Invalid sort direction in orderBy: '{part.strip()}'.")
        keys.append((field, direction == "DESC"))
    return keys


def _sort_value(value: Any) -> tuple[int, Any]:
    """NULLs first ascending (as MySQL); text compared case-insensitively."""
    if value is None:
        return (0, 0)
    if isinstance(value, str):
        return (2, value.casefold())
    if isinstance(value, (int, float)):
        return (1, value)
    return (3, str(value))


def order_rows(rows: list[Row], keys: list[tuple[str, bool]]) -> list[Row]:
    """Rows come in ID order; stable sorts from the last key keep ID as the final tie-breaker."""
    for field, descending in reversed(keys):
        rows = sorted(rows, key=lambda row: _sort_value(row.get(field)), reverse=descending)
    return rows
