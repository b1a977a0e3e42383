"""Every EnDocs endpoint through the client against the loopback sandbox."""

from __future__ import annotations

import httpx
import pytest

from prefect_prosonata_exeoflow._core.errors import (
    AuthenticationError,
    BadRequestError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
)
from prefect_prosonata_exeoflow.endocs import (
    INCOMING,
    AsyncEnDocsClient,
    ContractInput,
    EnDocsClient,
    EnDocsCredentials,
    ExternalDocumentInput,
    FileContent,
    FileKind,
    LocalDocumentInput,
)
from prefect_prosonata_exeoflow.sandbox import SandboxServer
from prefect_prosonata_exeoflow.sandbox.endocs import EnDocsEmulator

from .support import ORG, SUPPLIER, TOKEN, make_credentials, stat


# -- 1, 2: account --------------------------------------------------------------------------------------
def test_get_client_info(client: EnDocsClient) -> None:
    info = client.get_client_info()
    assert info.id == 42 and info.storage_quota == 10.0 and info.users_used == 3
    assert info.token_expires is None  # .NET's 0001-01-01 means "not filled"


def test_get_client_users_sorted_by_email(client: EnDocsClient) -> None:
    users = client.get_client_users()
    assert [u.email for u in users] == sorted(u.email for u in users)
    assert users[0].user_name == "Иванова Анна Сергеевна"
    assert [u.blocked for u in users] == [False, False, True]


# -- 3-6: feeds -------------------------------------------------------------------------------------------
def test_get_non_form_documents(client: EnDocsClient) -> None:
    feed = client.get_non_form_documents()
    assert [s.id for s in feed.items] == [305, 306, 308]  # 307 is still being recognised
    scan = feed.items[0]
    assert (scan.file_name, scan.ocr_type, scan.doc_type_name) == ("scan_0042.pdf", "УПД", "Поступление")
    assert scan.organization is not None and scan.organization.kpp == "770101001"
    assert scan.contractor is not None and scan.contractor.inn == SUPPLIER["inn"]
    assert feed.next_since_id == 308 and feed.count == 3


def test_get_new_contracts(client: EnDocsClient) -> None:
    feed = client.get_new_contracts()
    assert [c.id for c in feed.items] == [77, 79, 80]  # 78 already has an Ext_ID
    first = feed.items[0]
    assert first.name == "Договор поставки №15" and first.state == "Согласовано"
    assert first.contractor is not None and first.contractor.name == 'ООО "Поставщик"'
    assert first.contractor.diadoc_id is not None
    assert first.organization is not None and first.organization.ext_id == ORG["ext_id"]
    assert client.get_new_contracts(since_id=79).items[0].id == 80


def test_get_new_invoices(client: EnDocsClient) -> None:
    feed = client.get_new_invoices()
    assert [d.id for d in feed.items] == [10440, 10443]
    invoice = feed.items[0]
    assert invoice.contract is not None and invoice.contract.name == "Договор поставки №15"
    assert invoice.contractor is not None and invoice.contractor.kpp == "500101001"
    assert str(invoice.amount_to_pay) == "120000.0"


def test_get_new_inputs(client: EnDocsClient) -> None:
    feed = client.get_new_inputs()
    assert [d.id for d in feed.items] == [10441, 10442]
    assert feed.items[0].table_part is not None and "Бумага A4" in feed.items[0].table_part
    assert feed.items[1].operation == "Услуги"


def test_feed_switches_and_approved_only(client: EnDocsClient, emulator: EnDocsEmulator) -> None:
    emulator.configure(sync_invoices=False, only_approved=True)
    assert client.get_new_invoices().items == []
    assert [c.id for c in client.get_new_contracts().items] == [77, 80]  # 79 is "Новый"
    emulator.configure(key_value_case="camel")
    assert [d.id for d in client.get_new_inputs().items] == [10441]


# -- 7-10: downloads --------------------------------------------------------------------------------------
def test_download_files_by_kind(client: EnDocsClient) -> None:
    assert [f.file_name for f in client.download_files(305, FileKind.NON_FORM_ID)] == ["scan_0042.pdf"]
    assert client.download_files(10440, "MetaID")[0].content.startswith(b"%PDF-1.4")
    assert len(client.download_files(77, FileKind.CONTRACT_ID)) == 2
    assert client.download_files("1c-contract-0078", FileKind.EXT_ID)[0].file_name.startswith("Договор энерго")
    png = client.download_files(306, FileKind.NON_FORM_ID)[0]
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(NotFoundError) as caught:
        client.download_files(999, FileKind.META_ID)
    assert caught.value.code == "err-70"


