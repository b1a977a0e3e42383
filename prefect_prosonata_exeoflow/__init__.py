"""Prefect 3 blocks, tasks and flows for ProSonata, Exeoflow and EnDocs Cloud.

The credentials blocks are imported here so that ``prefect block register -m
prefect_prosonata_exeoflow`` (and a server's collection discovery) finds them.
"""

from __future__ import annotations

from ._core.errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    InvalidRequestError,
    MalformedResponseError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
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
    "ExeoflowCredentials",
    "InvalidRequestError",
    "MalformedResponseError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "ProSonataCredentials",
    "RateLimitError",
    "ServerError",
]
