"""Reading a flow's table artifacts back from the Prefect API, for the flow tests."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from prefect.client.orchestration import PrefectClient, get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey, FlowRunFilter, FlowRunFilterId
from prefect.client.schemas.sorting import ArtifactSort


def artifacts(key: str, *, flow_runs: Iterable[UUID] = (), limit: int = 10, api_url: str | None = None) -> list[dict[str, Any]]:
    """Artifacts under ``key`` (of the given flow runs, if any), newest first, as JSON dicts."""
    runs = [UUID(str(run)) for run in flow_runs]

    async def read() -> list[dict[str, Any]]:
        async with PrefectClient(api=api_url) if api_url else get_client() as client:
            found = await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])),
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=runs)) if runs else None,
                sort=ArtifactSort.CREATED_DESC,
                limit=limit,
            )
            return [artifact.model_dump(mode="json") for artifact in found]

    return asyncio.run(read())
