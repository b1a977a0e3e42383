"""Stepping a sans-IO plan (a generator of actions): the one send/throw/finish dance every driver needs.

The request plan (:func:`._core.http.plan_request`) and Exeoflow's execute-and-wait plan are both
generators that yield what to do next and receive what happened; sync and async drivers differ
only in how they perform an action, so advancing the plan is written once, here.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

A = TypeVar("A")
T = TypeVar("T")


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
