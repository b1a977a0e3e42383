"""EnDocs sample: new EnDocs contracts become ProSonata projects, incrementally and idempotently.

Incremental: EnDocs's "new contracts" feed is read from a cursor (the largest contract id
already handled) kept in a Prefect Variable. The cursor is saved only after the batch's
projects exist, and never past a contract that failed, so a failure is read again next run.

Exactly once: every project carries its contract's identity tag (see :mod:`flows.contract_mapping`)
and is looked up by it before anything is created; a create happens only under a Prefect global
concurrency limit used as a mutex (:class:`~prefect_prosonata_exeoflow._core.mutex.PrefectMutex`),
after a second lookup. So a crash between a create and the cursor save, a lost answer to a
create, a cursor reset, an overlapping run or a second worker never produces a second project.

Counterparties map to ProSonata companies by INN or name; unknown ones are created (with an
address and a contact person, which a project needs) only when ``create_missing_customers`` is
set, otherwise the contract is reported as skipped ("no customer") and the cursor passes it;
rerun with ``since_id`` to take such contracts up again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, cast

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact
from prefect.variables import Variable
from pydantic import BaseModel, Field

from prefect_prosonata_exeoflow import APIError, InvalidRequestError, OutcomeUnknownError
from prefect_prosonata_exeoflow._core.mutex import PrefectMutex, hold_briefly
from prefect_prosonata_exeoflow.endocs import Contract, EnDocsCredentials, get_new_contracts
from prefect_prosonata_exeoflow.prosonata import (
    Customer,
    Project,
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
from flows.forms import plain_optional_parameters

ARTIFACT_KEY = "endocs-contracts-to-prosonata"
#: Title of the contact person created for a new company (a ProSonata contact needs one).
NEW_CONTACT_TITLE = "Firma"


#: An optional id: one plain field in the run form (see flows/forms.py), None when left empty.
OptionalCursor = Annotated[int | None, Field(ge=0)]


@dataclass(frozen=True)
class CustomerOptions:
    """How unknown counterparties are handled (from the run's parameters)."""

    create_missing_customers: bool = False
    new_customer_city: str = "Moskau"
    new_contact_name: str = "Vertragsabteilung"
    dry_run: bool = False


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
    cancelled: int = 0
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

    def __init__(self, prosonata: ProSonataCredentials, options: CustomerOptions) -> None:
        self.prosonata, self.p = prosonata, options
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

    def _find(self, marker: str) -> Project | None:
        found = [p for p in list_projects(self.prosonata, filters={"projectTags": marker}, order_by="projectID")
                 if carries_marker(p, marker)]
        return found[0] if found else None

    def _handle(self, contract: Contract, party: Counterparty | None, result: ContractResult) -> ContractResult:
        marker = contract_marker(contract.id)
        existing = self._find(marker)
        if existing is None and party is not None:
            # Double-checked: only a create takes the cross-process lock, and looks again under it.
            # The counterparty's stripe is taken with it, so two runs never both create its company.
            account = self.prosonata.resolved_base_url
            lock = PrefectMutex(f"prosonata:{account}:project", marker).also(
                f"prosonata:{account}:customer", party.inn or party.name)
            if self.p.dry_run:
                return self._create(contract, party, result)

            def find_or_create() -> Project | ContractResult:
                found = self._find(marker)  # a round begun again after a rate limit finds what it made
                return found if found is not None else self._create(contract, party, result)

            outcome = hold_briefly(lock, find_or_create, max_rate_limit_wait=self.prosonata.max_rate_limit_wait)
            if isinstance(outcome, ContractResult):
                return outcome
            existing = outcome
        if existing is not None:
            return result.model_copy(update={"status": "already-exists", "project_id": existing.projectID,
                                             "customer_id": existing.customerID})
        return result.model_copy(update={"message": "the contract names no counterparty"})

    def _create(self, contract: Contract, party: Counterparty, result: ContractResult) -> ContractResult:
        customer = match_customer(self.customers, party)
        if customer is None and self.p.create_missing_customers and not self.p.dry_run:
            self.customers = list_customers(self.prosonata, order_by="customerID")  # another run may have made it
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
            found = contacts[0].contactID if contacts else None
            if found is None and self.p.create_missing_customers:
                found = self._create_contact(customer)  # remembered only once made: a failed try looks again
            self.contacts[cid] = found
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
        # What a reader looks for first stays in view: the outcome, then the details.
        {"contract": r.contract_id, "status": r.status, "note": r.message or "", "project id": r.project_id or "",
         "number": r.number or "", "name": r.name, "counterparty": r.counterparty or "",
         "customer id": r.customer_id or ""}
        for r in summary.results
    ]
    create_table_artifact(
        key=ARTIFACT_KEY,
        table=rows or [{"contract": "(no new contracts)", "number": "", "name": "", "counterparty": "",
                        "customer id": "", "project id": "", "status": "", "note": ""}],
        description=(f"EnDocs contracts above {summary.since_id}: {summary.contracts_read} read, {summary.created} "
                     f"projects created, {summary.already_existed} already existed, {summary.skipped} skipped, "
                     f"{summary.failed} failed, {summary.cancelled} cancelled; cursor {summary.cursor}"
                     f"{' saved' if summary.cursor_saved else ' not saved'}{' (dry run)' if summary.dry_run else ''}."),
    )


