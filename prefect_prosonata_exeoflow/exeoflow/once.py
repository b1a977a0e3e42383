"""Execute a workflow at most once per key, across crashes, overlapping runs and several workers.

The remote system is the record: every execution started here carries the caller's key in its
``input`` under :data:`IDEMPOTENCY_KEY`. Before starting, the executions of the workflow
started since ``since`` are looked up (newest first, every page; the list answer has no input,
so each candidate's detail is read once per process and its key remembered, as an
execution's input never changes). The newest execution carrying the key decides:

============================  =============================================================
found                         what happens (:attr:`OnceResult.how`)
============================  =============================================================
running                       adopted and waited for (``adopted``)
succeeded                     nothing is sent (``already-done``)
failed / cancelled / timeout  executed again (``retried-after-failure``)
nothing                       executed (``started``)
============================  =============================================================

Double-checked locking: the first lookup takes no lock (adopting or finding it done needs
none). Only when something must be started is the ``lock`` taken (a cross-process mutex such
as :class:`~.._core.mutex.PrefectMutex`), the lookup repeated, execute sent, and the lock
released as soon as the start answer is known (or the execution adopted after an unknown
outcome). It is never held during the wait for the execution, nor over a long rate-limit wait:
such a wait is done with the lock released, and the locked part begun again.

Limits: an execution started before ``since``, or deleted on the server, is not found; an
execute whose outcome stays unknown (no answer and not found by its input) raises
:class:`~.._core.errors.OutcomeUnknownError` rather than risk a second start.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from pydantic import BaseModel

from .._core.clock import Clock
from .._core.errors import InvalidRequestError, RateLimitError
from .._core import events
from .._core.logs import current_logger
from .calls import MAX_PAGE_SIZE, Calls, DateLike
from .dialect import API_NAME
from .models import SUCCESS, Execution
from .._core.mutex import wait_released
from .._core.plans import Hold, Sleep
from .waiting import Plan, PollPolicy, Watch, start_plan, wait_plan

#: The ``input`` field that carries the caller's key in every execution started once.
IDEMPOTENCY_KEY = "idempotency_key"
#: Remembered execution keys per process (bounded; the oldest half is dropped when full).
MEMO_SIZE = 100_000

How = Literal["started", "adopted", "already-done", "retried-after-failure"]
_UNKNOWN = object()


class OnceResult(BaseModel):
    """The execution for a key and how it came about; ``retried`` is the failed one started again."""

    execution: Execution
    how: How
    retried: str | None = None


class KeyMemo:
    """``execution id -> key`` per base URL, shared by every client in the process (thread-safe)."""

    _all: ClassVar[dict[str, KeyMemo]] = {}
    _guard: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self) -> None:
        self._keys: dict[str, str | None] = {}
        self._lock = threading.Lock()

    @classmethod
    def for_url(cls, base_url: str) -> KeyMemo:
        with cls._guard:
            return cls._all.setdefault(base_url, cls())

    def get(self, execution_id: str) -> Any:
        with self._lock:
            return self._keys.get(execution_id, _UNKNOWN)

    def put(self, execution_id: str, key: str | None) -> None:
        with self._lock:
            if len(self._keys) >= MEMO_SIZE:
                for stale in list(self._keys)[: MEMO_SIZE // 2]:
                    del self._keys[stale]
            self._keys[execution_id] = key


@dataclass(frozen=True)
class Lookup:
    """What the lookup found: a running or succeeded execution, else the newest failed one."""

    usable: Execution | None = None
    failed: Execution | None = None


def keyed_input(input: Mapping[str, Any] | None, key: str) -> dict[str, Any]:
    """``input`` with the key under :data:`IDEMPOTENCY_KEY` (a different key already there is refused)."""
    if not isinstance(key, str) or not key.strip():
        raise InvalidRequestError(f"key must be a non-empty string, got {key!r}")
    body = dict(input or {})
    if body.get(IDEMPOTENCY_KEY, key) != key:
        raise InvalidRequestError(f"input already carries {IDEMPOTENCY_KEY}={body[IDEMPOTENCY_KEY]!r}, not {key!r}")
    body[IDEMPOTENCY_KEY] = key
    return body


def find_plan(workflow_id: str, key: str, since: DateLike | None, memo: KeyMemo) -> Plan[Lookup]:
    """Walk the workflow's executions newest first; stop at the first running or succeeded match."""
    failed: Execution | None = None
    page = 1
    while True:
        listing = yield Calls.list_executions_page(page, MAX_PAGE_SIZE, workflow_id, None, since)
        for item in listing.items:
            if item.workflow_id not in (None, workflow_id):
                continue
            found = memo.get(item.id)
            if found is _UNKNOWN:
                detail: Execution = yield Calls.get_execution(item.id)
                found = (detail.input or {}).get(IDEMPOTENCY_KEY)
                memo.put(item.id, found if isinstance(found, str) else None)
            if found != key:
                continue
            if not item.is_finished or item.status == SUCCESS:
                return Lookup(usable=item)
            failed = failed or item
        if not listing.has_more:
            return Lookup(failed=failed)
        page += 1  # new executions shift pages towards the end: items repeat, none are skipped


def once_plan(watch: Watch, workflow_id: str, input: Mapping[str, Any] | None, key: str, since: DateLike | None,
              memo: KeyMemo, policy: PollPolicy, clock: Clock, raise_on_failure: bool = True,
              max_rate_limit_wait: float = float("inf")) -> Plan[OnceResult]:
    """Look up, (lock, look up again, start, unlock) if needed, then wait; see the module doc.

    A rate-limit wait longer than the driver allows under the lock (``LOCKED_MAX_WAIT``) ends the
    locked part: nothing more was sent, so the lock is released, the wait done, and the locked part
    begun again (the lookup included: another process may have started it meanwhile), as
    :func:`~.._core.mutex.hold_briefly` does for code that is not a plan."""
    body = keyed_input(input, key)
    found = yield from find_plan(workflow_id, key, since, memo)
    how: How
    rounds = 0
    while found.usable is None:
        yield Hold(True)
        try:
            found = yield from find_plan(workflow_id, key, since, memo)
            if found.usable is None:
                execution_id = yield from start_plan(watch, workflow_id, body, clock)
                memo.put(execution_id, key)
                how = "retried-after-failure" if found.failed is not None else "started"
        except RateLimitError as exc:
            rounds += 1
            wait = wait_released(exc, rounds, max_rate_limit_wait)
            yield Hold(False)
            yield Sleep(wait, "rate limited while holding the lock", "429")
            continue
        yield Hold(False)
        break
    if found.usable is not None:
        execution_id = found.usable.id
        if found.usable.status == SUCCESS:
            detail: Execution = yield Calls.get_execution(execution_id)
            return OnceResult(execution=detail, how="already-done")
        how = "adopted"
        current_logger().info("%s: execution %s for key %s is already running; adopted it",
                              API_NAME, execution_id, key)
        events.execution_event("adopted", watch.base_url, workflow_id, execution_id, reason="already running")
    execution = yield from wait_plan(watch, execution_id, policy, clock, raise_on_failure)
    retried = found.failed.id if how == "retried-after-failure" and found.failed is not None else None
    return OnceResult(execution=execution, how=how, retried=retried)
