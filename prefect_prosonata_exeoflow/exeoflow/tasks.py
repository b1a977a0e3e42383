# mypy: disable-error-code="no-any-return"
"""Exeoflow tasks, each with its async twin (``a`` prefix), written from ``calls.Endpoints`` and the
client's ``@operation`` methods.

Regenerate with ``make docs``; tests/test_task_catalogue.py fails when this is stale. Creates,
executes and invokes are never retried by Prefect. Each task's body is one call on the block's
client; the Example of its docstring is added by ``api_task`` from ``example=``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import SecretStr

from .._core.tasks import api_task, with_async_client, with_client
from .calls import DateLike
from .credentials import ExeoflowCredentials
from .models import DeletedWorkflow, Execution, ExecutionStarted, Node, Webhook, Workflow
from .once_tasks import aexecute_workflow_once, execute_workflow_once  # written by hand

__all__ = ["acancel_execution", "acreate_webhook", "acreate_workflow", "adelete_workflow",
    "aexecute_workflow", "aexecute_workflow_and_wait", "aexecute_workflow_once", "aget_execution",
    "aget_workflow", "ainvoke_webhook", "alist_executions", "alist_webhooks", "alist_workflows",
    "aset_workflow_status", "aupdate_workflow", "await_for_execution", "cancel_execution", "create_webhook",
    "create_workflow", "delete_workflow", "execute_workflow", "execute_workflow_and_wait",
    "execute_workflow_once", "get_execution", "get_workflow", "invoke_webhook", "list_executions",
    "list_webhooks", "list_workflows", "set_workflow_status", "update_workflow", "wait_for_execution"]


@api_task("exeoflow-list_workflows", example='status="active"')
def list_workflows(
    credentials: ExeoflowCredentials,
    status: str | None = None,
    limit: int | None = None,
    page: int | None = None,
    page_size: int = 20,
) -> list[Workflow]:
    """Workflows, optionally only the active or only the inactive ones; all pages (or the first ``limit``
    rows), or only ``page``.

    Args:
        credentials: The Exeoflow credentials block (saved once, loaded by its name).
        status: Only ``"active"`` or only ``"inactive"`` workflows; None for all.
        limit: At most this many rows (all pages are read until then); None for all.
        page: Read only this page (from 1) instead of every page.
        page_size: Rows per page when ``page`` is given (1 to 100).

    Returns:
        list[Workflow]: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.list_workflows(status=status, limit=limit, page=page, page_size=page_size),
    )


@api_task("exeoflow-alist_workflows", twin_of=list_workflows)
async def alist_workflows(
    credentials: ExeoflowCredentials,
    status: str | None = None,
    limit: int | None = None,
    page: int | None = None,
    page_size: int = 20,
) -> list[Workflow]:
    return await with_async_client(
        credentials,
        lambda client: client.list_workflows(status=status, limit=limit, page=page, page_size=page_size),
    )


@api_task("exeoflow-get_workflow", example='"wf_100001"')
def get_workflow(credentials: ExeoflowCredentials, workflow_id: str) -> Workflow:
    """One workflow with its ``nodes`` and ``connections``.

    Args:
        credentials: The Exeoflow credentials block (saved once, loaded by its name).
        workflow_id: The workflow's id (``wf_…``).

    Returns:
        Workflow: the parsed answer.
    """
    return with_client(credentials, lambda client: client.get_workflow(workflow_id))


@api_task("exeoflow-aget_workflow", twin_of=get_workflow)
async def aget_workflow(credentials: ExeoflowCredentials, workflow_id: str) -> Workflow:
    return await with_async_client(credentials, lambda client: client.get_workflow(workflow_id))


