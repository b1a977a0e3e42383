"""EnDocs records as pydantic models: what the API returns, and what the upserts send.

Attributes are snake_case (``ext_id``, ``amount_wovat``) because the wire spells the same
field differently in each direction: ``Ext_ID`` in request bodies, ``ext_ID`` in answers, and
odd .NET spellings such as ``ocRtype``. Answers are matched to fields ignoring case and
underscores, so either casing (and a future runtime's) is read; unknown fields are kept in
``model_extra``. Request models serialize to the exact PascalCase names the server requires
and send only the fields that were set (EnDocs updates exactly the keys present).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from enum import IntEnum
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from .._core.types import ApiModel, Money
from .dialect import SERVER_TIMEZONE

T = TypeVar("T")

INCOMING = "Входящий"
"""``Source`` of an incoming document (from a supplier)."""
OUTGOING = "Исходящий"
"""``Source`` of an outgoing document (to a customer)."""
INTERNAL = "Внутренний"
"""``Source`` the server sets on internal (local) documents."""


class DocType(IntEnum):
    """The seeded document types (``DocTypeId``); accounts may have more, so fields stay ``int``."""

    RECEIPT = 1  # Поступление
    SALE = 2  # Реализация
    CONTRACT = 4  # Договор
    OUTGOING_TAX_INVOICE = 5  # Счет-фактура исходящий
    OUTGOING_INVOICE = 6  # Счет исходящий
    BANK = 7  # Банк
    ADVANCE_REPORT = 8  # Авансовый отчет
    REPORT = 9  # Отчет
    RECONCILIATION_ACT = 10  # Акт сверки
    INCOMING_CORRESPONDENCE = 11  # Входящая корреспонденция
    OUTGOING_CORRESPONDENCE = 12  # Исходящая корреспонденция
    OTHER = 13  # Прочее
    INCOMING_INVOICE = 14  # Счет входящий
    INCOMING_TAX_INVOICE = 15  # Счет-фактура входящий
    NON_FORM = 16  # Необработанные
    MEMO = 19  # Служебная записка


# -- lenient reading ---------------------------------------------------------------------------
def _timestamp(value: Any) -> Any:
    """ISO text to an aware datetime; no offset means Moscow time; .NET's year 1 means unset."""
    if value is None or (isinstance(value, str) and (not value.strip() or value.startswith("0001-01-01"))):
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return value  # let pydantic report it
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=SERVER_TIMEZONE)
    return value


Timestamp = Annotated[dt.datetime | None, BeforeValidator(_timestamp)]


def _normal(name: str) -> str:
    return name.replace("_", "").lower()


_FIELD_KEYS: dict[type, dict[str, str]] = {}


