"""Exeoflow clients: one method per endpoint, each a one-liner over :class:`.calls.Calls`.

>>> with credentials.get_client() as client:
...     run = client.execute_and_wait("wf_123456", {"user_id": "12345"}, timeout=300)
...     print(run.status, run.output)
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from typing import Any

from pydantic import SecretStr

from .._core.http import AsyncClient, SyncClient
from .._core.pagination import Page, aiterate_pages, iterate_pages
from .dialect import API_NAME
from .calls import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Calls, DateLike
from .models import DeletedWorkflow, Execution, ExecutionStarted, ListPage, Node, Webhook, Workflow
from .once import KeyMemo, OnceResult, once_plan
from .waiting import PollPolicy, Watch, arun_plan, execute_plan, run_plan, wait_plan


def _as_page(page: ListPage[Any]) -> Page[Any]:
    return Page(page.items, page.has_more, page.pagination.total if page.pagination else None)


def _guards(client: SyncClient | AsyncClient, what: str) -> dict[str, Any]:
    """The walk's guards (page cap, repeats, duplicates dropped: pages shift when runs start meanwhile)."""
    return {"max_pages": client.settings.max_pages, "key": lambda item: item.id, "what": what, "api": API_NAME}


def _policy(timeout: float, poll_interval: float, max_poll_interval: float) -> PollPolicy:
    return PollPolicy(timeout=timeout, interval=poll_interval, max_interval=max_poll_interval)


