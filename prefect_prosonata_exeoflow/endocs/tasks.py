# mypy: disable-error-code="no-any-return"
"""EnDocs tasks, each with its async twin (``a`` prefix), written from ``calls.Endpoints``.

Regenerate with ``make docs``; tests/test_task_catalogue.py fails when this is stale. The scan
upload is never retried by Prefect. Each task's body is one call on the block's client; the Example
of its docstring is added by ``api_task`` from ``example=``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .._core.tasks import api_task, with_async_client, with_client
from .calls import FileKind
from .credentials import EnDocsCredentials
from .files import FileContent, FileLike
from .models import ClientInfo, Contract, Document, Feed, NonFormDocument, UpsertResult, User
from . import models as m

__all__ = ["adecline_non_form_document", "adownload_contract_files", "adownload_document_files",
    "adownload_files", "adownload_files_by_ext_id", "aget_client_info", "aget_client_users",
    "aget_new_contracts", "aget_new_inputs", "aget_new_invoices", "aget_non_form_documents",
    "aupload_non_form_document", "aupsert_contract", "aupsert_external_document", "aupsert_local_document",
    "decline_non_form_document", "download_contract_files", "download_document_files", "download_files",
    "download_files_by_ext_id", "get_client_info", "get_client_users", "get_new_contracts", "get_new_inputs",
    "get_new_invoices", "get_non_form_documents", "upload_non_form_document", "upsert_contract",
    "upsert_external_document", "upsert_local_document"]


@api_task("endocs-get_client_info", example='')
def get_client_info(credentials: EnDocsCredentials) -> ClientInfo:
    """The account behind the token and its quotas (a cheap token check).

    Args:
        credentials: The EnDocs credentials block (saved once, loaded by its name).

    Returns:
        ClientInfo: the parsed answer.
    """
    return with_client(credentials, lambda client: client.get_client_info())


@api_task("endocs-aget_client_info", twin_of=get_client_info)
async def aget_client_info(credentials: EnDocsCredentials) -> ClientInfo:
    return await with_async_client(credentials, lambda client: client.get_client_info())


@api_task("endocs-get_client_users", example='')
def get_client_users(credentials: EnDocsCredentials) -> list[User]:
    """The account's users.

    Args:
        credentials: The EnDocs credentials block (saved once, loaded by its name).

    Returns:
        list[User]: the parsed answer.
    """
    return with_client(credentials, lambda client: client.get_client_users())


@api_task("endocs-aget_client_users", twin_of=get_client_users)
async def aget_client_users(credentials: EnDocsCredentials) -> list[User]:
    return await with_async_client(credentials, lambda client: client.get_client_users())


@api_task("endocs-get_non_form_documents", example='since_id=0')
def get_non_form_documents(
    credentials: EnDocsCredentials,
    since_id: int = 0,
    request_id: str | None = None,
) -> Feed[NonFormDocument]:
    """Recognised scans with an id above ``since_id``. Store ``next_since_id`` for the next run.

    Args:
        credentials: The EnDocs credentials block (saved once, loaded by its name).
        since_id: The largest id already processed (0 for everything).
        request_id: The ``RequestID`` the vendor logs the call under (default: a fresh UUID).

    Returns:
        Feed[NonFormDocument]: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.get_non_form_documents(since_id, request_id=request_id),
    )


@api_task("endocs-aget_non_form_documents", twin_of=get_non_form_documents)
async def aget_non_form_documents(
    credentials: EnDocsCredentials,
    since_id: int = 0,
    request_id: str | None = None,
) -> Feed[NonFormDocument]:
    return await with_async_client(
        credentials,
        lambda client: client.get_non_form_documents(since_id, request_id=request_id),
    )


