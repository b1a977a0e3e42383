"""One rate budget per API key for every process and machine: the budget kept in Redis.

:class:`~.budget.RateBudget` is exact inside one process. Several workers on one key each know
only their own calls plus what the server reports, so calls in flight in several processes
when a window runs out earn 429s, and EnDocs (which reports nothing) lets n processes send n
times the limit. :class:`RedisBudget` keeps the same picture in one Redis hash that every
process updates through one atomic Lua script, so it has the same interface (``reserve``,
``release``, ``block_for``) and the same rules as the in-process budget:

* **Clock:** Redis's own ``TIME``, so the machines' clocks do not matter (a test may pass a
  fake clock instead).
* **Window phase:** the server's, where the API reports a reset (ProSonata
  ``meta.apiLimitReset``, Exeoflow ``X-RateLimit-Reset``): the smallest reset bound seen in the
  window is kept in the store, so no process counts a window of its own phase (two phases would
  admit up to twice the limit in one server window). Hints about a window that has just ended
  are ignored; a hint whose reset lies beyond the current window starts a new one.
* **Remaining:** counted down by every reservation and lowered to the server's figure when that
  is lower (other tools spending the key); the first figure of a window replaces a count
  started from a merely learned limit.
* **Unknown budget:** one request (of all processes) probes it, the others poll.
* **Counting itself** (EnDocs): windows of the configured size aligned to the store's clock.
* **429:** ``block_for`` holds every process until the hinted time, and the next window starts
  there.
* **Calls in flight** are kept as reservations that expire (``inflight_seconds``), so a process
  that dies holding one blocks nothing for longer than that; the whole hash expires after its
  window, so a key nobody uses leaves nothing behind.

Not done here (the in-process budget's finer hint handling is the reference; port it into the
script when needed): a clock offset taken from the server's ``Date`` header (reset hints are
relative seconds, so only Exeoflow's epoch reset depends on the worker's clock), learning a
counting API's window phase from its 429s (EnDocs windows follow the store's clock), and a
single probe per backoff step after a 429 without a usable hint shared by all processes (each
process counts its own backoff steps; when a block ends, every process may send again up to the
learned limit).

Keys in Redis are named by a one-way fingerprint of the API, base URL and key, never the key.
Every call is one round trip (about 0.1-0.3 ms on loopback); in the async client it blocks the
event loop for that long, which is far below the time a rate-limited call waits anyway.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import threading
from collections import deque
from typing import Any
from urllib.parse import urlsplit

from .budget import PROBE_POLL_SECONDS, BudgetHint
from .clock import Clock
from .errors import APIConnectionError, ConfigurationError

#: Prefix of every key this package writes to the store.
KEY_PREFIX = "ppe:budget:"
#: A reservation not released within this many seconds counts as lost (its process died).
DEFAULT_INFLIGHT_SECONDS = 60.0
#: Two reset hints further apart than this belong to different windows (as in the in-process budget).
NEW_WINDOW_SLACK_SECONDS = 1.5
#: How long the store keeps a key's state after its window (or last use) when nothing renews it.
IDLE_EXPIRY_SECONDS = 3600.0

# One script for the three operations, so every change of the picture is atomic in Redis.
# KEYS: the state hash, the sorted set of reservations in flight (score: reserved at).
# ARGV: op, now ('' = Redis TIME), token, configured limit, window seconds, aligned, probe,
#       inflight seconds, hint remaining, hint reset_in, hint limit, block seconds, poll, slack, idle.
_SCRIPT = """
local state, flying = KEYS[1], KEYS[2]
local op = ARGV[1]
local now = tonumber(ARGV[2])
if now == nil then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local token = ARGV[3]
local cfg_limit, window = tonumber(ARGV[4]), tonumber(ARGV[5])
local aligned, probe = ARGV[6] == '1', ARGV[7] == '1'
local inflight_seconds = tonumber(ARGV[8])
local poll, slack, idle = tonumber(ARGV[13]), tonumber(ARGV[14]), tonumber(ARGV[15])

redis.call('ZREMRANGEBYSCORE', flying, '-inf', now - inflight_seconds)
local h = redis.call('HMGET', state, 'limit', 'learned', 'remaining', 'reset_at', 'blocked', 'provisional')
local function num(v) if v then return tonumber(v) end return nil end
local limit = num(h[1]) or cfg_limit
local learned, remaining, reset_at = num(h[2]), num(h[3]), num(h[4])
local blocked = num(h[5]) or 0
local provisional = h[6] == '1'
local counts_locally = window ~= nil and limit ~= nil
local inflight = redis.call('ZCARD', flying)

