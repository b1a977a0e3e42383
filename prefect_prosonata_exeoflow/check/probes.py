"""Which read-only calls the check makes, derived from each API's own endpoint declarations.

Nothing here lists endpoints a second time: ProSonata's probes come from its resources table
(every resource that can be listed or read one by one), Exeoflow's and EnDocs' from the
endpoints their ``Endpoints`` classes declare. A call factory becomes a probe when every argument it requires can
be supplied (an id from a listing read before, or a fixed value) and the call it builds is a
``GET`` to the API's own base URL; so a new read endpoint is checked without touching this
module, and a write is never even built with real ids.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from .._core.endpoints import declared
from .._core.errors import APIError
from .._core.http import Call

#: The only method the check sends.
READ_METHOD = "GET"
#: The ``RequestID`` log tag EnDocs feeds are read with, so the vendor can find the check's calls.
REQUEST_TAG = "prefect-prosonata-exeoflow-check"


@dataclass(frozen=True)
class IdFrom:
    """An argument taken from the first record of another probe's answer."""

    probe: str | None  # None: no listing provides one; the endpoint is reported, not called
    field: str
    sample: Any  # a value of the right type, to build the call once without I/O


@dataclass(frozen=True)
class Probe:
    """One read-only endpoint and how to call it with the smallest answer."""

    api: str
    name: str
    build: Callable[..., Call[Any]]
    needs: Mapping[str, IdFrom] = field(default_factory=dict)


def probes_from_factories(
    api: str,
    factories: Mapping[str, Callable[..., Any]],
    *,
    ids: Mapping[str, IdFrom],
    fixed: Mapping[str, Any],
) -> list[Probe]:
    """The read-only probes among call factories: those buildable from ``ids`` and ``fixed``."""
    probes = []
    for name, factory in factories.items():
        kwargs: dict[str, Any] = {}
        needs: dict[str, IdFrom] = {}
        buildable = True
        for parameter in inspect.signature(factory).parameters.values():
            if parameter.name in fixed:
                kwargs[parameter.name] = fixed[parameter.name]
            elif parameter.default is inspect.Parameter.empty:
                source = ids.get(parameter.name)
                if source is None:
                    buildable = False  # a body, a name, a status: this is not a read
                    break
                needs[parameter.name] = source
        if not buildable:
            continue
        try:
            call = factory(**kwargs, **{name: source.sample for name, source in needs.items()})
        except (APIError, TypeError, ValueError):
            continue
        if isinstance(call, Call) and is_read(call):
            probes.append(Probe(api, name, partial(factory, **kwargs), needs))
    # Listings first: the reads of one record take their ids from them.
    return sorted(probes, key=lambda probe: bool(probe.needs))


def is_read(call: Call[Any]) -> bool:
    """A GET to a path below the API's base URL (never an absolute URL such as a webhook's)."""
    return call.method.upper() == READ_METHOD and not urlsplit(call.path).scheme


def public_factories(owner: type) -> dict[str, Callable[..., Any]]:
    """The endpoints a class declares (:func:`.._core.endpoints.declared`), a paged one by its listing's name."""
    return {name.removesuffix("_page") if value.paging else name: value for name, value in declared(owner).items()}


def prosonata_probes() -> list[Probe]:
    """A one-row listing and a read of that row for every ProSonata resource that allows them."""
    from ..prosonata.client import ACCESSORS

    probes = []
    for accessor in ACCESSORS.values():
        resource = accessor.resource
        listing = f"list_{resource.plural}"
        if resource.supports("list"):
            probes.append(Probe("prosonata", listing, partial(accessor.page, page=1, per_page=1)))
        if resource.supports("get"):
            source = IdFrom(listing if resource.supports("list") else None, resource.id_field, 1)
            probes.append(Probe("prosonata", f"get_{resource.singular}", vars(accessor)["get"], {"item_id": source}))
    return sorted(probes, key=lambda probe: bool(probe.needs))


def exeoflow_probes() -> list[Probe]:
    from ..exeoflow.calls import Endpoints

    ids = {
        "workflow_id": IdFrom("list_workflows", "id", "wf_0"),
        "execution_id": IdFrom("list_executions", "id", "exec_0"),
    }
    return probes_from_factories("exeoflow", public_factories(Endpoints), ids=ids, fixed={"page": 1, "limit": 1})


def endocs_probes() -> list[Probe]:
    from ..endocs.calls import Endpoints, FileKind

    ids = {
        "document_id": IdFrom("get_new_invoices", "id", 1),
        "contract_id": IdFrom("get_new_contracts", "id", 1),
        "item_id": IdFrom("get_non_form_documents", "id", 1),  # with kind=NonFormID below
        # The feeds hold only records without a 1C id (that is what puts them in a feed).
        "ext_id": IdFrom(None, "ext_ID", "1"),
    }
    fixed = {"since_id": 0, "request_id": REQUEST_TAG, "kind": FileKind.NON_FORM_ID}
    return probes_from_factories("endocs", public_factories(Endpoints), ids=ids, fixed=fixed)


#: Probes per API, in the order the check runs them.
PROBES: dict[str, Callable[[], list[Probe]]] = {
    "prosonata": prosonata_probes,
    "exeoflow": exeoflow_probes,
    "endocs": endocs_probes,
}


def first_value(data: Any, key: str) -> Any:
    """The first non-null ``key`` in an answer, searching records breadth-first."""
    queue = [data]
    while queue:
        item = queue.pop(0)
        if isinstance(item, Mapping):
            if item.get(key) is not None:
                return item[key]
            queue.extend(item.values())
        elif isinstance(item, list):
            queue.extend(item)
    return None