def test_download_files_by_ext_id(client: EnDocsClient) -> None:
    assert [f.file_name for f in client.download_files_by_ext_id("1c-doc-10444")] == ["ТН-000901.pdf"]
    assert [f.file_name for f in client.download_files_by_ext_id(306)] == ["akt_sverki.png"]  # a scan id
    with pytest.raises(NotFoundError):
        client.download_files_by_ext_id("no-such-guid")


def test_download_document_files(client: EnDocsClient) -> None:
    files = client.download_document_files(10443)
    assert files == [FileContent(file_name="ЭС-2024-03-1187.pdf", content=files[0].content)]
    assert files[0].content.rstrip().endswith(b"%%EOF")


def test_download_contract_files(client: EnDocsClient) -> None:
    names = [f.file_name for f in client.download_contract_files(77)]
    assert names == ["Договор поставки №15.pdf", "Приложение 1 - спецификация.pdf"]
    with pytest.raises(NotFoundError):
        client.download_contract_files(12345)


# -- 11, 12: scans ------------------------------------------------------------------------------------------
def test_upload_non_form_document(client: EnDocsClient, sandbox: SandboxServer, emulator: EnDocsEmulator) -> None:
    scan = client.upload_non_form_document(("Скан.pdf", b"%PDF-1.7 scan"), organization_id=5,
                                           sender="buh@romashka.ru", comment="Скан из 1С")
    assert scan.id > 308 and scan.organization_id == 5 and scan.comment == "Скан из 1С"
    assert scan.organization is not None and scan.organization.name == 'ООО "Ромашка"'
    assert emulator.files_of("nonform", scan.id) == {"Скан.pdf": b"%PDF-1.7 scan"}
    assert stat(sandbox, "create.nonform") == 1
    with pytest.raises(BadRequestError, match="Unable to add the entity"):
        client.upload_non_form_document(("a.pdf", b"1"), organization_id=999)


def test_decline_non_form_document(client: EnDocsClient, sandbox: SandboxServer, emulator: EnDocsEmulator) -> None:
    assert client.decline_non_form_document(305, approver="Петрова И.И.", comment="Дубль") is None
    record = emulator.record("scans", 305)
    assert record is not None and record["Declined"] is True and record["DeclinedBy"] == "Петрова И.И."
    assert 305 not in [s.id for s in client.get_non_form_documents().items]
    with pytest.raises(NotFoundError, match="No NonFormDoc with id 305 was found"):
        client.decline_non_form_document(305)  # a repeat finds nothing: no second notice
    assert stat(sandbox, "decline.nonform") == 1


# -- 13-15: upserts ---------------------------------------------------------------------------------------------
def _receipt(**fields: object) -> ExternalDocumentInput:
    return ExternalDocumentInput(ext_id="1c-guid-of-document", doc_type_id=1, source=INCOMING,
                                 organization=ORG, contractor=SUPPLIER, **fields)  # type: ignore[arg-type]


def test_upsert_external_document_creates_then_updates(client: EnDocsClient, sandbox: SandboxServer,
                                                       emulator: EnDocsEmulator) -> None:
    created = client.upsert_external_document(
        _receipt(doc_number="ПТ-000123", doc_date="2024-03-15", amount=120000.0, amount_wovat=100000.0, vat=20000.0,
                 contract=ContractInput(ext_id="1c-guid-contract", name="Договор поставки №15-Б", doc_number="15-Б")),
        files=[("ПТ-000123.pdf", b"%PDF-1.4 receipt")])
    assert created.created and created.status == 201 and created.item is not None
    doc = created.item
    assert doc.ext_id == "1c-guid-of-document" and doc.state == "Проведено в 1С" and doc.created_by == "ExternalSystem"
    assert doc.doc_date is not None and doc.doc_date.hour == 12  # the server's noon shift
    assert doc.contract is not None and doc.contract.name == "Договор поставки №15-Б"
    assert doc.contractor is not None and doc.contractor.id == 9  # found by Ext_ID, not duplicated
    updated = client.upsert_external_document(_receipt(comment="Оплачено частично"))
    assert (updated.created, updated.item, updated.status) == (False, None, 204)
    stored = emulator.record("documents", doc.id)
    assert stored is not None and stored["Comment"] == "Оплачено частично" and stored["DocNumber"] == "ПТ-000123"
    assert emulator.files_of("meta", doc.id) == {"ПТ-000123.pdf": b"%PDF-1.4 receipt"}
    assert stat(sandbox, "create.document") == 1 and stat(sandbox, "update.document") == 1


