"""What every task shares: the decorator (caching off, retries only where safe, one docstring and
its example), and the one body of a task, which opens the block's client around one call and
stops its waits when the flow stops using it.
"""

from __future__ import annotations

import inspect
import re
import threading
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from typing import Any, Protocol, TypeVar

from prefect import Task, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State, TaskRun
from prefect.context import FlowRunContext, TaskRunContext

from .clock import stop_waits_also_on
from .errors import APIConnectionError, OutcomeUnknownError, ServerError

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")
C = TypeVar("C", bound=AbstractContextManager[Any])
A = TypeVar("A", bound=AbstractAsyncContextManager[Any])
C_co = TypeVar("C_co", bound=AbstractContextManager[Any], covariant=True)
A_co = TypeVar("A_co", bound=AbstractAsyncContextManager[Any], covariant=True)

#: Prefect-level retries for reads and other idempotent calls, on top of the client's own.
#: The client already waits out 429s and backs off 5xx; these catch longer outages.
TASK_RETRIES = 2
TASK_RETRY_DELAYS = [10, 60]


def retry_transient_only(task: Task[..., Any], task_run: TaskRun, state: State[Any]) -> bool:
    """Retry outages (5xx, connection), never client errors and never an unknown outcome."""
    exc = state.data if isinstance(state.data, BaseException) else None
    if exc is None or isinstance(exc, OutcomeUnknownError):
        return False
    return isinstance(exc, (ServerError, APIConnectionError))


class Opens(Protocol[C_co, A_co]):
    """A credentials block: it opens the blocking client and the asyncio one."""

    def get_client(self) -> C_co: ...

    def get_async_client(self) -> A_co: ...


def task_runner_stop() -> threading.Event | None:
    """The event Prefect's thread pool sets for this task run when the flow stops using it (the
    flow ended, or it is shutting down: SIGTERM, a cancel); ``None`` outside a submitted task.

    Prefect only looks at it before a task starts, so a task already waiting (a 429's minutes, an
    execution's end) would keep the process alive until it is killed, leaving the execution running.
    Prefect 3.9 keeps these events in ``ThreadPoolTaskRunner._cancel_events`` by task run id; a test
    fails if that moves, and without them the waits simply run to their end, as before.
    """
    task_run, flow_run = TaskRunContext.get(), FlowRunContext.get()
    if task_run is None or flow_run is None:
        return None
    events = getattr(flow_run.task_runner, "_cancel_events", None)
    event = events.get(task_run.task_run.id) if isinstance(events, dict) else None
    return event if isinstance(event, threading.Event) else None


def with_client(credentials: Opens[C, Any], call: Callable[[C], T]) -> T:
    """The body of a sync task: ``call`` on the block's client, closed afterwards; its waits end
    (:class:`WaitStoppedError`, an execution cancelled) as soon as the flow stops using the task."""
    with credentials.get_client() as client, stop_waits_also_on(task_runner_stop()):
        return call(client)


async def with_async_client(credentials: Opens[Any, A], call: Callable[[A], Awaitable[T]]) -> T:
    """The body of an async task: ``call`` awaited on the block's asyncio client, closed afterwards
    (its waits end like the sync task's)."""
    async with credentials.get_async_client() as client:
        with stop_waits_also_on(task_runner_stop()):
            return await call(client)


def api_task(name: str, *, safe_to_retry: bool = True, twin_of: Any = None, example: str | None = None,
             **options: Any) -> Callable[[F], F]:
    """Decorate one endpoint's task function.

    Results are never cached: a poll or a list must read the server's current state, and
    blocks that differ only in a secret hash alike (so cache keys would collide across keys).
    Creates (``safe_to_retry=False``) get no Prefect retries at all: nothing is sent twice.
    ``example`` (the arguments after the block, e.g. ``'"wf_100001"'``) appends the docstring's
    Example: a flow that loads the block and calls the task (:func:`example_doc`).
    An async twin (``twin_of`` its sync task) takes the sync task's docstring, its example awaited.
    """
    defaults: dict[str, Any] = {
        "name": name,
        "cache_policy": NO_CACHE,
        "retries": TASK_RETRIES if safe_to_retry else 0,
        "retry_delay_seconds": TASK_RETRY_DELAYS,
        "retry_jitter_factor": 0.2,
        "retry_condition_fn": retry_transient_only,
        "persist_result": False,
    }
    defaults.update(options)
    decorator: Callable[[F], F] = task(**defaults)  # type: ignore[assignment]  # a Task keeps F's call signature
    if twin_of is None and example is None:
        return decorator
    if twin_of is None:
        def document(fn: F) -> F:
            fn.__doc__ = example_doc(fn, example or "")
            return decorator(fn)

        return document

    def decorate(fn: F) -> F:
        sync = getattr(twin_of, "fn", twin_of)  # the sync Task (typed as its function by this decorator)
        fn.__doc__ = fn.__doc__ or twin_doc(sync.__doc__ or "", sync.__name__)
        return decorator(fn)

    return decorate


def twin_doc(doc: str, sync_name: str) -> str:
    """The sync task's docstring for its async twin: the example defines an async flow and awaits."""
    head, marker, example = doc.partition("Example:")
    example = re.sub(r"\bdef (\w+)\(\):", r"async def \1():", example)
    example = re.sub(rf"\b{sync_name}\(", f"await a{sync_name}(", example)
    example = re.sub(rf"import (.*)\b{sync_name}\b", rf"import \1a{sync_name}", example)
    return head + marker + example


def example_doc(fn: Callable[..., Any], arguments: str) -> str:
    """``fn``'s docstring with an Example: a flow that loads the API's block and calls ``fn``.

    The block class is the ``credentials`` annotation, its saved name the API's subpackage
    (``prosonata``), as the README saves them; ``arguments`` follow the block in the call.
    """
    package = fn.__module__.rpartition(".")[0]
    api = package.rpartition(".")[2]
    block = fn.__annotations__["credentials"]
    block = block if isinstance(block, str) else block.__name__
    call = f"{fn.__name__}(credentials{', ' + arguments if arguments else ''})"
    example = ["Example:", "    ```python", "    from prefect import flow", f"    from {package} import {block}, "
               f"{fn.__name__}", "", "    @flow", "    def example():", f'        credentials = {block}.load("{api}")',
               f"        return {call}", "    ```"]
    return inspect.cleandoc(fn.__doc__ or "") + "\n\n" + "\n".join(example) + "\n"
