"""The decorator of every task (and its async twin): caching off, retries only where safe, one docstring."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from prefect import Task, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State, TaskRun

from .errors import APIConnectionError, OutcomeUnknownError, ServerError

F = TypeVar("F", bound=Callable[..., Any])

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


def api_task(name: str, *, safe_to_retry: bool = True, twin_of: Any = None,
             **options: Any) -> Callable[[F], F]:
    """Decorate one endpoint's task function.

    Results are never cached: a poll or a list must read the server's current state, and
    blocks that differ only in a secret hash alike (so cache keys would collide across keys).
    Creates (``safe_to_retry=False``) get no Prefect retries at all: nothing is sent twice.
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
    if twin_of is None:
        return decorator

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
