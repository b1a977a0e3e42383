"""EnDocs Cloud emulator: the 15 endpoints of the vendor's backend, its quirks and its limits.

Base URL in the sandbox: ``http://localhost:PORT/endocs``; paths ``/api/{Controller}/{Action}``
below it, matched ignoring case as ASP.NET does. One seeded account answers to
``SANDBOX_KEYS["endocs_token"]``.

Reproduced: camelCase answers with .NET spellings (``ext_ID``, ``ocRtype``), ``{"Key", "Value"}``
feeds with the ``DocId`` cursor, not-found as 400 with ``#err-NN`` tags, 201/204 upserts with
partial updates by exact PascalCase keys, the noon shift of hh:00:00 dates, the 20 MB file
limit, blocked accounts and storage quota, and 300 requests per token per minute (fixed
windows aligned to the minute) answered with 429 ``{"error": "Too Many Requests"}``.

Options (``configure``): ``rate_limit`` (300), ``window_seconds`` (60), ``error_style``
``"json"`` (documented ``{"error": ...}``) or ``"text"`` (2022 backend: plain text),
``auth_failure_status`` 401 (documented) or 400 (legacy, err-30/err-80), ``key_value_case``
``"pascal"`` (``Key``/``Value``) or ``"camel"``, ``blocked``, ``storage_quota_gb`` (10),
``sync_contracts``/``sync_invoices``/``sync_inputs`` (feeds on) and ``only_approved``.

Forced 429 hint forms (``rule.hint``): ``default`` (``Retry-After: <seconds>``), ``missing``
(no header), ``garbage`` (``Retry-After: soon``), ``http_date`` (``Retry-After`` as an HTTP date),
``stale`` (an HTTP date already past on the server's clock), ``huge`` (``Retry-After: 999999``).
The rate options every emulator takes (``window_phase``, ``clock_offset``, ``rival_calls``,
``hintless_429``; see ``_emulator.RATE_DEFAULTS``) shift, skew, pre-spend or strip its windows.

Counters: ``endocs.requests``, ``endocs.429``, ``endocs.create.<kind>`` and
``endocs.update.<kind>`` for kinds ``document``, ``contract``, ``nonform``, ``organization``,
``contractor``, and ``endocs.decline.nonform``.

``reset()`` restores the seed and the options given at construction. Test hooks stand in for
what users do in the web UI: ``add_document``, ``add_contract``, ``add_scan`` (new records in
the feeds); ``record`` and ``files_of`` read the stored state.
"""

from __future__ import annotations

import base64
import email.utils
import json
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from ..._core.clock import Clock
from .._emulator import RATE_DEFAULTS, Emulator, ErrorAnswer
from .._ratelimit import FixedWindowLimiter, WindowState
from .._stats import Stats
from .seed import ACCOUNT_ID, ACCOUNT_NAME, DOC_TYPES, make_pdf, wire
from .store import ERR, BindingError, EnDocsStore, ci, decode_files
from ..keys import SANDBOX_KEYS

#: ASP.NET Core / IIS default request body cap.
MAX_BODY_BYTES = 30_000_000
DEFAULTS: dict[str, Any] = {
    "rate_limit": 300, "window_seconds": 60.0, "error_style": "json", "auth_failure_status": 401,
    "key_value_case": "pascal", "blocked": False, "storage_quota_gb": 10.0, "sync_contracts": True,
    "sync_invoices": True, "sync_inputs": True, "only_approved": False,
}
_CHOICES: dict[str, tuple[Any, ...]] = {
    "error_style": ("json", "text"), "auth_failure_status": (400, 401), "key_value_case": ("pascal", "camel"),
}
_ERROR_TEXTS = {429: "Too Many Requests", 500: "Database Failure", 502: "Bad Gateway", 503: "Service Unavailable",
                504: "Gateway Timeout"}


@dataclass(frozen=True)
class _Route:
    method: str
    args: int
    handler: Callable[[Request, list[str]], Awaitable[Response]]


