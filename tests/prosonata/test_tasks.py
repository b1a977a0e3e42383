"""Every ProSonata endpoint has a sync task and an async twin, and each works inside a flow."""

from __future__ import annotations

from typing import Any

import pytest
from prefect import Task, flow
from pydantic import SecretStr

from prefect_prosonata_exeoflow import OutcomeUnknownError
from prefect_prosonata_exeoflow.prosonata import RESOURCES, ProSonataCredentials
from prefect_prosonata_exeoflow.prosonata import tasks as ps_tasks
from prefect_prosonata_exeoflow.sandbox import SANDBOX_KEYS, SandboxServer

from .support import UPDATE_PAYLOADS, create_payload, seeded_ids

VERB_NAMES = {"list": "list_{plural}", "get": "get_{singular}", "create": "create_{singular}",
              "update": "update_{singular}", "delete": "delete_{singular}"}


def task_for(resource: Any, verb: str, *, asynchronous: bool = False) -> Task[..., Any]:
    name = VERB_NAMES[verb].format(plural=resource.plural, singular=resource.singular)
    return getattr(ps_tasks, ("a" if asynchronous else "") + name)  # type: ignore[no-any-return]


def test_a_task_pair_exists_for_every_documented_method() -> None:
    expected = 0
    for resource in RESOURCES:
        for verb in resource.methods:
            expected += 1
            assert isinstance(task_for(resource, verb), Task)
            assert isinstance(task_for(resource, verb, asynchronous=True), Task)
    assert expected == 53  # 14 resources, from the method matrix in docs/apis/prosonata.md
    assert not hasattr(ps_tasks, "delete_project")  # projects cannot be deleted


def test_every_endpoint_task_runs_in_a_flow(prefect_harness: None, sandbox: SandboxServer) -> None:
    credentials = ProSonataCredentials(base_url=sandbox.base_url("prosonata"),
                                       api_key=SecretStr(SANDBOX_KEYS["prosonata_admin_key"]))

    @flow
    def every_endpoint() -> dict[str, int]:
        with credentials.get_client() as client:
            ids = seeded_ids(client)
        done: dict[str, int] = {}
        for resource in RESOURCES:
            rows = task_for(resource, "list")(credentials, limit=2)
            row = task_for(resource, "get")(credentials, getattr(rows[0], resource.id_field))
            assert type(row) is resource.model
            done[f"{resource.path}.read"] = len(rows)
            if "create" in resource.methods:
                created = task_for(resource, "create")(credentials, create_payload(resource.path, ids))
                new_id = getattr(created, resource.id_field)
                task_for(resource, "update")(credentials, new_id, UPDATE_PAYLOADS[resource.path])
                if "delete" in resource.methods:
                    task_for(resource, "delete")(credentials, new_id)
                done[f"{resource.path}.write"] = 1
        return done

    result = every_endpoint()
    assert len([key for key in result if key.endswith(".read")]) == 14
    assert len([key for key in result if key.endswith(".write")]) == 10
    stats = sandbox.sandbox.stats
    assert stats.get("prosonata.create.projecttimes") == 1 and stats.get("prosonata.delete.projecttimes") == 1


def test_async_twins_run_in_an_async_flow(prefect_harness: None, sandbox: SandboxServer) -> None:
    import asyncio

    credentials = ProSonataCredentials(base_url=sandbox.base_url("prosonata"),
                                       api_key=SecretStr(SANDBOX_KEYS["prosonata_admin_key"]))

    @flow
    async def async_reads() -> int:
        lists = await asyncio.gather(*(task_for(r, "list", asynchronous=True)(credentials, limit=1) for r in RESOURCES))
        return sum(len(rows) for rows in lists)

    assert asyncio.run(async_reads()) == 14


def test_create_task_is_never_retried_after_an_unknown_outcome(prefect_harness: None, sandbox: SandboxServer) -> None:
    credentials = ProSonataCredentials(base_url=sandbox.base_url("prosonata"),
                                       api_key=SecretStr(SANDBOX_KEYS["prosonata_admin_key"]))
    with credentials.get_client() as client:
        ids = seeded_ids(client)
    sandbox.sandbox.faults.add("status_after", api="prosonata", method="POST", status=502)

    @flow
    def create_once() -> None:
        ps_tasks.create_project_time(credentials, create_payload("projecttimes", ids))

    with pytest.raises(OutcomeUnknownError):
        create_once()
    assert sandbox.sandbox.stats.get("prosonata.create.projecttimes") == 1
