"""The EnDocs sample (new contracts -> ProSonata projects) end to end in prefect_test_harness."""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace
from typing import Any, cast

import pytest
from prefect.variables import Variable

from blocks.setup import build_blocks, save_blocks
from flows.contract_mapping import Counterparty, advance_cursor, carries_marker, contract_marker, match_customer
from flows.endocs_contracts_to_prosonata import (
    ARTIFACT_KEY,
    ContractSyncFailed,
    _ContractSync,
    endocs_contracts_to_prosonata,
)
from prefect_prosonata_exeoflow import InvalidRequestError, NotFoundError, RateLimitError
from prefect_prosonata_exeoflow.endocs import Contract
from prefect_prosonata_exeoflow.prosonata import Customer, Project
from prefect_prosonata_exeoflow.sandbox import SandboxServer

from .artifacts import artifacts

_names = itertools.count()


def params(sandbox: SandboxServer, **overrides: Any) -> dict[str, Any]:
    """Fresh block names and a fresh cursor variable: the harness's Prefect server outlives tests."""
    suffix = f"{next(_names)}-{dt.datetime.now().timestamp():.0f}"
    names = {"prosonata": f"ps-{suffix}", "exeoflow": f"exeo-{suffix}", "endocs": f"endocs-{suffix}"}
    save_blocks(build_blocks(sandbox_url=sandbox.url, apis=("prosonata", "endocs")), names)
    return {"prosonata_block": names["prosonata"], "endocs_block": names["endocs"],
            "cursor_variable": f"endocs-cursor-{suffix}", **overrides}


def endocs(sandbox: SandboxServer) -> Any:
    return sandbox.sandbox.emulators["endocs"]


def prosonata_rows(sandbox: SandboxServer, resource: str) -> list[dict[str, Any]]:
    return cast(Any, sandbox.sandbox.emulators["prosonata"]).rows(resource)  # type: ignore[no-any-return]


def pending_contracts(sandbox: SandboxServer) -> list[int]:
    return [c["Id"] for c in endocs(sandbox).store.pending("contracts", 0)]


def projects_of(sandbox: SandboxServer, contract_id: int) -> list[dict[str, Any]]:
    rows = prosonata_rows(sandbox, "projects")
    return [row for row in rows if row.get("projectTags") == contract_marker(contract_id)]


def creates(sandbox: SandboxServer, resource: str = "projects") -> int:
    return sandbox.sandbox.stats.get(f"prosonata.create.{resource}")


def test_one_project_per_new_contract_and_reruns_create_nothing(prefect_harness: None, sandbox: SandboxServer) -> None:
    p = params(sandbox, create_missing_customers=True)
    new = pending_contracts(sandbox)
    assert len(new) >= 3, "the sandbox seeds several contracts 1C has not taken"

    first = endocs_contracts_to_prosonata(**p)
    assert [r.contract_id for r in first.results] == new
    assert first.created == len(new) == creates(sandbox) and first.failed == first.skipped == 0
    assert first.customers_created == creates(sandbox, "customers") == len({r.counterparty for r in first.results})
    for result in first.results:
        (project,) = projects_of(sandbox, result.contract_id)
        assert project["projectID"] == result.project_id and project["customerID"] == result.customer_id
    assert Variable.get(p["cursor_variable"]) == max(new) == first.cursor

    second = endocs_contracts_to_prosonata(**p)
    assert second.contracts_read == 0 and second.created == 0

    # The cursor lost (never saved, or reset): every contract is recognised, nothing is created twice.
    again = endocs_contracts_to_prosonata(**{**p, "since_id": 0})
    assert again.already_existed == len(new) and again.created == 0
    assert {r.project_id for r in again.results} == {r.project_id for r in first.results}
    assert creates(sandbox) == len(new) and creates(sandbox, "customers") == first.customers_created


def test_a_contract_added_later_is_picked_up_exactly_once(prefect_harness: None, sandbox: SandboxServer) -> None:
    p = params(sandbox, create_missing_customers=True)
    first = endocs_contracts_to_prosonata(**p)
    added = endocs(sandbox).add_contract("Договор поставки №99", contractor_id=9)

    second = endocs_contracts_to_prosonata(**p)
    assert [(r.contract_id, r.status) for r in second.results] == [(added, "created")]
    assert second.customers_created == 0, "the counterparty's company from the first run is reused"
    assert second.results[0].customer_id == first.results[0].customer_id
    assert endocs_contracts_to_prosonata(**p).contracts_read == 0
    assert len(projects_of(sandbox, added)) == 1 and Variable.get(p["cursor_variable"]) == added


def test_a_create_whose_answer_is_lost_is_not_duplicated(prefect_harness: None, sandbox: SandboxServer) -> None:
    p = params(sandbox, create_missing_customers=True)
    new = pending_contracts(sandbox)
    # The server creates the first project, then the connection drops: the outcome is unknown.
    sandbox.sandbox.faults.add("reset_after", api="prosonata", method="POST", path="/projects$", times=1)
    with pytest.raises(ContractSyncFailed) as info:
        endocs_contracts_to_prosonata(**p)
    failed = info.value.summary
    assert [r.status for r in failed.results] == ["failed"] + ["created"] * (len(new) - 1)
    assert failed.cursor == 0 and Variable.get(p["cursor_variable"]) is None, "the cursor stays before the failure"
    assert creates(sandbox) == len(new)

    rerun = endocs_contracts_to_prosonata(**p)
    assert rerun.already_existed == len(new) and rerun.created == 0
    assert all(len(projects_of(sandbox, contract_id)) == 1 for contract_id in new)
    assert creates(sandbox) == len(new) and Variable.get(p["cursor_variable"]) == max(new)


