"""Argument checks every API needs: finite JSON numbers and usable durations, refused before sending."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .errors import InvalidRequestError


def check_finite(value: Any, field: str, *, api: str | None = None) -> None:
    """Refuse NaN and infinity anywhere in a JSON value: JSON has no such numbers.

    The error names where it sits, e.g. ``input['totals'][2]``.
    """
    stack: list[tuple[Any, str]] = [(value, field)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, float):
            if not math.isfinite(item):
                raise InvalidRequestError(f"{where} is {item!r}; JSON allows only finite numbers", api=api)
        elif isinstance(item, Mapping):
            stack.extend((child, f"{where}[{key!r}]") for key, child in item.items())
        elif isinstance(item, (list, tuple)):
            stack.extend((child, f"{where}[{index}]") for index, child in enumerate(item))


def positive_seconds(value: Any, field: str, *, api: str | None = None) -> float:
    """A duration: a finite number above zero (``inf`` would mean "never give up")."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise InvalidRequestError(f"{field} must be a positive number of seconds (finite), got {value!r}", api=api)
    return float(value)
