"""Reading a flow's table artifacts back from the Prefect API, for the flow tests."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from prefect.client.orchestration import PrefectClient, get_client


def artifacts(key: str, *, flow_runs: Iterable[UUID] = (), limit: int = 10, api_url: str | None = None) -> list[dict[str, Any]]:
    """Artifacts under ``key`` (of the given flow runs, if any), newest first.

    Prefect 3.8.8's client sends None filter fields that its own server refuses (422), and
    empty run filters match nothing: post the documented filter body directly.
    """
    body: dict[str, Any] = {"artifacts": {"key": {"any_": [key]}}, "limit": limit, "sort": "CREATED_DESC"}
    runs = [str(run) for run in flow_runs]
    if runs:
        body["flow_runs"] = {"id": {"any_": runs}}

    async def read() -> list[dict[str, Any]]:
        async with PrefectClient(api=api_url) if api_url else get_client() as client:
            response = await client._client.post("/artifacts/filter", json=body)
            response.raise_for_status()
            return list(response.json())

    return asyncio.run(read())
