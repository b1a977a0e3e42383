"""EnDocs clients: every method is one line over its :mod:`.calls` description.

>>> with credentials.get_client() as client:
...     feed = client.get_new_invoices(since_id=stored_cursor)
...     for invoice in feed.items:
...         files = client.download_document_files(invoice.id)
...     stored_cursor = feed.next_since_id
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from typing import Any, Literal

from .._core.errors import InvalidRequestError, PaginationError
from .._core.http import AsyncClient, SyncClient
from . import calls
from . import models as m
from .calls import FileKind
from .dialect import API_NAME
from .files import FileContent, FileLike

FeedName = Literal["non_form_documents", "contracts", "invoices", "inputs"]
#: Safety stop for :meth:`EnDocsClient.iter_feed`: reads in a row that still found new records
#: (or the block's ``max_pages`` when lower); past it the walk raises PaginationError.
MAX_FEED_READS = 100


def _feed_reads(client: SyncClient | AsyncClient) -> int:
    return min(MAX_FEED_READS, client.settings.max_pages)


def _endless(feed: Any, reads: int, cursor: int) -> PaginationError:
    return PaginationError(
        f"feed {getattr(feed, '__name__', feed)} still brought new records after {reads} reads "
        f"(cursor {cursor}); stopped: records arrive faster than they are read, or the server misbehaves",
        api=API_NAME,
    )


def _feed_call(feed: str) -> Any:
    try:
        return calls.FEEDS[feed]
    except KeyError:
        raise InvalidRequestError(f"feed must be one of {sorted(calls.FEEDS)}, got {feed!r}", api=API_NAME) from None


class EnDocsClient(SyncClient):
    """Blocking EnDocs client; paces itself to the token's per-minute limit."""

    def get_client_info(self) -> m.ClientInfo:
        """The account behind the token and its quotas (a cheap token check)."""
        return self.call(calls.get_client_info())

    def get_client_users(self) -> list[m.User]:
        return self.call(calls.get_client_users())

    def get_non_form_documents(self, since_id: int = 0, *, request_id: str | None = None) -> m.Feed[m.NonFormDocument]:
        """Recognised scans with an id above ``since_id`` (files via :meth:`download_files`)."""
        return self.call(calls.get_non_form_documents(since_id, request_id))

    def get_new_contracts(self, since_id: int = 0, *, request_id: str | None = None) -> m.Feed[m.Contract]:
        """Contracts created in EnDocs that 1C has not taken yet (no ``ext_id``)."""
        return self.call(calls.get_new_contracts(since_id, request_id))

    def get_new_invoices(self, since_id: int = 0, *, request_id: str | None = None) -> m.Feed[m.Document]:
        """Incoming invoices (Счет входящий) not yet in 1C."""
        return self.call(calls.get_new_invoices(since_id, request_id))

    def get_new_inputs(self, since_id: int = 0, *, request_id: str | None = None) -> m.Feed[m.Document]:
        """Purchase receipts (Поступление) not yet in 1C."""
        return self.call(calls.get_new_inputs(since_id, request_id))

    def iter_feed(self, feed: FeedName, since_id: int = 0) -> Iterator[Any]:
        """Every record of ``feed`` above ``since_id``, each once, in id order, until caught up.

        Reads again from the largest id seen until a read brings nothing new, so records that
        arrive while the caller works through a batch are picked up too.
        """
        return self._walk(_feed_call(feed), calls.check_cursor(since_id))  # arguments checked now

    def _walk(self, build: Any, cursor: int) -> Iterator[Any]:
        reads = _feed_reads(self)
        for _ in range(reads):
            batch = self.call(build(cursor, None))
            yield from batch.items
            if batch.next_since_id == cursor:
                return
            cursor = batch.next_since_id
        raise _endless(build, reads, cursor)

    def download_files(self, item_id: int | str, kind: FileKind | str) -> list[FileContent]:
        """Files of a record: ``kind`` says whether ``item_id`` is an Ext_ID, a scan, document or contract id."""
        return self.call(calls.download_files(item_id, kind))

    def download_files_by_ext_id(self, ext_id: str | int) -> list[FileContent]:
        """Files by 1C Ext_ID (an integer is first tried as a scan id, as the server does)."""
        return self.call(calls.download_files_by_ext_id(ext_id))

    def download_document_files(self, document_id: int) -> list[FileContent]:
        return self.call(calls.download_document_files(document_id))

    def download_contract_files(self, contract_id: int) -> list[FileContent]:
        return self.call(calls.download_contract_files(contract_id))

    def upload_non_form_document(
        self,
        file: FileLike,
        *,
        organization_id: int | None = None,
        sender: str | None = None,
        comment: str | None = None,
        request_id: str | None = None,
    ) -> m.NonFormDocument:
        """Put a file into «Необработанные»; creates a new scan on every call (never re-sent)."""
        return self.call(calls.upload_non_form_document(
            file, organization_id=organization_id, sender=sender, comment=comment, rid=request_id))

    def decline_non_form_document(
        self, non_form_id: int, *, approver: str | None = None, comment: str | None = None,
        request_id: str | None = None,
    ) -> None:
        """Reject a scan (soft delete; its sender is notified)."""
        return self.call(calls.decline_non_form_document(
            non_form_id, approver=approver, comment=comment, rid=request_id))

    def upsert_external_document(
        self, document: m.ExternalDocumentInput | Mapping[str, Any], files: Iterable[FileLike] | None = None,
        *, request_id: str | None = None,
    ) -> m.UpsertResult[m.Document]:
        """Create or update an incoming/outgoing document (and its organization, counterparty, contract)."""
        return self.call(calls.upsert_external_document(document, files, request_id))

    def upsert_local_document(
        self, document: m.LocalDocumentInput | Mapping[str, Any], files: Iterable[FileLike] | None = None,
        *, request_id: str | None = None,
    ) -> m.UpsertResult[m.Document]:
        """Create or update an internal document, found by ``ext_id``."""
        return self.call(calls.upsert_local_document(document, files, request_id))

    def upsert_contract(
        self, contract: m.ContractInput | Mapping[str, Any], files: Iterable[FileLike] | None = None,
        *, request_id: str | None = None,
    ) -> m.UpsertResult[m.Contract]:
        """Create or update a contract (by ``contract_id``, else ``ext_id`` within the organization)."""
        return self.call(calls.upsert_contract(contract, files, request_id))


