"""Read views: stored rows joined with the names ProSonata adds (customerName, username, ...),
and the wire form with the observed per-field types (PS-U14 in ``docs/apis/prosonata.md``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from typing import Any

from .tables import Resource

Row = dict[str, Any]
Tables = Mapping[str, Mapping[int, Row]]


def wire_value(kind: str, value: Any) -> Any:
    """``str2``: "1.25"; ``str1``: "19.0"; ``num``: 20 or 15.25 (integral numbers as ints)."""
    if value is None:
        return None
    if kind == "str2":
        return f"{float(value):.2f}"
    if kind == "str1":
        return f"{float(value):.1f}"
    number = float(value)
    return int(number) if number.is_integer() else round(number, 2)


def to_wire(resource: Resource, view: Row, columns: Iterable[str] | None = None) -> Row:
    """The JSON object for one row: the resource's columns in order, with wire types."""
    wire = resource.wire
    out = {name: view.get(name) for name in (columns or resource.columns)}
    for name, kind in wire.items():
        if name in out:
            out[name] = wire_value(kind, out[name])
    if resource.open_body:  # PS-U20: unknown fields of working times are kept and echoed
        known = set(resource.columns)
        out.update({k: v for k, v in view.items() if k not in known})
    return out


class Joins:
    """Lookups shared by all views of one build (the tables do not change during a build)."""

    def __init__(self, tables: Tables) -> None:
        self.t = tables

    def _group(self, resource: str, key: str) -> dict[Any, list[Row]]:
        out: dict[Any, list[Row]] = {}
        for row in self.t[resource].values():
            out.setdefault(row[key], []).append(row)
        return out

    @cached_property
    def addresses_by_customer(self) -> dict[Any, list[Row]]:
        return self._group("addresses", "customerID")

    @cached_property
    def contacts_by_customer(self) -> dict[Any, list[Row]]:
        return self._group("contacts", "customerID")

    @cached_property
    def contacts_by_address(self) -> dict[Any, list[Row]]:
        return self._group("contacts", "addressID")

    @cached_property
    def time_needed(self) -> dict[int, float]:
        out: dict[int, float] = {}
        for row in self.t["projecttimes"].values():
            out[row["projectID"]] = out.get(row["projectID"], 0.0) + float(row["workingTime"] or 0)
        return {k: round(v, 2) for k, v in out.items()}

    def get(self, resource: str, row_id: Any) -> Row:
        return self.t[resource].get(row_id) or {} if row_id is not None else {}

    def username(self, user_id: Any) -> str | None:
        return self.get("users", user_id).get("username")

    def project(self, project_id: Any) -> Row:
        """projectNo, projectName, customerID and customerName of a project."""
        project = self.get("projects", project_id)
        customer_id = project.get("customerID")
        return {
            "projectNo": project.get("projectNo"),
            "projectName": project.get("projectName"),
            "customerID": customer_id,
            "customerName": self.get("customers", customer_id).get("customerName"),
        }

    def address(self, address_id: Any) -> Row:
        address = self.get("addresses", address_id)
        names = "name1 name2 name3 addressName street streetNo postalCode city country"
        return {name: address.get(name) for name in names.split()}


def _user_brief(joins: Joins, user_id: int) -> Row:
    user = joins.get("users", user_id)
    return {
        "userID": user_id,
        "username": user.get("username"),
        "userFirstName": user.get("userFirstName"),
        "userLastName": user.get("userLastName"),
    }


def _projects(j: Joins, row: Row) -> Row:
    contact = j.get("contacts", row["contactID"])
    return {
        **row,
        "customerName": j.get("customers", row["customerID"]).get("customerName"),
        "firstName": contact.get("firstName"),
        "lastName": contact.get("lastName"),
        "timeNeeded": j.time_needed.get(row["projectID"], 0.0),
        "usersAssigned": [_user_brief(j, u) for u in row["usersAssigned"]],
    }


