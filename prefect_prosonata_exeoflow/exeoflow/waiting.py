"""Execute a workflow and wait for its end: the polling loop written once for sync and async.

The loop is a *plan* (:mod:`.._core.plans`): a generator that yields :class:`~._core.http.Call`
objects (send this), :class:`~._core.plans.Sleep` (wait this long) and
:class:`~._core.plans.Hold` (take the lock) and receives the answers; :func:`run_plan` and
:func:`arun_plan` perform those actions through the core's one driver loop and add what only
a wait needs: the execution is cancelled if the wait is abandoned.

Guarantees:

* Polls back off (``interval`` doubling up to ``max_interval``) until ``timeout``; then the
  remote execution is cancelled and :class:`ExecutionTimeoutError` is raised.
* However else the wait ends before the execution does (the Prefect run is cancelled, which
  arrives as ``TerminationSignal`` or ``asyncio.CancelledError``; Ctrl-C; a poll that keeps
  failing), the execution is cancelled on the way out, so no run is left behind unwatched.
* A ``stop`` event (set when the process is told to shut down; in a task submitted to Prefect's
  thread pool, the one Prefect sets for it) ends the wait at once, inside a call's rate-limit
  wait too, with the same cancel on the way out (:class:`WaitStoppedError`). No lock is taken
  after it, and a call under the lock waits no longer than ``LOCKED_MAX_WAIT``.
* Execute is sent once. If its outcome is unknown (connection dropped, 5xx after the server
  received it, a cut answer), the plan looks for the execution that call may have started:
  the executions of that workflow started since just before the call whose ``input`` equals
  ours. Exactly one match is adopted; otherwise the original error is raised.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Generator, Mapping
from contextlib import AbstractContextManager, AsyncExitStack, ExitStack, nullcontext
from dataclasses import dataclass
from typing import Any, TypeVar

from .._core.clock import Clock, apause, check_stop, pause, stop_waits_also_on, stop_waits_on
from .._core.errors import (  # the execution errors live with all others; re-exported here
    APIError,
    BadRequestError,
    ExecutionCancelledError,
    ExecutionFailedError,
    ExecutionTimeoutError,
    InvalidRequestError,
    MalformedResponseError,
    OutcomeUnknownError,
    WaitStoppedError,  # noqa: F401 - still importable from here, like the execution errors
)
from .._core.checks import positive_seconds
from .._core.http import AsyncClient, Call, SyncClient
from .._core.mutex import LOCKED_MAX_WAIT
from .._core.plans import Hold, Sleep, adrive, drive
from .._core.policy import capped_growth, waits_at_most
from .._core import events
from .._core.logs import current_logger
from .calls import MAX_PAGE_SIZE, Calls, epoch_timestamp
from .dialect import ADOPT_CLOCK_SKEW_SECONDS, ADOPT_MAX_CANDIDATES, API_NAME
from .models import CANCELLED, SUCCESS, Execution

T = TypeVar("T")

#: Lookups for the execution of an execute call left unanswered by an abandoned wait: the server
#: may still be creating it, so an empty answer is asked again after a pause (~1.5 s at most).
ORPHAN_LOOKUPS = 4
ORPHAN_LOOKUP_PAUSE = 0.5

@dataclass(frozen=True)
class PollPolicy:
    """How to wait: overall ``timeout``, first poll ``interval`` growing by ``backoff`` to ``max_interval``."""

    timeout: float = 600.0
    interval: float = 0.5
    backoff: float = 2.0
    max_interval: float = 10.0
    cancel_on_timeout: bool = True

    def __post_init__(self) -> None:
        for name in ("timeout", "interval", "max_interval"):
            value = getattr(self, name)
            positive_seconds(value, name)  # inf would mean "wait for ever": refused like 0
        if isinstance(self.backoff, bool) or not isinstance(self.backoff, (int, float)) or self.backoff < 1:
            raise InvalidRequestError(f"backoff must be a number >= 1, got {self.backoff!r}")

    def delay(self, polls_done: int) -> float:
        return capped_growth(self.interval, self.backoff, polls_done, self.max_interval)


@dataclass
class Watch:
    """What a plan knows: the execution to cancel if the wait is abandoned, and whether it is settled."""

    execution_id: str | None = None
    settled: bool = False
    base_url: str | None = None  # the API's, for the events (set by the drivers)
    #: While an execute call is unanswered: its workflow, its input as stored and when it was sent,
    #: so a wait abandoned right then can still find (and cancel) the execution it started.
    starting: tuple[str, dict[str, Any], float] | None = None


Action = Call[Any] | Sleep | Hold
Plan = Generator[Action, Any, T]


# -- plans (no I/O) ------------------------------------------------------------------------
def _outcome(execution: Execution, raise_on_failure: bool) -> Execution:
    if execution.status == SUCCESS or not raise_on_failure:
        return execution
    error = execution.error
    reason = (error.message or error.code) if error is not None else None
    message = f"execution {execution.id} of workflow {execution.workflow_id} ended {execution.status}"
    if reason:
        message += f": {reason}"
    kind = ExecutionCancelledError if execution.status == CANCELLED else ExecutionFailedError
    raise kind(message, execution=execution, code=error.code if error else None, api=API_NAME)


def cancel_plan(execution_id: str) -> Plan[Execution]:
    """Cancel (tolerating "not running any more") and read the final state."""
    try:
        yield Calls.cancel_execution(execution_id)
    except BadRequestError:
        pass  # it ended on its own meanwhile (or a retried cancel found it cancelled)
    execution: Execution = yield Calls.get_execution(execution_id)
    return execution


def wait_plan(
    watch: Watch, execution_id: str, policy: PollPolicy, clock: Clock, raise_on_failure: bool = True
) -> Plan[Execution]:
    """Poll until the execution ends, backing off; cancel it at the deadline."""
    watch.execution_id = execution_id
    deadline = clock.monotonic() + policy.timeout
    polls = 0
    while True:
        execution: Execution = yield Calls.get_execution(execution_id)
        if execution.is_finished:
            watch.settled = True
            events.execution_ended(watch.base_url, execution)
            return _outcome(execution, raise_on_failure)
        left = deadline - clock.monotonic()
        if left <= 0:
            break
        yield Sleep(min(policy.delay(polls), left), f"execution {execution_id} still running", "poll")
        polls += 1
    if policy.cancel_on_timeout:
        execution = yield from cancel_plan(execution_id)
        events.execution_ended(watch.base_url, execution)
        if execution.is_finished and execution.status != CANCELLED:
            watch.settled = True  # it ended right at the deadline: report that instead
            return _outcome(execution, raise_on_failure)
    watch.settled = True
    what = "cancelled" if policy.cancel_on_timeout else "left running"
    raise ExecutionTimeoutError(
        f"execution {execution_id} did not finish within {policy.timeout:g}s and was {what}",
        execution=execution,
        timeout=policy.timeout,
        api=API_NAME,
    )


def matching_plan(workflow_id: str, input: Mapping[str, Any], since: float) -> Plan[list[str]]:
    """The ids of the workflow's executions started since ``since`` with exactly ``input``."""
    listing = yield Calls.list_executions_page(
        limit=MAX_PAGE_SIZE, workflow_id=workflow_id, date_from=epoch_timestamp(since)
    )
    candidates = [
        item for item in listing.items
        if item.workflow_id in (None, workflow_id)
        and (item.started_at is None or item.started_at.timestamp() >= int(since))
    ]
    found: list[str] = []
    for item in candidates[:ADOPT_MAX_CANDIDATES]:
        detail: Execution = yield Calls.get_execution(item.id)
        if (detail.input or {}) == dict(input):
            found.append(detail.id)
    return found


