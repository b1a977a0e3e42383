"""ProSonata rows as pydantic models.

Field names stay exactly as the API spells them (``projectID``, not ``project_id``), so the
vendor's documentation and the models read alike. Numbers that arrive as strings (``"1.25"``, ``"2100"``)
are parsed; dates are ``datetime.date``; unknown fields are kept in ``model_extra``.
"""

from __future__ import annotations

from decimal import Decimal
from enum import IntEnum
from typing import Any

from .._core.types import ApiModel, LenientDate, LenientDateTime, LenientTime, Money, NumberText


class ProjectStatus(IntEnum):
    OPEN = 0
    IN_BILLING = 1
    COMPLETED = 2
    CANCELLED = 3
    READY_FOR_BILLING = 4


class DayType(IntEnum):
    WORK = 0
    VACATION = 1
    SICKNESS = 2
    PUBLIC_HOLIDAY = 3
    TRAINING = 4
    OVERTIME_REDUCTION = 5
    OTHER_LEAVE = 6


class Currency(IntEnum):
    EUR = 0
    CHF = 1
    USD = 2
    GBP = 3
    CAD = 4


class Project(ApiModel):
    projectID: int
    projectNo: str | None = None
    projectName: str | None = None
    customerID: int | None = None
    customerName: str | None = None
    contactID: int | None = None
    projectDate: LenientDate = None
    projectDateEnd: LenientDate = None
    projectStatus: int | None = None
    financeStatus: int | None = None
    activeStatus: int | None = None
    projectTags: str | None = None
    timePlanned: Money = None
    timeNeeded: Money = None
    projectCostRate: Money = None
    userResponsibleID: int | None = None
    usersAssigned: list[dict[str, Any]] | None = None


class ProjectTime(ApiModel):
    timeID: int
    category: int | None = None
    categoryName: str | None = None
    date: LenientDate = None
    detail: str | None = None
    workingTime: Money = None
    projectID: int | None = None
    projectNo: str | None = None
    projectName: str | None = None
    customerID: int | None = None
    customerName: str | None = None
    userID: int | None = None
    username: str | None = None
    linkedTaskID: int | None = None
    notInvoiceable: int | None = None
    isInvoiced: int | None = None
    creationDate: LenientDateTime = None
    workingTimeStart: LenientTime = None
    workingTimeEnd: LenientTime = None

    @property
    def hours(self) -> Decimal:
        """Booked hours, 0 when the API left the field empty."""
        return self.workingTime or Decimal(0)


class TimeCategory(ApiModel):
    category: int
    categoryOrder: int | None = None
    categoryName: str | None = None
    active: int | None = None
    categoryCostRate: Money = None
    group: int | None = None
    groupName: str | None = None
    linkedCustomerID: int | None = None


class ProjectTask(ApiModel):
    taskID: int
    taskName: str | None = None
    taskInfo: str | None = None
    projectID: int | None = None
    projectName: str | None = None
    customerID: int | None = None
    userID: int | None = None
    username: str | None = None
    taskDateStart: LenientDate = None
    taskDateEnd: LenientDate = None
    taskTimeStart: LenientTime = None
    taskTimeEnd: LenientTime = None
    timePlanned: Money = None
    taskPrio: int | None = None
    type: int | None = None
    done: int | None = None
    donePercentage: int | None = None


class WorkingTime(ApiModel):
    workingTimeID: int
    userID: int | None = None
    username: str | None = None
    workingDate: LenientDate = None
    dailyTimeStart: LenientTime = None
    dailyTimeEnd: LenientTime = None
    dayType: int | None = None
    halfHoliday: int | None = None
    homeOffice: int | None = None


class Customer(ApiModel):
    customerID: int
    customerName: str | None = None
    companyCode: str | None = None
    companyStatus: int | None = None
    companyTags: str | None = None
    comments: str | None = None
    hourlyRateDiscount: Money = None
    customerCostRate: Money = None
    customerPaymentTarget: int | None = None
    addressesAssigned: list[dict[str, Any]] | None = None
    contactsAssigned: list[dict[str, Any]] | None = None


