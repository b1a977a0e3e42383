"""The ProSonata client against the loopback sandbox: every resource, pagination, filters, rights, errors."""

from __future__ import annotations

import datetime as dt
import math

import httpx
import pytest
from pydantic import SecretStr

from prefect_prosonata_exeoflow import (
    AuthenticationError,
    InvalidRequestError,
    MalformedResponseError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
)
from prefect_prosonata_exeoflow.prosonata import (
    RESOURCES,
    ProSonataClient,
    ProSonataCredentials,
    ProjectTime,
    between,
)
from prefect_prosonata_exeoflow.sandbox import SANDBOX_KEYS, SandboxServer

from .conftest import credentials_for


def test_connection_reports_the_caller(sandbox: SandboxServer) -> None:
    info = credentials_for(sandbox).test_connection()
    assert info["requestUsername"] == "Admin1" and info["usergroupName"] == "Administrator"
    assert info["apiLimitRemaining"] >= 0


def test_app_integration_authenticates_with_two_headers(sandbox: SandboxServer) -> None:
    credentials = ProSonataCredentials(
        base_url=sandbox.base_url("prosonata"),
        api_key=SecretStr(SANDBOX_KEYS["prosonata_app_key"]),
        app_id=SecretStr(SANDBOX_KEYS["prosonata_app_id"]),
    )
    assert "requestAppID" in credentials.test_connection()


def test_wrong_key_is_an_authentication_error_without_the_key(sandbox: SandboxServer) -> None:
    credentials = ProSonataCredentials(base_url=sandbox.base_url("prosonata"), api_key=SecretStr("wrong-key-XYZ-123"))
    with pytest.raises(AuthenticationError) as info:
        credentials.test_connection()
    assert info.value.status == 401 and "wrong-key-XYZ-123" not in str(info.value)


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.path)
def test_every_resource_lists_and_gets(client: ProSonataClient, resource) -> None:  # type: ignore[no-untyped-def]
    accessor = client.resource(resource.path)
    rows = accessor.list(limit=3)
    assert rows, f"the sandbox has no seeded {resource.path}"
    assert all(isinstance(row, resource.model) for row in rows)
    first_id = getattr(rows[0], resource.id_field)
    assert getattr(accessor.get(first_id), resource.id_field) == first_id


def test_listing_uses_the_largest_page_and_the_fewest_calls(sandbox: SandboxServer, client: ProSonataClient) -> None:
    total = client.project_times.page(per_page=1).total_count
    before = sandbox.sandbox.stats.get("prosonata.requests")
    rows = client.project_times.list()
    calls = sandbox.sandbox.stats.get("prosonata.requests") - before
    assert len(rows) == total and len({row.timeID for row in rows}) == total
    assert calls == math.ceil(total / 1000)


def test_paging_by_hand_matches_and_limit_stops_early(client: ProSonataClient) -> None:
    first, second = client.project_times.page(1, 50, order_by="timeID"), client.project_times.page(2, 50, order_by="timeID")
    assert first.has_more and [r.timeID for r in first.items][-1] < [r.timeID for r in second.items][0]
    assert len(client.project_times.list(limit=7)) == 7


def test_date_filters_and_ordering(client: ProSonataClient) -> None:
    today = dt.date.today()
    start, end = today - dt.timedelta(days=10), today - dt.timedelta(days=3)
    rows = client.project_times.list(date=between(start, end), order_by="date DESC")
    assert rows and all(start <= row.date <= end for row in rows)
    assert [row.date for row in rows] == sorted((row.date for row in rows), reverse=True)
    yesterday = client.project_times.list(date=today - dt.timedelta(days=1))
    assert yesterday and {row.date for row in yesterday} == {today - dt.timedelta(days=1)}


def test_empty_result_is_an_empty_list(client: ProSonataClient) -> None:
    assert client.project_times.list(detail="no entry has this text 12345") == []


def test_crud_round_trip_on_project_times(sandbox: SandboxServer, client: ProSonataClient) -> None:
    project = client.projects.list(limit=1)[0]
    category = client.time_categories.list(limit=1)[0]
    created = client.project_times.create(
        category=category.category, projectID=project.projectID, date=dt.date.today(), workingTime="1.25",
        detail="Konzeption für Bäckerei Back",
    )
    assert isinstance(created, ProjectTime) and created.timeID > 0
    updated = client.project_times.update(created.timeID, detail="Überarbeitet")
    again = client.project_times.get(created.timeID)
    assert updated.detail == again.detail == "Überarbeitet" and str(again.workingTime) == "1.25"
    client.project_times.delete(created.timeID)
    with pytest.raises(NotFoundError):
        client.project_times.get(created.timeID)
    assert sandbox.sandbox.stats.get("prosonata.create.projecttimes") == 1


def test_rights_are_typed_errors(sandbox: SandboxServer) -> None:
    with credentials_for(sandbox, "prosonata_user_key").get_client() as designer:
        with pytest.raises(PermissionDeniedError):
            designer.invoices.list(limit=1)
        own = designer.project_times.list()
        assert own and {row.userID for row in own} == {7}


def test_wrong_base_url_html_page_is_reported_clearly(sandbox: SandboxServer, client: ProSonataClient) -> None:
    sandbox.sandbox.faults.add("html", api="prosonata", status=200)
    with pytest.raises(MalformedResponseError, match="base URL"):
        client.projects.list(limit=1)


def test_create_is_not_resent_when_the_connection_drops_after_processing(
    sandbox: SandboxServer, client: ProSonataClient
) -> None:
    sandbox.sandbox.faults.add("reset_after", api="prosonata", method="POST")
    project = client.projects.list(limit=1)[0]
    with pytest.raises(OutcomeUnknownError):
        client.project_times.create(category=1, projectID=project.projectID, workingTime=1)
    assert sandbox.sandbox.stats.get("prosonata.create.projecttimes") == 1


async def test_async_client_lists_the_same_rows(sandbox: SandboxServer, client: ProSonataClient) -> None:
    async with credentials_for(sandbox).get_async_client() as aclient:
        rows = await aclient.projects.list()
        streamed = [row async for row in aclient.projects.iter(limit=2)]
    assert [r.projectID for r in rows] == [r.projectID for r in client.projects.list()]
    assert len(streamed) == 2


def test_invalid_input_never_reaches_the_sandbox(sandbox: SandboxServer, client: ProSonataClient) -> None:
    with pytest.raises(InvalidRequestError):
        client.project_times.list(perPage=5)  # not a filter: paging is the client's job
    assert sandbox.sandbox.stats.get("prosonata.requests") == 0


def test_keys_never_travel_in_the_url(sandbox: SandboxServer) -> None:
    seen: list[httpx.URL] = []

    def record(request: httpx.Request) -> None:
        seen.append(request.url)

    settings = credentials_for(sandbox).client_settings()
    with ProSonataClient(settings) as client:
        client._http.event_hooks["request"].append(record)
        client.projects.list(limit=1)
    assert seen and all(SANDBOX_KEYS["prosonata_admin_key"] not in str(url) for url in seen)
