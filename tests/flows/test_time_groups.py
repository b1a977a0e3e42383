"""Grouping and fingerprints of the main flow (pure functions)."""

from __future__ import annotations

import datetime as dt

import pytest

from flows.prosonata_time_to_exeoflow import period_of
from prefect_prosonata_exeoflow import InvalidRequestError
from flows.time_groups import group_entries
from prefect_prosonata_exeoflow.prosonata import ProjectTime

DAY = dt.date(2026, 11, 22)


def rows() -> list[ProjectTime]:
    data = [
        (3, 45, "Frühstücks-Flyer", 3, "Admin2", "1.25"),
        (1, 45, "Frühstücks-Flyer", 7, "Designer1", "2.5"),
        (2, 9, "Kundenmailing", 7, "Designer1", "0.75"),
    ]
    return [
        ProjectTime(timeID=t, projectID=p, projectName=n, customerName="Bäckerei Back", userID=u, username=un,
                    workingTime=h, date=DAY)
        for t, p, n, u, un, h in data
    ]


def test_groups_per_project_user_and_entry() -> None:
    by_project = group_entries(rows(), "project", DAY, DAY)
    assert [g.key for g in by_project] == ["project:9", "project:45"]
    assert by_project[1].hours == 3.75 and [e["timeID"] for e in by_project[1].entries] == [1, 3]
    assert [g.key for g in group_entries(rows(), "user", DAY, DAY)] == ["user:3", "user:7"]
    assert len(group_entries(rows(), "entry", DAY, DAY)) == 3


def test_fingerprint_is_stable_and_changes_with_content() -> None:
    first = group_entries(rows(), "project", DAY, DAY)[1]
    again = group_entries(list(reversed(rows())), "project", DAY, DAY)[1]
    assert first.fingerprint("wf_1", "exeoflow") == again.fingerprint("wf_1", "exeoflow")
    assert first.fingerprint("wf_1", "exeoflow") != first.fingerprint("wf_2", "exeoflow")
    edited = rows()
    edited[0].workingTime = edited[0].workingTime + 1  # type: ignore[operator]
    assert group_entries(edited, "project", DAY, DAY)[1].fingerprint("wf_1", "x") != first.fingerprint("wf_1", "x")


def test_execution_input_carries_entries_and_totals() -> None:
    group = group_entries(rows(), "project", DAY, DAY)[1]
    payload = group.execution_input()
    assert payload["totals"] == {"entries": 2, "hours": 3.75}
    assert payload["group"]["label"] == "Frühstücks-Flyer (Bäckerei Back)"
    assert payload["period"] == {"start": "2026-11-22", "end": "2026-11-22"}


def test_the_period_defaults_to_yesterday_and_is_checked() -> None:
    assert period_of(None, None, today=dt.date(2026, 11, 23)) == (DAY, DAY)
    assert period_of(DAY, None) == (DAY, DAY)
    with pytest.raises(InvalidRequestError, match="before start"):
        period_of(dt.date(2026, 11, 5), dt.date(2026, 11, 1))
    with pytest.raises(InvalidRequestError, match="needs a start"):
        period_of(None, DAY)
