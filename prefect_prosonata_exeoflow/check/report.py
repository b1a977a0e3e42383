"""The check's findings as a terminal table, artifact rows, and an exit status."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .runner import BROKEN, DENIED, DRIFT, LIMIT_NOTE, OK, SKIPPED, EndpointResult

_COLUMNS = ("API", "Endpoint", "Result", "HTTP", "Reachable", "Auth", "Parsed", "Rate limit seen")


@dataclass
class CheckReport:
    """Every endpoint's result, in the order they were checked, and the calls made per API."""

    results: list[EndpointResult] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=dict)

    @property
    def broken(self) -> list[EndpointResult]:
        """Endpoints whose answer the package could not use (unreachable, refused, unparsable)."""
        return [result for result in self.results if result.verdict == BROKEN]

    @property
    def drifted(self) -> list[EndpointResult]:
        return [result for result in self.results if result.verdict == DRIFT]

    def exit_code(self, *, strict: bool = False) -> int:
        """1 when something would break parsing (or, with ``strict``, anything drifted); else 0."""
        return 1 if self.broken or (strict and self.drifted) else 0

    def summary(self) -> list[str]:
        lines = []
        for api in dict.fromkeys(result.api for result in self.results):
            counts = Counter(result.verdict for result in self.results if result.api == api)
            parts = [f"{counts[v]} {v.lower()}" for v in (OK, DRIFT, BROKEN, DENIED, SKIPPED) if counts[v]]
            lines.append(f"{api}: {self.calls.get(api, 0)} calls; " + ", ".join(parts))
        return lines

    def table(self) -> str:
        """The report for a terminal: one line per endpoint, then the details that differ."""
        over = [r for r in self.results if r.note.startswith(LIMIT_NOTE)]  # one line in the details
        rows = [[
            r.api, r.endpoint, r.verdict, "" if r.status is None else str(r.status), _yes(r.reachable),
            _yes(r.auth_ok), _yes(r.parsed), _rate(r),
        ] for r in self.results if r not in over]
        widths = [max(len(str(cell)) for cell in column) for column in zip(_COLUMNS, *rows, strict=True)]
        lines = ["  ".join(cell.ljust(width) for cell, width in zip(_COLUMNS, widths, strict=True)).rstrip()]
        lines.append("  ".join("-" * width for width in widths))
        lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
        details = [f"  {r.api} {r.endpoint}: {text}" for r in self.results if r not in over for text in _details(r)]
        for api in dict.fromkeys(r.api for r in over):
            names = [r.endpoint for r in over if r.api == api]
            wanted = sum(1 for r in self.results if r.api == api and r.verdict != SKIPPED) + len(names)
            details.append(f"  {api}: {len(names)} endpoint(s) not called, the call limit is reached "
                           f"(--max-calls {wanted} checks them all): {', '.join(names)}")
        if details:
            lines += ["", "Details:", *details]
        lines += ["", *self.summary()]
        return "\n".join(lines)

    def artifact_rows(self) -> list[dict[str, Any]]:
        """One dict per endpoint for a Prefect table artifact."""
        return [
            {
                "api": r.api,
                "endpoint": r.endpoint,
                "result": r.verdict,
                "http": r.status,
                "reachable": _yes(r.reachable),
                "auth": _yes(r.auth_ok),
                "parsed": _yes(r.parsed),
                "new fields": ", ".join(r.new_fields),
                "missing fields": ", ".join(r.missing_fields),
                "type differences": ", ".join(r.type_changes),
                "rate limit seen": _rate(r),
                "rate-limit hints missing": ", ".join(r.rate_limit_missing),
                "note": r.note,
            }
            for r in self.results
        ]

    def as_dict(self) -> dict[str, Any]:
        return {"calls": dict(self.calls), "results": [result.as_dict() for result in self.results]}

    def extend(self, api: str, results: Iterable[EndpointResult], calls: int) -> None:
        self.results.extend(results)
        self.calls[api] = calls


def _yes(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "NO")


def _rate(result: EndpointResult) -> str:
    return ", ".join(f"{name}={value}" for name, value in sorted(result.rate_limit.items()))


def _details(result: EndpointResult) -> list[str]:
    out = []
    if result.new_fields:
        out.append("new fields (the models keep them in model_extra): " + ", ".join(result.new_fields))
    if result.missing_fields:
        out.append("missing fields: " + ", ".join(result.missing_fields))
    if result.type_changes:
        out.append("type differences (expected -> sent): " + ", ".join(result.type_changes))
    if result.rate_limit_missing:
        out.append("rate-limit hints missing (pacing falls back): " + ", ".join(result.rate_limit_missing))
    if result.note:
        out.append(result.note)
    return out
