# mypy: disable-error-code="no-any-return"
"""ProSonata tasks, each with its async twin (``a`` prefix), written from the rows of
``resources.RESOURCES``.

Regenerate with ``make docs``; tests/test_task_catalogue.py fails when this is stale. Creates are
never retried by Prefect. Each task's body is one call on the block's client; the Example of its
docstring is added by ``api_task`` from ``example=``.
"""

from __future__ import annotations

from typing import Any

from .._core.tasks import api_task, with_async_client, with_client
from .credentials import ProSonataCredentials
from . import models as m

__all__ = ["acreate_address", "acreate_contact", "acreate_crm_event", "acreate_customer",
    "acreate_external_cost", "acreate_project", "acreate_project_task", "acreate_project_time",
    "acreate_service_template", "acreate_working_time", "adelete_crm_event", "adelete_project_task",
    "adelete_project_time", "adelete_service_template", "adelete_working_time", "aget_address",
    "aget_contact", "aget_crm_event", "aget_customer", "aget_external_cost", "aget_invoice", "aget_project",
    "aget_project_task", "aget_project_time", "aget_quotation", "aget_service_template", "aget_time_category",
    "aget_user", "aget_working_time", "alist_addresses", "alist_contacts", "alist_crm_events",
    "alist_customers", "alist_external_costs", "alist_invoices", "alist_project_tasks", "alist_project_times",
    "alist_projects", "alist_quotations", "alist_service_templates", "alist_time_categories", "alist_users",
    "alist_working_times", "aupdate_address", "aupdate_contact", "aupdate_crm_event", "aupdate_customer",
    "aupdate_external_cost", "aupdate_project", "aupdate_project_task", "aupdate_project_time",
    "aupdate_service_template", "aupdate_working_time", "create_address", "create_contact",
    "create_crm_event", "create_customer", "create_external_cost", "create_project", "create_project_task",
    "create_project_time", "create_service_template", "create_working_time", "delete_crm_event",
    "delete_project_task", "delete_project_time", "delete_service_template", "delete_working_time",
    "get_address", "get_contact", "get_crm_event", "get_customer", "get_external_cost", "get_invoice",
    "get_project", "get_project_task", "get_project_time", "get_quotation", "get_service_template",
    "get_time_category", "get_user", "get_working_time", "list_addresses", "list_contacts", "list_crm_events",
    "list_customers", "list_external_costs", "list_invoices", "list_project_tasks", "list_project_times",
    "list_projects", "list_quotations", "list_service_templates", "list_time_categories", "list_users",
    "list_working_times", "update_address", "update_contact", "update_crm_event", "update_customer",
    "update_external_cost", "update_project", "update_project_task", "update_project_time",
    "update_service_template", "update_working_time"]


@api_task("prosonata-list_projects", example='limit=10')
def list_projects(
    credentials: ProSonataCredentials,
    filters: dict[str, Any] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> list[m.Project]:
    """Every ProSonata projects row matching ``filters``, ordered by ``order_by``; all pages at the largest
    page size, or the first ``limit`` rows.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        filters: Filters by their API names: ``projectNo``, ``projectName``, ``customerName``,
            ``lastName``, ``projectQuickInfo``, ``projectTags``, ``customerID``, ``contactID``,
            ``internalDepartment``, ``userResponsibleID``, ``projectStatus``, ``financeStatus``,
            ``recurringProject``, ``activeStatus``, ``userID``, ``projectDate``, ``projectDateEnd``.
            Dates as ``"2026-11-01"``, ``">2026-11-01"`` or ``between(a, b)``.
        order_by: A sort key and direction, e.g. ``"projectID DESC"``; keys: ``projectID``,
            ``projectName``, ``customerID``, ``customerName``, ``contactID``, ``lastName``,
            ``projectDate``, ``projectDateEnd``, ``projectStatus``, ``timeNeeded``.
        limit: At most this many rows; None for all.

    Returns:
        list[m.Project]: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.projects.list(limit=limit, order_by=order_by, **(filters or {})),
    )


@api_task("prosonata-alist_projects", twin_of=list_projects)
async def alist_projects(
    credentials: ProSonataCredentials,
    filters: dict[str, Any] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> list[m.Project]:
    return await with_async_client(
        credentials,
        lambda client: client.projects.list(limit=limit, order_by=order_by, **(filters or {})),
    )


@api_task("prosonata-get_project", example='1')
def get_project(credentials: ProSonataCredentials, item_id: int) -> m.Project:
    """One ProSonata projects row by its ``projectID``.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        item_id: The row's ``projectID``.

    Returns:
        m.Project: the parsed answer.
    """
    return with_client(credentials, lambda client: client.projects.get(item_id))


@api_task("prosonata-aget_project", twin_of=get_project)
async def aget_project(credentials: ProSonataCredentials, item_id: int) -> m.Project:
    return await with_async_client(credentials, lambda client: client.projects.get(item_id))


@api_task(
    "prosonata-create_project", safe_to_retry=False,
    example='{"projectName": ..., "customerID": ..., "contactID": ...}',
)
def create_project(credentials: ProSonataCredentials, fields: dict[str, Any]) -> m.Project:
    """Create a ProSonata projects row from ``fields`` (required: ``projectName``, ``customerID``,
    ``contactID``). Sent once: never retried after it may have arrived.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        fields: The row's fields by their API names.

    Returns:
        m.Project: the parsed answer.
    """
    return with_client(credentials, lambda client: client.projects.create(fields))


@api_task("prosonata-acreate_project", safe_to_retry=False, twin_of=create_project)
async def acreate_project(credentials: ProSonataCredentials, fields: dict[str, Any]) -> m.Project:
    return await with_async_client(credentials, lambda client: client.projects.create(fields))


@api_task("prosonata-update_project", example='1, {"...": ...}')
def update_project(credentials: ProSonataCredentials, item_id: int, fields: dict[str, Any]) -> m.Project:
    """Partially update a ProSonata projects row: only the given ``fields`` change.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        item_id: The row's ``projectID``.
        fields: The fields to change, by their API names.

    Returns:
        m.Project: the parsed answer.
    """
    return with_client(credentials, lambda client: client.projects.update(item_id, fields))


@api_task("prosonata-aupdate_project", twin_of=update_project)
async def aupdate_project(
    credentials: ProSonataCredentials,
    item_id: int,
    fields: dict[str, Any],
) -> m.Project:
    return await with_async_client(credentials, lambda client: client.projects.update(item_id, fields))


@api_task("prosonata-list_project_times", example='limit=10')
def list_project_times(
    credentials: ProSonataCredentials,
    filters: dict[str, Any] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> list[m.ProjectTime]:
    """Every ProSonata projecttimes row matching ``filters``, ordered by ``order_by``; all pages at the
    largest page size, or the first ``limit`` rows.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        filters: Filters by their API names: ``category``, ``categoryName``, ``detail``, ``projectNo``,
            ``projectName``, ``username``, ``date``, ``date2``, ``projectID``, ``customerID``,
            ``linkedTaskID``, ``userID``, ``notInvoiceable``, ``isInvoiced``. Dates as ``"2026-11-01"``,
            ``">2026-11-01"`` or ``between(a, b)``.
        order_by: A sort key and direction, e.g. ``"timeID DESC"``; keys: ``timeID``, ``category``,
            ``date``, ``projectID``, ``customerID``, ``userID``, ``notInvoiceable``, ``isInvoiced``.
        limit: At most this many rows; None for all.

    Returns:
        list[m.ProjectTime]: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.project_times.list(limit=limit, order_by=order_by, **(filters or {})),
    )


