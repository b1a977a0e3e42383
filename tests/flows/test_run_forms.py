"""The run forms the Prefect UI renders for both sample flows: flat, described, no "type None" noise."""

from __future__ import annotations

import inspect
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
    schema = parameter_schema(flow).model_dump()  # what serve, flow.deploy and `prefect deploy` read
    assert schema == flow.parameters.model_dump()
    properties = schema["properties"]
    assert "parameters" not in properties, "no wrapper object"
    assert len(properties) >= 8
    optional = [name for name, p in inspect.signature(flow.fn).parameters.items() if p.default is None]
    assert optional, "the flow has optional parameters"
    for name, prop in properties.items():
        assert prop.get("description", "").endswith("."), f"{name} has no description"
        # One plain field: no type picker (anyOf), no "type None", no nested object.
        assert "anyOf" not in prop and "allOf" not in prop and "$ref" not in prop, f"{name}: {prop}"
        assert prop.get("type") in {"string", "integer", "number", "boolean"}, f"{name}: {prop}"
        # The UI sends a field's default when it is left alone, so a default of null would be sent as
        # null; an optional field has no default in the schema and the UI leaves it out when empty.
        assert (name in optional) is ("default" not in prop), f"{name}: {prop}"
    assert not schema.get("required"), "every field has a default: a run needs no form input"


@pytest.mark.parametrize("flow", FLOWS, ids=lambda f: f.name)
def test_the_server_accepts_an_empty_or_null_optional_field_and_refuses_a_bad_one(flow: Any) -> None:
    from prefect.utilities.schema_tools.validation import validate

    schema = parameter_schema(flow).model_dump()
    optional = [name for name, p in inspect.signature(flow.fn).parameters.items() if p.default is None]
    # How Prefect's server checks a run of a deployment (the UI's form, run_deployment).
    assert validate({}, schema, raise_on_error=True) == []
    assert validate(dict.fromkeys(optional, None), schema, raise_on_error=True) == []
    for name in optional:
        wrong = "not-a-number" if schema["properties"][name]["type"] == "integer" else 5
        with pytest.raises(Exception, match=name):
            validate({name: wrong}, schema, raise_on_error=True)
    assert flow.validate_parameters(dict.fromkeys(optional, None)) == flow.validate_parameters({})


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
