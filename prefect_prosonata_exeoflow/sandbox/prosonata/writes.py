"""Write bodies: value checks per field type, required fields, references, server fields.

Ids such as PS-U7 cite the unknowns table in ``docs/apis/prosonata.md``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from .._emulator import ErrorAnswer
from .query import parse_date, parse_time
from .rights import Caller
from .tables import DETAIL_MAX, Resource

Row = dict[str, Any]
Tables = dict[str, dict[int, Row]]
_INT = re.compile(r"^\s*-?\d+\s*$")
_DEC = re.compile(r"^\s*-?\d+(\.\d+)?\s*$")
#: The observed quirk: an empty string sent for a project time's clock time is stored as 01:00.
EMPTY_TIME = "01:00:00"
DONE_STEPS = (0, 25, 50, 75, 100)


def _bad(name: str) -> ErrorAnswer:
    return ErrorAnswer(400, f"Invalid value for field '{name}'.")


def coerce(kind: str, name: str, value: Any) -> Any:
    """One body value in canonical form, or 400 naming the field."""
    nullable = kind.endswith("_n")
    base = kind[:-2] if nullable else kind
    if value is None or (nullable and value == "" and base not in ("str", "time")):
        if nullable:
            return None
        if base == "str":
            return ""
        raise _bad(name)
    if base == "str":
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise _bad(name)
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    if base == "int":
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
            return int(value)
        if isinstance(value, str) and _INT.match(value):
            return int(value)
        raise _bad(name)
    if base == "dec":
        if isinstance(value, bool):
            raise _bad(name)
        if isinstance(value, (int, float)) or (isinstance(value, str) and _DEC.match(value)):
            return round(float(value), 4)
        raise _bad(name)  # decimals use a dot
    if base == "date":
        day = parse_date(value)
        if day is None:
            raise ErrorAnswer(400, f"Invalid date for field '{name}': {value!r}.")
        return day
    if base == "time":
        if value == "":
            return EMPTY_TIME
        clock = parse_time(value)
        if clock is None:
            raise ErrorAnswer(400, f"Invalid time for field '{name}': {value!r}.")
        return clock
    return _coerce_list(base, name, value)


def _coerce_list(kind: str, name: str, value: Any) -> Any:
    if not isinstance(value, list):
        raise _bad(name)
    if kind == "users":  # PS-U29: [2, 3] and [{"userID": 2}] alike
        ids = [item.get("userID") if isinstance(item, dict) else item for item in value]
        return [coerce("int", name, user_id) for user_id in ids]
    if kind == "links":
        if len(value) > 5 or not all(isinstance(link, dict) for link in value):
            raise ErrorAnswer(400, f"Invalid value for field '{name}': at most 5 links of name and url.")
        return [{"name": str(link.get("name", "")), "url": str(link.get("url", ""))} for link in value]
    if kind == "positions":
        if not all(isinstance(item, dict) for item in value):
            raise _bad(name)
        return [dict(item) for item in value]
    raise AssertionError(f"unknown field type {kind}")


def normalize(resource: Resource, body: Mapping[str, Any], *, update: bool) -> Row:
    """The known fields of a body in canonical form (unknown fields ignored, except PS-U20)."""
    types = {**resource.body, **resource.update_only} if update else resource.body
    out: Row = {}
    for name, value in body.items():
        kind = types.get(name)
        if kind is not None:
            out[name] = coerce(kind, name, value)
        elif resource.open_body and name not in resource.columns:
            out[name] = value
    return out


def check_required(resource: Resource, body: Mapping[str, Any]) -> None:
    required = list(resource.required)
    if resource.name == "externalcosts" and not body.get("useInbox"):
        required += ["projectID", "addressID"]
    for name in required:
        if body.get(name) in (None, ""):
            raise ErrorAnswer(400, f"Missing required field '{name}'.")


def check_refs(resource: Resource, values: Mapping[str, Any], tables: Tables) -> None:
    """Dangling references: 409 where documented (company/address, PS-U7), else 400."""
    for name, (target, status) in resource.refs.items():
        value = values.get(name)
        if value is not None and value not in tables[target]:
            raise ErrorAnswer(status, f"The referenced {name} {value} does not exist.")
    for name, kind in resource.body.items():
        if kind == "users" and name in values:
            for user_id in values[name]:
                if user_id not in tables["users"]:
                    raise ErrorAnswer(400, f"The referenced userID {user_id} in {name} does not exist.")


# -- server fields -----------------------------------------------------------------------------
Hook = Callable[[Row, Row, Caller, datetime, Tables], None]


def _stamp(now: datetime) -> str:
    return now.strftime("%Y-%m-%d %H:%M:%S")


def _projects_create(row: Row, body: Row, caller: Caller, now: datetime, t: Tables) -> None:
    """projectNo ``YY-<customerID>-NNN`` from the company's counter of the current year."""
    customer = t["customers"][row["customerID"]]
    if customer["projectCounterYear"] != now.year:
        customer["projectCounter"], customer["projectCounterYear"] = 0, now.year
    customer["projectCounter"] += 1
    row["projectNo"] = f"{now.year % 100:02d}-{row['customerID']}-{customer['projectCounter']:03d}"
    row.update(createdByUserID=caller.user_id, projectContractNo="", projectPurchaseOrderNo="", projectViaApi=1)


