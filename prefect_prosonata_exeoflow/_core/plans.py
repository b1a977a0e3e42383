"""Plans and their one driver: a plan says what to do, a driver does it and reports back.

A plan is a generator that yields *actions* and receives their outcomes (or has their
failures raised inside it), and returns its result; it does no I/O, so sync and async behave
alike by construction and tests drive plans on a fake clock. The vocabulary, for every plan:

* :class:`Sleep` - wait this long (a rate-limit wait, a backoff, a poll interval);
* :class:`Send` - send this ``httpx.Request`` (the request plan, :func:`.http.plan_request`);
* :class:`~.http.Call` - send this described endpoint call through the client (Exeoflow's
  execute-and-wait plans, :mod:`..exeoflow.waiting`);
* :class:`Hold` - take or release the driver's cross-process lock.

:func:`drive` and :func:`adrive` are the loop, once: hand the plan the last outcome (or throw
its failure into it), get the next action, perform it with the caller's ``perform``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx

A = TypeVar("A")
T = TypeVar("T")


@dataclass(frozen=True)
class Sleep:
    """Wait ``seconds``; ``reason`` is logged."""

    seconds: float
    reason: str
    #: "budget" (the key's window is spent), "429" (the server said so), "backoff" (after a
    #: failure) or "poll" (between two looks at a running execution).
    kind: str = "backoff"
    #: Not logged nor sent as an event (a brief re-check right after a logged wait).
    quiet: bool = False


@dataclass(frozen=True)
class Send:
    """Send this request once and report the response (or the transport error)."""

    request: httpx.Request


@dataclass(frozen=True)
class Hold:
    """Take (``True``) or release (``False``) the driver's cross-process lock; released on any exit."""

    on: bool


@dataclass(frozen=True)
class Finished(Generic[T]):
    """The plan returned: ``value`` is its result."""

    value: T


def advance(plan: Generator[A, Any, T], outcome: Any, failure: BaseException | None) -> A | Finished[T]:
    """Hand the plan the last action's outcome (or raise its failure inside it); get the next action."""
    try:
        return plan.throw(failure) if failure is not None else plan.send(outcome)
    except StopIteration as finished:
        return Finished(finished.value)


class _Stepper(Generic[A, T]):
    """Where a driver is in its plan: the last outcome or failure, to hand in at the next step."""

    def __init__(self, plan: Generator[A, Any, T]) -> None:
        self.plan = plan
        self.outcome: Any = None
        self.failure: BaseException | None = None

    def next(self) -> A | Finished[T]:
        action = advance(self.plan, self.outcome, self.failure)
        self.outcome = self.failure = None
        return action


def drive(plan: Generator[A, Any, T], perform: Callable[[A], Any],
          failures: tuple[type[BaseException], ...]) -> T:
    """Run a plan to its end: each action's outcome goes back in; a failure of ``failures`` is thrown in.

    Any other exception (a signal, a cancel) closes the plan on its way out, so the plan's own
    cleanup (e.g. giving a budget slot back) runs now, not whenever the generator is collected."""
    step = _Stepper(plan)
    try:
        while not isinstance(action := step.next(), Finished):
            try:
                step.outcome = perform(action)
            except failures as exc:
                step.failure = exc
    finally:
        plan.close()
    return action.value


async def adrive(plan: Generator[A, Any, T], perform: Callable[[A], Awaitable[Any]],
                 failures: tuple[type[BaseException], ...]) -> T:
    """:func:`drive` with an awaited ``perform``."""
    step = _Stepper(plan)
    try:
        while not isinstance(action := step.next(), Finished):
            try:
                step.outcome = await perform(action)
            except failures as exc:
                step.failure = exc
    finally:
        plan.close()
    return action.value
