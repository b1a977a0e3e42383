"""How every endpoint becomes a Prefect task (and its async twin): caching off, retries only where safe."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeAlias, TypeVar, cast

from prefect import Task, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State, TaskRun

from .errors import APIConnectionError, OutcomeUnknownError, ServerError

if TYPE_CHECKING:
    from .credentials import ServiceCredentials

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


C = TypeVar("C", bound="ServiceCredentials")
P = ParamSpec("P")
R = TypeVar("R")
TaskPair: TypeAlias = "tuple[Task[Concatenate[C, P], R], Task[Concatenate[C, P], Coroutine[Any, Any, R]]]"


def endpoint_tasks(
    credentials_type: type[C], api: str, *, safe_to_retry: bool = True
) -> Callable[[Callable[Concatenate[Any, P], R]], TaskPair[C, P, R]]:
    """Make one endpoint's sync task and its async twin (``a`` prefix) from one client call.

    ``use(client, ...)`` is written once, as ``return client.method(...)``. With the blocking
    client it returns the result; with the async client, whose methods are coroutines, the very
    same expression returns an awaitable, which the twin awaits. Both tasks take the credentials
    block in place of the client, keep ``use``'s other parameters, name and docstring, and are
    named ``<api>-<name>`` / ``<api>-a<name>`` in the Prefect UI.
    """

    def make(use: Callable[Concatenate[Any, P], R]) -> TaskPair[C, P, R]:
        name = use.__name__.lstrip("_")
        signature = inspect.signature(use)
        first = inspect.Parameter("credentials", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=credentials_type)
        signature = signature.replace(parameters=[first, *list(signature.parameters.values())[1:]])

        def run(credentials: C, *args: P.args, **kwargs: P.kwargs) -> R:
            with credentials.get_client() as client:
                return use(client, *args, **kwargs)

        async def arun(credentials: C, *args: P.args, **kwargs: P.kwargs) -> R:
            async with credentials.get_async_client() as client:
                return await cast("Awaitable[R]", use(client, *args, **kwargs))

        for function, prefix in ((run, ""), (arun, "a")):
            function.__name__ = function.__qualname__ = prefix + name
            function.__doc__, function.__module__ = use.__doc__, use.__module__
            function.__signature__ = signature  # type: ignore[union-attr]  # what Prefect binds parameters by
        sync_task = api_task(f"{api}-{name}", safe_to_retry=safe_to_retry)(run)
        async_task = api_task(f"{api}-a{name}", safe_to_retry=safe_to_retry)(arun)
        return sync_task, async_task  # type: ignore[return-value]  # api_task returns Tasks

    return make