def test_upsert_external_document_converts_a_scan(client: EnDocsClient, emulator: EnDocsEmulator) -> None:
    result = client.upsert_external_document(_receipt(non_form_id=305, doc_number="123"))
    assert result.item is not None
    assert list(emulator.files_of("meta", result.item.id)) == ["scan_0042.pdf"]
    assert 305 not in [s.id for s in client.get_non_form_documents().items]


def test_upsert_external_document_server_validation(client: EnDocsClient) -> None:
    with pytest.raises(BadRequestError, match="File is required"):
        client.upsert_external_document(_receipt())  # a create without files
    with pytest.raises(NotFoundError, match="No Metadata document was found"):
        client.upsert_external_document(_receipt(meta_id=987654))


def test_upsert_local_document(client: EnDocsClient, emulator: EnDocsEmulator) -> None:
    memo = LocalDocumentInput(ext_id="1c-memo-1", doc_type_id=19, organization=ORG, comment="Служебная записка")
    result = client.upsert_local_document(memo, files=[("Записка.docx", b"PK\x03\x04")])
    assert result.created and result.item is not None
    assert result.item.source == "Внутренний" and result.item.doc_type == "Служебная записка"
    again = client.upsert_local_document({"ext_id": "1c-memo-1", "organization": ORG, "state": "Согласовано"})
    assert again.status == 204
    stored = emulator.record("documents", result.item.id)
    assert stored is not None and stored["State"] == "Согласовано" and stored["Comment"] == "Служебная записка"


def test_upsert_contract_and_write_back_drops_it_from_the_feed(client: EnDocsClient, sandbox: SandboxServer,
                                                                emulator: EnDocsEmulator) -> None:
    created = client.upsert_contract(
        ContractInput(ext_id="1c-contract-new", name="Договор аренды №А-5", type="С поставщиком", doc_number="А-5",
                      validity_period="2025-12-31", amount=600000.0, currency="RUB", organization=ORG,
                      contractor={"ext_id": "1c-ctr-new", "name": "ООО «Арендодатель»", "inn": "7707083893",
                                  "kpp": "770701001"}),
        files=[("Договор А-5.pdf", b"%PDF contract")])
    assert created.created and created.item is not None
    assert created.item.contractor_name == "ООО «Арендодатель»" and created.item.state == "Проведено в 1С"
    assert stat(sandbox, "create.contractor") == 1
    # 1C takes contract 77 and writes its GUID back: it leaves GetNewContracts.
    written = client.upsert_contract({"contract_id": 77, "ext_id": "1c-77", "name": "Договор поставки №15",
                                      "organization": ORG, "contractor": SUPPLIER})
    assert written.status == 204
    assert 77 not in [c.id for c in client.get_new_contracts().items]
    with pytest.raises(NotFoundError, match="No Contract document was found"):
        client.upsert_contract({"contract_id": 99999, "name": "X", "organization": ORG, "contractor": SUPPLIER})


# -- protocol: auth, error styles, plan limits, routing ------------------------------------------------------
@pytest.mark.parametrize("style", ["json", "text"])
def test_both_error_styles_reach_the_same_typed_error(client: EnDocsClient, emulator: EnDocsEmulator,
                                                      style: str) -> None:
    emulator.configure(error_style=style)
    with pytest.raises(NotFoundError) as caught:
        client.download_document_files(4242)
    assert caught.value.message == "Files not found ( #err-70)" and caught.value.code == "err-70"


@pytest.mark.parametrize("status", [401, 400])
def test_missing_or_wrong_token(sandbox: SandboxServer, emulator: EnDocsEmulator, status: int) -> None:
    emulator.configure(auth_failure_status=status, error_style="text" if status == 400 else "json")
    url = sandbox.base_url("endocs")
    with make_credentials(url).get_client() as client, pytest.raises(AuthenticationError) as missing:
        client.request("GET", "api/Output/GetClientInfo", headers={"Authorization": "Token abc"})
    assert missing.value.code == "err-30"
    raw = httpx.get(f"{url}/api/Output/GetClientInfo")
    assert raw.status_code == status and "#err-80" in raw.text
    wrong = EnDocsCredentials(token="not-the-token", base_url=url)
    with wrong.get_client() as client, pytest.raises(AuthenticationError) as unknown:
        client.get_client_info()
    assert unknown.value.code == "err-40"


def test_blocked_account_and_full_storage(client: EnDocsClient, emulator: EnDocsEmulator) -> None:
    emulator.configure(blocked=True)
    assert client.get_client_info().blocked is True  # GetClientInfo skips the blocked check
    with pytest.raises(PermissionDeniedError) as blocked:
        client.get_new_invoices()
    assert blocked.value.code == "err-50"
    assert client.download_document_files(10440)  # File/* check neither
    emulator.configure(blocked=False, storage_quota_gb=0.1)
    with pytest.raises(PermissionDeniedError) as full:
        client.upload_non_form_document(("a.pdf", b"1"))
    assert full.value.code == "err-60"


