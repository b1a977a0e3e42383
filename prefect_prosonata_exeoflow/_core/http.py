"""One HTTP core for the three APIs: pacing, retries, 429 hints, typed errors, redaction.

The logic lives once, in :func:`plan_request`, a plan (:mod:`.plans`) that *describes* an
exchange (``Send`` this request, ``Sleep`` that long) without doing any I/O. :class:`SyncClient`
and :class:`AsyncClient` only perform its actions with ``httpx.Client`` / ``httpx.AsyncClient``
and the clock, through the one driver loop (:func:`.plans.drive` / :func:`.plans.adrive`), so
sync and async behave identically by construction and tests can drive the plan with a fake clock.

Rules the plan follows:

* Before sending, reserve a call from the key's shared budget (:class:`~.budget.RateBudget`, or
  :class:`~.redis_budget.RedisBudget` across processes); when it
  is spent, wait for the reset (bounded by ``max_rate_limit_wait``) instead of provoking a 429.
* 429: wait what the server's hint says (the dialect parses it; :func:`~.dialect.sane_wait` is
  the one sanity rule for all APIs), then retry (plus jitter where no budget paces the callers).
  A hint longer than ``max_rate_limit_wait`` raises :class:`~.errors.RateLimitError` at once. Without a usable hint
  (none, garbage, a reset in the past) every caller of the key waits the shared backoff step and
  one request probes (:meth:`~.budget.RateBudget.block_for` with ``probe=True``).
* 5xx, timeouts, dropped connections: exponential backoff, but only for requests that cannot
  duplicate work (idempotent ones) or that provably never reached the server. Anything else
  raises :class:`~.errors.OutcomeUnknownError` and is never re-sent blindly.
* An answer is only a success when it is one: a 3xx (redirects are never followed) or an empty
  2xx where the call needs a body raises (:class:`~.errors.OutcomeUnknownError` for requests
  that may have acted), and a body the call cannot parse raises
  :class:`~.errors.MalformedResponseError` naming the request, never a bare parsing error.
* ``timeout`` bounds the whole exchange of one attempt (connect, headers, body) and answers
  stop being read at ``max_response_bytes`` (:mod:`.exchange`).
"""

from __future__ import annotations

import time
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Generic, NoReturn, Protocol, TypeVar
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx
from pydantic import ValidationError

from . import cookies, exchange
from .budget import Budget
from .checks import check_finite, positive_seconds
from .clock import SYSTEM_CLOCK, Clock, apause, pause
from .dialect import Dialect, Reply, excerpt, sane_wait
from .errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    ConfigurationError,
    InvalidRequestError,
    MalformedResponseError,
    OutcomeUnknownError,
    RateLimitError,
    ResponseTooLargeError,
    describe_validation_error,
    status_error_class,
)
from . import events
from .logs import log_wait
from .pagination import DEFAULT_MAX_PAGES
from .policy import RETRYABLE_STATUSES, RetryPolicy, is_idempotent, never_reached_server, wait_cap
from .plans import Send, Sleep, adrive, drive
from .redaction import Redactor, warn_if_insecure

USER_AGENT = "prefect-prosonata-exeoflow/0.1"
_Self = TypeVar("_Self")
#: A socket timeout may fire this early before the deadline it was set to.
_DEADLINE_SLACK = 0.05
#: Budget waits shorter than this, right after a logged one, are re-checks and stay unlogged.
BRIEF_WAIT_SECONDS = 0.1
T = TypeVar("T")
#: Statuses at which an empty body is an answer: "204 No Content" says so itself.
NO_CONTENT: frozenset[int] = frozenset({204})
#: Any success may come without a body (calls whose answer is not read, e.g. a delete).
ANY_SUCCESS: frozenset[int] = frozenset(range(200, 300))
#: Default cap on one answer's size: far above any page or record these APIs return.
DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024


def _data(reply: Reply) -> Any:
    return reply.data


