"""The 15 EnDocs endpoints, each described once as a :class:`Call` (validated, no I/O).

Paths follow the vendor's backend (``/api/{Controller}/{Action}``); they are unverified
against the live service (ED-U1 in ``docs/apis/endocs.md``), so they sit in one table,
:data:`PATHS`, to be changed in one place.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .._core.dialect import Reply
from .._core.errors import InvalidRequestError, MalformedResponseError
from .._core.http import ANY_SUCCESS, NO_CONTENT, Call
from .._core.paths import fill, positive_id, segment
from . import models as m
from .dialect import API_NAME, MAX_REQUEST_ID_LENGTH, key_value
from .files import FileContent, FileLike, decode_files, encode_files

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

PATHS: dict[str, str] = {
    "client_info": "api/Output/GetClientInfo",
    "client_users": "api/Output/GetClientUsers",
    "non_form_documents": "api/Output/GetNonFormDoc/{since_id}/{request_id}",
    "new_contracts": "api/Output/GetNewContracts/{since_id}/{request_id}",
    "new_invoices": "api/Output/GetNewInvoices/{since_id}/{request_id}",
    "new_inputs": "api/Output/GetNewInputs/{since_id}/{request_id}",
    "files": "api/File/GetFileByExtIntId/{item_id}/{kind}",
    "files_by_ext_id": "api/File/GetFileByExtId/{ext_id}",
    "document_files": "api/File/GetMetaFileById/{document_id}",
    "contract_files": "api/File/GetContractFileById/{contract_id}",
    "upload_non_form_document": "api/Metadata/AddOrUpdateNonFormDoc",
    "decline_non_form_document": "api/Metadata/DocApproval",
    "upsert_external_document": "api/Metadata/AddOrUpdateExtDoc",
    "upsert_local_document": "api/Metadata/AddOrUpdateLocalDoc",
    "upsert_contract": "api/Contract/AddOrUpdateContract",
}


class FileKind(str, Enum):
    """What the id of ``GetFileByExtIntId`` means."""

    EXT_ID = "ExtID"  # a 1C Ext_ID: documents first, then contracts
    NON_FORM_ID = "NonFormID"
    META_ID = "MetaID"
    CONTRACT_ID = "ContractID"


# -- argument checks -------------------------------------------------------------------------------
def _invalid(message: str) -> InvalidRequestError:
    return InvalidRequestError(message, api=API_NAME)


def check_cursor(since_id: Any) -> int:
    if isinstance(since_id, bool) or not isinstance(since_id, int) or since_id < 0:
        raise _invalid(f"since_id must be an integer >= 0 (the largest id already processed), got {since_id!r}")
    return since_id


def check_id(value: Any, field: str) -> int:
    if isinstance(value, str):  # the signatures say int: "5" is a caller's mistake, not an id
        raise _invalid(f"{field} must be a positive integer, got {value!r}")
    return positive_id(value, field, api=API_NAME)


def check_ext_id(value: Any, field: str = "ext_id") -> str:
    """An id that goes into a path segment: the core's path rule, and at most 150 characters."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    segment(value, field, api=API_NAME)
    if len(value) > 150:
        raise _invalid(f"{field} {value[:40]!r}… cannot be used in a URL (more than 150 characters)")
    return value  # type: ignore[no-any-return]


def request_id(value: str | None) -> str:
    """The ``RequestID`` log tag: the caller's, or a fresh UUID (it is not an idempotency key)."""
    if value is None:
        return str(uuid.uuid4())
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_REQUEST_ID_LENGTH:
        raise _invalid(f"request_id must be a non-empty string of at most {MAX_REQUEST_ID_LENGTH} characters")
    return value


def _model(cls: type[M], value: Any, what: str) -> M:
    if isinstance(value, cls):
        return value
    if isinstance(value, BaseModel):
        value = value.model_dump(exclude_unset=True, by_alias=True)
    if not isinstance(value, Mapping):
        raise _invalid(f"{what} must be a {cls.__name__} or a mapping, got {type(value).__name__}")
    try:
        return cls.model_validate(value)
    except ValidationError as exc:
        raise _invalid(f"{what} is invalid: {_first_error(exc)}") from None