@api_task("exeoflow-create_workflow", safe_to_retry=False, example='"Nightly export"')
def create_workflow(
    credentials: ExeoflowCredentials,
    name: str,
    description: str | None = None,
    nodes: Sequence[Mapping[str, Any] | Node] | None = None,
    connections: Sequence[Mapping[str, Any]] | None = None,
) -> Workflow:
    """Create a workflow (it starts ``inactive``); sent once, never repeated.

    Args:
        credentials: The Exeoflow credentials block (saved once, loaded by its name).
        name: The workflow's name.
        description: A longer description.
        nodes: The workflow's nodes (each a mapping with ``id`` and ``type``, or a Node).
        connections: The connections between the nodes.

    Returns:
        Workflow: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.create_workflow(name, description, nodes, connections),
    )


@api_task("exeoflow-acreate_workflow", safe_to_retry=False, twin_of=create_workflow)
async def acreate_workflow(
    credentials: ExeoflowCredentials,
    name: str,
    description: str | None = None,
    nodes: Sequence[Mapping[str, Any] | Node] | None = None,
    connections: Sequence[Mapping[str, Any]] | None = None,
) -> Workflow:
    return await with_async_client(
        credentials,
        lambda client: client.create_workflow(name, description, nodes, connections),
    )


@api_task("exeoflow-update_workflow", example='"wf_100001", name="Nightly export v2"')
def update_workflow(
    credentials: ExeoflowCredentials,
    workflow_id: str,
    name: str | None = None,
    description: str | None = None,
    nodes: Sequence[Mapping[str, Any] | Node] | None = None,
    connections: Sequence[Mapping[str, Any]] | None = None,
) -> Workflow:
    """Change the given fields of a workflow; the others stay.

    Args:
        credentials: The Exeoflow credentials block (saved once, loaded by its name).
        workflow_id: The workflow's id (``wf_…``).
        name: A new name.
        description: A new description.
        nodes: The new list of nodes (replaces the old one).
        connections: The new list of connections (replaces the old one).

    Returns:
        Workflow: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.update_workflow(
            workflow_id, name=name, description=description, nodes=nodes, connections=connections
        ),
    )


@api_task("exeoflow-aupdate_workflow", twin_of=update_workflow)
async def aupdate_workflow(
    credentials: ExeoflowCredentials,
    workflow_id: str,
    name: str | None = None,
    description: str | None = None,
    nodes: Sequence[Mapping[str, Any] | Node] | None = None,
    connections: Sequence[Mapping[str, Any]] | None = None,
) -> Workflow:
    return await with_async_client(
        credentials,
        lambda client: client.update_workflow(
            workflow_id, name=name, description=description, nodes=nodes, connections=connections
        ),
    )


@api_task("exeoflow-delete_workflow", example='"wf_100001"')
def delete_workflow(credentials: ExeoflowCredentials, workflow_id: str) -> DeletedWorkflow:
    """Delete a workflow (and its webhooks).

    Args:
        credentials: The Exeoflow credentials block (saved once, loaded by its name).
        workflow_id: The workflow's id (``wf_…``).

    Returns:
        DeletedWorkflow: the parsed answer.
    """
    return with_client(credentials, lambda client: client.delete_workflow(workflow_id))


@api_task("exeoflow-adelete_workflow", twin_of=delete_workflow)
async def adelete_workflow(credentials: ExeoflowCredentials, workflow_id: str) -> DeletedWorkflow:
    return await with_async_client(credentials, lambda client: client.delete_workflow(workflow_id))


