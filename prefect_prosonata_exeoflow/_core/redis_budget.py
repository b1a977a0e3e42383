"""One rate budget per API key for every process and machine: the budget kept in Redis.

:class:`~.budget.RateBudget` is exact inside one process. Several workers on one key each know
only their own calls plus what the server reports, so calls in flight in several processes
when a window runs out earn 429s, and EnDocs (which reports nothing) lets n processes send n
times the limit. :class:`RedisBudget` keeps one picture for all of them in Redis, and the rules
are not written twice: every operation loads the key's state into a
:class:`~.budget.RateBudget`, runs *its* ``reserve`` / ``release`` / ``block_for`` at the store's
time, and writes the state back with a compare-and-set (another process changed it in between:
read and run again). So everything the in-process budget knows holds for all processes:

* **Clock:** Redis's own ``TIME`` (a test may pass a fake clock instead), so the machines'
  clocks do not matter. A ``sent_at`` of this process is moved onto the store's clock by the
  offset measured at each operation.
* **Window phase:** the server's, where the API reports a reset (the tightest bound any process
  saw); for a counting API (EnDocs) the phase learned from 429s and the first success after a
  probe, shared by every process; the calendar only as a first guess.
* **Unknown budget, and 429s without a usable hint:** *one* probe for all processes per backoff
  step; the backoff step (``probe_step``) is shared too.
* **Calls in flight** are reservations that expire after ``inflight_seconds`` (the block's
  timeout + 5 s: by then the call is over, answered or not), and so does a probe whose caller
  vanished. A process that dies holding budget therefore blocks nobody for longer than its call
  could have lasted, and its calls stop counting against the windows after that. The whole state
  expires an hour after its window, so a key nobody uses leaves nothing behind.

The server's ``Date`` clock offset (for Exeoflow's epoch resets) is learned by each process's
dialect, not here: it relates the server's clock to *that machine's*, so it is not the same for
workers on different machines, and each process has it from its first answer (until then a
reset computed from it is only later than the true one, never earlier).

Keys in Redis are named by a one-way fingerprint of the API, base URL and key, never the key.
An operation is two round trips (about 0.1-0.3 ms each on loopback) when it changes the state,
one when it does not (a caller polling for the probe's answer); in the async client it blocks
the event loop for that long, far below the time a rate-limited call waits anyway.
"""

from __future__ import annotations

import contextvars
import hashlib
import itertools
import json
import math
import os
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from typing_extensions import Unpack

from .budget import BudgetHint, BudgetOptions, RateBudget
from .clock import Clock
from .errors import APIConnectionError, ConfigurationError

#: Prefix of every key this package writes to the store.
KEY_PREFIX = "ppe:budget:"
#: A reservation not released within this many seconds counts as lost (its process died).
DEFAULT_INFLIGHT_SECONDS = 60.0
#: How long the store keeps a key's state after its window (or last use) when nothing renews it.
IDLE_EXPIRY_SECONDS = 3600.0
#: Compare-and-set attempts before an operation gives up (only under absurd contention).
MAX_ATTEMPTS = 1000
#: Attributes of a RateBudget that belong to this process, not to the shared state.
_LOCAL_ATTRIBUTES = frozenset({"_clock", "_lock"})

_T = TypeVar("_T")

# Read the state and the store's clock in one round trip.
_READ = """
local t = redis.call('TIME')
return {t[1], t[2], redis.call('GET', KEYS[1]) or ''}
"""
# Compare-and-set: write only if nobody changed the state since it was read.
_WRITE = """
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
"""


class _Instant:
    """The store's time during one operation: what the in-process budget's logic runs on."""

    def __init__(self, now: float) -> None:
        self.now = now

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:  # pragma: no cover - the budget never sleeps
        raise RuntimeError("a budget does not sleep")

    async def asleep(self, seconds: float) -> None:  # pragma: no cover
        raise RuntimeError("a budget does not sleep")


