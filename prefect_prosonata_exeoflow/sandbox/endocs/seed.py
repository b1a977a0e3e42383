"""Seed data and wire helpers of the EnDocs emulator.

Records are dicts keyed by the backend's C# property names (``Ext_ID``, ``AmountWOVAT``), as the
server stores them; answers pass through :func:`net_camel`, the .NET camelCase policy that
turns ``OCRtype`` into ``ocRtype``. Organizations and counterparties have valid-checksum
INNs; the files are small but real PDFs and PNGs.
"""

from __future__ import annotations

import datetime as dt
import random
import struct
import zlib
from typing import Any

ACCOUNT_ID = 42
ACCOUNT_NAME = "Ромашка"
#: Storage already used by the seeded account (MB), before any file the tests upload.
BASELINE_STORAGE_MB = 512.4
DOC_TYPES = {
    1: "Поступление", 2: "Реализация", 4: "Договор", 5: "Счет-фактура исходящий", 6: "Счет исходящий",
    7: "Банк", 8: "Авансовый отчет", 9: "Отчет", 10: "Акт сверки", 11: "Входящая корреспонденция",
    12: "Исходящая корреспонденция", 13: "Прочее", 14: "Счет входящий", 15: "Счет-фактура входящий",
    16: "Необработанные", 19: "Служебная записка",
}
REALIZ_TYPES = {2, 5}
APPROVED_STATES = {"Согласовано", "Исполнено", "Ознакомлено", "Подписано"}
OCR_PENDING = {"Отправка на распознавание", "На распознавании"}
DATE_KEYS = {"DocDate", "ValidityPeriod", "DocDateTaxInvoice", "DocDateInvoice", "PaymentDate", "PeriodFrom",
             "PeriodTo", "DeleteDate"}
TIMESTAMP_KEYS = {"Created", "Modified"}


# -- .NET wire conventions ---------------------------------------------------------------------------
def net_camel(name: str) -> str:
    """System.Text.Json's camelCase (.NET Core 3.1): lowercase the leading capital run."""
    chars = list(name)
    for i, char in enumerate(chars):
        if i == 1 and not char.isupper():
            break
        has_next = i + 1 < len(chars)
        if i > 0 and has_next and not chars[i + 1].isupper():
            break
        chars[i] = char.lower()
    return "".join(chars)


