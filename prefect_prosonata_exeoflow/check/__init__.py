"""Check a real account: does every read-only endpoint answer the way the models expect?

    python -m prefect_prosonata_exeoflow.check              # the saved blocks
    python -m prefect_prosonata_exeoflow.check --from-env   # the variables blocks.setup reads

Each read-only endpoint (derived from the APIs' own declarations) is called once with the
smallest page and its answer compared with the same call answered by the package's sandbox,
which encodes our reading of the docs. See the README, "Checking a real account".
"""

from __future__ import annotations

from .core import check_accounts
from .flow import ARTIFACT_KEY, CheckFailedError, check, check_api_task
from .report import CheckReport
from .runner import BROKEN, DEFAULT_MAX_CALLS, DENIED, DRIFT, OK, SKIPPED, EndpointResult

__all__ = [
    "ARTIFACT_KEY",
    "BROKEN",
    "DEFAULT_MAX_CALLS",
    "DENIED",
    "DRIFT",
    "OK",
    "SKIPPED",
    "CheckFailedError",
    "CheckReport",
    "EndpointResult",
    "check",
    "check_accounts",
    "check_api_task",
]
