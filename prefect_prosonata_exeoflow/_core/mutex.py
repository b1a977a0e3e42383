"""A mutex every process sharing one Prefect server respects: a global concurrency limit of 1.

Used between "look the record up on the remote system" and "create it", so two processes
(overlapping runs, several workers) never both decide to create the same thing.

Measured with Prefect 3.9.1 (why it is built this way):

* A limit named in ``concurrency()`` but missing on the server is *not* created: with
  ``strict=False`` the block runs unguarded (a warning), with ``strict=True`` it raises. An
  inactive limit is skipped silently. So the limits are created here, explicitly, with
  ``limit=1``, and an existing one that is inactive or allows more than one holder is refused.
* Leases shorter than 60 s are rejected (HTTP 422). A holder killed with ``kill -9`` keeps its
  slot until the lease expires and the server's repossessor loop (every
  ``PREFECT_SERVER_SERVICES_REPOSSESSOR_LOOP_SECONDS``, default 15 s) reclaims it: others wait
  up to ~75 s (61 s measured with the loop at 1 s).
* Prefect transactions with ``SERIALIZABLE`` isolation are no substitute: without a lock
  manager they refuse to start, the memory lock manager is per process, and the file-system one
  only spans processes that share its directory (two workers with their own storage both
  entered the same key at once). A Redis lock manager (prefect-redis) would work but needs Redis.

A fixed set of striped names (``ppe-once-00`` .. ``ppe-once-15``) keeps the number of limits
bounded: a key maps to one stripe by hash, so unrelated keys sometimes share a stripe (and
wait a moment for each other), never the reverse. Several keys are taken in one atomic
acquisition, so two mutexes over overlapping stripes cannot deadlock.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Any, TypeVar

from .clock import SYSTEM_CLOCK, Clock, pause
from .errors import ConfigurationError, LockError, LockTimeoutError, RateLimitError
from .logs import current_logger
from .policy import waits_at_most

T = TypeVar("T")

#: How many limits the keys are spread over.
STRIPES = 16
#: Name prefix of the limits (created on first use with ``limit=1``).
PREFIX = "ppe-once-"
#: Separates unrelated installations sharing one Prefect server (e.g. staging and production):
#: limits of another namespace are never waited for, so a crash in one never stalls the other.
#: Every process that works on the same remote records must use the same namespace.
NAMESPACE_ENV = "PPE_LOCK_NAMESPACE"
#: The shortest lease the Prefect server accepts; renewed in the background while held.
LEASE_SECONDS = 60.0
#: How long to wait for a stripe before giving up (a crashed holder blocks it up to ~75 s).
DEFAULT_TIMEOUT = 600.0
#: The longest rate-limit wait a call sits out while a lock is held (a hintless 429's backoff
#: fits); a longer one is waited for with the lock released (:func:`hold_briefly`).
LOCKED_MAX_WAIT = 2.0
#: Times the locked work may end on a rate limit (and begin again) before the RateLimitError stands.
LOCKED_ROUNDS = 8

_ensured: set[tuple[str, str]] = set()
_ensure_lock = threading.Lock()


#: Attempts to take a lock when the Prefect API answers with an error (a busy SQLite server
#: answers 503 under load); taking a lock twice is harmless, it is never held by a failed attempt
#: for longer than its lease.
ACQUIRE_ATTEMPTS = 5


def lock_namespace() -> str:
    """The namespace from ``PPE_LOCK_NAMESPACE`` ("" by default); refuses one unfit for a limit name."""
    namespace = os.environ.get(NAMESPACE_ENV, "").strip()
    if namespace and not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,39}", namespace):
        raise ConfigurationError(f"{NAMESPACE_ENV}={namespace!r} must be 1-40 lower-case letters, digits, "
                                 f"'-' or '_', starting with a letter or digit")
    return namespace


def stripe_name(scope: str, key: str, stripes: int = STRIPES) -> str:
    """The limit guarding ``key`` within ``scope`` (e.g. a workflow id), stable across processes."""
    digest = hashlib.sha256(f"{scope}\x00{key}".encode()).digest()
    namespace = lock_namespace()
    prefix = f"{PREFIX}{namespace}-" if namespace else PREFIX
    return f"{prefix}{int.from_bytes(digest[:8], 'big') % stripes:02d}"


def _api_url() -> str:
    from prefect.settings import PREFECT_API_URL

    return str(PREFECT_API_URL.value() or "ephemeral")


def ensure_limits(names: list[str]) -> None:
    """Create each missing limit with ``limit=1``; refuse one that would not exclude."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

    api = _api_url()
    missing = [name for name in names if (api, name) not in _ensured]
    if not missing:
        return
    with _ensure_lock, get_client(sync_client=True) as client:
        for name in missing:
            try:
                limit = client.read_global_concurrency_limit_by_name(name)
            except ObjectNotFound:
                try:
                    client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=1))
                except ObjectAlreadyExists:
                    pass  # another process created it meanwhile
                limit = client.read_global_concurrency_limit_by_name(name)
            if limit.limit != 1 or not limit.active or limit.slot_decay_per_second:
                raise ConfigurationError(
                    f"global concurrency limit {name!r} must be active with limit 1 and no slot decay to serve "
                    f"as a mutex (found limit={limit.limit}, active={limit.active}, "
                    f"slot_decay_per_second={limit.slot_decay_per_second}); fix it with "
                    f"`prefect gcl update {name} --limit 1 --enable` or delete it"
                )
            _ensured.add((api, name))


