"""The run forms the Prefect UI renders for both sample flows: flat, described, no "type None" noise."""

from __future__ import annotations

from typing import Any

import pytest
from prefect.exceptions import ParameterTypeError
from prefect.utilities.callables import parameter_schema

from flows.endocs_contracts_to_prosonata import endocs_contracts_to_prosonata
from flows.prosonata_time_to_exeoflow import prosonata_time_to_exeoflow

FLOWS = [prosonata_time_to_exeoflow, endocs_contracts_to_prosonata]


def _walk(schema: Any) -> list[Any]:
    found = [schema]
    if isinstance(schema, dict):
        for value in schema.values():
            found += _walk(value)
    elif isinstance(schema, list):
        for value in schema:
            found += _walk(value)
    return found


@pytest.mark.parametrize("flow", FLOWS, ids=lambda f: f.name)
def test_one_described_field_per_parameter_that_accepts_what_the_ui_sends(flow: Any) -> None:
    schema = parameter_schema(flow.fn).model_dump()
    properties = schema["properties"]
    assert "parameters" not in properties, "no wrapper object"
    assert len(properties) >= 8
    for name, prop in properties.items():
        assert prop.get("description", "").endswith("."), f"{name} has no description"
        assert "allOf" not in prop and "$ref" not in prop, f"{name}: {prop}"
        types = {prop.get("type")} if "anyOf" not in prop else {option.get("type") for option in prop["anyOf"]}
        assert types <= {"string", "integer", "number", "boolean", "null"}, f"{name}: {prop}"
        # The UI sends null for an empty optional field: the schema must allow it.
        assert prop.get("default") is not None or "null" in types, f"{name}: {prop}"
    assert not schema.get("required"), "every field has a default: a run needs no form input"


def test_the_form_validates_like_the_python_call() -> None:
    flow = prosonata_time_to_exeoflow
    ok = flow.validate_parameters({"start": "2026-11-02", "end": "2026-11-06", "group_by": "user", "project_id": None})
    assert str(ok["start"]) == "2026-11-02" and ok["project_id"] is None
    for bad in ({"project_id": 0}, {"group_by": "team"}, {"execution_timeout_seconds": 0}, {"start": "gestern"}):
        with pytest.raises(ParameterTypeError):
            flow.validate_parameters(bad)
    endocs = endocs_contracts_to_prosonata.validate_parameters({"since_id": None, "max_contracts": 5})
    assert endocs["max_contracts"] == 5
    with pytest.raises(ParameterTypeError):
        endocs_contracts_to_prosonata.validate_parameters({"cursor_variable": "Not Allowed!"})
