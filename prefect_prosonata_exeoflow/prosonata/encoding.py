"""Turn Python arguments into ProSonata query strings and bodies, rejecting bad input early.

Every check here runs before a request exists, and every failure is an
:class:`~prefect_prosonata_exeoflow.InvalidRequestError` that names the argument. Guesses
are cited by their id in ``docs/apis/prosonata.md`` (PS-U25, ...).
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, Literal

from .._core.checks import check_finite
from .._core.errors import InvalidRequestError
from .._core.paths import positive_id
from .._core.types import parse_date
from .dialect import MAX_PAGE_SIZE
from .resources import Resource

#: ``detail`` of project times: the vendor stores 800 characters and cuts silently (PS-U25).
DETAIL_MAX_LENGTH = 800
DETAIL_DOCUMENTED_LENGTH = 200
_TIME_FIELDS_SUFFIXES = ("TimeStart", "TimeEnd", "Time")
_DATE_FIELD_HINTS = ("Date", "date", "birthday")
#: Decimal fields that callers may pass as text ("1.25"); sent as JSON numbers with a dot.
_DECIMAL_FIELDS = frozenset(
    [
        "workingTime", "timePlanned", "projectCostRate", "hourlyRateDiscount", "customerCostRate",
        "customerCashDiscountRate", "quantity", "netValue", "grossValue", "tax", "unitPrice",
        "cashDiscountRate", "additionalCharge", "additionalCharge1", "additionalCharge2",
    ]
)


@dataclass(frozen=True)
class DateRange:
    """Both ends inclusive; either may be open. Encodes as ``>start`` / ``<end``."""

    start: dt.date | str | None = None
    end: dt.date | str | None = None


def between(start: dt.date | str | None = None, end: dt.date | str | None = None) -> DateRange:
    """A date range filter value: ``list_project_times(filters={"date": between(a, b)})``."""
    return DateRange(start, end)


DateFilterValue = dt.date | str | tuple[str, dt.date | str] | DateRange
OrderBy = str | Iterable[str | tuple[str, str]]


def _bad(name: str, value: Any, expected: str) -> InvalidRequestError:
    return InvalidRequestError(f"filter {name!r}: {value!r} is not {expected}")


def _iso(name: str, value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            day = parse_date(value)  # None for blank text: rejected below like any non-date
        except ValueError:
            day = None
        if day is not None:
            return day.isoformat()  # type: ignore[no-any-return]
    raise _bad(name, value, "a date (date object, YYYY-MM-DD or DD.MM.YYYY)")


def _date_filter(name: str, value: Any) -> str:
    if isinstance(value, tuple) and len(value) == 2 and value[0] in (">", "<"):
        return f"{value[0]}{_iso(name, value[1])}"
    if isinstance(value, str) and value[:1] in (">", "<"):
        return f"{value[0]}{_iso(name, value[1:].strip())}"
    return _iso(name, value)


def _int(name: str, value: Any) -> str:
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise _bad(name, value, "an integer")
    text = str(value).strip()
    # int() also reads "١٢" (Arabic-Indic digits) as 12: only ASCII digits are a ProSonata integer.
    if not (text.isascii() and text.lstrip("-").isdigit()):
        raise _bad(name, value, "an integer (ASCII digits)")
    return str(int(text))


def _encode_one(name: str, kind: str, value: Any) -> str:
    if kind == "text":
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise _bad(name, value, "text")
        return str(value)
    if kind in ("int", "enum"):
        return _int(name, value)
    if kind == "flag":
        if value in (0, 1, True, False, "0", "1"):
            return str(int(value))
        raise _bad(name, value, "a flag (0/1 or True/False)")
    if kind == "dec":
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise _bad(name, value, "a decimal number") from None
        if not number.is_finite():
            raise _bad(name, value, "a finite decimal number")
        return str(number)
    if kind == "date":
        return _date_filter(name, value)
    if kind == "user":
        return "myself" if value == "myself" else _int(name, value)
    if kind == "true":
        if value in (True, "true", 1):
            return "true"
        raise _bad(name, value, "True")
    raise AssertionError(kind)


def encode_filters(resource: Resource, filters: Mapping[str, Any]) -> dict[str, str]:
    """Query parameters for ``filters``; unknown names and bad values raise before sending."""
    params: dict[str, str] = {}
    for name, value in filters.items():
        if value is None:
            continue
        kind = resource.filters.get(name)
        if kind is None:
            known = ", ".join(sorted(resource.filters))
            raise InvalidRequestError(f"{resource.path}: unknown filter {name!r}; known filters: {known}")
        if isinstance(value, DateRange):
            params.update(_encode_range(resource, name, value))
            continue
        params[name] = _encode_one(name, kind, value)
    return params


def _encode_range(resource: Resource, name: str, value: DateRange) -> dict[str, str]:
    second = resource.range_pairs.get(name)
    if value.start is None and value.end is None:
        raise InvalidRequestError(f"filter {name!r}: a date range needs a start or an end")
    out: dict[str, str] = {}
    if value.start is not None and value.end is not None:
        start, end = _iso(name, value.start), _iso(name, value.end)
        if start > end:
            raise InvalidRequestError(f"filter {name!r}: range start {start} is after its end {end}")
        if second is None:
            raise InvalidRequestError(f"filter {name!r} takes one bound; {resource.path} has no second date filter")
        return {name: f">{start}", second: f"<{end}"}
    if value.start is not None:
        out[name] = f">{_iso(name, value.start)}"
    else:
        out[name] = f"<{_iso(name, value.end)}"
    return out


def encode_order(resource: Resource, order_by: OrderBy | None) -> str | None:
    """``orderBy`` from ``"date DESC, timeID"`` or ``[("date", "DESC"), "timeID"]``."""
    if order_by is None:
        return None
    items: list[Any] = [part for part in order_by.split(",")] if isinstance(order_by, str) else list(order_by)
    clauses: list[str] = []
    for item in items:
        key, direction = (item if isinstance(item, tuple) else (*item.split(None, 1), "ASC")[:2])
        key, direction = key.strip(), direction.strip().upper()
        if key not in resource.sort_keys:
            raise InvalidRequestError(
                f"{resource.path}: cannot order by {key!r}; sort keys: {', '.join(resource.sort_keys)}"
            )
        if direction not in ("ASC", "DESC"):
            raise InvalidRequestError(f"order direction for {key!r} must be ASC or DESC, got {direction!r}")
        clauses.append(key if direction == "ASC" else f"{key} DESC")
    return ",".join(clauses) if clauses else None


def check_page_args(page: int, per_page: int) -> None:
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        raise InvalidRequestError(f"page must be an integer >= 1, got {page!r}")
    if isinstance(per_page, bool) or not isinstance(per_page, int) or not 1 <= per_page <= MAX_PAGE_SIZE:
        raise InvalidRequestError(f"perPage must be an integer from 1 to {MAX_PAGE_SIZE}, got {per_page!r}")


def check_id(resource: Resource, item_id: Any) -> int:
    """A row id: a positive integer, or its ASCII digits (the core's one rule for numeric ids)."""
    return positive_id(item_id, f"{resource.path}: {resource.id_field}", minimum=resource.min_id)


def encode_body(resource: Resource, fields: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    """The JSON body of a create or partial update: only the fields given, in wire types."""
    allowed = set(resource.writable) | (set() if creating else set(resource.update_only))
    if not fields:
        raise InvalidRequestError(f"{resource.path}: nothing to {'create' if creating else 'update'}")
    if creating:
        missing = [name for name in resource.required if fields.get(name) in (None, "")]
        if missing:
            raise InvalidRequestError(f"{resource.path}: missing required field(s) {', '.join(missing)}")
    body: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in allowed and not resource.open_body:
            hint = " (only on update)" if creating and name in resource.update_only else ""
            raise InvalidRequestError(
                f"{resource.path}: {name!r} cannot be {'set on create' if creating else 'updated'}{hint}; "
                f"writable fields: {', '.join(sorted(allowed))}"
            )
        body[name] = _wire(resource, name, value)
        check_finite(body[name], f"{resource.path}: {name}")
    _check_rules(resource, body, creating=creating)
    return body


def _wire(resource: Resource, name: str, value: Any) -> Any:
    if value is None or (isinstance(value, (int, float, list, dict)) and not isinstance(value, bool)):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidRequestError(f"{resource.path}: {name!r}: {value} is not a finite number")
        return float(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, str) and name in _DECIMAL_FIELDS:
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise InvalidRequestError(f"{resource.path}: {name!r}: {value!r} is not a decimal (use a dot)") from None
        if not number.is_finite():
            raise InvalidRequestError(f"{resource.path}: {name!r}: {value!r} is not a finite number")
        return float(number)
    if isinstance(value, str):
        if name.endswith(_TIME_FIELDS_SUFFIXES) and not value.strip() and name != "workingTime":
            raise InvalidRequestError(f"{resource.path}: {name!r} must not be an empty string; send None to clear it")
        if any(hint in name for hint in _DATE_FIELD_HINTS) and value.strip():
            try:
                return parse_date(value).isoformat()
            except ValueError:
                raise InvalidRequestError(f"{resource.path}: {name!r}: {value!r} is not a date") from None
        return value
    raise InvalidRequestError(f"{resource.path}: {name!r} has an unsupported type {type(value).__name__}")


def _check_rules(resource: Resource, body: Mapping[str, Any], *, creating: bool) -> None:
    """Business rules a client must check itself (PS-U25: the silent cut of ``detail``)."""
    if resource.path == "projecttimes":
        detail = body.get("detail")
        if isinstance(detail, str) and len(detail) > DETAIL_MAX_LENGTH:
            raise InvalidRequestError(
                f"projecttimes: detail has {len(detail)} characters; ProSonata stores at most "
                f"{DETAIL_MAX_LENGTH} and would cut the rest silently"
            )
        if isinstance(detail, str) and len(detail) > DETAIL_DOCUMENTED_LENGTH:
            warnings.warn(
                f"projecttimes: detail has {len(detail)} characters; the docs say {DETAIL_DOCUMENTED_LENGTH}",
                stacklevel=4,
            )
        hours = body.get("workingTime")
        if hours is not None and (not isinstance(hours, (int, float)) or hours < 0 or hours > 24):
            raise InvalidRequestError(f"projecttimes: workingTime must be hours from 0 to 24, got {hours!r}")
    if resource.path == "externalcosts":
        _check_external_cost(body, creating=creating)


def _check_external_cost(body: Mapping[str, Any], *, creating: bool) -> None:
    if not creating:
        for name in ("type", "file", "fileName"):
            if name in body:
                raise InvalidRequestError(f"externalcosts: {name!r} cannot change on update")
        return
    if not body.get("useInbox"):
        missing = [name for name in ("projectID", "addressID") if body.get(name) is None]
        if missing:
            raise InvalidRequestError(f"externalcosts: {', '.join(missing)} required unless useInbox=1")
    if bool(body.get("file")) != bool(body.get("fileName")):
        raise InvalidRequestError("externalcosts: file and fileName go together")
    net, gross = body.get("netValue"), body.get("grossValue")
    if isinstance(net, (int, float)) and isinstance(gross, (int, float)) and gross < net:
        raise InvalidRequestError(f"externalcosts: grossValue {gross} is below netValue {net}")


Direction = Literal["ASC", "DESC"]