def adopt_plan(workflow_id: str, input: Mapping[str, Any], since: float, error: APIError) -> Plan[str]:
    """The id of the one execution our unanswered execute call started, or re-raise ``error``."""
    try:
        found = yield from matching_plan(workflow_id, input, since)
    except (APIError, InvalidRequestError) as lookup:  # also a server id our checks refuse
        raise error from lookup
    if len(found) == 1:
        current_logger().warning(
            "%s: the execute call's answer was lost (%s); adopted execution %s, started with the same input",
            API_NAME, type(error).__name__, found[0],
        )
        return found[0]
    raise OutcomeUnknownError(
        f"{error.message}; {len(found)} executions with the same input started since then, so none was "
        "adopted: check the executions before starting again",
        api=error.api, method=error.method, path=error.path,
    ) from error


def orphan_plan(watch: Watch) -> Plan[str | None]:
    """After a wait abandoned while execute was unanswered: the one execution it started, if any.

    The server may still be processing the call, so an empty lookup is repeated a few times; more
    than one match (another run started the same input) is never cancelled: it may not be ours."""
    if watch.starting is None:
        return None
    workflow_id, sent, since = watch.starting
    for attempt in range(ORPHAN_LOOKUPS):
        if attempt:
            yield Sleep(ORPHAN_LOOKUP_PAUSE, "an unanswered execute may still be starting its execution", "poll")
        found = yield from matching_plan(workflow_id, sent, since)
        if len(found) == 1:
            current_logger().warning("%s: the wait ended before execute answered; found its execution %s",
                                     API_NAME, found[0])
            return found[0]
        if found:
            current_logger().error(
                "%s: the wait ended before execute answered and %d executions with the same input started "
                "since; none is cancelled (check them)", API_NAME, len(found))
            return None
    current_logger().warning("%s: the wait ended before execute answered; no execution of it was found",
                             API_NAME)
    return None