class Address(ApiModel):
    addressID: int
    customerID: int | None = None
    customerName: str | None = None
    name1: str | None = None
    name2: str | None = None
    addressName: str | None = None
    street: str | None = None
    streetNo: NumberText = None  # the reference's examples send numbers: kept as text
    postalCode: NumberText = None
    city: str | None = None
    country: str | None = None
    addressActive: int | None = None
    mandateDate: LenientDate = None


class Contact(ApiModel):
    contactID: int
    title: str | None = None
    firstName: str | None = None
    lastName: str | None = None
    customerID: int | None = None
    customerName: str | None = None
    addressID: int | None = None
    name1: str | None = None
    street: str | None = None
    streetNo: NumberText = None
    postalCode: NumberText = None
    city: str | None = None
    email: str | None = None
    telephone: str | None = None
    birthday: LenientDate = None
    active: int | None = None


class CrmEvent(ApiModel):
    eventID: int
    contactID: int | None = None
    customerID: int | None = None
    eventDate: LenientDate = None
    eventTime: LenientTime = None
    eventNote: str | None = None
    media: int | None = None
    projectID: int | None = None
    eventPrio: int | None = None
    crmTags: str | None = None
    followUpDate: LenientDate = None
    followUpUser: int | None = None
    followUpDone: int | None = None


class ServiceTemplate(ApiModel):
    templateID: int
    category: int | None = None
    templateName: str | None = None
    detail: str | None = None
    quantity: Money = None
    unit: str | None = None
    netValue: Money = None
    additionalCharge1: Money = None
    additionalCharge2: Money = None


class ExternalCost(ApiModel):
    documentID: int
    addressID: int | None = None
    name1: str | None = None
    type: int | None = None
    projectID: int | None = None
    costName: str | None = None
    documentNo: str | None = None
    documentDate: LenientDate = None
    receiptDate: LenientDate = None
    paymentDate: LenientDate = None
    netValue: Money = None
    grossValue: Money = None
    tax: Money = None
    currency: int | None = None


class Quotation(ApiModel):
    quotationID: int
    quotationName: str | None = None
    quotationDate: LenientDate = None
    netValue: Money = None
    grossValue: Money = None
    currency: int | None = None
    tax: Money = None
    projectID: int | None = None
    customerID: int | None = None
    positions: list[dict[str, Any]] | None = None


class Invoice(ApiModel):
    invoiceID: int
    invoiceNo: str | None = None
    invoiceType: str | None = None
    invoiceDate: LenientDate = None
    dateStart: LenientDate = None
    dateEnd: LenientDate = None
    netValue: Money = None
    grossValue: Money = None
    currency: int | None = None
    tax: Money = None
    paymentTargetDate: LenientDate = None
    paymentDate: LenientDate = None
    projectID: int | None = None
    customerID: int | None = None
    customerName: str | None = None
    positions: list[dict[str, Any]] | None = None


class User(ApiModel):
    userID: int
    username: str | None = None
    userFirstName: str | None = None
    userLastName: str | None = None
    email: str | None = None


class ListPage(ApiModel):
    """One page of a listing with the envelope's counters."""

    items: list[Any]
    page: int
    per_page: int
    total_count: int

    @property
    def has_more(self) -> bool:
        return self.page * self.per_page < self.total_count


__all__ = [
    "Address",
    "Contact",
    "CrmEvent",
    "Currency",
    "Customer",
    "DayType",
    "ExternalCost",
    "Invoice",
    "ListPage",
    "Project",
    "ProjectStatus",
    "ProjectTask",
    "ProjectTime",
    "Quotation",
    "ServiceTemplate",
    "TimeCategory",
    "User",
    "WorkingTime",
]
