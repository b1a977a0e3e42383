"""Prefect 3 blocks, tasks and flows for ProSonata, Exeoflow and EnDocs Cloud.

The credentials blocks are imported here so that ``prefect block register -m
prefect_prosonata_exeoflow`` (and a server's collection discovery) finds them.
"""

from ._core.errors import (  # the typed errors are part of the public API
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    ExecutionCancelledError,
    ExecutionFailedError,
    ExecutionTimeoutError,
    InvalidRequestError,
    MalformedResponseError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    status_error_class,
)
from .endocs.credentials import EnDocsCredentials
from .exeoflow.credentials import ExeoflowCredentials
from .prosonata.credentials import ProSonataCredentials

__version__ = "0.1.0"
__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "EnDocsCredentials",
    "ExecutionCancelledError",
    "ExecutionFailedError",
    "ExecutionTimeoutError",
    "ExeoflowCredentials",
    "InvalidRequestError",
    "MalformedResponseError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "ProSonataCredentials",
    "RateLimitError",
    "ServerError",
    "status_error_class",
]
