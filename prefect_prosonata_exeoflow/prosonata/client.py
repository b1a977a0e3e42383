"""ProSonata clients: one accessor per resource, each call described once for sync and async.

>>> with credentials.get_client() as client:
...     for entry in client.project_times.iter(date=between("2026-11-01", "2026-11-30")):
...         ...
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from .._core.errors import InvalidRequestError, MalformedResponseError
from .._core.http import ANY_SUCCESS, NO_CONTENT, AsyncClient, Call, SyncClient
from .._core.dialect import Reply
from .._core.pagination import Page, aiterate_pages, iterate_pages
from .._core.paths import fill
from .dialect import API_NAME, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from .encoding import OrderBy, check_id, check_page_args, encode_body, encode_filters, encode_order
from . import models as m
from .models import ListPage
from .resources import RESOURCES, Method, Resource

M = TypeVar("M", bound=BaseModel)


class ResourceCalls(Generic[M]):
    """The calls of one resource, validated and described without I/O."""

    def __init__(self, resource: Resource) -> None:
        self.resource = resource

    def _require(self, method: Method) -> None:
        if not self.resource.supports(method):
            verbs = ", ".join(sorted(self.resource.methods))
            raise InvalidRequestError(f"ProSonata {self.resource.path} cannot {method} through the API (only {verbs})")

    def page(
        self, *, page: int, per_page: int, order_by: OrderBy | None, filters: Mapping[str, Any]
    ) -> Call[ListPage]:
        self._require("list")
        check_page_args(page, per_page)
        params: dict[str, Any] = {**encode_filters(self.resource, filters), "page": page, "perPage": per_page}
        order = encode_order(self.resource, order_by)
        if order:
            params["orderBy"] = order
        # PS-U8 (docs/apis/prosonata.md): no rows is 204 without a body; an empty 200 is an error.
        return Call("GET", self.resource.path, params=params, parse=self._parse_page(page, per_page),
                    empty_ok=NO_CONTENT)

    def _path(self, item_id: int | str) -> str:
        return fill(f"{self.resource.path}/{{item_id}}", item_id=check_id(self.resource, item_id), api=API_NAME)

    def get(self, item_id: int | str) -> Call[M]:
        self._require("get")
        return Call("GET", self._path(item_id), parse=self._parse_one)

    def create(self, fields: Mapping[str, Any]) -> Call[M]:
        self._require("create")
        body = encode_body(self.resource, fields, creating=True)
        return Call("POST", self.resource.path, json=body, idempotent=False, parse=self._parse_one)

    def update(self, item_id: int | str, fields: Mapping[str, Any]) -> Call[M]:
        self._require("update")
        path = self._path(item_id)
        return Call("PUT", path, json=encode_body(self.resource, fields, creating=False), parse=self._parse_one)

    def delete(self, item_id: int | str) -> Call[None]:
        self._require("delete")
        return Call("DELETE", self._path(item_id), parse=_nothing, empty_ok=ANY_SUCCESS)

    def _parse_one(self, reply: Reply) -> M:
        return self.resource.model.model_validate(reply.data)  # type: ignore[return-value]

    def _parse_page(self, page: int, per_page: int) -> Any:
        model = self.resource.model

        def parse(reply: Reply) -> ListPage:
            rows = reply.data
            if not isinstance(rows, list):
                raise MalformedResponseError(f"expected a list of rows in data, got {type(rows).__name__}",
                                             status=reply.status)
            meta = reply.meta
            return ListPage(
                items=[model.model_validate(row) for row in rows],
                page=int(meta.get("page", page)),
                per_page=int(meta.get("perPage", per_page)),
                total_count=int(meta.get("totalCount", len(rows))),
            )

        return parse


def _nothing(reply: Reply) -> None:
    return None


def _merge(data: Mapping[str, Any] | BaseModel | None, fields: Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(data, BaseModel):
        data = data.model_dump(exclude_unset=True)
    return {**(data or {}), **fields}


def _as_page(page: ListPage) -> Page[Any]:
    return Page(page.items, page.has_more, page.total_count)


def _guards(client: SyncClient | AsyncClient, resource: Resource) -> dict[str, Any]:
    """The walk's guards: page cap from the block, rows told apart by the resource's id field."""
    id_field = resource.id_field
    return {"max_pages": client.settings.max_pages, "key": lambda row: getattr(row, id_field, None),
            "what": f"{resource.path} listing", "api": API_NAME}


class SyncResource(Generic[M]):
    """Blocking accessor for one resource, e.g. ``client.project_times``."""

    def __init__(self, client: SyncClient, resource: Resource) -> None:
        self._client = client
        self._calls: ResourceCalls[M] = ResourceCalls(resource)

    def page(self, page: int = 1, per_page: int = DEFAULT_PAGE_SIZE, *, order_by: OrderBy | None = None,
             **filters: Any) -> ListPage:
        """One page with its counters (``total_count``)."""
        return self._client.call(self._calls.page(page=page, per_page=per_page, order_by=order_by, filters=filters))

    def iter(self, *, limit: int | None = None, order_by: OrderBy | None = None, **filters: Any) -> Iterator[M]:
        """Stream every matching row at the largest page size, in constant memory."""
        self._calls.page(page=1, per_page=MAX_PAGE_SIZE, order_by=order_by, filters=filters)  # validate now
        return iterate_pages(
            lambda page, size: _as_page(self.page(page, size, order_by=order_by, **filters)),
            max_page_size=MAX_PAGE_SIZE,
            limit=limit,
            **_guards(self._client, self._calls.resource),
        )

    def list(self, *, limit: int | None = None, order_by: OrderBy | None = None, **filters: Any) -> list[M]:
        """Every matching row (or the first ``limit``), all pages fetched."""
        return list(self.iter(limit=limit, order_by=order_by, **filters))

    def get(self, item_id: int | str) -> M:
        return self._client.call(self._calls.get(item_id))

    def create(self, data: Mapping[str, Any] | BaseModel | None = None, **fields: Any) -> M:
        """Create a row; sent once, never repeated after it may have reached the server."""
        return self._client.call(self._calls.create(_merge(data, fields)))

    def update(self, item_id: int | str, data: Mapping[str, Any] | BaseModel | None = None, **fields: Any) -> M:
        """Partial update: only the fields given change."""
        return self._client.call(self._calls.update(item_id, _merge(data, fields)))

    def delete(self, item_id: int | str) -> None:
        self._client.call(self._calls.delete(item_id))


class AsyncResource(Generic[M]):
    """Asyncio accessor for one resource, e.g. ``client.project_times``."""

    def __init__(self, client: AsyncClient, resource: Resource) -> None:
        self._client = client
        self._calls: ResourceCalls[M] = ResourceCalls(resource)

    async def page(self, page: int = 1, per_page: int = DEFAULT_PAGE_SIZE, *, order_by: OrderBy | None = None,
                   **filters: Any) -> ListPage:
        return await self._client.call(
            self._calls.page(page=page, per_page=per_page, order_by=order_by, filters=filters)
        )

    def iter(self, *, limit: int | None = None, order_by: OrderBy | None = None, **filters: Any) -> AsyncIterator[M]:
        self._calls.page(page=1, per_page=MAX_PAGE_SIZE, order_by=order_by, filters=filters)

        async def fetch(page: int, size: int) -> Page[Any]:
            return _as_page(await self.page(page, size, order_by=order_by, **filters))

        return aiterate_pages(fetch, max_page_size=MAX_PAGE_SIZE, limit=limit,
                              **_guards(self._client, self._calls.resource))

    async def list(self, *, limit: int | None = None, order_by: OrderBy | None = None, **filters: Any) -> list[M]:
        return [row async for row in self.iter(limit=limit, order_by=order_by, **filters)]

    async def get(self, item_id: int | str) -> M:
        return await self._client.call(self._calls.get(item_id))

    async def create(self, data: Mapping[str, Any] | BaseModel | None = None, **fields: Any) -> M:
        return await self._client.call(self._calls.create(_merge(data, fields)))

    async def update(self, item_id: int | str, data: Mapping[str, Any] | BaseModel | None = None,
                     **fields: Any) -> M:
        return await self._client.call(self._calls.update(item_id, _merge(data, fields)))

    async def delete(self, item_id: int | str) -> None:
        await self._client.call(self._calls.delete(item_id))


class ProSonataClient(SyncClient):
    """Blocking ProSonata client; ``client.<resource>`` for each of the 14 resources."""

    projects: SyncResource[m.Project]
    project_times: SyncResource[m.ProjectTime]
    time_categories: SyncResource[m.TimeCategory]
    project_tasks: SyncResource[m.ProjectTask]
    working_times: SyncResource[m.WorkingTime]
    customers: SyncResource[m.Customer]
    addresses: SyncResource[m.Address]
    contacts: SyncResource[m.Contact]
    crm_events: SyncResource[m.CrmEvent]
    service_templates: SyncResource[m.ServiceTemplate]
    external_costs: SyncResource[m.ExternalCost]
    quotations: SyncResource[m.Quotation]
    invoices: SyncResource[m.Invoice]
    users: SyncResource[m.User]

    def __getattr__(self, name: str) -> SyncResource[Any]:
        resource = _BY_ATTRIBUTE.get(name)
        if resource is None:
            raise AttributeError(name)
        accessor: SyncResource[Any] = SyncResource(self, resource)
        self.__dict__[name] = accessor
        return accessor

    def resource(self, path: str) -> SyncResource[Any]:
        """The accessor for an API path such as ``"projecttimes"``."""
        return getattr(self, _BY_PATH[path].plural)  # type: ignore[no-any-return]


class AsyncProSonataClient(AsyncClient):
    """Asyncio ProSonata client; ``client.<resource>`` for each of the 14 resources."""

    projects: AsyncResource[m.Project]
    project_times: AsyncResource[m.ProjectTime]
    time_categories: AsyncResource[m.TimeCategory]
    project_tasks: AsyncResource[m.ProjectTask]
    working_times: AsyncResource[m.WorkingTime]
    customers: AsyncResource[m.Customer]
    addresses: AsyncResource[m.Address]
    contacts: AsyncResource[m.Contact]
    crm_events: AsyncResource[m.CrmEvent]
    service_templates: AsyncResource[m.ServiceTemplate]
    external_costs: AsyncResource[m.ExternalCost]
    quotations: AsyncResource[m.Quotation]
    invoices: AsyncResource[m.Invoice]
    users: AsyncResource[m.User]

    def __getattr__(self, name: str) -> AsyncResource[Any]:
        resource = _BY_ATTRIBUTE.get(name)
        if resource is None:
            raise AttributeError(name)
        accessor: AsyncResource[Any] = AsyncResource(self, resource)
        self.__dict__[name] = accessor
        return accessor

    def resource(self, path: str) -> AsyncResource[Any]:
        return getattr(self, _BY_PATH[path].plural)  # type: ignore[no-any-return]


_BY_ATTRIBUTE = {resource.plural: resource for resource in RESOURCES}
_BY_PATH = {resource.path: resource for resource in RESOURCES}
