"""Serve every sample deployment: pick one in the Prefect UI, fill the form, run it.

    PREFECT_API_URL=http://127.0.0.1:4200/api python -m flows.serve

The deployments are the ones ``prefect.yaml`` declares (schedules with their time zones,
parameters, limits, the automation trigger), so served and deployed runs behave alike. The
schedules are examples and start paused; switch them on in the UI (Deployments -> the
deployment -> Schedules) once the blocks point at real accounts. `make ui` runs this together
with a local Prefect server and the sandbox.
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path
from typing import Any

import yaml
from prefect import serve
from prefect.client.schemas.objects import ConcurrencyLimitConfig
from prefect.events import DeploymentEventTrigger
from prefect.schedules import Cron

PREFECT_YAML = Path(__file__).resolve().parent.parent / "prefect.yaml"
MAIN_DEPLOYMENT = "prosonata-time-to-exeoflow/daily-yesterday"


def declared_deployments(path: Path = PREFECT_YAML) -> list[dict[str, Any]]:
    """The ``deployments`` section of prefect.yaml."""
    return list(yaml.safe_load(path.read_text(encoding="utf-8"))["deployments"])


def _flow(entrypoint: str) -> Any:
    """``flows/module.py:function`` -> the flow object."""
    file, name = entrypoint.split(":")
    return getattr(importlib.import_module(file.removesuffix(".py").replace("/", ".")), name)


def _to_deployment(spec: dict[str, Any]) -> Any:
    limit = spec.get("concurrency_limit")
    return _flow(spec["entrypoint"]).to_deployment(
        name=spec["name"],
        schedules=[Cron(s["cron"], timezone=s.get("timezone")) for s in spec.get("schedules", [])],
        paused=True if spec.get("schedules") else None,
        description=spec.get("description"),
        tags=spec.get("tags"),
        parameters=spec.get("parameters"),
        concurrency_limit=ConcurrencyLimitConfig(**limit) if isinstance(limit, dict) else limit,
        triggers=[DeploymentEventTrigger(**trigger) for trigger in spec.get("triggers", [])],
    )


def deployments() -> list[Any]:
    """The sample deployments as prefect.yaml declares them (schedules paused)."""
    return [_to_deployment(spec) for spec in declared_deployments()]


def main(argv: list[str] | None = None) -> None:
    argparse.ArgumentParser(prog="python -m flows.serve", description=__doc__.split("\n\n")[0]).parse_args(argv)
    serve(*deployments(), print_starting_message=True)


if __name__ == "__main__":
    main()
