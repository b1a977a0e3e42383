"""api_task: retries only where a repeat is safe; an async twin carries its sync task's docstring, awaited."""

from __future__ import annotations

from typing import Any

from prefect_prosonata_exeoflow._core.tasks import (
    TASK_RETRIES,
    api_task,
    example_doc,
    twin_doc,
    with_async_client,
    with_client,
)
from prefect_prosonata_exeoflow.endocs import tasks as endocs_tasks
from prefect_prosonata_exeoflow.exeoflow import tasks as exeoflow_tasks
from prefect_prosonata_exeoflow.prosonata import tasks as prosonata_tasks

DOC = '''Shout a word.

Args:
    word: What to shout.

Returns:
    str: the word, upper case.

Example:
    ```python
    from fake import FakeCredentials, shout

    @flow
    def example():
        return shout(FakeCredentials(), "hi")
    ```
'''


def test_the_twin_docstring_awaits_the_twin_in_an_async_flow() -> None:
    doc = twin_doc(DOC, "shout")
    assert doc.split("Example:")[0] == DOC.split("Example:")[0]  # Args and Returns unchanged
    assert "from fake import FakeCredentials, ashout" in doc
    assert "async def example():" in doc
    assert 'return await ashout(FakeCredentials(), "hi")' in doc


def test_retries_follow_whether_a_repeat_is_safe() -> None:
    def shout(word: str) -> str:
        """Shout."""
        return word.upper()

    async def ashout(word: str) -> str:
        return word.upper()

    reads = api_task("fake-shout")(shout)
    creates = api_task("fake-ashout", safe_to_retry=False, twin_of=reads)(ashout)
    assert reads.retries == TASK_RETRIES and creates.retries == 0
    assert creates.fn.__doc__ == "Shout."


def test_every_create_and_start_task_of_the_package_is_never_retried() -> None:
    never_retried = [
        prosonata_tasks.create_project_time, prosonata_tasks.acreate_project_time,
        exeoflow_tasks.execute_workflow, exeoflow_tasks.aexecute_workflow_and_wait,
        exeoflow_tasks.invoke_webhook, exeoflow_tasks.execute_workflow_once, endocs_tasks.upload_non_form_document,
    ]
    assert all(t.retries == 0 for t in never_retried)
    retried: list[Any] = [prosonata_tasks.list_project_times, exeoflow_tasks.aget_execution,
                          endocs_tasks.upsert_contract, prosonata_tasks.adelete_project_time]
    assert all(t.retries == TASK_RETRIES for t in retried)


class _Opened:
    """A client that records whether it was closed (the tasks' one body must close it)."""

    def __init__(self) -> None:
        self.closed = False

    def shout(self, word: str) -> str:
        return word.upper()

    async def ashout(self, word: str) -> str:
        return word.upper()

    def __enter__(self) -> _Opened:
        return self

    def __exit__(self, *exc: object) -> None:
        self.closed = True

    async def __aenter__(self) -> _Opened:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.closed = True


class FakeCredentials:
    def __init__(self) -> None:
        self.opened: list[_Opened] = []

    def get_client(self) -> _Opened:
        self.opened.append(_Opened())
        return self.opened[-1]

    def get_async_client(self) -> _Opened:
        return self.get_client()


async def test_a_task_body_opens_the_client_around_one_call_and_closes_it() -> None:
    credentials = FakeCredentials()
    assert with_client(credentials, lambda client: client.shout("hi")) == "HI"
    assert await with_async_client(credentials, lambda client: client.ashout("ho")) == "HO"
    assert [client.closed for client in credentials.opened] == [True, True]


def test_the_example_is_written_from_the_declared_arguments() -> None:
    def list_things(credentials: FakeCredentials, limit: int | None = None) -> list[str]:
        """Every thing.

        Args:
            credentials: The block.
            limit: At most this many.

        Returns:
            list[str]: the things.
        """
        return []

    list_things.__module__ = "prefect_prosonata_exeoflow.fakeapi.tasks"
    doc = example_doc(list_things, "limit=10")
    assert doc.startswith("Every thing.\n\nArgs:\n    credentials: The block.")
    example = doc.split("Example:")[1]
    assert "from prefect_prosonata_exeoflow.fakeapi import FakeCredentials, list_things" in example
    assert 'credentials = FakeCredentials.load("fakeapi")' in example
    assert "return list_things(credentials, limit=10)" in example
    bare = example_doc(list_things, "").split("Example:")[1]
    assert "return list_things(credentials)\n" in bare
    reads = api_task("fakeapi-list_things", example="limit=10")(list_things)
    assert reads.fn.__doc__ == doc
    twin = twin_doc(doc, "list_things")
    assert "return await alist_things(credentials, limit=10)" in twin and "async def example():" in twin