def budget_state(budget: RateBudget) -> dict[str, Any]:
    """The shared part of a RateBudget's picture, as JSON-ready values (the store keeps this).

    Values are numbers, strings, booleans, None, or tuples of those (stored as JSON lists and
    read back as tuples); anything else raises, so a new kind of state cannot be lost silently."""
    state = {name: value for name, value in vars(budget).items() if name not in _LOCAL_ATTRIBUTES}
    for name, value in state.items():
        parts = value if isinstance(value, tuple) else (value,)
        if not all(part is None or isinstance(part, (bool, int, float, str)) for part in parts):
            raise TypeError(f"RateBudget.{name} ({type(value).__name__}) cannot be kept in a shared store")
    return state


def store_fingerprint(api: str, base_url: str, secret: str) -> str:
    """A one-way name for one key of one API: what the store's keys are called by."""
    material = "\0".join((api, base_url.rstrip("/"), secret))
    return hashlib.sha256(material.encode()).hexdigest()[:24]


def safe_store_url(url: str) -> str:
    """The store URL without its password, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ":?"
    user = "***@" if parts.username or parts.password else ""  # a user name may be the password
    return f"{parts.scheme}://{user}{host}{port}{parts.path}"


def check_store_url(url: str, *, field: str = "rate_limit_store") -> str:
    """A Redis URL (``redis://``, ``rediss://`` or ``unix://``), rejected with a clear message otherwise."""
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("redis", "rediss", "unix"):
        raise ValueError(f"{field} must be a Redis URL (redis://host:6379/0, rediss://... or unix:///path), "
                         f"not {parts.scheme or 'a bare string'}://...")
    if parts.scheme != "unix" and not parts.hostname:
        raise ValueError(f"{field} {safe_store_url(text)!r} has no host name")
    try:
        _ = parts.port
    except ValueError:
        raise ValueError(f"{field} {safe_store_url(text)!r} has an invalid port") from None
    return text


class _Operation:
    """One operation's view: the budget at the store's time, and the live reservations."""

    def __init__(self, engine: RateBudget, now: float, offset: float, tokens: dict[str, float],
                 probe_token: str | None) -> None:
        self.engine, self.now, self.offset = engine, now, offset
        self.tokens, self.probe_token = tokens, probe_token

    def store_time(self, local: float | None) -> float | None:
        """A moment of this process's clock on the store's clock."""
        return None if local is None else local + self.offset


class RedisBudget:
    """The budget of one API key, kept in Redis and shared by every process that uses the key."""

    def __init__(
        self,
        client: Any,
        name: str,
        *,
        api: str = "",
        clock: Clock | None = None,
        inflight_seconds: float = DEFAULT_INFLIGHT_SECONDS,
        store_label: str = "redis",
        **options: Unpack[BudgetOptions],
    ) -> None:
        import redis

        self._redis = client
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        self._key = f"{KEY_PREFIX}{name}"
        self._api = api
        self._clock = clock
        self._options = options  # the in-process budget's rules, run on the state kept in Redis
        self._inflight_seconds = inflight_seconds
        self._label = store_label
        self._read = client.register_script(_READ)
        self._write = client.register_script(_WRITE)
        self._lock = threading.Lock()  # one operation of this process at a time: fewer lost compare-and-sets
        self._counter = itertools.count()
        self._prefix = f"{os.getpid()}:{id(self):x}:"
        # Per flow of control (thread, asyncio task): its reservations, and its last answer's send time.
        self._calls: contextvars.ContextVar[tuple[tuple[str, ...], tuple[float, float] | None]] = (
            contextvars.ContextVar(f"redis_budget_{id(self):x}", default=((), None)))

    # -- the budget interface --------------------------------------------------------------
    def reserve(self) -> float:
        """Take one call from the shared budget: 0.0 means go, anything else is seconds to wait first."""
        token = f"{self._prefix}{next(self._counter)}"

        def run(op: _Operation) -> float:
            probing = op.engine._probe_inflight
            wait = op.engine.reserve()
            if wait <= 0:
                op.tokens[token] = op.now
                if op.engine._probe_inflight and not probing:
                    op.probe_token = token  # this call is the probe everyone waits for
            return wait

        wait = self._transact(run)
        if wait <= 0:
            tokens, last = self._calls.get()
            self._calls.set(((*tokens, token), last))
        return wait

    def release(
        self, hint: BudgetHint | None = None, *, sent_at: float | None = None, limited: bool | None = None
    ) -> None:
        """A reserved call is answered (or failed); see :meth:`~.budget.RateBudget.release`."""
        tokens, _ = self._calls.get()
        token = tokens[-1] if tokens else ""
        moved: list[float | None] = [None]

        def run(op: _Operation) -> None:
            engine = op.engine
            at = op.store_time(sent_at)
            reserved = op.tokens.get(token)
            if at is not None and reserved is not None:
                at = max(at, reserved)  # never sent before it was reserved, whatever the offset's error
            probe_sent = engine._probe_sent_at
            if token and engine._probe_inflight and probe_sent is not None:
                # Known by its token: the probe counts as the probe, and no other call is taken for it
                # (the send times of two processes compare only up to the offset's error).
                if token == op.probe_token:
                    at = probe_sent if at is None else max(at, probe_sent)
                else:
                    at = probe_sent - 1e-6 if at is None else min(at, probe_sent - 1e-6)
            op.tokens.pop(token, None)
            engine._inflight = len(op.tokens) + 1
            engine.release(hint, sent_at=at, limited=limited)
            moved[0] = at

        self._transact(run)
        self._calls.set((tokens[:-1], None if sent_at is None or moved[0] is None else (sent_at, moved[0])))

    def block_for(self, seconds: float, *, sent_at: float | None = None, probe: bool = False) -> None:
        """A 429 said: nothing before ``seconds`` from now, for every process using this key."""
        _, last = self._calls.get()

        def run(op: _Operation) -> None:
            at = last[1] if last is not None and last[0] == sent_at else op.store_time(sent_at)
            op.engine.block_for(seconds, sent_at=at, probe=probe)

        self._transact(run)

    @property
    def probe_step(self) -> int:
        """Consecutive 429s without a usable hint, for all processes: the shared backoff step."""
        return self._transact(lambda op: op.engine.probe_step)

    # -- introspection (tests, benchmarks) ---------------------------------------------------
    def peek(self) -> dict[str, Any]:
        """The shared picture: remaining calls, seconds to the reset, reservations in flight."""
        return self._transact(lambda op: {"remaining": op.engine.remaining, "reset_in": op.engine.reset_in,
                                          "inflight": len(op.tokens)})

    @property
    def remaining(self) -> int | None:
        value: int | None = self.peek()["remaining"]
        return value

    @property
    def reset_in(self) -> float | None:
        value: float | None = self.peek()["reset_in"]
        return value

    @property
    def phase_uncertainty(self) -> float | None:
        return self._transact(lambda op: op.engine.phase_uncertainty)

    # -- one atomic change of the shared state ---------------------------------------------
    def _transact(self, change: Callable[[_Operation], _T]) -> _T:
        """Read the state, let ``change`` act on it at the store's time, write it back unless another
        process wrote first (then again, from what that process wrote)."""
        try:
            with self._lock:
                for _ in range(MAX_ATTEMPTS):
                    before = self._local_now()
                    seconds, micros, stored = self._read(keys=[self._key])
                    local = (before + self._local_now()) / 2
                    now = self._clock.time() if self._clock is not None else int(seconds) + int(micros) / 1e6
                    raw = stored.decode() if isinstance(stored, bytes) else str(stored)
                    op = self._load(raw, now, now - local)
                    result = change(op)
                    text = self._dump(op)
                    if text == raw:
                        return result
                    ttl = math.ceil(1000 * (self._horizon(op) + IDLE_EXPIRY_SECONDS))
                    if int(self._write(keys=[self._key], args=[raw, text, ttl])):
                        return result
        except self._errors as exc:
            raise APIConnectionError(
                f"the shared rate-limit store {self._label} failed: {type(exc).__name__}: {exc}", api=self._api or None
            ) from None
        raise APIConnectionError(f"the shared rate-limit store {self._label} is too busy: "
                                 f"{MAX_ATTEMPTS} changes of one key collided", api=self._api or None)

    def _local_now(self) -> float:
        return self._clock.monotonic() if self._clock is not None else time.monotonic()

    def _load(self, raw: str, now: float, offset: float) -> _Operation:
        instant = _Instant(now)
        engine = RateBudget(instant, **self._options)
        saved: dict[str, Any] = json.loads(raw) if raw else {}
        for name, value in saved.get("budget", {}).items():
            if name not in _LOCAL_ATTRIBUTES and hasattr(engine, name):
                setattr(engine, name, tuple(value) if isinstance(value, list) else value)
        saved_tokens: dict[str, float] = saved.get("inflight", {})
        oldest = now - self._inflight_seconds
        tokens = {token: at for token, at in saved_tokens.items() if at > oldest}
        engine._inflight = len(saved_tokens)
        for at in sorted(at for token, at in saved_tokens.items() if token not in tokens):
            # Reserved so long ago that the call is over, answered or not (its process died):
            # the budget hears so as of any call without an answer, a lost probe included.
            engine.release(None, sent_at=at, limited=None)
        engine._inflight = len(tokens)
        probe_token = saved.get("probe")
        return _Operation(engine, now, offset, tokens, probe_token if probe_token in tokens else None)

    @staticmethod
    def _dump(op: _Operation) -> str:
        return json.dumps({"budget": budget_state(op.engine), "inflight": op.tokens, "probe": op.probe_token},
                          sort_keys=True, separators=(",", ":"))

    @staticmethod
    def _horizon(op: _Operation) -> float:
        """Seconds the state matters at least: until the window's reset or the block ends."""
        blocked = float(getattr(op.engine, "_blocked_until", 0.0) or 0.0) - op.now
        return max(op.engine.reset_in or 0.0, blocked, 0.0)

    def __repr__(self) -> str:
        return f"RedisBudget(api={self._api!r}, store={self._label!r})"


_CLIENTS: dict[str, Any] = {}
_BUDGETS: dict[tuple[str, ...], RedisBudget] = {}
_LOCK = threading.Lock()


def _client(url: str) -> Any:
    try:
        import redis
    except ImportError:
        raise ConfigurationError(
            "rate_limit_store needs the redis client: pip install 'prefect-prosonata-exeoflow[redis]'"
        ) from None
    client = _CLIENTS.get(url)
    if client is None:
        client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5, health_check_interval=30)
        _CLIENTS[url] = client
    return client


def shared_redis_budget(
    url: str,
    api: str,
    base_url: str,
    secret: str,
    *,
    clock: Clock | None = None,
    inflight_seconds: float = DEFAULT_INFLIGHT_SECONDS,
    **options: Unpack[BudgetOptions],
) -> RedisBudget:
    """This process's handle on the budget that every process using this key shares in ``url``."""
    url = check_store_url(url)
    name = f"{api}:{store_fingerprint(api, base_url, secret)}"
    key = (url, name, *(str(options.get(option)) for option in ("limit", "window_seconds", "aligned")),
           str(id(clock)) if clock else "")
    with _LOCK:
        budget = _BUDGETS.get(key)
        if budget is None:
            budget = RedisBudget(_client(url), name, api=api, clock=clock, inflight_seconds=inflight_seconds,
                                 store_label=safe_store_url(url), **options)
            _BUDGETS[key] = budget
        return budget


def reset_redis_budgets() -> None:
    """Forget this process's handles (the state in Redis stays; tests flush it themselves)."""
    with _LOCK:
        _BUDGETS.clear()
        for client in _CLIENTS.values():
            client.close()
        _CLIENTS.clear()
