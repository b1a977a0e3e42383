"""Schema drift on demand: the sandbox answers as a changed real API would.

A ``drift`` fault rule (see :mod:`._faults`) processes the request normally, then rewrites
the JSON answer before it leaves, so the account check (and anything else) can be tested
against a field the models do not know, a number sent as a string, a renamed or missing
field, or a missing rate-limit header. Options of the rule:

================  ================================================================================
``match``         only objects that contain this key are changed (e.g. ``timeID``); default: any
                  object holding the field named in ``rename`` / ``drop`` / ``as_string``
``add``           ``{"field": value}`` added to each matched object (needs ``match``)
``rename``        ``{"old": "new"}``: the value moves to the new key
``drop``          ``["field", ...]`` removed
``as_string``     ``["field", ...]``: numbers sent as strings (``12`` -> ``"12"``)
``drop_headers``  ``["X-RateLimit-Remaining", ...]`` response headers removed
================  ================================================================================
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Drift:
    """What one ``drift`` rule changes in an answer."""

    match: str | None = None
    add: Mapping[str, Any] = field(default_factory=dict)
    rename: Mapping[str, str] = field(default_factory=dict)
    drop: tuple[str, ...] = ()
    as_string: tuple[str, ...] = ()
    drop_headers: tuple[str, ...] = ()

    @classmethod
    def from_options(cls, options: Mapping[str, Any] | None) -> Drift:
        options = dict(options or {})
        unknown = set(options) - {"match", "add", "rename", "drop", "as_string", "drop_headers"}
        if unknown:
            raise TypeError(f"unknown drift option(s): {sorted(unknown)}")
        if options.get("add") and not options.get("match"):
            raise TypeError("drift option 'add' needs 'match' (a key of the objects to extend)")
        return cls(
            match=options.get("match"),
            add=dict(options.get("add") or {}),
            rename=dict(options.get("rename") or {}),
            drop=tuple(options.get("drop") or ()),
            as_string=tuple(options.get("as_string") or ()),
            drop_headers=tuple(options.get("drop_headers") or ()),
        )

    def headers(self, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        dropped = {name.lower().encode() for name in self.drop_headers}
        return [(k, v) for k, v in headers if k.lower() not in dropped]

    def body(self, content: bytes) -> bytes:
        """The answer rewritten; a body that is not JSON passes unchanged."""
        try:
            data = json.loads(content)
        except ValueError:
            return content
        return json.dumps(self._walk(data), ensure_ascii=False).encode()

    def _walk(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self._walk(item) for item in value]
        if not isinstance(value, dict):
            return value
        value = {key: self._walk(item) for key, item in value.items()}
        return self._change(value) if self._matches(value) else value

    def _matches(self, obj: dict[str, Any]) -> bool:
        if self.match is not None:
            return self.match in obj
        return any(name in obj for name in (*self.rename, *self.drop, *self.as_string))

    def _change(self, obj: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, item in obj.items():
            if key in self.drop:
                continue
            if key in self.as_string and isinstance(item, (int, float)) and not isinstance(item, bool):
                item = str(item)
            out[self.rename.get(key, key)] = item
        out.update(self.add)
        return out
