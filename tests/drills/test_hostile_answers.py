"""Answers that are not what they claim: empty, wrong shape, endless, trickled, oversized.

The sync client meets these faults in the fault matrix; here the async client meets the
exchange faults too (trickles and huge bodies against the sandbox), listings meet empty
answers, and shapes the sandbox cannot produce come from a mock transport.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from prefect_prosonata_exeoflow import (
    APITimeoutError,
    ConfigurationError,
    MalformedResponseError,
    OutcomeUnknownError,
    ResponseTooLargeError,
)
from prefect_prosonata_exeoflow._core.http import ClientSettings
from prefect_prosonata_exeoflow.exeoflow import ExeoflowCredentials
from prefect_prosonata_exeoflow.exeoflow.client import ExeoflowClient
from prefect_prosonata_exeoflow.prosonata import ProSonataCredentials
from prefect_prosonata_exeoflow.prosonata.client import ProSonataClient
from prefect_prosonata_exeoflow.sandbox import SandboxServer

from .apis import WORKFLOW, credentials

READS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "prosonata": (r"^/api/v1/projecttimecategories/\d+$", lambda c: c.time_categories.get(15)),
    "exeoflow": (rf"^/v1/workflows/{WORKFLOW}$", lambda c: c.get_workflow(WORKFLOW)),
    "endocs": (r"/GetClientInfo$", lambda c: c.get_client_info()),
}


async def _aread(api: str, sandbox: SandboxServer, **options: Any) -> Any:
    async with credentials(api, sandbox, max_retries=0, **options).get_async_client() as client:
        return await READS[api][1](client)


@pytest.mark.parametrize("api", list(READS))
@pytest.mark.parametrize("kind", ["trickle_headers", "trickle_body"])
def test_async_timeout_is_a_deadline_for_the_whole_exchange(sandbox: SandboxServer, api: str, kind: str) -> None:
    """Every piece arrives within the per-read timeout; the whole does not, so the call times out."""
    sandbox.sandbox.faults.add(kind, api=api, method="GET", path=READS[api][0], interval=0.1)
    with pytest.raises(APITimeoutError, match=r"no complete answer within timeout=0.3s"):
        asyncio.run(_aread(api, sandbox, timeout=0.3))
    assert asyncio.run(_aread(api, sandbox, timeout=0.3)) is not None  # the fault fired once; all is well again


@pytest.mark.parametrize("api", list(READS))
def test_async_answer_is_capped_while_it_arrives(sandbox: SandboxServer, api: str) -> None:
    sandbox.sandbox.faults.add("huge_body", api=api, method="GET", path=READS[api][0])
    with pytest.raises(ResponseTooLargeError, match="larger than max_response_bytes=65536"):
        asyncio.run(_aread(api, sandbox, max_response_bytes=65536))


LISTINGS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "prosonata": (r"^/api/v1/projecttimes$", lambda c: c.project_times.list()),
    "exeoflow": (r"^/v1/executions$", lambda c: c.list_executions()),
    "endocs": (r"/GetNewInvoices/", lambda c: list(c.iter_feed("invoices"))),
}


@pytest.mark.parametrize("api", list(LISTINGS))
@pytest.mark.parametrize("status", [200, 302])
def test_a_listing_never_turns_an_empty_or_redirected_answer_into_no_rows(sandbox: SandboxServer, api: str,
                                                                          status: int) -> None:
    kind = "empty_body" if status == 200 else "redirect"
    sandbox.sandbox.faults.add(kind, api=api, method="GET", path=LISTINGS[api][0])
    with credentials(api, sandbox).get_client() as client, pytest.raises(MalformedResponseError, match=f"HTTP {status}"):
        LISTINGS[api][1](client)


def test_prosonata_documented_empty_list_is_no_rows(sandbox: SandboxServer) -> None:
    """PS-U8 (docs/apis/prosonata.md): 204 without a body is "no rows"; that stays an empty result."""
    with credentials("prosonata", sandbox).get_client() as client:
        assert client.project_times.list(detail="no entry has this text 7f3a") == []


# -- shapes the sandbox does not produce: a mock transport ------------------------------------------------
def _prosonata(body: Any, status: int = 200) -> ProSonataClient:
    creds = ProSonataCredentials(base_url="https://demo.example.test/api/v1", api_key=SecretStr("k" * 20),
                                 max_retries=0)
    transport = httpx.MockTransport(lambda request: httpx.Response(status, json=body))
    return ProSonataClient(creds.client_settings(), transport=transport)


def _exeoflow(body: Any) -> ExeoflowClient:
    creds = ExeoflowCredentials(api_key=SecretStr("k" * 20), max_retries=0)
    return ExeoflowClient(creds.client_settings(), transport=httpx.MockTransport(lambda r: httpx.Response(200, json=body)))


def test_wrong_shape_on_a_read_is_malformed_naming_the_request() -> None:
    client = _prosonata({"meta": {"status": 200}, "data": "not a row"})
    with client, pytest.raises(MalformedResponseError, match=r"expected shape .* \(GET /api/v1/projects/5\)"):
        client.projects.get(5)


def test_wrong_shape_on_a_create_is_an_unknown_outcome() -> None:
    client = _prosonata({"meta": {"status": 200}, "data": ["row?"]})
    with client, pytest.raises(OutcomeUnknownError, match="may have taken effect and was not re-sent"):
        client.customers.create(customerName="Neu GmbH")


def test_listing_rows_that_are_not_a_list_are_not_no_rows() -> None:
    prosonata = _prosonata({"meta": {"status": 200, "totalCount": 3}, "data": {"rows": []}})
    with prosonata, pytest.raises(MalformedResponseError, match="expected a list of rows in data"):
        prosonata.project_times.list()
    exeoflow = _exeoflow({"success": True, "data": {"items": [], "pagination": None}})
    with exeoflow, pytest.raises(MalformedResponseError, match=r"expected a list in data\.executions"):
        exeoflow.list_executions()


def test_declared_oversize_is_refused_before_reading() -> None:
    seen: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        def body() -> Any:
            for _ in range(100):
                seen.append(1)
                yield b"x" * 1024
        return httpx.Response(200, headers={"content-length": str(100 * 1024)}, stream=_Stream(body()))

    creds = ProSonataCredentials(base_url="https://demo.example.test/api/v1", api_key=SecretStr("k" * 20),
                                 max_retries=0, max_response_bytes=4096)
    client = ProSonataClient(creds.client_settings(), transport=httpx.MockTransport(handler))
    with client, pytest.raises(ResponseTooLargeError, match="max_response_bytes=4096"):
        client.projects.get(5)
    assert seen == []  # not one chunk read


class _Stream(httpx.SyncByteStream):
    def __init__(self, chunks: Any) -> None:
        self.chunks = chunks

    def __iter__(self) -> Any:
        return iter(self.chunks)


@pytest.mark.parametrize("timeout", [0, -1, math.inf, math.nan, True])
def test_unusable_timeouts_are_refused_before_any_request(timeout: Any) -> None:
    creds = ExeoflowCredentials(api_key=SecretStr("k" * 20))
    settings = creds.client_settings()
    with pytest.raises(ConfigurationError, match="timeout must be a positive number of seconds"):
        ClientSettings(base_url=settings.base_url, dialect=settings.dialect, timeout=timeout)