def start_plan(watch: Watch, workflow_id: str, input: Mapping[str, Any] | None, clock: Clock) -> Plan[str]:
    """Send execute once; if its outcome is unknown, adopt the execution it started (or raise).

    The execution is watched (cancelled if the wait is abandoned) before its event is sent."""
    call = Calls.execute_workflow(workflow_id, input)
    since = clock.time() - ADOPT_CLOCK_SKEW_SECONDS
    sent = json.loads(json.dumps(call.json["input"]))  # as the server stores it (tuples -> lists)
    # Cleared once the start is settled; left set only when a signal or cancel cuts it short.
    watch.starting = (workflow_id, sent, since)
    try:
        try:
            started = yield call
            execution_id = watch.execution_id = str(started.execution_id)
            events.execution_event("started", watch.base_url, workflow_id, execution_id)
        except (OutcomeUnknownError, MalformedResponseError) as exc:
            if isinstance(exc, MalformedResponseError) and exc.status is not None and exc.status >= 300:
                raise
            execution_id = watch.execution_id = yield from adopt_plan(workflow_id, sent, since, exc)
            events.execution_event("adopted", watch.base_url, workflow_id, execution_id,
                                   lost_answer=type(exc).__name__)
    except APIError:
        watch.starting = None  # an error answer started nothing; a failed adoption has looked already
        raise
    watch.starting = None
    return execution_id


def execute_plan(
    watch: Watch,
    workflow_id: str,
    input: Mapping[str, Any] | None,
    policy: PollPolicy,
    clock: Clock,
    raise_on_failure: bool = True,
) -> Plan[Execution]:
    """Start the workflow once (adopting a lost start), then wait for the execution."""
    execution_id = yield from start_plan(watch, workflow_id, input, clock)
    return (yield from wait_plan(watch, execution_id, policy, clock, raise_on_failure))


# -- drivers -------------------------------------------------------------------------------
def _capped(holding: bool) -> AbstractContextManager[None]:
    """While the lock is held, a call sits out no rate-limit wait longer than ``LOCKED_MAX_WAIT``:
    it raises RateLimitError instead, and the plan waits with the lock released."""
    return waits_at_most(LOCKED_MAX_WAIT) if holding else nullcontext()


def run_plan(client: SyncClient, plan: Plan[T], watch: Watch, *, lock: Any = None,
             stop: threading.Event | None = None) -> T:
    """Drive a plan with a blocking client; cancel the execution if the wait is abandoned.

    ``lock`` is a context manager (e.g. :class:`~.._core.mutex.PrefectMutex`) entered on
    ``Hold(True)``; ``stop`` is an event that ends the wait at once, even inside a call's
    rate-limit wait (:func:`~.._core.clock.stop_waits_on`); the cancel on the way out is not cut short.
    """
    clock, watch.base_url = client.settings.clock, client.settings.base_url
    held = ExitStack()
    holding = False

    def perform(action: Action) -> Any:
        nonlocal holding
        if isinstance(action, Hold):
            if action.on and lock is not None:
                check_stop(API_NAME)  # no lock is taken once the run is stopping
                held.enter_context(lock)
                holding = True
            elif not action.on:
                held.close()
                holding = False
            return None
        check_stop(API_NAME)
        if isinstance(action, Sleep):
            return pause(clock, action.seconds, API_NAME)
        with _capped(holding):
            return client.call(action)

    try:
        with stop_waits_also_on(stop):
            return drive(plan, perform, (APIError,))
    except BaseException as exc:
        held.close()
        with stop_waits_on(None):  # the way out is not cut short by the stop that caused it
            if (execution_id := _to_cancel(watch, exc)) is None and watch.starting is not None:
                execution_id = _find_orphan(client, watch)
            if execution_id is not None:
                try:
                    client.call(Calls.cancel_execution(execution_id))
                except Exception as cancel_error:  # noqa: BLE001 - best effort, the first error matters
                    _cancelled(watch, execution_id, cancel_error)
                else:
                    _cancelled(watch, execution_id, None)
        raise
    finally:
        held.close()