@api_task("prosonata-alist_project_times", twin_of=list_project_times)
async def alist_project_times(
    credentials: ProSonataCredentials,
    filters: dict[str, Any] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> list[m.ProjectTime]:
    return await with_async_client(
        credentials,
        lambda client: client.project_times.list(limit=limit, order_by=order_by, **(filters or {})),
    )


@api_task("prosonata-get_project_time", example='1')
def get_project_time(credentials: ProSonataCredentials, item_id: int) -> m.ProjectTime:
    """One ProSonata projecttimes row by its ``timeID``.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        item_id: The row's ``timeID``.

    Returns:
        m.ProjectTime: the parsed answer.
    """
    return with_client(credentials, lambda client: client.project_times.get(item_id))


@api_task("prosonata-aget_project_time", twin_of=get_project_time)
async def aget_project_time(credentials: ProSonataCredentials, item_id: int) -> m.ProjectTime:
    return await with_async_client(credentials, lambda client: client.project_times.get(item_id))


@api_task("prosonata-create_project_time", safe_to_retry=False, example='{"category": ..., "projectID": ...}')
def create_project_time(credentials: ProSonataCredentials, fields: dict[str, Any]) -> m.ProjectTime:
    """Create a ProSonata projecttimes row from ``fields`` (required: ``category``, ``projectID``). Sent
    once: never retried after it may have arrived.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        fields: The row's fields by their API names.

    Returns:
        m.ProjectTime: the parsed answer.
    """
    return with_client(credentials, lambda client: client.project_times.create(fields))


@api_task("prosonata-acreate_project_time", safe_to_retry=False, twin_of=create_project_time)
async def acreate_project_time(credentials: ProSonataCredentials, fields: dict[str, Any]) -> m.ProjectTime:
    return await with_async_client(credentials, lambda client: client.project_times.create(fields))


@api_task("prosonata-update_project_time", example='1, {"...": ...}')
def update_project_time(
    credentials: ProSonataCredentials,
    item_id: int,
    fields: dict[str, Any],
) -> m.ProjectTime:
    """Partially update a ProSonata projecttimes row: only the given ``fields`` change.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        item_id: The row's ``timeID``.
        fields: The fields to change, by their API names.

    Returns:
        m.ProjectTime: the parsed answer.
    """
    return with_client(credentials, lambda client: client.project_times.update(item_id, fields))


@api_task("prosonata-aupdate_project_time", twin_of=update_project_time)
async def aupdate_project_time(
    credentials: ProSonataCredentials,
    item_id: int,
    fields: dict[str, Any],
) -> m.ProjectTime:
    return await with_async_client(credentials, lambda client: client.project_times.update(item_id, fields))


@api_task("prosonata-delete_project_time", example='1')
def delete_project_time(credentials: ProSonataCredentials, item_id: int) -> None:
    """Delete a ProSonata projecttimes row by its ``timeID``.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        item_id: The row's ``timeID``.

    Returns:
        Nothing.
    """
    return with_client(credentials, lambda client: client.project_times.delete(item_id))


@api_task("prosonata-adelete_project_time", twin_of=delete_project_time)
async def adelete_project_time(credentials: ProSonataCredentials, item_id: int) -> None:
    return await with_async_client(credentials, lambda client: client.project_times.delete(item_id))


@api_task("prosonata-list_time_categories", example='limit=10')
def list_time_categories(
    credentials: ProSonataCredentials,
    filters: dict[str, Any] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> list[m.TimeCategory]:
    """Every ProSonata projecttimecategories row matching ``filters``, ordered by ``order_by``; all pages
    at the largest page size, or the first ``limit`` rows.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        filters: Filters by their API names: ``category``, ``categoryName``, ``active``,
            ``linkedCustomerID``, ``priceGroup``. Dates as ``"2026-11-01"``, ``">2026-11-01"`` or
            ``between(a, b)``.
        order_by: A sort key and direction, e.g. ``"category DESC"``; keys: ``category``,
            ``categoryOrder``, ``group``, ``categoryName``, ``active``, ``priceGroup``.
        limit: At most this many rows; None for all.

    Returns:
        list[m.TimeCategory]: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.time_categories.list(limit=limit, order_by=order_by, **(filters or {})),
    )


@api_task("prosonata-alist_time_categories", twin_of=list_time_categories)
async def alist_time_categories(
    credentials: ProSonataCredentials,
    filters: dict[str, Any] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> list[m.TimeCategory]:
    return await with_async_client(
        credentials,
        lambda client: client.time_categories.list(limit=limit, order_by=order_by, **(filters or {})),
    )


@api_task("prosonata-get_time_category", example='1')
def get_time_category(credentials: ProSonataCredentials, item_id: int) -> m.TimeCategory:
    """One ProSonata projecttimecategories row by its ``category``.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        item_id: The row's ``category``.

    Returns:
        m.TimeCategory: the parsed answer.
    """
    return with_client(credentials, lambda client: client.time_categories.get(item_id))


@api_task("prosonata-aget_time_category", twin_of=get_time_category)
async def aget_time_category(credentials: ProSonataCredentials, item_id: int) -> m.TimeCategory:
    return await with_async_client(credentials, lambda client: client.time_categories.get(item_id))


@api_task("prosonata-list_project_tasks", example='limit=10')
def list_project_tasks(
    credentials: ProSonataCredentials,
    filters: dict[str, Any] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> list[m.ProjectTask]:
    """Every ProSonata projecttasks row matching ``filters``, ordered by ``order_by``; all pages at the
    largest page size, or the first ``limit`` rows.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        filters: Filters by their API names: ``projectID``, ``customerID``, ``taskTimeCategory``,
            ``projectNo``, ``projectName``, ``customerName``, ``username``, ``taskName``, ``userID``,
            ``additionalUser``, ``taskDateStart``, ``taskDateEnd``, ``recurringTask``, ``taskPrio``,
            ``type``, ``read``, ``done``. Dates as ``"2026-11-01"``, ``">2026-11-01"`` or ``between(a,
            b)``.
        order_by: A sort key and direction, e.g. ``"taskID DESC"``; keys: ``taskID``, ``projectID``,
            ``customerID``, ``userID``, ``taskDateStart``, ``taskDateEnd``, ``taskOrder``, ``taskPrio``,
            ``type``, ``read``, ``done``.
        limit: At most this many rows; None for all.

    Returns:
        list[m.ProjectTask]: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.project_tasks.list(limit=limit, order_by=order_by, **(filters or {})),
    )


@api_task("prosonata-alist_project_tasks", twin_of=list_project_tasks)
async def alist_project_tasks(
    credentials: ProSonataCredentials,
    filters: dict[str, Any] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> list[m.ProjectTask]:
    return await with_async_client(
        credentials,
        lambda client: client.project_tasks.list(limit=limit, order_by=order_by, **(filters or {})),
    )


@api_task("prosonata-get_project_task", example='1')
def get_project_task(credentials: ProSonataCredentials, item_id: int) -> m.ProjectTask:
    """One ProSonata projecttasks row by its ``taskID``.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        item_id: The row's ``taskID``.

    Returns:
        m.ProjectTask: the parsed answer.
    """
    return with_client(credentials, lambda client: client.project_tasks.get(item_id))


@api_task("prosonata-aget_project_task", twin_of=get_project_task)
async def aget_project_task(credentials: ProSonataCredentials, item_id: int) -> m.ProjectTask:
    return await with_async_client(credentials, lambda client: client.project_tasks.get(item_id))


@api_task("prosonata-create_project_task", safe_to_retry=False, example='{"taskName": ..., "projectID": ...}')
def create_project_task(credentials: ProSonataCredentials, fields: dict[str, Any]) -> m.ProjectTask:
    """Create a ProSonata projecttasks row from ``fields`` (required: ``taskName``, ``projectID``). Sent
    once: never retried after it may have arrived.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        fields: The row's fields by their API names.

    Returns:
        m.ProjectTask: the parsed answer.
    """
    return with_client(credentials, lambda client: client.project_tasks.create(fields))


@api_task("prosonata-acreate_project_task", safe_to_retry=False, twin_of=create_project_task)
async def acreate_project_task(credentials: ProSonataCredentials, fields: dict[str, Any]) -> m.ProjectTask:
    return await with_async_client(credentials, lambda client: client.project_tasks.create(fields))


@api_task("prosonata-update_project_task", example='1, {"...": ...}')
def update_project_task(
    credentials: ProSonataCredentials,
    item_id: int,
    fields: dict[str, Any],
) -> m.ProjectTask:
    """Partially update a ProSonata projecttasks row: only the given ``fields`` change.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        item_id: The row's ``taskID``.
        fields: The fields to change, by their API names.

    Returns:
        m.ProjectTask: the parsed answer.
    """
    return with_client(credentials, lambda client: client.project_tasks.update(item_id, fields))


@api_task("prosonata-aupdate_project_task", twin_of=update_project_task)
async def aupdate_project_task(
    credentials: ProSonataCredentials,
    item_id: int,
    fields: dict[str, Any],
) -> m.ProjectTask:
    return await with_async_client(credentials, lambda client: client.project_tasks.update(item_id, fields))


@api_task("prosonata-delete_project_task", example='1')
def delete_project_task(credentials: ProSonataCredentials, item_id: int) -> None:
    """Delete a ProSonata projecttasks row by its ``taskID``.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        item_id: The row's ``taskID``.

    Returns:
        Nothing.
    """
    return with_client(credentials, lambda client: client.project_tasks.delete(item_id))


@api_task("prosonata-adelete_project_task", twin_of=delete_project_task)
async def adelete_project_task(credentials: ProSonataCredentials, item_id: int) -> None:
    return await with_async_client(credentials, lambda client: client.project_tasks.delete(item_id))


@api_task("prosonata-list_working_times", example='limit=10')
def list_working_times(
    credentials: ProSonataCredentials,
    filters: dict[str, Any] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> list[m.WorkingTime]:
    """Every ProSonata workingtimes row matching ``filters``, ordered by ``order_by``; all pages at the
    largest page size, or the first ``limit`` rows.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        filters: Filters by their API names: ``userID``, ``username``, ``workingDate``,
            ``workingDate2``, ``dayType``, ``halfHoliday``, ``homeOffice``. Dates as ``"2026-11-01"``,
            ``">2026-11-01"`` or ``between(a, b)``.
        order_by: A sort key and direction, e.g. ``"workingTimeID DESC"``; keys: ``workingTimeID``,
            ``userID``, ``workingDate``.
        limit: At most this many rows; None for all.

    Returns:
        list[m.WorkingTime]: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.working_times.list(limit=limit, order_by=order_by, **(filters or {})),
    )


@api_task("prosonata-alist_working_times", twin_of=list_working_times)
async def alist_working_times(
    credentials: ProSonataCredentials,
    filters: dict[str, Any] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> list[m.WorkingTime]:
    return await with_async_client(
        credentials,
        lambda client: client.working_times.list(limit=limit, order_by=order_by, **(filters or {})),
    )


@api_task("prosonata-get_working_time", example='1')
def get_working_time(credentials: ProSonataCredentials, item_id: int) -> m.WorkingTime:
    """One ProSonata workingtimes row by its ``workingTimeID``.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        item_id: The row's ``workingTimeID``.

    Returns:
        m.WorkingTime: the parsed answer.
    """
    return with_client(credentials, lambda client: client.working_times.get(item_id))


@api_task("prosonata-aget_working_time", twin_of=get_working_time)
async def aget_working_time(credentials: ProSonataCredentials, item_id: int) -> m.WorkingTime:
    return await with_async_client(credentials, lambda client: client.working_times.get(item_id))


@api_task("prosonata-create_working_time", safe_to_retry=False, example='{"workingDate": ...}')
def create_working_time(credentials: ProSonataCredentials, fields: dict[str, Any]) -> m.WorkingTime:
    """Create a ProSonata workingtimes row from ``fields`` (required: ``workingDate``). Sent once: never
    retried after it may have arrived.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        fields: The row's fields by their API names.

    Returns:
        m.WorkingTime: the parsed answer.
    """
    return with_client(credentials, lambda client: client.working_times.create(fields))


@api_task("prosonata-acreate_working_time", safe_to_retry=False, twin_of=create_working_time)
async def acreate_working_time(credentials: ProSonataCredentials, fields: dict[str, Any]) -> m.WorkingTime:
    return await with_async_client(credentials, lambda client: client.working_times.create(fields))


@api_task("prosonata-update_working_time", example='1, {"...": ...}')
def update_working_time(
    credentials: ProSonataCredentials,
    item_id: int,
    fields: dict[str, Any],
) -> m.WorkingTime:
    """Partially update a ProSonata workingtimes row: only the given ``fields`` change.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        item_id: The row's ``workingTimeID``.
        fields: The fields to change, by their API names.

    Returns:
        m.WorkingTime: the parsed answer.
    """
    return with_client(credentials, lambda client: client.working_times.update(item_id, fields))


@api_task("prosonata-aupdate_working_time", twin_of=update_working_time)
async def aupdate_working_time(
    credentials: ProSonataCredentials,
    item_id: int,
    fields: dict[str, Any],
) -> m.WorkingTime:
    return await with_async_client(credentials, lambda client: client.working_times.update(item_id, fields))


@api_task("prosonata-delete_working_time", example='1')
def delete_working_time(credentials: ProSonataCredentials, item_id: int) -> None:
    """Delete a ProSonata workingtimes row by its ``workingTimeID``.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        item_id: The row's ``workingTimeID``.

    Returns:
        Nothing.
    """
    return with_client(credentials, lambda client: client.working_times.delete(item_id))


@api_task("prosonata-adelete_working_time", twin_of=delete_working_time)
async def adelete_working_time(credentials: ProSonataCredentials, item_id: int) -> None:
    return await with_async_client(credentials, lambda client: client.working_times.delete(item_id))


@api_task("prosonata-list_customers", example='limit=10')
def list_customers(
    credentials: ProSonataCredentials,
    filters: dict[str, Any] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> list[m.Customer]:
    """Every ProSonata customers row matching ``filters``, ordered by ``order_by``; all pages at the
    largest page size, or the first ``limit`` rows.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        filters: Filters by their API names: ``customerName``, ``companyCode``, ``companyTags``,
            ``comments``, ``customerPriceGroup``, ``companyStatus``, ``hourlyRateDiscount``,
            ``customerCostRate``, ``customerCashDiscountRate``, ``customerPaymentTarget``,
            ``customerCashDiscountPaymentTarget``. Dates as ``"2026-11-01"``, ``">2026-11-01"`` or
            ``between(a, b)``.
        order_by: A sort key and direction, e.g. ``"customerID DESC"``; keys: ``customerID``,
            ``customerName``, ``companyCode``, ``companyStatus``, ``hourlyRateDiscount``,
            ``customerCostRate``, ``customerPriceGroup``, ``customerPaymentTarget``,
            ``customerCashDiscountRate``.
        limit: At most this many rows; None for all.

    Returns:
        list[m.Customer]: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.customers.list(limit=limit, order_by=order_by, **(filters or {})),
    )


@api_task("prosonata-alist_customers", twin_of=list_customers)
async def alist_customers(
    credentials: ProSonataCredentials,
    filters: dict[str, Any] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> list[m.Customer]:
    return await with_async_client(
        credentials,
        lambda client: client.customers.list(limit=limit, order_by=order_by, **(filters or {})),
    )


@api_task("prosonata-get_customer", example='1')
def get_customer(credentials: ProSonataCredentials, item_id: int) -> m.Customer:
    """One ProSonata customers row by its ``customerID``.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        item_id: The row's ``customerID``.

    Returns:
        m.Customer: the parsed answer.
    """
    return with_client(credentials, lambda client: client.customers.get(item_id))


@api_task("prosonata-aget_customer", twin_of=get_customer)
async def aget_customer(credentials: ProSonataCredentials, item_id: int) -> m.Customer:
    return await with_async_client(credentials, lambda client: client.customers.get(item_id))


@api_task("prosonata-create_customer", safe_to_retry=False, example='{"customerName": ...}')
def create_customer(credentials: ProSonataCredentials, fields: dict[str, Any]) -> m.Customer:
    """Create a ProSonata customers row from ``fields`` (required: ``customerName``). Sent once: never
    retried after it may have arrived.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        fields: The row's fields by their API names.

    Returns:
        m.Customer: the parsed answer.
    """
    return with_client(credentials, lambda client: client.customers.create(fields))


@api_task("prosonata-acreate_customer", safe_to_retry=False, twin_of=create_customer)
async def acreate_customer(credentials: ProSonataCredentials, fields: dict[str, Any]) -> m.Customer:
    return await with_async_client(credentials, lambda client: client.customers.create(fields))


@api_task("prosonata-update_customer", example='1, {"...": ...}')
def update_customer(credentials: ProSonataCredentials, item_id: int, fields: dict[str, Any]) -> m.Customer:
    """Partially update a ProSonata customers row: only the given ``fields`` change.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        item_id: The row's ``customerID``.
        fields: The fields to change, by their API names.

    Returns:
        m.Customer: the parsed answer.
    """
    return with_client(credentials, lambda client: client.customers.update(item_id, fields))


@api_task("prosonata-aupdate_customer", twin_of=update_customer)
async def aupdate_customer(
    credentials: ProSonataCredentials,
    item_id: int,
    fields: dict[str, Any],
) -> m.Customer:
    return await with_async_client(credentials, lambda client: client.customers.update(item_id, fields))


@api_task("prosonata-list_addresses", example='limit=10')
def list_addresses(
    credentials: ProSonataCredentials,
    filters: dict[str, Any] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> list[m.Address]:
    """Every ProSonata addresses row matching ``filters``, ordered by ``order_by``; all pages at the
    largest page size, or the first ``limit`` rows.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        filters: Filters by their API names: ``customerID``, ``fibuAccountNo``, ``companyStatus``,
            ``addressActive``, ``customerName``, ``name1``, ``name2``, ``name3``, ``addressName``,
            ``postalCode``, ``city``, ``country``, ``comments``, ``addressTags``, ``taxID``. Dates as
            ``"2026-11-01"``, ``">2026-11-01"`` or ``between(a, b)``.
        order_by: A sort key and direction, e.g. ``"addressID DESC"``; keys: ``addressID``,
            ``customerID``, ``name1``, ``addressName``, ``postalCode``, ``city``, ``country``.
        limit: At most this many rows; None for all.

    Returns:
        list[m.Address]: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.addresses.list(limit=limit, order_by=order_by, **(filters or {})),
    )


@api_task("prosonata-alist_addresses", twin_of=list_addresses)
async def alist_addresses(
    credentials: ProSonataCredentials,
    filters: dict[str, Any] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> list[m.Address]:
    return await with_async_client(
        credentials,
        lambda client: client.addresses.list(limit=limit, order_by=order_by, **(filters or {})),
    )


@api_task("prosonata-get_address", example='1')
def get_address(credentials: ProSonataCredentials, item_id: int) -> m.Address:
    """One ProSonata addresses row by its ``addressID``.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        item_id: The row's ``addressID``.

    Returns:
        m.Address: the parsed answer.
    """
    return with_client(credentials, lambda client: client.addresses.get(item_id))


@api_task("prosonata-aget_address", twin_of=get_address)
async def aget_address(credentials: ProSonataCredentials, item_id: int) -> m.Address:
    return await with_async_client(credentials, lambda client: client.addresses.get(item_id))


@api_task("prosonata-create_address", safe_to_retry=False, example='{"customerID": ..., "city": ...}')
def create_address(credentials: ProSonataCredentials, fields: dict[str, Any]) -> m.Address:
    """Create a ProSonata addresses row from ``fields`` (required: ``customerID``, ``city``). Sent once:
    never retried after it may have arrived.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        fields: The row's fields by their API names.

    Returns:
        m.Address: the parsed answer.
    """
    return with_client(credentials, lambda client: client.addresses.create(fields))


@api_task("prosonata-acreate_address", safe_to_retry=False, twin_of=create_address)
async def acreate_address(credentials: ProSonataCredentials, fields: dict[str, Any]) -> m.Address:
    return await with_async_client(credentials, lambda client: client.addresses.create(fields))


@api_task("prosonata-update_address", example='1, {"...": ...}')
def update_address(credentials: ProSonataCredentials, item_id: int, fields: dict[str, Any]) -> m.Address:
    """Partially update a ProSonata addresses row: only the given ``fields`` change.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        item_id: The row's ``addressID``.
        fields: The fields to change, by their API names.

    Returns:
        m.Address: the parsed answer.
    """
    return with_client(credentials, lambda client: client.addresses.update(item_id, fields))


@api_task("prosonata-aupdate_address", twin_of=update_address)
async def aupdate_address(
    credentials: ProSonataCredentials,
    item_id: int,
    fields: dict[str, Any],
) -> m.Address:
    return await with_async_client(credentials, lambda client: client.addresses.update(item_id, fields))


@api_task("prosonata-list_contacts", example='limit=10')
def list_contacts(
    credentials: ProSonataCredentials,
    filters: dict[str, Any] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> list[m.Contact]:
    """Every ProSonata contacts row matching ``filters``, ordered by ``order_by``; all pages at the largest
    page size, or the first ``limit`` rows.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        filters: Filters by their API names: ``firstName``, ``lastName``, ``customerName``, ``name1``,
            ``name2``, ``name3``, ``addressName``, ``postalCode``, ``city``, ``country``, ``comments``,
            ``customerID``, ``addressID``, ``active``, ``contactFilter1``, ``contactFilter2``,
            ``contactFilter3``, ``contactFilter4``, ``contactFilter5``, ``contactFilter6``,
            ``contactFilter7``, ``contactFilter8``, ``contactFilter9``, ``contactFilter10``. Dates as
            ``"2026-11-01"``, ``">2026-11-01"`` or ``between(a, b)``.
        order_by: A sort key and direction, e.g. ``"contactID DESC"``; keys: ``contactID``,
            ``customerID``, ``addressID``, ``firstName``, ``lastName``, ``birthday``, ``postalCode``,
            ``city``, ``country``, ``accountManagerUserID``, ``active``.
        limit: At most this many rows; None for all.

    Returns:
        list[m.Contact]: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.contacts.list(limit=limit, order_by=order_by, **(filters or {})),
    )


@api_task("prosonata-alist_contacts", twin_of=list_contacts)
async def alist_contacts(
    credentials: ProSonataCredentials,
    filters: dict[str, Any] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> list[m.Contact]:
    return await with_async_client(
        credentials,
        lambda client: client.contacts.list(limit=limit, order_by=order_by, **(filters or {})),
    )


@api_task("prosonata-get_contact", example='1')
def get_contact(credentials: ProSonataCredentials, item_id: int) -> m.Contact:
    """One ProSonata contacts row by its ``contactID``.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        item_id: The row's ``contactID``.

    Returns:
        m.Contact: the parsed answer.
    """
    return with_client(credentials, lambda client: client.contacts.get(item_id))


@api_task("prosonata-aget_contact", twin_of=get_contact)
async def aget_contact(credentials: ProSonataCredentials, item_id: int) -> m.Contact:
    return await with_async_client(credentials, lambda client: client.contacts.get(item_id))


@api_task(
    "prosonata-create_contact", safe_to_retry=False,
    example='{"title": ..., "lastName": ..., "customerID": ..., "addressID": ...}',
)
def create_contact(credentials: ProSonataCredentials, fields: dict[str, Any]) -> m.Contact:
    """Create a ProSonata contacts row from ``fields`` (required: ``title``, ``lastName``, ``customerID``,
    ``addressID``). Sent once: never retried after it may have arrived.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        fields: The row's fields by their API names.

    Returns:
        m.Contact: the parsed answer.
    """
    return with_client(credentials, lambda client: client.contacts.create(fields))


@api_task("prosonata-acreate_contact", safe_to_retry=False, twin_of=create_contact)
async def acreate_contact(credentials: ProSonataCredentials, fields: dict[str, Any]) -> m.Contact:
    return await with_async_client(credentials, lambda client: client.contacts.create(fields))


@api_task("prosonata-update_contact", example='1, {"...": ...}')
def update_contact(credentials: ProSonataCredentials, item_id: int, fields: dict[str, Any]) -> m.Contact:
    """Partially update a ProSonata contacts row: only the given ``fields`` change.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        item_id: The row's ``contactID``.
        fields: The fields to change, by their API names.

    Returns:
        m.Contact: the parsed answer.
    """
    return with_client(credentials, lambda client: client.contacts.update(item_id, fields))


@api_task("prosonata-aupdate_contact", twin_of=update_contact)
async def aupdate_contact(
    credentials: ProSonataCredentials,
    item_id: int,
    fields: dict[str, Any],
) -> m.Contact:
    return await with_async_client(credentials, lambda client: client.contacts.update(item_id, fields))


@api_task("prosonata-list_crm_events", example='limit=10')
def list_crm_events(
    credentials: ProSonataCredentials,
    filters: dict[str, Any] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> list[m.CrmEvent]:
    """Every ProSonata crmevents row matching ``filters``, ordered by ``order_by``; all pages at the
    largest page size, or the first ``limit`` rows.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        filters: Filters by their API names: ``contactID``, ``customerID``, ``projectID``,
            ``firstName``, ``lastName``, ``customerName``, ``name1``, ``name2``, ``projectNo``,
            ``projectName``, ``crmTags``, ``showToUsergroup``, ``media``, ``eventPrio``, ``eventDate``,
            ``followUpDate``, ``followUpUser``, ``followUpDone``. Dates as ``"2026-11-01"``,
            ``">2026-11-01"`` or ``between(a, b)``.
        order_by: A sort key and direction, e.g. ``"eventID DESC"``; keys: ``eventID``, ``contactID``,
            ``eventDate``, ``createdByUserID``, ``eventPrio``, ``followUpDate``, ``followUpUser``,
            ``followUpDone``.
        limit: At most this many rows; None for all.

    Returns:
        list[m.CrmEvent]: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.crm_events.list(limit=limit, order_by=order_by, **(filters or {})),
    )


@api_task("prosonata-alist_crm_events", twin_of=list_crm_events)
async def alist_crm_events(
    credentials: ProSonataCredentials,
    filters: dict[str, Any] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> list[m.CrmEvent]:
    return await with_async_client(
        credentials,
        lambda client: client.crm_events.list(limit=limit, order_by=order_by, **(filters or {})),
    )


@api_task("prosonata-get_crm_event", example='1')
def get_crm_event(credentials: ProSonataCredentials, item_id: int) -> m.CrmEvent:
    """One ProSonata crmevents row by its ``eventID``.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        item_id: The row's ``eventID``.

    Returns:
        m.CrmEvent: the parsed answer.
    """
    return with_client(credentials, lambda client: client.crm_events.get(item_id))


@api_task("prosonata-aget_crm_event", twin_of=get_crm_event)
async def aget_crm_event(credentials: ProSonataCredentials, item_id: int) -> m.CrmEvent:
    return await with_async_client(credentials, lambda client: client.crm_events.get(item_id))


@api_task("prosonata-create_crm_event", safe_to_retry=False, example='{"contactID": ..., "eventDate": ...}')
def create_crm_event(credentials: ProSonataCredentials, fields: dict[str, Any]) -> m.CrmEvent:
    """Create a ProSonata crmevents row from ``fields`` (required: ``contactID``, ``eventDate``). Sent
    once: never retried after it may have arrived.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        fields: The row's fields by their API names.

    Returns:
        m.CrmEvent: the parsed answer.
    """
    return with_client(credentials, lambda client: client.crm_events.create(fields))


@api_task("prosonata-acreate_crm_event", safe_to_retry=False, twin_of=create_crm_event)
async def acreate_crm_event(credentials: ProSonataCredentials, fields: dict[str, Any]) -> m.CrmEvent:
    return await with_async_client(credentials, lambda client: client.crm_events.create(fields))


@api_task("prosonata-update_crm_event", example='1, {"...": ...}')
def update_crm_event(credentials: ProSonataCredentials, item_id: int, fields: dict[str, Any]) -> m.CrmEvent:
    """Partially update a ProSonata crmevents row: only the given ``fields`` change.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        item_id: The row's ``eventID``.
        fields: The fields to change, by their API names.

    Returns:
        m.CrmEvent: the parsed answer.
    """
    return with_client(credentials, lambda client: client.crm_events.update(item_id, fields))


@api_task("prosonata-aupdate_crm_event", twin_of=update_crm_event)
async def aupdate_crm_event(
    credentials: ProSonataCredentials,
    item_id: int,
    fields: dict[str, Any],
) -> m.CrmEvent:
    return await with_async_client(credentials, lambda client: client.crm_events.update(item_id, fields))


@api_task("prosonata-delete_crm_event", example='1')
def delete_crm_event(credentials: ProSonataCredentials, item_id: int) -> None:
    """Delete a ProSonata crmevents row by its ``eventID``.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        item_id: The row's ``eventID``.

    Returns:
        Nothing.
    """
    return with_client(credentials, lambda client: client.crm_events.delete(item_id))


@api_task("prosonata-adelete_crm_event", twin_of=delete_crm_event)
async def adelete_crm_event(credentials: ProSonataCredentials, item_id: int) -> None:
    return await with_async_client(credentials, lambda client: client.crm_events.delete(item_id))


@api_task("prosonata-list_service_templates", example='limit=10')
def list_service_templates(
    credentials: ProSonataCredentials,
    filters: dict[str, Any] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> list[m.ServiceTemplate]:
    """Every ProSonata servicetemplates row matching ``filters``, ordered by ``order_by``; all pages at the
    largest page size, or the first ``limit`` rows.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        filters: Filters by their API names: ``templateName``, ``detail``, ``detail_lang1``, ``unit``,
            ``category``, ``noCustomerDiscount``, ``hourlyRateService``. Dates as ``"2026-11-01"``,
            ``">2026-11-01"`` or ``between(a, b)``.
        order_by: A sort key and direction, e.g. ``"templateID DESC"``; keys: ``templateID``,
            ``category``, ``netValue``.
        limit: At most this many rows; None for all.

    Returns:
        list[m.ServiceTemplate]: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.service_templates.list(limit=limit, order_by=order_by, **(filters or {})),
    )


@api_task("prosonata-alist_service_templates", twin_of=list_service_templates)
async def alist_service_templates(
    credentials: ProSonataCredentials,
    filters: dict[str, Any] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> list[m.ServiceTemplate]:
    return await with_async_client(
        credentials,
        lambda client: client.service_templates.list(limit=limit, order_by=order_by, **(filters or {})),
    )


@api_task("prosonata-get_service_template", example='1')
def get_service_template(credentials: ProSonataCredentials, item_id: int) -> m.ServiceTemplate:
    """One ProSonata servicetemplates row by its ``templateID``.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        item_id: The row's ``templateID``.

    Returns:
        m.ServiceTemplate: the parsed answer.
    """
    return with_client(credentials, lambda client: client.service_templates.get(item_id))


@api_task("prosonata-aget_service_template", twin_of=get_service_template)
async def aget_service_template(credentials: ProSonataCredentials, item_id: int) -> m.ServiceTemplate:
    return await with_async_client(credentials, lambda client: client.service_templates.get(item_id))


@api_task(
    "prosonata-create_service_template", safe_to_retry=False,
    example='{"category": ..., "templateName": ...}',
)
def create_service_template(credentials: ProSonataCredentials, fields: dict[str, Any]) -> m.ServiceTemplate:
    """Create a ProSonata servicetemplates row from ``fields`` (required: ``category``, ``templateName``).
    Sent once: never retried after it may have arrived.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        fields: The row's fields by their API names.

    Returns:
        m.ServiceTemplate: the parsed answer.
    """
    return with_client(credentials, lambda client: client.service_templates.create(fields))


@api_task("prosonata-acreate_service_template", safe_to_retry=False, twin_of=create_service_template)
async def acreate_service_template(
    credentials: ProSonataCredentials,
    fields: dict[str, Any],
) -> m.ServiceTemplate:
    return await with_async_client(credentials, lambda client: client.service_templates.create(fields))


@api_task("prosonata-update_service_template", example='1, {"...": ...}')
def update_service_template(
    credentials: ProSonataCredentials,
    item_id: int,
    fields: dict[str, Any],
) -> m.ServiceTemplate:
    """Partially update a ProSonata servicetemplates row: only the given ``fields`` change.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        item_id: The row's ``templateID``.
        fields: The fields to change, by their API names.

    Returns:
        m.ServiceTemplate: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.service_templates.update(item_id, fields),
    )


@api_task("prosonata-aupdate_service_template", twin_of=update_service_template)
async def aupdate_service_template(
    credentials: ProSonataCredentials,
    item_id: int,
    fields: dict[str, Any],
) -> m.ServiceTemplate:
    return await with_async_client(
        credentials,
        lambda client: client.service_templates.update(item_id, fields),
    )


@api_task("prosonata-delete_service_template", example='1')
def delete_service_template(credentials: ProSonataCredentials, item_id: int) -> None:
    """Delete a ProSonata servicetemplates row by its ``templateID``.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        item_id: The row's ``templateID``.

    Returns:
        Nothing.
    """
    return with_client(credentials, lambda client: client.service_templates.delete(item_id))


@api_task("prosonata-adelete_service_template", twin_of=delete_service_template)
async def adelete_service_template(credentials: ProSonataCredentials, item_id: int) -> None:
    return await with_async_client(credentials, lambda client: client.service_templates.delete(item_id))


@api_task("prosonata-list_external_costs", example='limit=10')
def list_external_costs(
    credentials: ProSonataCredentials,
    filters: dict[str, Any] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> list[m.ExternalCost]:
    """Every ProSonata externalcosts row matching ``filters``, ordered by ``order_by``; all pages at the
    largest page size, or the first ``limit`` rows.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        filters: Filters by their API names: ``addressID``, ``projectID``, ``customerID``,
            ``createdByUserID``, ``serviceCategory``, ``name1``, ``projectNo``, ``projectName``,
            ``customerName``, ``costName``, ``documentNo``, ``type``, ``paymentType``, ``recurringDoc``,
            ``currency``, ``documentDate``, ``receiptDate``, ``paymentDate``, ``reverseCharge``,
            ``notInvoiceable``, ``kskMember``, ``useForCalculation``, ``datevExport``. Dates as
            ``"2026-11-01"``, ``">2026-11-01"`` or ``between(a, b)``.
        order_by: A sort key and direction, e.g. ``"documentID DESC"``; keys: ``documentID``,
            ``projectID``, ``addressID``, ``documentNo``, ``documentDate``, ``receiptDate``,
            ``grossValue``.
        limit: At most this many rows; None for all.

    Returns:
        list[m.ExternalCost]: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.external_costs.list(limit=limit, order_by=order_by, **(filters or {})),
    )


@api_task("prosonata-alist_external_costs", twin_of=list_external_costs)
async def alist_external_costs(
    credentials: ProSonataCredentials,
    filters: dict[str, Any] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> list[m.ExternalCost]:
    return await with_async_client(
        credentials,
        lambda client: client.external_costs.list(limit=limit, order_by=order_by, **(filters or {})),
    )


@api_task("prosonata-get_external_cost", example='1')
def get_external_cost(credentials: ProSonataCredentials, item_id: int) -> m.ExternalCost:
    """One ProSonata externalcosts row by its ``documentID``.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        item_id: The row's ``documentID``.

    Returns:
        m.ExternalCost: the parsed answer.
    """
    return with_client(credentials, lambda client: client.external_costs.get(item_id))


@api_task("prosonata-aget_external_cost", twin_of=get_external_cost)
async def aget_external_cost(credentials: ProSonataCredentials, item_id: int) -> m.ExternalCost:
    return await with_async_client(credentials, lambda client: client.external_costs.get(item_id))


@api_task(
    "prosonata-create_external_cost", safe_to_retry=False,
    example='{"netValue": ..., "grossValue": ..., "tax": ...}',
)
def create_external_cost(credentials: ProSonataCredentials, fields: dict[str, Any]) -> m.ExternalCost:
    """Create a ProSonata externalcosts row from ``fields`` (required: ``netValue``, ``grossValue``,
    ``tax``). Sent once: never retried after it may have arrived.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        fields: The row's fields by their API names.

    Returns:
        m.ExternalCost: the parsed answer.
    """
    return with_client(credentials, lambda client: client.external_costs.create(fields))


@api_task("prosonata-acreate_external_cost", safe_to_retry=False, twin_of=create_external_cost)
async def acreate_external_cost(credentials: ProSonataCredentials, fields: dict[str, Any]) -> m.ExternalCost:
    return await with_async_client(credentials, lambda client: client.external_costs.create(fields))


@api_task("prosonata-update_external_cost", example='1, {"...": ...}')
def update_external_cost(
    credentials: ProSonataCredentials,
    item_id: int,
    fields: dict[str, Any],
) -> m.ExternalCost:
    """Partially update a ProSonata externalcosts row: only the given ``fields`` change.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        item_id: The row's ``documentID``.
        fields: The fields to change, by their API names.

    Returns:
        m.ExternalCost: the parsed answer.
    """
    return with_client(credentials, lambda client: client.external_costs.update(item_id, fields))


@api_task("prosonata-aupdate_external_cost", twin_of=update_external_cost)
async def aupdate_external_cost(
    credentials: ProSonataCredentials,
    item_id: int,
    fields: dict[str, Any],
) -> m.ExternalCost:
    return await with_async_client(credentials, lambda client: client.external_costs.update(item_id, fields))


@api_task("prosonata-list_quotations", example='limit=10')
def list_quotations(
    credentials: ProSonataCredentials,
    filters: dict[str, Any] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> list[m.Quotation]:
    """Every ProSonata quotations row matching ``filters``, ordered by ``order_by``; all pages at the
    largest page size, or the first ``limit`` rows.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        filters: Filters by their API names: ``addressID``, ``projectID``, ``customerID``,
            ``createdByUserID``, ``name1``, ``projectNo``, ``projectName``, ``projectTags``,
            ``customerName``, ``quotationDate``, ``currency``, ``approved``. Dates as ``"2026-11-01"``,
            ``">2026-11-01"`` or ``between(a, b)``.
        order_by: A sort key and direction, e.g. ``"quotationID DESC"``; keys: ``quotationID``,
            ``projectID``, ``addressID``, ``quotationDate``, ``grossValue``.
        limit: At most this many rows; None for all.

    Returns:
        list[m.Quotation]: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.quotations.list(limit=limit, order_by=order_by, **(filters or {})),
    )


@api_task("prosonata-alist_quotations", twin_of=list_quotations)
async def alist_quotations(
    credentials: ProSonataCredentials,
    filters: dict[str, Any] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> list[m.Quotation]:
    return await with_async_client(
        credentials,
        lambda client: client.quotations.list(limit=limit, order_by=order_by, **(filters or {})),
    )


@api_task("prosonata-get_quotation", example='1')
def get_quotation(credentials: ProSonataCredentials, item_id: int) -> m.Quotation:
    """One ProSonata quotations row by its ``quotationID``.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        item_id: The row's ``quotationID``.

    Returns:
        m.Quotation: the parsed answer.
    """
    return with_client(credentials, lambda client: client.quotations.get(item_id))


@api_task("prosonata-aget_quotation", twin_of=get_quotation)
async def aget_quotation(credentials: ProSonataCredentials, item_id: int) -> m.Quotation:
    return await with_async_client(credentials, lambda client: client.quotations.get(item_id))


@api_task("prosonata-list_invoices", example='limit=10')
def list_invoices(
    credentials: ProSonataCredentials,
    filters: dict[str, Any] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> list[m.Invoice]:
    """Every ProSonata invoices row matching ``filters``, ordered by ``order_by``; all pages at the largest
    page size, or the first ``limit`` rows.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        filters: Filters by their API names: ``addressID``, ``projectID``, ``customerID``,
            ``createdByUserID``, ``name1``, ``projectNo``, ``projectName``, ``projectTags``,
            ``customerName``, ``invoiceNo``, ``invoiceType``, ``currency``, ``invoiceDate``,
            ``paymentDate``, ``reverseCharge``, ``sepaExport``, ``datevExport``. Dates as
            ``"2026-11-01"``, ``">2026-11-01"`` or ``between(a, b)``.
        order_by: A sort key and direction, e.g. ``"invoiceID DESC"``; keys: ``invoiceID``,
            ``projectID``, ``addressID``, ``invoiceNo``, ``invoiceDate``, ``paymentDate``,
            ``grossValue``.
        limit: At most this many rows; None for all.

    Returns:
        list[m.Invoice]: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.invoices.list(limit=limit, order_by=order_by, **(filters or {})),
    )


@api_task("prosonata-alist_invoices", twin_of=list_invoices)
async def alist_invoices(
    credentials: ProSonataCredentials,
    filters: dict[str, Any] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> list[m.Invoice]:
    return await with_async_client(
        credentials,
        lambda client: client.invoices.list(limit=limit, order_by=order_by, **(filters or {})),
    )


@api_task("prosonata-get_invoice", example='1')
def get_invoice(credentials: ProSonataCredentials, item_id: int) -> m.Invoice:
    """One ProSonata invoices row by its ``invoiceID``.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        item_id: The row's ``invoiceID``.

    Returns:
        m.Invoice: the parsed answer.
    """
    return with_client(credentials, lambda client: client.invoices.get(item_id))


@api_task("prosonata-aget_invoice", twin_of=get_invoice)
async def aget_invoice(credentials: ProSonataCredentials, item_id: int) -> m.Invoice:
    return await with_async_client(credentials, lambda client: client.invoices.get(item_id))


@api_task("prosonata-list_users", example='limit=10')
def list_users(
    credentials: ProSonataCredentials,
    filters: dict[str, Any] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> list[m.User]:
    """Every ProSonata users row matching ``filters``, ordered by ``order_by``; all pages at the largest
    page size, or the first ``limit`` rows.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        filters: Filters by their API names: ``username``. Dates as ``"2026-11-01"``, ``">2026-11-01"``
            or ``between(a, b)``.
        order_by: A sort key and direction, e.g. ``"username DESC"``; keys: ``username``.
        limit: At most this many rows; None for all.

    Returns:
        list[m.User]: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.users.list(limit=limit, order_by=order_by, **(filters or {})),
    )


@api_task("prosonata-alist_users", twin_of=list_users)
async def alist_users(
    credentials: ProSonataCredentials,
    filters: dict[str, Any] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> list[m.User]:
    return await with_async_client(
        credentials,
        lambda client: client.users.list(limit=limit, order_by=order_by, **(filters or {})),
    )


@api_task("prosonata-get_user", example='1')
def get_user(credentials: ProSonataCredentials, item_id: int) -> m.User:
    """One ProSonata users row by its ``userID``.

    Args:
        credentials: The ProSonata credentials block (saved once, loaded by its name).
        item_id: The row's ``userID``.

    Returns:
        m.User: the parsed answer.
    """
    return with_client(credentials, lambda client: client.users.get(item_id))


@api_task("prosonata-aget_user", twin_of=get_user)
async def aget_user(credentials: ProSonataCredentials, item_id: int) -> m.User:
    return await with_async_client(credentials, lambda client: client.users.get(item_id))
