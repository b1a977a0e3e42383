"""EnDocs clients: the declared endpoints (:class:`.calls.Endpoints`) plus the feed walk.

>>> with credentials.get_client() as client:
...     feed = client.get_new_invoices(since_id=stored_cursor)
...     for invoice in feed.items:
...         files = client.download_document_files(invoice.id)
...     stored_cursor = feed.next_since_id
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any, Literal

from .._core.errors import InvalidRequestError, PaginationError
from .._core.http import AsyncClient, SyncClient
from . import calls
from .calls import Endpoints
from .dialect import API_NAME

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


class EnDocsClient(Endpoints, SyncClient):
    """Blocking EnDocs client; paces itself to the token's per-minute limit."""

    def iter_feed(self, feed: FeedName, since_id: int = 0) -> Iterator[Any]:
        """Every record of ``feed`` above ``since_id``, each once, in id order, until caught up.

        Reads again from the largest id seen until a read brings nothing new, so records that
        arrive while the caller works through a batch are picked up too.
        """
        return self._walk(_feed_call(feed), calls.check_cursor(since_id))  # arguments checked now

    def _walk(self, build: Any, cursor: int) -> Iterator[Any]:
        reads = _feed_reads(self)
        for _ in range(reads):
            batch = self.call(build(cursor))
            yield from batch.items
            if batch.next_since_id == cursor:
                return
            cursor = batch.next_since_id
        raise _endless(build, reads, cursor)


class AsyncEnDocsClient(Endpoints, AsyncClient):
    """Asyncio twin of :class:`EnDocsClient`."""

    def iter_feed(self, feed: FeedName, since_id: int = 0) -> AsyncIterator[Any]:
        """``async for`` twin of :meth:`EnDocsClient.iter_feed`."""
        return self._walk(_feed_call(feed), calls.check_cursor(since_id))

    async def _walk(self, build: Any, cursor: int) -> AsyncIterator[Any]:
        reads = _feed_reads(self)
        for _ in range(reads):
            batch = await self.call(build(cursor))
            for item in batch.items:
                yield item
            if batch.next_since_id == cursor:
                return
            cursor = batch.next_since_id
        raise _endless(build, reads, cursor)