class ExeoflowClient(SyncClient):
    """Blocking Exeoflow client (use it in a ``with`` block)."""

    # -- workflows -----------------------------------------------------------------------
    def list_workflows_page(self, page: int = 1, limit: int = DEFAULT_PAGE_SIZE,
                            status: str | None = None) -> ListPage[Workflow]:
        """One page, with ``pagination`` (``total``, ``pages``)."""
        return self.call(Calls.list_workflows(page, limit, status))

    def iter_workflows(self, status: str | None = None, *, limit: int | None = None) -> Iterator[Workflow]:
        """Every workflow (or the first ``limit``), fetched 100 per page."""
        Calls.list_workflows(1, MAX_PAGE_SIZE, status)  # validate before the first page is due
        return iterate_pages(lambda page, size: _as_page(self.list_workflows_page(page, size, status)),
                             max_page_size=MAX_PAGE_SIZE, limit=limit, **_guards(self, "workflow listing"))

    def list_workflows(self, status: str | None = None, *, limit: int | None = None) -> list[Workflow]:
        return list(self.iter_workflows(status, limit=limit))

    def get_workflow(self, workflow_id: str) -> Workflow:
        return self.call(Calls.get_workflow(workflow_id))

    def create_workflow(self, name: str, description: str | None = None,
                        nodes: Sequence[Mapping[str, Any] | Node] | None = None,
                        connections: Sequence[Mapping[str, Any]] | None = None) -> Workflow:
        """Create an (inactive) workflow; sent once, never repeated."""
        return self.call(Calls.create_workflow(name, description, nodes, connections))

    def update_workflow(self, workflow_id: str, *, name: str | None = None, description: str | None = None,
                        nodes: Sequence[Mapping[str, Any] | Node] | None = None,
                        connections: Sequence[Mapping[str, Any]] | None = None) -> Workflow:
        """Change only the fields given."""
        return self.call(Calls.update_workflow(workflow_id, name, description, nodes, connections))

    def delete_workflow(self, workflow_id: str) -> DeletedWorkflow:
        return self.call(Calls.delete_workflow(workflow_id))

    def set_workflow_status(self, workflow_id: str, status: str) -> Workflow:
        """``"active"`` or ``"inactive"``."""
        return self.call(Calls.set_workflow_status(workflow_id, status))

    def execute_workflow(self, workflow_id: str, input: Mapping[str, Any] | None = None) -> ExecutionStarted:
        """Start a run and return at once; sent once (an unknown outcome raises OutcomeUnknownError)."""
        return self.call(Calls.execute_workflow(workflow_id, input))

    # -- executions ----------------------------------------------------------------------
    def list_executions_page(self, page: int = 1, limit: int = DEFAULT_PAGE_SIZE, *,
                             workflow_id: str | None = None, status: str | None = None,
                             date_from: DateLike | None = None, date_to: DateLike | None = None,
                             ) -> ListPage[Execution]:
        return self.call(Calls.list_executions(page, limit, workflow_id, status, date_from, date_to))

    def iter_executions(self, *, workflow_id: str | None = None, status: str | None = None,
                        date_from: DateLike | None = None, date_to: DateLike | None = None,
                        limit: int | None = None) -> Iterator[Execution]:
        """Every matching execution, newest first, each once even if pages shift meanwhile."""
        Calls.list_executions(1, MAX_PAGE_SIZE, workflow_id, status, date_from, date_to)
        return iterate_pages(
            lambda page, size: _as_page(self.list_executions_page(
                page, size, workflow_id=workflow_id, status=status, date_from=date_from, date_to=date_to)),
            max_page_size=MAX_PAGE_SIZE, limit=limit, **_guards(self, "execution listing"))

    def list_executions(self, *, workflow_id: str | None = None, status: str | None = None,
                        date_from: DateLike | None = None, date_to: DateLike | None = None,
                        limit: int | None = None) -> list[Execution]:
        return list(self.iter_executions(workflow_id=workflow_id, status=status, date_from=date_from,
                                         date_to=date_to, limit=limit))

    def get_execution(self, execution_id: str) -> Execution:
        """The execution with ``input``, ``output`` and ``steps``."""
        return self.call(Calls.get_execution(execution_id))

    def cancel_execution(self, execution_id: str) -> Execution:
        return self.call(Calls.cancel_execution(execution_id))

    def wait_for_execution(self, execution_id: str, *, timeout: float = 600.0, poll_interval: float = 0.5,
                           max_poll_interval: float = 10.0, raise_on_failure: bool = True) -> Execution:
        """Poll until the execution ends; see :mod:`.waiting` for timeouts and cancellation."""
        watch = Watch()
        plan = wait_plan(watch, execution_id,
                         _policy(timeout, poll_interval, max_poll_interval), self.settings.clock, raise_on_failure)
        return run_plan(self, plan, watch)

    def execute_and_wait(self, workflow_id: str, input: Mapping[str, Any] | None = None, *,
                         timeout: float = 600.0, poll_interval: float = 0.5, max_poll_interval: float = 10.0,
                         raise_on_failure: bool = True) -> Execution:
        """Start the workflow once and return its final execution (raises if it failed)."""
        watch = Watch()
        plan = execute_plan(watch, workflow_id, input, _policy(timeout, poll_interval, max_poll_interval),
                            self.settings.clock, raise_on_failure)
        return run_plan(self, plan, watch)

    def execute_once(self, workflow_id: str, input: Mapping[str, Any] | None, key: str, *,
                     since: DateLike | None = None, lock: Any = None, timeout: float = 600.0,
                     poll_interval: float = 0.5, max_poll_interval: float = 10.0, raise_on_failure: bool = True,
                     stop: threading.Event | None = None) -> OnceResult:
        """Run the workflow for ``key`` at most once (adopting or skipping what exists); see :mod:`.once`.

        ``since`` bounds the lookup (executions started earlier are not searched); ``lock`` is a
        cross-process mutex (e.g. ``PrefectMutex``) held only between the second lookup and the
        start answer; ``stop`` is an event that ends the wait early, cancelling the execution.
        """
        watch = Watch()
        plan = once_plan(watch, workflow_id, input, key, since, KeyMemo.for_url(self.settings.base_url),
                         _policy(timeout, poll_interval, max_poll_interval), self.settings.clock, raise_on_failure)
        return run_plan(self, plan, watch, lock=lock, stop=stop)

    # -- webhooks ------------------------------------------------------------------------
    def create_webhook(self, workflow_id: str, name: str, *, method: str = "POST",
                       authentication: bool = True) -> Webhook:
        """Create a webhook trigger; the answer holds its ``url`` and secret ``token``."""
        return self.call(Calls.create_webhook(workflow_id, name, method, authentication))

    def list_webhooks(self, workflow_id: str | None = None) -> list[Webhook]:
        return self.call(Calls.list_webhooks(workflow_id))

    def invoke_webhook(self, webhook: Webhook | str, payload: Mapping[str, Any] | None = None, *,
                       token: str | SecretStr | None = None, method: str | None = None) -> ExecutionStarted:
        """Trigger a webhook at its returned URL with its own token (never the API key); sent once."""
        return self.call(Calls.invoke_webhook(webhook, payload, token=token, method=method))


