"""One way to declare an endpoint, for all three APIs: the client methods come from the declaration.

A declaration is a small function that checks its arguments and says what they become
(:class:`Request`: path parameters, query, body), decorated with what is fixed about the
endpoint (method, path template, return model, idempotency, paging)::

    @endpoint("GET", "workflows/{workflow_id}", Workflow)
    def get_workflow(workflow_id: str) -> Request:
        \"\"\"One workflow with its nodes and connections.

        Args:
            workflow_id: The workflow's id (``wf_…``).
        \"\"\"
        return Request(path={"workflow_id": check_id(workflow_id, "workflow_id")})

The result, an :class:`Endpoint`, is three things at once:

* called with the arguments, it describes the call without I/O (a :class:`~.http.Call`);
* as a class attribute of a client it is that client's method: ``client.get_workflow(id)``
  sends the call with :class:`~.http.SyncClient` and returns an awaitable with
  :class:`~.http.AsyncClient` (both spell sending ``self.call(...)``), so one declaration makes
  the sync method and its async twin;
* it carries what ``docs/render_tasks.py`` needs to write the task pair, the catalogue and the
  task docstrings (signature, Args, return model, idempotency).

A paged endpoint (``paging=Paging(...)``) also makes the walk over every page
(:meth:`Endpoint.walk`) and the list of every row (:meth:`Endpoint.collect`). An endpoint whose
one argument is the id in its path is one line, its parameter typed, described and checked as
the API's table of ids says (:meth:`Declarer.by_id`)::

    get_workflow = endpoint.by_id("get_workflow", "GET", "workflows/{workflow_id}", Workflow,
                                  "One workflow with its nodes and connections.")
"""

from __future__ import annotations

import inspect
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from .dialect import Reply
from .http import ANY_SUCCESS, AsyncClient, Call, SyncClient
from .pagination import Page, aiterate_pages, iterate_pages
from .paths import fill
from .policy import is_idempotent

T = TypeVar("T")
_NOTHING: frozenset[int] = frozenset()


@dataclass(slots=True)  # not frozen: made once per call, and a frozen init costs more than the rest
class Request:
    """What a declaration's arguments become: path parameters, query, body, and a parse of its own.

    ``parse`` replaces the endpoint's parser when the answer is read with an argument (a page
    number, a cursor); ``url`` replaces the path for an absolute URL the API handed out.
    """

    path: Mapping[str, Any] | None = None
    params: Mapping[str, Any] | None = None
    json: Any = None
    headers: Mapping[str, str] | None = None
    parse: Callable[[Reply], Any] | None = None
    url: str | None = None
    method: str | None = None


@dataclass(frozen=True)
class Paging:
    """How a paged endpoint pages: its page and size parameters, largest size, how rows are told apart."""

    page: str
    size: str
    max_size: int
    to_page: Callable[[Any], Page[Any]]
    key: Callable[[Any], Hashable]
    what: str


class Endpoint(Generic[T]):
    """One declared endpoint; see the module docstring."""

    def __init__(
        self,
        build: Callable[..., Request],
        *,
        api: str,
        method: str,
        path: str,
        returns: Any,
        parse: Callable[[Reply], T],
        idempotent: bool | None = None,
        empty_ok: frozenset[int] = _NOTHING,
        use_budget: bool = True,
        paging: Paging | None = None,
        example: str = "",
    ) -> None:
        self.build, self.api, self.method, self.path = build, api, method, path
        self.returns, self.parse, self.idempotent, self.empty_ok = returns, parse, idempotent, empty_ok
        self.use_budget, self.paging, self.example = use_budget, paging, example
        self.name = self.__name__ = build.__name__
        self.__doc__ = build.__doc__
        self.__signature__ = inspect.signature(build)
        self.__wrapped__ = build

    @property
    def retry_safe(self) -> bool:
        """Whether sending it twice does no more than once (Prefect may then retry its task)."""
        return is_idempotent(self.method, self.idempotent)

    def __call__(self, *args: Any, **kwargs: Any) -> Call[T]:
        """The call these arguments describe, checked, without I/O."""
        request = self.build(*args, **kwargs)
        path = request.path
        return Call(
            request.method or self.method,
            request.url or (fill(self.path, api=self.api, **path) if path else self.path),
            params=request.params,
            json=request.json,
            headers=request.headers,
            idempotent=self.idempotent,
            use_budget=self.use_budget,
            parse=request.parse or self.parse,
            empty_ok=self.empty_ok,
        )

    def __set_name__(self, owner: type, name: str) -> None:
        self.attribute = name

    if TYPE_CHECKING:
        @overload
        def __get__(self, obj: None, owner: type | None = None) -> Endpoint[T]: ...

        @overload
        def __get__(self, obj: SyncClient, owner: type | None = None) -> Callable[..., T]: ...

        @overload
        def __get__(self, obj: AsyncClient, owner: type | None = None) -> Callable[..., Awaitable[T]]: ...

        @overload
        def __get__(self, obj: Any, owner: type | None = None) -> Any: ...

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        """On a client: the method that sends the call (sync or async as the client is)."""
        if obj is None:
            return self
        send, describe = obj.call, self.__call__

        def method(*args: Any, **kwargs: Any) -> Any:
            return send(describe(*args, **kwargs))

        method.__name__ = method.__qualname__ = self.name
        method.__doc__ = self.__doc__
        obj.__dict__[getattr(self, "attribute", self.name)] = method  # later lookups skip this descriptor
        return method

    def walk(self) -> Walk:
        """The descriptor of the walk over every page (``iter_…``)."""
        return Walk(self, collect=False)

    def collect(self) -> Walk:
        """The descriptor of the list of every row (``list_…``)."""
        return Walk(self, collect=True)