def _projecttimes(j: Joins, row: Row) -> Row:
    return {
        **row,
        **j.project(row["projectID"]),
        "categoryName": j.get("projecttimecategories", row["category"]).get("categoryName"),
        "username": j.username(row["userID"]),
    }


def _projecttasks(j: Joins, row: Row) -> Row:
    return {
        **row,
        **j.project(row["projectID"]),
        "username": j.username(row["userID"]),
        "categoryName": j.get("projecttimecategories", row["taskTimeCategory"]).get("categoryName"),
    }


def _workingtimes(j: Joins, row: Row) -> Row:
    user = j.get("users", row["userID"])
    return {
        **row,
        "username": user.get("username"),
        "userFirstName": user.get("userFirstName"),
        "userLastName": user.get("userLastName"),
    }


_ADDRESS_BRIEF = "addressID name1 name2 name3 addressName street streetNo postalCode city country"


def _address_brief(address: Row) -> Row:
    return {name: address.get(name) for name in _ADDRESS_BRIEF.split()}


def _contact_brief(contact: Row) -> Row:
    return {
        "contactID": contact.get("contactID"),
        "firstName": contact.get("firstName"),
        "LastName": contact.get("lastName"),  # sic: a capital L in this embedded object (docs)
        "position": contact.get("position"),
        "department": contact.get("department"),
        "email": contact.get("email"),
        "email2": contact.get("email2"),
        "telephone": contact.get("telephone"),
        "mobile": contact.get("mobile"),
    }


def _customers(j: Joins, row: Row) -> Row:
    customer_id = row["customerID"]
    return {
        **row,
        "addressesAssigned": [_address_brief(a) for a in j.addresses_by_customer.get(customer_id, [])],
        "contactsAssigned": [_contact_brief(c) for c in j.contacts_by_customer.get(customer_id, [])],
    }


def _addresses(j: Joins, row: Row) -> Row:
    customer = j.get("customers", row["customerID"])
    return {
        **row,
        "customerName": customer.get("customerName"),
        "companyStatus": customer.get("companyStatus"),
        "contactsAssigned": [_contact_brief(c) for c in j.contacts_by_address.get(row["addressID"], [])],
    }


def _contacts(j: Joins, row: Row) -> Row:
    return {
        **row,
        **j.address(row["addressID"]),
        "customerName": j.get("customers", row["customerID"]).get("customerName"),
    }


def _crmevents(j: Joins, row: Row) -> Row:
    contact = j.get("contacts", row["contactID"])
    project = j.get("projects", row["projectID"])
    names = "title firstName lastName email telephone customerID"
    return {
        **row,
        **{name: contact.get(name) for name in names.split()},
        **j.address(contact.get("addressID")),
        "customerName": j.get("customers", contact.get("customerID")).get("customerName"),
        "username": j.username(row["createdByUserID"]),
        "projectNo": project.get("projectNo"),
        "projectName": project.get("projectName"),
        "followUpUsername": j.username(row["followUpUser"]) or "",
    }


def _externalcosts(j: Joins, row: Row) -> Row:
    project = j.project(row["projectID"]) if row["projectID"] is not None else {}
    return {
        **row,
        **project,
        "projectNo": project.get("projectNo") or row.get("projectNoHint") or "",
        "name1": j.get("addresses", row["addressID"]).get("name1") or row.get("supplierName") or "",
        "categoryName": j.get("projecttimecategories", row["serviceCategory"]).get("categoryName") or "",
    }


def _plain(j: Joins, row: Row) -> Row:
    return row


VIEWS: dict[str, Callable[[Joins, Row], Row]] = {
    "projects": _projects,
    "projecttimes": _projecttimes,
    "projecttasks": _projecttasks,
    "workingtimes": _workingtimes,
    "customers": _customers,
    "addresses": _addresses,
    "contacts": _contacts,
    "crmevents": _crmevents,
    "externalcosts": _externalcosts,
}


def build_view(name: str, joins: Joins, row: Row) -> Row:
    return VIEWS.get(name, _plain)(joins, row)