@api_task("exeoflow-set_workflow_status", example='"wf_100001", "active"')
def set_workflow_status(credentials: ExeoflowCredentials, workflow_id: str, status: str) -> Workflow:
    """Activate (``"active"``) or deactivate (``"inactive"``) a workflow.

    Args:
        credentials: The Exeoflow credentials block (saved once, loaded by its name).
        workflow_id: The workflow's id (``wf_…``).
        status: ``"active"`` or ``"inactive"``.

    Returns:
        Workflow: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.set_workflow_status(workflow_id, status),
    )


@api_task("exeoflow-aset_workflow_status", twin_of=set_workflow_status)
async def aset_workflow_status(credentials: ExeoflowCredentials, workflow_id: str, status: str) -> Workflow:
    return await with_async_client(
        credentials,
        lambda client: client.set_workflow_status(workflow_id, status),
    )


@api_task("exeoflow-execute_workflow", safe_to_retry=False, example='"wf_100001", {"day": "2026-11-22"}')
def execute_workflow(
    credentials: ExeoflowCredentials,
    workflow_id: str,
    input: Mapping[str, Any] | None = None,
) -> ExecutionStarted:
    """Start a workflow run and return its ``execution_id`` at once; sent once, never retried.

    Args:
        credentials: The Exeoflow credentials block (saved once, loaded by its name).
        workflow_id: The workflow's id (``wf_…``).
        input: The run's input, a JSON object.

    Returns:
        ExecutionStarted: the parsed answer.
    """
    return with_client(credentials, lambda client: client.execute_workflow(workflow_id, input))


@api_task("exeoflow-aexecute_workflow", safe_to_retry=False, twin_of=execute_workflow)
async def aexecute_workflow(
    credentials: ExeoflowCredentials,
    workflow_id: str,
    input: Mapping[str, Any] | None = None,
) -> ExecutionStarted:
    return await with_async_client(credentials, lambda client: client.execute_workflow(workflow_id, input))


@api_task("exeoflow-list_executions", example='workflow_id="wf_100001", status="failed"')
def list_executions(
    credentials: ExeoflowCredentials,
    workflow_id: str | None = None,
    status: str | None = None,
    date_from: DateLike | None = None,
    date_to: DateLike | None = None,
    limit: int | None = None,
    page: int | None = None,
    page_size: int = 20,
) -> list[Execution]:
    """Executions, newest first, filtered by workflow, status and start date range; all pages (or the first
    ``limit`` rows), or only ``page``.

    Args:
        credentials: The Exeoflow credentials block (saved once, loaded by its name).
        workflow_id: Only the executions of this workflow.
        status: Only executions in this status (e.g. ``"running"``, ``"failed"``).
        date_from: Only executions started at or after this date or time (naive means UTC).
        date_to: Only executions started at or before this date or time.
        limit: At most this many rows (all pages are read until then); None for all.
        page: Read only this page (from 1) instead of every page.
        page_size: Rows per page when ``page`` is given (1 to 100).

    Returns:
        list[Execution]: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.list_executions(
            workflow_id=workflow_id, status=status, date_from=date_from, date_to=date_to,
            limit=limit, page=page, page_size=page_size
        ),
    )


@api_task("exeoflow-alist_executions", twin_of=list_executions)
async def alist_executions(
    credentials: ExeoflowCredentials,
    workflow_id: str | None = None,
    status: str | None = None,
    date_from: DateLike | None = None,
    date_to: DateLike | None = None,
    limit: int | None = None,
    page: int | None = None,
    page_size: int = 20,
) -> list[Execution]:
    return await with_async_client(
        credentials,
        lambda client: client.list_executions(
            workflow_id=workflow_id, status=status, date_from=date_from, date_to=date_to,
            limit=limit, page=page, page_size=page_size
        ),
    )


@api_task("exeoflow-get_execution", example='"exec_100001"')
def get_execution(credentials: ExeoflowCredentials, execution_id: str) -> Execution:
    """One execution with ``input``, ``output`` and ``steps``.

    Args:
        credentials: The Exeoflow credentials block (saved once, loaded by its name).
        execution_id: The execution's id (``exec_…``).

    Returns:
        Execution: the parsed answer.
    """
    return with_client(credentials, lambda client: client.get_execution(execution_id))


@api_task("exeoflow-aget_execution", twin_of=get_execution)
async def aget_execution(credentials: ExeoflowCredentials, execution_id: str) -> Execution:
    return await with_async_client(credentials, lambda client: client.get_execution(execution_id))


