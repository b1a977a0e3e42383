"""Prefect tasks for every ProSonata endpoint: a sync task and its async twin (``a`` prefix).

Each pair is made from one row of :mod:`.resources` by a factory below (through
:func:`.._core.tasks.endpoint_tasks`, which derives the async twin), so all 14 resources
behave identically: lists paginate inside one task at the largest page size, 429s are waited
out inside the client with the server's own reset hint, creates are never retried.

>>> from prefect import flow
>>> @flow
... def yesterday(credentials: ProSonataCredentials):
...     return list_project_times(credentials, filters={"date": "2026-11-22"})
"""

from __future__ import annotations

from typing import Any

from prefect import Task

from .._core.tasks import endpoint_tasks
from .client import ProSonataClient
from .credentials import ProSonataCredentials
from .resources import (
    ADDRESSES, CONTACTS, CRM_EVENTS, CUSTOMERS, EXTERNAL_COSTS, INVOICES, PROJECT_TASKS, PROJECT_TIMES,
    PROJECTS, QUOTATIONS, SERVICE_TEMPLATES, TIME_CATEGORIES, USERS, WORKING_TIMES, Resource,
)

#: Every task pair this module defines (tests/test_exports.py checks the list against them).
__all__ = [
    "acreate_address",
    "acreate_contact",
    "acreate_crm_event",
    "acreate_customer",
    "acreate_external_cost",
    "acreate_project",
    "acreate_project_task",
    "acreate_project_time",
    "acreate_service_template",
    "acreate_working_time",
    "adelete_crm_event",
    "adelete_project_task",
    "adelete_project_time",
    "adelete_service_template",
    "adelete_working_time",
    "aget_address",
    "aget_contact",
    "aget_crm_event",
    "aget_customer",
    "aget_external_cost",
    "aget_invoice",
    "aget_project",
    "aget_project_task",
    "aget_project_time",
    "aget_quotation",
    "aget_service_template",
    "aget_time_category",
    "aget_user",
    "aget_working_time",
    "alist_addresses",
    "alist_contacts",
    "alist_crm_events",
    "alist_customers",
    "alist_external_costs",
    "alist_invoices",
    "alist_project_tasks",
    "alist_project_times",
    "alist_projects",
    "alist_quotations",
    "alist_service_templates",
    "alist_time_categories",
    "alist_users",
    "alist_working_times",
    "aupdate_address",
    "aupdate_contact",
    "aupdate_crm_event",
    "aupdate_customer",
    "aupdate_external_cost",
    "aupdate_project",
    "aupdate_project_task",
    "aupdate_project_time",
    "aupdate_service_template",
    "aupdate_working_time",
    "create_address",
    "create_contact",
    "create_crm_event",
    "create_customer",
    "create_external_cost",
    "create_project",
    "create_project_task",
    "create_project_time",
    "create_service_template",
    "create_working_time",
    "delete_crm_event",
    "delete_project_task",
    "delete_project_time",
    "delete_service_template",
    "delete_working_time",
    "get_address",
    "get_contact",
    "get_crm_event",
    "get_customer",
    "get_external_cost",
    "get_invoice",
    "get_project",
    "get_project_task",
    "get_project_time",
    "get_quotation",
    "get_service_template",
    "get_time_category",
    "get_user",
    "get_working_time",
    "list_addresses",
    "list_contacts",
    "list_crm_events",
    "list_customers",
    "list_external_costs",
    "list_invoices",
    "list_project_tasks",
    "list_project_times",
    "list_projects",
    "list_quotations",
    "list_service_templates",
    "list_time_categories",
    "list_users",
    "list_working_times",
    "update_address",
    "update_contact",
    "update_crm_event",
    "update_customer",
    "update_external_cost",
    "update_project",
    "update_project_task",
    "update_project_time",
    "update_service_template",
    "update_working_time",
]

TaskPair = tuple[Task[..., Any], Task[..., Any]]
endpoint = endpoint_tasks(ProSonataCredentials, "prosonata")
creating_endpoint = endpoint_tasks(ProSonataCredentials, "prosonata", safe_to_retry=False)


def _named(fn: Any, name: str, doc: str) -> Any:
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


def list_tasks(resource: Resource) -> TaskPair:
    """``list_<plural>``: every row matching ``filters`` (all pages), or the first ``limit``."""
    attr = resource.plural
    doc = (f"List ProSonata {resource.path} matching `filters` (documented filter names, e.g. dates as "
           f"'2026-11-01', '>2026-11-01' or between(a, b)), ordered by `order_by` (e.g. "
           f"'{resource.sort_keys[0]} DESC'); all pages, or the first `limit` rows.")

    def use(client: ProSonataClient, filters: dict[str, Any] | None = None, order_by: str | None = None,
            limit: int | None = None) -> list[Any]:
        return getattr(client, attr).list(limit=limit, order_by=order_by, **(filters or {}))  # type: ignore[no-any-return]

    return endpoint(_named(use, f"list_{resource.plural}", doc))


def get_tasks(resource: Resource) -> TaskPair:
    attr = resource.plural

    def use(client: ProSonataClient, item_id: int) -> Any:
        return getattr(client, attr).get(item_id)

    return endpoint(_named(use, f"get_{resource.singular}",
                           f"Read one ProSonata {resource.path} row by its {resource.id_field}."))


