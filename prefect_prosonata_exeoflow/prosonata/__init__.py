"""ProSonata (project management and time tracking): credentials block, clients, models, tasks.

Every endpoint is a task pair (``list_projects`` / ``alist_projects``, ...); the catalogue of
endpoints, client methods and tasks is ``docs/tasks.md``, the API notes ``docs/apis/prosonata.md``.
"""

from . import models, tasks
from .client import AsyncProSonataClient, ProSonataClient
from .credentials import ProSonataCredentials
from .encoding import DateRange, between
from .models import *
from .resources import RESOURCES
from .tasks import *

__all__ = [
    "RESOURCES",
    "AsyncProSonataClient",
    "DateRange",
    "ProSonataClient",
    "ProSonataCredentials",
    "between",
    *models.__all__,
    *tasks.__all__,
]