@api_task("exeoflow-cancel_execution", example='"exec_100001"')
def cancel_execution(credentials: ExeoflowCredentials, execution_id: str) -> Execution:
    """Cancel a running execution.

    Args:
        credentials: The Exeoflow credentials block (saved once, loaded by its name).
        execution_id: The execution's id (``exec_…``).

    Returns:
        Execution: the parsed answer.
    """
    return with_client(credentials, lambda client: client.cancel_execution(execution_id))


@api_task("exeoflow-acancel_execution", twin_of=cancel_execution)
async def acancel_execution(credentials: ExeoflowCredentials, execution_id: str) -> Execution:
    return await with_async_client(credentials, lambda client: client.cancel_execution(execution_id))


@api_task("exeoflow-create_webhook", safe_to_retry=False, example='"wf_100001", "From the shop"')
def create_webhook(
    credentials: ExeoflowCredentials,
    workflow_id: str,
    name: str,
    method: str = 'POST',
    authentication: bool = True,
) -> Webhook:
    """Create a webhook trigger; the result holds its ``url`` and secret ``token``. Sent once.

    Args:
        credentials: The Exeoflow credentials block (saved once, loaded by its name).
        workflow_id: The workflow the webhook starts (``wf_…``).
        name: The webhook's name.
        method: The HTTP method the webhook accepts (``"POST"`` or ``"GET"``).
        authentication: Whether callers must send the webhook's bearer token.

    Returns:
        Webhook: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.create_webhook(workflow_id, name, method=method, authentication=authentication),
    )


@api_task("exeoflow-acreate_webhook", safe_to_retry=False, twin_of=create_webhook)
async def acreate_webhook(
    credentials: ExeoflowCredentials,
    workflow_id: str,
    name: str,
    method: str = 'POST',
    authentication: bool = True,
) -> Webhook:
    return await with_async_client(
        credentials,
        lambda client: client.create_webhook(workflow_id, name, method=method, authentication=authentication),
    )


@api_task("exeoflow-list_webhooks", example='"wf_100001"')
def list_webhooks(credentials: ExeoflowCredentials, workflow_id: str | None = None) -> list[Webhook]:
    """Webhooks, optionally of one workflow.

    Args:
        credentials: The Exeoflow credentials block (saved once, loaded by its name).
        workflow_id: Only the webhooks of this workflow (``wf_…``).

    Returns:
        list[Webhook]: the parsed answer.
    """
    return with_client(credentials, lambda client: client.list_webhooks(workflow_id))


@api_task("exeoflow-alist_webhooks", twin_of=list_webhooks)
async def alist_webhooks(credentials: ExeoflowCredentials, workflow_id: str | None = None) -> list[Webhook]:
    return await with_async_client(credentials, lambda client: client.list_webhooks(workflow_id))


@api_task("exeoflow-invoke_webhook", safe_to_retry=False, example='webhook, {"order": 42}')
def invoke_webhook(
    credentials: ExeoflowCredentials,
    webhook: Webhook | str,
    payload: Mapping[str, Any] | None = None,
    token: str | SecretStr | None = None,
    method: str | None = None,
) -> ExecutionStarted:
    """Trigger a webhook at its returned URL with its own token (a Webhook carries both); sent once.

    Args:
        credentials: The Exeoflow credentials block (saved once, loaded by its name).
        webhook: The Webhook as created or listed, or its URL.
        payload: The JSON object sent (as query parameters for a GET webhook).
        token: The webhook's token, when ``webhook`` is a URL (a Webhook carries its own).
        method: The HTTP method, when ``webhook`` is a URL (default ``"POST"``).

    Returns:
        ExecutionStarted: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.invoke_webhook(webhook, payload, token=token, method=method),
    )


@api_task("exeoflow-ainvoke_webhook", safe_to_retry=False, twin_of=invoke_webhook)
async def ainvoke_webhook(
    credentials: ExeoflowCredentials,
    webhook: Webhook | str,
    payload: Mapping[str, Any] | None = None,
    token: str | SecretStr | None = None,
    method: str | None = None,
) -> ExecutionStarted:
    return await with_async_client(
        credentials,
        lambda client: client.invoke_webhook(webhook, payload, token=token, method=method),
    )


