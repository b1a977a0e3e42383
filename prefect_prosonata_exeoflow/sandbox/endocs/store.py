"""The EnDocs emulator's account state and what the backend does with it (no HTTP here).

Records are dicts keyed by the backend's C# property names. Operations raise :class:`ErrorAnswer`
with the backend's own status and message; the HTTP layer (:mod:`.endocs`) turns that into the
configured error look.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from .._emulator import ErrorAnswer
from .seed import (
    ACCOUNT_ID,
    ACCOUNT_NAME,
    APPROVED_STATES,
    BASELINE_STORAGE_MB,
    DATE_KEYS,
    DOC_TYPES,
    OCR_PENDING,
    REALIZ_TYPES,
    make_pdf,
    parse_input_date,
    seed_state,
    wire,
)

ERR = {
    "err20": "Max File size exceeded ( #err-20)", "err30": "No token received ( #err-30)",
    "err40": "Could not find any client for this token ( #err-40)", "err50": "Client is blocked ( #err-50)",
    "err60": "Storage quota excceeded ( #err-60)", "err70": "Files not found ( #err-70)",
    "err70_one": "File not found ( #err-70)", "err80": "No Authorization header ( #err-80)",
}
#: The backend's own per-file limit (err-20), after base64 decoding. The emulator keeps its own
#: number, so that it checks the client instead of agreeing with it by construction.
MAX_FILE_BYTES = 20 * 1024 * 1024
EXTERNAL_SYSTEM = "ExternalSystem"
DEFAULT_STATE = "Проведено в 1С"
DOC_FIELDS = [
    "DocTypeId", "Source", "DocNumber", "DocDate", "Amount", "AmountWOVAT", "AmountToPay", "VAT", "Currency",
    "DocNumTaxInvoice", "DocDateTaxInvoice", "DocNumInvoice", "DocDateInvoice", "Operation", "Signed", "Paid",
    "PaymentDate", "PaymentNumber", "Comment", "PeriodFrom", "PeriodTo", "Reciever", "Address", "Delivery",
    "Contact", "NotifyUser", "State", "TablePart", "CardData", "PackageID", "UploadedTo1C", "Ext_ID", "EDIId",
    "EDIState", "EDIProvider", "EDIProcessed", "EDIIsIncoming", "EDILocalSigned", "EdiNeedExport", "DocKindId",
]
CONTRACT_FIELDS = ["Type", "Name", "DocNumber", "DocDate", "ValidityPeriod", "Ext_ID", "Amount", "AmountWOVAT",
                   "VAT", "Currency", "Comment", "Subject", "State"]
NUMBER_KEYS = {"Amount", "AmountWOVAT", "AmountToPay", "VAT", "DocTypeId", "DocKindId"}
BOOL_KEYS = {"Signed", "Paid", "UploadedTo1C", "EDIProcessed", "EDIIsIncoming", "EDILocalSigned", "EdiNeedExport"}
CUSTOM_FIELDS = ([f"String{i}" for i in range(1, 9)] + [f"Datetime{i}" for i in range(1, 5)]
                 + [f"Int{i}" for i in range(1, 5)] + [f"Bool{i}" for i in range(1, 5)])


class BindingError(Exception):
    """ASP.NET model binding failed: answered as application/problem+json."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def ci(body: Any, key: str) -> Any:
    """A property of a JSON object, matched ignoring case (as the backend binds models)."""
    if not isinstance(body, dict):
        return None
    lowered = key.lower()
    for name, value in body.items():
        if name.lower() == lowered:
            return value
    return None


def decode_files(binaries: Any, *, required: bool) -> list[tuple[str, bytes]]:
    """The ``Binaries`` of a request, checked as the backend does (name, base64, 20 MB)."""
    if binaries is None or binaries == []:
        if required:
            raise ErrorAnswer(400, "File is required")
        return []
    if not isinstance(binaries, list):
        raise BindingError("Binaries", "The JSON value could not be converted to List<Binary>.")
    decoded = []
    for item in binaries:
        encoded, name = ci(item, "FileBase64"), ci(item, "FileName")
        if not isinstance(encoded, str) or not encoded:
            raise ErrorAnswer(400, "No binaries FileBase64 string")
        if not isinstance(name, str) or not name.strip():
            raise ErrorAnswer(400, "No file name")
        try:
            content = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise ErrorAnswer(400, "Can not parse File to Base64") from None
        if len(content) > MAX_FILE_BYTES:
            raise ErrorAnswer(400, ERR["err20"])
        decoded.append((name, content))
    return decoded


