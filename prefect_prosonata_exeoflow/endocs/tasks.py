"""One Prefect task per EnDocs endpoint, with an async twin named with an ``a`` prefix.

Each pair is made by :func:`.._core.tasks.endpoint_tasks` from the one client call below.
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

from .._core.tasks import endpoint_tasks
from . import models as m
from .calls import FileKind
from .client import EnDocsClient
from .credentials import EnDocsCredentials
from .files import FileContent, FileLike

#: Every task pair this module defines (tests/test_exports.py checks the list against them).
__all__ = [
    "adecline_non_form_document",
    "adownload_contract_files",
    "adownload_document_files",
    "adownload_files",
    "adownload_files_by_ext_id",
    "aget_client_info",
    "aget_client_users",
    "aget_new_contracts",
    "aget_new_inputs",
    "aget_new_invoices",
    "aget_non_form_documents",
    "aupload_non_form_document",
    "aupsert_contract",
    "aupsert_external_document",
    "aupsert_local_document",
    "decline_non_form_document",
    "download_contract_files",
    "download_document_files",
    "download_files",
    "download_files_by_ext_id",
    "get_client_info",
    "get_client_users",
    "get_new_contracts",
    "get_new_inputs",
    "get_new_invoices",
    "get_non_form_documents",
    "upload_non_form_document",
    "upsert_contract",
    "upsert_external_document",
    "upsert_local_document",
]

ExtDoc = m.ExternalDocumentInput | Mapping[str, Any]
LocalDoc = m.LocalDocumentInput | Mapping[str, Any]
ContractBody = m.ContractInput | Mapping[str, Any]
Files = Iterable[FileLike] | None

endpoint = endpoint_tasks(EnDocsCredentials, "endocs")
creating_endpoint = endpoint_tasks(EnDocsCredentials, "endocs", safe_to_retry=False)


# -- account -------------------------------------------------------------------------------------
def _get_client_info(client: EnDocsClient) -> m.ClientInfo:
    """The account behind the token and its quotas."""
    return client.get_client_info()


def _get_client_users(client: EnDocsClient) -> list[m.User]:
    """The account's users."""
    return client.get_client_users()


get_client_info, aget_client_info = endpoint(_get_client_info)
get_client_users, aget_client_users = endpoint(_get_client_users)


# -- "new since" feeds -----------------------------------------------------------------------------
def _get_non_form_documents(client: EnDocsClient, since_id: int = 0) -> m.Feed[m.NonFormDocument]:
    """Recognised scans above ``since_id``; store ``next_since_id`` for the next run."""
    return client.get_non_form_documents(since_id)


def _get_new_contracts(client: EnDocsClient, since_id: int = 0) -> m.Feed[m.Contract]:
    """Contracts above ``since_id``; store ``next_since_id`` for the next run."""
    return client.get_new_contracts(since_id)


def _get_new_invoices(client: EnDocsClient, since_id: int = 0) -> m.Feed[m.Document]:
    """Invoices above ``since_id``; store ``next_since_id`` for the next run."""
    return client.get_new_invoices(since_id)


def _get_new_inputs(client: EnDocsClient, since_id: int = 0) -> m.Feed[m.Document]:
    """Purchase receipts (Поступление) above ``since_id``."""
    return client.get_new_inputs(since_id)


get_non_form_documents, aget_non_form_documents = endpoint(_get_non_form_documents)
get_new_contracts, aget_new_contracts = endpoint(_get_new_contracts)
get_new_invoices, aget_new_invoices = endpoint(_get_new_invoices)
get_new_inputs, aget_new_inputs = endpoint(_get_new_inputs)


# -- files ---------------------------------------------------------------------------------------
def _download_files(client: EnDocsClient, item_id: int | str, kind: FileKind | str) -> list[FileContent]:
    """The files of a document, contract or external id (``kind``), decoded to bytes with their names."""
    return client.download_files(item_id, kind)


def _download_files_by_ext_id(client: EnDocsClient, ext_id: str | int) -> list[FileContent]:
    """The files of the document with this external id."""
    return client.download_files_by_ext_id(ext_id)


def _download_document_files(client: EnDocsClient, document_id: int) -> list[FileContent]:
    """The files of one document."""
    return client.download_document_files(document_id)


def _download_contract_files(client: EnDocsClient, contract_id: int) -> list[FileContent]:
    """The files of one contract."""
    return client.download_contract_files(contract_id)


download_files, adownload_files = endpoint(_download_files)
download_files_by_ext_id, adownload_files_by_ext_id = endpoint(_download_files_by_ext_id)
download_document_files, adownload_document_files = endpoint(_download_document_files)
download_contract_files, adownload_contract_files = endpoint(_download_contract_files)


# -- writes --------------------------------------------------------------------------------------
def _upload_non_form_document(
    client: EnDocsClient,
    file: FileLike,
    organization_id: int | None = None,
    sender: str | None = None,
    comment: str | None = None,
) -> m.NonFormDocument:
    """Upload a scan (at most 20 MB, checked before sending). Creates a new scan on every call: never retried."""
    return client.upload_non_form_document(file, organization_id=organization_id, sender=sender, comment=comment)


def _decline_non_form_document(
    client: EnDocsClient, non_form_id: int, approver: str | None = None, comment: str | None = None
) -> None:
    """Reject a scan; a repeat raises NotFoundError (already declined) and notifies nobody twice."""
    return client.decline_non_form_document(non_form_id, approver=approver, comment=comment)


def _upsert_external_document(client: EnDocsClient, document: ExtDoc, files: Files = None) -> m.UpsertResult[m.Document]:
    """Keyed by Ext_ID / MetaID / EDIId: a repeat updates the same document."""
    return client.upsert_external_document(document, files)


def _upsert_local_document(client: EnDocsClient, document: LocalDoc, files: Files = None) -> m.UpsertResult[m.Document]:
    """Keyed by the document's id fields: a repeat updates the same document."""
    return client.upsert_local_document(document, files)


def _upsert_contract(client: EnDocsClient, contract: ContractBody, files: Files = None) -> m.UpsertResult[m.Contract]:
    """Keyed by the contract's Ext_ID: a repeat updates the same contract."""
    return client.upsert_contract(contract, files)


upload_non_form_document, aupload_non_form_document = creating_endpoint(_upload_non_form_document)
decline_non_form_document, adecline_non_form_document = endpoint(_decline_non_form_document)
upsert_external_document, aupsert_external_document = endpoint(_upsert_external_document)
upsert_local_document, aupsert_local_document = endpoint(_upsert_local_document)
upsert_contract, aupsert_contract = endpoint(_upsert_contract)