@api_task("exeoflow-wait_for_execution", safe_to_retry=False, example='"exec_100001"')
def wait_for_execution(
    credentials: ExeoflowCredentials,
    execution_id: str,
    timeout: float = 600.0,
    poll_interval: float = 0.5,
    max_poll_interval: float = 10.0,
    raise_on_failure: bool = True,
) -> Execution:
    """Wait for a started execution to end (as execute_workflow_and_wait does after starting it).

    Args:
        credentials: The Exeoflow credentials block (saved once, loaded by its name).
        execution_id: The execution's id (``exec_…``).
        timeout: Seconds to wait for the end before cancelling the execution.
        poll_interval: Seconds before the first poll; each next wait doubles.
        max_poll_interval: The longest wait between two polls, in seconds.
        raise_on_failure: Raise ExecutionFailedError (or ExecutionCancelledError) when it did not
            succeed.

    Returns:
        Execution: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.wait_for_execution(
            execution_id, timeout=timeout, poll_interval=poll_interval,
            max_poll_interval=max_poll_interval, raise_on_failure=raise_on_failure
        ),
    )


@api_task("exeoflow-await_for_execution", safe_to_retry=False, twin_of=wait_for_execution)
async def await_for_execution(
    credentials: ExeoflowCredentials,
    execution_id: str,
    timeout: float = 600.0,
    poll_interval: float = 0.5,
    max_poll_interval: float = 10.0,
    raise_on_failure: bool = True,
) -> Execution:
    return await with_async_client(
        credentials,
        lambda client: client.wait_for_execution(
            execution_id, timeout=timeout, poll_interval=poll_interval,
            max_poll_interval=max_poll_interval, raise_on_failure=raise_on_failure
        ),
    )


@api_task(
    "exeoflow-execute_workflow_and_wait", safe_to_retry=False,
    example='"wf_100001", {"day": "2026-11-22"}, timeout=300',
)
def execute_workflow_and_wait(
    credentials: ExeoflowCredentials,
    workflow_id: str,
    input: Mapping[str, Any] | None = None,
    timeout: float = 600.0,
    poll_interval: float = 0.5,
    max_poll_interval: float = 10.0,
    raise_on_failure: bool = True,
) -> Execution:
    """Run a workflow to its end and return the final execution (output and steps).

    Args:
        credentials: The Exeoflow credentials block (saved once, loaded by its name).
        workflow_id: The workflow's id (``wf_…``).
        input: The run's input, a JSON object.
        timeout: Seconds to wait for the end before cancelling the execution.
        poll_interval: Seconds before the first poll; each next wait doubles.
        max_poll_interval: The longest wait between two polls, in seconds.
        raise_on_failure: Raise ExecutionFailedError (or ExecutionCancelledError) when it did not
            succeed.

    Returns:
        Execution: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.execute_and_wait(
            workflow_id, input, timeout=timeout, poll_interval=poll_interval,
            max_poll_interval=max_poll_interval, raise_on_failure=raise_on_failure
        ),
    )


@api_task("exeoflow-aexecute_workflow_and_wait", safe_to_retry=False, twin_of=execute_workflow_and_wait)
async def aexecute_workflow_and_wait(
    credentials: ExeoflowCredentials,
    workflow_id: str,
    input: Mapping[str, Any] | None = None,
    timeout: float = 600.0,
    poll_interval: float = 0.5,
    max_poll_interval: float = 10.0,
    raise_on_failure: bool = True,
) -> Execution:
    return await with_async_client(
        credentials,
        lambda client: client.execute_and_wait(
            workflow_id, input, timeout=timeout, poll_interval=poll_interval,
            max_poll_interval=max_poll_interval, raise_on_failure=raise_on_failure
        ),
    )
