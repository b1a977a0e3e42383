"""Prefect tasks for every Exeoflow endpoint: a sync task and its async twin (``a`` prefix).

Each task opens a client from the credentials block and makes one client call, so the
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

from .._core.tasks import api_task
from .calls import DEFAULT_PAGE_SIZE, DateLike
from .credentials import ExeoflowCredentials
from .models import DeletedWorkflow, Execution, ExecutionStarted, Webhook, Workflow

NodeList = Sequence[Mapping[str, Any]] | None


# -- workflows -------------------------------------------------------------------------------
@api_task("exeoflow-list-workflows")
def list_workflows(credentials: ExeoflowCredentials, status: str | None = None, limit: int | None = None,
                   page: int | None = None, page_size: int = DEFAULT_PAGE_SIZE) -> list[Workflow]:
    """Workflows (optionally only ``active``/``inactive``): all pages, or the first ``limit``; or one ``page``."""
    with credentials.get_client() as client:
        if page is not None:
            return client.list_workflows_page(page, page_size, status).items
        return client.list_workflows(status, limit=limit)


@api_task("exeoflow-alist-workflows")
async def alist_workflows(credentials: ExeoflowCredentials, status: str | None = None, limit: int | None = None,
                          page: int | None = None, page_size: int = DEFAULT_PAGE_SIZE) -> list[Workflow]:
    """Workflows (optionally only ``active``/``inactive``): all pages, or the first ``limit``; or one ``page``."""
    async with credentials.get_async_client() as client:
        if page is not None:
            return (await client.list_workflows_page(page, page_size, status)).items
        return await client.list_workflows(status, limit=limit)


@api_task("exeoflow-get-workflow")
def get_workflow(credentials: ExeoflowCredentials, workflow_id: str) -> Workflow:
    """One workflow with its ``nodes`` and ``connections``."""
    with credentials.get_client() as client:
        return client.get_workflow(workflow_id)


@api_task("exeoflow-aget-workflow")
async def aget_workflow(credentials: ExeoflowCredentials, workflow_id: str) -> Workflow:
    """One workflow with its ``nodes`` and ``connections``."""
    async with credentials.get_async_client() as client:
        return await client.get_workflow(workflow_id)


@api_task("exeoflow-create-workflow", safe_to_retry=False)
def create_workflow(credentials: ExeoflowCredentials, name: str, description: str | None = None,
                    nodes: NodeList = None, connections: NodeList = None) -> Workflow:
    """Create a workflow (it starts ``inactive``); sent once, never retried."""
    with credentials.get_client() as client:
        return client.create_workflow(name, description, nodes, connections)


@api_task("exeoflow-acreate-workflow", safe_to_retry=False)
async def acreate_workflow(credentials: ExeoflowCredentials, name: str, description: str | None = None,
                           nodes: NodeList = None, connections: NodeList = None) -> Workflow:
    """Create a workflow (it starts ``inactive``); sent once, never retried."""
    async with credentials.get_async_client() as client:
        return await client.create_workflow(name, description, nodes, connections)


@api_task("exeoflow-update-workflow")
def update_workflow(credentials: ExeoflowCredentials, workflow_id: str, name: str | None = None,
                    description: str | None = None, nodes: NodeList = None, connections: NodeList = None) -> Workflow:
    """Change the given fields of a workflow; the others stay."""
    with credentials.get_client() as client:
        return client.update_workflow(workflow_id, name=name, description=description, nodes=nodes,
                                      connections=connections)


@api_task("exeoflow-aupdate-workflow")
async def aupdate_workflow(credentials: ExeoflowCredentials, workflow_id: str, name: str | None = None,
                           description: str | None = None, nodes: NodeList = None,
                           connections: NodeList = None) -> Workflow:
    """Change the given fields of a workflow; the others stay."""
    async with credentials.get_async_client() as client:
        return await client.update_workflow(workflow_id, name=name, description=description, nodes=nodes,
                                            connections=connections)


@api_task("exeoflow-delete-workflow")
def delete_workflow(credentials: ExeoflowCredentials, workflow_id: str) -> DeletedWorkflow:
    """Delete a workflow (and its webhooks)."""
    with credentials.get_client() as client:
        return client.delete_workflow(workflow_id)


@api_task("exeoflow-adelete-workflow")
async def adelete_workflow(credentials: ExeoflowCredentials, workflow_id: str) -> DeletedWorkflow:
    """Delete a workflow (and its webhooks)."""
    async with credentials.get_async_client() as client:
        return await client.delete_workflow(workflow_id)


@api_task("exeoflow-set-workflow-status")
def set_workflow_status(credentials: ExeoflowCredentials, workflow_id: str, status: str) -> Workflow:
    """Activate (``"active"``) or deactivate (``"inactive"``) a workflow."""
    with credentials.get_client() as client:
        return client.set_workflow_status(workflow_id, status)


@api_task("exeoflow-aset-workflow-status")
async def aset_workflow_status(credentials: ExeoflowCredentials, workflow_id: str, status: str) -> Workflow:
    """Activate (``"active"``) or deactivate (``"inactive"``) a workflow."""
    async with credentials.get_async_client() as client:
        return await client.set_workflow_status(workflow_id, status)


@api_task("exeoflow-execute-workflow", safe_to_retry=False)
def execute_workflow(credentials: ExeoflowCredentials, workflow_id: str,
                     input: Mapping[str, Any] | None = None) -> ExecutionStarted:
    """Start a workflow run and return its ``execution_id`` at once; sent once, never retried."""
    with credentials.get_client() as client:
        return client.execute_workflow(workflow_id, input)


@api_task("exeoflow-aexecute-workflow", safe_to_retry=False)
async def aexecute_workflow(credentials: ExeoflowCredentials, workflow_id: str,
                            input: Mapping[str, Any] | None = None) -> ExecutionStarted:
    """Start a workflow run and return its ``execution_id`` at once; sent once, never retried."""
    async with credentials.get_async_client() as client:
        return await client.execute_workflow(workflow_id, input)


@api_task("exeoflow-execute-workflow-and-wait", safe_to_retry=False)
def execute_workflow_and_wait(credentials: ExeoflowCredentials, workflow_id: str,
                              input: Mapping[str, Any] | None = None, timeout: float = 600.0,
                              poll_interval: float = 0.5, max_poll_interval: float = 10.0,
                              raise_on_failure: bool = True) -> Execution:
    """Run a workflow to its end and return the final execution (output and steps).

    Fails with ExecutionFailedError (the server's error code and message) when the run fails,
    and with ExecutionTimeoutError after ``timeout`` seconds, having cancelled the run. If the
    Prefect run is cancelled meanwhile, the Exeoflow execution is cancelled too.
    """
    with credentials.get_client() as client:
        return client.execute_and_wait(workflow_id, input, timeout=timeout, poll_interval=poll_interval,
                                       max_poll_interval=max_poll_interval, raise_on_failure=raise_on_failure)


@api_task("exeoflow-aexecute-workflow-and-wait", safe_to_retry=False)
async def aexecute_workflow_and_wait(credentials: ExeoflowCredentials, workflow_id: str,
                                     input: Mapping[str, Any] | None = None, timeout: float = 600.0,
                                     poll_interval: float = 0.5, max_poll_interval: float = 10.0,
                                     raise_on_failure: bool = True) -> Execution:
    """Run a workflow to its end and return the final execution (output and steps).

    Fails with ExecutionFailedError (the server's error code and message) when the run fails,
    and with ExecutionTimeoutError after ``timeout`` seconds, having cancelled the run. If the
    Prefect run is cancelled meanwhile, the Exeoflow execution is cancelled too.
    """
    async with credentials.get_async_client() as client:
        return await client.execute_and_wait(workflow_id, input, timeout=timeout, poll_interval=poll_interval,
                                             max_poll_interval=max_poll_interval,
                                             raise_on_failure=raise_on_failure)


# -- executions ------------------------------------------------------------------------------
@api_task("exeoflow-list-executions")
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


@api_task("exeoflow-alist-executions")
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


@api_task("exeoflow-get-execution")
def get_execution(credentials: ExeoflowCredentials, execution_id: str) -> Execution:
    """One execution with ``input``, ``output`` and ``steps``."""
    with credentials.get_client() as client:
        return client.get_execution(execution_id)


@api_task("exeoflow-aget-execution")
async def aget_execution(credentials: ExeoflowCredentials, execution_id: str) -> Execution:
    """One execution with ``input``, ``output`` and ``steps``."""
    async with credentials.get_async_client() as client:
        return await client.get_execution(execution_id)


@api_task("exeoflow-cancel-execution")
def cancel_execution(credentials: ExeoflowCredentials, execution_id: str) -> Execution:
    """Cancel a running execution."""
    with credentials.get_client() as client:
        return client.cancel_execution(execution_id)


@api_task("exeoflow-acancel-execution")
async def acancel_execution(credentials: ExeoflowCredentials, execution_id: str) -> Execution:
    """Cancel a running execution."""
    async with credentials.get_async_client() as client:
        return await client.cancel_execution(execution_id)


@api_task("exeoflow-wait-for-execution", safe_to_retry=False)
def wait_for_execution(credentials: ExeoflowCredentials, execution_id: str, timeout: float = 600.0,
                       poll_interval: float = 0.5, max_poll_interval: float = 10.0,
                       raise_on_failure: bool = True) -> Execution:
    """Wait for a started execution to end (as :func:`execute_workflow_and_wait` does after starting it)."""
    with credentials.get_client() as client:
        return client.wait_for_execution(execution_id, timeout=timeout, poll_interval=poll_interval,
                                         max_poll_interval=max_poll_interval, raise_on_failure=raise_on_failure)


@api_task("exeoflow-await-for-execution", safe_to_retry=False)
async def await_for_execution(credentials: ExeoflowCredentials, execution_id: str, timeout: float = 600.0,
                              poll_interval: float = 0.5, max_poll_interval: float = 10.0,
                              raise_on_failure: bool = True) -> Execution:
    """Wait for a started execution to end (as :func:`execute_workflow_and_wait` does after starting it)."""
    async with credentials.get_async_client() as client:
        return await client.wait_for_execution(execution_id, timeout=timeout, poll_interval=poll_interval,
                                               max_poll_interval=max_poll_interval,
                                               raise_on_failure=raise_on_failure)


# -- webhooks --------------------------------------------------------------------------------
@api_task("exeoflow-create-webhook", safe_to_retry=False)
def create_webhook(credentials: ExeoflowCredentials, workflow_id: str, name: str, method: str = "POST",
                   authentication: bool = True) -> Webhook:
    """Create a webhook trigger; the result holds its ``url`` and secret ``token``. Sent once."""
    with credentials.get_client() as client:
        return client.create_webhook(workflow_id, name, method=method, authentication=authentication)


@api_task("exeoflow-acreate-webhook", safe_to_retry=False)
async def acreate_webhook(credentials: ExeoflowCredentials, workflow_id: str, name: str, method: str = "POST",
                          authentication: bool = True) -> Webhook:
    """Create a webhook trigger; the result holds its ``url`` and secret ``token``. Sent once."""
    async with credentials.get_async_client() as client:
        return await client.create_webhook(workflow_id, name, method=method, authentication=authentication)


@api_task("exeoflow-list-webhooks")
def list_webhooks(credentials: ExeoflowCredentials, workflow_id: str | None = None) -> list[Webhook]:
    """Webhooks, optionally of one workflow."""
    with credentials.get_client() as client:
        return client.list_webhooks(workflow_id)


@api_task("exeoflow-alist-webhooks")
async def alist_webhooks(credentials: ExeoflowCredentials, workflow_id: str | None = None) -> list[Webhook]:
    """Webhooks, optionally of one workflow."""
    async with credentials.get_async_client() as client:
        return await client.list_webhooks(workflow_id)


@api_task("exeoflow-invoke-webhook", safe_to_retry=False)
def invoke_webhook(credentials: ExeoflowCredentials, webhook: Webhook | str,
                   payload: Mapping[str, Any] | None = None, token: str | SecretStr | None = None,
                   method: str | None = None) -> ExecutionStarted:
    """Trigger a webhook at its returned URL with its own token (a Webhook carries both); sent once."""
    with credentials.get_client() as client:
        return client.invoke_webhook(webhook, payload, token=token, method=method)


@api_task("exeoflow-ainvoke-webhook", safe_to_retry=False)
async def ainvoke_webhook(credentials: ExeoflowCredentials, webhook: Webhook | str,
                          payload: Mapping[str, Any] | None = None, token: str | SecretStr | None = None,
                          method: str | None = None) -> ExecutionStarted:
    """Trigger a webhook at its returned URL with its own token (a Webhook carries both); sent once."""
    async with credentials.get_async_client() as client:
        return await client.invoke_webhook(webhook, payload, token=token, method=method)


__all__ = [
    "acancel_execution", "acreate_webhook", "acreate_workflow", "adelete_workflow", "aexecute_workflow",
    "aexecute_workflow_and_wait", "aget_execution", "aget_workflow", "ainvoke_webhook", "alist_executions",
    "alist_webhooks", "alist_workflows", "aset_workflow_status", "aupdate_workflow", "await_for_execution",
    "cancel_execution", "create_webhook", "create_workflow", "delete_workflow", "execute_workflow",
    "execute_workflow_and_wait", "get_execution", "get_workflow", "invoke_webhook", "list_executions",
    "list_webhooks", "list_workflows", "set_workflow_status", "update_workflow", "wait_for_execution",
]
