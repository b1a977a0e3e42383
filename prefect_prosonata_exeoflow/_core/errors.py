"""Every error the package raises, one tree for all three APIs.

```
APIError                       the API or the way to it failed: worth a retry, a wait or a report
├── APIConnectionError         no usable HTTP response (after the retries the policy allows)
│   ├── APITimeoutError
│   └── OutcomeUnknownError    a non-idempotent request may have reached the server; not re-sent
├── MalformedResponseError     not the documented shape: HTML, bad JSON, a needed body empty, a 3xx
│   ├── ResponseTooLargeError  the answer grew past ``max_response_bytes`` (stopped while reading)
│   └── PaginationError        a listing that repeats, outgrows its total or passes ``max_pages``
├── APIStatusError             the server answered with an error status
│   ├── BadRequestError        400 / 422, and the APIs' own validation errors
│   ├── AuthenticationError    401
│   ├── PermissionDeniedError  403
│   ├── NotFoundError          404
│   ├── ConflictError          409
│   ├── RateLimitError         429, carries ``retry_after`` (seconds)
│   └── ServerError            5xx
├── ExecutionFailedError       an Exeoflow execution ended without success (``execution``, ``code``)
│   └── ExecutionCancelledError    someone else cancelled it while we waited
├── ExecutionTimeoutError      an Exeoflow execution outlasted ``timeout`` (and was cancelled)
├── WaitStoppedError           the run is shutting down: the wait stopped, the execution was cancelled
└── LockError                  the cross-process lock (a Prefect concurrency limit) could not be taken
    └── LockTimeoutError       it stayed taken for longer than the timeout; nothing was started

ValueError
└── InvalidRequestError        local misuse: rejected before any request was sent
    └── ConfigurationError     a credentials block is incomplete or malformed
```

Misuse errors are deliberately *not* ``APIError``: ``except APIError`` handles what the
services and the network do, and lets a programming mistake surface. Code that feeds one
API's data into another (where a bad value is a data problem, not a bug) catches both.

Errors carry method, path, status and the server's message, never a credential: the request
URL is reduced to its path, and texts pass through the client's redaction before they get here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import ValidationError

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "ExecutionCancelledError",
    "ExecutionFailedError",
    "ExecutionTimeoutError",
    "InvalidRequestError",
    "LockError",
    "LockTimeoutError",
    "MalformedResponseError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "ServerError",
    "WaitStoppedError",
    "status_error_class",
]


class _PackageError(Exception):
    """A message plus where it happened (API, method, path); survives Prefect's pickling."""

    def __init__(
        self,
        message: str,
        *,
        api: str | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        self.message = message
        self.api = api
        self.method = method
        self.path = path
        super().__init__(self._render())

    def _render(self) -> str:
        where = " ".join(part for part in (self.method, self.path) if part)
        prefix = f"{self.api}: " if self.api else ""
        return f"{prefix}{self.message}" + (f" ({where})" if where else "")

    def __reduce__(self) -> tuple[Any, ...]:
        # Prefect pickles task exceptions into states; keyword-only arguments need this.
        return (_rebuild, (type(self), self.__dict__.copy()))


def _rebuild(cls: type[_PackageError], state: dict[str, Any]) -> _PackageError:
    error = cls.__new__(cls)
    error.__dict__.update(state)
    Exception.__init__(error, error._render())
    return error


class APIError(_PackageError):
    """Base of every error the APIs (or the network to them) cause."""


class InvalidRequestError(_PackageError, ValueError):
    """The arguments were rejected locally; nothing was sent. Not an :class:`APIError`."""


class ConfigurationError(InvalidRequestError):
    """A credentials block or client setting is missing or malformed."""


class APIConnectionError(APIError):
    """The server could not be reached or gave no usable response."""


class APITimeoutError(APIConnectionError):
    """The request timed out (after the allowed retries)."""


class OutcomeUnknownError(APIConnectionError):
    """A request that is not safe to repeat failed after it may have reached the server.

    It was deliberately not re-sent, so that nothing is created or started twice. Check the
    server's state (for example list the recent executions) before trying again.
    """


class MalformedResponseError(APIError):
    """The response is not in the API's documented shape (HTML page, broken or cut JSON)."""

    def __init__(self, message: str, *, status: int | None = None, **where: Any) -> None:
        self.status = status
        super().__init__(message, **where)


class ResponseTooLargeError(MalformedResponseError):
    """The answer exceeded ``max_response_bytes``; reading stopped there, the rest was never held.

    A server that sends gigabytes (by mistake or by malice) must not exhaust the worker's memory.
    Raise the block's ``max_response_bytes`` if a legitimate answer is really that large.
    """


class PaginationError(MalformedResponseError):
    """A paged listing that would not end or contradicts itself; stopped instead of looping.

    Raised when a page repeats the previous one, when more rows arrive than the server's own
    total announced, or after ``max_pages`` pages (a bound no real listing reaches).
    """


class APIStatusError(APIError):
    """The server answered with an error status; ``message`` is the server's own text."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: str | None = None,
        body: Any = None,
        **where: Any,
    ) -> None:
        self.status = status
        self.code = code
        self.body = body
        super().__init__(message, **where)

    def _render(self) -> str:
        code = f" [{self.code}]" if self.code else ""
        base = super()._render()
        prefix = f"{self.api}: " if self.api else ""
        return f"{prefix}HTTP {self.status}{code}: {base[len(prefix):]}"


class BadRequestError(APIStatusError):
    """400 or 422: the server rejected the request's content."""


class AuthenticationError(APIStatusError):
    """401: the key or token is missing, wrong or expired."""


class PermissionDeniedError(APIStatusError):
    """403: the key is valid but lacks the rights (or the module is switched off)."""


class NotFoundError(APIStatusError):
    """404: no such resource."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the server's state (for example a dangling reference)."""


class RateLimitError(APIStatusError):
    """429 that could not be waited out within the configured maximum wait."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        kwargs.setdefault("status", 429)
        super().__init__(message, **kwargs)

    def _render(self) -> str:
        base = super()._render()
        if self.retry_after is None:
            return base
        return f"{base}; retry after {self.retry_after:.1f}s"


class ServerError(APIStatusError):
    """5xx: the server failed (after the retries the policy allows)."""


class ExecutionFailedError(APIError):
    """The execution ended without success; ``execution`` is its final state, ``code`` its error code."""

    def __init__(self, message: str, *, execution: Any = None, code: str | None = None, **where: Any) -> None:
        self.execution = execution  # an exeoflow ``Execution``; typed loosely: the core imports no API
        self.code = code
        super().__init__(message, **where)


class ExecutionCancelledError(ExecutionFailedError):
    """The execution was cancelled by someone else while we waited."""


class ExecutionTimeoutError(APIError):
    """The execution did not end within ``timeout``; it was cancelled unless told otherwise."""

    def __init__(self, message: str, *, execution: Any = None, timeout: float | None = None, **where: Any) -> None:
        self.execution = execution
        self.timeout = timeout
        super().__init__(message, **where)


class WaitStoppedError(APIError):
    """The wait was stopped from outside (the run is shutting down); the execution was cancelled."""


class LockError(APIError):
    """The cross-process lock could not be taken (Prefect API errors); nothing was started."""


class LockTimeoutError(LockError):
    """The cross-process lock was not free within the timeout; nothing was started."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: BadRequestError,
    429: RateLimitError,
}


def status_error_class(status: int) -> type[APIStatusError]:
    """The error class for an HTTP error status."""
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, APIStatusError)


def describe_validation_error(error: ValidationError, *, most: int = 3) -> str:
    """``field: reason; ...`` for the first ``most`` problems of a pydantic error, and how many more.

    The one way the package words a value that does not fit a model (a block, a request body, an
    answer). The inputs are left out: one may hold a key.
    """
    problems = error.errors(include_url=False, include_input=False)
    parts = [_problem(item["loc"], str(item["msg"])) for item in problems[:most]]
    if len(problems) > most:
        parts.append(f"{len(problems) - most} more")
    return "; ".join(parts)


def _problem(loc: tuple[int | str, ...], message: str) -> str:
    where = ".".join(str(part) for part in loc)
    message = message.removeprefix("Value error, ")
    # A message that already names its field (or a rule of the whole model) is not prefixed again.
    return message if not where or message.startswith(where) else f"{where}: {message}"
