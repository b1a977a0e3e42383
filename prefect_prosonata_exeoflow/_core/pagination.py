"""Walk paged listings in constant memory; the APIs differ only in how a page is fetched.

A listing is the server's word, and a server can be wrong: it may announce pages for ever,
hand out the same page again, or shift rows between pages while we read. The walk guards
against all three, the same way for every API:

* a page that brings only rows of the last pages (the server hands out a page again)
  raises :class:`~.errors.PaginationError`;
* more distinct rows than the server's own announced total raises it too;
* so does a walk past ``max_pages`` pages (default far above any real listing);
* a row whose id came on one of the last :data:`DEDUP_PAGES` pages is dropped, with a warning
  (rows shift by a few places when rows are added or removed during the walk). Only those
  pages' ids are kept, so memory stays flat however long the listing is.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .errors import InvalidRequestError, PaginationError
from .logs import current_logger

T = TypeVar("T")
#: Pages whose ids are remembered for dropping duplicates.
DEDUP_PAGES = 3
#: Default page cap (``ClientSettings.max_pages``): 10,000 pages of 20-1,000 rows, beyond any real account.
DEFAULT_MAX_PAGES = 10_000


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of items, whether the server has more after it, and the total it announced."""

    items: Sequence[T]
    has_more: bool
    total: int | None = None


def check_limit(limit: int | None) -> None:
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise InvalidRequestError(f"limit must be a positive integer or None, got {limit!r}")


class PageWalk:
    """Which page to ask for next, and when to stop: shared by the sync and async walkers."""

    def __init__(
        self,
        *,
        max_page_size: int,
        limit: int | None,
        first_page: int = 1,
        max_pages: int = DEFAULT_MAX_PAGES,
        key: Callable[[Any], Hashable] | None = None,
        what: str = "listing",
        api: str | None = None,
    ) -> None:
        check_limit(limit)
        self.limit = limit
        # The largest page the API allows, or less when the caller wants fewer items in total.
        self.size = max_page_size if limit is None else max(1, min(limit, max_page_size))
        self.page = first_page
        self.yielded = 0
        self.max_pages, self.key, self.what, self.api = max_pages, key, what, api
        self.fetched = 0
        self.distinct = 0
        self.recent: deque[set[Hashable]] = deque(maxlen=DEDUP_PAGES)

    def _fail(self, reason: str) -> PaginationError:
        return PaginationError(f"{self.what}: {reason}; stopped after page {self.page}", api=self.api)

    def _fresh(self, items: Sequence[T]) -> list[T]:
        """The items not seen on the last pages; raises when there is none on a non-empty page."""
        if self.key is None:
            self.distinct += len(items)
            return list(items)
        ids = [self.key(item) for item in items]
        recent = list(self.recent)
        fresh: list[T] = []
        current: set[Hashable] = set()
        dropped = 0
        for item, item_id in zip(items, ids, strict=True):
            if item_id is None:  # a row without an id cannot be told apart: kept
                fresh.append(item)
                continue
            if item_id in current or any(item_id in earlier for earlier in recent):
                dropped += 1
                continue
            current.add(item_id)
            fresh.append(item)
        if items and not fresh:
            raise self._fail(f"page {self.page} repeats rows of earlier pages only (the server does not advance)")
        self.recent.append(current)
        self.distinct += len(fresh)
        if dropped:
            current_logger().warning(
                "%s: %s page %d repeated %d row(s) of earlier pages (rows shifted while listing); dropped",
                self.api or "API", self.what, self.page, dropped,
            )
        return fresh

    def take(self, page: Page[T]) -> tuple[Sequence[T], bool]:
        """The items of ``page`` to hand out, and whether another page should be fetched."""
        self.fetched += 1
        items = self._fresh(page.items)
        if page.total is not None and self.distinct > page.total:
            raise self._fail(f"{self.distinct} distinct rows arrived but the server announced {page.total}")
        if self.limit is not None and self.yielded + len(items) >= self.limit:
            return items[: self.limit - self.yielded], False
        self.yielded += len(items)
        more = page.has_more and bool(page.items)
        if more and self.fetched >= self.max_pages:
            raise self._fail(f"the server still announces more after max_pages={self.max_pages} pages")
        self.page += 1
        return items, more


def iterate_pages(
    fetch: Callable[[int, int], Page[T]],
    *,
    max_page_size: int,
    limit: int | None = None,
    first_page: int = 1,
    **guards: Any,
) -> Iterator[T]:
    """Yield items page after page until the listing ends or ``limit`` items were yielded.

    ``guards`` are :class:`PageWalk`'s ``max_pages``, ``key`` (an item's id), ``what`` and ``api``.
    """
    walk = PageWalk(max_page_size=max_page_size, limit=limit, first_page=first_page, **guards)
    more = True
    while more:
        items, more = walk.take(fetch(walk.page, walk.size))
        yield from items


async def aiterate_pages(
    fetch: Callable[[int, int], Awaitable[Page[T]]],
    *,
    max_page_size: int,
    limit: int | None = None,
    first_page: int = 1,
    **guards: Any,
) -> AsyncIterator[T]:
    """Async twin of :func:`iterate_pages`."""
    walk = PageWalk(max_page_size=max_page_size, limit=limit, first_page=first_page, **guards)
    more = True
    while more:
        items, more = walk.take(await fetch(walk.page, walk.size))
        for item in items:
            yield item
