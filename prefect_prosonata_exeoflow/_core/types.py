"""Lenient field types for API models: the wire is inconsistent, our models should not be."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict


class ApiModel(BaseModel):
    """Base of every response model: unknown fields are kept (``model_extra``), names verbatim."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=False)


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _decimal(value: Any) -> Any:
    value = _blank_to_none(value)
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValueError("a decimal is expected, not a boolean")
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a decimal number (use a dot as separator)") from None
    return value


def parse_date(value: Any) -> Any:
    """ISO ``YYYY-MM-DD`` or German ``DD.MM.YYYY`` (both appear on the wire) to a date."""
    value = _blank_to_none(value)
    if isinstance(value, str):
        text = value.strip()
        for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        if len(text) > 10 and text[4] == "-":
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        raise ValueError(f"{value!r} is not a date (expected YYYY-MM-DD or DD.MM.YYYY)")
    return value


Money = Annotated[Decimal | None, BeforeValidator(_decimal)]
"""A decimal that may arrive as a JSON number, a numeric string, or an empty string."""
def _number_text(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return value
    return str(value)


#: Text the API sometimes sends as a number (house numbers, post codes): kept as text, as sent.
NumberText = Annotated[str | None, BeforeValidator(_number_text)]
LenientDate = Annotated[dt.date | None, BeforeValidator(parse_date)]
LenientDateTime = Annotated[dt.datetime | None, BeforeValidator(_blank_to_none)]
LenientTime = Annotated[dt.time | None, BeforeValidator(_blank_to_none)]
