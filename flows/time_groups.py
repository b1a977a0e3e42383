"""Grouping ProSonata project times for Exeoflow: pure functions, no I/O, easy to test.

A group's *fingerprint* hashes what would be sent (workflow, grouping, every entry's id and
content). The main flow sends it in the execution's input as ``idempotency_key`` and looks it
up on Exeoflow before executing, so a rerun over the same period executes nothing twice, while
an edited entry changes the fingerprint and is sent again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel

from prefect_prosonata_exeoflow.prosonata import ProjectTime

GroupBy = Literal["project", "user", "entry"]


class TimeGroup(BaseModel):
    """The entries that go into one Exeoflow execution."""

    key: str
    label: str
    group_by: GroupBy
    entries: list[dict[str, Any]]
    hours: float
    period_start: dt.date
    period_end: dt.date

    def execution_input(self) -> dict[str, Any]:
        """The ``input`` of the Exeoflow execution for this group."""
        return {
            "source": "prosonata",
            "group_by": self.group_by,
            "group": {"key": self.key, "label": self.label},
            "period": {"start": self.period_start.isoformat(), "end": self.period_end.isoformat()},
            "totals": {"entries": len(self.entries), "hours": self.hours},
            "entries": self.entries,
        }

    def fingerprint(self, workflow: str, target: str) -> str:
        """Stable across runs and processes: the idempotency key of this group's execution."""
        payload = {"workflow": workflow, "target": target, "input": self.execution_input()}
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        return f"ps-time-to-exeo-{digest[:32]}"


def _entry(row: ProjectTime) -> dict[str, Any]:
    return {
        "timeID": row.timeID,
        "date": row.date.isoformat() if row.date else None,
        "hours": float(row.hours),
        "projectID": row.projectID,
        "projectName": row.projectName,
        "customerName": row.customerName,
        "userID": row.userID,
        "username": row.username,
        "category": row.categoryName or row.category,
        "detail": row.detail,
        "invoiceable": not row.notInvoiceable,
    }


def _key_and_label(row: ProjectTime, group_by: GroupBy) -> tuple[str, str]:
    if group_by == "project":
        customer = f" ({row.customerName})" if row.customerName else ""
        return f"project:{row.projectID}", f"{row.projectName or row.projectID}{customer}"
    if group_by == "user":
        return f"user:{row.userID}", row.username or str(row.userID)
    return f"entry:{row.timeID}", f"#{row.timeID} {row.projectName or ''} {row.date or ''}".strip()


def group_entries(
    rows: Iterable[ProjectTime], group_by: GroupBy, period_start: dt.date, period_end: dt.date
) -> list[TimeGroup]:
    """Groups in a stable order (by key), entries sorted by date and id inside each group."""
    buckets: dict[str, list[ProjectTime]] = defaultdict(list)
    labels: dict[str, str] = {}
    for row in rows:
        key, label = _key_and_label(row, group_by)
        buckets[key].append(row)
        labels.setdefault(key, label)
    groups = []
    for key in sorted(buckets, key=_natural):
        members = sorted(buckets[key], key=lambda r: (r.date or dt.date.min, r.timeID))
        hours = sum((r.hours for r in members), Decimal(0))
        groups.append(
            TimeGroup(key=key, label=labels[key], group_by=group_by, entries=[_entry(r) for r in members],
                      hours=float(hours), period_start=period_start, period_end=period_end)
        )
    return groups


def _natural(key: str) -> tuple[str, int, str]:
    kind, _, ident = key.partition(":")
    return (kind, int(ident) if ident.isdigit() else -1, ident)


def total_hours(groups: Sequence[TimeGroup]) -> float:
    return round(sum(group.hours for group in groups), 2)
