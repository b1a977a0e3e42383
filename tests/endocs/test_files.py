"""Files and request models: checked and encoded before anything is sent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from prefect_prosonata_exeoflow._core.errors import InvalidRequestError
from prefect_prosonata_exeoflow.endocs import MAX_FILE_BYTES, FileContent
from prefect_prosonata_exeoflow.endocs import calls as calls_module
from prefect_prosonata_exeoflow.endocs.calls import Endpoints as calls
from prefect_prosonata_exeoflow.endocs import models as m
from prefect_prosonata_exeoflow.endocs.files import as_file, decode_files, encode_files


def test_limit_is_twenty_mebibytes_inclusive() -> None:
    assert MAX_FILE_BYTES == 20 * 1024 * 1024
    assert as_file(("max.bin", b"\x00" * MAX_FILE_BYTES)).size == MAX_FILE_BYTES
    with pytest.raises(InvalidRequestError, match="at most 20971520 bytes"):
        as_file(("big.bin", b"\x00" * (MAX_FILE_BYTES + 1)))


@pytest.mark.parametrize(("value", "message"), [
    (("", b"x"), "file_name is empty"),
    (("   ", b"x"), "file_name is empty"),
    (("a.pdf", b""), "is empty"),
    (("a.pdf", "text, not bytes"), "must be bytes"),
    ((b"name", b"x"), "must be a string"),
    (42, "must be FileContent"),
    (("x" * 256, b"x"), "longer than 255"),
])
def test_bad_files_are_rejected(value: object, message: str) -> None:
    with pytest.raises(InvalidRequestError, match=message):
        as_file(value)  # type: ignore[arg-type]


def test_paths_are_read_and_checked_by_size_before_reading(tmp_path: Path) -> None:
    source = tmp_path / "Счёт №7.pdf"
    source.write_bytes(b"%PDF-1.4 \x00\xff")
    item = as_file(source)
    assert item == FileContent(file_name="Счёт №7.pdf", content=b"%PDF-1.4 \x00\xff")
    assert as_file(str(source)).content == item.content
    huge = tmp_path / "huge.bin"
    with huge.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is read
    with pytest.raises(InvalidRequestError, match=r"huge\.bin"):
        as_file(huge)
    with pytest.raises(InvalidRequestError, match="cannot read"):
        as_file(tmp_path / "missing.pdf")


def test_encode_and_decode_round_trip_byte_for_byte() -> None:
    content = bytes(range(256)) * 3
    wire = encode_files([("Акт сверки.png", content)])
    assert wire[0]["FileName"] == "Акт сверки.png"
    back = decode_files({"binaries": [{"fileName": w["FileName"], "fileBase64": w["FileBase64"]} for w in wire]})
    assert back == [FileContent(file_name="Акт сверки.png", content=content)]
    assert decode_files({"Binaries": None}) == []


def test_a_bad_file_anywhere_stops_the_whole_list() -> None:
    with pytest.raises(InvalidRequestError):
        encode_files([("ok.pdf", b"1"), ("", b"2")])
    with pytest.raises(InvalidRequestError, match="list of files"):
        encode_files(("single.pdf", b"1"))  # type: ignore[arg-type]


def test_save_strips_path_parts(tmp_path: Path) -> None:
    saved = FileContent(file_name="../../etc/Договор.pdf", content=b"x").save(tmp_path)
    assert saved == tmp_path / "Договор.pdf" and saved.read_bytes() == b"x"


def test_repr_never_dumps_content() -> None:
    assert repr(FileContent(file_name="a.bin", content=b"secret-bytes" * 1000)) == "FileContent(file_name='a.bin', size=12000)"


# -- answer models ---------------------------------------------------------------------------------
def test_answer_keys_match_ignoring_case_and_underscores() -> None:
    for spelling in ({"id": 1, "ext_ID": "x", "amountWOVAT": 10.5, "ocRtype": "УПД"},
                     {"Id": 1, "Ext_ID": "x", "AmountWOVAT": "10.5", "OCRtype": "УПД"},
                     {"ID": 1, "ext_id": "x", "amount_wovat": 10.5, "ocr_type": "УПД"}):
        scan = m.NonFormDocument.model_validate(spelling)
        assert (scan.id, scan.amount_wovat, scan.ocr_type) == (1, Decimal("10.5"), "УПД")
    assert m.Contract.model_validate({"id": 1, "ext_ID": "c"}).ext_id == "c"


def test_timestamps_naive_is_moscow_z_is_utc_year_one_is_none() -> None:
    doc = m.Document.model_validate({"id": 1, "docDate": "2024-03-15T12:00:00", "created": "2024-03-15T10:05:11Z",
                                     "modified": "0001-01-01T00:00:00Z"})
    assert doc.doc_date == dt.datetime(2024, 3, 15, 9, 0, tzinfo=dt.timezone.utc)
    assert doc.created == dt.datetime(2024, 3, 15, 10, 5, 11, tzinfo=dt.timezone.utc)
    assert doc.modified is None


def test_unknown_fields_are_kept() -> None:
    doc = m.Document.model_validate({"id": 1, "string1": "доп. поле", "cardData": None})
    assert doc.model_extra == {"string1": "доп. поле", "cardData": None}


# -- request models ----------------------------------------------------------------------------------
ORG = {"ext_id": "o-1", "name": "ООО"}


def test_only_set_fields_are_sent_in_pascal_case() -> None:
    doc = m.LocalDocumentInput(ext_id="memo", organization=ORG, receiver="Иванову", comment=None,
                               table_part=[{"Строка": 1}], period_from=dt.date(2024, 1, 1))
    assert doc.to_wire() == {"Ext_ID": "memo", "Organization": {"Ext_ID": "o-1", "Name": "ООО"},
                             "Reciever": "Иванову", "Comment": None, "TablePart": '[{"Строка": 1}]',
                             "PeriodFrom": "2024-01-01"}


def test_extra_pascal_case_keys_pass_through() -> None:
    doc = m.ExternalDocumentInput.model_validate({"Ext_ID": "d", "DocTypeId": 14, "Source": "Исходящий",
                                                  "Organization": ORG, "EDIState": "Выгружено в Диадок"})
    assert doc.to_wire()["EDIState"] == "Выгружено в Диадок"


@pytest.mark.parametrize(("document", "message"), [
    ({"ext_id": "d", "doc_type_id": 1, "source": "Входящий"}, "Organization"),
    ({"ext_id": "d", "doc_type_id": 1, "source": "incoming", "organization": ORG}, "Source"),
    ({"ext_id": "d", "doc_type_id": 0, "source": "Входящий", "organization": ORG}, "doc_type_id"),
    ({"doc_type_id": 1, "source": "Входящий", "organization": ORG}, "needs ext_id"),
    ({"ext_id": "d", "doc_type_id": 1, "source": "Входящий", "organization": {**ORG, "inn": "12345"}}, "INN"),
    ({"ext_id": "d", "doc_type_id": 1, "source": "Входящий", "organization": {**ORG, "kpp": "77-01"}}, "KPP"),
    ({"ext_id": "d", "doc_type_id": 1, "source": "Входящий", "organization": {"ext_id": "o"}}, "Name"),
    ({"ext_id": "d", "doc_type_id": 1, "source": "Входящий", "organization": ORG, "contract": {"ext_id": "c"}},
     "contract needs ext_id and name"),
    ({"ext_id": "d", "doc_type_id": 1, "source": "Входящий", "organization": ORG, "currency": "RUBLE"}, "Currency"),
    ("not a mapping", "must be a ExternalDocumentInput or a mapping"),
])
def test_invalid_documents_are_rejected_before_sending(document: object, message: str) -> None:
    with pytest.raises(InvalidRequestError, match=f"(?i){message}"):
        calls.upsert_external_document(document)  # type: ignore[arg-type]


def test_invalid_contracts_and_local_documents() -> None:
    with pytest.raises(InvalidRequestError, match="needs ext_id"):
        calls.upsert_local_document({"organization": ORG, "doc_type_id": 19})
    with pytest.raises(InvalidRequestError, match="contract needs organization, contractor"):
        calls.upsert_contract({"ext_id": "c", "name": "Д"})
    with pytest.raises(InvalidRequestError, match="contract needs ext_id"):
        calls.upsert_contract({"name": "Д", "organization": ORG, "contractor": ORG})


@pytest.mark.parametrize("call", [
    lambda: calls.get_new_invoices(-1),
    lambda: calls.get_new_invoices(True),  # type: ignore[arg-type]
    lambda: calls.get_new_invoices("5"),  # type: ignore[arg-type]
    lambda: calls.get_new_invoices(0, request_id="x" * 201),
    lambda: calls.download_files(5, "Other"),
    lambda: calls.download_files("abc", "ContractID"),
    lambda: calls.download_files("a/b", "ExtID"),
    lambda: calls.download_files_by_ext_id(""),
    lambda: calls.download_files_by_ext_id(".."),
    lambda: calls.download_document_files(0),
    lambda: calls.download_contract_files(None),  # type: ignore[arg-type]
    lambda: calls.decline_non_form_document(0),
    lambda: calls.upload_non_form_document([("a.pdf", b"1"), ("b.pdf", b"2")]),  # type: ignore[arg-type]
    lambda: calls.upload_non_form_document(("a.pdf", b"1"), organization_id=-5),
    lambda: calls.upload_non_form_document(("a.pdf", b"1"), sender="x" * 201),
])
def test_invalid_arguments_raise_before_any_request(call: object) -> None:
    with pytest.raises(InvalidRequestError):
        call()  # type: ignore[operator]


def test_idempotency_flags() -> None:
    doc = {"ext_id": "d", "doc_type_id": 1, "source": "Входящий", "organization": ORG}
    assert calls.upsert_external_document(doc).idempotent is True
    assert calls.upsert_local_document({"ext_id": "l", "organization": ORG}).idempotent is True
    assert calls.upsert_contract({"ext_id": "c", "name": "Д", "organization": ORG, "contractor": ORG}).idempotent is True
    assert calls.decline_non_form_document(5).idempotent is True
    assert calls.upload_non_form_document(("a.pdf", b"1")).idempotent is False


def test_fifteen_endpoints_in_one_table() -> None:
    assert len(calls_module.PATHS) == 15
    assert all(path.startswith("api/") for path in calls_module.PATHS.values())
