"""Check accounts: every API's read-only endpoints against the reference, into one report."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .._core.credentials import ServiceCredentials
from .._core.redaction import Redactor
from .record import recording, write_findings
from .reference import Reference
from .report import CheckReport
from .runner import DEFAULT_MAX_CALLS, EndpointResult, check_api


def check_accounts(
    blocks: Mapping[str, ServiceCredentials[Any, Any]],
    *,
    max_calls: int = DEFAULT_MAX_CALLS,
    record: Path | str | None = None,
) -> CheckReport:
    """Probe each API whose block is given (``{"prosonata": block, ...}``); read-only, at most
    ``max_calls`` requests per API. With ``record``, the exchanges are saved there as
    scrubbed cassettes along with the findings."""
    directory = Path(record) if record is not None else None
    report = CheckReport()
    secrets: list[str] = []
    with Reference() as reference:
        for api, block in blocks.items():
            results, calls, api_secrets = _check_one(api, block, max_calls, reference, directory)
            report.extend(api, results, calls)
            secrets += api_secrets
    if directory is not None:
        write_findings(directory, json.dumps(report.as_dict(), indent=2, ensure_ascii=False), secrets)
    return report


def _check_one(
    api: str, block: ServiceCredentials[Any, Any], max_calls: int, reference: Reference, directory: Path | None
) -> tuple[list[EndpointResult], int, list[str]]:
    secrets = [secret for secret in block.client_settings().secrets if secret]
    counter: list[int] = []
    with recording(directory, api, secrets):
        results = check_api(api, block, max_calls=max_calls, reference=reference, calls_made=counter)
    redact = Redactor(secrets)
    for result in results:  # belt and braces: nothing in a row may show a key
        result.note = redact(result.note)
        result.path = redact(result.path)
        result.rate_limit = {name: redact(value) for name, value in result.rate_limit.items()}
    return results, sum(counter), secrets
