"""How an EnDocs contract becomes a ProSonata project: pure functions, no I/O.

Identity: the project created for EnDocs contract 77 carries the tag ``endocs-contract-77`` in
``projectTags``, a field ProSonata documents as writable on create and as a list filter. A
project is looked up by that tag before anything is created, so a contract never gets two
projects even when the feed cursor was not saved. The tag is the project's only tag when we
create it, which keeps the lookup correct whether the server filters by substring (what the
sandbox and the observed API do) or by equality; the exact tag is checked here either way.

Counterparty -> customer: ProSonata companies have no INN field, so a customer we create keeps
``INN <inn>`` in ``comments`` (documented, writable, filterable); a customer is found by that
INN first, else by its name compared without case, quote style or extra spaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from prefect_prosonata_exeoflow.endocs import Contract
from prefect_prosonata_exeoflow.prosonata import Customer, Project

MARKER_PREFIX = "endocs-contract-"
Status = Literal["created", "already-exists", "skipped", "failed", "dry-run", "cancelled"]
#: Outcomes after which the cursor may pass a contract (nothing left to do for it).
SETTLED: frozenset[str] = frozenset({"created", "already-exists", "skipped"})
_QUOTES = re.compile(r"[\"'«»„“”‚‘’]")
_SPACES = re.compile(r"\s+")


def contract_marker(contract_id: int) -> str:
    """The ``projectTags`` value that ties a ProSonata project to one EnDocs contract."""
    return f"{MARKER_PREFIX}{contract_id}"


def carries_marker(project: Project, marker: str) -> bool:
    """Whether ``project`` is tagged with exactly ``marker`` (a substring match is not enough)."""
    return marker in {tag.strip() for tag in (project.projectTags or "").split(",")}


@dataclass(frozen=True)
class Counterparty:
    """The contract's counterparty (контрагент) as far as the customer match needs it."""

    name: str
    inn: str | None = None
    kpp: str | None = None

    @property
    def label(self) -> str:
        return f"{self.name} (INN {self.inn})" if self.inn else self.name


def counterparty(contract: Contract) -> Counterparty | None:
    party = contract.contractor
    name = (party.name if party else None) or contract.contractor_name
    if not name or not name.strip():
        return None
    return Counterparty(name=name.strip(), inn=(party.inn or None) if party else None,
                        kpp=(party.kpp or None) if party else None)


def inn_note(inn: str) -> str:
    return f"INN {inn}"


def _normal_name(name: str) -> str:
    return _SPACES.sub(" ", _QUOTES.sub("", name)).strip().casefold()


def match_customer(customers: Iterable[Customer], party: Counterparty) -> Customer | None:
    """The ProSonata company for ``party``: by INN noted in comments, else by name."""
    companies = list(customers)
    if party.inn:
        note = re.compile(rf"\bINN\s*{re.escape(party.inn)}\b")
        for customer in companies:
            if note.search(customer.comments or ""):
                return customer
    wanted = _normal_name(party.name)
    for customer in companies:
        if customer.customerName and _normal_name(customer.customerName) == wanted:
            return customer
    return None


def customer_fields(party: Counterparty) -> dict[str, Any]:
    """Body of the customer created for an unknown counterparty (status 0: customer)."""
    notes = [inn_note(party.inn)] if party.inn else []
    if party.kpp:
        notes.append(f"KPP {party.kpp}")
    notes.append("created from EnDocs")
    return {"customerName": party.name, "companyStatus": 0, "comments": ", ".join(notes)}


def project_name(contract: Contract) -> str:
    if contract.name and contract.name.strip():
        return contract.name.strip()
    if contract.doc_number:
        return f"Vertrag {contract.doc_number}"
    return f"EnDocs-Vertrag {contract.id}"


def project_fields(contract: Contract, customer_id: int, contact_id: int) -> dict[str, Any]:
    """Body of the project for ``contract``: name, dates, the identity tag and a summary."""
    fields: dict[str, Any] = {
        "projectName": project_name(contract),
        "customerID": customer_id,
        "contactID": contact_id,
        "projectTags": contract_marker(contract.id),
        "projectQuickInfo": quick_info(contract),
        "projectInfo": "\n".join(info_lines(contract)),
    }
    if contract.doc_date:
        fields["projectDate"] = contract.doc_date.date().isoformat()
    if contract.validity_period and (not contract.doc_date or contract.validity_period >= contract.doc_date):
        fields["projectDateEnd"] = contract.validity_period.date().isoformat()
    return fields


def quick_info(contract: Contract) -> str:
    number = f" Nr. {contract.doc_number}" if contract.doc_number else ""
    date = f" vom {contract.doc_date.date().isoformat()}" if contract.doc_date else ""
    return f"EnDocs-Vertrag{number}{date} (id {contract.id})"


def info_lines(contract: Contract) -> list[str]:
    """What a project manager wants to see of the contract, one fact per line."""
    party = counterparty(contract)
    lines = [f"EnDocs contract id: {contract.id}"]
    facts: Sequence[tuple[str, Any]] = (
        ("Number", contract.doc_number), ("Type", contract.type), ("Subject", contract.subject),
        ("Counterparty", party.label if party else None),
        ("Organization", contract.organization.name if contract.organization else contract.organization_name),
        ("Amount", f"{contract.amount} {contract.currency or ''}".strip() if contract.amount is not None else None),
        ("Valid until", contract.validity_period.date().isoformat() if contract.validity_period else None),
        ("EnDocs state", contract.state),
    )
    lines += [f"{label}: {value}" for label, value in facts if value not in (None, "")]
    return lines


def advance_cursor(start: int, outcomes: Iterable[tuple[int, str]]) -> int:
    """The largest contract id such that it and every id before it (in feed order) is settled.

    A failed contract holds the cursor just below itself, so the next run reads it again
    (together with any later ones, which the identity tag then reports as already existing).
    """
    cursor = start
    for contract_id, status in outcomes:
        if status not in SETTLED:
            break
        cursor = max(cursor, contract_id)
    return cursor
