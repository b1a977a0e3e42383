"""What each ProSonata resource offers, as data: methods, rights, filters, sort keys, body, types.

Everything here follows ``docs/apis/prosonata.md``; where it records a working guess, the
entry is marked with that guess's id from its unknowns table (PS-U7, PS-U14, ...). The store and the query code read these
tables and hold no resource knowledge of their own beyond joins and server fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# -- user groups -------------------------------------------------------------------------------
#: Rank of each group, lowest to highest. The special groups rank like Zeiterfasser 1 and are
#: granted their resource by name (``Access.groups``).
RANKS: dict[str, int] = {
    "Zeiterfasser 1": 1,
    "CRM-Erfasser": 1,
    "Fremdkostenerfasser": 1,
    "Zeiterfasser 2": 2,
    "Teamleiter": 3,
    "Verwaltung": 4,
    "Administrator": 5,
}
ADMIN = RANKS["Administrator"]
TEAMLEITER = RANKS["Teamleiter"]
VERWALTUNG = RANKS["Verwaltung"]
#: ``showToUsergroup`` code -> lowest rank that sees the CRM event (null: everyone).
SHOW_TO_RANK = {1: TEAMLEITER, 2: VERWALTUNG, 3: ADMIN}

#: Query parameters that are never filters.
RESERVED_PARAMS = frozenset({"perPage", "page", "orderBy", "apiKey", "appID", "jsonp", "callback"})
#: Stored ``detail`` length of project times (PS-U25: longer text is cut silently).
DETAIL_MAX = 800


@dataclass(frozen=True)
class Access:
    """Who may do something: every group from ``rank`` up, plus the named special groups."""

    rank: int
    groups: frozenset[str] = frozenset()

    def allows(self, group: str, rank: int) -> bool:
        return rank >= self.rank or group in self.groups


@dataclass(frozen=True)
class Filter:
    """One list filter: how it matches (``str``, ``exact``, ``dec``, ``date``, ``user``,
    ``member``, ``task_user``) and which view column it reads."""

    kind: str
    column: str


@dataclass(frozen=True)
class Resource:
    name: str
    id_field: str
    methods: frozenset[str]  # of list, get, create, update, delete
    columns: tuple[str, ...]  # the read shape, in the documented order
    read: Access
    filters: Mapping[str, Filter]
    sort_keys: frozenset[str]
    write: Access | None = None
    delete: Access | None = None
    body: Mapping[str, str] = field(default_factory=dict)  # create field -> value type
    update_only: Mapping[str, str] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    defaults: Mapping[str, Any] = field(default_factory=dict)  # "today" = the current date
    refs: Mapping[str, tuple[str, int]] = field(default_factory=dict)  # field -> (resource, status)
    wire: Mapping[str, str] = field(default_factory=dict)  # field -> str2 | str1 | num (PS-U14)
    hidden: frozenset[str] = frozenset()  # stored, filterable, never read back
    filter_defaults: Mapping[str, str] = field(default_factory=dict)
    owner: str | None = None  # field naming the owning user (row-level rights)
    see_others: int = 1  # rank needed to see other users' rows
    write_others: int = 1  # rank needed to create/update rows of other users
    delete_others: int = 1  # rank needed to delete rows of other users
    open_body: bool = False  # keep unknown body fields (PS-U20)
    immutable: frozenset[str] = frozenset()  # body fields a PUT may not change


def _types(**groups: str) -> dict[str, str]:
    """``_types(int="a b", str_n="c")`` -> ``{"a": "int", "b": "int", "c": "str_n"}``."""
    return {name: kind for kind, names in groups.items() for name in names.split()}


def _filters(**groups: str) -> dict[str, Filter]:
    """Like :func:`_types`; ``name=column`` filters on another column."""
    out: dict[str, Filter] = {}
    for kind, names in groups.items():
        for spec in names.split():
            name, _, column = spec.partition("=")
            out[name] = Filter(kind, column or name)
    return out


def _access(rank: int, *groups: str) -> Access:
    return Access(rank, frozenset(groups))


def _cols(text: str) -> tuple[str, ...]:
    return tuple(text.split())


READ_ONLY = frozenset({"list", "get"})
NO_DELETE = frozenset({"list", "get", "create", "update"})
ALL = frozenset({"list", "get", "create", "update", "delete"})
EVERYONE = _access(1)

PROJECTS = Resource(
    name="projects",
    id_field="projectID",
    methods=NO_DELETE,
    columns=_cols(
        "projectID projectNo projectName customerID customerName contactID firstName lastName"
        " projectDate projectDateEnd recurringProject createdByUserID userResponsibleID"
        " projectStatus financeStatus activeStatus projectInfo projectQuickInfo projectTags"
        " projectLinks timePlanned timeNeeded projectCostRate internalDepartment projectGroupID"
        " isProjectTemplate projectContractNo projectPurchaseOrderNo projectViaApi usersAssigned"
    ),
    read=EVERYONE,  # Zeiterfasser 1: only "my projects" (see the store)
    write=_access(2),
    filters=_filters(
        str="projectNo projectName customerName lastName projectQuickInfo projectTags",
        exact="customerID contactID projectStatus financeStatus activeStatus internalDepartment"
        " recurringProject userResponsibleID",
        date="projectDate projectDateEnd",
        member="userID=usersAssigned",
    ),
    sort_keys=frozenset(
        _cols(
            "projectID projectName customerID customerName contactID lastName projectDate"
            " projectDateEnd projectStatus timeNeeded"
        )
    ),
    body=_types(
        str="projectName projectQuickInfo projectInfo projectTags",
        int="customerID contactID activeStatus recurringProject internalDepartment isProjectTemplate",
        int_n="userResponsibleID projectGroupID",
        date="projectDate",
        date_n="projectDateEnd",
        dec="timePlanned",
        dec_n="projectCostRate",
        links="projectLinks",
        users="usersAssigned",
    ),
    update_only=_types(str="projectNo", int="projectStatus financeStatus"),
    required=("projectName", "customerID", "contactID"),
    defaults={"activeStatus": 1, "projectDate": "today"},
    refs={"customerID": ("customers", 400), "contactID": ("contacts", 400), "userResponsibleID": ("users", 400)},
    wire={"timePlanned": "num", "timeNeeded": "num", "projectCostRate": "num"},
)

PROJECTTIMES = Resource(
    name="projecttimes",
    id_field="timeID",
    methods=ALL,
    columns=_cols(
        "timeID category categoryName date detail workingTime projectID projectNo projectName"
        " customerID customerName userID username linkedTaskID notInvoiceable isInvoiced"
        " creationDate workingTimeStart workingTimeEnd timeViaApi"
    ),
    read=EVERYONE,
    write=EVERYONE,
    delete=EVERYONE,
    filters=_filters(
        exact="category projectID customerID linkedTaskID notInvoiceable isInvoiced",
        str="categoryName detail projectNo projectName username",
        date="date date2=date",
        user="userID",
    ),
    sort_keys=frozenset(
        _cols("timeID category date projectID customerID userID notInvoiceable isInvoiced")
    ),
    body=_types(
        int="category projectID userID notInvoiceable isInvoiced",
        int_n="linkedTaskID",
        date="date",
        str="detail",
        dec="workingTime",
        time_n="workingTimeStart workingTimeEnd",
    ),
    required=("category", "projectID"),
    defaults={"date": "today"},
    refs={
        "category": ("projecttimecategories", 400),
        "projectID": ("projects", 400),
        "linkedTaskID": ("projecttasks", 400),
        "userID": ("users", 400),
    },
    wire={"workingTime": "str2"},  # PS-U14: a string on GET, a number in write responses
    owner="userID",
    see_others=2,  # up to Zeiterfasser 1: own rows only
    write_others=ADMIN,
    delete_others=ADMIN,
)
#: [OBS] write responses of project times: no joined names, plus ``freeTimeInput``.
PROJECTTIMES_WRITE_COLUMNS = _cols(
    "timeID category date detail workingTime projectID userID linkedTaskID notInvoiceable"
    " isInvoiced creationDate workingTimeStart workingTimeEnd freeTimeInput timeViaApi"
)

CATEGORIES = Resource(
    name="projecttimecategories",
    id_field="category",
    methods=READ_ONLY,
    columns=_cols(
        "category categoryOrder categoryName active categoryCostRate group groupName"
        " linkedCustomerID priceGroup"
    ),
    read=EVERYONE,
    filters=_filters(exact="category active linkedCustomerID priceGroup", str="categoryName"),
    sort_keys=frozenset(_cols("category categoryOrder group categoryName active priceGroup")),
    wire={"categoryCostRate": "num"},
)

PROJECTTASKS = Resource(
    name="projecttasks",
    id_field="taskID",
    methods=ALL,
    columns=_cols(
        "taskID taskName taskInfo projectID projectNo projectName customerID customerName userID"
        " username taskDateStart taskTimeStart taskDateEnd taskTimeEnd timePlanned recurringTask"
        " recurringTaskDateEnd taskOrder taskTimeCategory categoryName taskPrio type read"
        " donePercentage done doneMailToUserID changedInfoToUser changedInfoToCreator"
        " createdByUserID taskCreationDate editedByUserID taskEditDate linkedExtCostID taskViaApi"
    ),
    read=EVERYONE,
    write=EVERYONE,
    delete=EVERYONE,
    filters=_filters(
        exact="projectID customerID taskTimeCategory recurringTask taskPrio type read done",
        str="projectNo projectName customerName username taskName",
        date="taskDateStart taskDateEnd",
        task_user="userID",
    ),
    sort_keys=frozenset(
        _cols(
            "taskID projectID customerID userID taskDateStart taskDateEnd taskOrder taskPrio"
            " type read done"
        )
    ),
    body=_types(
        str="taskName taskInfo onFreeBoardColumn",
        int="projectID userID recurringTask taskPrio type read onTodayList donePercentage done"
        " changedInfoToUser changedInfoToCreator",
        int_n="taskTimeCategory doneMailToUserID",
        date_n="taskDateStart taskDateEnd recurringTaskDateEnd",
        time_n="taskTimeStart taskTimeEnd",
        dec="timePlanned",
        users="additionalUsers",
    ),
    required=("taskName", "projectID"),
    refs={
        "projectID": ("projects", 400),
        "userID": ("users", 400),
        "taskTimeCategory": ("projecttimecategories", 400),
        "doneMailToUserID": ("users", 400),
    },
    wire={"timePlanned": "num"},
    hidden=frozenset({"onTodayList", "onFreeBoardColumn", "additionalUsers"}),
    owner="userID",
    delete_others=TEAMLEITER,
)

WORKINGTIMES = Resource(
    name="workingtimes",
    id_field="workingTimeID",
    methods=ALL,
    columns=_cols(
        "workingTimeID userID username userFirstName userLastName workingDate dailyTimeStart"
        " dailyTimeEnd dayType halfHoliday homeOffice"
    ),
    read=EVERYONE,
    write=EVERYONE,
    delete=EVERYONE,
    filters=_filters(
        user="userID",
        str="username",
        date="workingDate workingDate2=workingDate",
        exact="dayType halfHoliday homeOffice",
    ),
    sort_keys=frozenset(_cols("workingTimeID userID workingDate")),
    body=_types(
        int="userID dayType halfHoliday homeOffice",
        date="workingDate",
        time_n="dailyTimeStart dailyTimeEnd",
    ),
    required=("workingDate",),  # PS-U20
    refs={"userID": ("users", 400)},
    owner="userID",
    see_others=ADMIN,
    write_others=ADMIN,
    delete_others=ADMIN,
    open_body=True,
)

CUSTOMERS = Resource(
    name="customers",
    id_field="customerID",
    methods=NO_DELETE,
    columns=_cols(
        "customerID customerName companyCode companyStatus companyTags comments projectCounter"
        " projectCounterYear invoiceCounter invoiceCounterYear hourlyRateDiscount customerCostRate"
        " customerPriceGroup customerPaymentTarget customerCashDiscountRate"
        " customerCashDiscountPaymentTarget companyViaApi addressesAssigned contactsAssigned"
    ),
    read=_access(2),  # PS-U23
    write=_access(2),
    filters=_filters(
        str="customerName companyCode companyTags comments customerPriceGroup",
        exact="companyStatus customerPaymentTarget customerCashDiscountPaymentTarget",
        dec="hourlyRateDiscount customerCostRate customerCashDiscountRate",
    ),
    sort_keys=frozenset(
        _cols(
            "customerID customerName companyCode companyStatus hourlyRateDiscount customerCostRate"
            " customerPriceGroup customerPaymentTarget customerCashDiscountRate"
        )
    ),
    body=_types(
        str="customerName companyCode comments companyTags",
        str_n="customerPriceGroup",
        int="companyStatus",
        int_n="customerPaymentTarget customerCashDiscountPaymentTarget",
        dec="hourlyRateDiscount",
        dec_n="customerCostRate customerCashDiscountRate",
    ),
    required=("customerName",),
    wire={"hourlyRateDiscount": "num", "customerCostRate": "num", "customerCashDiscountRate": "num"},
)

_ADDRESS_STR = (
    "name1 name2 name3 addressName street streetNo postalCode city country companyEmail"
    " companyTelephone comments addressTags taxID DUNS GLN supplierNo invoiceEmail"
    " mandateReference IBAN BIC bankName accountOwner"
)
ADDRESSES = Resource(
    name="addresses",
    id_field="addressID",
    methods=NO_DELETE,
    columns=_cols(
        "addressID customerID customerName companyStatus " + _ADDRESS_STR + " fibuAccountNo"
        " customerPaymentTarget noInvoiceEmail mandateDate invReverseCharge invThirdCountry"
        " invTextTemplate addressCreatedByUserID addressEditedByUserID addressActive"
        " addressViaApi contactsAssigned"
    ),
    read=_access(VERWALTUNG),
    write=_access(VERWALTUNG),
    filters=_filters(
        exact="customerID companyStatus fibuAccountNo addressActive",
        str="customerName name1 name2 name3 addressName postalCode city country comments"
        " addressTags taxID",
    ),
    sort_keys=frozenset(_cols("addressID customerID name1 addressName postalCode city country")),
    body=_types(
        str=_ADDRESS_STR,
        int="customerID fibuAccountNo noInvoiceEmail invReverseCharge invThirdCountry addressActive",
        int_n="invTextTemplate customerPaymentTarget",
        date_n="mandateDate",
    ),
    required=("customerID", "city"),
    defaults={"addressActive": 1},
    refs={"customerID": ("customers", 409)},  # documented 409
    filter_defaults={"addressActive": "1"},
)

_CONTACT_STR = (
    "title firstName lastName position department email email2 telephone fax mobile"
    " telephonePrivate mobilePrivate streetPrivate streetNoPrivate postalCodePrivate cityPrivate"
    " countryPrivate messenger socialMedia website comments"
)
_CONTACT_FLAGS = " ".join(f"contactFilter{n}" for n in range(1, 11))
CONTACTS = Resource(
    name="contacts",
    id_field="contactID",
    methods=NO_DELETE,
    columns=_cols(
        "contactID title firstName lastName customerID customerName addressID name1 name2 name3"
        " addressName street streetNo postalCode city country position department email email2"
        " telephone fax mobile telephonePrivate mobilePrivate streetPrivate streetNoPrivate"
        " postalCodePrivate cityPrivate countryPrivate usePrivateForCSV messenger socialMedia"
        " website comments birthday " + _CONTACT_FLAGS + " accountManagerUserID createdByUserID"
        " contactCreationDate editedByUserID active isLocked contactViaApi"
    ),
    read=_access(2),
    write=_access(2),
    filters=_filters(
        str="firstName lastName customerName name1 name2 name3 addressName postalCode city"
        " country comments",
        exact="customerID addressID active " + _CONTACT_FLAGS,
    ),
    sort_keys=frozenset(
        _cols(
            "contactID customerID addressID firstName lastName birthday postalCode city country"
            " accountManagerUserID active"
        )
    ),
    body=_types(
        str=_CONTACT_STR,
        int="customerID addressID usePrivateForCSV active " + _CONTACT_FLAGS,
        int_n="accountManagerUserID",
        date_n="birthday",
    ),
    required=("title", "lastName", "customerID", "addressID"),
    # The docs' create default for ``active`` is 0, the list filter's default 1; we take 1.
    defaults={"active": 1},
    refs={"customerID": ("customers", 409), "addressID": ("addresses", 409), "accountManagerUserID": ("users", 400)},
    filter_defaults={"active": "1"},
)

CRMEVENTS = Resource(
    name="crmevents",
    id_field="eventID",
    methods=ALL,
    columns=_cols(
        "eventID contactID title firstName lastName email telephone customerID customerName name1"
        " name2 name3 street streetNo postalCode city country createdByUserID username"
        " showToUsergroup eventDate eventTime eventNote media projectID projectNo projectName"
        " eventPrio crmTags followUpDate followUpTime followUpUser followUpUsername followUpNote"
        " followUpDone eventViaApi"
    ),
    read=_access(2, "CRM-Erfasser"),
    write=_access(2, "CRM-Erfasser"),
    delete=_access(VERWALTUNG),
    filters=_filters(
        exact="contactID customerID showToUsergroup media projectID eventPrio followUpDone",
        str="firstName lastName customerName name1 name2 projectNo projectName crmTags",
        date="eventDate followUpDate",
        user="followUpUser",
    ),
    sort_keys=frozenset(
        _cols(
            "eventID contactID eventDate createdByUserID eventPrio followUpDate followUpUser"
            " followUpDone"
        )
    ),
    body=_types(
        int="contactID media eventPrio",
        int_n="showToUsergroup projectID followUpUser",
        date="eventDate",
        date_n="followUpDate",
        time="eventTime",
        time_n="followUpTime",
        str="eventNote crmTags followUpNote",
    ),
    update_only=_types(int="followUpDone"),
    required=("contactID", "eventDate"),
    defaults={"eventTime": "09:00:00", "eventPrio": 5},
    refs={"contactID": ("contacts", 400), "projectID": ("projects", 400), "followUpUser": ("users", 400)},
)

SERVICETEMPLATES = Resource(
    name="servicetemplates",
    id_field="templateID",
    methods=ALL,
    columns=_cols(
        "templateID category templateName detail detail_lang1 quantity unit unit_lang1 netValue"
        " additionalCharge1 additionalCharge2 advancePaymentTemplate noCustomerDiscount"
        " hourlyRateService serviceTemplateViaApi"
    ),
    read=_access(TEAMLEITER),  # PS-U23
    write=_access(TEAMLEITER),
    delete=_access(TEAMLEITER),
    filters=_filters(
        str="templateName detail detail_lang1 unit",
        exact="category noCustomerDiscount hourlyRateService",
    ),
    sort_keys=frozenset(_cols("templateID category netValue")),
    body=_types(
        int="category noCustomerDiscount hourlyRateService",
        str="templateName detail detail_lang1 unit unit_lang1",
        dec="quantity netValue additionalCharge1 additionalCharge2",
    ),
    required=("category", "templateName"),
    wire={f: "str2" for f in ("quantity", "netValue", "additionalCharge1", "additionalCharge2")},
)

_COST_MONEY = (
    "netValue grossValue tax quantity unitPrice cashDiscountRate additionalCharge additionalCharge2"
)
EXTERNALCOSTS = Resource(
    name="externalcosts",
    id_field="documentID",
    methods=NO_DELETE,
    columns=_cols(
        "documentID addressID name1 type projectID projectNo projectName customerID customerName"
        " costName documentNo documentDate receiptDate paymentTarget paymentType recurringDoc"
        " createdByUserID quantity unitPrice unit comments netValue grossValue currency tax"
        " multipleTaxes reverseCharge multiplePositions cashDiscountRate paymentDate"
        " paidCashDiscount additionalCharge additionalCharge2 notInvoiceable kskMember"
        " useForCalculation serviceCategory categoryName fibuExpenseAccount fibuInputTaxAccount"
        " datevTaxKey approvedByUsers datevExport documentViaApi additionalPositions"
    ),
    read=_access(TEAMLEITER, "Fremdkostenerfasser"),
    write=_access(TEAMLEITER, "Fremdkostenerfasser"),
    filters=_filters(
        exact="addressID type projectID customerID paymentType recurringDoc createdByUserID"
        " currency reverseCharge notInvoiceable kskMember useForCalculation serviceCategory"
        " datevExport",
        str="name1 projectNo projectName customerName costName documentNo",
        date="documentDate receiptDate paymentDate",
    ),
    sort_keys=frozenset(
        _cols("documentID projectID addressID documentNo documentDate receiptDate grossValue")
    ),
    body=_types(
        int_n="projectID addressID paymentType serviceCategory datevTaxKey",
        dec="netValue grossValue tax cashDiscountRate additionalCharge additionalCharge2",
        dec_n="quantity unitPrice",
        str="projectNo supplierName costName documentNo unit comments fibuExpenseAccount"
        " fibuInputTaxAccount approvedByUsers file fileName",
        int="type paymentTarget recurringDoc currency multipleTaxes reverseCharge"
        " multiplePositions paidCashDiscount notInvoiceable kskMember useForCalculation"
        " datevExport useInbox",
        date="documentDate receiptDate",
        date_n="paymentDate",
        positions="additionalPositions",
    ),
    required=("netValue", "grossValue", "tax"),  # + projectID, addressID unless useInbox=1
    defaults={"type": 1, "useForCalculation": 1, "documentDate": "today", "receiptDate": "today"},
    refs={
        "projectID": ("projects", 400),
        "addressID": ("addresses", 409),
        "serviceCategory": ("projecttimecategories", 400),
    },
    wire={name: "num" for name in _COST_MONEY.split()},
    hidden=frozenset({"supplierName", "file", "fileName", "useInbox", "projectNoHint"}),
    immutable=frozenset({"type"}),
)

_DOC_RECIPIENT = (
    "projectID projectNo projectNoAddition projectName projectTags customerID customerName"
    " addressID name1 name2 name3 street streetNo postalCode city country countryID"
)
#: What the two document lists share besides the recipient: text filters, money on the wire.
_DOC_SEARCH = "name1 projectNo projectName projectTags customerName"
_DOC_WIRE = {"netValue": "str2", "grossValue": "str2", "tax": "str1"}
QUOTATIONS = Resource(
    name="quotations",
    id_field="quotationID",
    methods=READ_ONLY,
    columns=_cols(
        "quotationID quotationName quotationHeadline quotationDate netValue grossValue currency"
        " tax multipleTaxes isSent sentDate ocSentDate quotationComments " + _DOC_RECIPIENT
        + " standardSalutation firstName lastName email username positions"
    ),
    read=_access(TEAMLEITER),
    filters=_filters(
        exact="addressID projectID customerID createdByUserID currency approved",
        str=_DOC_SEARCH,
        date="quotationDate",
    ),
    sort_keys=frozenset(_cols("quotationID projectID addressID quotationDate grossValue")),
    wire=_DOC_WIRE,
    hidden=frozenset({"createdByUserID", "approved"}),
)

INVOICES = Resource(
    name="invoices",
    id_field="invoiceID",
    methods=READ_ONLY,
    columns=_cols(
        "invoiceID invoiceNo invoiceNoAddition invoiceName invoiceHeadline invoiceType invoiceDate"
        " dateStart dateEnd freeServicePeriod netValue grossValue currency tax multipleTaxes"
        " invoiceDunningStatus paymentTargetDate paymentDate cashDiscountRate paidCashDiscount"
        " cancelInvoiceID isSent sepaExport datevExport invoiceComments " + _DOC_RECIPIENT
        + " invoiceEmail standardSalutation firstName lastName email username positions"
    ),
    read=_access(TEAMLEITER),
    filters=_filters(
        exact="addressID invoiceType=invoiceTypeCode projectID customerID createdByUserID"
        " currency reverseCharge sepaExport datevExport",
        str=_DOC_SEARCH + " invoiceNo",
        date="invoiceDate paymentDate",
    ),
    # PS-U22: cut off in the docs.
    sort_keys=frozenset(
        _cols("invoiceID projectID addressID invoiceNo invoiceDate paymentDate grossValue")
    ),
    wire={**_DOC_WIRE, "cashDiscountRate": "str2"},
    hidden=frozenset({"createdByUserID", "invoiceTypeCode", "reverseCharge"}),
)

USERS = Resource(
    name="users",
    id_field="userID",
    methods=READ_ONLY,  # PS-U21
    columns=_cols("userID username userFirstName userLastName email userPhone"),
    read=_access(ADMIN),
    filters=_filters(str="username"),
    sort_keys=frozenset(_cols("userID username")),
    hidden=frozenset({"group"}),
)

RESOURCES: dict[str, Resource] = {
    r.name: r
    for r in (
        PROJECTS,
        PROJECTTIMES,
        CATEGORIES,
        PROJECTTASKS,
        WORKINGTIMES,
        CUSTOMERS,
        ADDRESSES,
        CONTACTS,
        CRMEVENTS,
        SERVICETEMPLATES,
        EXTERNALCOSTS,
        QUOTATIONS,
        INVOICES,
        USERS,
    )
}
#: PS-U18: the docs write the single CRM event as ``crmevent/{id}``; served for GET only.
ALIASES = {"crmevent": "crmevents"}