class PrefectMutex:
    """``with PrefectMutex("exeoflow:wf_1", key):`` — exclusive across every process on this Prefect server.

    Usable with ``with`` and ``async with``. Never hold it across a long wait: a crashed holder
    blocks the stripe for up to a lease (60 s) plus the server's repossessor interval.
    """

    def __init__(self, scope: str, key: str, *, timeout: float = DEFAULT_TIMEOUT, stripes: int = STRIPES) -> None:
        self.names = [stripe_name(scope, key, stripes)]
        self.timeout = timeout
        self._stripes = stripes
        self._held: Any = None

    def also(self, scope: str, key: str) -> PrefectMutex:
        """Guard a second key with the same acquisition (atomic: no lock-order deadlock)."""
        name = stripe_name(scope, key, self._stripes)
        if name not in self.names:
            self.names = sorted([*self.names, name])
        return self

    def _failure(self, exc: BaseException) -> LockError:
        names = ", ".join(self.names)
        if isinstance(exc, TimeoutError) or "timed out" in str(exc):
            return LockTimeoutError(f"the Prefect concurrency limit(s) {names} stayed taken for "
                                    f"{self.timeout:g}s; nothing was started")
        return LockError(f"could not take the Prefect concurrency limit(s) {names}: {exc}")

    def _options(self) -> dict[str, Any]:
        """What ``concurrency()`` (sync or async) is asked: one slot of each name, strict, renewed."""
        return {"occupy": 1, "lease_duration": LEASE_SECONDS, "strict": True, "timeout_seconds": self.timeout,
                "raise_on_lease_renewal_failure": False}

    @staticmethod
    def _final(exc: BaseException, attempt: int) -> bool:
        """Give up: the wait timed out (a holder kept it), or the API kept failing."""
        return isinstance(exc, TimeoutError) or attempt == ACQUIRE_ATTEMPTS - 1 or "timed out" in str(exc)

    def __enter__(self) -> PrefectMutex:
        from prefect.concurrency.sync import concurrency

        ensure_limits(self.names)
        for attempt in range(ACQUIRE_ATTEMPTS):
            held = concurrency(self.names, **self._options())
            try:
                held.__enter__()
            except Exception as exc:
                if self._final(exc, attempt):
                    raise self._failure(exc) from exc
                time.sleep(0.5 * 2**attempt)
            else:
                self._held = held
                return self
        raise AssertionError("unreachable")

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        held, self._held = self._held, None
        if held is not None:
            held.__exit__(exc_type, exc, tb)

    async def __aenter__(self) -> PrefectMutex:
        from prefect.concurrency.asyncio import concurrency
        from prefect.utilities.asyncutils import run_sync_in_worker_thread

        await run_sync_in_worker_thread(ensure_limits, self.names)
        for attempt in range(ACQUIRE_ATTEMPTS):
            held = concurrency(self.names, **self._options())
            try:
                await held.__aenter__()
            except Exception as exc:
                if self._final(exc, attempt):
                    raise self._failure(exc) from exc
                await asyncio.sleep(0.5 * 2**attempt)
            else:
                self._held = held
                return self
        raise AssertionError("unreachable")

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        held, self._held = self._held, None
        if held is not None:
            await held.__aexit__(exc_type, exc, tb)


def hold_briefly(lock: AbstractContextManager[Any], work: Callable[[], T], *, max_rate_limit_wait: float,
                 clock: Clock = SYSTEM_CLOCK) -> T:
    """``work()`` under ``lock``, without ever sitting out a long rate-limit wait under it.

    A call in ``work`` that would wait longer than ``LOCKED_MAX_WAIT`` raises RateLimitError
    before it sends anything more (:func:`~.policy.waits_at_most`); the lock is released, the wait
    done (a stop cuts it short), and ``work`` begun again under the lock. So ``work`` must look
    before it creates: a second round finds what the first one made.
    """
    for round_number in range(1, LOCKED_ROUNDS + 1):
        try:
            with lock, waits_at_most(LOCKED_MAX_WAIT):
                return work()
        except RateLimitError as exc:
            pause(clock, wait_released(exc, round_number, max_rate_limit_wait), exc.api)
    raise AssertionError("unreachable")


def wait_released(exc: RateLimitError, round_number: int, max_rate_limit_wait: float) -> float:
    """The wait to do with the lock released after locked round ``round_number`` ended on ``exc``;
    ``exc`` is raised again when none is allowed: no hint, longer than ``max_rate_limit_wait``, or
    the last round. Shared by :func:`hold_briefly` and the Exeoflow once-plan."""
    wait = exc.retry_after
    if wait is None or wait > max_rate_limit_wait or round_number >= LOCKED_ROUNDS:
        raise exc
    current_logger().info("%s: rate limited while holding a lock; waiting %.2fs with it released", exc.api, wait)
    return wait
