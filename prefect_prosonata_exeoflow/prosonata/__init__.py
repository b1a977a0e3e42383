"""ProSonata (project management and time tracking): credentials block, clients, models, tasks.

Every endpoint is a task pair (``list_projects`` / ``alist_projects``, ...); the catalogue of
endpoints, client methods and tasks is ``docs/tasks.md``, the API notes ``docs/apis/prosonata.md``.
"""

from .client import AsyncProSonataClient, ProSonataClient
from .credentials import ProSonataCredentials
from .encoding import DateRange, between
from .models import (
    Address, Contact, CrmEvent, Currency, Customer, DayType, ExternalCost, Invoice, ListPage, Project,
    ProjectStatus, ProjectTask, ProjectTime, Quotation, ServiceTemplate, TimeCategory, User, WorkingTime,
)
from .resources import RESOURCES
from .tasks import (
    acreate_address, acreate_contact, acreate_crm_event, acreate_customer, acreate_external_cost,
    acreate_project, acreate_project_task, acreate_project_time, acreate_service_template,
    acreate_working_time, adelete_crm_event, adelete_project_task, adelete_project_time,
    adelete_service_template, adelete_working_time, aget_address, aget_contact, aget_crm_event, aget_customer,
    aget_external_cost, aget_invoice, aget_project, aget_project_task, aget_project_time, aget_quotation,
    aget_service_template, aget_time_category, aget_user, aget_working_time, alist_addresses, alist_contacts,
    alist_crm_events, alist_customers, alist_external_costs, alist_invoices, alist_project_tasks,
    alist_project_times, alist_projects, alist_quotations, alist_service_templates, alist_time_categories,
    alist_users, alist_working_times, aupdate_address, aupdate_contact, aupdate_crm_event, aupdate_customer,
    aupdate_external_cost, aupdate_project, aupdate_project_task, aupdate_project_time,
    aupdate_service_template, aupdate_working_time, create_address, create_contact, create_crm_event,
    create_customer, create_external_cost, create_project, create_project_task, create_project_time,
    create_service_template, create_working_time, delete_crm_event, delete_project_task, delete_project_time,
    delete_service_template, delete_working_time, get_address, get_contact, get_crm_event, get_customer,
    get_external_cost, get_invoice, get_project, get_project_task, get_project_time, get_quotation,
    get_service_template, get_time_category, get_user, get_working_time, list_addresses, list_contacts,
    list_crm_events, list_customers, list_external_costs, list_invoices, list_project_tasks,
    list_project_times, list_projects, list_quotations, list_service_templates, list_time_categories,
    list_users, list_working_times, update_address, update_contact, update_crm_event, update_customer,
    update_external_cost, update_project, update_project_task, update_project_time, update_service_template,
    update_working_time,
)

__all__ = [
    "RESOURCES", "Address", "AsyncProSonataClient", "Contact", "CrmEvent", "Currency", "Customer",
    "DateRange", "DayType", "ExternalCost", "Invoice", "ListPage", "ProSonataClient", "ProSonataCredentials",
    "Project", "ProjectStatus", "ProjectTask", "ProjectTime", "Quotation", "ServiceTemplate", "TimeCategory",
    "User", "WorkingTime", "acreate_address", "acreate_contact", "acreate_crm_event", "acreate_customer",
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
    "aupdate_service_template", "aupdate_working_time", "between", "create_address", "create_contact",
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
    "update_service_template", "update_working_time",
]