async def arun_plan(client: AsyncClient, plan: Plan[T], watch: Watch, *, lock: Any = None,
                    stop: threading.Event | None = None) -> T:
    """Async twin of :func:`run_plan`; the cancel survives the task being cancelled."""
    clock, watch.base_url = client.settings.clock, client.settings.base_url
    held = AsyncExitStack()
    holding = False

    async def perform(action: Action) -> Any:
        nonlocal holding
        if isinstance(action, Hold):
            if action.on and lock is not None:
                check_stop(API_NAME)  # no lock is taken once the run is stopping
                await held.enter_async_context(lock)
                holding = True
            elif not action.on:
                await held.aclose()
                holding = False
            return None
        check_stop(API_NAME)
        if isinstance(action, Sleep):
            return await apause(clock, action.seconds, API_NAME)
        with _capped(holding):
            return await client.call(action)

    try:
        with stop_waits_also_on(stop):
            return await adrive(plan, perform, (APIError,))
    except BaseException as exc:
        await asyncio.shield(held.aclose())
        with stop_waits_on(None):  # the way out is not cut short by the stop that caused it
            if (execution_id := _to_cancel(watch, exc)) is None and watch.starting is not None:
                execution_id = await _afind_orphan(client, watch)
            if execution_id is not None:
                # Shielded: a second cancellation of this task must not abort the cleanup call.
                cancelling = asyncio.ensure_future(client.call(Calls.cancel_execution(execution_id)))
                try:
                    await asyncio.shield(cancelling)
                except BaseException as cancel_error:  # noqa: BLE001 - best effort
                    _cancelled(watch, execution_id, cancel_error)
                else:
                    _cancelled(watch, execution_id, None)
        raise
    finally:
        await held.aclose()


def _find_orphan(client: SyncClient, watch: Watch) -> str | None:
    """:func:`orphan_plan` driven with plain sleeps (the run's stop event is already set)."""
    def perform(action: Action) -> Any:
        if isinstance(action, Sleep):
            return client.settings.clock.sleep(action.seconds)
        assert isinstance(action, Call), action  # the lookup takes no lock
        return client.call(action)

    try:
        return drive(orphan_plan(watch), perform, (APIError,))
    except Exception as exc:  # noqa: BLE001 - best effort on the way out; the first error matters
        current_logger().error("%s: could not look for the execution of an unanswered execute (%s)", API_NAME, exc)
        return None


async def _afind_orphan(client: AsyncClient, watch: Watch) -> str | None:
    """Async twin of :func:`_find_orphan`, shielded from a second cancellation of the task."""
    async def perform(action: Action) -> Any:
        if isinstance(action, Sleep):
            return await client.settings.clock.asleep(action.seconds)
        assert isinstance(action, Call), action  # the lookup takes no lock
        return await client.call(action)

    try:
        return await asyncio.shield(adrive(orphan_plan(watch), perform, (APIError,)))
    except BaseException as exc:  # noqa: BLE001 - best effort on the way out
        current_logger().error("%s: could not look for the execution of an unanswered execute (%s)", API_NAME, exc)
        return None


def _to_cancel(watch: Watch, exc: BaseException) -> str | None:
    """The execution a wait that ended with ``exc`` leaves behind unsettled (logged), if any."""
    if watch.execution_id is None or watch.settled:
        return None
    current_logger().warning(
        "%s: the wait for execution %s ended early (%s); cancelling the execution",
        API_NAME, watch.execution_id, type(exc).__name__,
    )
    return watch.execution_id


def _cancelled(watch: Watch, execution_id: str, error: BaseException | None) -> None:
    """Log (and send the event of) the cancel of an abandoned wait's execution, or why it failed."""
    if error is not None:
        return _log_cancel_failed(execution_id, error)
    current_logger().warning("%s: execution %s cancelled", API_NAME, execution_id)
    events.execution_event("cancelled", watch.base_url, None, execution_id, reason="wait abandoned")


def _log_cancel_failed(execution_id: str, exc: BaseException) -> None:
    if isinstance(exc, BadRequestError):  # "not running": it ended on its own meanwhile
        current_logger().info("%s: execution %s had already ended (%s)", API_NAME, execution_id, exc.code)
        return
    current_logger().error(
        "%s: could not cancel execution %s (%s); it may still be running", API_NAME, execution_id, exc
    )
