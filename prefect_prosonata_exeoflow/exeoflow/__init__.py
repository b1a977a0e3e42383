"""Exeoflow (workflow automation): credentials block, clients, models, tasks, execute-and-wait."""

from . import models as models
from . import tasks as tasks
from .calls import Calls
from .client import AsyncExeoflowClient, ExeoflowClient
from .credentials import ExeoflowCredentials
from .models import *
from .tasks import *
from .waiting import (
    ExecutionCancelledError,
    ExecutionFailedError,
    ExecutionTimeoutError,
    PollPolicy,
)

__all__ = [
    "AsyncExeoflowClient",
    "Calls",
    "ExecutionCancelledError",
    "ExecutionFailedError",
    "ExecutionTimeoutError",
    "ExeoflowClient",
    "ExeoflowCredentials",
    "PollPolicy",
    *models.__all__,
    *tasks.__all__,
]