@api_task("endocs-get_new_contracts", example='since_id=0')
def get_new_contracts(
    credentials: EnDocsCredentials,
    since_id: int = 0,
    request_id: str | None = None,
) -> Feed[Contract]:
    """Contracts created in EnDocs that 1C has not taken yet. Store ``next_since_id`` for the next run.

    Args:
        credentials: The EnDocs credentials block (saved once, loaded by its name).
        since_id: The largest id already processed (0 for everything).
        request_id: The ``RequestID`` the vendor logs the call under (default: a fresh UUID).

    Returns:
        Feed[Contract]: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.get_new_contracts(since_id, request_id=request_id),
    )


@api_task("endocs-aget_new_contracts", twin_of=get_new_contracts)
async def aget_new_contracts(
    credentials: EnDocsCredentials,
    since_id: int = 0,
    request_id: str | None = None,
) -> Feed[Contract]:
    return await with_async_client(
        credentials,
        lambda client: client.get_new_contracts(since_id, request_id=request_id),
    )


@api_task("endocs-get_new_invoices", example='since_id=0')
def get_new_invoices(
    credentials: EnDocsCredentials,
    since_id: int = 0,
    request_id: str | None = None,
) -> Feed[Document]:
    """Incoming invoices (Счет входящий) not yet in 1C. Store ``next_since_id`` for the next run.

    Args:
        credentials: The EnDocs credentials block (saved once, loaded by its name).
        since_id: The largest id already processed (0 for everything).
        request_id: The ``RequestID`` the vendor logs the call under (default: a fresh UUID).

    Returns:
        Feed[Document]: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.get_new_invoices(since_id, request_id=request_id),
    )


@api_task("endocs-aget_new_invoices", twin_of=get_new_invoices)
async def aget_new_invoices(
    credentials: EnDocsCredentials,
    since_id: int = 0,
    request_id: str | None = None,
) -> Feed[Document]:
    return await with_async_client(
        credentials,
        lambda client: client.get_new_invoices(since_id, request_id=request_id),
    )


@api_task("endocs-get_new_inputs", example='since_id=0')
def get_new_inputs(
    credentials: EnDocsCredentials,
    since_id: int = 0,
    request_id: str | None = None,
) -> Feed[Document]:
    """Purchase receipts (Поступление) not yet in 1C. Store ``next_since_id`` for the next run.

    Args:
        credentials: The EnDocs credentials block (saved once, loaded by its name).
        since_id: The largest id already processed (0 for everything).
        request_id: The ``RequestID`` the vendor logs the call under (default: a fresh UUID).

    Returns:
        Feed[Document]: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.get_new_inputs(since_id, request_id=request_id),
    )


@api_task("endocs-aget_new_inputs", twin_of=get_new_inputs)
async def aget_new_inputs(
    credentials: EnDocsCredentials,
    since_id: int = 0,
    request_id: str | None = None,
) -> Feed[Document]:
    return await with_async_client(
        credentials,
        lambda client: client.get_new_inputs(since_id, request_id=request_id),
    )


@api_task("endocs-download_files", example='305, "NonFormID"')
def download_files(
    credentials: EnDocsCredentials,
    item_id: int | str,
    kind: FileKind | str,
) -> list[FileContent]:
    """The files of a record, decoded to bytes with their names.

    Args:
        credentials: The EnDocs credentials block (saved once, loaded by its name).
        item_id: The record's id: a 1C Ext_ID, or a scan, document or contract id (see ``kind``).
        kind: What ``item_id`` is: ``"ExtID"``, ``"NonFormID"``, ``"MetaID"`` or ``"ContractID"``.

    Returns:
        list[FileContent]: the parsed answer.
    """
    return with_client(credentials, lambda client: client.download_files(item_id, kind))


@api_task("endocs-adownload_files", twin_of=download_files)
async def adownload_files(
    credentials: EnDocsCredentials,
    item_id: int | str,
    kind: FileKind | str,
) -> list[FileContent]:
    return await with_async_client(credentials, lambda client: client.download_files(item_id, kind))


@api_task("endocs-download_files_by_ext_id", example='"1c-doc-10444"')
def download_files_by_ext_id(credentials: EnDocsCredentials, ext_id: str | int) -> list[FileContent]:
    """The files of the record with this 1C Ext_ID (an integer is first tried as a scan id, as the server
    does).

    Args:
        credentials: The EnDocs credentials block (saved once, loaded by its name).
        ext_id: The record's 1C Ext_ID.

    Returns:
        list[FileContent]: the parsed answer.
    """
    return with_client(credentials, lambda client: client.download_files_by_ext_id(ext_id))


@api_task("endocs-adownload_files_by_ext_id", twin_of=download_files_by_ext_id)
async def adownload_files_by_ext_id(credentials: EnDocsCredentials, ext_id: str | int) -> list[FileContent]:
    return await with_async_client(credentials, lambda client: client.download_files_by_ext_id(ext_id))


@api_task("endocs-download_document_files", example='10440')
def download_document_files(credentials: EnDocsCredentials, document_id: int) -> list[FileContent]:
    """The files of one document.

    Args:
        credentials: The EnDocs credentials block (saved once, loaded by its name).
        document_id: The document's id.

    Returns:
        list[FileContent]: the parsed answer.
    """
    return with_client(credentials, lambda client: client.download_document_files(document_id))


@api_task("endocs-adownload_document_files", twin_of=download_document_files)
async def adownload_document_files(credentials: EnDocsCredentials, document_id: int) -> list[FileContent]:
    return await with_async_client(credentials, lambda client: client.download_document_files(document_id))


@api_task("endocs-download_contract_files", example='77')
def download_contract_files(credentials: EnDocsCredentials, contract_id: int) -> list[FileContent]:
    """The files of one contract.

    Args:
        credentials: The EnDocs credentials block (saved once, loaded by its name).
        contract_id: The contract's id.

    Returns:
        list[FileContent]: the parsed answer.
    """
    return with_client(credentials, lambda client: client.download_contract_files(contract_id))


@api_task("endocs-adownload_contract_files", twin_of=download_contract_files)
async def adownload_contract_files(credentials: EnDocsCredentials, contract_id: int) -> list[FileContent]:
    return await with_async_client(credentials, lambda client: client.download_contract_files(contract_id))


@api_task(
    "endocs-upload_non_form_document", safe_to_retry=False,
    example='("scan.pdf", b"%PDF-1.4 ..."), organization_id=5',
)
def upload_non_form_document(
    credentials: EnDocsCredentials,
    file: FileLike,
    organization_id: int | None = None,
    sender: str | None = None,
    comment: str | None = None,
    request_id: str | None = None,
) -> NonFormDocument:
    """Upload a scan into «Необработанные» (at most 20 MB); creates a new scan on every call, never re-
    sent.

    Args:
        credentials: The EnDocs credentials block (saved once, loaded by its name).
        file: The file: a ``(name, bytes)`` pair, a path or a FileContent.
        organization_id: The organization the scan belongs to.
        sender: Who sent it (at most 200 characters).
        comment: A comment (at most 500 characters).
        request_id: The ``RequestID`` the vendor logs the call under (default: a fresh UUID).

    Returns:
        NonFormDocument: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.upload_non_form_document(
            file, organization_id=organization_id, sender=sender, comment=comment,
            request_id=request_id
        ),
    )


