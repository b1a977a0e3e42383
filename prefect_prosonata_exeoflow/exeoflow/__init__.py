"""Exeoflow (workflow automation): credentials block, clients, models, tasks, execute-and-wait.

Every endpoint is a task pair (``get_workflow`` / ``aget_workflow``, ...); the catalogue of
endpoints, client methods and tasks is ``docs/tasks.md``, the API notes ``docs/apis/exeoflow.md``.
The async twin of ``wait_for_execution`` is ``await_for_execution``: ``a`` + the sync name, as
for every task, so it is kept under that name.
"""

from . import models, tasks
from .._core.errors import (
    ExecutionCancelledError,
    ExecutionFailedError,
    ExecutionTimeoutError,
    WaitStoppedError,
)
from .calls import Calls
from .client import AsyncExeoflowClient, ExeoflowClient
from .credentials import ExeoflowCredentials
from .models import *
from .once import IDEMPOTENCY_KEY, OnceResult
from .tasks import *
from .waiting import PollPolicy

__all__ = [
    "AsyncExeoflowClient",
    "Calls",
    "ExecutionCancelledError",  # defined with every other error in _core/errors.py
    "ExecutionFailedError",
    "ExecutionTimeoutError",
    "ExeoflowClient",
    "ExeoflowCredentials",
    "IDEMPOTENCY_KEY",
    "OnceResult",
    "PollPolicy",
    "WaitStoppedError",
    *models.__all__,
    *tasks.__all__,
]