class EnDocsModel(ApiModel):
    """Base of the answer models: keys are matched ignoring case and underscores."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")

    @model_validator(mode="before")
    @classmethod
    def _fold_keys(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        keys = _FIELD_KEYS.get(cls)
        if keys is None:
            keys = {}
            for name, info in cls.model_fields.items():
                alias = info.alias or name
                keys[_normal(alias)] = alias
                keys[_normal(name)] = alias
            _FIELD_KEYS[cls] = keys
        return {keys.get(_normal(str(key)), key): value for key, value in data.items()}


# -- answers -------------------------------------------------------------------------------------
class ClientInfo(EnDocsModel):
    """The account behind the token and its quota counters (``GetClientInfo``)."""

    id: int
    name: str | None = None
    storage_quota: float | None = None  # GB
    storage_used: float | None = None  # MB
    users_quota: int | None = None
    users_used: int | None = None
    ocr_quota: int | None = None
    ocr_used: int | None = None
    blocked: bool | None = None
    token_expires: Timestamp = None
    created: Timestamp = None


class User(EnDocsModel):
    email: str
    user_name: str | None = None
    blocked: bool | None = None


class Organization(EnDocsModel):
    """An own legal entity (организация) of the account."""

    id: int | None = None
    name: str | None = None
    inn: str | None = None
    kpp: str | None = None
    ext_id: str | None = None
    client_id: int | None = None


class Contractor(EnDocsModel):
    """A counterparty (контрагент); scoped to one organization."""

    id: int | None = None
    name: str | None = None
    inn: str | None = None
    kpp: str | None = None
    ext_id: str | None = None
    organization_id: int | None = None
    organization: Any = None
    diadoc_id: str | None = None


class _Card(EnDocsModel):
    """What a contract and a document card both carry, under the same names: the ids, number and
    date, the amounts, comment and state, the two parties, and who created and changed it.
    Declared once so that the two cards cannot drift apart."""

    id: int
    ext_id: str | None = None
    doc_number: str | None = None
    doc_date: Timestamp = None
    amount: Money = None
    amount_wovat: Money = None
    vat: Money = None
    currency: str | None = None
    comment: str | None = None
    state: str | None = None
    organization: Organization | None = None
    contractor: Contractor | None = None
    created: Timestamp = None
    modified: Timestamp = None
    created_by: str | None = None
    modified_by: str | None = None


class Contract(_Card):
    """A contract (договор) with its organization and counterparty."""

    name: str | None = None
    type: str | None = None
    validity_period: Timestamp = None
    subject: str | None = None
    organization_name: str | None = None
    contractor_name: str | None = None


class Document(_Card):
    """An accounting or office document card (``Metadata``): invoice, receipt, act, memo..."""

    doc_type_id: int | None = None
    doc_type: str | None = None
    source: str | None = None
    amount_to_pay: Money = None
    doc_num_tax_invoice: str | None = None
    doc_date_tax_invoice: Timestamp = None
    doc_num_invoice: str | None = None
    doc_date_invoice: Timestamp = None
    operation: str | None = None
    paid: bool | None = None
    signed: bool | None = None
    table_part: str | None = None
    contract: Contract | None = None
    non_form_id: int | None = None
    uploaded_to_1c: bool | None = None


class NonFormDocument(EnDocsModel):
    """An unprocessed scan (registry «Необработанные»), possibly with OCR results."""

    id: int
    file_name: str | None = None
    file_size: int | None = None
    sender: str | None = None
    comment: str | None = None
    organization_id: int | None = None
    organization_name: str | None = None
    organization: Organization | None = None
    contractor: Contractor | None = None
    contractor_name: str | None = None
    declined: bool | None = None
    declined_by: str | None = None
    ocr_state: str | None = None
    ocr_type: str | None = None
    ocr_verified: str | None = None
    doc_type_id: int | None = None
    doc_type_name: str | None = None
    doc_number: str | None = None
    doc_date: Timestamp = None
    amount: Money = None
    amount_wovat: Money = None
    vat: Money = None
    amount_total: Money = None
    currency: str | None = None
    doc_num_tax_invoice: str | None = None
    doc_date_tax_invoice: Timestamp = None
    table_part: str | None = None
    created: Timestamp = None
    modified: Timestamp = None


class Feed(BaseModel, Generic[T]):
    """One read of a "new since" feed, and the cursor to store for the next read.

    ``items`` are sorted by id and each appears once. Pass ``next_since_id`` as ``since_id``
    next time: the feed returns only records with a larger id.
    """

    items: list[T]
    count: int | None = None  # the server's own count (``Key``)
    since_id: int
    next_since_id: int


class UpsertResult(BaseModel, Generic[T]):
    """What an upsert did: 201 created (with the stored record) or 204 updated (no body)."""

    created: bool
    item: T | None = None
    status: int


# -- requests ------------------------------------------------------------------------------------
def _json_text(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


JsonText = Annotated[str | None, BeforeValidator(_json_text)]
"""A JSON-in-a-string field (``TablePart``, ``CardData``); lists and dicts are dumped for you."""
#: The day formats the server's upserts accept besides ISO 8601, tried in its order.
_DAY_FORMATS = ("%m-%d-%Y", "%d.%m.%Y %H:%M:%S", "%d/%m/%Y, %H:%M:%S", "%d.%m.%Y")


def _day(value: Any) -> Any:
    """``15.03.2024`` (as the reference's examples write it) and the server's other day formats."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text:
        return None
    for layout in _DAY_FORMATS:
        try:
            parsed = dt.datetime.strptime(text, layout)
        except ValueError:
            continue
        return parsed.date() if "%H" not in layout else parsed
    return text


Day = Annotated[dt.date | dt.datetime | None, BeforeValidator(_day)]
_INN = r"^(\d{10}|\d{12})$"
_KPP = r"^\d{4}[0-9A-Z]{2}\d{3}$"


class _Input(BaseModel):
    """Base of request bodies: PascalCase on the wire, only the fields that were set."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    def to_wire(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


class OrganizationInput(_Input):
    """An own organization, upserted by ``Ext_ID`` (a missing field is stored as empty)."""

    ext_id: str = Field(alias="Ext_ID", min_length=1, max_length=150)
    name: str = Field(alias="Name", min_length=1, max_length=100)
    inn: str | None = Field(None, alias="INN", pattern=_INN)
    kpp: str | None = Field(None, alias="KPP", pattern=_KPP)


class ContractorInput(OrganizationInput):
    """A counterparty, upserted by ``Ext_ID`` within the organization."""


class _CardInput(_Input):
    """The fields a contract and a document send alike: same wire names, same limits."""

    ext_id: str | None = Field(None, alias="Ext_ID", min_length=1, max_length=150)
    non_form_id: int | None = Field(None, alias="NonFormID", ge=1)
    doc_number: str | None = Field(None, alias="DocNumber", max_length=80)
    doc_date: Day = Field(None, alias="DocDate")
    amount: float | None = Field(None, alias="Amount")
    amount_wovat: float | None = Field(None, alias="AmountWOVAT")
    vat: float | None = Field(None, alias="VAT")
    currency: str | None = Field(None, alias="Currency", max_length=3)
    comment: str | None = Field(None, alias="Comment", max_length=2000)
    state: str | None = Field(None, alias="State", max_length=50)
    contractor: ContractorInput | None = Field(None, alias="Contractor")


class ContractInput(_CardInput):
    """A contract: the body of ``AddOrUpdateContract``, or nested in a document."""

    contract_id: int | None = Field(None, alias="ContractID", ge=1)
    name: str | None = Field(None, alias="Name", min_length=1, max_length=255)
    type: str | None = Field(None, alias="Type", max_length=100)
    validity_period: Day = Field(None, alias="ValidityPeriod")
    subject: str | None = Field(None, alias="Subject", max_length=500)
    organization: OrganizationInput | None = Field(None, alias="Organization")


class _DocumentInput(_CardInput):
    doc_type_id: int | None = Field(None, alias="DocTypeId", ge=1)
    amount_to_pay: float | None = Field(None, alias="AmountToPay")
    doc_num_tax_invoice: str | None = Field(None, alias="DocNumTaxInvoice", max_length=80)
    doc_date_tax_invoice: Day = Field(None, alias="DocDateTaxInvoice")
    doc_num_invoice: str | None = Field(None, alias="DocNumInvoice", max_length=80)
    doc_date_invoice: Day = Field(None, alias="DocDateInvoice")
    operation: str | None = Field(None, alias="Operation", max_length=200)
    signed: bool | None = Field(None, alias="Signed")
    paid: bool | None = Field(None, alias="Paid")
    payment_date: Day = Field(None, alias="PaymentDate")
    payment_number: str | None = Field(None, alias="PaymentNumber", max_length=50)
    period_from: Day = Field(None, alias="PeriodFrom")
    period_to: Day = Field(None, alias="PeriodTo")
    receiver: str | None = Field(None, alias="Reciever", max_length=200)  # sic, as the API spells it
    address: str | None = Field(None, alias="Address", max_length=500)
    contact: str | None = Field(None, alias="Contact", max_length=200)
    notify_user: str | None = Field(None, alias="NotifyUser", max_length=100)
    table_part: JsonText = Field(None, alias="TablePart")
    uploaded_to_1c: bool | None = Field(None, alias="UploadedTo1C")
    organization: OrganizationInput = Field(alias="Organization")
    contract: ContractInput | None = Field(None, alias="Contract")


class ExternalDocumentInput(_DocumentInput):
    """An incoming or outgoing accounting document from 1C (``AddOrUpdateExtDoc``).

    Found by ``meta_id``, else ``edi_id``, else ``ext_id`` (one of them is required).
    """

    doc_type_id: int = Field(alias="DocTypeId", ge=1)
    source: Literal["Входящий", "Исходящий"] = Field(alias="Source")
    meta_id: int | None = Field(None, alias="MetaID", ge=1)
    edi_id: str | None = Field(None, alias="EDIId", min_length=1, max_length=200)


class LocalDocumentInput(_DocumentInput):
    """An internal document (report, memo, correspondence; ``AddOrUpdateLocalDoc``), found by ``ext_id``."""


__all__ = [
    "INCOMING",
    "INTERNAL",
    "OUTGOING",
    "ClientInfo",
    "Contract",
    "ContractInput",
    "Contractor",
    "ContractorInput",
    "DocType",
    "Document",
    "ExternalDocumentInput",
    "Feed",
    "LocalDocumentInput",
    "NonFormDocument",
    "Organization",
    "OrganizationInput",
    "UpsertResult",
    "User",
]
