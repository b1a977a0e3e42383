"""The one Exeoflow task written by hand: it takes a lock switch where its client method takes a lock.

Every other task is generated into :mod:`.tasks` from the endpoint declarations.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._core.mutex import PrefectMutex
from .._core.tasks import api_task
from .calls import DateLike
from .client import AsyncExeoflowClient, ExeoflowClient
from .credentials import ExeoflowCredentials
from .once import OnceResult

__all__ = ["aexecute_workflow_once", "execute_workflow_once"]


def _lock(client: ExeoflowClient | AsyncExeoflowClient, workflow_id: str, key: str,
          use_lock: bool) -> PrefectMutex | None:
    return PrefectMutex(f"exeoflow:{client.settings.base_url}:{workflow_id}", key) if use_lock else None


@api_task("exeoflow-execute_workflow_once", safe_to_retry=False)
def execute_workflow_once(credentials: ExeoflowCredentials, workflow_id: str, input: Mapping[str, Any] | None,
                          key: str, since: DateLike | None = None, use_lock: bool = True, timeout: float = 600.0,
                          poll_interval: float = 0.5, max_poll_interval: float = 10.0,
                          raise_on_failure: bool = True) -> OnceResult:
    """Run the workflow for ``key`` at most once, even across crashes, overlapping runs and workers.

    The key travels in the execution's ``input`` (``idempotency_key``). A running execution with
    it is adopted, a succeeded one returned (``how="already-done"``), a failed one executed again;
    only executions started since ``since`` are searched. With ``use_lock`` a Prefect global
    concurrency limit (``ppe-once-NN``, created with limit 1) keeps two processes from starting
    the same key at once; it needs a Prefect server shared by those processes.

    Args:
        credentials: The Exeoflow credentials block (saved once, loaded by its name).
        workflow_id: The workflow's id (``wf_…``).
        input: The run's input, a JSON object (the key is added to it).
        key: What makes this run the same as an earlier one (e.g. ``"2026-11-22/project-45"``).
        since: Search only executions started at or after this date or time.
        use_lock: Hold a Prefect global concurrency limit between the lookup and the start.
        timeout: Seconds to wait for the end before cancelling the execution.
        poll_interval: Seconds before the first poll; each next wait doubles.
        max_poll_interval: The longest wait between two polls, in seconds.
        raise_on_failure: Raise ExecutionFailedError (or ExecutionCancelledError) when it did not succeed.

    Returns:
        OnceResult: the execution for the key and how it came about (``how``).

    Example:
        ```python
        from prefect import flow
        from prefect_prosonata_exeoflow.exeoflow import ExeoflowCredentials, execute_workflow_once

        @flow
        def example():
            credentials = ExeoflowCredentials.load("exeoflow")
            return execute_workflow_once(credentials, "wf_100001", {"day": "2026-11-22"}, "2026-11-22",
                                         since="2026-11-22")
        ```
    """
    with credentials.get_client() as client:
        result: OnceResult = client.execute_once(
            workflow_id, input, key, since=since, lock=_lock(client, workflow_id, key, use_lock), timeout=timeout,
            poll_interval=poll_interval, max_poll_interval=max_poll_interval, raise_on_failure=raise_on_failure)
    return result


@api_task("exeoflow-aexecute_workflow_once", safe_to_retry=False, twin_of=execute_workflow_once)
async def aexecute_workflow_once(credentials: ExeoflowCredentials, workflow_id: str,
                                 input: Mapping[str, Any] | None, key: str, since: DateLike | None = None,
                                 use_lock: bool = True, timeout: float = 600.0, poll_interval: float = 0.5,
                                 max_poll_interval: float = 10.0, raise_on_failure: bool = True) -> OnceResult:
    async with credentials.get_async_client() as client:
        result: OnceResult = await client.execute_once(
            workflow_id, input, key, since=since, lock=_lock(client, workflow_id, key, use_lock), timeout=timeout,
            poll_interval=poll_interval, max_poll_interval=max_poll_interval, raise_on_failure=raise_on_failure)
    return result