def create_tasks(resource: Resource) -> TaskPair:
    attr = resource.plural
    doc = (f"Create a ProSonata {resource.path} row from `fields` (required: "
           f"{', '.join(resource.required) or 'none'}). Sent once: never retried after it may have arrived.")

    def use(client: ProSonataClient, fields: dict[str, Any]) -> Any:
        return getattr(client, attr).create(fields)

    return creating_endpoint(_named(use, f"create_{resource.singular}", doc))


def update_tasks(resource: Resource) -> TaskPair:
    attr = resource.plural

    def use(client: ProSonataClient, item_id: int, fields: dict[str, Any]) -> Any:
        return getattr(client, attr).update(item_id, fields)

    return endpoint(_named(use, f"update_{resource.singular}",
                           f"Partially update a ProSonata {resource.path} row: only the given `fields` change."))


def delete_tasks(resource: Resource) -> TaskPair:
    attr = resource.plural

    def use(client: ProSonataClient, item_id: int) -> None:
        return getattr(client, attr).delete(item_id)  # type: ignore[no-any-return]

    return endpoint(_named(use, f"delete_{resource.singular}",
                           f"Delete a ProSonata {resource.path} row by its {resource.id_field}."))


# -- one line per endpoint ------------------------------------------------------------------------
list_projects, alist_projects = list_tasks(PROJECTS)
get_project, aget_project = get_tasks(PROJECTS)
create_project, acreate_project = create_tasks(PROJECTS)
update_project, aupdate_project = update_tasks(PROJECTS)

list_project_times, alist_project_times = list_tasks(PROJECT_TIMES)
get_project_time, aget_project_time = get_tasks(PROJECT_TIMES)
create_project_time, acreate_project_time = create_tasks(PROJECT_TIMES)
update_project_time, aupdate_project_time = update_tasks(PROJECT_TIMES)
delete_project_time, adelete_project_time = delete_tasks(PROJECT_TIMES)

list_time_categories, alist_time_categories = list_tasks(TIME_CATEGORIES)
get_time_category, aget_time_category = get_tasks(TIME_CATEGORIES)

list_project_tasks, alist_project_tasks = list_tasks(PROJECT_TASKS)
get_project_task, aget_project_task = get_tasks(PROJECT_TASKS)
create_project_task, acreate_project_task = create_tasks(PROJECT_TASKS)
update_project_task, aupdate_project_task = update_tasks(PROJECT_TASKS)
delete_project_task, adelete_project_task = delete_tasks(PROJECT_TASKS)

list_working_times, alist_working_times = list_tasks(WORKING_TIMES)
get_working_time, aget_working_time = get_tasks(WORKING_TIMES)
create_working_time, acreate_working_time = create_tasks(WORKING_TIMES)
update_working_time, aupdate_working_time = update_tasks(WORKING_TIMES)
delete_working_time, adelete_working_time = delete_tasks(WORKING_TIMES)

list_customers, alist_customers = list_tasks(CUSTOMERS)
get_customer, aget_customer = get_tasks(CUSTOMERS)
create_customer, acreate_customer = create_tasks(CUSTOMERS)
update_customer, aupdate_customer = update_tasks(CUSTOMERS)

list_addresses, alist_addresses = list_tasks(ADDRESSES)
get_address, aget_address = get_tasks(ADDRESSES)
create_address, acreate_address = create_tasks(ADDRESSES)
update_address, aupdate_address = update_tasks(ADDRESSES)

list_contacts, alist_contacts = list_tasks(CONTACTS)
get_contact, aget_contact = get_tasks(CONTACTS)
create_contact, acreate_contact = create_tasks(CONTACTS)
update_contact, aupdate_contact = update_tasks(CONTACTS)

list_crm_events, alist_crm_events = list_tasks(CRM_EVENTS)
get_crm_event, aget_crm_event = get_tasks(CRM_EVENTS)
create_crm_event, acreate_crm_event = create_tasks(CRM_EVENTS)
update_crm_event, aupdate_crm_event = update_tasks(CRM_EVENTS)
delete_crm_event, adelete_crm_event = delete_tasks(CRM_EVENTS)

list_service_templates, alist_service_templates = list_tasks(SERVICE_TEMPLATES)
get_service_template, aget_service_template = get_tasks(SERVICE_TEMPLATES)
create_service_template, acreate_service_template = create_tasks(SERVICE_TEMPLATES)
update_service_template, aupdate_service_template = update_tasks(SERVICE_TEMPLATES)
delete_service_template, adelete_service_template = delete_tasks(SERVICE_TEMPLATES)

list_external_costs, alist_external_costs = list_tasks(EXTERNAL_COSTS)
get_external_cost, aget_external_cost = get_tasks(EXTERNAL_COSTS)
create_external_cost, acreate_external_cost = create_tasks(EXTERNAL_COSTS)
update_external_cost, aupdate_external_cost = update_tasks(EXTERNAL_COSTS)

list_quotations, alist_quotations = list_tasks(QUOTATIONS)
get_quotation, aget_quotation = get_tasks(QUOTATIONS)

list_invoices, alist_invoices = list_tasks(INVOICES)
get_invoice, aget_invoice = get_tasks(INVOICES)

list_users, alist_users = list_tasks(USERS)
get_user, aget_user = get_tasks(USERS)
