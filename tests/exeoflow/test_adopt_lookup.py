"""Adopting a lost execute: a lookup our own checks refuse still ends in the original error."""

from __future__ import annotations

import pytest

from prefect_prosonata_exeoflow._core.errors import InvalidRequestError, OutcomeUnknownError
from prefect_prosonata_exeoflow.exeoflow.models import Execution, ListPage
from prefect_prosonata_exeoflow.exeoflow.waiting import adopt_plan

SINCE = 1_700_000_000.0


def test_an_id_the_checks_refuse_re_raises_the_unknown_outcome() -> None:
    lost = OutcomeUnknownError("connection dropped after sending", api="Exeoflow", method="POST",
                               path="workflows/wf_1/execute")
    plan = adopt_plan("wf_1", {"day": "2026-11-22"}, SINCE, lost)
    listing_call = next(plan)
    assert listing_call.method == "GET" and listing_call.path == "executions"
    odd = Execution.model_validate({"id": "exec/../1", "workflow_id": "wf_1", "status": "running",
                                    "started_at": "2023-11-14T22:13:21Z"})
    with pytest.raises(OutcomeUnknownError) as caught:
        plan.send(ListPage[Execution](items=[odd], pagination=None))
    assert caught.value is lost  # the caller learns the outcome is unknown, not about a bad id
    assert isinstance(caught.value.__cause__, InvalidRequestError)