def _handle_all(sync: _ContractSync, batch: list[Contract]) -> tuple[list[ContractResult], BaseException | None]:
    """Each contract in feed order; on SIGTERM/cancel the rest are reported ``cancelled``."""
    results: list[ContractResult] = []
    try:
        for contract in batch:
            results.append(sync.handle(contract))
    except BaseException as exc:  # TerminationSignal (SIGTERM, cancel) or Ctrl-C: report, then end
        if isinstance(exc, Exception):
            raise
        for contract in batch[len(results):]:
            party = counterparty(contract)
            results.append(ContractResult(
                contract_id=contract.id, number=contract.doc_number, name=project_name(contract),
                counterparty=party.label if party else None, status="cancelled",
                message="the run was stopped; a rerun takes it up (a project made meanwhile is found by its tag)"))
        return results, exc
    return results, None


@plain_optional_parameters
@flow(name="endocs-contracts-to-prosonata")
def endocs_contracts_to_prosonata(
    endocs_block: str = "endocs",
    prosonata_block: str = "prosonata",
    cursor_variable: Annotated[str, Field(pattern=r"^[a-z0-9_-]{1,255}$")] = "endocs-contracts-cursor",
    since_id: OptionalCursor = None,
    max_contracts: Annotated[int, Field(ge=1, le=1000)] = 100,
    create_missing_customers: bool = False,
    new_customer_city: Annotated[str, Field(min_length=1)] = "Moskau",
    new_contact_name: Annotated[str, Field(min_length=1)] = "Vertragsabteilung",
    dry_run: bool = False,
) -> ContractSyncSummary:
    """Create one ProSonata project per new EnDocs contract, from where the last run stopped, exactly once.

    Args:
        endocs_block: Name of the saved EnDocs Credentials block.
        prosonata_block: Name of the saved ProSonata Credentials block.
        cursor_variable: Prefect Variable holding the last EnDocs contract id handled (created on first run).
        since_id: Read contracts above this id instead of the stored cursor (0: all); empty uses the cursor.
        max_contracts: At most this many contracts per run (ProSonata's quota is small); the rest come next run.
        create_missing_customers: Create a ProSonata company (with address and contact) for an unknown counterparty.
        new_customer_city: City of the address of a created company.
        new_contact_name: Last name of the contact person of a created company.
        dry_run: Show what would be created, in the artifact, without writing anything.
    """
    logger = get_run_logger()
    endocs = cast(EnDocsCredentials, EnDocsCredentials.load(endocs_block))
    prosonata = cast(ProSonataCredentials, ProSonataCredentials.load(prosonata_block))
    stored = Variable.get(cursor_variable, default=0)
    start_id = since_id if since_id is not None else int(stored or 0)
    feed = get_new_contracts(endocs, since_id=start_id)
    batch = feed.items[:max_contracts]
    options = CustomerOptions(create_missing_customers, new_customer_city, new_contact_name, dry_run)
    results: list[ContractResult] = []
    interrupted: BaseException | None = None
    sync = _ContractSync(prosonata, options) if batch else None
    if sync is not None:
        results, interrupted = _handle_all(sync, batch)
    cursor = advance_cursor(start_id, ((r.contract_id, r.status) for r in results))
    saved = not dry_run and cursor != stored
    if saved:
        Variable.set(cursor_variable, cursor, overwrite=True)
        logger.info("cursor %s: %s -> %s", cursor_variable, stored, cursor)
    summary = ContractSyncSummary(
        cursor_variable=cursor_variable, since_id=start_id, cursor=cursor, cursor_saved=saved,
        contracts_read=len(batch), created=sum(r.status == "created" for r in results),
        already_existed=sum(r.status == "already-exists" for r in results),
        skipped=sum(r.status == "skipped" for r in results), failed=sum(r.status == "failed" for r in results),
        cancelled=sum(r.status == "cancelled" for r in results),
        customers_created=sync.customers_created if sync else 0, dry_run=dry_run, results=results,
    )
    _publish(summary)
    if interrupted is not None:
        raise interrupted
    if summary.failed:
        raise ContractSyncFailed(summary)
    return summary
