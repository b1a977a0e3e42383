"""EnDocs sample: new EnDocs contracts become ProSonata projects, incrementally and idempotently.

Incremental: EnDocs's "new contracts" feed is read from a cursor (the largest contract id
already handled) kept in a Prefect Variable. The cursor is saved only after the batch's
projects exist, and never past a contract that failed, so a failure is read again next run.

Idempotent: every project carries its contract's identity tag (see :mod:`flows.contract_mapping`)
and is looked up by it before anything is created, so a crash between a create and the cursor
save, a lost answer to a create, or a cursor reset never produces a second project.

Counterparties map to ProSonata companies by INN or name; unknown ones are created (with an
address and a contact person, which a project needs) only when ``create_missing_customers`` is
set, otherwise the contract is reported as skipped ("no customer") and the cursor passes it;
rerun with ``since_id`` to take such contracts up again.
"""

from __future__ import annotations

from typing import Annotated, cast

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact
from prefect.variables import Variable
from pydantic import BaseModel, Field

from prefect_prosonata_exeoflow import APIError, InvalidRequestError, OutcomeUnknownError
from prefect_prosonata_exeoflow.endocs import Contract, EnDocsCredentials, get_new_contracts
from prefect_prosonata_exeoflow.prosonata import (
    Customer,
    ProSonataCredentials,
    create_address,
    create_contact,
    create_customer,
    create_project,
    list_addresses,
    list_contacts,
    list_customers,
    list_projects,
)

from flows.contract_mapping import (
    Counterparty,
    Status,
    advance_cursor,
    carries_marker,
    contract_marker,
    counterparty,
    customer_fields,
    match_customer,
    project_fields,
    project_name,
)

ARTIFACT_KEY = "endocs-contracts-to-prosonata"
#: Title of the contact person created for a new company (a ProSonata contact needs one).
NEW_CONTACT_TITLE = "Firma"


class ContractSyncParameters(BaseModel):
    """What to take over: rendered by the Prefect UI as the run form."""

    endocs_block: str = Field(default="endocs", description="Name of the saved EnDocs Credentials block.")
    prosonata_block: str = Field(default="prosonata", description="Name of the saved ProSonata Credentials block.")
    cursor_variable: str = Field(
        default="endocs-contracts-cursor", pattern=r"^[a-z0-9_-]{1,255}$",
        description="Prefect Variable holding the last EnDocs contract id handled (created on first run).",
    )
    since_id: Annotated[int | None, Field(ge=0)] = Field(
        default=None,
        description="Read contracts above this id instead of the stored cursor (0: all); empty uses the cursor.",
    )
    max_contracts: Annotated[int, Field(ge=1, le=1000)] = Field(
        default=100,
        description="At most this many contracts per run (ProSonata's quota is small); the rest come next run.",
    )
    create_missing_customers: bool = Field(
        default=False,
        description="Create a ProSonata company (with address and contact) for an unknown counterparty.",
    )
    new_customer_city: str = Field(
        default="Moskau", min_length=1, description="City of the address of a created company."
    )
    new_contact_name: str = Field(
        default="Vertragsabteilung", min_length=1, description="Last name of the contact person of a created company."
    )
    dry_run: bool = Field(
        default=False, description="Show what would be created, in the artifact, without writing anything."
    )


class ContractResult(BaseModel):
    contract_id: int
    number: str | None = None
    name: str
    counterparty: str | None = None
    customer_id: int | None = None
    project_id: int | None = None
    status: Status
    message: str | None = None


class ContractSyncSummary(BaseModel):
    cursor_variable: str
    since_id: int
    cursor: int
    cursor_saved: bool
    contracts_read: int
    created: int
    already_existed: int
    skipped: int
    failed: int
    customers_created: int
    dry_run: bool
    results: list[ContractResult]


class ContractSyncFailed(APIError):
    """Some contracts failed; ``summary`` has every outcome. The cursor stays before the first one."""

    def __init__(self, summary: ContractSyncSummary) -> None:
        self.summary = summary
        failed = [r for r in summary.results if r.status == "failed"]
        super().__init__(f"{len(failed)} of {summary.contracts_read} contracts failed (cursor kept at "
                         f"{summary.cursor}): " + "; ".join(f"{r.contract_id}: {r.message}" for r in failed[:5]))


