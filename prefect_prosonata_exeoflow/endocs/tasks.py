"""One Prefect task per EnDocs endpoint, with an async twin named with an ``a`` prefix.

Reads, downloads and the keyed upserts may be retried by Prefect after an outage; the scan
upload always creates, so it is never retried (``safe_to_retry=False``). Feeds return the
records *and* the cursor to store, so a flow can read incrementally across runs::

    feed = get_new_invoices(credentials, since_id=cursor.get())
    ...
    cursor.set(feed.next_since_id)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .._core.tasks import api_task
from . import models as m
from .calls import FileKind
from .credentials import EnDocsCredentials
from .files import FileContent, FileLike

ExtDoc = m.ExternalDocumentInput | Mapping[str, Any]
LocalDoc = m.LocalDocumentInput | Mapping[str, Any]
ContractBody = m.ContractInput | Mapping[str, Any]
Files = Iterable[FileLike] | None


@api_task("EnDocs: get client info")
def get_client_info(credentials: EnDocsCredentials) -> m.ClientInfo:
    """The account behind the token and its quotas."""
    with credentials.get_client() as client:
        return client.get_client_info()


@api_task("EnDocs: get client info")
async def aget_client_info(credentials: EnDocsCredentials) -> m.ClientInfo:
    async with credentials.get_async_client() as client:
        return await client.get_client_info()


@api_task("EnDocs: get client users")
def get_client_users(credentials: EnDocsCredentials) -> list[m.User]:
    with credentials.get_client() as client:
        return client.get_client_users()


@api_task("EnDocs: get client users")
async def aget_client_users(credentials: EnDocsCredentials) -> list[m.User]:
    async with credentials.get_async_client() as client:
        return await client.get_client_users()


@api_task("EnDocs: get non-form documents")
def get_non_form_documents(credentials: EnDocsCredentials, since_id: int = 0) -> m.Feed[m.NonFormDocument]:
    """Recognised scans above ``since_id``; store ``next_since_id`` for the next run."""
    with credentials.get_client() as client:
        return client.get_non_form_documents(since_id)


@api_task("EnDocs: get non-form documents")
async def aget_non_form_documents(credentials: EnDocsCredentials, since_id: int = 0) -> m.Feed[m.NonFormDocument]:
    async with credentials.get_async_client() as client:
        return await client.get_non_form_documents(since_id)


@api_task("EnDocs: get new contracts")
def get_new_contracts(credentials: EnDocsCredentials, since_id: int = 0) -> m.Feed[m.Contract]:
    with credentials.get_client() as client:
        return client.get_new_contracts(since_id)


@api_task("EnDocs: get new contracts")
async def aget_new_contracts(credentials: EnDocsCredentials, since_id: int = 0) -> m.Feed[m.Contract]:
    async with credentials.get_async_client() as client:
        return await client.get_new_contracts(since_id)


@api_task("EnDocs: get new invoices")
def get_new_invoices(credentials: EnDocsCredentials, since_id: int = 0) -> m.Feed[m.Document]:
    with credentials.get_client() as client:
        return client.get_new_invoices(since_id)


@api_task("EnDocs: get new invoices")
async def aget_new_invoices(credentials: EnDocsCredentials, since_id: int = 0) -> m.Feed[m.Document]:
    async with credentials.get_async_client() as client:
        return await client.get_new_invoices(since_id)


@api_task("EnDocs: get new inputs")
def get_new_inputs(credentials: EnDocsCredentials, since_id: int = 0) -> m.Feed[m.Document]:
    """Purchase receipts (Поступление) above ``since_id``."""
    with credentials.get_client() as client:
        return client.get_new_inputs(since_id)


@api_task("EnDocs: get new inputs")
async def aget_new_inputs(credentials: EnDocsCredentials, since_id: int = 0) -> m.Feed[m.Document]:
    async with credentials.get_async_client() as client:
        return await client.get_new_inputs(since_id)


@api_task("EnDocs: download files")
def download_files(credentials: EnDocsCredentials, item_id: int | str, kind: FileKind | str) -> list[FileContent]:
    with credentials.get_client() as client:
        return client.download_files(item_id, kind)


@api_task("EnDocs: download files")
async def adownload_files(
    credentials: EnDocsCredentials, item_id: int | str, kind: FileKind | str
) -> list[FileContent]:
    async with credentials.get_async_client() as client:
        return await client.download_files(item_id, kind)


@api_task("EnDocs: download files by ext id")
def download_files_by_ext_id(credentials: EnDocsCredentials, ext_id: str | int) -> list[FileContent]:
    with credentials.get_client() as client:
        return client.download_files_by_ext_id(ext_id)


@api_task("EnDocs: download files by ext id")
async def adownload_files_by_ext_id(credentials: EnDocsCredentials, ext_id: str | int) -> list[FileContent]:
    async with credentials.get_async_client() as client:
        return await client.download_files_by_ext_id(ext_id)


@api_task("EnDocs: download document files")
def download_document_files(credentials: EnDocsCredentials, document_id: int) -> list[FileContent]:
    with credentials.get_client() as client:
        return client.download_document_files(document_id)


@api_task("EnDocs: download document files")
async def adownload_document_files(credentials: EnDocsCredentials, document_id: int) -> list[FileContent]:
    async with credentials.get_async_client() as client:
        return await client.download_document_files(document_id)


@api_task("EnDocs: download contract files")
def download_contract_files(credentials: EnDocsCredentials, contract_id: int) -> list[FileContent]:
    with credentials.get_client() as client:
        return client.download_contract_files(contract_id)


@api_task("EnDocs: download contract files")
async def adownload_contract_files(credentials: EnDocsCredentials, contract_id: int) -> list[FileContent]:
    async with credentials.get_async_client() as client:
        return await client.download_contract_files(contract_id)


@api_task("EnDocs: upload non-form document", safe_to_retry=False)
def upload_non_form_document(
    credentials: EnDocsCredentials,
    file: FileLike,
    organization_id: int | None = None,
    sender: str | None = None,
    comment: str | None = None,
) -> m.NonFormDocument:
    """Creates a new scan on every call: never retried."""
    with credentials.get_client() as client:
        return client.upload_non_form_document(file, organization_id=organization_id, sender=sender, comment=comment)


@api_task("EnDocs: upload non-form document", safe_to_retry=False)
async def aupload_non_form_document(
    credentials: EnDocsCredentials,
    file: FileLike,
    organization_id: int | None = None,
    sender: str | None = None,
    comment: str | None = None,
) -> m.NonFormDocument:
    async with credentials.get_async_client() as client:
        return await client.upload_non_form_document(
            file, organization_id=organization_id, sender=sender, comment=comment
        )


@api_task("EnDocs: decline non-form document")
def decline_non_form_document(
    credentials: EnDocsCredentials, non_form_id: int, approver: str | None = None, comment: str | None = None
) -> None:
    """Reject a scan; a repeat raises NotFoundError (already declined) and notifies nobody twice."""
    with credentials.get_client() as client:
        client.decline_non_form_document(non_form_id, approver=approver, comment=comment)


@api_task("EnDocs: decline non-form document")
async def adecline_non_form_document(
    credentials: EnDocsCredentials, non_form_id: int, approver: str | None = None, comment: str | None = None
) -> None:
    async with credentials.get_async_client() as client:
        await client.decline_non_form_document(non_form_id, approver=approver, comment=comment)


@api_task("EnDocs: upsert external document")
def upsert_external_document(
    credentials: EnDocsCredentials, document: ExtDoc, files: Files = None
) -> m.UpsertResult[m.Document]:
    """Keyed by Ext_ID / MetaID / EDIId: a repeat updates the same document."""
    with credentials.get_client() as client:
        return client.upsert_external_document(document, files)


@api_task("EnDocs: upsert external document")
async def aupsert_external_document(
    credentials: EnDocsCredentials, document: ExtDoc, files: Files = None
) -> m.UpsertResult[m.Document]:
    async with credentials.get_async_client() as client:
        return await client.upsert_external_document(document, files)


@api_task("EnDocs: upsert local document")
def upsert_local_document(
    credentials: EnDocsCredentials, document: LocalDoc, files: Files = None
) -> m.UpsertResult[m.Document]:
    with credentials.get_client() as client:
        return client.upsert_local_document(document, files)


@api_task("EnDocs: upsert local document")
async def aupsert_local_document(
    credentials: EnDocsCredentials, document: LocalDoc, files: Files = None
) -> m.UpsertResult[m.Document]:
    async with credentials.get_async_client() as client:
        return await client.upsert_local_document(document, files)


@api_task("EnDocs: upsert contract")
def upsert_contract(
    credentials: EnDocsCredentials, contract: ContractBody, files: Files = None
) -> m.UpsertResult[m.Contract]:
    with credentials.get_client() as client:
        return client.upsert_contract(contract, files)


@api_task("EnDocs: upsert contract")
async def aupsert_contract(
    credentials: EnDocsCredentials, contract: ContractBody, files: Files = None
) -> m.UpsertResult[m.Contract]:
    async with credentials.get_async_client() as client:
        return await client.upsert_contract(contract, files)
