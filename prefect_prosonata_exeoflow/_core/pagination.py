"""Walk paged listings in constant memory; the APIs differ only in how a page is fetched."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from .errors import InvalidRequestError

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of items, and whether the server has more after it."""

    items: Sequence[T]
    has_more: bool


def check_limit(limit: int | None) -> None:
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise InvalidRequestError(f"limit must be a positive integer or None, got {limit!r}")


class PageWalk:
    """Which page to ask for next, and when to stop: shared by the sync and async walkers."""

    def __init__(self, *, max_page_size: int, limit: int | None, first_page: int = 1) -> None:
        check_limit(limit)
        self.limit = limit
        # The largest page the API allows, or less when the caller wants fewer items in total.
        self.size = max_page_size if limit is None else max(1, min(limit, max_page_size))
        self.page = first_page
        self.yielded = 0

    def take(self, page: Page[T]) -> tuple[Sequence[T], bool]:
        """The items of ``page`` to hand out, and whether another page should be fetched."""
        items = page.items
        if self.limit is not None and self.yielded + len(items) >= self.limit:
            return items[: self.limit - self.yielded], False
        self.yielded += len(items)
        self.page += 1
        return items, page.has_more and bool(items)


def iterate_pages(
    fetch: Callable[[int, int], Page[T]], *, max_page_size: int, limit: int | None = None, first_page: int = 1
) -> Iterator[T]:
    """Yield items page after page until the listing ends or ``limit`` items were yielded."""
    walk = PageWalk(max_page_size=max_page_size, limit=limit, first_page=first_page)
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
) -> AsyncIterator[T]:
    """Async twin of :func:`iterate_pages`."""
    walk = PageWalk(max_page_size=max_page_size, limit=limit, first_page=first_page)
    more = True
    while more:
        items, more = walk.take(await fetch(walk.page, walk.size))
        for item in items:
            yield item
