"""Prefect tasks for every Exeoflow endpoint: a sync task and its async twin (``a`` prefix).

Each pair is made by :func:`.._core.tasks.endpoint_tasks` from one client call, so the
behaviour (pacing, 429 waits, retries of safe calls only) is the client's. Creates, executes
and webhook invocations are never retried by Prefect: nothing is started twice.

>>> from prefect import flow
>>> @flow
... def nightly(credentials: ExeoflowCredentials):
...     return execute_workflow_and_wait(credentials, "wf_123456", input={"day": "2026-11-22"})
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import SecretStr

from .._core.mutex import PrefectMutex
from .._core.tasks import api_task, endpoint_tasks
from .calls import DEFAULT_PAGE_SIZE, DateLike
from .client import ExeoflowClient
from .credentials import ExeoflowCredentials
from .models import DeletedWorkflow, Execution, ExecutionStarted, Webhook, Workflow
from .once import OnceResult

NodeList = Sequence[Mapping[str, Any]] | None

endpoint = endpoint_tasks(ExeoflowCredentials, "exeoflow")
#: Starts something on the server: never retried by Prefect, so nothing is started twice.
starting_endpoint = endpoint_tasks(ExeoflowCredentials, "exeoflow", safe_to_retry=False)


# -- workflows -------------------------------------------------------------------------------
# The two listings stay written out: a single ``page`` is post-processed (``.items``).
@api_task("exeoflow-list_workflows")
def list_workflows(credentials: ExeoflowCredentials, status: str | None = None, limit: int | None = None,
                   page: int | None = None, page_size: int = DEFAULT_PAGE_SIZE) -> list[Workflow]:
    """Workflows (optionally only ``active``/``inactive``): all pages, or the first ``limit``; or one ``page``."""
    with credentials.get_client() as client:
        if page is not None:
            return client.list_workflows_page(page, page_size, status).items
        return client.list_workflows(status, limit=limit)


@api_task("exeoflow-alist_workflows")
async def alist_workflows(credentials: ExeoflowCredentials, status: str | None = None, limit: int | None = None,
                          page: int | None = None, page_size: int = DEFAULT_PAGE_SIZE) -> list[Workflow]:
    """Workflows (optionally only ``active``/``inactive``): all pages, or the first ``limit``; or one ``page``."""
    async with credentials.get_async_client() as client:
        if page is not None:
            return (await client.list_workflows_page(page, page_size, status)).items
        return await client.list_workflows(status, limit=limit)


def _get_workflow(client: ExeoflowClient, workflow_id: str) -> Workflow:
    """One workflow with its ``nodes`` and ``connections``."""
    return client.get_workflow(workflow_id)


def _create_workflow(client: ExeoflowClient, name: str, description: str | None = None,
                     nodes: NodeList = None, connections: NodeList = None) -> Workflow:
    """Create a workflow (it starts ``inactive``); sent once, never retried."""
    return client.create_workflow(name, description, nodes, connections)


def _update_workflow(client: ExeoflowClient, workflow_id: str, name: str | None = None,
                     description: str | None = None, nodes: NodeList = None,
                     connections: NodeList = None) -> Workflow:
    """Change the given fields of a workflow; the others stay."""
    return client.update_workflow(workflow_id, name=name, description=description, nodes=nodes,
                                  connections=connections)


def _delete_workflow(client: ExeoflowClient, workflow_id: str) -> DeletedWorkflow:
    """Delete a workflow (and its webhooks)."""
    return client.delete_workflow(workflow_id)


def _set_workflow_status(client: ExeoflowClient, workflow_id: str, status: str) -> Workflow:
    """Activate (``"active"``) or deactivate (``"inactive"``) a workflow."""
    return client.set_workflow_status(workflow_id, status)


def _execute_workflow(client: ExeoflowClient, workflow_id: str,
                      input: Mapping[str, Any] | None = None) -> ExecutionStarted:
    """Start a workflow run and return its ``execution_id`` at once; sent once, never retried."""
    return client.execute_workflow(workflow_id, input)


def _execute_workflow_and_wait(client: ExeoflowClient, workflow_id: str,
                               input: Mapping[str, Any] | None = None, timeout: float = 600.0,
                               poll_interval: float = 0.5, max_poll_interval: float = 10.0,
                               raise_on_failure: bool = True) -> Execution:
    """Run a workflow to its end and return the final execution (output and steps).

    Fails with ExecutionFailedError (the server's error code and message) when the run fails,
    and with ExecutionTimeoutError after ``timeout`` seconds, having cancelled the run. If the
    Prefect run is cancelled meanwhile, the Exeoflow execution is cancelled too.
    """
    return client.execute_and_wait(workflow_id, input, timeout=timeout, poll_interval=poll_interval,
                                   max_poll_interval=max_poll_interval, raise_on_failure=raise_on_failure)


def _execute_workflow_once(client: ExeoflowClient, workflow_id: str, input: Mapping[str, Any] | None, key: str,
                           since: DateLike | None = None, use_lock: bool = True, timeout: float = 600.0,
                           poll_interval: float = 0.5, max_poll_interval: float = 10.0,
                           raise_on_failure: bool = True) -> OnceResult:
    """Run the workflow for ``key`` at most once, even across crashes, overlapping runs and workers.

    The key travels in the execution's ``input`` (``idempotency_key``). A running execution with
    it is adopted, a succeeded one returned (``how="already-done"``), a failed one executed again;
    only executions started since ``since`` are searched. With ``use_lock`` a Prefect global
    concurrency limit (``ppe-once-NN``, created with limit 1) keeps two processes from starting
    the same key at once; it needs a Prefect server shared by those processes.
    """
    lock = PrefectMutex(f"exeoflow:{client.settings.base_url}:{workflow_id}", key) if use_lock else None
    return client.execute_once(workflow_id, input, key, since=since, lock=lock, timeout=timeout,
                               poll_interval=poll_interval, max_poll_interval=max_poll_interval,
                               raise_on_failure=raise_on_failure)


get_workflow, aget_workflow = endpoint(_get_workflow)
create_workflow, acreate_workflow = starting_endpoint(_create_workflow)
update_workflow, aupdate_workflow = endpoint(_update_workflow)
delete_workflow, adelete_workflow = endpoint(_delete_workflow)
set_workflow_status, aset_workflow_status = endpoint(_set_workflow_status)
execute_workflow, aexecute_workflow = starting_endpoint(_execute_workflow)
execute_workflow_and_wait, aexecute_workflow_and_wait = starting_endpoint(_execute_workflow_and_wait)
execute_workflow_once, aexecute_workflow_once = starting_endpoint(_execute_workflow_once)


# -- executions ------------------------------------------------------------------------------
@api_task("exeoflow-list_executions")
def list_executions(credentials: ExeoflowCredentials, workflow_id: str | None = None, status: str | None = None,
                    date_from: DateLike | None = None, date_to: DateLike | None = None, limit: int | None = None,
                    page: int | None = None, page_size: int = DEFAULT_PAGE_SIZE) -> list[Execution]:
    """Executions, newest first, filtered by workflow, status and start date range; all pages or one ``page``."""
    with credentials.get_client() as client:
        if page is not None:
            return client.list_executions_page(page, page_size, workflow_id=workflow_id, status=status,
                                               date_from=date_from, date_to=date_to).items
        return client.list_executions(workflow_id=workflow_id, status=status, date_from=date_from,
                                      date_to=date_to, limit=limit)


@api_task("exeoflow-alist_executions")
async def alist_executions(credentials: ExeoflowCredentials, workflow_id: str | None = None,
                           status: str | None = None, date_from: DateLike | None = None,
                           date_to: DateLike | None = None, limit: int | None = None, page: int | None = None,
                           page_size: int = DEFAULT_PAGE_SIZE) -> list[Execution]:
    """Executions, newest first, filtered by workflow, status and start date range; all pages or one ``page``."""
    async with credentials.get_async_client() as client:
        if page is not None:
            return (await client.list_executions_page(page, page_size, workflow_id=workflow_id, status=status,
                                                      date_from=date_from, date_to=date_to)).items
        return await client.list_executions(workflow_id=workflow_id, status=status, date_from=date_from,
                                            date_to=date_to, limit=limit)


def _get_execution(client: ExeoflowClient, execution_id: str) -> Execution:
    """One execution with ``input``, ``output`` and ``steps``."""
    return client.get_execution(execution_id)


def _cancel_execution(client: ExeoflowClient, execution_id: str) -> Execution:
    """Cancel a running execution."""
    return client.cancel_execution(execution_id)


def _wait_for_execution(client: ExeoflowClient, execution_id: str, timeout: float = 600.0,
                        poll_interval: float = 0.5, max_poll_interval: float = 10.0,
                        raise_on_failure: bool = True) -> Execution:
    """Wait for a started execution to end (as :func:`execute_workflow_and_wait` does after starting it)."""
    return client.wait_for_execution(execution_id, timeout=timeout, poll_interval=poll_interval,
                                     max_poll_interval=max_poll_interval, raise_on_failure=raise_on_failure)


get_execution, aget_execution = endpoint(_get_execution)
cancel_execution, acancel_execution = endpoint(_cancel_execution)
wait_for_execution, await_for_execution = starting_endpoint(_wait_for_execution)


# -- webhooks --------------------------------------------------------------------------------
def _create_webhook(client: ExeoflowClient, workflow_id: str, name: str, method: str = "POST",
                    authentication: bool = True) -> Webhook:
    """Create a webhook trigger; the result holds its ``url`` and secret ``token``. Sent once."""
    return client.create_webhook(workflow_id, name, method=method, authentication=authentication)


def _list_webhooks(client: ExeoflowClient, workflow_id: str | None = None) -> list[Webhook]:
    """Webhooks, optionally of one workflow."""
    return client.list_webhooks(workflow_id)


def _invoke_webhook(client: ExeoflowClient, webhook: Webhook | str, payload: Mapping[str, Any] | None = None,
                    token: str | SecretStr | None = None, method: str | None = None) -> ExecutionStarted:
    """Trigger a webhook at its returned URL with its own token (a Webhook carries both); sent once."""
    return client.invoke_webhook(webhook, payload, token=token, method=method)


create_webhook, acreate_webhook = starting_endpoint(_create_webhook)
list_webhooks, alist_webhooks = endpoint(_list_webhooks)
invoke_webhook, ainvoke_webhook = starting_endpoint(_invoke_webhook)

__all__ = [
    "acancel_execution", "acreate_webhook", "acreate_workflow", "adelete_workflow", "aexecute_workflow",
    "aexecute_workflow_and_wait", "aexecute_workflow_once", "aget_execution", "aget_workflow", "ainvoke_webhook",
    "alist_executions",
    "alist_webhooks", "alist_workflows", "aset_workflow_status", "aupdate_workflow", "await_for_execution",
    "cancel_execution", "create_webhook", "create_workflow", "delete_workflow", "execute_workflow",
    "execute_workflow_and_wait", "execute_workflow_once", "get_execution", "get_workflow", "invoke_webhook", "list_executions",
    "list_webhooks", "list_workflows", "set_workflow_status", "update_workflow", "wait_for_execution",
]
