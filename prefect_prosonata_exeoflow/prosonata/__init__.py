"""ProSonata (project management and time tracking): credentials block, clients, models, tasks."""

from .client import AsyncProSonataClient, ProSonataClient
from .credentials import ProSonataCredentials
from .encoding import DateRange, between
from .models import *
from .resources import RESOURCES
from .tasks import *
from . import models as models, tasks as tasks

__all__ = [
    "AsyncProSonataClient",
    "DateRange",
    "ProSonataClient",
    "ProSonataCredentials",
    "RESOURCES",
    "between",
    *models.__all__,
    *[name for name in dir(tasks) if name.split("_")[0] in {"list", "alist", "get", "aget", "create", "acreate",
                                                             "update", "aupdate", "delete", "adelete"}
      and not name.endswith("_tasks")],
]
