"""Listings against servers that bend pages: never-ending, repeated, shifting, overfull.

Outcomes come from :data:`.matrix.LISTINGS` (the README's listing table is rendered from it).
Each listing is walked sync and async; the sandbox's request log shows where the walk stopped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from prefect_prosonata_exeoflow.sandbox import SandboxServer

from .apis import WORKFLOW, credentials
from .matrix import LISTING_PAGES, ListingRow, listing_cells

#: ProSonata: about 600 seeded (the count follows the weekdays of the last 60 days) + 1,500
#: synthetic project times = 3 pages of 1,000.
BULK_TIMES = 1500
#: Exeoflow: enough executions for two pages of 100.
EXECUTIONS = 110

LISTING_PATHS = {"prosonata": r"/api/v1/projecttimes$", "exeoflow": r"/v1/executions$",
                 "endocs": r"/api/Output/GetNewInvoices/"}


def _list(api: str, client: Any) -> list[Any]:
    if api == "prosonata":
        return client.project_times.list()
    if api == "exeoflow":
        return client.list_executions()
    return list(client.iter_feed("invoices"))


async def _alist(api: str, client: Any) -> list[Any]:
    if api == "prosonata":
        return await client.project_times.list()
    if api == "exeoflow":
        return await client.list_executions()
    return [item async for item in client.iter_feed("invoices")]


def _id(api: str, row: Any) -> Any:
    return row.timeID if api == "prosonata" else row.id


@pytest.fixture
def listing_sandbox(sandbox: SandboxServer) -> Iterator[SandboxServer]:
    sandbox.sandbox.configure("prosonata", bulk_projecttimes=BULK_TIMES)
    yield sandbox
    sandbox.sandbox.configure("prosonata", bulk_projecttimes=0)


def _more_than_one_page(api: str, sandbox: SandboxServer) -> None:
    """Exeoflow's seed has a few executions: start enough for a second page."""
    if api == "exeoflow":
        with credentials("exeoflow", sandbox).get_client() as client:
            for _ in range(EXECUTIONS - len(client.list_executions())):
                client.execute_workflow(WORKFLOW, {"listing": 1})


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(("api", "row"), listing_cells(), ids=lambda v: v if isinstance(v, str) else v.fault.kind)
def test_listing_fault(api: str, row: ListingRow, use_async: bool, listing_sandbox: SandboxServer,
                       caplog: pytest.LogCaptureFixture) -> None:
    outcome, fault = row.outcomes[api], row.fault
    _more_than_one_page(api, listing_sandbox)
    creds = credentials(api, listing_sandbox, **fault.client)
    with creds.get_client() as client:
        truth = {_id(api, item) for item in _list(api, client)}  # the listing as it really is
    assert len(truth) > (1000 if api == "prosonata" else 100 if api == "exeoflow" else 0)
    listing_sandbox.sandbox.faults.add(fault.kind, api=api, method="GET", path=LISTING_PATHS[api], times=None,
                                       **fault.options)
    log_before = len(listing_sandbox.sandbox.requests.entries())

    async def walk_async() -> list[Any]:
        async with creds.get_async_client() as aclient:
            return await _alist(api, aclient)

    def walk() -> list[Any]:
        if use_async:
            return asyncio.run(walk_async())
        with creds.get_client() as sync_client:
            return _list(api, sync_client)

    with caplog.at_level(logging.WARNING, logger="prefect_prosonata_exeoflow"):
        if outcome.error is not None:
            with pytest.raises(outcome.error) as caught:
                walk()
            assert type(caught.value) is outcome.error
            assert outcome.match in str(caught.value), str(caught.value)
        else:
            rows = walk()
            ids = [_id(api, item) for item in rows]
            assert len(ids) == len(set(ids)) == len(truth)  # every row once, none lost
            assert set(ids) == truth
            assert "rows shifted while listing" in caplog.text
    sent = listing_sandbox.sandbox.requests.entries()[log_before:]
    assert len(sent) <= LISTING_PAGES + 2  # stopped early, never followed the server for ever


def test_rows_without_a_fault_are_not_reported_as_shifted(listing_sandbox: SandboxServer,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    client = credentials("prosonata", listing_sandbox).get_client()
    with caplog.at_level(logging.WARNING, logger="prefect_prosonata_exeoflow"), client:
        rows = client.project_times.list()
    seeded = len(listing_sandbox.sandbox.emulators["prosonata"].rows("projecttimes"))  # type: ignore[attr-defined]
    assert len(rows) == len({row.timeID for row in rows}) == seeded + BULK_TIMES
    assert "shifted" not in caplog.text
