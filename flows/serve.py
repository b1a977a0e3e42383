"""Serve every sample flow as a deployment: pick one in the Prefect UI, fill the form, run it.

    PREFECT_API_URL=http://127.0.0.1:4200/api python -m flows.serve

The schedules are examples and start paused; switch them on in the UI (Deployments ->
the deployment -> Schedules) once the blocks point at real accounts. `make ui` runs this
together with a local Prefect server and the sandbox.
"""

from __future__ import annotations

from typing import Any

from prefect import serve

from flows.endocs_contracts_to_prosonata import endocs_contracts_to_prosonata
from flows.prosonata_time_to_exeoflow import prosonata_time_to_exeoflow
from prefect_prosonata_exeoflow.check import check

MAIN_DEPLOYMENT = "prosonata-time-to-exeoflow/daily-yesterday"


def deployments() -> list[Any]:
    """The sample deployments with example schedules (weekday mornings, paused), and the account check."""
    return [
        prosonata_time_to_exeoflow.to_deployment(
            name="daily-yesterday",
            cron="15 6 * * 1-5",
            paused=True,
            # Not needed for correctness (every group is executed exactly once anyway, see the
            # README's "Exactly once"); it only spares a second run the lookups and the waiting.
            concurrency_limit=1,
            description="Yesterday's ProSonata project times, one Exeoflow execution per project.",
            tags=["prosonata", "exeoflow", "sample"],
        ),
        endocs_contracts_to_prosonata.to_deployment(
            name="hourly",
            cron="5 * * * 1-5",
            paused=True,
            concurrency_limit=1,  # not needed for correctness either: it keeps the cursor moving in order
            description="New EnDocs contracts become ProSonata projects (incremental).",
            tags=["endocs", "prosonata", "sample"],
        ),
        check.to_deployment(
            name="account-check",
            description="Read-only check that the saved blocks' accounts answer as the models expect.",
            tags=["prosonata", "exeoflow", "endocs", "check"],
        ),
    ]


def main() -> None:
    serve(*deployments(), print_starting_message=True)


if __name__ == "__main__":
    main()
