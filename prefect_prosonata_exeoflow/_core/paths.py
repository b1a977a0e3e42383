"""Path parameters, checked once for all three APIs, so no argument can steer a request elsewhere.

An id goes into a URL path. ``"."`` and ``".."`` are removed by URL normalisation (``GET
workflows/..`` becomes ``GET /v1``), a ``/`` adds a segment, control characters end up in logs
and proxies. Every path with a parameter is built by :func:`fill`, which refuses those before
anything is sent and percent-quotes the rest.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from .errors import InvalidRequestError

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_ASCII_DIGITS = re.compile(r"[0-9]+")


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:39] + "…")


def segment(value: Any, field: str, *, api: str | None = None) -> str:
    """``value`` as one quoted path segment; InvalidRequestError naming ``field`` if it cannot be one."""
    if type(value) is int:
        return str(value)  # digits (and a sign): nothing to refuse or quote
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequestError(f"{field} must be a non-empty string, got {value!r}", api=api)
    reason = None
    if value.strip() in (".", ".."):
        reason = "'.' and '..' are removed from URLs and would address another path"
    elif "/" in value or "\\" in value:
        reason = "a slash would add a path segment"
    elif _CONTROL.search(value):
        reason = "it contains control characters"
    if reason:
        raise InvalidRequestError(f"{field} {_shown(value)} cannot be used in a URL path: {reason}", api=api)
    return quote(value, safe="")


def positive_id(value: Any, field: str, *, api: str | None = None, minimum: int = 1) -> int:
    """A numeric id: an int >= ``minimum`` (1 unless an API documents id 0), or text of ASCII digits.

    ``"²"`` and ``"١٢"`` are digits to Python's ``isdigit`` and ``int`` but no id of any API.
    """
    if isinstance(value, str) and _ASCII_DIGITS.fullmatch(value.strip()):
        number = int(value.strip())
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        wanted = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise InvalidRequestError(f"{field} must be {wanted}, got {value!r}", api=api)
    if number < minimum:
        wanted = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise InvalidRequestError(f"{field} must be {wanted}, got {value!r}", api=api)
    return number


def fill(template: str, *, api: str | None = None, **params: Any) -> str:
    """``template`` with each ``{name}`` replaced by the checked, quoted ``params[name]``.

    The only way a path with a parameter is built in this package, so the rule holds everywhere.
    """
    names = _placeholders(template)
    if names != params.keys():
        raise AssertionError(f"path {template!r} takes {sorted(names)}, got {sorted(params)}")
    return template.format(**{name: segment(value, name, api=api) for name, value in params.items()})


@lru_cache(maxsize=512)
def _placeholders(template: str) -> frozenset[str]:
    """The ``{name}`` placeholders of a template (few templates, read on every call)."""
    return frozenset(_PLACEHOLDER.findall(template))
