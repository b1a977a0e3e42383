"""endpoint_tasks: one client call becomes a sync task and its awaited async twin."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from prefect_prosonata_exeoflow._core.tasks import TASK_RETRIES, endpoint_tasks
from prefect_prosonata_exeoflow.endocs import tasks as endocs_tasks
from prefect_prosonata_exeoflow.exeoflow import tasks as exeoflow_tasks
from prefect_prosonata_exeoflow.prosonata import tasks as prosonata_tasks


class FakeClient:
    def shout(self, word: str, times: int = 1) -> str:
        return word.upper() * times


class AsyncFakeClient:
    async def shout(self, word: str, times: int = 1) -> str:
        await asyncio.sleep(0)
        return word.upper() * times


class FakeCredentials:
    def __init__(self) -> None:
        self.opened: list[str] = []

    @contextmanager
    def get_client(self) -> Iterator[FakeClient]:
        self.opened.append("sync")
        yield FakeClient()

    @asynccontextmanager
    async def get_async_client(self) -> AsyncIterator[AsyncFakeClient]:
        self.opened.append("async")
        yield AsyncFakeClient()


def _shout(client: FakeClient, word: str, times: int = 1) -> str:
    """Say it louder."""
    return client.shout(word, times=times)


def test_one_call_makes_both_twins_with_the_callers_signature() -> None:
    shout, ashout = endpoint_tasks(FakeCredentials, "fake")(_shout)  # type: ignore[type-var]
    credentials = FakeCredentials()
    assert shout.fn(credentials, "hallo", times=2) == "HALLOHALLO"
    assert asyncio.run(ashout.fn(credentials, "moin")) == "MOIN"
    assert credentials.opened[-2:] == ["sync", "async"]
    assert inspect.iscoroutinefunction(ashout.fn) and not inspect.iscoroutinefunction(shout.fn)
    assert list(inspect.signature(shout.fn).parameters) == ["credentials", "word", "times"]
    assert (shout.name, ashout.name) == ("fake-shout", "fake-ashout")
    assert shout.fn.__doc__ == ashout.fn.__doc__ == "Say it louder."


def test_retries_follow_whether_a_repeat_is_safe() -> None:
    reads = endpoint_tasks(FakeCredentials, "fake")(_shout)  # type: ignore[type-var]
    creates = endpoint_tasks(FakeCredentials, "fake", safe_to_retry=False)(_shout)  # type: ignore[type-var]
    assert [t.retries for t in reads] == [TASK_RETRIES, TASK_RETRIES]
    assert [t.retries for t in creates] == [0, 0]


def test_every_create_and_start_task_of_the_package_is_never_retried() -> None:
    never_retried = [
        prosonata_tasks.create_project_time, prosonata_tasks.acreate_project_time,
        exeoflow_tasks.execute_workflow, exeoflow_tasks.aexecute_workflow_and_wait,
        exeoflow_tasks.invoke_webhook, endocs_tasks.upload_non_form_document,
    ]
    assert all(t.retries == 0 for t in never_retried)
    retried: list[Any] = [prosonata_tasks.list_project_times, exeoflow_tasks.aget_execution,
                          endocs_tasks.upsert_contract]
    assert all(t.retries == TASK_RETRIES for t in retried)