@api_task("endocs-aupload_non_form_document", safe_to_retry=False, twin_of=upload_non_form_document)
async def aupload_non_form_document(
    credentials: EnDocsCredentials,
    file: FileLike,
    organization_id: int | None = None,
    sender: str | None = None,
    comment: str | None = None,
    request_id: str | None = None,
) -> NonFormDocument:
    return await with_async_client(
        credentials,
        lambda client: client.upload_non_form_document(
            file, organization_id=organization_id, sender=sender, comment=comment,
            request_id=request_id
        ),
    )


@api_task("endocs-decline_non_form_document", example='306, approver="Петрова"')
def decline_non_form_document(
    credentials: EnDocsCredentials,
    non_form_id: int,
    approver: str | None = None,
    comment: str | None = None,
    request_id: str | None = None,
) -> None:
    """Reject a scan (soft delete; its sender is notified); a repeat raises NotFoundError and notifies
    nobody twice.

    Args:
        credentials: The EnDocs credentials block (saved once, loaded by its name).
        non_form_id: The scan's id.
        approver: Who declines it (at most 100 characters).
        comment: Why (at most 500 characters).
        request_id: The ``RequestID`` the vendor logs the call under (default: a fresh UUID).

    Returns:
        Nothing.
    """
    return with_client(
        credentials,
        lambda client: client.decline_non_form_document(
            non_form_id, approver=approver, comment=comment, request_id=request_id
        ),
    )


