"""Exeoflow (workflow automation): credentials block, clients, models, tasks, execute-and-wait.

Every endpoint is a task pair (``get_workflow`` / ``aget_workflow``, ...); the catalogue of
endpoints, client methods and tasks is ``docs/tasks.md``, the API notes ``docs/apis/exeoflow.md``.
The async twin of ``wait_for_execution`` is ``await_for_execution`` (``a`` + the sync name).
"""

from .._core.errors import ExecutionCancelledError, ExecutionFailedError, ExecutionTimeoutError
from .calls import Calls
from .client import AsyncExeoflowClient, ExeoflowClient
from .credentials import ExeoflowCredentials
from .models import (
    CANCELLED, EXECUTION_STATUSES, FAILED, RUNNING, SUCCESS, DeletedWorkflow, Execution, ExecutionError,
    ExecutionStarted, ListPage, Node, Pagination, Step, Webhook, WebhookAuthentication, Workflow,
)
from .tasks import (
    acancel_execution, acreate_webhook, acreate_workflow, adelete_workflow, aexecute_workflow,
    aexecute_workflow_and_wait, aget_execution, aget_workflow, ainvoke_webhook, alist_executions,
    alist_webhooks, alist_workflows, aset_workflow_status, aupdate_workflow, await_for_execution,
    cancel_execution, create_webhook, create_workflow, delete_workflow, execute_workflow,
    execute_workflow_and_wait, get_execution, get_workflow, invoke_webhook, list_executions, list_webhooks,
    list_workflows, set_workflow_status, update_workflow, wait_for_execution,
)
from .waiting import PollPolicy

__all__ = [
    "CANCELLED", "EXECUTION_STATUSES", "FAILED", "RUNNING", "SUCCESS", "AsyncExeoflowClient", "Calls",
    "DeletedWorkflow", "Execution", "ExecutionCancelledError", "ExecutionError", "ExecutionFailedError",
    "ExecutionStarted", "ExecutionTimeoutError", "ExeoflowClient", "ExeoflowCredentials", "ListPage", "Node",
    "Pagination", "PollPolicy", "Step", "Webhook", "WebhookAuthentication", "Workflow", "acancel_execution",
    "acreate_webhook", "acreate_workflow", "adelete_workflow", "aexecute_workflow",
    "aexecute_workflow_and_wait", "aget_execution", "aget_workflow", "ainvoke_webhook", "alist_executions",
    "alist_webhooks", "alist_workflows", "aset_workflow_status", "aupdate_workflow", "await_for_execution",
    "cancel_execution", "create_webhook", "create_workflow", "delete_workflow", "execute_workflow",
    "execute_workflow_and_wait", "get_execution", "get_workflow", "invoke_webhook", "list_executions",
    "list_webhooks", "list_workflows", "set_workflow_status", "update_workflow", "wait_for_execution",
]
