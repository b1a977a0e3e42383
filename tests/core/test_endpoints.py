"""Declaring an endpoint by the one id in its path: the signature, Args and check come from the API's ids."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from prefect_prosonata_exeoflow._core.dialect import Reply
from prefect_prosonata_exeoflow._core.endpoints import PathId, declarer
from prefect_prosonata_exeoflow._core.errors import InvalidRequestError


def _positive(value: Any, field: str) -> int:
    if not isinstance(value, int) or value < 1:
        raise InvalidRequestError(f"{field} must be a positive integer, got {value!r}")
    return value


endpoint = declarer("Fake", lambda model: lambda reply: reply.data,
                    {"order_id": PathId("int", "The order's id.", _positive)})
get_order = endpoint.by_id("get_order", "GET", "orders/{order_id}", dict, "One order.", example="7")
cancel_order = endpoint.by_id("cancel_order", "POST", "orders/{order_id}/cancel", dict, "Cancel an order.",
                              idempotent=True)


def test_the_declaration_has_the_id_as_its_one_typed_described_parameter() -> None:
    signature = inspect.signature(get_order)
    assert list(signature.parameters) == ["order_id"]
    assert signature.parameters["order_id"].annotation == "int"
    assert get_order.__name__ == "get_order" and get_order.example == "7"
    assert inspect.cleandoc(get_order.__doc__ or "") == "One order.\n\nArgs:\n    order_id: The order's id."


@pytest.mark.parametrize("call", [lambda e: e(45), lambda e: e(order_id=45)])
def test_positional_and_keyword_calls_fill_the_checked_id_into_the_path(call: Any) -> None:
    described = call(get_order)
    assert (described.method, described.path) == ("GET", "orders/45")
    assert call(cancel_order).path == "orders/45/cancel" and cancel_order.retry_safe


def test_a_bad_id_is_refused_before_anything_is_sent_and_a_wrong_call_is_a_type_error() -> None:
    with pytest.raises(InvalidRequestError, match="order_id must be a positive integer"):
        get_order(0)
    with pytest.raises(TypeError):
        get_order(id=45)
    with pytest.raises(TypeError):
        get_order(45, 46)


def test_the_endpoint_reads_the_answer_with_the_apis_model_parser() -> None:
    assert get_order(1).parse(Reply(status=200, data={"id": 1})) == {"id": 1}