@api_task("endocs-adecline_non_form_document", twin_of=decline_non_form_document)
async def adecline_non_form_document(
    credentials: EnDocsCredentials,
    non_form_id: int,
    approver: str | None = None,
    comment: str | None = None,
    request_id: str | None = None,
) -> None:
    return await with_async_client(
        credentials,
        lambda client: client.decline_non_form_document(
            non_form_id, approver=approver, comment=comment, request_id=request_id
        ),
    )


@api_task("endocs-upsert_external_document", example='document')
def upsert_external_document(
    credentials: EnDocsCredentials,
    document: m.ExternalDocumentInput | Mapping[str, Any],
    files: Iterable[FileLike] | None = None,
    request_id: str | None = None,
) -> UpsertResult[Document]:
    """Create or update an incoming/outgoing document (and its organization, counterparty, contract).

    Args:
        credentials: The EnDocs credentials block (saved once, loaded by its name).
        document: The document, an ExternalDocumentInput or a mapping of its fields.
        files: Files to attach (each a ``(name, bytes)`` pair, a path or a FileContent).
        request_id: The ``RequestID`` the vendor logs the call under (default: a fresh UUID).

    Returns:
        UpsertResult[Document]: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.upsert_external_document(document, files, request_id=request_id),
    )


@api_task("endocs-aupsert_external_document", twin_of=upsert_external_document)
async def aupsert_external_document(
    credentials: EnDocsCredentials,
    document: m.ExternalDocumentInput | Mapping[str, Any],
    files: Iterable[FileLike] | None = None,
    request_id: str | None = None,
) -> UpsertResult[Document]:
    return await with_async_client(
        credentials,
        lambda client: client.upsert_external_document(document, files, request_id=request_id),
    )


@api_task("endocs-upsert_local_document", example='document')
def upsert_local_document(
    credentials: EnDocsCredentials,
    document: m.LocalDocumentInput | Mapping[str, Any],
    files: Iterable[FileLike] | None = None,
    request_id: str | None = None,
) -> UpsertResult[Document]:
    """Create or update an internal document, found by ``ext_id``: a repeat updates the same document.

    Args:
        credentials: The EnDocs credentials block (saved once, loaded by its name).
        document: The document, a LocalDocumentInput or a mapping of its fields.
        files: Files to attach (each a ``(name, bytes)`` pair, a path or a FileContent).
        request_id: The ``RequestID`` the vendor logs the call under (default: a fresh UUID).

    Returns:
        UpsertResult[Document]: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.upsert_local_document(document, files, request_id=request_id),
    )


@api_task("endocs-aupsert_local_document", twin_of=upsert_local_document)
async def aupsert_local_document(
    credentials: EnDocsCredentials,
    document: m.LocalDocumentInput | Mapping[str, Any],
    files: Iterable[FileLike] | None = None,
    request_id: str | None = None,
) -> UpsertResult[Document]:
    return await with_async_client(
        credentials,
        lambda client: client.upsert_local_document(document, files, request_id=request_id),
    )


@api_task("endocs-upsert_contract", example='contract')
def upsert_contract(
    credentials: EnDocsCredentials,
    contract: m.ContractInput | Mapping[str, Any],
    files: Iterable[FileLike] | None = None,
    request_id: str | None = None,
) -> UpsertResult[Contract]:
    """Create or update a contract (by ``contract_id``, else ``ext_id`` within the organization).

    Args:
        credentials: The EnDocs credentials block (saved once, loaded by its name).
        contract: The contract, a ContractInput or a mapping of its fields.
        files: Files to attach (each a ``(name, bytes)`` pair, a path or a FileContent).
        request_id: The ``RequestID`` the vendor logs the call under (default: a fresh UUID).

    Returns:
        UpsertResult[Contract]: the parsed answer.
    """
    return with_client(
        credentials,
        lambda client: client.upsert_contract(contract, files, request_id=request_id),
    )


@api_task("endocs-aupsert_contract", twin_of=upsert_contract)
async def aupsert_contract(
    credentials: EnDocsCredentials,
    contract: m.ContractInput | Mapping[str, Any],
    files: Iterable[FileLike] | None = None,
    request_id: str | None = None,
) -> UpsertResult[Contract]:
    return await with_async_client(
        credentials,
        lambda client: client.upsert_contract(contract, files, request_id=request_id),
    )