local function start_window()
  remaining = limit or learned
  provisional = limit == nil
  reset_at = nil
  if counts_locally then
    if aligned then
      reset_at = math.floor(now / window) * window + window
    else
      reset_at = now + window
    end
    if remaining then remaining = remaining - inflight end
  end
end

local function save(result)
  local fields = {'blocked', tostring(blocked), 'provisional', provisional and '1' or '0'}
  if limit then table.insert(fields, 'limit'); table.insert(fields, tostring(limit)) end
  if learned then table.insert(fields, 'learned'); table.insert(fields, tostring(learned)) end
  redis.call('HSET', state, unpack(fields))
  if remaining then redis.call('HSET', state, 'remaining', tostring(remaining))
  else redis.call('HDEL', state, 'remaining') end
  if reset_at then redis.call('HSET', state, 'reset_at', tostring(reset_at))
  else redis.call('HDEL', state, 'reset_at') end
  local horizon = math.max(blocked, reset_at or 0, now) - now + idle
  redis.call('PEXPIRE', state, math.ceil(horizon * 1000))
  redis.call('PEXPIRE', flying, math.ceil((inflight_seconds + 1) * 1000))
  return tostring(result)
end

local function admit()
  redis.call('ZADD', flying, now, token)
  return save(0)
end

if op == 'reserve' then
  if now < blocked then return tostring(blocked - now) end
  if reset_at and now >= reset_at then start_window() end
  if remaining == nil and counts_locally then start_window() end
  if remaining == nil then
    if probe and inflight > 0 then return tostring(poll) end
    return admit()
  end
  if remaining <= 0 then
    if reset_at == nil then
      if inflight > 0 then return save(poll) end
      return admit()
    end
    return save(math.max(reset_at - now, poll))
  end
  remaining = remaining - 1
  return admit()
end

if op == 'release' then
  if token ~= '' then redis.call('ZREM', flying, token) end
  inflight = redis.call('ZCARD', flying)
  local hint_remaining = tonumber(ARGV[9])
  if hint_remaining == nil then return save(0) end
  local hint_reset, hint_limit = tonumber(ARGV[10]), tonumber(ARGV[11])
  if hint_limit then limit = hint_limit end
  learned = math.max(learned or 0, hint_remaining + 1)
  local candidate = nil
  if hint_reset then candidate = now + math.max(hint_reset, 0) end
  if reset_at and now >= reset_at then
    if candidate and candidate <= reset_at + slack then return save(0) end
    start_window()
  end
  local later = candidate and reset_at and candidate > reset_at + slack
  if remaining == nil or later or provisional then
    remaining = hint_remaining - inflight
    reset_at = candidate
    provisional = false
  else
    remaining = math.min(remaining, hint_remaining)
    if candidate then
      if reset_at then reset_at = math.min(reset_at, candidate) else reset_at = candidate end
    end
  end
  return save(0)
end

if op == 'block' then
  local seconds = math.max(tonumber(ARGV[12]) or 0, 0)
  blocked = math.max(blocked, now + seconds)
  remaining = 0
  reset_at = blocked
  return save(0)
end

if op == 'peek' then
  return cjson.encode({remaining = remaining, reset_in = reset_at and math.max(reset_at - now, 0) or nil,
                       inflight = inflight})
