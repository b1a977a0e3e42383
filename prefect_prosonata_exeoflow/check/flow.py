"""The account check as a Prefect flow (``check``), so it runs as a deployment from the UI.

Each API is one task (``check-prosonata``, ...); the findings become a table artifact
(key ``account-check``) and the run fails when something would break parsing.
"""

from __future__ import annotations

from typing import Annotated, Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from pydantic import Field

from .._core.credentials import ServiceCredentials
from .core import check_accounts
from .report import CheckReport
from .runner import DEFAULT_MAX_CALLS

ARTIFACT_KEY = "account-check"


class CheckFailedError(Exception):
    """Some endpoint's answer would break parsing (or could not be read at all)."""

    def __init__(self, report: CheckReport) -> None:
        self.report = report
        names = ", ".join(f"{r.api} {r.endpoint}" for r in report.broken)
        super().__init__(f"{len(report.broken)} endpoint(s) would break: {names}")


@task(name="check-api", cache_policy=NO_CACHE, persist_result=False, task_run_name="check-{api}")
def check_api_task(api: str, credentials: ServiceCredentials[Any, Any], max_calls: int = DEFAULT_MAX_CALLS) -> CheckReport:
    """Probe one API's read-only endpoints (at most ``max_calls`` requests)."""
    return check_accounts({api: credentials}, max_calls=max_calls)


def _load(api: str, name: str) -> ServiceCredentials[Any, Any]:
    from ..accounts import RECIPES

    recipe = next(recipe for recipe in RECIPES if recipe.api == api)
    block: Any = recipe.block_class().load(name)
    return block  # type: ignore[no-any-return]


@flow(name="check", persist_result=False)
def check(
    prosonata_block: str | None = "prosonata",
    exeoflow_block: str | None = "exeoflow",
    endocs_block: str | None = "endocs",
    max_calls: Annotated[int, Field(ge=1, le=1000)] = DEFAULT_MAX_CALLS,
) -> CheckReport:
    """Check that the accounts behind the saved credentials blocks answer as the models expect.

    Calls every read-only endpoint once with the smallest page (never writes or executes, at
    most ``max_calls`` requests per API) and reports, per endpoint: reachable, auth, parsed,
    new and missing fields, type differences and the rate-limit hints seen. Leave a block name
    empty to skip that API.
    """
    names = {"prosonata": prosonata_block, "exeoflow": exeoflow_block, "endocs": endocs_block}
    report = CheckReport()
    for api, name in names.items():
        if name:
            part = check_api_task(api, _load(api, name), max_calls)
            report.extend(api, part.results, part.calls.get(api, 0))
    get_run_logger().info("account check\n%s", report.table())
    create_table_artifact(
        key=ARTIFACT_KEY,
        table=report.artifact_rows(),
        description="Account check: " + "; ".join(report.summary()),
    )
    if report.broken:
        raise CheckFailedError(report)
    return report