def _first_error(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors()[:3]:
        where = ".".join(str(part) for part in error["loc"]) or "value"
        problems.append(f"{where}: {error['msg']}")
    return "; ".join(problems)


def _nested_contract(contract: m.ContractInput | None, what: str) -> None:
    if contract is not None and (not contract.ext_id or not contract.name):
        raise _invalid(f"{what}.contract needs ext_id and name (EnDocs overwrites the stored contract with them)")


def _body(model: BaseModel, rid: str, files: Iterable[FileLike] | None) -> dict[str, Any]:
    body: dict[str, Any] = {"RequestID": rid, **model.to_wire()}  # type: ignore[attr-defined]
    if files is not None:
        body["Binaries"] = encode_files(files)
    return body


# -- parsing -----------------------------------------------------------------------------------------
def _parsing(parse: Callable[[Reply], T]) -> Callable[[Reply], T]:
    def guarded(reply: Reply) -> T:
        try:
            return parse(reply)
        except ValidationError as exc:
            raise MalformedResponseError(
                f"an answer does not fit the expected shape: {_first_error(exc)}", api=API_NAME
            ) from None

    return guarded


def _one(model: type[M]) -> Callable[[Reply], M]:
    return _parsing(lambda reply: model.model_validate(reply.data))


def _many(model: type[M]) -> Callable[[Reply], list[M]]:
    def parse(reply: Reply) -> list[M]:
        rows = reply.data if isinstance(reply.data, list) else key_value(reply.data)[1]
        return [model.model_validate(row) for row in rows]

    return _parsing(parse)


def _feed(model: type[M], since_id: int) -> Callable[[Reply], m.Feed[M]]:
    def parse(reply: Reply) -> m.Feed[M]:
        count, rows = key_value(reply.data)
        unique: dict[int, M] = {}
        for row in rows:
            item = model.model_validate(row)
            item_id: int = item.id  # type: ignore[attr-defined]
            # A scan joined with several files comes once per file; ids at or below the cursor
            # were delivered before, even if a server ignores the cursor.
            if item_id > since_id and item_id not in unique:
                unique[item_id] = item
        items = [unique[key] for key in sorted(unique)]
        return m.Feed[model](  # type: ignore[valid-type]
            items=items, count=count, since_id=since_id, next_since_id=max([since_id, *unique])
        )

    return _parsing(parse)


def _files(reply: Reply) -> list[FileContent]:
    return decode_files(reply.data)


def _upsert(model: type[M]) -> Callable[[Reply], m.UpsertResult[M]]:
    def parse(reply: Reply) -> m.UpsertResult[M]:
        item = model.model_validate(reply.data) if isinstance(reply.data, Mapping) else None
        return m.UpsertResult[model](  # type: ignore[valid-type]
            created=reply.status == 201, item=item, status=reply.status
        )

    return _parsing(parse)


def _ok(reply: Reply) -> None:
    return None


# -- the 15 endpoints -----------------------------------------------------------------------------
def get_client_info() -> Call[m.ClientInfo]:
    return Call("GET", PATHS["client_info"], parse=_one(m.ClientInfo))


def get_client_users() -> Call[list[m.User]]:
    return Call("GET", PATHS["client_users"], parse=_many(m.User))


def _feed_call(name: str, model: type[M], since_id: int, rid: str | None) -> Call[m.Feed[M]]:
    cursor = check_cursor(since_id)
    path = fill(PATHS[name], since_id=cursor, request_id=request_id(rid), api=API_NAME)
    return Call("GET", path, parse=_feed(model, cursor))


def get_non_form_documents(since_id: int = 0, rid: str | None = None) -> Call[m.Feed[m.NonFormDocument]]:
    return _feed_call("non_form_documents", m.NonFormDocument, since_id, rid)


def get_new_contracts(since_id: int = 0, rid: str | None = None) -> Call[m.Feed[m.Contract]]:
    return _feed_call("new_contracts", m.Contract, since_id, rid)


def get_new_invoices(since_id: int = 0, rid: str | None = None) -> Call[m.Feed[m.Document]]:
    return _feed_call("new_invoices", m.Document, since_id, rid)


def get_new_inputs(since_id: int = 0, rid: str | None = None) -> Call[m.Feed[m.Document]]:
    return _feed_call("new_inputs", m.Document, since_id, rid)


FEEDS: dict[str, Callable[[int, str | None], Call[Any]]] = {
    "non_form_documents": get_non_form_documents,
    "contracts": get_new_contracts,
    "invoices": get_new_invoices,
    "inputs": get_new_inputs,
}


def download_files(item_id: int | str, kind: FileKind | str) -> Call[list[FileContent]]:
    try:
        kind = FileKind(kind)
    except ValueError:
        raise _invalid(f"kind must be one of {[k.value for k in FileKind]}, got {kind!r}") from None
    item = check_ext_id(item_id, "item_id") if kind is FileKind.EXT_ID else check_id(item_id, "item_id")
    path = fill(PATHS["files"], item_id=item, kind=kind.value, api=API_NAME)
    return Call("GET", path, parse=_files)


def download_files_by_ext_id(ext_id: str | int) -> Call[list[FileContent]]:
    path = fill(PATHS["files_by_ext_id"], ext_id=check_ext_id(ext_id), api=API_NAME)
    return Call("GET", path, parse=_files)


def download_document_files(document_id: int) -> Call[list[FileContent]]:
    path = fill(PATHS["document_files"], document_id=check_id(document_id, "document_id"), api=API_NAME)
    return Call("GET", path, parse=_files)


def download_contract_files(contract_id: int) -> Call[list[FileContent]]:
    path = fill(PATHS["contract_files"], contract_id=check_id(contract_id, "contract_id"), api=API_NAME)
    return Call("GET", path, parse=_files)


def upload_non_form_document(
    file: FileLike,
    *,
    organization_id: int | None = None,
    sender: str | None = None,
    comment: str | None = None,
    rid: str | None = None,
) -> Call[m.NonFormDocument]:
    """Always creates a new scan: never re-sent after it may have reached the server."""
    if isinstance(file, (list, tuple)) and not (len(file) == 2 and isinstance(file[0], str)):
        raise _invalid("upload_non_form_document takes one file (EnDocs stores only the first)")
    body: dict[str, Any] = {"RequestID": request_id(rid)}
    if organization_id is not None:
        body["OrganizationId"] = check_id(organization_id, "organization_id")
    if sender is not None:
        body["Sender"] = _text(sender, "sender", 200)
    if comment is not None:
        body["Comment"] = _text(comment, "comment", 500)
    body["Binaries"] = encode_files([file])
    return Call("POST", PATHS["upload_non_form_document"], json=body, idempotent=False, parse=_one(m.NonFormDocument))


def decline_non_form_document(
    non_form_id: int, *, approver: str | None = None, comment: str | None = None, rid: str | None = None
) -> Call[None]:
    """Idempotent in effect: a repeat finds the scan already declined (NotFoundError), no second notice."""
    body: dict[str, Any] = {"RequestID": request_id(rid), "NonFormID": check_id(non_form_id, "non_form_id"),
                            "Approved": False}
    if approver is not None:
        body["Approver"] = _text(approver, "approver", 100)
    if comment is not None:
        body["Comment"] = _text(comment, "comment", 500)
    return Call("POST", PATHS["decline_non_form_document"], json=body, idempotent=True, parse=_ok,
                empty_ok=ANY_SUCCESS)


def upsert_external_document(
    document: m.ExternalDocumentInput | Mapping[str, Any],
    files: Iterable[FileLike] | None = None,
    rid: str | None = None,
) -> Call[m.UpsertResult[m.Document]]:
    doc = _model(m.ExternalDocumentInput, document, "document")
    if not (doc.ext_id or doc.meta_id or doc.edi_id):
        raise _invalid("document needs ext_id (or meta_id / edi_id) so that a repeat updates instead of duplicating")
    _nested_contract(doc.contract, "document")
    body = _body(doc, request_id(rid), files)
    return Call("POST", PATHS["upsert_external_document"], json=body, idempotent=True, parse=_upsert(m.Document),
                empty_ok=NO_CONTENT)


def upsert_local_document(
    document: m.LocalDocumentInput | Mapping[str, Any],
    files: Iterable[FileLike] | None = None,
    rid: str | None = None,
) -> Call[m.UpsertResult[m.Document]]:
    doc = _model(m.LocalDocumentInput, document, "document")
    if not doc.ext_id:
        raise _invalid("document needs ext_id: local documents are found by it alone")
    _nested_contract(doc.contract, "document")
    body = _body(doc, request_id(rid), files)
    return Call("POST", PATHS["upsert_local_document"], json=body, idempotent=True, parse=_upsert(m.Document),
                empty_ok=NO_CONTENT)


def upsert_contract(
    contract: m.ContractInput | Mapping[str, Any],
    files: Iterable[FileLike] | None = None,
    rid: str | None = None,
) -> Call[m.UpsertResult[m.Contract]]:
    item = _model(m.ContractInput, contract, "contract")
    missing = [name for name in ("name", "organization", "contractor") if getattr(item, name) is None]
    if missing:
        raise _invalid(f"contract needs {', '.join(missing)}")
    if not (item.ext_id or item.contract_id):
        raise _invalid("contract needs ext_id (or contract_id) so that a repeat updates instead of duplicating")
    body = _body(item, request_id(rid), files)
    return Call("POST", PATHS["upsert_contract"], json=body, idempotent=True, parse=_upsert(m.Contract),
                empty_ok=NO_CONTENT)


def _text(value: Any, field: str, limit: int) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise _invalid(f"{field} must be a string of at most {limit} characters")
    return value