def _reply(reply: Reply) -> Reply:
    return reply


@dataclass(frozen=True)
class Call(Generic[T]):
    """One endpoint call described without I/O, so it is written once for sync and async.

    An API module builds ``Call`` objects (validating arguments before anything is sent);
    ``client.call(c)`` / ``await aclient.call(c)`` send it and apply ``parse`` to the reply.
    """

    method: str
    path: str
    params: Mapping[str, Any] | None = None
    json: Any = None
    headers: Mapping[str, str] | None = None
    idempotent: bool | None = None
    use_budget: bool = True
    parse: Callable[[Reply], T] = _data
    #: Statuses at which an empty body is a valid answer; at any other 2xx it raises.
    empty_ok: frozenset[int] = frozenset()


class Guard(Protocol):
    """An outer, cross-process admission check taken before every request (see issue 6)."""

    def acquire(self) -> None: ...

    async def aacquire(self) -> None: ...


@dataclass
class ClientSettings:
    """Everything a client needs; built by a credentials block, or by hand in tests."""

    base_url: str
    dialect: Dialect
    # Hold the keys: kept out of repr(), so logging the settings cannot show them.
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    secrets: tuple[str, ...] = field(default=(), repr=False)
    timeout: float = 30.0
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    budget: Budget | None = None
    clock: Clock = SYSTEM_CLOCK
    guard: Guard | None = None
    verify: bool = True
    #: Largest answer read, in bytes; a larger one raises ResponseTooLargeError while arriving.
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    #: Pages a listing walk may fetch before it raises PaginationError.
    max_pages: int = DEFAULT_MAX_PAGES

    def __post_init__(self) -> None:
        try:
            self.timeout = positive_seconds(self.timeout, "timeout", api=self.dialect.api)
        except InvalidRequestError as exc:
            raise ConfigurationError(exc.message, api=self.dialect.api) from None
        for name in ("max_response_bytes", "max_pages"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigurationError(f"{name} must be a positive integer, got {value!r}", api=self.dialect.api)


Action = Sleep | Send
Plan = Generator[Action, Any, Reply]
#: What sending can fail with that the request plan decides about (retry, raise): thrown back into it.
_SEND_FAILURES: tuple[type[BaseException], ...] = (httpx.TransportError, ResponseTooLargeError)


def plan_request(
    settings: ClientSettings,
    request: httpx.Request,
    *,
    idempotent: bool | None = None,
    use_budget: bool = True,
    empty_ok: frozenset[int] = NO_CONTENT,
) -> Plan:
    """The whole life of one API call as a sequence of Send/Sleep actions."""
    dialect, policy, redact = settings.dialect, settings.policy, Redactor(settings.secrets)
    cap = wait_cap()
    longest = policy.max_rate_limit_wait if cap is None else min(cap, policy.max_rate_limit_wait)
    method, path = request.method, request.url.path
    where = {"api": dialect.api, "method": method, "path": path}
    safe_to_repeat = is_idempotent(method, idempotent)
    budget = settings.budget if use_budget else None
    failures = 0
    rate_limited = 0
    wait_reason = "rate budget spent (remaining 0); waiting for the window to reset"
    wait_kind = "budget"

    while True:
        if budget is not None:
            wait = budget.reserve()
            announced = False
            while wait > 0:
                if wait > longest:
                    raise RateLimitError(
                        f"rate budget spent; the window resets in {wait:.0f}s, longer than {_wait_limit(policy, cap)}",
                        retry_after=wait,
                        **where,
                    )
                # No jitter: the budget hands out the window's calls one by one, so waking
                # together costs nothing, and jitter would only delay the first call of a window.
                # Brief re-checks (a probe's answer is awaited) are logged once, not every few ms.
                yield Sleep(wait, wait_reason, wait_kind, quiet=announced and wait < BRIEF_WAIT_SECONDS)
                announced = True
                wait = budget.reserve()
            wait_reason = "rate budget spent (remaining 0); waiting for the window to reset"
            wait_kind = "budget"
        sent_at = settings.clock.monotonic()
        try:
            response = yield Send(request)
        except httpx.TransportError as exc:
            if budget is not None:
                budget.release(sent_at=sent_at)
            can_retry = safe_to_repeat or never_reached_server(exc)
            if can_retry and failures < policy.max_retries:
                delay = policy.backoff(failures)
                failures += 1
                yield Sleep(delay, f"{type(exc).__name__} (attempt {failures}); backing off")
                continue
            raise _transport_error(exc, can_retry, failures, redact, where) from None
        except ResponseTooLargeError as exc:
            if budget is not None:
                budget.release(sent_at=sent_at)
            if not safe_to_repeat:
                raise OutcomeUnknownError(f"{exc.message}; the request may have taken effect and was not re-sent",
                                          **where) from None
            raise ResponseTooLargeError(exc.message, status=exc.status, **where) from None
        except BaseException:
            # Cancelled, terminated or closed while the call was out: its slot must not stay
            # "in flight" for good (later calls of this key would wait on it).
            if budget is not None:
                budget.release(sent_at=sent_at)
            raise

        status = response.status_code
        if 300 <= status < 400:
            if budget is not None:
                budget.release(sent_at=sent_at)
            _raise_unusable(_redirect(response, redact), status, safe_to_repeat, where)
        try:
            body = dialect.decode(response)
        except MalformedResponseError as exc:
            if budget is not None:
                budget.release(sent_at=sent_at)
            if status < 400:
                # A JSON answer that does not parse was cut or garbled on the way (a proxy, a
                # dropped stream): reading again is harmless when the request is safe to repeat.
                # Non-JSON (an HTML portal, a wrong base URL) will not heal: raise at once.
                if safe_to_repeat and _claims_json(response) and failures < policy.max_retries:
                    delay = policy.backoff(failures)
                    failures += 1
                    yield Sleep(delay, f"unreadable JSON body (attempt {failures}); backing off")
                    continue
                raise MalformedResponseError(redact(exc.message), status=status, **where) from None
            body = excerpt(response.content)
        failed_status = dialect.failure_status(response, body)
        if budget is not None:
            budget.release(dialect.budget_hint(response, body), sent_at=sent_at, limited=failed_status == 429)
        if body is None and status < 300 and status not in empty_ok:
            message = f"HTTP {status} with an empty body, but this call needs an answer"
            _raise_unusable(message, status, safe_to_repeat, where)
        if failed_status is None:
            return dialect.unwrap(response, body)

        message, code = dialect.error_details(response, body)
        message = redact(message)
        if failed_status == 429:
            hint = sane_wait(dialect.retry_after(response, body))
            rate_limited += 1
            if hint is not None:
                wait = hint
                if budget is not None and wait <= policy.max_rate_limit_wait:
                    budget.block_for(wait, sent_at=sent_at)
                source = f"server's hint: {wait:.2f}s"
            else:
                # No usable hint: the step is shared by every caller of the key, one probe per step.
                wait = policy.rate_limit_backoff(budget.probe_step if budget is not None else rate_limited - 1)
                if budget is not None:
                    budget.block_for(wait, sent_at=sent_at, probe=True)
                source = f"no usable hint; backing off {wait:.2f}s, then one probe"
            if wait > longest:
                raise RateLimitError(
                    f"{message} (asks to wait {wait:.0f}s, longer than {_wait_limit(policy, cap)})",
                    retry_after=wait, code=code, body=body, **where,
                )
            if rate_limited > policy.max_rate_limit_retries:
                raise RateLimitError(message, retry_after=wait, code=code, body=body, **where)
            wait_reason, wait_kind = f"HTTP 429 ({source})", "429"
            if budget is None:
                yield Sleep(wait + policy.jitter(), wait_reason, wait_kind)
            continue
        if failed_status in RETRYABLE_STATUSES and safe_to_repeat and failures < policy.max_retries:
            delay = policy.backoff(failures)
            failures += 1
            yield Sleep(delay, f"HTTP {failed_status} (attempt {failures}); backing off")
            continue
        error_class = status_error_class(failed_status)
        if failed_status >= 500 and not safe_to_repeat:
            raise OutcomeUnknownError(
                f"HTTP {failed_status} after the server received a request that is not safe to "
                f"repeat; it was not re-sent: {message}",
                **where,
            )
        raise error_class(message, status=failed_status, code=code, body=_safe_body(body, redact), **where)


def _wait_limit(policy: RetryPolicy, cap: float | None) -> str:
    """Which bound a refused wait passed, for the error (built only when one is raised)."""
    if cap is not None and cap < policy.max_rate_limit_wait:
        return f"the {cap:g}s a call may wait while a lock is held"
    return f"max_rate_limit_wait={policy.max_rate_limit_wait:g}s"


def _redirect(response: httpx.Response, redact: Redactor) -> str:
    location = urlsplit(response.headers.get("location", ""))
    target = f" to {redact(location.netloc + location.path)!r}" if location.netloc or location.path else ""
    return (f"HTTP {response.status_code} redirect{target} is not followed (keys must not travel to another "
            "URL); check the base URL")


def _raise_unusable(message: str, status: int, safe_to_repeat: bool, where: dict[str, Any]) -> NoReturn:
    """A non-error answer that cannot be the call's result (an unfollowed redirect, a missing body)."""
    if not safe_to_repeat:
        raise OutcomeUnknownError(f"{message}; the request may have taken effect and was not re-sent", **where)
    raise MalformedResponseError(message, status=status, **where)


def parse_reply(call: Call[T], reply: Reply, request: httpx.Request, settings: ClientSettings) -> T:
    """``call.parse(reply)``; a body of the wrong shape raises the package's error naming the request."""
    try:
        return call.parse(reply)
    except APIError as exc:
        if exc.method is None:
            raise _placed(exc, _where(settings, request)) from None
        raise
    except (ValidationError, ValueError, TypeError, KeyError, AttributeError) as exc:
        detail = _shape_detail(exc)
    where = _where(settings, request)
    message = f"the answer does not have the expected shape ({detail})"
    if not is_idempotent(request.method, call.idempotent):
        raise OutcomeUnknownError(f"{message}; the request may have taken effect and was not re-sent", **where)
    raise MalformedResponseError(message, status=reply.status, **where)


def _where(settings: ClientSettings, request: httpx.Request) -> dict[str, Any]:
    return {"api": settings.dialect.api, "method": request.method, "path": request.url.path}


def _placed(error: APIError, where: dict[str, Any]) -> APIError:
    """The same error with the request it belongs to filled in."""
    for key, value in where.items():
        if getattr(error, key, None) is None:
            setattr(error, key, value)
    error.args = (error._render(),)
    return error


def _shape_detail(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return describe_validation_error(exc)
    return excerpt(f"{type(exc).__name__}: {exc}")


def _claims_json(response: httpx.Response) -> bool:
    return "json" in response.headers.get("content-type", "").lower()


def _safe_body(body: Any, redact: Redactor) -> Any:
    """The error body with every secret masked, also inside JSON objects and lists."""
    if isinstance(body, str):
        return redact(body)
    if isinstance(body, Mapping):
        return {key: _safe_body(value, redact) for key, value in body.items()}
    if isinstance(body, list):
        return [_safe_body(value, redact) for value in body]
    return body


def _transport_error(
    exc: httpx.TransportError, could_retry: bool, failures: int, redact: Redactor, where: dict[str, Any]
) -> APIError:
    detail = redact(str(exc) or type(exc).__name__)
    tries = f" after {failures + 1} attempts" if failures else ""
    if not could_retry:
        return OutcomeUnknownError(
            f"{type(exc).__name__} after the request may have reached the server ({detail}); "
            "it is not safe to repeat and was not re-sent",
            **where,
        )
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"timed out{tries}: {detail}", **where)
    return APIConnectionError(f"{type(exc).__name__}{tries}: {detail}", **where)


class _attempt(exchange.deadline):  # lower case: used like a function, ``with _attempt(...)``
    """One send within the exchange's deadline; a timeout at that deadline says so (httpx's own
    text says only "timed out"). Both drivers send through it, so the rule is written once."""

    __slots__ = ("_request", "_timeout")

    # The base class is called by name, not through super(): this runs on every request.
    def __init__(self, timeout: float, request: httpx.Request) -> None:
        exchange.deadline.__init__(self, timeout)
        self._timeout, self._request = timeout, request

    def __exit__(self, *exc_info: object) -> None:
        exchange.deadline.__exit__(self)
        exc = exc_info[1]
        if exc is None:
            return
        if isinstance(exc, httpx.TimeoutException) and time.monotonic() >= self._moment - _DEADLINE_SLACK:
            message = f"no complete answer within timeout={self._timeout:g}s (connect, headers and body together)"
            raise type(exc)(message, request=self._request) from None
        if isinstance(exc, httpx.TransportError):
            raise exc from None


def _log_sleep(settings: ClientSettings, action: Sleep) -> None:
    """Every wait is logged (see :mod:`.logs`); rate-limit waits are also Prefect events."""
    if action.quiet:
        return
    api, until = settings.dialect.api, settings.clock.time() + action.seconds
    log_wait(api, action.seconds, action.reason, until=until, failure=action.kind != "budget")
    if action.kind != "backoff":
        events.rate_limit_wait(api, settings.base_url, action.seconds, until, action.reason,
                               status_429=action.kind == "429")


class _ClientBase:
    """Shared construction for both drivers: the httpx client with headers, timeout, base URL."""

    settings: ClientSettings
    #: The httpx client's base URL as text (ends in "/"): relative paths are appended to it.
    _base: str

    #: True for the asyncio driver: it opens an ``httpx.AsyncClient`` (else an ``httpx.Client``).
    asynchronous: bool

    def __init__(self, settings: ClientSettings,
                 transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None) -> None:
        self.settings = settings
        self._http = (httpx.AsyncClient if self.asynchronous else httpx.Client)(**self._build_kwargs(transport))
        self._base = str(self._http.base_url)
        exchange.install(self._http)
        cookies.install(self._http)

    def _build_kwargs(self, transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None) -> dict[str, Any]:
        warn_if_insecure(self.settings.base_url)
        size_cap = exchange.async_size_cap if self.asynchronous else exchange.size_cap
        hook = size_cap(self.settings.max_response_bytes, self.settings.dialect.api)
        kwargs: dict[str, Any] = {
            "base_url": self.settings.base_url.rstrip("/") + "/",
            "headers": {"User-Agent": USER_AGENT, "Accept": "application/json", **self.settings.headers},
            "timeout": httpx.Timeout(self.settings.timeout),
            "verify": self.settings.verify,
            "follow_redirects": False,
            "event_hooks": {"response": [hook]},
        }
        if transport is not None:
            kwargs["transport"] = transport
        return kwargs

    def _build(self, call: Call[Any]) -> httpx.Request:
        """The HTTP request a call describes (its body checked first)."""
        path, headers = call.path, call.headers
        if call.json is not None:
            check_finite(call.json, "the request body", api=self.settings.dialect.api)
        absolute = bool(urlsplit(path).scheme)
        # A relative path is appended to the base URL as text, as httpx would merge it, but parsed
        # once instead of three times (the path, then the base URL copied with it).
        request: httpx.Request = self._http.build_request(
            call.method, path if absolute else self._base + path.lstrip("/"), params=_clean_params(call.params),
            json=call.json,
            headers=headers,
        )
        if absolute:
            # The block's key headers go only to its base URL: an absolute URL the API handed out
            # (an Exeoflow webhook) gets only the headers the caller passes for it.
            explicit = {name.lower() for name in headers or {}}
            for name in self.settings.headers:
                if name.lower() not in explicit:
                    request.headers.pop(name, None)
        return request

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
        use_budget: bool = True,
        empty_ok: frozenset[int] = NO_CONTENT,
    ) -> Any:
        """Send one API call through the plan: the unwrapped reply (async: an awaitable of it) or APIError."""
        request = self._build(Call(method, path, params=params, json=json, headers=headers))
        return self._send(request, idempotent, use_budget, empty_ok)  # type: ignore[attr-defined]

    def call(self, call: Call[T]) -> Any:
        """Send a described call and parse its reply (async: an awaitable of the parsed reply)."""
        request = self._build(call)
        settings = self.settings

        def finish(reply: Reply) -> T:
            return parse_reply(call, reply, request, settings)

        return self._send(request, call.idempotent, call.use_budget, call.empty_ok, finish)  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(api={self.settings.dialect.api!r}, base_url={self.settings.base_url!r})"