def wire_value(key: str, value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if key in TIMESTAMP_KEYS:
            return value.strftime("%Y-%m-%dT%H:%M:%SZ")
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    return value


def wire(record: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    """The answer object of ``record`` with ``keys`` (missing ones as null), camelCased."""
    return {net_camel(key): wire_value(key, record.get(key)) for key in keys}


_INPUT_FORMATS = ("%Y-%m-%d", "%m-%d-%Y", "%d.%m.%Y %H:%M:%S", "%d/%m/%Y, %H:%M:%S", "%d.%m.%Y")


def parse_input_date(value: Any) -> dt.datetime | None:
    """The backend's date parsing, including its quirk: hh:00:00 is stored as 12:00 that day."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise TypeError(f"a date must be a string, got {type(value).__name__}")
    text = value.strip()
    parsed: dt.datetime | None = None
    for fmt in _INPUT_FORMATS:
        try:
            parsed = dt.datetime.strptime(text, fmt)
            break
        except ValueError:
            continue
    if parsed is None:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
    if parsed.minute == 0 and parsed.second == 0:
        parsed = parsed.replace(hour=12)
    return parsed


# -- valid-looking Russian tax ids ---------------------------------------------------------------------
def _control(digits: str, weights: list[int]) -> str:
    return str(sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10)


def inn10(first9: str) -> str:
    """A 10-digit INN (legal entity) with a correct check digit."""
    return first9 + _control(first9, [2, 4, 10, 3, 5, 9, 4, 6, 8])


def inn12(first10: str) -> str:
    """A 12-digit INN (sole trader) with both check digits."""
    eleven = first10 + _control(first10, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8])
    return eleven + _control(eleven, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8])


# -- small real files ---------------------------------------------------------------------------------
def make_pdf(title: str) -> bytes:
    """A one-page PDF with ``title`` (ASCII) in Helvetica, with a correct xref table."""
    text = title.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
         b"/Resources << /Font << /F1 5 0 R >> >> >>"),
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def make_png(seed: int, size: int = 24) -> bytes:
    """A small grey "scan" PNG, deterministic for ``seed``."""
    rng = random.Random(seed)
    rows = b"".join(b"\x00" + bytes(200 + rng.randrange(56) for _ in range(size)) for _ in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


# -- the seeded account -------------------------------------------------------------------------------
def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def seed_state() -> dict[str, Any]:
    """A fresh copy of the seeded account: users, organizations, counterparties, records, files."""
    users = [
        {"email": "buh@romashka.ru", "blocked": False, "userName": "Иванова Анна Сергеевна"},
        {"email": "director@romashka.ru", "blocked": False, "userName": "Петров Игорь Николаевич"},
        {"email": "manager@romashka.ru", "blocked": True, "userName": "Смирнова Ольга"},
    ]
    organizations = {
        5: {"Id": 5, "Name": 'ООО "Ромашка"', "INN": inn10("770123456"), "KPP": "770101001",
            "Ext_ID": "b7e1c0de-0000-4000-8000-000000000005"},
        6: {"Id": 6, "Name": 'ООО "Ромашка-Трейд"', "INN": inn10("500765432"), "KPP": "500101001",
            "Ext_ID": "b7e1c0de-0000-4000-8000-000000000006"},
    }
    contractors: dict[int, dict[str, Any]] = {
        9: {"Id": 9, "OrganizationId": 5, "Name": 'ООО "Поставщик"', "INN": inn10("500123456"), "KPP": "500101001",
            "Ext_ID": "c7a2-0009", "DiadocID": "3f2b1a90-aa41-4c1e-9d2f-000000000009"},
        10: {"Id": 10, "OrganizationId": 5, "Name": "АО «Бумажная фабрика «Восход»", "INN": inn10("471234567"),
             "KPP": "470301001", "Ext_ID": None, "DiadocID": None},
        11: {"Id": 11, "OrganizationId": 5, "Name": "ИП Сидоров Пётр Алексеевич", "INN": inn12("7712345678"),
             "KPP": None, "Ext_ID": None, "DiadocID": None},
        12: {"Id": 12, "OrganizationId": 5, "Name": "ПАО «Энергосбыт Подмосковья»", "INN": inn10("502400011"),
             "KPP": "502401001", "Ext_ID": "c7a2-0012", "DiadocID": None},
        13: {"Id": 13, "OrganizationId": 6, "Name": "ООО «Канцтовары-Опт»", "INN": inn10("771800222"),
             "KPP": "771801001", "Ext_ID": None, "DiadocID": None},
    }
    base_contract = {"Amount": None, "AmountWOVAT": None, "VAT": None, "Currency": "RUB", "Comment": None,
                     "Deleted": False, "CreatedBy": "ivanova@romashka.ru", "ModifiedBy": "ivanova@romashka.ru",
                     "DocTypeId": 4}
    contracts: dict[int, dict[str, Any]] = {
        77: {**base_contract, "Id": 77, "OrganizationId": 5, "ContractorId": 9, "Name": "Договор поставки №15",
             "Type": "С поставщиком", "DocNumber": "15", "DocDate": _at("2024-01-10T12:00:00"),
             "ValidityPeriod": _at("2024-12-31T12:00:00"), "Amount": 1200000.0, "AmountWOVAT": 1000000.0,
             "VAT": 200000.0, "Subject": "Поставка бумаги", "State": "Согласовано", "Ext_ID": None,
             "Created": _at("2024-01-10T15:22:01"), "Modified": _at("2024-01-11T08:00:10")},
        78: {**base_contract, "Id": 78, "OrganizationId": 5, "ContractorId": 12, "Name": "Договор энергоснабжения №3/24",
             "Type": "С поставщиком", "DocNumber": "3/24", "DocDate": _at("2024-01-15T12:00:00"),
             "ValidityPeriod": None, "Subject": "Электроснабжение офиса", "State": "Проведено в 1С",
             "Ext_ID": "1c-contract-0078", "Created": _at("2024-01-15T09:00:00"), "Modified": _at("2024-01-15T09:00:00")},
        79: {**base_contract, "Id": 79, "OrganizationId": 5, "ContractorId": 11, "Name": "Договор оказания услуг №7-У",
             "Type": "С поставщиком", "DocNumber": "7-У", "DocDate": _at("2024-02-01T12:00:00"),
             "ValidityPeriod": _at("2024-06-30T12:00:00"), "Amount": 90000.0, "Subject": "Ремонт оргтехники",
             "State": "Новый", "Ext_ID": None, "Created": _at("2024-02-01T10:10:10"),
             "Modified": _at("2024-02-01T10:10:10")},
        80: {**base_contract, "Id": 80, "OrganizationId": 6, "ContractorId": 13,
             "Name": "Договор поставки канцтоваров №К-12", "Type": "С поставщиком", "DocNumber": "К-12",
             "DocDate": _at("2024-02-12T12:00:00"), "ValidityPeriod": _at("2025-02-12T12:00:00"),
             "Amount": 240000.0, "AmountWOVAT": 200000.0, "VAT": 40000.0, "Subject": "Канцелярские товары",
             "State": "Подписано", "Ext_ID": None, "Created": _at("2024-02-12T11:00:00"),
             "Modified": _at("2024-02-13T16:45:00")},
    }

    def doc(doc_id: int, type_id: int, org: int, ctr: int | None, number: str, date: str, amount: float,
            state: str, **extra: Any) -> dict[str, Any]:
        vat = round(amount / 6, 2)
        return {"Id": doc_id, "DocTypeId": type_id, "Source": "Входящий", "OrganizationId": org, "ContractorId": ctr,
                "ContractId": None, "DocNumber": number, "DocDate": _at(date + "T12:00:00"), "Amount": amount,
                "AmountWOVAT": round(amount - vat, 2), "VAT": vat, "AmountToPay": amount, "Currency": "RUB",
                "State": state, "Ext_ID": None, "Paid": False, "Signed": False, "Deleted": False,
                "Created": _at(date + "T09:30:00"), "Modified": _at(date + "T09:45:00"),
                "CreatedBy": "buh@romashka.ru", "ModifiedBy": "buh@romashka.ru", **extra}

    documents: dict[int, dict[str, Any]] = {
        10440: doc(10440, 14, 5, 9, "СЧ-0042", "2024-03-01", 120000.0, "Новый", ContractId=77,
                   DocNumInvoice="СЧ-0042", DocDateInvoice=_at("2024-03-01T12:00:00")),
        10441: doc(10441, 1, 5, 10, "УПД-118", "2024-03-04", 58800.0, "Согласовано",
                   DocNumTaxInvoice="118", DocDateTaxInvoice=_at("2024-03-04T12:00:00"), Operation="Товары",
                   TablePart='[{"Номенклатура": "Бумага A4", "Количество": 200, "Сумма": 58800.00}]'),
        10442: doc(10442, 1, 5, 11, "Акт №57", "2024-03-05", 15000.0, "Новый", Operation="Услуги",
                   Comment="Акт выполненных работ по ремонту принтеров"),
        10443: doc(10443, 14, 5, 12, "ЭС-2024-03-1187", "2024-03-06", 31416.0, "Согласовано", ContractId=78),
        10444: doc(10444, 1, 6, 13, "ТН-000901", "2024-03-07", 24000.0, "Проведено в 1С", ContractId=80,
                   Ext_ID="1c-doc-10444"),
        10445: doc(10445, 10, 5, 9, "АС-Q1-2024", "2024-03-29", 0.0, "Новый", Comment="Акт сверки за I квартал"),
        10446: doc(10446, 14, 5, 9, "СЧ-0031", "2024-02-20", 43200.0, "Оплачено", Paid=True,
                   Ext_ID="1c-doc-10446", ContractId=77),
    }

    def scan(scan_id: int, name: str, sender: str, ocr: str | None, created: str, **extra: Any) -> dict[str, Any]:
        return {"Id": scan_id, "OrganizationId": 5, "Sender": sender, "Comment": None, "OCRState": ocr,
                "Declined": None, "DeclinedBy": None, "Deleted": False, "Created": _at(created),
                "Modified": _at(created), "FileName": name, **extra}

    scans: dict[int, dict[str, Any]] = {
        305: scan(305, "scan_0042.pdf", "manager@romashka.ru", "Распознано", "2024-03-15T09:12:44",
                  DocTypeId=1, DocNumber="123", DocDate=_at("2024-03-14T12:00:00"), Amount=120000.0,
                  AmountWOVAT=100000.0, VAT=20000.0, Currency="RUB", OCRtype="УПД", AmountTotal="120000.00",
                  DocNumTaxInvoice="456", DocDateTaxInvoice=_at("2024-03-14T12:00:00"),
                  OcrContractor={"Name": 'ООО "Поставщик"', "INN": contractors[9]["INN"], "KPP": "500101001"}),
        306: scan(306, "akt_sverki.png", "buh@romashka.ru", None, "2024-03-15T10:00:00"),
        307: scan(307, "IMG_2031.png", "buh@romashka.ru", "На распознавании", "2024-03-15T10:05:00"),
        308: scan(308, "schet_energosbyt.pdf", "director@romashka.ru", "Распознано", "2024-03-16T08:00:00",
                  DocTypeId=14, DocNumber="ЭС-1201", DocDate=_at("2024-03-16T12:00:00"), Amount=28800.0,
                  Currency="RUB", OCRtype="Счет", AmountTotal="28800.00",
                  OcrContractor={"Name": "ПАО «Энергосбыт Подмосковья»", "INN": contractors[12]["INN"],
                                 "KPP": "502401001"}),
    }
    files: dict[tuple[str, int], dict[str, bytes]] = {}
    for doc_id, record in documents.items():
        files[("meta", doc_id)] = {f"{record['DocNumber']}.pdf": make_pdf(f"EnDocs document {doc_id}")}
    for contract_id, record in contracts.items():
        files[("contract", contract_id)] = {f"{record['Name']}.pdf": make_pdf(f"Contract {contract_id}")}
    files[("contract", 77)]["Приложение 1 - спецификация.pdf"] = make_pdf("Contract 77, annex 1")
    for scan_id, record in scans.items():
        name = record["FileName"]
        content = make_png(scan_id) if name.endswith(".png") else make_pdf(f"Scan {scan_id}")
        files[("nonform", scan_id)] = {name: content}
    return {
        "users": users,
        "organizations": organizations,
        "contractors": contractors,
        "contracts": contracts,
        "documents": documents,
        "scans": scans,
        "files": files,
        "next_ids": {"organization": 20, "contractor": 40, "contract": 100, "document": 10500, "scan": 320},
    }
