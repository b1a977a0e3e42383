"""One deadline for the whole exchange and a size cap that bites while reading.

httpx's ``timeout`` bounds each socket operation, not the exchange: a server that sends a
header line or a body byte just inside the read timeout keeps a call alive for ever, and an
answer of any size is read whole into memory. Two small pieces fix that for both drivers:

* :func:`deadline` sets the moment the current attempt must be over (a context variable, so
  threads and asyncio tasks each have their own). The connection pool's network backend is
  wrapped (:func:`install`) so that every connect, write and read waits at most until that
  moment: trickled headers and trickled bodies both run out of time. Reads between body chunks
  check it too, which also covers transports the pool does not serve (tests' mock transports).
* A response hook swaps the body stream for a counting one that raises
  :class:`~.errors.ResponseTooLargeError` once ``max_bytes`` is passed (or at once when
  ``Content-Length`` says so), so an oversized answer is never held whole.

The cost per request is a context-variable lookup and a clock read per socket operation.
"""

from __future__ import annotations

import contextvars
import ssl
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import Any

import httpcore
import httpx

from .errors import ResponseTooLargeError

_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("ppe_exchange_deadline", default=None)


class deadline:  # lower case: used like a function, ``with deadline(30) as moment``
    """Everything sent and read inside this block must be done within ``seconds``.

    A class, not ``@contextmanager``: it is entered on every request, and the generator-based
    form costs three times as much.
    """

    __slots__ = ("_moment", "_token")

    def __init__(self, seconds: float) -> None:
        self._moment = time.monotonic() + seconds

    def __enter__(self) -> float:
        self._token = _DEADLINE.set(self._moment)
        return self._moment

    def __exit__(self, *exc: object) -> None:
        _DEADLINE.reset(self._token)


def expired() -> bool:
    """True when the current exchange's deadline has passed."""
    moment = _DEADLINE.get()
    return moment is not None and time.monotonic() >= moment


def _bounded(timeout: float | None, error: type[Exception]) -> float | None:
    moment = _DEADLINE.get()
    if moment is None:
        return timeout
    remaining = moment - time.monotonic()
    if remaining <= 0:
        raise error("the exchange's deadline passed")
    return remaining if timeout is None else min(timeout, remaining)


# -- the network backend: every socket operation waits at most until the deadline -----------------
class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, _bounded(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.connect_tcp(host, port, bounded, local_address, socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.connect_unix_socket(path, bounded, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _AsyncStream(httpcore.AsyncNetworkStream):
    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        inner = await self._inner.start_tls(ssl_context, server_hostname, _bounded(timeout, httpcore.ConnectTimeout))
        return _AsyncStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _AsyncBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self._inner = inner

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(await self._inner.connect_tcp(host, port, bounded, local_address, socket_options))

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(await self._inner.connect_unix_socket(path, bounded, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def install(client: httpx.Client | httpx.AsyncClient) -> None:
    """Wrap the network backend of the client's connection pools (default and proxy transports).

    httpx has no public hook for this; the pools' ``_network_backend`` attribute is httpcore's
    (stable across httpcore 1.x). A transport without one (a test's mock) keeps the chunk checks.
    """
    transports = [getattr(client, "_transport", None), *getattr(client, "_mounts", {}).values()]
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if backend is None or isinstance(backend, (_Backend, _AsyncBackend)):
            continue
        wrapper = _AsyncBackend if isinstance(client, httpx.AsyncClient) else _Backend
        pool._network_backend = wrapper(backend)  # type: ignore[union-attr]


# -- the size cap (and the deadline between body chunks) -----------------------------------------
def _too_large(response: httpx.Response, limit: int, api: str) -> ResponseTooLargeError:
    request = response.request
    return ResponseTooLargeError(
        f"the answer is larger than max_response_bytes={limit}; reading stopped there",
        status=response.status_code, api=api, method=request.method, path=request.url.path,
    )


def _timed_out(request: httpx.Request) -> httpx.ReadTimeout:
    return httpx.ReadTimeout("the exchange's deadline passed while the body was arriving", request=request)


class _Cap:
    """What both capped streams check on every chunk: the size cap and the exchange's deadline."""

    def __init__(self, response: httpx.Response, limit: int, api: str) -> None:
        self._inner: Any = response.stream
        self._response, self._limit, self._api = response, limit, api
        self._seen = 0

    def _admit(self, chunk: bytes) -> bytes:
        self._seen += len(chunk)
        if self._seen > self._limit:
            raise _too_large(self._response, self._limit, self._api)
        if expired():
            raise _timed_out(self._response.request)
        return chunk


class _CappedStream(_Cap, httpx.SyncByteStream):
    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            yield self._admit(chunk)

    def close(self) -> None:
        self._inner.close()


class _AsyncCappedStream(_Cap, httpx.AsyncByteStream):
    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            yield self._admit(chunk)

    async def aclose(self) -> None:
        await self._inner.aclose()


def _check_length(response: httpx.Response, limit: int, api: str) -> None:
    declared = response.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise _too_large(response, limit, api)


def size_cap(limit: int, api: str) -> Callable[[httpx.Response], None]:
    """A sync response hook: refuse a declared oversize at once, count the rest while reading."""

    def hook(response: httpx.Response) -> None:
        _check_length(response, limit, api)
        response.stream = _CappedStream(response, limit, api)

    return hook


def async_size_cap(limit: int, api: str) -> Callable[[httpx.Response], Any]:
    """The async twin of :func:`size_cap`."""

    async def hook(response: httpx.Response) -> None:
        _check_length(response, limit, api)
        response.stream = _AsyncCappedStream(response, limit, api)

    return hook