class AsyncExeoflowClient(AsyncClient):
    """Asyncio Exeoflow client (use it in an ``async with`` block); same methods as the sync one."""

    async def list_workflows_page(self, page: int = 1, limit: int = DEFAULT_PAGE_SIZE,
                                  status: str | None = None) -> ListPage[Workflow]:
        return await self.call(Calls.list_workflows(page, limit, status))

    def iter_workflows(self, status: str | None = None, *, limit: int | None = None) -> AsyncIterator[Workflow]:
        Calls.list_workflows(1, MAX_PAGE_SIZE, status)

        async def fetch(page: int, size: int) -> Page[Any]:
            return _as_page(await self.list_workflows_page(page, size, status))

        return aiterate_pages(fetch, max_page_size=MAX_PAGE_SIZE, limit=limit, **_guards(self, "workflow listing"))

    async def list_workflows(self, status: str | None = None, *, limit: int | None = None) -> list[Workflow]:
        return [item async for item in self.iter_workflows(status, limit=limit)]

    async def get_workflow(self, workflow_id: str) -> Workflow:
        return await self.call(Calls.get_workflow(workflow_id))

    async def create_workflow(self, name: str, description: str | None = None,
                              nodes: Sequence[Mapping[str, Any] | Node] | None = None,
                              connections: Sequence[Mapping[str, Any]] | None = None) -> Workflow:
        return await self.call(Calls.create_workflow(name, description, nodes, connections))

    async def update_workflow(self, workflow_id: str, *, name: str | None = None, description: str | None = None,
                              nodes: Sequence[Mapping[str, Any] | Node] | None = None,
                              connections: Sequence[Mapping[str, Any]] | None = None) -> Workflow:
        return await self.call(Calls.update_workflow(workflow_id, name, description, nodes, connections))

    async def delete_workflow(self, workflow_id: str) -> DeletedWorkflow:
        return await self.call(Calls.delete_workflow(workflow_id))

    async def set_workflow_status(self, workflow_id: str, status: str) -> Workflow:
        return await self.call(Calls.set_workflow_status(workflow_id, status))

    async def execute_workflow(self, workflow_id: str, input: Mapping[str, Any] | None = None) -> ExecutionStarted:
        return await self.call(Calls.execute_workflow(workflow_id, input))

    async def list_executions_page(self, page: int = 1, limit: int = DEFAULT_PAGE_SIZE, *,
                                   workflow_id: str | None = None, status: str | None = None,
                                   date_from: DateLike | None = None, date_to: DateLike | None = None,
                                   ) -> ListPage[Execution]:
        return await self.call(Calls.list_executions(page, limit, workflow_id, status, date_from, date_to))

    def iter_executions(self, *, workflow_id: str | None = None, status: str | None = None,
                        date_from: DateLike | None = None, date_to: DateLike | None = None,
                        limit: int | None = None) -> AsyncIterator[Execution]:
        Calls.list_executions(1, MAX_PAGE_SIZE, workflow_id, status, date_from, date_to)

        async def fetch(page: int, size: int) -> Page[Any]:
            return _as_page(await self.list_executions_page(
                page, size, workflow_id=workflow_id, status=status, date_from=date_from, date_to=date_to))

        return aiterate_pages(fetch, max_page_size=MAX_PAGE_SIZE, limit=limit, **_guards(self, "execution listing"))

    async def list_executions(self, *, workflow_id: str | None = None, status: str | None = None,
                              date_from: DateLike | None = None, date_to: DateLike | None = None,
                              limit: int | None = None) -> list[Execution]:
        return [item async for item in self.iter_executions(
            workflow_id=workflow_id, status=status, date_from=date_from, date_to=date_to, limit=limit)]

    async def get_execution(self, execution_id: str) -> Execution:
        return await self.call(Calls.get_execution(execution_id))

    async def cancel_execution(self, execution_id: str) -> Execution:
        return await self.call(Calls.cancel_execution(execution_id))

    async def wait_for_execution(self, execution_id: str, *, timeout: float = 600.0, poll_interval: float = 0.5,
                                 max_poll_interval: float = 10.0, raise_on_failure: bool = True) -> Execution:
        watch = Watch()
        plan = wait_plan(watch, execution_id,
                         _policy(timeout, poll_interval, max_poll_interval), self.settings.clock, raise_on_failure)
        return await arun_plan(self, plan, watch)

    async def execute_and_wait(self, workflow_id: str, input: Mapping[str, Any] | None = None, *,
                               timeout: float = 600.0, poll_interval: float = 0.5, max_poll_interval: float = 10.0,
                               raise_on_failure: bool = True) -> Execution:
        watch = Watch()
        plan = execute_plan(watch, workflow_id, input, _policy(timeout, poll_interval, max_poll_interval),
                            self.settings.clock, raise_on_failure)
        return await arun_plan(self, plan, watch)

    async def execute_once(self, workflow_id: str, input: Mapping[str, Any] | None, key: str, *,
                           since: DateLike | None = None, lock: Any = None, timeout: float = 600.0,
                           poll_interval: float = 0.5, max_poll_interval: float = 10.0,
                           raise_on_failure: bool = True, stop: threading.Event | None = None) -> OnceResult:
        watch = Watch()
        plan = once_plan(watch, workflow_id, input, key, since, KeyMemo.for_url(self.settings.base_url),
                         _policy(timeout, poll_interval, max_poll_interval), self.settings.clock, raise_on_failure)
        return await arun_plan(self, plan, watch, lock=lock, stop=stop)

    async def create_webhook(self, workflow_id: str, name: str, *, method: str = "POST",
                             authentication: bool = True) -> Webhook:
        return await self.call(Calls.create_webhook(workflow_id, name, method, authentication))

    async def list_webhooks(self, workflow_id: str | None = None) -> list[Webhook]:
        return await self.call(Calls.list_webhooks(workflow_id))

    async def invoke_webhook(self, webhook: Webhook | str, payload: Mapping[str, Any] | None = None, *,
                             token: str | SecretStr | None = None, method: str | None = None) -> ExecutionStarted:
        return await self.call(Calls.invoke_webhook(webhook, payload, token=token, method=method))
