"""Every JSON example of the three API references parses into our models (or is what we send).

The examples are copied verbatim into ``tests/data/api_examples/{api}.json``, each with the
reference's section, what it is (``kind``) and the model it must parse into. ``skip`` entries
hold documentation placeholders (``"<ISO 8601>"``, ``"..."``), never data; they are kept so the
count of examples stays honest, with the reason.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from prefect_prosonata_exeoflow._core.clock import FakeClock
from prefect_prosonata_exeoflow.endocs.calls import Endpoints as endocs_calls
from prefect_prosonata_exeoflow.endocs import models as endocs_models
from prefect_prosonata_exeoflow.endocs.dialect import EnDocsDialect, key_value
from prefect_prosonata_exeoflow.exeoflow import models as exeoflow_models
from prefect_prosonata_exeoflow.exeoflow.calls import Calls as ExeoflowCalls
from prefect_prosonata_exeoflow.exeoflow.dialect import ExeoflowDialect
from prefect_prosonata_exeoflow.prosonata import models as prosonata_models
from prefect_prosonata_exeoflow.prosonata.dialect import ProSonataDialect

DATA = Path(__file__).parent / "data" / "api_examples"
MODELS = {"prosonata": prosonata_models, "exeoflow": exeoflow_models, "endocs": endocs_models}
DIALECTS = {"prosonata": ProSonataDialect, "exeoflow": ExeoflowDialect, "endocs": EnDocsDialect}


def examples() -> list[Any]:
    out = []
    for api in MODELS:
        for index, entry in enumerate(json.loads((DATA / f"{api}.json").read_text(encoding="utf-8"))):
            out.append(pytest.param(api, entry, id=f"{api}-{index}-{entry['kind']}-{entry.get('model') or ''}"))
    return out


def _model(api: str, name: str) -> type[BaseModel]:
    model: type[BaseModel] = getattr(MODELS[api], name)
    return model


def _answer(api: str, body: Any, status: int = 200) -> Any:
    """The body as the API's dialect unwraps it (envelope, error status)."""
    request = httpx.Request("GET", "https://api.test/x")
    response = httpx.Response(status, json=body, request=request)
    dialect = DIALECTS[api](FakeClock())
    return dialect, response, dialect.decode(response)


def _parse_rows(model: type[BaseModel], data: Any) -> list[BaseModel]:
    rows = data if isinstance(data, list) else [data]
    parsed = [model.model_validate(row) for row in rows]
    assert parsed
    return parsed


@pytest.mark.parametrize("api, entry", examples())
def test_example_parses(api: str, entry: dict[str, Any]) -> None:
    kind, name, example = entry["kind"], entry.get("model"), entry["example"]
    if kind == "skip":
        assert entry["reason"], "a skipped example must say why"
        return
    if kind == "row":
        _parse_rows(_model(api, name), example)
    elif kind == "create":  # a created row echoes the body with its new id (and defaults)
        model = _model(api, name)
        missing = {field: 1 for field, info in model.model_fields.items() if info.is_required() and field not in example}
        _parse_rows(model, {**missing, **example})
    elif kind == "envelope":
        dialect, response, body = _answer(api, example)
        assert dialect.failure_status(response, body) is None
        data = dialect.unwrap(response, body).data
        if name:
            model_name, _, key = name.partition(":")
            rows = data[key] if key else data
            _parse_rows(_model(api, model_name), rows)
    elif kind == "error":
        status = example.get("meta", {}).get("status", 400) if api == "prosonata" else 400
        dialect, response, body = _answer(api, example, status)
        assert dialect.failure_status(response, body) == status
        message, _ = dialect.error_details(response, body)
        assert message and message != "error"
    elif kind == "feed":
        count, rows = key_value(example)
        assert count == len(rows)
        for row in rows:
            _model(api, name).model_validate(row)
    elif kind == "request":
        _request(api, name, example)
    elif kind == "payload":  # a webhook's payload is the caller's own JSON, sent unchanged
        assert isinstance(example, dict)
    else:
        pytest.fail(f"unknown kind {kind!r}")


def _request(api: str, name: str, example: dict[str, Any]) -> None:
    if name == "create_webhook":
        auth = example["authentication"]["enabled"]
        call = ExeoflowCalls.create_webhook(example["workflow_id"], example["name"], method=example["method"],
                                            authentication=auth)
        assert call.json == example
    elif name == "NonFormUpload":
        binary = example["Binaries"][0]
        call = endocs_calls.upload_non_form_document(
            (binary["FileName"], b"%PDF-1.7\n"), organization_id=example["OrganizationId"], sender=example["Sender"],
            comment=example["Comment"], request_id=example["RequestID"])
        sent = call.json
        assert {k: v for k, v in sent.items() if k != "Binaries"} == {k: v for k, v in example.items() if k != "Binaries"}
        assert [b["FileName"] for b in sent["Binaries"]] == [binary["FileName"]]
    else:
        parsed = _model(api, name).model_validate(example)
        wire = parsed.to_wire()  # type: ignore[attr-defined]
        for key in ("Ext_ID", "DocNumber", "Organization", "Contractor"):
            if key in example:
                assert key in wire


def test_every_example_of_the_references_is_here() -> None:
    counts = {api: len(json.loads((DATA / f"{api}.json").read_text(encoding="utf-8"))) for api in MODELS}
    assert counts == {"prosonata": 18, "exeoflow": 18, "endocs": 11}
    parsed = sum(1 for param in examples() if param.values[1]["kind"] != "skip")
    assert parsed == 41


def test_numeric_house_numbers_and_post_codes_are_text() -> None:
    address = prosonata_models.Address.model_validate({"addressID": 36, "streetNo": 23, "postalCode": 12345})
    assert (address.streetNo, address.postalCode) == ("23", "12345")
