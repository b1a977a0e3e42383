"""Compare a real answer with the answer the models were written for, field by field.

The *reference* is the same call answered by the package's sandbox, which follows our reading
of each API's documentation: it has every documented field, with the wire types and date
formats the models are built to read. Against it a real answer shows exactly what differs:

* new fields (neither documented nor modelled; the models keep them in ``model_extra``),
* missing fields (documented, absent from the real answer),
* type differences (a number sent as a string, an object where text was expected) and
  date formats (``YYYY-MM-DD`` against ``DD.MM.YYYY``),
* rate-limit hints the client paces by, and which of them the real answer lacks.

Only names, kinds and formats are compared and reported, never the values of the data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

_DATE_PARTS = (
    (re.compile(r"\d{4}-\d{2}-\d{2}"), "YYYY-MM-DD"),
    (re.compile(r"\d{2}\.\d{2}\.\d{4}"), "DD.MM.YYYY"),
    (re.compile(r"\d{2}:\d{2}:\d{2}"), "hh:mm:ss"),
    (re.compile(r"\d{2}:\d{2}"), "hh:mm"),
    (re.compile(r"\.\d+"), ".fff"),
    (re.compile(r"[+-]\d{2}:?\d{2}$"), "+hh:mm"),
)
#: Response headers that carry rate-limit hints, whatever the API calls them.
_RATE_HEADER = re.compile(r"rate-?limit|retry-after", re.IGNORECASE)
#: Envelope fields that carry them (ProSonata's ``meta.apiLimitRemaining``).
_RATE_META = re.compile(r"limit", re.IGNORECASE)
#: Envelope fields that describe the caller (``requestUserID`` for a user key, ``requestAppID``
#: for an integration): they differ with the kind of key, not with the API's version.
_CALLER_META = re.compile(r"^request", re.IGNORECASE)


@dataclass
class ShapeDiff:
    """What differs between a real answer and the reference answer."""

    new_fields: list[str] = field(default_factory=list)
    missing_fields: list[str] = field(default_factory=list)
    type_changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def drifted(self) -> bool:
        return bool(self.new_fields or self.missing_fields or self.type_changes)


def value_kind(value: Any) -> str | None:
    """The JSON kind of a value; strings that are dates or times give their format."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, list):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return date_format(str(value)) or "string"


def date_format(text: str) -> str | None:
    """``YYYY-MM-DD``, ``DD.MM.YYYY``, ``YYYY-MM-DDThh:mm:ssZ`` ...; None for other text."""
    pattern = text.strip()
    if not pattern or len(pattern) > 40 or not any(sign in pattern for sign in "-.:"):
        return None
    for regex, name in _DATE_PARTS:
        pattern = regex.sub(name, pattern)
    if any(char.isdigit() for char in pattern) or not ("YYYY" in pattern or "hh:mm" in pattern):
        return None
    return pattern


def compare_envelope(real: Mapping[str, Any], reference: Mapping[str, Any]) -> ShapeDiff:
    """Envelope fields (paging counters, status) the real answer lacks or sends in another type.

    New envelope fields are harmless and not reported; caller fields are skipped.
    """
    wanted = {key: value for key, value in reference.items() if not _CALLER_META.search(key)}
    diff = compare({key: value for key, value in real.items() if key in wanted}, wanted)
    diff.missing_fields = [f"meta.{name}" for name in diff.missing_fields]
    diff.type_changes = [f"meta.{change}" for change in diff.type_changes]
    return diff


def _base(kind: str) -> str:
    return "string" if kind not in ("boolean", "number", "array", "object") else kind


def compare(real: Any, reference: Any) -> ShapeDiff:
    """Every difference of ``real`` from ``reference``, by field path."""
    diff = ShapeDiff()
    _compare(real, reference, "", diff)
    return diff


def _compare(real: Any, reference: Any, path: str, diff: ShapeDiff) -> None:
    real_kind, ref_kind = value_kind(real), value_kind(reference)
    if real_kind is None or ref_kind is None:
        return  # null says nothing about the type
    if _base(real_kind) != _base(ref_kind):
        diff.type_changes.append(f"{path or 'answer'}: {_label(ref_kind)} -> {_label(real_kind)}")
        return
    if real_kind == "array":
        real_item, ref_item = _merged(real), _merged(reference)
        if real and ref_item is not None and real_item is not None:
            _compare(real_item, ref_item, f"{path}[]", diff)
        elif not real and reference:
            diff.notes.append(f"{path or 'answer'}: empty, nothing to compare")
        return
    if real_kind == "object":
        prefix = f"{path}." if path else ""
        prefix = prefix.removeprefix("[].")
        for key in real:
            if key not in reference:
                diff.new_fields.append(f"{prefix}{key}")
        for key in reference:
            if key not in real:
                diff.missing_fields.append(f"{prefix}{key}")
            else:
                _compare(real[key], reference[key], f"{prefix}{key}", diff)
        return
    if ref_kind != "string" and real_kind != ref_kind:  # a date or time in another format
        diff.type_changes.append(f"{path}: {_label(ref_kind)} -> {_label(real_kind)}")


def _label(kind: str) -> str:
    return kind if kind in ("boolean", "number", "array", "object", "string") else f"'{kind}'"


def _merged(items: list[Any]) -> Any:
    """One element standing for a whole list: objects merged (every key, first non-null value)."""
    if not items:
        return None
    if all(isinstance(item, Mapping) for item in items):
        merged: dict[str, Any] = {}
        for item in items:
            for key, value in item.items():
                if merged.get(key) is None:
                    merged[key] = value
        return merged
    return next((item for item in items if item is not None), None)


def rate_limit_signals(headers: httpx.Headers, meta: Mapping[str, Any]) -> dict[str, str]:
    """The rate-limit hints of one answer: matching headers and envelope fields, with values."""
    signals = {name.lower(): value for name, value in headers.multi_items() if _RATE_HEADER.search(name)}
    signals.update({f"meta.{key}": str(value) for key, value in meta.items() if _RATE_META.search(key)})
    return signals
