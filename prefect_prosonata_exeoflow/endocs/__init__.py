"""EnDocs Cloud: credentials block, clients, models and one Prefect task per endpoint.

EnDocs is a cloud document archive and workflow service that exchanges documents with 1C;
its API (15 endpoints) reads the "new since" feeds, downloads files, and upserts documents,
contracts and scans. What is known and guessed about the API is in ``docs/apis/endocs.md``;
endpoints, client methods and tasks are listed in ``docs/tasks.md``.
"""

from . import models, tasks
from .calls import PATHS, FileKind
from .client import AsyncEnDocsClient, EnDocsClient
from .credentials import EnDocsCredentials
from .dialect import MAX_FILE_BYTES, EnDocsDialect
from .files import FileContent
from .models import *
from .tasks import *

__all__ = [
    "MAX_FILE_BYTES",
    "PATHS",
    "AsyncEnDocsClient",
    "EnDocsClient",
    "EnDocsCredentials",
    "EnDocsDialect",
    "FileContent",
    "FileKind",
    *models.__all__,
    *tasks.__all__,
]