class _ContractSync:
    """One run's ProSonata side: customers read once, contacts cached per company."""

    def __init__(self, prosonata: ProSonataCredentials, parameters: ContractSyncParameters) -> None:
        self.prosonata, self.p = prosonata, parameters
        self.customers: list[Customer] = list_customers(prosonata, order_by="customerID")
        self.contacts: dict[int, int | None] = {}
        self.customers_created = 0

    def handle(self, contract: Contract) -> ContractResult:
        party = counterparty(contract)
        result = ContractResult(contract_id=contract.id, number=contract.doc_number, name=project_name(contract),
                                counterparty=party.label if party else None, status="skipped")
        try:
            return self._handle(contract, party, result)
        except (APIError, InvalidRequestError) as exc:  # a value from EnDocs ProSonata refuses is this contract's failure
            if isinstance(exc, OutcomeUnknownError):  # a company may have been created: see it next time
                self.customers = list_customers(self.prosonata, order_by="customerID")
            return result.model_copy(update={"status": "failed", "message": f"{type(exc).__name__}: {exc}"})

    def _handle(self, contract: Contract, party: Counterparty | None, result: ContractResult) -> ContractResult:
        marker = contract_marker(contract.id)
        found = [p for p in list_projects(self.prosonata, filters={"projectTags": marker}, order_by="projectID")
                 if carries_marker(p, marker)]
        if found:
            return result.model_copy(update={"status": "already-exists", "project_id": found[0].projectID,
                                             "customer_id": found[0].customerID})
        if party is None:
            return result.model_copy(update={"message": "the contract names no counterparty"})
        customer = match_customer(self.customers, party)
        if customer is None and not self.p.create_missing_customers:
            return result.model_copy(update={"message": "no customer: no ProSonata company with this INN or name"})
        if self.p.dry_run:
            plan = "existing company" if customer else "a new company, address and contact"
            return result.model_copy(update={"status": "dry-run", "customer_id": customer and customer.customerID,
                                             "message": f"would create the project for {plan}"})
        customer = customer or self._create_customer(party)
        contact_id = self._contact(customer)
        if contact_id is None:
            return result.model_copy(update={"customer_id": customer.customerID,
                                             "message": "the ProSonata company has no contact person"})
        project = create_project(self.prosonata, project_fields(contract, customer.customerID, contact_id))
        return result.model_copy(update={"status": "created", "project_id": project.projectID,
                                         "customer_id": customer.customerID})

    def _create_customer(self, party: Counterparty) -> Customer:
        customer: Customer = create_customer(self.prosonata, customer_fields(party))
        self.customers.append(customer)
        self.customers_created += 1
        return customer

    def _contact(self, customer: Customer) -> int | None:
        """A contact person of the company (projects need one); created when allowed."""
        cid = customer.customerID
        if cid not in self.contacts:
            contacts = list_contacts(self.prosonata, filters={"customerID": cid}, order_by="contactID", limit=1)
            self.contacts[cid] = contacts[0].contactID if contacts else None
            if not contacts and self.p.create_missing_customers:
                self.contacts[cid] = self._create_contact(customer)
        return self.contacts[cid]

    def _create_contact(self, customer: Customer) -> int:
        cid = customer.customerID
        addresses = list_addresses(self.prosonata, filters={"customerID": cid}, order_by="addressID", limit=1)
        address_id = addresses[0].addressID if addresses else create_address(self.prosonata, {
            "customerID": cid, "name1": customer.customerName, "city": self.p.new_customer_city}).addressID
        contact = create_contact(self.prosonata, {"customerID": cid, "addressID": address_id,
                                                  "title": NEW_CONTACT_TITLE, "lastName": self.p.new_contact_name})
        return int(contact.contactID)


def _publish(summary: ContractSyncSummary) -> None:
    rows = [
        {"contract": r.contract_id, "number": r.number or "", "name": r.name, "counterparty": r.counterparty or "",
         "customer id": r.customer_id or "", "project id": r.project_id or "", "status": r.status,
         "note": r.message or ""}
        for r in summary.results
    ]
    create_table_artifact(
        key=ARTIFACT_KEY,
        table=rows or [{"contract": "(no new contracts)", "number": "", "name": "", "counterparty": "",
                        "customer id": "", "project id": "", "status": "", "note": ""}],
        description=(f"EnDocs contracts above {summary.since_id}: {summary.contracts_read} read, {summary.created} "
                     f"projects created, {summary.already_existed} already existed, {summary.skipped} skipped, "
                     f"{summary.failed} failed; cursor {summary.cursor}"
                     f"{' saved' if summary.cursor_saved else ' not saved'}{' (dry run)' if summary.dry_run else ''}."),
    )


@flow(name="endocs-contracts-to-prosonata")
def endocs_contracts_to_prosonata(
    parameters: ContractSyncParameters = ContractSyncParameters(),
) -> ContractSyncSummary:
    """Create one ProSonata project per new EnDocs contract, from where the last run stopped."""
    logger = get_run_logger()
    endocs = cast(EnDocsCredentials, EnDocsCredentials.load(parameters.endocs_block))
    prosonata = cast(ProSonataCredentials, ProSonataCredentials.load(parameters.prosonata_block))
    stored = Variable.get(parameters.cursor_variable, default=0)
    since_id = parameters.since_id if parameters.since_id is not None else int(stored or 0)
    feed = get_new_contracts(endocs, since_id=since_id)
    batch = feed.items[: parameters.max_contracts]
    sync = _ContractSync(prosonata, parameters) if batch else None
    results = [sync.handle(contract) for contract in batch] if sync else []
    cursor = advance_cursor(since_id, ((r.contract_id, r.status) for r in results))
    saved = not parameters.dry_run and cursor != stored
    if saved:
        Variable.set(parameters.cursor_variable, cursor, overwrite=True)
        logger.info("cursor %s: %s -> %s", parameters.cursor_variable, stored, cursor)
    summary = ContractSyncSummary(
        cursor_variable=parameters.cursor_variable, since_id=since_id, cursor=cursor, cursor_saved=saved,
        contracts_read=len(batch), created=sum(r.status == "created" for r in results),
        already_existed=sum(r.status == "already-exists" for r in results),
        skipped=sum(r.status == "skipped" for r in results), failed=sum(r.status == "failed" for r in results),
        customers_created=sync.customers_created if sync else 0, dry_run=parameters.dry_run, results=results,
    )
    _publish(summary)
    if summary.failed:
        raise ContractSyncFailed(summary)
    return summary