def _int_arg(value: str, field: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise BindingError(field, f"The value '{value}' is not valid.") from None


class _Json(JSONResponse):
    """JSON as ASP.NET Core writes it: UTF-8, non-ASCII unescaped, charset in the content type."""

    media_type = "application/json; charset=utf-8"


class EnDocsEmulator(Emulator):
    name = "endocs"
    base_path = ""

    def __init__(self, clock: Clock, stats: Stats, seed: int = 7, **config: Any) -> None:
        self._initial = dict(config)
        self.options: dict[str, Any] = dict(DEFAULTS)
        self.tokens = {SANDBOX_KEYS["endocs_token"]: ACCOUNT_ID}
        self.limiter: FixedWindowLimiter | None = None
        super().__init__(clock, stats, seed, **config)

    # -- Emulator interface ------------------------------------------------------------------------
    def routes(self) -> list[BaseRoute]:
        return [Route("/{rest:path}", self._handle, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])]

    def reset(self) -> None:
        self.options = dict(DEFAULTS)
        self.rate = dict(RATE_DEFAULTS)
        self.limiter = None
        self.configure(**self._initial)
        self.store = EnDocsStore(self.options, self.clock.time, self.count)

    def configure(self, **options: Any) -> None:
        options, window_changed = self.take_rate_options(options)
        for key, value in options.items():
            if key not in DEFAULTS:
                raise TypeError(f"unknown endocs option {key!r}; known: {sorted(DEFAULTS)}")
            self.options[key] = self._checked(key, value)
        if self.limiter is None or window_changed or {"rate_limit", "window_seconds"} & set(options):
            self.limiter = self.new_limiter(self.options["rate_limit"], self.options["window_seconds"], aligned=True)
        self.spend_rival_calls(self.limiter, f"Bearer {SANDBOX_KEYS['endocs_token']}")

    @staticmethod
    def _checked(key: str, value: Any) -> Any:
        default = DEFAULTS[key]
        if key in _CHOICES:
            if value not in _CHOICES[key]:
                raise ValueError(f"{key} must be one of {_CHOICES[key]}, got {value!r}")
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ValueError(f"{key} must be true or false, got {value!r}")
        elif key == "rate_limit":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"rate_limit must be a positive integer, got {value!r}")
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or (
            key == "window_seconds" and value <= 0
        ):
            raise ValueError(f"{key} must be a positive number, got {value!r}")
        return value

    def error_body(self, status: int) -> tuple[str, bytes]:
        message = _ERROR_TEXTS.get(status, f"HTTP {status}")
        if self.options["error_style"] == "text":
            return "text/plain; charset=utf-8", message.encode()
        return "application/json; charset=utf-8", json.dumps({"error": message}).encode()

    # -- test hooks: what users do in the EnDocs web UI -------------------------------------------------
    def add_document(self, doc_type_id: int = 14, *, organization_id: int = 5, contractor_id: int | None = 9,
                     number: str | None = None, amount: float = 1000.0, state: str = "Новый") -> int:
        """Create a document as a user would (no Ext_ID: it shows up in the GetNew* feeds)."""
        return self.store.add_document(doc_type_id, organization_id, contractor_id, number, amount, state)

    def add_contract(self, name: str = "Договор", *, organization_id: int = 5, contractor_id: int = 9,
                     state: str = "Согласовано") -> int:
        return self.store.add_contract(name, organization_id, contractor_id, state)

    def add_scan(self, file_name: str = "scan.pdf", content: bytes | None = None, *,
                 ocr_state: str | None = "Распознано", sender: str = "scanner@romashka.ru") -> int:
        """A scan arriving by e-mail or scanner into «Необработанные»."""
        return self.store.add_scan(file_name, content or make_pdf(file_name), ocr_state, sender)

    def record(self, kind: str, record_id: int) -> dict[str, Any] | None:
        """A stored record (``documents``, ``contracts``, ``scans``, ``organizations``, ``contractors``)."""
        record: dict[str, Any] | None = self.store[kind].get(record_id)
        return record

    def files_of(self, owner: str, record_id: int) -> dict[str, bytes]:
        """Stored files of ``("meta" | "contract" | "nonform", id)``."""
        return self.store.files((owner, record_id))

    # -- plumbing ---------------------------------------------------------------------------------------
    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
        if self.options["error_style"] == "text":
            return PlainTextResponse(message, status_code=status, headers=headers)
        return _Json({"error": message}, status_code=status, headers=headers)

    @staticmethod
    def _problem(field: str, message: str) -> Response:
        body = {"type": "https://tools.ietf.org/html/rfc7231#section-6.5.1",
                "title": "One or more validation errors occurred.", "status": 400,
                "traceId": "|8e1f7c2a-4b1e2f3c9d.", "errors": {field: [message]}}
        return _Json(body, status_code=400, media_type="application/problem+json; charset=utf-8")

    def _too_many(self, window: WindowState, hint: str) -> Response:
        self.count("429")
        headers: dict[str, str] = {}
        if hint == "garbage":
            headers["Retry-After"] = "soon"
        elif hint == "huge":  # far beyond any sensible bound
            headers["Retry-After"] = "999999"
        elif hint == "stale":  # a date already past on the server's own clock
            headers["Retry-After"] = email.utils.formatdate(math.floor(self.server_time()) - 30, usegmt=True)
        elif hint == "http_date":
            headers["Retry-After"] = email.utils.formatdate(math.ceil(window.reset_at), usegmt=True)
        elif hint != "missing":
            headers["Retry-After"] = str(max(1, math.ceil(window.reset_in)))
        return self._error(429, "Too Many Requests", headers)

    async def _handle(self, request: Request) -> Response:
        self.count("requests")
        key = request.headers.get("authorization") or f"ip:{request.client.host if request.client else '-'}"
        assert self.limiter is not None
        rule = self.forced_rate_limit(request)
        if rule is not None:
            return self._too_many(self.limiter.peek(key), rule.hint)
        window = self.limiter.hit(key)
        if not window.allowed:
            return self._too_many(window, "missing" if self.rate["hintless_429"] else "default")
        segments = request.path_params["rest"].split("/")
        while segments and segments[-1] == "":
            segments.pop()
        if len(segments) < 3 or segments[0].lower() != "api":
            return Response(status_code=404)
        route = self._routes().get((segments[1].lower(), segments[2].lower()))
        args = segments[3:]
        if route is None or len(args) != route.args:
            return Response(status_code=404)
        if request.method != route.method:
            return Response(status_code=405, headers={"Allow": route.method})
        if int(request.headers.get("content-length") or 0) > MAX_BODY_BYTES:
            return self._error(413, "Request body too large")
        try:
            return await route.handler(request, args)
        except ErrorAnswer as answer:
            return self._error(answer.status, answer.message)
        except BindingError as failed:
            return self._problem(failed.field, str(failed))

    def _routes(self) -> dict[tuple[str, str], _Route]:
        return {
            ("output", "getclientinfo"): _Route("GET", 0, self._client_info),
            ("output", "getclientusers"): _Route("GET", 0, self._client_users),
            ("output", "getnonformdoc"): _Route("GET", 2, self._feed_scans),
            ("output", "getnewcontracts"): _Route("GET", 2, self._feed_contracts),
            ("output", "getnewinvoices"): _Route("GET", 2, self._feed_invoices),
            ("output", "getnewinputs"): _Route("GET", 2, self._feed_inputs),
            ("file", "getfilebyextintid"): _Route("GET", 2, self._files_by_kind),
            ("file", "getfilebyextid"): _Route("GET", 1, self._files_by_ext_id),
            ("file", "getmetafilebyid"): _Route("GET", 1, self._files_of_document),
            ("file", "getcontractfilebyid"): _Route("GET", 1, self._files_of_contract),
            ("metadata", "addorupdatenonformdoc"): _Route("POST", 0, self._upload_scan),
            ("metadata", "docapproval"): _Route("POST", 0, self._decline_scan),
            ("metadata", "addorupdateextdoc"): _Route("POST", 0, self._upsert_ext_doc),
            ("metadata", "addorupdatelocaldoc"): _Route("POST", 0, self._upsert_local_doc),
            ("contract", "addorupdatecontract"): _Route("POST", 0, self._upsert_contract),
        }

    # -- checks, in the backend's order -------------------------------------------------------------------
    def _token(self, request: Request) -> None:
        """Header and Bearer token present (err-80, err-30)."""
        header = request.headers.get("authorization")
        if header is None:
            raise ErrorAnswer(self.options["auth_failure_status"], ERR["err80"])
        if not header.startswith("Bearer ") or not header[len("Bearer "):].strip():
            raise ErrorAnswer(self.options["auth_failure_status"], ERR["err30"])

    def _account(self, request: Request) -> None:
        """The token matches the account (401 err-40)."""
        if request.headers.get("authorization", "")[len("Bearer "):] not in self.tokens:
            raise ErrorAnswer(401, ERR["err40"])

    def _plan(self, *, blocked: bool, quota: bool) -> None:
        if blocked and self.options["blocked"]:
            raise ErrorAnswer(400, ERR["err50"])
        if quota and self.store.storage_used_mb() >= self.options["storage_quota_gb"] * 1024:
            raise ErrorAnswer(400, ERR["err60"])

    def _auth(self, request: Request, *, blocked: bool = False, quota: bool = False) -> None:
        self._token(request)
        self._account(request)
        self._plan(blocked=blocked, quota=quota)

    async def _json_body(self, request: Request) -> dict[str, Any]:
        raw = await request.body()
        if not raw.strip():
            raise ErrorAnswer(400, "No entity provider")
        try:
            body = json.loads(raw)
        except ValueError as exc:
            raise BindingError("$", f"The request body is invalid JSON: {exc}") from None
        if not isinstance(body, dict):
            raise BindingError("$", "The JSON value could not be converted to the request model.")
        if not body:
            raise ErrorAnswer(400, "No entity provider")
        return body

    @staticmethod
    def _request_id(body: dict[str, Any]) -> None:
        rid = ci(body, "RequestID")
        if not isinstance(rid, str) or not rid.strip():
            raise ErrorAnswer(400, "Field RequestID is required")

    @staticmethod
    def _typed_int(body: dict[str, Any], key: str) -> Any:
        value = ci(body, key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise BindingError(f"$.{key}", "The JSON value could not be converted to System.Int32.")
        return value

    # -- answers ---------------------------------------------------------------------------------------
    def _kv(self, rows: list[dict[str, Any]] | None, count: int) -> Response:
        key, value = ("Key", "Value") if self.options["key_value_case"] == "pascal" else ("key", "value")
        return _Json({key: count, value: rows})

    def _files_answer(self, owner: tuple[str, int] | None) -> Response:
        files = self.store.files(owner)
        if not files:
            raise ErrorAnswer(400, ERR["err70"])
        return _Json({"binaries": [{"fileName": name, "fileBase64": base64.b64encode(content).decode("ascii")}
                                   for name, content in files.items()]})

    @staticmethod
    def _created(body: dict[str, Any], action: str) -> Response:
        return _Json(body, status_code=201, headers={"Location": f"/api/{action}"})

    # -- 1, 2: account -----------------------------------------------------------------------------------
    async def _client_info(self, request: Request, args: list[str]) -> Response:
        self._auth(request)
        return _Json({
            "id": ACCOUNT_ID, "name": None, "token": None, "tokenExpires": "0001-01-01T00:00:00Z",
            "storageQuota": float(self.options["storage_quota_gb"]), "storageUsed": self.store.storage_used_mb(),
            "usersQuota": 5, "usersUsed": len(self.store["users"]), "blocked": self.options["blocked"],
            "billTo": None, "inn": None, "kpp": None, "bik": None, "legalName": None, "email": None,
            "blockDate": None, "tariffId": None, "unicPerms": None, "created": "0001-01-01T00:00:00Z",
            "phone": None, "lastLogin": None, "ocrQuota": None, "ocrUsed": None,
        })

    async def _client_users(self, request: Request, args: list[str]) -> Response:
        self._auth(request, blocked=True)
        return _Json(sorted(self.store["users"], key=lambda user: user["email"]))

    # -- 3-6: feeds --------------------------------------------------------------------------------------
    def _cursor(self, request: Request, args: list[str]) -> int:
        self._auth(request, blocked=True)
        return _int_arg(args[0], "DocId")

    async def _feed_scans(self, request: Request, args: list[str]) -> Response:
        scans = self.store.visible_scans(self._cursor(request, args))
        rows = [self._scan_row(scan, name, len(content))
                for scan in scans for name, content in self.store.files(("nonform", scan["Id"])).items()]
        return self._kv(rows, len(scans))  # one row per file; Key counts documents

    def _scan_row(self, scan: dict[str, Any], file_name: str, size: int) -> dict[str, Any]:
        ocr = scan.get("OcrContractor")
        contractor = None if ocr is None else {
            "id": 0, "name": ocr["Name"], "inn": ocr["INN"], "kpp": ocr["KPP"], "organizationId": 0,
            "organization": None, "ext_ID": None,
            "buttonDTO": {"id": 0, "clientId": 0, "organizationId": 0, "userId": None, "itemId": None}}
        row = wire(scan, ["Id", "Sender", "Created", "Modified", "DocNumTaxInvoice", "DocDateTaxInvoice",
                          "DocNumInvoice", "DocDateInvoice", "AmountToPay", "DocNumber", "Currency", "DocDate",
                          "Amount", "AmountWOVAT", "VAT", "TablePart", "DocTypeId", "OCRtype", "AmountTotal"])
        row.update({"fileBase64": None, "fileName": file_name, "blobUrl": None, "fileSize": size, "metaId": 0,
                    "contractId": 0, "nonFormDocId": 0, "organization": self.store.org_entity(scan.get("OrganizationId")),
                    "htmlContent": None, "htmlWidth": 0, "hasSignature": None, "contractor": contractor,
                    "docTypeName": DOC_TYPES.get(scan.get("DocTypeId") or 0)})
        return row

    async def _feed_contracts(self, request: Request, args: list[str]) -> Response:
        cursor = self._cursor(request, args)
        if not self.options["sync_contracts"]:
            return self._kv(None, 0)
        rows = []
        for contract in self.store.pending("contracts", cursor):
            row = wire(contract, ["Id", "DocNumber", "DocDate", "Modified", "ModifiedBy", "Created", "Type", "Name",
                                  "Amount", "AmountWOVAT", "VAT", "Currency", "Comment", "Subject", "ValidityPeriod",
                                  "State"])
            row["contractor"] = self.store.ctr_entity(contract.get("ContractorId"))
            row["organization"] = self.store.org_entity(contract.get("OrganizationId"))
            rows.append(row)
        return self._kv(rows, len(rows))

    def _document_feed(self, cursor: int, enabled: str, doc_type_id: int, keys: list[str]) -> Response:
        if not self.options[enabled]:
            return self._kv(None, 0)
        rows = []
        for doc in self.store.pending("documents", cursor, DocTypeId=doc_type_id):
            row = wire(doc, keys)
            row["contract"] = self.store.contract_entity(doc.get("ContractId"))
            row["contractor"] = self.store.ctr_entity(doc.get("ContractorId"))
            row["organization"] = self.store.org_entity(doc.get("OrganizationId"))
            rows.append(row)
        return self._kv(rows, len(rows))

    async def _feed_invoices(self, request: Request, args: list[str]) -> Response:
        return self._document_feed(self._cursor(request, args), "sync_invoices", 14, [
            "Id", "Source", "DocNumber", "DocDate", "VAT", "AmountToPay", "AmountWOVAT", "Currency", "Operation",
            "State", "Comment"])

    async def _feed_inputs(self, request: Request, args: list[str]) -> Response:
        return self._document_feed(self._cursor(request, args), "sync_inputs", 1, [
            "Id", "Source", "DocNumber", "DocDate", "VAT", "AmountToPay", "AmountWOVAT", "Amount", "DocDateInvoice",
            "DocDateTaxInvoice", "DocNumTaxInvoice", "DocNumInvoice", "Currency", "Operation", "State", "Comment",
            "TablePart"])

    # -- 7-10: file downloads (token only: no blocked or quota check) ------------------------------------------
    async def _files_by_kind(self, request: Request, args: list[str]) -> Response:
        self._auth(request)
        item, kind = args[0], args[1].lower()
        if kind == "extid":
            return self._files_answer(self.store.by_ext_id(item))
        owners = {"nonformid": "nonform", "metaid": "meta", "contractid": "contract"}
        if kind not in owners:
            raise ErrorAnswer(400, ERR["err70_one"])
        try:
            number = int(item)
        except ValueError:
            raise ErrorAnswer(400, "Id is not int") from None
        if kind == "nonformid" and self.store.live_scan(number) is None:
            raise ErrorAnswer(400, ERR["err70"])
        return self._files_answer((owners[kind], number))

    async def _files_by_ext_id(self, request: Request, args: list[str]) -> Response:
        self._auth(request)
        item = args[0]
        if item.lstrip("-").isdigit() and self.store.live_scan(int(item)) is not None:
            return self._files_answer(("nonform", int(item)))
        return self._files_answer(self.store.by_ext_id(item))

    async def _files_of_document(self, request: Request, args: list[str]) -> Response:
        self._auth(request)
        return self._files_answer(("meta", _int_arg(args[0], "id")))

    async def _files_of_contract(self, request: Request, args: list[str]) -> Response:
        self._auth(request)
        return self._files_answer(("contract", _int_arg(args[0], "id")))

    # -- 11, 12: scans -------------------------------------------------------------------------------------
    async def _upload_scan(self, request: Request, args: list[str]) -> Response:
        body = await self._json_body(request)
        files = decode_files(ci(body, "Binaries"), required=True)
        self._auth(request, blocked=True, quota=True)
        self._request_id(body)
        org_id = self._typed_int(body, "OrganizationId")
        org = self.store["organizations"].get(org_id)
        if org_id is not None and org is None:
            raise ErrorAnswer(400, "Unable to add the entity")
        name, content = files[0]  # only the first file is stored
        scan_id = self.store.add_scan(name, content, None, ci(body, "Sender"), org_id, ci(body, "Comment"))
        scan = self.store["scans"][scan_id]
        self.count("create.nonform")
        stamps = wire(scan, ["Created", "Modified"])
        answer = {
            "docTypeId": None, "docType": None, "id": scan_id, "requestID": None, "organizationId": org_id,
            "organizationName": org["Name"] if org else None, **stamps, "clientId": ACCOUNT_ID,
            "client": ACCOUNT_NAME, "deleted": None, "deletedBy": None, "deleteDate": None, "sender": scan["Sender"],
            "declined": None, "declinedBy": None, "comment": scan["Comment"], "fileExists": False, "fileName": None,
            "fileSize": None,
            "organization": None if org is None else {
                "id": org["Id"], "name": org["Name"], "inn": None, "kpp": None, "clientId": 0, "client": None,
                "ext_ID": None, "buttonDTO": {"id": org["Id"], "clientId": 0, "organizationId": 0, "userId": None,
                                              "itemId": str(org["Id"])}},
            "binaries": None, "ocrState": None, "ocrVerified": None, "ocrSplit": None, "docDate": None,
            "contractorId": None, "contractor": None, "contractorName": None, "amount": None,
        }
        return self._created(answer, "Metadata/AddOrUpdateNonFormDoc")

    async def _decline_scan(self, request: Request, args: list[str]) -> Response:
        body = await self._json_body(request)
        self._auth(request, blocked=True, quota=True)
        self._request_id(body)
        scan_id = self._typed_int(body, "NonFormID")
        if not scan_id:
            raise ErrorAnswer(400, "Field NonFormID is required")
        scan = self.store.live_scan(scan_id)
        if scan is None:
            raise ErrorAnswer(400, f"No NonFormDoc with id {scan_id} was found")
        if ci(body, "Approved") is True:
            raise ErrorAnswer(400, "Wrong approval for document was found")
        scan.update({"Declined": True, "DeclinedBy": ci(body, "Approver"), "Deleted": True,
                     "DeleteDate": self.store.now(), "Comment": ci(body, "Comment") or scan.get("Comment")})
        self.count("decline.nonform")
        return PlainTextResponse("Success")

    # -- 13-15: upserts --------------------------------------------------------------------------------------
    async def _upsert_ext_doc(self, request: Request, args: list[str]) -> Response:
        return await self._upsert_doc(request, local=False)

    async def _upsert_local_doc(self, request: Request, args: list[str]) -> Response:
        return await self._upsert_doc(request, local=True)

    async def _upsert_doc(self, request: Request, *, local: bool) -> Response:
        body = await self._json_body(request)
        self._auth(request, blocked=True, quota=True)
        self._request_id(body)
        if not ci(ci(body, "Organization"), "Ext_ID"):
            raise ErrorAnswer(400, "Field Organization is required")
        if not local:
            if not ci(body, "DocTypeId"):
                raise ErrorAnswer(400, "Field DocType is required")
            source = ci(body, "Source")
            if not source:
                raise ErrorAnswer(400, "Field Source is required")
            if source not in ("Входящий", "Исходящий"):
                raise ErrorAnswer(400, "Field Source value incorrect")
        created = self.store.upsert_document(body, local=local)
        if created is None:
            return Response(status_code=204)
        return self._created(created, "Metadata/AddOrUpdateLocalDoc" if local else "Metadata/AddOrUpdateExtDoc")

    async def _upsert_contract(self, request: Request, args: list[str]) -> Response:
        body = await self._json_body(request)
        self._token(request)
        self._request_id(body)
        self._account(request)
        self._plan(blocked=True, quota=True)
        if not ci(body, "Name"):
            raise ErrorAnswer(400, "Field Name is required")
        if not ci(ci(body, "Contractor"), "Ext_ID") or not ci(ci(body, "Organization"), "Ext_ID"):
            raise ErrorAnswer(400, "Field Contractor is required")  # sic: also for a missing organization
        created = self.store.upsert_contract(body)
        if created is None:
            return Response(status_code=204)
        return self._created(created, "Contract/AddOrUpdateContract")
