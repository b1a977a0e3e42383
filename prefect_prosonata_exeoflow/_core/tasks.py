"""How every endpoint becomes a Prefect task: caching off, retries only where they are safe."""

from __future__ import annotations

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


def api_task(name: str, *, safe_to_retry: bool = True, **options: Any) -> Callable[[F], F]:
    """Decorate one endpoint's task function.

    Results are never cached: a poll or a list must read the server's current state, and
    blocks that differ only in a secret hash alike (so cache keys would collide across keys).
    Creates (``safe_to_retry=False``) get no Prefect retries at all: nothing is sent twice.
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
    return decorator
