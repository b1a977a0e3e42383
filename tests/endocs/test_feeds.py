"""Incremental reads: every new record exactly once, none skipped, repeatable from a stored cursor."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from prefect_prosonata_exeoflow._core.errors import InvalidRequestError
from prefect_prosonata_exeoflow.endocs import EnDocsClient, Feed
from prefect_prosonata_exeoflow.sandbox.endocs import EnDocsEmulator

FEEDS: dict[str, tuple[str, Callable[[EnDocsEmulator], int]]] = {
    "invoices": ("get_new_invoices", lambda e: e.add_document(14)),
    "inputs": ("get_new_inputs", lambda e: e.add_document(1)),
    "contracts": ("get_new_contracts", lambda e: e.add_contract("Новый договор")),
    "non_form_documents": ("get_non_form_documents", lambda e: e.add_scan("new.pdf")),
}


@pytest.mark.parametrize("feed", sorted(FEEDS))
def test_incremental_reads_return_each_record_exactly_once(client: EnDocsClient, emulator: EnDocsEmulator,
                                                           feed: str) -> None:
    method, add = FEEDS[feed]
    read: Callable[[int], Feed[object]] = getattr(client, method)
    seen: list[int] = []
    first = read(0)
    seen += [item.id for item in first.items]  # type: ignore[attr-defined]
    cursor = first.next_since_id
    assert read(cursor).items == []  # nothing new yet
    added = [add(emulator) for _ in range(3)]
    again = read(cursor)
    assert read(cursor).items == again.items  # the same cursor gives the same set
    seen += [item.id for item in again.items]  # type: ignore[attr-defined]
    cursor = again.next_since_id
    added.append(add(emulator))
    last = read(cursor)
    seen += [item.id for item in last.items]  # type: ignore[attr-defined]
    assert len(seen) == len(set(seen)), "a record came twice"
    assert set(added) <= set(seen), "a new record was skipped"
    assert set(seen) == {item.id for item in read(0).items}  # type: ignore[attr-defined]
    assert last.next_since_id == max(added)


@pytest.mark.parametrize("feed", sorted(FEEDS))
def test_iter_feed_drains_until_caught_up(client: EnDocsClient, emulator: EnDocsEmulator, feed: str) -> None:
    method, add = FEEDS[feed]
    start = getattr(client, method)(0).next_since_id
    added = [add(emulator), add(emulator)]
    iterator = client.iter_feed(feed, since_id=start)  # type: ignore[arg-type]
    first = next(iterator)
    late = add(emulator)  # arrives while the caller works on the first batch
    rest = [item.id for item in iterator]
    assert [first.id, *rest] == [*added, late]


def test_a_record_taken_by_1c_leaves_the_feed(client: EnDocsClient) -> None:
    assert 10440 in [d.id for d in client.get_new_invoices().items]
    client.upsert_external_document({"meta_id": 10440, "ext_id": "1c-inv-10440", "doc_type_id": 14,
                                     "source": "Входящий",
                                     "organization": {"ext_id": "b7e1c0de-0000-4000-8000-000000000005",
                                                      "name": 'ООО "Ромашка"'}})
    assert 10440 not in [d.id for d in client.get_new_invoices().items]


def test_bad_feed_arguments_fail_before_sending(client: EnDocsClient) -> None:
    with pytest.raises(InvalidRequestError):
        client.iter_feed("orders", 0)  # type: ignore[arg-type]
    with pytest.raises(InvalidRequestError):
        client.iter_feed("invoices", -1)