def _clean_params(params: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not params:
        return None
    return {key: value for key, value in params.items() if value is not None}


class SyncClient(_ClientBase):
    """Blocking client: one connection pool, closed with ``close()`` or a ``with`` block."""

    #: Declared endpoints (:mod:`.endpoints`) send with ``self.call`` and return its result.
    asynchronous = False

    _http: httpx.Client

    def __init__(self, settings: ClientSettings, *, transport: httpx.BaseTransport | None = None) -> None:
        super().__init__(settings, transport)

    def _send(self, request: httpx.Request, idempotent: bool | None, use_budget: bool,
              empty_ok: frozenset[int], finish: Callable[[Reply], Any] = _reply) -> Any:
        if self.settings.guard is not None and use_budget:
            self.settings.guard.acquire()
        plan = plan_request(self.settings, request, idempotent=idempotent, use_budget=use_budget, empty_ok=empty_ok)
        return finish(self._drive(plan))

    def _drive(self, plan: Plan) -> Reply:
        return drive(plan, self._perform, _SEND_FAILURES)

    def _perform(self, action: Action) -> httpx.Response | None:
        if isinstance(action, Sleep):
            _log_sleep(self.settings, action)
            pause(self.settings.clock, action.seconds, self.settings.dialect.api)
            return None
        with _attempt(self.settings.timeout, action.request):
            return self._http.send(action.request)

    def close(self) -> None:
        self._http.close()

    def __enter__(self: _Self) -> _Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncClient(_ClientBase):
    """Asyncio client with the same behaviour as :class:`SyncClient`."""

    #: Declared endpoints (:mod:`.endpoints`) send with ``self.call`` and return its awaitable.
    asynchronous = True

    _http: httpx.AsyncClient

    def __init__(self, settings: ClientSettings, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        super().__init__(settings, transport)

    async def _send(self, request: httpx.Request, idempotent: bool | None, use_budget: bool,
                    empty_ok: frozenset[int], finish: Callable[[Reply], Any] = _reply) -> Any:
        if self.settings.guard is not None and use_budget:
            await self.settings.guard.aacquire()
        plan = plan_request(self.settings, request, idempotent=idempotent, use_budget=use_budget, empty_ok=empty_ok)
        return finish(await self._drive(plan))

    async def _drive(self, plan: Plan) -> Reply:
        return await adrive(plan, self._perform, _SEND_FAILURES)

    async def _perform(self, action: Action) -> httpx.Response | None:
        if isinstance(action, Sleep):
            _log_sleep(self.settings, action)
            await apause(self.settings.clock, action.seconds, self.settings.dialect.api)
            return None
        with _attempt(self.settings.timeout, action.request):
            return await self._http.send(action.request)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self: _Self) -> _Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
