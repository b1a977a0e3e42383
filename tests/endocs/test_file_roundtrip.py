"""Files survive upload and download byte for byte; oversized files never leave the machine."""

from __future__ import annotations

import base64
import random
from pathlib import Path

import httpx
import pytest

from prefect_prosonata_exeoflow._core.errors import InvalidRequestError
from prefect_prosonata_exeoflow.endocs import MAX_FILE_BYTES, EnDocsClient, FileContent, FileKind
from prefect_prosonata_exeoflow.sandbox import SandboxServer
from prefect_prosonata_exeoflow.sandbox.endocs.seed import make_png

from .support import ORG, SUPPLIER, TOKEN, stat

BINARY = bytes(random.Random(4).randrange(256) for _ in range(70_001)) + b"\x00\r\n\xff"


def test_scan_round_trip_with_cyrillic_name_and_binary_content(client: EnDocsClient) -> None:
    scan = client.upload_non_form_document(("Скан УПД №118 от 04.03.2024.bin", BINARY))
    for downloaded in (client.download_files(scan.id, FileKind.NON_FORM_ID), client.download_files_by_ext_id(scan.id)):
        assert downloaded == [FileContent(file_name="Скан УПД №118 от 04.03.2024.bin", content=BINARY)]


def test_document_and_contract_files_round_trip(client: EnDocsClient, tmp_path: Path) -> None:
    png = make_png(99, size=64)
    path = tmp_path / "Акт №57 (скан).png"
    path.write_bytes(png)
    doc = client.upsert_external_document(
        {"ext_id": "1c-rt-doc", "doc_type_id": 1, "source": "Входящий", "organization": ORG, "contractor": SUPPLIER},
        files=[path, ("Счёт-фактура.bin", BINARY)])
    assert doc.item is not None
    files = {f.file_name: f.content for f in client.download_document_files(doc.item.id)}
    assert files == {"Акт №57 (скан).png": png, "Счёт-фактура.bin": BINARY}
    assert {f.file_name for f in client.download_files_by_ext_id("1c-rt-doc")} == set(files)
    # Same name replaces, a new name adds.
    client.upsert_external_document(
        {"ext_id": "1c-rt-doc", "doc_type_id": 1, "source": "Входящий", "organization": ORG},
        files=[("Счёт-фактура.bin", b"v2"), ("Новый.txt", "Привет".encode())])
    files = {f.file_name: f.content for f in client.download_files(doc.item.id, FileKind.META_ID)}
    assert files == {"Акт №57 (скан).png": png, "Счёт-фактура.bin": b"v2", "Новый.txt": "Привет".encode()}
    contract = client.upsert_contract({"ext_id": "1c-rt-contract", "name": "Договор", "organization": ORG,
                                       "contractor": SUPPLIER}, files=[("Договор №1.pdf", BINARY)])
    assert contract.item is not None
    assert client.download_contract_files(contract.item.id)[0].content == BINARY
    assert client.download_files("1c-rt-contract", FileKind.EXT_ID)[0].content == BINARY


def test_downloaded_files_save_to_disk(client: EnDocsClient, tmp_path: Path) -> None:
    saved = [item.save(tmp_path) for item in client.download_contract_files(77)]
    assert sorted(p.name for p in saved) == ["Договор поставки №15.pdf", "Приложение 1 - спецификация.pdf"]
    assert all(p.read_bytes().startswith(b"%PDF") for p in saved)


def test_a_file_over_20_mb_is_refused_before_sending(client: EnDocsClient, sandbox: SandboxServer,
                                                     tmp_path: Path) -> None:
    too_big = b"\x00" * (MAX_FILE_BYTES + 1)
    with pytest.raises(InvalidRequestError, match="20 MB"):
        client.upload_non_form_document(("big.pdf", too_big))
    with pytest.raises(InvalidRequestError, match="20 MB"):
        client.upsert_contract({"ext_id": "x", "name": "Д", "organization": ORG, "contractor": SUPPLIER},
                               files=[("ok.pdf", b"1"), ("big.pdf", too_big)])
    sparse = tmp_path / "huge.tif"
    with sparse.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(InvalidRequestError):
        client.upsert_local_document({"ext_id": "l", "doc_type_id": 9, "organization": ORG}, files=[sparse])
    with pytest.raises(InvalidRequestError, match="file_name is empty"):
        client.upload_non_form_document(("  ", b"data"))
    assert stat(sandbox, "requests") == 0


def test_the_sandbox_enforces_the_limit_too(sandbox: SandboxServer) -> None:
    body = {"RequestID": "r", "Binaries": [{"FileName": "big.pdf",
                                            "FileBase64": base64.b64encode(b"\x00" * (MAX_FILE_BYTES + 1)).decode()}]}
    answer = httpx.post(f"{sandbox.base_url('endocs')}/api/Metadata/AddOrUpdateNonFormDoc", json=body,
                        headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
    assert answer.status_code == 400 and answer.json() == {"error": "Max File size exceeded ( #err-20)"}
