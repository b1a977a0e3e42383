"""The 14 ProSonata resources as one table: path, methods, filters, sort keys, writable fields.

Every endpoint of the client and every task is generated from a row of this table, so adding
a filter or a field is a one-word change here. Source: ``docs/apis/prosonata.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel

from . import models as m

FilterKind = Literal["text", "int", "flag", "enum", "dec", "date", "user", "true"]
Method = Literal["list", "get", "create", "update", "delete"]
READ_ONLY: frozenset[Method] = frozenset({"list", "get"})
NO_DELETE: frozenset[Method] = frozenset({"list", "get", "create", "update"})
ALL: frozenset[Method] = frozenset({"list", "get", "create", "update", "delete"})


@dataclass(frozen=True)
class Resource:
    """One API resource and what may be sent to it."""

    path: str
    id_field: str
    model: type[BaseModel]
    singular: str
    plural: str
    methods: frozenset[Method]
    filters: dict[str, FilterKind]
    sort_keys: tuple[str, ...]
    required: tuple[str, ...] = ()
    writable: tuple[str, ...] = ()
    update_only: tuple[str, ...] = ()
    #: Accept body fields beyond ``writable`` (the body is undocumented, PS-U20).
    open_body: bool = False
    #: Second-bound parameters of date filters (``date`` -> ``date2``), for range helpers.
    range_pairs: dict[str, str] = field(default_factory=dict)
    #: Smallest row id; 1 unless the reference documents a row 0.
    min_id: int = 1

    def supports(self, method: Method) -> bool:
        return method in self.methods


def _f(kind: FilterKind, *names: str) -> dict[str, FilterKind]:
    return {name: kind for name in names}


def _w(text: str) -> tuple[str, ...]:
    return tuple(text.split())


PROJECTS = Resource(
    "projects", "projectID", m.Project, "project", "projects", NO_DELETE,
    filters={**_f("text", "projectNo", "projectName", "customerName", "lastName", "projectQuickInfo", "projectTags"),
             **_f("int", "customerID", "contactID", "internalDepartment", "userResponsibleID"),
             **_f("enum", "projectStatus", "financeStatus", "recurringProject"), "activeStatus": "flag",
             "userID": "user", **_f("date", "projectDate", "projectDateEnd")},
    sort_keys=_w("projectID projectName customerID customerName contactID lastName projectDate projectDateEnd "
                 "projectStatus timeNeeded"),
    required=_w("projectName customerID contactID"),
    writable=_w("projectName customerID contactID activeStatus projectDate projectDateEnd recurringProject "
                "userResponsibleID projectQuickInfo projectInfo projectTags projectLinks timePlanned projectCostRate "
                "internalDepartment projectGroupID isProjectTemplate usersAssigned"),
    update_only=_w("projectNo projectStatus financeStatus"),
)

PROJECT_TIMES = Resource(
    "projecttimes", "timeID", m.ProjectTime, "project_time", "project_times", ALL,
    filters={"category": "int", **_f("text", "categoryName", "detail", "projectNo", "projectName", "username"),
             **_f("date", "date", "date2"), **_f("int", "projectID", "customerID", "linkedTaskID"),
             "userID": "user", **_f("flag", "notInvoiceable", "isInvoiced")},
    sort_keys=_w("timeID category date projectID customerID userID notInvoiceable isInvoiced"),
    required=_w("category projectID"),
    writable=_w("category projectID date detail workingTime userID linkedTaskID notInvoiceable isInvoiced "
                "workingTimeStart workingTimeEnd"),
    range_pairs={"date": "date2"},
)

TIME_CATEGORIES = Resource(
    "projecttimecategories", "category", m.TimeCategory, "time_category", "time_categories", READ_ONLY,
    filters={"category": "int", "categoryName": "text", "active": "flag", "linkedCustomerID": "int",
             "priceGroup": "text"},
    sort_keys=_w("category categoryOrder group categoryName active priceGroup"),
)

PROJECT_TASKS = Resource(
    "projecttasks", "taskID", m.ProjectTask, "project_task", "project_tasks", ALL,
    filters={**_f("int", "projectID", "customerID", "taskTimeCategory"),
             **_f("text", "projectNo", "projectName", "customerName", "username", "taskName"),
             "userID": "user", "additionalUser": "true", **_f("date", "taskDateStart", "taskDateEnd"),
             **_f("enum", "recurringTask", "taskPrio", "type"), **_f("flag", "read", "done")},
    sort_keys=_w("taskID projectID customerID userID taskDateStart taskDateEnd taskOrder taskPrio type read done"),
    required=_w("taskName projectID"),
    writable=_w("taskName projectID taskInfo userID taskDateStart taskTimeStart taskDateEnd taskTimeEnd timePlanned "
                "recurringTask recurringTaskDateEnd taskTimeCategory taskPrio type read onTodayList "
                "onFreeBoardColumn donePercentage done doneMailToUserID changedInfoToUser changedInfoToCreator "
                "additionalUsers"),
)

WORKING_TIMES = Resource(
    "workingtimes", "workingTimeID", m.WorkingTime, "working_time", "working_times", ALL,
    filters={"userID": "user", "username": "text", **_f("date", "workingDate", "workingDate2"),
             "dayType": "enum", **_f("flag", "halfHoliday", "homeOffice")},
    sort_keys=_w("workingTimeID userID workingDate"),
    required=_w("workingDate"),
    writable=_w("userID workingDate dailyTimeStart dailyTimeEnd dayType halfHoliday homeOffice"),
    open_body=True,
    range_pairs={"workingDate": "workingDate2"},
)

CUSTOMERS = Resource(
    "customers", "customerID", m.Customer, "customer", "customers", NO_DELETE,
    filters={**_f("text", "customerName", "companyCode", "companyTags", "comments", "customerPriceGroup"),
             "companyStatus": "enum", **_f("dec", "hourlyRateDiscount", "customerCostRate", "customerCashDiscountRate"),
             **_f("int", "customerPaymentTarget", "customerCashDiscountPaymentTarget")},
    sort_keys=_w("customerID customerName companyCode companyStatus hourlyRateDiscount customerCostRate "
                 "customerPriceGroup customerPaymentTarget customerCashDiscountRate"),
    required=("customerName",),
    min_id=0,  # the reference: customerID 0 is the internal company "Intern"
    writable=_w("customerName companyCode companyStatus comments hourlyRateDiscount customerCostRate "
                "customerPriceGroup customerPaymentTarget customerCashDiscountRate customerCashDiscountPaymentTarget"),
)

ADDRESSES = Resource(
    "addresses", "addressID", m.Address, "address", "addresses", NO_DELETE,
    filters={**_f("int", "customerID", "fibuAccountNo"), "companyStatus": "enum", "addressActive": "flag",
             **_f("text", "customerName", "name1", "name2", "name3", "addressName", "postalCode", "city", "country",
                  "comments", "addressTags", "taxID")},
    sort_keys=_w("addressID customerID name1 addressName postalCode city country"),
    required=_w("customerID city"),
    writable=_w("customerID city name1 name2 name3 addressName street streetNo postalCode country companyEmail "
                "companyTelephone comments taxID DUNS GLN supplierNo fibuAccountNo invoiceEmail noInvoiceEmail "
                "mandateReference mandateDate IBAN BIC bankName accountOwner invReverseCharge invThirdCountry "
                "invTextTemplate addressActive"),
)

_CONTACT_FILTERS = tuple(f"contactFilter{n}" for n in range(1, 11))
CONTACTS = Resource(
    "contacts", "contactID", m.Contact, "contact", "contacts", NO_DELETE,
    filters={**_f("text", "firstName", "lastName", "customerName", "name1", "name2", "name3", "addressName",
                  "postalCode", "city", "country", "comments"),
             **_f("int", "customerID", "addressID"), **_f("flag", "active", *_CONTACT_FILTERS)},
    sort_keys=_w("contactID customerID addressID firstName lastName birthday postalCode city country "
                 "accountManagerUserID active"),
    required=_w("title lastName customerID addressID"),
    writable=_w("title lastName customerID addressID firstName position department email email2 telephone fax "
                "mobile telephonePrivate mobilePrivate streetPrivate streetNoPrivate postalCodePrivate cityPrivate "
                "countryPrivate usePrivateForCSV messenger socialMedia website comments birthday "
                "accountManagerUserID active") + _CONTACT_FILTERS,
)

CRM_EVENTS = Resource(
    "crmevents", "eventID", m.CrmEvent, "crm_event", "crm_events", ALL,
    filters={**_f("int", "contactID", "customerID", "projectID"),
             **_f("text", "firstName", "lastName", "customerName", "name1", "name2", "projectNo", "projectName",
                  "crmTags"),
             **_f("enum", "showToUsergroup", "media", "eventPrio"), **_f("date", "eventDate", "followUpDate"),
             "followUpUser": "user", "followUpDone": "flag"},
    sort_keys=_w("eventID contactID eventDate createdByUserID eventPrio followUpDate followUpUser followUpDone"),
    required=_w("contactID eventDate"),
    writable=_w("contactID eventDate eventTime showToUsergroup media eventNote projectID eventPrio crmTags "
                "followUpDate followUpTime followUpUser followUpNote"),
    update_only=("followUpDone",),
)

SERVICE_TEMPLATES = Resource(
    "servicetemplates", "templateID", m.ServiceTemplate, "service_template", "service_templates", ALL,
    filters={**_f("text", "templateName", "detail", "detail_lang1", "unit"), "category": "int",
             **_f("flag", "noCustomerDiscount", "hourlyRateService")},
    sort_keys=_w("templateID category netValue"),
    required=_w("category templateName"),
    writable=_w("category templateName detail detail_lang1 unit unit_lang1 quantity netValue additionalCharge1 "
                "additionalCharge2 noCustomerDiscount hourlyRateService"),
)

EXTERNAL_COSTS = Resource(
    "externalcosts", "documentID", m.ExternalCost, "external_cost", "external_costs", NO_DELETE,
    filters={**_f("int", "addressID", "projectID", "customerID", "createdByUserID", "serviceCategory"),
             **_f("text", "name1", "projectNo", "projectName", "customerName", "costName", "documentNo"),
             **_f("enum", "type", "paymentType", "recurringDoc", "currency"),
             **_f("date", "documentDate", "receiptDate", "paymentDate"),
             **_f("flag", "reverseCharge", "notInvoiceable", "kskMember", "useForCalculation", "datevExport")},
    sort_keys=_w("documentID projectID addressID documentNo documentDate receiptDate grossValue"),
    required=_w("netValue grossValue tax"),
    writable=_w("projectID addressID netValue grossValue tax projectNo supplierName type costName documentNo "
                "documentDate paymentTarget paymentType receiptDate recurringDoc quantity unitPrice unit comments "
                "currency multipleTaxes reverseCharge multiplePositions cashDiscountRate paymentDate "
                "paidCashDiscount additionalCharge additionalCharge2 notInvoiceable kskMember useForCalculation "
                "serviceCategory fibuExpenseAccount fibuInputTaxAccount datevTaxKey approvedByUsers datevExport "
                "additionalPositions file fileName useInbox"),
)

QUOTATIONS = Resource(
    "quotations", "quotationID", m.Quotation, "quotation", "quotations", READ_ONLY,
    filters={**_f("int", "addressID", "projectID", "customerID", "createdByUserID"),
             **_f("text", "name1", "projectNo", "projectName", "projectTags", "customerName"),
             "quotationDate": "date", "currency": "enum", "approved": "flag"},
    sort_keys=_w("quotationID projectID addressID quotationDate grossValue"),
)

INVOICES = Resource(
    "invoices", "invoiceID", m.Invoice, "invoice", "invoices", READ_ONLY,
    filters={**_f("int", "addressID", "projectID", "customerID", "createdByUserID"),
             **_f("text", "name1", "projectNo", "projectName", "projectTags", "customerName", "invoiceNo"),
             **_f("enum", "invoiceType", "currency"), **_f("date", "invoiceDate", "paymentDate"),
             **_f("flag", "reverseCharge", "sepaExport", "datevExport")},
    # PS-U22: the documented list is cut off; this is the working guess.
    sort_keys=_w("invoiceID projectID addressID invoiceNo invoiceDate paymentDate grossValue"),
)

USERS = Resource(
    "users", "userID", m.User, "user", "users", READ_ONLY,
    filters={"username": "text"},
    sort_keys=("username",),
)

RESOURCES: tuple[Resource, ...] = (
    PROJECTS, PROJECT_TIMES, TIME_CATEGORIES, PROJECT_TASKS, WORKING_TIMES, CUSTOMERS, ADDRESSES, CONTACTS,
    CRM_EVENTS, SERVICE_TEMPLATES, EXTERNAL_COSTS, QUOTATIONS, INVOICES, USERS,
)