class AsyncEnDocsClient(AsyncClient):
    """Asyncio twin of :class:`EnDocsClient`."""

    async def get_client_info(self) -> m.ClientInfo:
        return await self.call(calls.get_client_info())

    async def get_client_users(self) -> list[m.User]:
        return await self.call(calls.get_client_users())

    async def get_non_form_documents(
        self, since_id: int = 0, *, request_id: str | None = None
    ) -> m.Feed[m.NonFormDocument]:
        return await self.call(calls.get_non_form_documents(since_id, request_id))

    async def get_new_contracts(self, since_id: int = 0, *, request_id: str | None = None) -> m.Feed[m.Contract]:
        return await self.call(calls.get_new_contracts(since_id, request_id))

    async def get_new_invoices(self, since_id: int = 0, *, request_id: str | None = None) -> m.Feed[m.Document]:
        return await self.call(calls.get_new_invoices(since_id, request_id))

    async def get_new_inputs(self, since_id: int = 0, *, request_id: str | None = None) -> m.Feed[m.Document]:
        return await self.call(calls.get_new_inputs(since_id, request_id))

    def iter_feed(self, feed: FeedName, since_id: int = 0) -> AsyncIterator[Any]:
        """``async for`` twin of :meth:`EnDocsClient.iter_feed`."""
        return self._walk(_feed_call(feed), calls.check_cursor(since_id))

    async def _walk(self, build: Any, cursor: int) -> AsyncIterator[Any]:
        reads = _feed_reads(self)
        for _ in range(reads):
            batch = await self.call(build(cursor, None))
            for item in batch.items:
                yield item
            if batch.next_since_id == cursor:
                return
            cursor = batch.next_since_id
        raise _endless(build, reads, cursor)

    async def download_files(self, item_id: int | str, kind: FileKind | str) -> list[FileContent]:
        return await self.call(calls.download_files(item_id, kind))

    async def download_files_by_ext_id(self, ext_id: str | int) -> list[FileContent]:
        return await self.call(calls.download_files_by_ext_id(ext_id))

    async def download_document_files(self, document_id: int) -> list[FileContent]:
        return await self.call(calls.download_document_files(document_id))

    async def download_contract_files(self, contract_id: int) -> list[FileContent]:
        return await self.call(calls.download_contract_files(contract_id))

    async def upload_non_form_document(
        self,
        file: FileLike,
        *,
        organization_id: int | None = None,
        sender: str | None = None,
        comment: str | None = None,
        request_id: str | None = None,
    ) -> m.NonFormDocument:
        return await self.call(calls.upload_non_form_document(
            file, organization_id=organization_id, sender=sender, comment=comment, rid=request_id))

    async def decline_non_form_document(
        self, non_form_id: int, *, approver: str | None = None, comment: str | None = None,
        request_id: str | None = None,
    ) -> None:
        return await self.call(calls.decline_non_form_document(
            non_form_id, approver=approver, comment=comment, rid=request_id))

    async def upsert_external_document(
        self, document: m.ExternalDocumentInput | Mapping[str, Any], files: Iterable[FileLike] | None = None,
        *, request_id: str | None = None,
    ) -> m.UpsertResult[m.Document]:
        return await self.call(calls.upsert_external_document(document, files, request_id))

    async def upsert_local_document(
        self, document: m.LocalDocumentInput | Mapping[str, Any], files: Iterable[FileLike] | None = None,
        *, request_id: str | None = None,
    ) -> m.UpsertResult[m.Document]:
        return await self.call(calls.upsert_local_document(document, files, request_id))

    async def upsert_contract(
        self, contract: m.ContractInput | Mapping[str, Any], files: Iterable[FileLike] | None = None,
        *, request_id: str | None = None,
    ) -> m.UpsertResult[m.Contract]:
        return await self.call(calls.upsert_contract(contract, files, request_id))