end
return redis.error_reply('unknown op ' .. op)
"""


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


class RedisBudget:
    """The budget of one API key, kept in Redis and shared by every process that uses the key."""

    def __init__(
        self,
        client: Any,
        name: str,
        *,
        api: str = "",
        clock: Clock | None = None,
        limit: int | None = None,
        window_seconds: float | None = None,
        aligned: bool = False,
        probe_when_unknown: bool = True,
        inflight_seconds: float = DEFAULT_INFLIGHT_SECONDS,
        store_label: str = "redis",
    ) -> None:
        import redis

        self._redis = client
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        self._keys = [f"{KEY_PREFIX}{name}", f"{KEY_PREFIX}{name}:inflight"]
        self._api = api
        self._clock = clock
        self._config = [
            "" if limit is None else str(limit),
            "" if window_seconds is None else repr(float(window_seconds)),
            "1" if aligned else "0",
            "1" if probe_when_unknown else "0",
            repr(float(inflight_seconds)),
        ]
        self._label = store_label
        self._script = client.register_script(_SCRIPT)
        self._tokens: deque[str] = deque()
        self._lock = threading.Lock()
        self._counter = itertools.count()
        self._prefix = f"{os.getpid()}:{id(self):x}:"
        self._probe_step = 0

    # -- the budget interface --------------------------------------------------------------
    def reserve(self) -> float:
        """Take one call from the shared budget: 0.0 means go, anything else is seconds to wait first."""
        token = f"{self._prefix}{next(self._counter)}"
        wait = float(self._run("reserve", token))
        if wait <= 0:
            with self._lock:
                self._tokens.append(token)
        return wait

    def release(
        self, hint: BudgetHint | None = None, *, sent_at: float | None = None, limited: bool | None = None
    ) -> None:
        """A reserved call is answered (or failed); ``hint`` is what the answer reported.

        ``sent_at`` is accepted for the in-process budget's interface; the store orders answers
        by its own clock. Any answer that is not a 429 ends this process's backoff steps."""
        with self._lock:
            token = self._tokens.popleft() if self._tokens else ""
            if limited is False:
                self._probe_step = 0
        extra = ["", "", ""] if hint is None else [
            str(hint.remaining),
            "" if hint.reset_in is None else repr(float(hint.reset_in)),
            "" if hint.limit is None else str(hint.limit),
        ]
        self._run("release", token, *extra)

    def block_for(self, seconds: float, *, sent_at: float | None = None, probe: bool = False) -> None:
        """A 429 said: nothing before ``seconds`` from now, for every process using this key.

        ``probe=True`` marks our own backoff after a 429 without a usable hint: it counts a
        backoff step of this process (see ``probe_step``)."""
        if probe:
            with self._lock:
                self._probe_step += 1
        self._run("block", "", "", "", "", repr(float(seconds)))

    @property
    def probe_step(self) -> int:
        """Consecutive 429s without a usable hint seen by this process (its backoff step)."""
        return self._probe_step

    # -- introspection (tests, benchmarks) ---------------------------------------------------
    def peek(self) -> dict[str, Any]:
        """The shared picture: remaining calls, seconds to the reset, reservations in flight."""
        data: dict[str, Any] = json.loads(self._run("peek", ""))
        return data

    @property
    def remaining(self) -> int | None:
        value = self.peek().get("remaining")
        return None if value is None else int(value)

    @property
    def reset_in(self) -> float | None:
        value = self.peek().get("reset_in")
        return None if value is None else float(value)

    def _run(self, op: str, token: str, *hint: str) -> str:
        hint_args = list(hint) + [""] * (4 - len(hint))
        now = "" if self._clock is None else repr(self._clock.time())
        args = [op, now, token, *self._config, *hint_args,
                repr(PROBE_POLL_SECONDS), repr(NEW_WINDOW_SLACK_SECONDS), repr(IDLE_EXPIRY_SECONDS)]
        try:
            result = self._script(keys=self._keys, args=args)
        except self._errors as exc:
            raise APIConnectionError(
                f"the shared rate-limit store {self._label} failed: {type(exc).__name__}: {exc}", api=self._api or None
            ) from None
        return result.decode() if isinstance(result, bytes) else str(result)

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
    limit: int | None = None,
    window_seconds: float | None = None,
    aligned: bool = False,
    probe_when_unknown: bool = True,
    inflight_seconds: float = DEFAULT_INFLIGHT_SECONDS,
) -> RedisBudget:
    """This process's handle on the budget that every process using this key shares in ``url``."""
    url = check_store_url(url)
    name = f"{api}:{store_fingerprint(api, base_url, secret)}"
    key = (url, name, str(limit), str(window_seconds), str(aligned), str(id(clock)) if clock else "")
    with _LOCK:
        budget = _BUDGETS.get(key)
        if budget is None:
            budget = RedisBudget(
                _client(url), name, api=api, clock=clock, limit=limit, window_seconds=window_seconds,
                aligned=aligned, probe_when_unknown=probe_when_unknown, inflight_seconds=inflight_seconds,
                store_label=safe_store_url(url),
            )
            _BUDGETS[key] = budget
        return budget


def reset_redis_budgets() -> None:
    """Forget this process's handles (the state in Redis stays; tests flush it themselves)."""
    with _LOCK:
        _BUDGETS.clear()
        for client in _CLIENTS.values():
            client.close()
        _CLIENTS.clear()