def test_paths_match_ignoring_case_and_bad_ids_get_problem_json(sandbox: SandboxServer) -> None:
    url = sandbox.base_url("endocs")
    headers = {"Authorization": f"Bearer {TOKEN}"}
    assert httpx.get(f"{url}/API/output/getclientinfo", headers=headers).json()["id"] == 42
    bad = httpx.get(f"{url}/api/File/GetMetaFileById/abc", headers=headers)
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("application/problem+json")
    assert httpx.get(f"{url}/api/Output/NoSuchAction", headers=headers).status_code == 404
    assert httpx.post(f"{url}/api/Metadata/DocApproval", headers=headers).text == '{"error":"No entity provider"}'


async def test_async_client_covers_reads_and_writes(credentials: EnDocsCredentials,
                                                    emulator: EnDocsEmulator) -> None:
    async with credentials.get_async_client() as client:
        assert isinstance(client, AsyncEnDocsClient)
        assert (await client.get_client_info()).id == 42
        assert len(await client.get_client_users()) == 3
        assert [s.id for s in (await client.get_non_form_documents(305)).items] == [306, 308]
        assert [c.id for c in (await client.get_new_contracts()).items] == [77, 79, 80]
        assert [d.id for d in (await client.get_new_invoices()).items] == [10440, 10443]
        assert [d.id for d in (await client.get_new_inputs()).items] == [10441, 10442]
        assert (await client.download_files(306, "NonFormID"))[0].file_name == "akt_sverki.png"
        assert (await client.download_files_by_ext_id("1c-doc-10446"))[0].file_name == "СЧ-0031.pdf"
        assert len(await client.download_document_files(10441)) == 1
        assert len(await client.download_contract_files(77)) == 2
        scan = await client.upload_non_form_document(("async.pdf", b"%PDF async"))
        assert await client.decline_non_form_document(scan.id) is None
        doc = await client.upsert_external_document(_receipt(), files=[("a.pdf", b"1")])
        local = await client.upsert_local_document({"ext_id": "l-1", "doc_type_id": 9, "organization": ORG},
                                                   files=[("r.pdf", b"2")])
        contract = await client.upsert_contract({"ext_id": "k-1", "name": "Д", "organization": ORG,
                                                 "contractor": SUPPLIER}, files=[("d.pdf", b"3")])
        assert doc.created and local.created and contract.created
        assert [item.id async for item in client.iter_feed("invoices", since_id=10440)] == [10443]
    assert emulator.record("scans", scan.id)["Deleted"] is True  # type: ignore[index]


def test_sandbox_applies_the_cursor_itself(sandbox: SandboxServer) -> None:
    url, headers = sandbox.base_url("endocs"), {"Authorization": f"Bearer {TOKEN}"}
    answer = httpx.get(f"{url}/api/Output/GetNewInvoices/10440/raw", headers=headers).json()
    assert answer["Key"] == 1 and [row["id"] for row in answer["Value"]] == [10443]
    scans = httpx.get(f"{url}/api/Output/GetNonFormDoc/305/raw", headers=headers).json()
    assert [row["id"] for row in scans["Value"]] == [308, 306]  # newest first, as the backend sorts
    assert httpx.get(f"{url}/api/Output/GetNewInputs/x/raw", headers=headers).status_code == 400


def test_an_upsert_takes_its_record_by_name_positionally_and_its_tag_only_by_keyword() -> None:
    """The three keyed upserts come from one factory: each keeps its own parameter name."""
    import inspect

    from prefect_prosonata_exeoflow.endocs.calls import Endpoints

    contract = {"ext_id": "c-1", "name": "Договор", "organization": ORG, "contractor": SUPPLIER}
    by_name = Endpoints.upsert_contract(contract=contract, files=None, request_id="tag-1")
    positional = Endpoints.upsert_contract(contract, None, request_id="tag-1")
    assert by_name.json == positional.json and by_name.json["RequestID"] == "tag-1"
    assert by_name.path == "api/Contract/AddOrUpdateContract" and by_name.idempotent
    assert list(inspect.signature(Endpoints.upsert_local_document).parameters) == ["document", "files", "request_id"]
    with pytest.raises(TypeError):
        Endpoints.upsert_contract(contract, None, "tag-1")  # request_id is keyword-only
    with pytest.raises(TypeError):
        Endpoints.upsert_contract(document=contract)
    with pytest.raises(InvalidRequestError, match="document needs ext_id"):
        Endpoints.upsert_local_document({"organization": ORG})