def test_dry_run_sends_nothing(prefect_harness: None, sandbox: SandboxServer) -> None:
    p = params(sandbox, create_missing_customers=True, dry_run=True)
    before = len(prosonata_rows(sandbox, "projects"))
    summary = endocs_contracts_to_prosonata(**p)
    assert summary.dry_run and summary.contracts_read == len(pending_contracts(sandbox))
    assert {r.status for r in summary.results} == {"dry-run"} and not summary.cursor_saved
    writes = {k: v for k, v in sandbox.sandbox.stats.snapshot().items() if k.startswith("prosonata.create")}
    assert writes == {} and len(prosonata_rows(sandbox, "projects")) == before
    assert Variable.get(p["cursor_variable"]) is None
    (artifact,) = artifacts(ARTIFACT_KEY, limit=1)
    assert artifact["type"] == "table" and artifact["data"].count('"dry-run"') == summary.contracts_read


def test_known_companies_are_matched_and_unknown_ones_skipped(prefect_harness: None, sandbox: SandboxServer) -> None:
    # The counterparty of contract 77 is renamed as a user would: it is ProSonata's "Bäckerei Back" now.
    endocs(sandbox).record("contractors", 9).update(Name="«Bäckerei  BACK»", INN=None)
    p = params(sandbox)
    summary = endocs_contracts_to_prosonata(**p)
    outcome = {r.contract_id: r for r in summary.results}
    assert outcome[77].status == "created" and outcome[77].customer_id == 11
    assert all(r.status == "skipped" and "no customer" in (r.message or "") for k, r in outcome.items() if k != 77)
    assert creates(sandbox) == 1 and creates(sandbox, "customers") == 0
    assert summary.cursor == max(outcome), "skipped contracts do not hold the cursor"


def test_identity_and_cursor_rules() -> None:
    assert carries_marker(Project(projectID=1, projectTags="x, endocs-contract-7"), "endocs-contract-7")
    assert not carries_marker(Project(projectID=1, projectTags="endocs-contract-77"), "endocs-contract-7")
    customers = [Customer(customerID=1, customerName="ООО Ромашка", comments="INN 7701234567"),
                 Customer(customerID=2, customerName='ООО "Поставщик"')]
    assert match_customer(customers, Counterparty("other name", inn="7701234567")).customerID == 1  # type: ignore[union-attr]
    assert match_customer(customers, Counterparty("ооо «поставщик»", inn="5001234567")).customerID == 2  # type: ignore[union-attr]
    assert match_customer(customers, Counterparty("ООО Ромашка-Трейд", inn="770123456")) is None
    assert advance_cursor(5, [(7, "created"), (8, "skipped"), (9, "failed"), (10, "created")]) == 8
    assert advance_cursor(5, [(7, "failed"), (8, "created")]) == 5


@pytest.mark.parametrize("error", [
    InvalidRequestError("projects: 'projectDate': '31.02.2026' is not a date", api="ProSonata"),
    NotFoundError("Data not found.", status=404, api="ProSonata"),
])
def test_a_contract_the_apis_refuse_fails_alone(error: Exception) -> None:
    """A value from EnDocs that ProSonata's checks refuse (a misuse error, no longer an APIError)
    fails that contract only, like an error the server answers: the run goes on with the next."""
    sync = object.__new__(_ContractSync)  # without the task calls its constructor makes

    def refuse(*args: Any) -> Any:
        raise error

    sync._handle = refuse  # type: ignore[method-assign]
    result = sync.handle(Contract.model_validate({"id": 7, "name": "Договор поставки №7"}))
    assert result.status == "failed" and type(error).__name__ in (result.message or "")


def test_a_programming_mistake_in_a_contract_still_surfaces() -> None:
    sync = object.__new__(_ContractSync)

    def broken(*args: Any) -> Any:
        raise TypeError("unexpected keyword argument 'fiters'")

    sync._handle = broken  # type: ignore[method-assign]
    with pytest.raises(TypeError):
        sync.handle(Contract.model_validate({"id": 8, "name": "Договор"}))


def test_a_contact_whose_create_was_rate_limited_is_created_on_the_next_round(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The locked creates are begun again after a rate-limit wait (hold_briefly): a company whose
    contact could not be made the first time still gets one, it is not taken for "no contact"."""
    from flows import endocs_contracts_to_prosonata as module

    sync = object.__new__(_ContractSync)  # without the task calls its constructor makes
    sync.prosonata, sync.contacts = object(), {}  # type: ignore[assignment]
    sync.p = SimpleNamespace(create_missing_customers=True)  # type: ignore[assignment]
    monkeypatch.setattr(module, "list_contacts", lambda *args, **kwargs: [])
    made = iter([RateLimitError("API limit exceeded.", retry_after=30.0, api="ProSonata"), 501])

    def create_contact(customer: Customer) -> int:
        answer = next(made)
        if isinstance(answer, Exception):
            raise answer
        return answer

    sync._create_contact = create_contact  # type: ignore[method-assign]
    company = Customer(customerID=12)
    with pytest.raises(RateLimitError):
        sync._contact(company)
    assert sync._contact(company) == 501 and sync.contacts == {12: 501}