class Walk:
    """``iter_x(*filters, limit=None)`` / ``list_x(...)`` over a paged endpoint, sync or async.

    The filters are the page call's parameters other than page and size; they are checked
    before the first page is due. ``list_x(..., page=n, page_size=k)`` reads that one page only.
    """

    def __init__(self, endpoint: Endpoint[Any], *, collect: bool) -> None:
        assert endpoint.paging is not None, f"{endpoint.name} is not paged"
        self.endpoint, self.paging, self.collect = endpoint, endpoint.paging, collect
        parameters = [p for name, p in endpoint.__signature__.parameters.items()
                      if name not in (self.paging.page, self.paging.size)]
        self.filters = endpoint.__signature__.replace(parameters=parameters)
        limit = inspect.Parameter("limit", inspect.Parameter.KEYWORD_ONLY, default=None, annotation="int | None")
        keyword = [p for p in parameters if p.kind is inspect.Parameter.VAR_KEYWORD]
        plain = [p for p in parameters if p.kind is not inspect.Parameter.VAR_KEYWORD]
        returns = "list[Any]" if collect else "Iterator[Any]"
        self.page_size = endpoint.__signature__.parameters[self.paging.size].default
        one_page = [inspect.Parameter("page", inspect.Parameter.KEYWORD_ONLY, default=None, annotation="int | None"),
                    inspect.Parameter("page_size", inspect.Parameter.KEYWORD_ONLY, default=self.page_size,
                                      annotation="int")] if collect else []
        self.__signature__ = self.filters.replace(parameters=[*plain, limit, *one_page, *keyword],
                                                  return_annotation=returns)

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def _bound(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        arguments = self.filters.bind(*args, **kwargs).arguments
        flat: dict[str, Any] = {}
        for name, value in arguments.items():
            if self.filters.parameters[name].kind is inspect.Parameter.VAR_KEYWORD:
                flat.update(value)
            else:
                flat[name] = value
        return flat

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        endpoint, paging, send = self.endpoint, self.paging, obj.call
        guards = {"max_page_size": paging.max_size, "max_pages": obj.settings.max_pages, "key": paging.key,
                  "what": paging.what, "api": endpoint.api}

        def calls(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Callable[[int, int], Call[Any]]:
            filters = self._bound(args, kwargs)
            endpoint(**{paging.page: 1, paging.size: paging.max_size}, **filters)  # checked now, not at page 1

            def page_call(page: int, size: int) -> Call[Any]:
                return endpoint(**{paging.page: page, paging.size: size}, **filters)

            return page_call

        def only(args: tuple[Any, ...], kwargs: dict[str, Any], page: int, size: int | None) -> Call[Any]:
            """The call of one page the caller named (``list_x(..., page=n)``)."""
            return endpoint(**{paging.page: page, paging.size: self.page_size if size is None else size},
                            **self._bound(args, kwargs))

        if obj.asynchronous:
            def awalk(*args: Any, limit: int | None = None, **kwargs: Any) -> AsyncIterator[Any]:
                page_call = calls(args, kwargs)

                async def fetch(page: int, size: int) -> Page[Any]:
                    return paging.to_page(await send(page_call(page, size)))

                return aiterate_pages(fetch, limit=limit, **guards)

            async def alist(*args: Any, limit: int | None = None, page: int | None = None,
                            page_size: int | None = None, **kwargs: Any) -> list[Any]:
                if page is not None:
                    return list(paging.to_page(await send(only(args, kwargs, page, page_size))).items)
                return [row async for row in awalk(*args, limit=limit, **kwargs)]

            return alist if self.collect else awalk

        def walk(*args: Any, limit: int | None = None, **kwargs: Any) -> Iterator[Any]:
            page_call = calls(args, kwargs)
            return iterate_pages(lambda page, size: paging.to_page(send(page_call(page, size))), limit=limit,
                                 **guards)

        def collect(*args: Any, limit: int | None = None, page: int | None = None, page_size: int | None = None,
                    **kwargs: Any) -> list[Any]:
            if page is not None:
                return list(paging.to_page(send(only(args, kwargs, page, page_size))).items)
            return list(walk(*args, limit=limit, **kwargs))

        return collect if self.collect else walk


@dataclass(frozen=True)
class PathId:
    """One kind of id an API takes in its paths: its type, its description, its check.

    ``check(value, field)`` raises the API's InvalidRequestError for a bad id and returns what
    goes into the path.
    """

    annotation: str
    doc: str
    check: Callable[[Any, str], Any]


class Declarer:
    """The ``@endpoint(method, path, returns, ...)`` decorator of one API.

    ``returns`` is the answer's model (``type(None)`` for no answer); it is read with
    ``model_parser(returns)`` unless the declaration passes its own ``parse``. ``ids`` are the
    API's path ids by parameter name, for :meth:`by_id`.
    """

    def __init__(self, api: str, model_parser: Callable[[type[Any]], Callable[[Reply], Any]],
                 ids: Mapping[str, PathId] | None = None) -> None:
        self.api, self.model_parser, self.ids = api, model_parser, dict(ids or {})

    def __call__(self, method: str, path: str, returns: type[T], *, parse: Callable[[Reply], T] | None = None,
                 idempotent: bool | None = None, empty_ok: frozenset[int] = _NOTHING, use_budget: bool = True,
                 paging: Paging | None = None, example: str = "") -> Callable[[Callable[..., Request]], Endpoint[T]]:
        nothing = returns is type(None)
        reader = parse if parse is not None else (_nothing if nothing else self.model_parser(returns))

        def declare(build: Callable[..., Request]) -> Endpoint[T]:
            return Endpoint(build, api=self.api, method=method, path=path, returns=returns, parse=reader,
                            idempotent=idempotent, empty_ok=ANY_SUCCESS if nothing else empty_ok,
                            use_budget=use_budget, paging=paging, example=example)

        return declare

    def by_id(self, name: str, method: str, path: str, returns: type[T], summary: str, **options: Any) -> Endpoint[T]:
        """An endpoint whose one argument is the one id in its path (``get_workflow(workflow_id)``),
        described and checked as :attr:`ids` says; ``options`` as for ``@endpoint``."""
        (field,) = re.findall(r"\{(\w+)\}", path)
        kind = self.ids[field]
        signature = inspect.Signature(
            [inspect.Parameter(field, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=kind.annotation)],
            return_annotation="Request",
        )

        def build(*args: Any, **kwargs: Any) -> Request:
            value = args[0] if len(args) == 1 and not kwargs else signature.bind(*args, **kwargs).arguments[field]
            return Request(path={field: kind.check(value, field)})

        build.__name__ = build.__qualname__ = name
        build.__signature__ = signature  # type: ignore[attr-defined]
        build.__doc__ = f"{summary}\n\nArgs:\n    {field}: {kind.doc}\n"
        return self(method, path, returns, **options)(build)


def declarer(api: str, model_parser: Callable[[type[Any]], Callable[[Reply], Any]],
             ids: Mapping[str, PathId] | None = None) -> Declarer:
    """The ``@endpoint`` decorator of one API (see :class:`Declarer`)."""
    return Declarer(api, model_parser, ids)


def _nothing(reply: Reply) -> None:
    return None


def declared(owner: type) -> dict[str, Endpoint[Any]]:
    """The endpoints a class declares (its own and inherited), by attribute name, in order."""
    found: dict[str, Endpoint[Any]] = {}
    for klass in reversed(owner.__mro__):
        for name, value in vars(klass).items():
            if isinstance(value, Endpoint):
                found[name] = value
    return found


F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Operation:
    """A client method built on declared endpoints that is a task of its own (e.g. execute-and-wait)."""

    task: str
    sends: tuple[str, ...]
    retry_safe: bool = False
    example: str = ""
    #: The module of the API whose task is written by hand (it takes arguments the method does not).
    written_in: str = ""
    #: What the sync method returns (the async one: an awaitable of it).
    returns: str = ""


def operation(task: str, *, sends: tuple[str, ...], returns: str, example: str = "",
              written_in: str = "") -> Callable[[F], F]:
    """Mark a client method as the task ``task``, which sends the endpoints ``sends`` (never retried)."""

    def mark(method: F) -> F:
        method.__operation__ = Operation(task, sends, False, example, written_in, returns)  # type: ignore[attr-defined]
        return method

    return mark
