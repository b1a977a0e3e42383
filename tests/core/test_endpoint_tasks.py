"""api_task: retries only where a repeat is safe; an async twin carries its sync task's docstring, awaited."""

from __future__ import annotations

from typing import Any

from prefect_prosonata_exeoflow._core.tasks import TASK_RETRIES, api_task, twin_doc
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
