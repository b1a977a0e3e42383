"""Exeoflow clients: the declared endpoints (:class:`.calls.Endpoints`) plus execute-and-wait.

Every endpoint method comes from its declaration; the three waiting operations below are
written once too: they build a plan (:mod:`.waiting`) and hand it to ``run_plan``, which the
blocking client runs to the end and the async client returns as an awaitable.

>>> with credentials.get_client() as client:
...     run = client.execute_and_wait("wf_123456", {"user_id": "12345"}, timeout=300)
...     print(run.status, run.output)
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Mapping
from typing import Any, TypeVar

from .._core.endpoints import operation
from .._core.http import AsyncClient, SyncClient
from .calls import DateLike, Endpoints
from .once import KeyMemo, once_plan
from .waiting import Plan, PollPolicy, Watch, arun_plan, execute_plan, run_plan, wait_plan

T = TypeVar("T")


def _policy(timeout: float, poll_interval: float, max_poll_interval: float) -> PollPolicy:
    return PollPolicy(timeout=timeout, interval=poll_interval, max_interval=max_poll_interval)


class _Operations(Endpoints):
    """What both clients share: the endpoints, and the waits built on them.

    A wait returns what its ``@operation`` says (an Execution, a OnceResult) on the blocking
    client and an awaitable of it on the async one, hence ``Any`` in the signatures.
    """

    settings: Any

    def run_plan(self, plan: Plan[T], watch: Watch, *, lock: Any = None,
                 stop: threading.Event | None = None) -> Any:
        raise NotImplementedError

    @operation("wait_for_execution", sends=("get_execution", "cancel_execution"), returns="Execution",
               example='"exec_100001"')
    def wait_for_execution(self, execution_id: str, *, timeout: float = 600.0, poll_interval: float = 0.5,
                           max_poll_interval: float = 10.0, raise_on_failure: bool = True) -> Any:
        """Wait for a started execution to end (as execute_workflow_and_wait does after starting it).

        Polls back off from ``poll_interval`` to ``max_poll_interval``; at ``timeout`` the execution
        is cancelled and ExecutionTimeoutError raised. If the wait is abandoned (the run is
        cancelled), the execution is cancelled too.

        Args:
            execution_id: The execution's id (``exec_…``).
            timeout: Seconds to wait for the end before cancelling the execution.
            poll_interval: Seconds before the first poll; each next wait doubles.
            max_poll_interval: The longest wait between two polls, in seconds.
            raise_on_failure: Raise ExecutionFailedError (or ExecutionCancelledError) when it did not succeed.
        """
        watch = Watch()
        plan = wait_plan(watch, execution_id,
                         _policy(timeout, poll_interval, max_poll_interval), self.settings.clock, raise_on_failure)
        return self.run_plan(plan, watch)

    @operation("execute_workflow_and_wait",
               sends=("execute_workflow", "get_execution", "list_executions_page", "cancel_execution"),
               returns="Execution", example='"wf_100001", {"day": "2026-11-22"}, timeout=300')
    def execute_and_wait(self, workflow_id: str, input: Mapping[str, Any] | None = None, *,
                         timeout: float = 600.0, poll_interval: float = 0.5, max_poll_interval: float = 10.0,
                         raise_on_failure: bool = True) -> Any:
        """Run a workflow to its end and return the final execution (output and steps).

        Execute is sent once; if its answer is lost, the execution it started is adopted. Fails
        with ExecutionFailedError (the server's error code and message) when the run fails, and
        with ExecutionTimeoutError after ``timeout`` seconds, having cancelled the run. If the
        Prefect run is cancelled meanwhile, the Exeoflow execution is cancelled too.

        Args:
            workflow_id: The workflow's id (``wf_…``).
            input: The run's input, a JSON object.
            timeout: Seconds to wait for the end before cancelling the execution.
            poll_interval: Seconds before the first poll; each next wait doubles.
            max_poll_interval: The longest wait between two polls, in seconds.
            raise_on_failure: Raise ExecutionFailedError (or ExecutionCancelledError) when it did not succeed.
        """
        watch = Watch()
        plan = execute_plan(watch, workflow_id, input, _policy(timeout, poll_interval, max_poll_interval),
                            self.settings.clock, raise_on_failure)
        return self.run_plan(plan, watch)

    @operation("execute_workflow_once",
               sends=("list_executions_page", "get_execution", "execute_workflow", "cancel_execution"),
               returns="OnceResult", written_in="once_tasks")
    def execute_once(self, workflow_id: str, input: Mapping[str, Any] | None, key: str, *,
                     since: DateLike | None = None, lock: Any = None, timeout: float = 600.0,
                     poll_interval: float = 0.5, max_poll_interval: float = 10.0, raise_on_failure: bool = True,
                     stop: threading.Event | None = None) -> Any:
        """Run the workflow for ``key`` at most once (adopting or skipping what exists); see :mod:`.once`.

        ``since`` bounds the lookup (executions started earlier are not searched); ``lock`` is a
        cross-process mutex (e.g. ``PrefectMutex``) held only between the second lookup and the
        start answer; ``stop`` is an event that ends the wait at once (a rate-limit wait of a call
        too), cancelling the execution.
        """
        watch = Watch()
        plan = once_plan(watch, workflow_id, input, key, since, KeyMemo.for_url(self.settings.base_url),
                         _policy(timeout, poll_interval, max_poll_interval), self.settings.clock, raise_on_failure,
                         self.settings.policy.max_rate_limit_wait)
        return self.run_plan(plan, watch, lock=lock, stop=stop)


class ExeoflowClient(_Operations, SyncClient):
    """Blocking Exeoflow client (use it in a ``with`` block)."""

    def run_plan(self, plan: Plan[T], watch: Watch, *, lock: Any = None,
                 stop: threading.Event | None = None) -> T:
        """Drive a plan to its end (see :func:`.waiting.run_plan`)."""
        return run_plan(self, plan, watch, lock=lock, stop=stop)


class AsyncExeoflowClient(_Operations, AsyncClient):
    """Asyncio Exeoflow client (use it in an ``async with`` block); same methods as the sync one."""

    def run_plan(self, plan: Plan[T], watch: Watch, *, lock: Any = None,
                 stop: threading.Event | None = None) -> Awaitable[T]:
        """The awaitable that drives a plan to its end (see :func:`.waiting.arun_plan`)."""
        return arun_plan(self, plan, watch, lock=lock, stop=stop)