def convert(key: str, value: Any) -> Any:
    """A body value as the backend stores it (dates parsed with the noon shift, numbers as floats)."""
    if value is None:
        return None
    try:
        if key in DATE_KEYS:
            return parse_input_date(value)
        if key in NUMBER_KEYS:
            if isinstance(value, bool):
                raise ValueError(value)
            number = float(value.replace(",", ".")) if isinstance(value, str) else float(value)
            return int(number) if key in {"DocTypeId", "DocKindId"} else number
        if key in BOOL_KEYS and not isinstance(value, bool):
            raise ValueError(value)
    except (TypeError, ValueError):
        raise ErrorAnswer(400, "Unable to add the entity") from None
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def fields(body: dict[str, Any], keys: list[str], *, exact: bool) -> dict[str, Any]:
    """Scalar fields of a body: all keys ignoring case (create), or exact PascalCase keys (update)."""
    lowered = {k.lower(): k for k in body}
    values: dict[str, Any] = {}
    for key in keys:
        name = key if exact else lowered.get(key.lower())
        if name is not None and name in body:
            values[key] = convert(key, body[name])
    return values


def brief(entity: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if not entity else {"id": entity.get("Id"), "name": entity.get("Name")}


class EnDocsStore:
    """One seeded account: its records, files and the backend's rules for changing them."""

    def __init__(self, options: dict[str, Any], clock_time: Callable[[], float], count: Callable[[str], None]) -> None:
        self.options = options
        self._time = clock_time
        self.count = count
        self.state = seed_state()

    # -- basics -----------------------------------------------------------------------------------------
    def __getitem__(self, kind: str) -> Any:
        return self.state[kind]

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self._time(), dt.timezone.utc).replace(tzinfo=None, microsecond=0)

    def next_id(self, kind: str) -> int:
        ids = self.state["next_ids"]
        ids[kind] += 1
        return int(ids[kind])

    def storage_used_mb(self) -> float:
        stored = sum(len(content) for files in self.state["files"].values() for content in files.values())
        return round(BASELINE_STORAGE_MB + stored / (1024 * 1024), 1)

    def files(self, owner: tuple[str, int] | None) -> dict[str, bytes]:
        return dict(self.state["files"].get(owner, {})) if owner else {}

    def store_files(self, owner: tuple[str, int], files: list[tuple[str, bytes]]) -> None:
        stored = self.state["files"].setdefault(owner, {})
        for name, content in files:
            stored[name] = content  # same name replaces, a new name adds

    def live_scan(self, scan_id: int) -> dict[str, Any] | None:
        scan: dict[str, Any] | None = self.state["scans"].get(scan_id)
        return scan if scan is not None and not scan.get("Deleted") else None

    def by_ext_id(self, ext_id: str) -> tuple[str, int] | None:
        """Files owner of a 1C id: documents first, then contracts."""
        for kind, owner in (("documents", "meta"), ("contracts", "contract")):
            for record in self.state[kind].values():
                if record.get("Ext_ID") == ext_id and not record.get("Deleted"):
                    return (owner, record["Id"])
        return None

    # -- what users do in the web UI (test hooks) ----------------------------------------------------------
    def add_document(self, doc_type_id: int, organization_id: int, contractor_id: int | None, number: str | None,
                     amount: float, state: str) -> int:
        doc_id, now = self.next_id("document"), self.now()
        self.state["documents"][doc_id] = {
            "Id": doc_id, "DocTypeId": doc_type_id, "Source": "Входящий", "OrganizationId": organization_id,
            "ContractorId": contractor_id, "ContractId": None, "DocNumber": number or f"Д-{doc_id}",
            "DocDate": now.replace(hour=12, minute=0, second=0), "Amount": amount, "Currency": "RUB",
            "State": state, "Ext_ID": None, "Deleted": False, "Created": now, "Modified": now,
            "CreatedBy": "buh@romashka.ru", "ModifiedBy": "buh@romashka.ru",
        }
        self.state["files"][("meta", doc_id)] = {f"{doc_id}.pdf": make_pdf(f"Document {doc_id}")}
        return doc_id

    def add_contract(self, name: str, organization_id: int, contractor_id: int, state: str) -> int:
        contract_id, now = self.next_id("contract"), self.now()
        self.state["contracts"][contract_id] = {
            "Id": contract_id, "OrganizationId": organization_id, "ContractorId": contractor_id, "Name": name,
            "Type": "С поставщиком", "DocTypeId": 4, "State": state, "Ext_ID": None, "Deleted": False,
            "Currency": "RUB", "Created": now, "Modified": now, "CreatedBy": "buh@romashka.ru",
            "ModifiedBy": "buh@romashka.ru",
        }
        return contract_id

    def add_scan(self, file_name: str, content: bytes, ocr_state: str | None, sender: str | None,
                 organization_id: int | None = 5, comment: str | None = None) -> int:
        scan_id, now = self.next_id("scan"), self.now()
        self.state["scans"][scan_id] = {
            "Id": scan_id, "OrganizationId": organization_id, "Sender": sender, "Comment": comment,
            "OCRState": ocr_state, "Deleted": False, "Created": now, "Modified": now, "FileName": file_name,
        }
        self.state["files"][("nonform", scan_id)] = {file_name: content}
        return scan_id

    # -- feeds ----------------------------------------------------------------------------------------
    def visible_scans(self, cursor: int) -> list[dict[str, Any]]:
        """Not deleted, not waiting for OCR, above the cursor; newest first (as the backend sorts)."""
        scans = [s for s in self.state["scans"].values()
                 if not s.get("Deleted") and s.get("OCRState") not in OCR_PENDING and (cursor <= 0 or s["Id"] > cursor)]
        return sorted(scans, key=lambda s: s["Created"], reverse=True)

    def pending(self, kind: str, cursor: int, **match: Any) -> list[dict[str, Any]]:
        """Records 1C has not taken yet (no Ext_ID), above the cursor, in id order."""
        approved_only = self.options["only_approved"]
        chosen = [r for r in self.state[kind].values()
                  if not r.get("Deleted") and r.get("Ext_ID") is None and (cursor <= 0 or r["Id"] > cursor)
                  and all(r.get(k) == v for k, v in match.items())
                  and (not approved_only or r.get("State") in APPROVED_STATES)]
        return sorted(chosen, key=lambda r: r["Id"])

    # -- entity shapes ----------------------------------------------------------------------------------
    def org_entity(self, org_id: int | None) -> dict[str, Any] | None:
        org = self.state["organizations"].get(org_id)
        if org is None:
            return None
        return {**wire(org, ["Id", "Name", "INN", "KPP", "Ext_ID"]), "clientId": ACCOUNT_ID, "client": None}

    def ctr_entity(self, ctr_id: int | None) -> dict[str, Any] | None:
        ctr = self.state["contractors"].get(ctr_id)
        if ctr is None:
            return None
        return {**wire(ctr, ["Id", "Name", "INN", "KPP", "Ext_ID", "OrganizationId"]), "organization": None,
                "diadocID": ctr.get("DiadocID")}

    def contract_entity(self, contract_id: int | None) -> dict[str, Any] | None:
        contract = self.state["contracts"].get(contract_id)
        if contract is None:
            return None
        return wire(contract, ["Id", "Type", "Name", "DocNumber", "DocDate", "ValidityPeriod", "Ext_ID", "Amount",
                               "AmountWOVAT", "VAT", "Currency", "Comment", "Subject", "State", "OrganizationId",
                               "ContractorId", "Created", "Modified"])

    def document_body(self, doc: dict[str, Any]) -> dict[str, Any]:
        """The 201 body of AddOrUpdateExtDoc / AddOrUpdateLocalDoc (``operation`` is not copied: sic)."""
        body = wire(doc, ["Id", "PackageID", "CardData", "TablePart", "Source", "DocNumber", "DocDate", "Amount",
                          "AmountWOVAT", "AmountToPay", "VAT", "Currency", "MetaID", "Created", "Modified",
                          "DocNumTaxInvoice", "DocDateTaxInvoice", "DocNumInvoice", "DocDateInvoice", "NonFormID",
                          "ModifiedBy", "CreatedBy", "DocTypeId", "Ext_ID", "RequestID", "Comment", "DeletedBy",
                          "PeriodFrom", "PeriodTo", "Reciever", "Address", "Delivery", "Contact", "State",
                          "NotifyUser", "DocKindId", "DeleteDate", "EDIId", "EDIState", "EDIProvider", "PaymentDate",
                          "PaymentNumber", *CUSTOM_FIELDS])
        body.update({
            "clientId": ACCOUNT_ID, "client": ACCOUNT_NAME, "docType": DOC_TYPES.get(doc.get("DocTypeId") or 0),
            "fileExists": False, "version1CExchange": 0, "operation": None, "docKind": None, "project": None,
            "binaries": None, "uploadedTo1C": bool(doc.get("UploadedTo1C")), "signed": bool(doc.get("Signed")),
            "paid": bool(doc.get("Paid")), "deleted": False, "ediProcessed": False, "ediIsIncoming": False,
            "ediLocalSigned": False, "ediNeedExport": False,
            "organization": brief(self.state["organizations"].get(doc.get("OrganizationId"))),
            "contractor": brief(self.state["contractors"].get(doc.get("ContractorId"))),
            "contract": brief(self.state["contracts"].get(doc.get("ContractId"))),
        })
        return body

    def contract_body(self, contract: dict[str, Any]) -> dict[str, Any]:
        """The 201 body of AddOrUpdateContract (ExtendedContract)."""
        body = wire(contract, ["Id", "Type", "Name", "DocNumber", "DocDate", "ValidityPeriod", "Ext_ID", "Amount",
                               "AmountWOVAT", "VAT", "Currency", "Comment", "Subject", "State", "DocTypeId",
                               "Created", "Modified", "CreatedBy", "ModifiedBy", "OrganizationId", "ContractorId",
                               *CUSTOM_FIELDS])
        org = self.state["organizations"].get(contract.get("OrganizationId")) or {}
        ctr = self.state["contractors"].get(contract.get("ContractorId")) or {}
        body.update({"docType": DOC_TYPES[4], "organizationName": org.get("Name"), "contractorName": ctr.get("Name"),
                     "client": ACCOUNT_NAME, "clientId": ACCOUNT_ID, "fileExists": False, "deleted": False,
                     "organization": brief(org), "contractor": brief(ctr), "binaries": None, "project": None,
                     "docKind": None})
        return body

    # -- nested organizations, counterparties, contracts ---------------------------------------------------
    def upsert_party(self, kind: str, data: dict[str, Any], label: str, org_id: int | None = None) -> int:
        """Find by Ext_ID, else INN+KPP (within the organization for counterparties), else create."""
        table = self.state["organizations" if kind == "organization" else "contractors"]
        ext_id, inn, kpp = ci(data, "Ext_ID"), ci(data, "INN"), ci(data, "KPP")
        scope = [r for r in table.values() if org_id is None or r.get("OrganizationId") == org_id]
        found = next((r for r in scope if ext_id and r.get("Ext_ID") == ext_id), None)
        if found is None and inn:
            found = next((r for r in scope if r.get("INN") == inn and r.get("KPP") == kpp), None)
        values = {"Name": ci(data, "Name"), "INN": inn, "KPP": kpp, "Ext_ID": ext_id}
        if found is not None:
            found.update(values)  # overwritten with what was sent: missing fields become null (sic)
            self.count(f"update.{kind}")
            return int(found["Id"])
        if not values["Name"]:
            raise ErrorAnswer(400, f"Field Name in {label} list is required")
        new_id = self.next_id(kind)
        table[new_id] = {"Id": new_id, **values, **({"OrganizationId": org_id} if org_id is not None else {})}
        self.count(f"create.{kind}")
        return new_id

    def upsert_nested_contract(self, data: dict[str, Any], org_id: int, ctr_id: int | None) -> int:
        ext_id = ci(data, "Ext_ID")
        found = next((c for c in self.state["contracts"].values()
                      if c.get("Ext_ID") == ext_id and c.get("OrganizationId") == org_id), None)
        values = fields(data, CONTRACT_FIELDS, exact=False)
        if found is not None:
            for key in ("Created", "CreatedBy", "ModifiedBy", "State"):
                values.pop(key, None)
            found.update({**values, "Modified": self.now()})
            self.count("update.contract")
            return int(found["Id"])
        if not values.get("Name"):
            raise ErrorAnswer(400, "Field Name in Contract list is required")
        if ctr_id is None:
            raise ErrorAnswer(400, "Field Contractor in Contract list is required")
        return self.new_contract(values, org_id, ctr_id)

    def new_contract(self, values: dict[str, Any], org_id: int, ctr_id: int) -> int:
        contract_id, now = self.next_id("contract"), self.now()
        self.state["contracts"][contract_id] = {
            **{key: None for key in CONTRACT_FIELDS}, **values, "Id": contract_id, "OrganizationId": org_id,
            "ContractorId": ctr_id, "DocTypeId": 4, "State": values.get("State") or DEFAULT_STATE,
            "Deleted": False, "Created": now, "Modified": now, "CreatedBy": EXTERNAL_SYSTEM,
            "ModifiedBy": EXTERNAL_SYSTEM,
        }
        self.count("create.contract")
        return contract_id

    def parties(self, body: dict[str, Any]) -> tuple[int, int | None, int | None]:
        org_id = self.upsert_party("organization", ci(body, "Organization"), "Organization")
        contractor, contract = ci(body, "Contractor"), ci(body, "Contract")
        ctr_id = contract_id = None
        if isinstance(contractor, dict) and ci(contractor, "Ext_ID"):
            ctr_id = self.upsert_party("contractor", contractor, "Contractor", org_id)
        if isinstance(contract, dict) and ci(contract, "Ext_ID"):
            contract_id = self.upsert_nested_contract(contract, org_id, ctr_id)
        return org_id, ctr_id, contract_id

    def scan_for(self, body: dict[str, Any]) -> dict[str, Any] | None:
        scan_id = ci(body, "NonFormID")
        if not scan_id:
            return None
        scan = self.live_scan(scan_id) if isinstance(scan_id, int) else None
        if scan is None:
            raise ErrorAnswer(400, f"No NonFormDoc with id {scan_id}")
        return scan

    def take_scan(self, scan: dict[str, Any], owner: tuple[str, int]) -> None:
        """Move a scan's file to ``owner`` and delete the scan (it is now a document or contract)."""
        self.store_files(owner, list(self.state["files"].pop(("nonform", scan["Id"]), {}).items()))
        scan.update({"Deleted": True, "DeleteDate": self.now()})

    # -- documents and contracts ------------------------------------------------------------------------
    def attach(self, owner: tuple[str, int], files: list[tuple[str, bytes]] | None, scan: dict[str, Any] | None) -> None:
        """Give a document or contract its files (None: keep those it has) and the scan it was made from."""
        if files is not None:
            self.store_files(owner, files)
        if scan is not None:
            self.take_scan(scan, owner)

    def update_record(self, kind: str, owner: tuple[str, int], target: dict[str, Any], body: dict[str, Any],
                      columns: Any, links: dict[str, tuple[str, Any]], files: list[tuple[str, bytes]],
                      scan: dict[str, Any] | None) -> None:
        """An upsert that found its record: the fields and links the body gives change, the others stay."""
        target.update(fields(body, columns, exact=True))
        for key, (column, value) in links.items():
            if key in body:
                target[column] = value
        target.update({"Modified": self.now(), "ModifiedBy": EXTERNAL_SYSTEM})
        self.attach(owner, files if "Binaries" in body else None, scan)
        self.count(f"update.{kind}")

    def live(self, table: str) -> list[dict[str, Any]]:
        """The records of ``table`` that are not deleted."""
        return [record for record in self.state[table].values() if not record.get("Deleted")]

    @staticmethod
    def by_id(records: list[dict[str, Any]], wanted: Any, missing: str) -> dict[str, Any]:
        """The record with ``Id`` ``wanted``; the API's 400 ``missing`` when there is none."""
        found = next((record for record in records if record["Id"] == wanted), None)
        if found is None:
            raise ErrorAnswer(400, missing)
        return found

    def upsert_document(self, body: dict[str, Any], *, local: bool) -> dict[str, Any] | None:
        """AddOrUpdateExtDoc / AddOrUpdateLocalDoc after the checks: the created body, or None if updated."""
        scan = self.scan_for(body)
        target = self.find_document(body, local=local)
        files = decode_files(body.get("Binaries"), required=target is None and scan is None)
        org_id, ctr_id, contract_id = self.parties(body)
        now = self.now()
        if target is not None:
            links = {"Organization": ("OrganizationId", org_id), "Contractor": ("ContractorId", ctr_id),
                     "Contract": ("ContractId", contract_id)}
            self.update_record("document", ("meta", target["Id"]), target, body, DOC_FIELDS, links, files, scan)
            return None
        values = fields(body, DOC_FIELDS, exact=False)
        if not values.get("DocTypeId"):
            raise ErrorAnswer(400, "Field DocType is required")
        doc_id = self.next_id("document")
        doc = {**values, "Id": doc_id, "OrganizationId": org_id, "ContractorId": ctr_id, "ContractId": contract_id,
               "State": values.get("State") or DEFAULT_STATE, "Deleted": False, "Created": now, "Modified": now,
               "CreatedBy": EXTERNAL_SYSTEM, "ModifiedBy": EXTERNAL_SYSTEM, "NonFormID": scan["Id"] if scan else None}
        if local:
            doc["Source"] = "Внутренний"
        elif doc["DocTypeId"] in REALIZ_TYPES:
            doc["Source"] = "Исходящий"
        self.state["documents"][doc_id] = doc
        self.attach(("meta", doc_id), files, scan)
        self.count("create.document")
        return self.document_body(doc)

    def find_document(self, body: dict[str, Any], *, local: bool) -> dict[str, Any] | None:
        docs = self.live("documents")
        if not local:
            meta_id = ci(body, "MetaID")
            if meta_id:
                return self.by_id(docs, meta_id, "No Metadata document was found")
            edi_id = ci(body, "EDIId")
            if edi_id:
                return next((d for d in docs if d.get("EDIId") == edi_id), None)
        ext_id = ci(body, "Ext_ID")
        return next((d for d in docs if ext_id and d.get("Ext_ID") == ext_id), None)

    def upsert_contract(self, body: dict[str, Any]) -> dict[str, Any] | None:
        """AddOrUpdateContract after the checks: the created body, or None if updated."""
        scan = self.scan_for(body)
        target = self.find_contract(body)
        files = decode_files(body.get("Binaries"), required=target is None and scan is None)
        org_id = self.upsert_party("organization", ci(body, "Organization"), "Organization")
        ctr_id = self.upsert_party("contractor", ci(body, "Contractor"), "Contractor", org_id)
        if target is not None:
            links = {"Organization": ("OrganizationId", org_id), "Contractor": ("ContractorId", ctr_id)}
            self.update_record("contract", ("contract", target["Id"]), target, body, CONTRACT_FIELDS, links, files,
                               scan)
            return None
        contract_id = self.new_contract(fields(body, CONTRACT_FIELDS, exact=False), org_id, ctr_id)
        self.attach(("contract", contract_id), files, scan)
        return self.contract_body(self.state["contracts"][contract_id])

    def find_contract(self, body: dict[str, Any]) -> dict[str, Any] | None:
        contracts = self.live("contracts")
        contract_id = ci(body, "ContractID")
        if contract_id:
            return self.by_id(contracts, contract_id, "No Contract document was found")
        ext_id = ci(body, "Ext_ID")
        org_ext = ci(ci(body, "Organization"), "Ext_ID")
        org = next((o for o in self.state["organizations"].values() if o.get("Ext_ID") == org_ext), None)
        if not ext_id or org is None:
            return None
        return next((c for c in contracts if c.get("Ext_ID") == ext_id and c.get("OrganizationId") == org["Id"]), None)
