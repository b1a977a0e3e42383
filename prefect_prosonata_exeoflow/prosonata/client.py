"""ProSonata clients: one accessor per resource, its calls declared once from the resource's row.

Every resource shares one shape (list, get, create, update, delete, as its row allows), so the
shape is written once, :func:`declare`, and each of the 14 rows of :mod:`.resources` becomes
one accessor class of :class:`~.._core.endpoints.Endpoint` declarations; sync and async
clients share them (``client.projects.get(45)`` / ``await aclient.projects.get(45)``).

>>> with credentials.get_client() as client:
...     for entry in client.project_times.iter(date=between("2026-11-01", "2026-11-30")):
...         ...
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from .._core.dialect import Reply
from .._core.endpoints import Paging, Request, declarer
from .._core.errors import InvalidRequestError, MalformedResponseError
from .._core.http import NO_CONTENT, AsyncClient, SyncClient
from .._core.pagination import Page
from .dialect import API_NAME, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from .encoding import OrderBy, check_id, check_page_args, encode_body, encode_filters, encode_order
from . import models as m
from .models import ListPage
from .resources import RESOURCES, Method, Resource

M = TypeVar("M", bound=BaseModel)


def _one(model: type[M]) -> Any:
    def parse(reply: Reply) -> M:
        return model.model_validate(reply.data)

    return parse


endpoint = declarer(API_NAME, _one)


def _require(resource: Resource, method: Method) -> None:
    if not resource.supports(method):
        verbs = ", ".join(sorted(resource.methods))
        raise InvalidRequestError(f"ProSonata {resource.path} cannot {method} through the API (only {verbs})")


def _merge(data: Mapping[str, Any] | BaseModel | None, fields: Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(data, BaseModel):
        data = data.model_dump(exclude_unset=True)
    return {**(data or {}), **fields}


def _as_page(page: ListPage) -> Page[Any]:
    return Page(page.items, page.has_more, page.total_count)


def _parse_page(model: type[BaseModel], page: int, per_page: int) -> Any:
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


def declare(resource: Resource) -> dict[str, Any]:
    """The calls of one resource, as endpoint declarations (``page``, ``iter``, ``list``, ``get``, ...)."""
    model, one = resource.model, f"{resource.path}/{{item_id}}"
    id_field = resource.id_field
    paging = Paging("page", "per_page", MAX_PAGE_SIZE, _as_page, key=lambda row: getattr(row, id_field, None),
                    what=f"{resource.path} listing")

    def item(item_id: int | str) -> dict[str, Any]:
        return {"item_id": check_id(resource, item_id)}

    # PS-U8 (docs/apis/prosonata.md): no rows is 204 without a body; an empty 200 is an error.
    @endpoint("GET", resource.path, ListPage, empty_ok=NO_CONTENT, paging=paging)
    def page(page: int = 1, per_page: int = DEFAULT_PAGE_SIZE, *, order_by: OrderBy | None = None,
             **filters: Any) -> Request:
        """One page with its counters (``total_count``)."""
        _require(resource, "list")
        check_page_args(page, per_page)
        params: dict[str, Any] = {**encode_filters(resource, filters), "page": page, "perPage": per_page}
        order = encode_order(resource, order_by)
        if order:
            params["orderBy"] = order
        return Request(params=params, parse=_parse_page(model, page, per_page))

    @endpoint("GET", one, model)
    def get(item_id: int | str) -> Request:
        """One row by its id."""
        _require(resource, "get")
        return Request(path=item(item_id))

    @endpoint("POST", resource.path, model, idempotent=False)
    def create(data: Mapping[str, Any] | BaseModel | None = None, **fields: Any) -> Request:
        """Create a row; sent once, never repeated after it may have reached the server."""
        _require(resource, "create")
        return Request(json=encode_body(resource, _merge(data, fields), creating=True))

    @endpoint("PUT", one, model)
    def update(item_id: int | str, data: Mapping[str, Any] | BaseModel | None = None, **fields: Any) -> Request:
        """Partial update: only the fields given change."""
        _require(resource, "update")
        path = item(item_id)
        return Request(path=path, json=encode_body(resource, _merge(data, fields), creating=False))

    @endpoint("DELETE", one, type(None))
    def delete(item_id: int | str) -> Request:
        """Delete one row by its id."""
        _require(resource, "delete")
        return Request(path=item(item_id))

    return {"page": page, "iter": page.walk(), "list": page.collect(), "get": get, "create": create,
            "update": update, "delete": delete}


class ResourceAccessor(Generic[M]):
    """The calls of one resource on one client, e.g. ``client.project_times`` (async: awaitables)."""

    resource: Resource
    # Declared per resource by declare(); sync or async as the client is, hence Any here.
    page: Any
    iter: Any
    list: Any
    get: Any
    create: Any
    update: Any
    delete: Any

    def __init__(self, client: SyncClient | AsyncClient) -> None:
        self.call, self.settings, self.asynchronous = client.call, client.settings, client.asynchronous


#: One accessor class per resource, by attribute name (``projects``, ``project_times``, ...).
ACCESSORS: dict[str, type[ResourceAccessor[Any]]] = {
    resource.plural: type(resource.plural, (ResourceAccessor,), {"resource": resource, **declare(resource)})
    for resource in RESOURCES
}


class _Resources:
    """What both clients share: ``client.<resource>``, made on first use from :data:`ACCESSORS`."""

    projects: ResourceAccessor[m.Project]
    project_times: ResourceAccessor[m.ProjectTime]
    time_categories: ResourceAccessor[m.TimeCategory]
    project_tasks: ResourceAccessor[m.ProjectTask]
    working_times: ResourceAccessor[m.WorkingTime]
    customers: ResourceAccessor[m.Customer]
    addresses: ResourceAccessor[m.Address]
    contacts: ResourceAccessor[m.Contact]
    crm_events: ResourceAccessor[m.CrmEvent]
    service_templates: ResourceAccessor[m.ServiceTemplate]
    external_costs: ResourceAccessor[m.ExternalCost]
    quotations: ResourceAccessor[m.Quotation]
    invoices: ResourceAccessor[m.Invoice]
    users: ResourceAccessor[m.User]

    def __getattr__(self, name: str) -> ResourceAccessor[Any]:
        accessor_class = ACCESSORS.get(name)
        if accessor_class is None:
            raise AttributeError(name)
        accessor: ResourceAccessor[Any] = accessor_class(self)  # type: ignore[arg-type]
        self.__dict__[name] = accessor
        return accessor

    def resource(self, path: str) -> ResourceAccessor[Any]:
        """The accessor for an API path such as ``"projecttimes"``."""
        return getattr(self, _BY_PATH[path].plural)  # type: ignore[no-any-return]


class ProSonataClient(_Resources, SyncClient):
    """Blocking ProSonata client; ``client.<resource>`` for each of the 14 resources."""


class AsyncProSonataClient(_Resources, AsyncClient):
    """Asyncio ProSonata client; ``client.<resource>`` for each of the 14 resources (methods awaited)."""


_BY_PATH = {resource.path: resource for resource in RESOURCES}