def _times_create(row: Row, body: Row, caller: Caller, now: datetime, t: Tables) -> None:
    row.update(creationDate=_stamp(now), freeTimeInput=0, timeViaApi=1)
    _times_update(row, body, caller, now, t)


def _times_update(row: Row, body: Row, caller: Caller, now: datetime, t: Tables) -> None:
    if isinstance(row.get("detail"), str):
        row["detail"] = row["detail"][:DETAIL_MAX]  # PS-U25: cut silently


def _tasks_create(row: Row, body: Row, caller: Caller, now: datetime, t: Tables) -> None:
    orders = [task["taskOrder"] for task in t["projecttasks"].values() if task["projectID"] == row["projectID"]]
    if not 0 <= row["donePercentage"] <= 100:
        raise _bad("donePercentage")
    row.update(
        taskOrder=max(orders, default=0) + 1, createdByUserID=caller.user_id,
        taskCreationDate=_stamp(now), editedByUserID=caller.user_id, taskEditDate=_stamp(now),
        linkedExtCostID=None, taskViaApi=1,
    )


def _tasks_update(row: Row, body: Row, caller: Caller, now: datetime, t: Tables) -> None:
    if "donePercentage" in body and body["donePercentage"] not in DONE_STEPS:
        raise ErrorAnswer(400, "Invalid value for field 'donePercentage': use 0, 25, 50, 75 or 100.")
    row.update(editedByUserID=caller.user_id, taskEditDate=_stamp(now))


def _customers_create(row: Row, body: Row, caller: Caller, now: datetime, t: Tables) -> None:
    row.update(
        projectCounter=0, projectCounterYear=now.year, invoiceCounter=0,
        invoiceCounterYear=now.year, companyViaApi=1,
    )


def _addresses_create(row: Row, body: Row, caller: Caller, now: datetime, t: Tables) -> None:
    if not row["fibuAccountNo"]:  # generated (precedence of a sent value: ours)
        debtors = [a["fibuAccountNo"] for a in t["addresses"].values() if a["fibuAccountNo"] < 70000]
        row["fibuAccountNo"] = max(debtors, default=9999) + 1
    row.update(addressCreatedByUserID=caller.user_id, addressEditedByUserID=caller.user_id, addressViaApi=1)


def _addresses_update(row: Row, body: Row, caller: Caller, now: datetime, t: Tables) -> None:
    row["addressEditedByUserID"] = caller.user_id


def _contacts_create(row: Row, body: Row, caller: Caller, now: datetime, t: Tables) -> None:
    row.update(
        createdByUserID=caller.user_id, contactCreationDate=_stamp(now),
        editedByUserID=caller.user_id, isLocked=0, contactViaApi=1,
    )


def _contacts_update(row: Row, body: Row, caller: Caller, now: datetime, t: Tables) -> None:
    row["editedByUserID"] = caller.user_id


def _crm_create(row: Row, body: Row, caller: Caller, now: datetime, t: Tables) -> None:
    row.update(createdByUserID=caller.user_id, followUpDone=0, eventViaApi=1)


def _templates_create(row: Row, body: Row, caller: Caller, now: datetime, t: Tables) -> None:
    row.update(advancePaymentTemplate=0, serviceTemplateViaApi=1)


def _costs_create(row: Row, body: Row, caller: Caller, now: datetime, t: Tables) -> None:
    if bool(body.get("file")) != bool(body.get("fileName")):
        raise ErrorAnswer(400, "Fields 'file' and 'fileName' must be sent together.")
    row["projectNoHint"] = row.pop("projectNo", "")  # inbox hint; the view joins the real number
    row.pop("file", None)  # never kept: the sandbox has no FTP storage
    row.update(createdByUserID=caller.user_id, documentViaApi=1)
    _number_positions(row)


def _costs_update(row: Row, body: Row, caller: Caller, now: datetime, t: Tables) -> None:
    if "file" in body or "fileName" in body:
        raise ErrorAnswer(400, "Files can only be uploaded on create.")
    if "projectNo" in body:
        row["projectNoHint"] = body["projectNo"]
    _number_positions(row)


def _number_positions(row: Row) -> None:
    for n, item in enumerate(row.get("additionalPositions") or [], 2):
        item.setdefault("detailID", n - 1)
        item["position"] = str(n)


CREATE_HOOKS: dict[str, Hook] = {
    "projects": _projects_create,
    "projecttimes": _times_create,
    "projecttasks": _tasks_create,
    "customers": _customers_create,
    "addresses": _addresses_create,
    "contacts": _contacts_create,
    "crmevents": _crm_create,
    "servicetemplates": _templates_create,
    "externalcosts": _costs_create,
}
UPDATE_HOOKS: dict[str, Hook] = {
    "projecttimes": _times_update,
    "projecttasks": _tasks_update,
    "addresses": _addresses_update,
    "contacts": _contacts_update,
    "externalcosts": _costs_update,
}
