"""One recorded cassette per EnDocs endpoint, replayed offline (``PPE_RECORD=1`` re-records from the sandbox)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from prefect_prosonata_exeoflow._core.budget import reset_shared_budgets
from prefect_prosonata_exeoflow.endocs import EnDocsClient, FileKind
from prefect_prosonata_exeoflow.endocs.calls import PATHS

from .._vcr import CASSETTES, RECORDING, cassette_vcr
from .support import ORG, SUPPLIER, TOKEN, make_credentials

OFFLINE_URL = "http://localhost:9/endocs"
RID = "cassette-0001"
FILE = ("Кассета.pdf", b"%PDF-1.4 cassette \x00\xff")

# endpoint (a key of PATHS) -> the call, and a check of its parsed result
ENDPOINTS: dict[str, tuple[Callable[[EnDocsClient], Any], Callable[[Any], bool]]] = {
    "client_info": (lambda c: c.get_client_info(), lambda r: r.id == 42),
    "client_users": (lambda c: c.get_client_users(), lambda r: r[0].email == "buh@romashka.ru"),
    "non_form_documents": (lambda c: c.get_non_form_documents(0, request_id=RID),
                           lambda r: [s.id for s in r.items] == [305, 306, 308]),
    "new_contracts": (lambda c: c.get_new_contracts(0, request_id=RID), lambda r: r.next_since_id == 80),
    "new_invoices": (lambda c: c.get_new_invoices(0, request_id=RID),
                     lambda r: r.items[0].contractor.name == 'ООО "Поставщик"'),
    "new_inputs": (lambda c: c.get_new_inputs(10441, request_id=RID), lambda r: [d.id for d in r.items] == [10442]),
    "files": (lambda c: c.download_files(305, FileKind.NON_FORM_ID), lambda r: r[0].file_name == "scan_0042.pdf"),
    "files_by_ext_id": (lambda c: c.download_files_by_ext_id("1c-doc-10444"),
                        lambda r: r[0].content.startswith(b"%PDF")),
    "document_files": (lambda c: c.download_document_files(10440), lambda r: r[0].file_name == "СЧ-0042.pdf"),
    "contract_files": (lambda c: c.download_contract_files(77), lambda r: len(r) == 2),
    "upload_non_form_document": (lambda c: c.upload_non_form_document(FILE, organization_id=5, request_id=RID),
                                 lambda r: r.organization_id == 5),
    "decline_non_form_document": (lambda c: c.decline_non_form_document(306, approver="Петрова", request_id=RID),
                                  lambda r: r is None),
    "upsert_external_document": (
        lambda c: c.upsert_external_document(
            {"ext_id": "cassette-doc", "doc_type_id": 14, "source": "Входящий", "doc_number": "СЧ-1",
             "doc_date": "2024-03-15", "amount": 1200.5, "organization": ORG, "contractor": SUPPLIER},
            files=[FILE], request_id=RID),
        lambda r: r.created and r.item.doc_type == "Счет входящий"),
    "upsert_local_document": (
        lambda c: c.upsert_local_document({"ext_id": "cassette-memo", "doc_type_id": 19, "organization": ORG},
                                          files=[FILE], request_id=RID),
        lambda r: r.created and r.item.source == "Внутренний"),
    "upsert_contract": (
        lambda c: c.upsert_contract({"contract_id": 79, "ext_id": "1c-79", "name": "Договор оказания услуг №7-У",
                                     "organization": ORG, "contractor": SUPPLIER}, request_id=RID),
        lambda r: r.status == 204 and r.item is None),
}


@pytest.fixture
def base_url(request: pytest.FixtureRequest) -> Iterator[str]:
    reset_shared_budgets()
    yield request.getfixturevalue("sandbox").base_url("endocs") if RECORDING else OFFLINE_URL


def test_one_cassette_per_endpoint() -> None:
    assert sorted(ENDPOINTS) == sorted(PATHS)


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_endpoint_replays(endpoint: str, base_url: str) -> None:
    call, check = ENDPOINTS[endpoint]
    with cassette_vcr().use_cassette(f"endocs/{endpoint}.yaml") as cassette, \
            make_credentials(base_url, max_retries=0).get_client() as client:
        assert check(call(client))
    assert cassette.play_count == 1 or RECORDING


def test_no_secret_in_any_cassette() -> None:
    files = sorted((CASSETTES / "endocs").glob("*.yaml"))
    assert len(files) == 15
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert TOKEN not in text, path.name
        assert "Bearer" not in text, path.name
        assert "REDACTED" in text, path.name  # the Authorization header was kept, masked
