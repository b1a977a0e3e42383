"""The 15 EnDocs endpoints, each declared once (:mod:`.._core.endpoints`), with their argument checks.

:class:`Endpoints` is inherited by both clients, so each declaration is the sync method and
its async twin. Paths follow the vendor's backend (``/api/{Controller}/{Action}``); they are unverified
against the live service (ED-U1 in ``docs/apis/endocs.md``), so they sit in one table,
:data:`PATHS`, to be changed in one place.
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .._core.dialect import Reply
from .._core.errors import InvalidRequestError, MalformedResponseError, describe_validation_error
from .._core.endpoints import Endpoint, PathId, Request, declarer
from .._core.http import NO_CONTENT
from .._core.paths import positive_id, segment
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


def request_tag(value: str | None) -> str:
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
        raise _invalid(f"{what} is invalid: {describe_validation_error(exc)}") from None


def _nested_contract(contract: m.ContractInput | None, what: str) -> None:
    if contract is not None and (not contract.ext_id or not contract.name):
        raise _invalid(f"{what}.contract needs ext_id and name (EnDocs overwrites the stored contract with them)")


def _upsert_key(item: BaseModel) -> None:
    """A keyed upsert must carry its key, so that a repeat updates instead of duplicating."""
    if isinstance(item, m.ExternalDocumentInput) and not (item.ext_id or item.meta_id or item.edi_id):
        raise _invalid("document needs ext_id (or meta_id / edi_id) so that a repeat updates instead of duplicating")
    if isinstance(item, m.LocalDocumentInput) and not item.ext_id:
        raise _invalid("document needs ext_id: local documents are found by it alone")
    if isinstance(item, m.ContractInput):
        missing = [name for name in ("name", "organization", "contractor") if getattr(item, name) is None]
        if missing:
            raise _invalid(f"contract needs {', '.join(missing)}")
        if not (item.ext_id or item.contract_id):
            raise _invalid("contract needs ext_id (or contract_id) so that a repeat updates instead of duplicating")
    else:
        _nested_contract(item.contract, "document")  # type: ignore[attr-defined]


def _upsert_request(item: BaseModel, files: Iterable[FileLike] | None, rid: str | None) -> Request:
    """The body of the three keyed upserts: the record on the wire, its files, the log tag."""
    _upsert_key(item)
    body: dict[str, Any] = {"RequestID": request_tag(rid), **item.to_wire()}  # type: ignore[attr-defined]
    if files is not None:
        body["Binaries"] = encode_files(files)
    return Request(json=body)


# -- parsing -----------------------------------------------------------------------------------------
def _parsing(parse: Callable[[Reply], T]) -> Callable[[Reply], T]:
    def guarded(reply: Reply) -> T:
        try:
            return parse(reply)
        except ValidationError as exc:
            raise MalformedResponseError(
                f"an answer does not fit the expected shape: {describe_validation_error(exc)}", api=API_NAME
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


# -- the 15 endpoints -----------------------------------------------------------------------------
#: The ids in EnDocs' paths, for the endpoints whose one argument is such an id.
IDS = {
    "ext_id": PathId("str | int", "The record's 1C Ext_ID.", check_ext_id),
    "document_id": PathId("int", "The document's id.", check_id),
    "contract_id": PathId("int", "The contract's id.", check_id),
}
endpoint = declarer(API_NAME, _one, IDS)


def _feed_endpoint(key: str, model: type[BaseModel], name: str, summary: str) -> Endpoint[Any]:
    """One "new since" feed: the records above ``since_id``, each once, with the cursor to store."""

    def build(since_id: int = 0, *, request_id: str | None = None) -> Request:
        cursor = check_cursor(since_id)
        return Request(path={"since_id": cursor, "request_id": request_tag(request_id)},
                       parse=_feed(model, cursor))

    build.__name__ = build.__qualname__ = name
    build.__doc__ = f"""{summary} Store ``next_since_id`` for the next run.

    Args:
        since_id: The largest id already processed (0 for everything).
        request_id: The ``RequestID`` the vendor logs the call under (default: a fresh UUID).
    """
    declared: Endpoint[Any] = endpoint("GET", PATHS[key], m.Feed[model], example="since_id=0")(build)  # type: ignore[valid-type]
    return declared


def _files_endpoint(name: str, example: str, summary: str) -> Endpoint[list[FileContent]]:
    """A download of one record's files by the one id in its path (``PATHS`` under the name's end)."""
    return endpoint.by_id(name, "GET", PATHS[name.removeprefix("download_")], list[FileContent], summary,
                          parse=_files, example=example)


def _upsert_endpoint(name: str, param: str, given: type[BaseModel], stored: type[BaseModel], summary: str,
                     keyed: str = "") -> Endpoint[Any]:
    """One keyed upsert: ``param`` (a ``given`` model or a mapping of its fields), its files, the log tag.

    A repeat updates the same record (the key is required, :func:`_upsert_key`), so it is
    retried; an answer without a body (204) is a success.
    """
    parameter = inspect.Parameter.POSITIONAL_OR_KEYWORD
    signature = inspect.Signature([
        inspect.Parameter(param, parameter, annotation=f"m.{given.__name__} | Mapping[str, Any]"),
        inspect.Parameter("files", parameter, default=None, annotation="Iterable[FileLike] | None"),
        inspect.Parameter("request_id", inspect.Parameter.KEYWORD_ONLY, default=None, annotation="str | None"),
    ], return_annotation="Request")

    def build(*args: Any, **kwargs: Any) -> Request:
        bound = signature.bind(*args, **kwargs)  # a wrong call is the TypeError a function raises
        bound.apply_defaults()
        record, files, request_id = bound.arguments.values()
        return _upsert_request(_model(given, record, param), files, request_id)

    paragraph = f"\n\n    {keyed}" if keyed else ""
    article = "an" if given.__name__[0] in "AEIOU" else "a"
    build.__name__ = build.__qualname__ = name
    build.__signature__ = signature  # type: ignore[attr-defined]
    build.__doc__ = f"""{summary}{paragraph}

    Args:
        {param}: The {param}, {article} {given.__name__} or a mapping of its fields.
        files: Files to attach (each a ``(name, bytes)`` pair, a path or a FileContent).
        request_id: The ``RequestID`` the vendor logs the call under (default: a fresh UUID).
    """
    declared: Endpoint[Any] = endpoint(
        "POST", PATHS[name], m.UpsertResult[stored], parse=_upsert(stored),  # type: ignore[valid-type]
        idempotent=True, empty_ok=NO_CONTENT, example=param,
    )(build)
    return declared


class Endpoints:
    """Every EnDocs endpoint, declared once; both clients inherit them as their methods."""

    @endpoint("GET", PATHS["client_info"], m.ClientInfo)
    def get_client_info() -> Request:
        """The account behind the token and its quotas (a cheap token check)."""
        return Request()

    @endpoint("GET", PATHS["client_users"], list[m.User], parse=_many(m.User))
    def get_client_users() -> Request:
        """The account's users."""
        return Request()

    # The four "new since" feeds: one shape, records above a cursor (see :func:`_feed_endpoint`).
    get_non_form_documents = _feed_endpoint("non_form_documents", m.NonFormDocument, "get_non_form_documents",
                                            "Recognised scans with an id above ``since_id``.")
    get_new_contracts = _feed_endpoint("new_contracts", m.Contract, "get_new_contracts",
                                       "Contracts created in EnDocs that 1C has not taken yet.")
    get_new_invoices = _feed_endpoint("new_invoices", m.Document, "get_new_invoices",
                                      "Incoming invoices (Счет входящий) not yet in 1C.")
    get_new_inputs = _feed_endpoint("new_inputs", m.Document, "get_new_inputs",
                                    "Purchase receipts (Поступление) not yet in 1C.")

    @endpoint("GET", PATHS["files"], list[FileContent], parse=_files, example='305, "NonFormID"')
    def download_files(item_id: int | str, kind: FileKind | str) -> Request:
        """The files of a record, decoded to bytes with their names.

        Args:
            item_id: The record's id: a 1C Ext_ID, or a scan, document or contract id (see ``kind``).
            kind: What ``item_id`` is: ``"ExtID"``, ``"NonFormID"``, ``"MetaID"`` or ``"ContractID"``.
        """
        try:
            kind = FileKind(kind)
        except ValueError:
            raise _invalid(f"kind must be one of {[k.value for k in FileKind]}, got {kind!r}") from None
        item = check_ext_id(item_id, "item_id") if kind is FileKind.EXT_ID else check_id(item_id, "item_id")
        return Request(path={"item_id": item, "kind": kind.value})

    # The files of one record by its one id (see :func:`_files_endpoint`).
    download_files_by_ext_id = _files_endpoint(
        "download_files_by_ext_id", '"1c-doc-10444"',
        "The files of the record with this 1C Ext_ID (an integer is first tried as a scan id, as the server does).",
    )
    download_document_files = _files_endpoint("download_document_files", "10440", "The files of one document.")
    download_contract_files = _files_endpoint("download_contract_files", "77", "The files of one contract.")

    @endpoint("POST", PATHS["upload_non_form_document"], m.NonFormDocument, idempotent=False,
              example='("scan.pdf", b"%PDF-1.4 ..."), organization_id=5')
    def upload_non_form_document(
        file: FileLike,
        *,
        organization_id: int | None = None,
        sender: str | None = None,
        comment: str | None = None,
        request_id: str | None = None,
    ) -> Request:
        """Upload a scan into «Необработанные» (at most 20 MB); creates a new scan on every call, never re-sent.

        Args:
            file: The file: a ``(name, bytes)`` pair, a path or a FileContent.
            organization_id: The organization the scan belongs to.
            sender: Who sent it (at most 200 characters).
            comment: A comment (at most 500 characters).
            request_id: The ``RequestID`` the vendor logs the call under (default: a fresh UUID).
        """
        if isinstance(file, (list, tuple)) and not (len(file) == 2 and isinstance(file[0], str)):
            raise _invalid("upload_non_form_document takes one file (EnDocs stores only the first)")
        body: dict[str, Any] = {"RequestID": request_tag(request_id)}
        if organization_id is not None:
            body["OrganizationId"] = check_id(organization_id, "organization_id")
        if sender is not None:
            body["Sender"] = _text(sender, "sender", 200)
        if comment is not None:
            body["Comment"] = _text(comment, "comment", 500)
        body["Binaries"] = encode_files([file])
        return Request(json=body)

    # Idempotent in effect: a repeat finds the scan already declined (NotFoundError), no second notice.
    @endpoint("POST", PATHS["decline_non_form_document"], type(None), idempotent=True, example='306, approver="Петрова"')
    def decline_non_form_document(
        non_form_id: int, *, approver: str | None = None, comment: str | None = None, request_id: str | None = None
    ) -> Request:
        """Reject a scan (soft delete; its sender is notified); a repeat raises NotFoundError and notifies nobody twice.

        Args:
            non_form_id: The scan's id.
            approver: Who declines it (at most 100 characters).
            comment: Why (at most 500 characters).
            request_id: The ``RequestID`` the vendor logs the call under (default: a fresh UUID).
        """
        body: dict[str, Any] = {"RequestID": request_tag(request_id),
                                "NonFormID": check_id(non_form_id, "non_form_id"), "Approved": False}
        if approver is not None:
            body["Approver"] = _text(approver, "approver", 100)
        if comment is not None:
            body["Comment"] = _text(comment, "comment", 500)
        return Request(json=body)

    # The three keyed upserts: one shape, a record and its files (see :func:`_upsert_endpoint`).
    upsert_external_document = _upsert_endpoint(
        "upsert_external_document", "document", m.ExternalDocumentInput, m.Document,
        "Create or update an incoming/outgoing document (and its organization, counterparty, contract).",
        "Keyed by Ext_ID / MetaID / EDIId: a repeat updates the same document.",
    )
    upsert_local_document = _upsert_endpoint(
        "upsert_local_document", "document", m.LocalDocumentInput, m.Document,
        "Create or update an internal document, found by ``ext_id``: a repeat updates the same document.",
    )
    upsert_contract = _upsert_endpoint(
        "upsert_contract", "contract", m.ContractInput, m.Contract,
        "Create or update a contract (by ``contract_id``, else ``ext_id`` within the organization).",
        "Keyed by the contract's Ext_ID: a repeat updates the same contract.",
    )


#: The "new since" feeds by the name :meth:`EnDocsClient.iter_feed` takes.
FEEDS: dict[str, Endpoint[Any]] = {
    "non_form_documents": Endpoints.get_non_form_documents,
    "contracts": Endpoints.get_new_contracts,
    "invoices": Endpoints.get_new_invoices,
    "inputs": Endpoints.get_new_inputs,
}


def _text(value: Any, field: str, limit: int) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise _invalid(f"{field} must be a string of at most {limit} characters")
    return value
