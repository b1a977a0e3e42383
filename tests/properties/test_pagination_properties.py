"""Paged listings: for any size of result and page, every record comes once, in the fewest calls."""

from __future__ import annotations

import asyncio
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from prefect_prosonata_exeoflow._core.pagination import Page, aiterate_pages, iterate_pages

EXAMPLES = settings(max_examples=150, deadline=None)


class Listing:
    """A server's listing of ``total`` records; counts the pages asked for and checks their size."""

    def __init__(self, total: int, max_page_size: int) -> None:
        self.records = list(range(total))
        self.max_page_size = max_page_size
        self.calls: list[tuple[int, int]] = []

    def fetch(self, page: int, size: int) -> Page[int]:
        assert 1 <= size <= self.max_page_size, size
        self.calls.append((page, size))
        chunk = self.records[(page - 1) * size: page * size]
        return Page(chunk, has_more=page * size < len(self.records))


@EXAMPLES
@given(total=st.integers(0, 5000), max_page_size=st.integers(1, 1000))
def test_every_record_once_in_ceil_n_over_size_calls(total: int, max_page_size: int) -> None:
    listing = Listing(total, max_page_size)
    assert list(iterate_pages(listing.fetch, max_page_size=max_page_size)) == listing.records
    assert len(listing.calls) == max(1, math.ceil(total / max_page_size))
    assert [page for page, _ in listing.calls] == list(range(1, len(listing.calls) + 1))


@EXAMPLES
@given(total=st.integers(0, 3000), max_page_size=st.integers(1, 500), limit=st.integers(1, 4000))
def test_a_limit_stops_early_and_shrinks_the_page(total: int, max_page_size: int, limit: int) -> None:
    listing = Listing(total, max_page_size)
    assert list(iterate_pages(listing.fetch, max_page_size=max_page_size, limit=limit)) == listing.records[:limit]
    size = min(limit, max_page_size)
    assert len(listing.calls) == max(1, math.ceil(min(limit, total) / size))


@settings(max_examples=60, deadline=None)
@given(total=st.integers(0, 2000), max_page_size=st.integers(1, 300), limit=st.none() | st.integers(1, 2500))
def test_async_walk_matches_the_sync_walk(total: int, max_page_size: int, limit: int | None) -> None:
    sync_listing, async_listing = Listing(total, max_page_size), Listing(total, max_page_size)

    async def fetch(page: int, size: int) -> Page[int]:
        return async_listing.fetch(page, size)

    async def collect() -> list[int]:
        return [item async for item in aiterate_pages(fetch, max_page_size=max_page_size, limit=limit)]

    expected = list(iterate_pages(sync_listing.fetch, max_page_size=max_page_size, limit=limit))
    assert asyncio.run(collect()) == expected
    assert async_listing.calls == sync_listing.calls
