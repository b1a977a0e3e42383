"""Exeoflow (workflow automation): credentials block, clients, models, tasks, execute-and-wait."""

from . import models as models
from . import tasks as tasks
from .calls import Calls
from .client import AsyncExeoflowClient, ExeoflowClient
from .credentials import ExeoflowCredentials
from .models import *
from .once import IDEMPOTENCY_KEY, OnceResult
from .tasks import *
from .waiting import (
    ExecutionCancelledError,
    ExecutionFailedError,
    ExecutionTimeoutError,
    PollPolicy,
    WaitStoppedError,
)

__all__ = [
    "AsyncExeoflowClient",
    "Calls",
    "ExecutionCancelledError",
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
