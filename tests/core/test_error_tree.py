"""The one error module: every error lives there, is exported, drawn in the tree, and misuse is no APIError."""

from __future__ import annotations

import inspect
import pickle
import re

import pydantic
import pytest

import prefect_prosonata_exeoflow as package
from prefect_prosonata_exeoflow import exeoflow
from prefect_prosonata_exeoflow._core import errors
from prefect_prosonata_exeoflow.exeoflow import waiting
from prefect_prosonata_exeoflow.exeoflow.calls import Calls
from prefect_prosonata_exeoflow.prosonata import ProSonataCredentials

ERROR_CLASSES = {
    name: value for name, value in vars(errors).items()
    if inspect.isclass(value) and issubclass(value, Exception) and not name.startswith("_")
}


def drawn_tree() -> list[tuple[str, str | None]]:
    """(class, parent) for every line of the tree in errors.py's docstring, parents by indentation."""
    block = (errors.__doc__ or "").split("```")[1]
    drawn: list[tuple[str, str | None]] = []
    stack: list[str] = []
    for line in filter(None, block.strip("\n").splitlines()):
        match = re.match(r"^([│├└─ ]*)([A-Za-z]+)", line)
        assert match, line
        depth = len(match.group(1)) // 4
        stack[depth:] = [match.group(2)]
        drawn.append((match.group(2), stack[depth - 1] if depth else None))
    return drawn


def test_the_tree_in_the_docstring_is_the_real_hierarchy() -> None:
    drawn = drawn_tree()
    assert {name for name, _ in drawn} - {"ValueError"} == set(ERROR_CLASSES)
    for name, parent in drawn:
        if parent is not None:
            assert parent in [base.__name__ for base in ERROR_CLASSES[name].__bases__], f"{name} is not a {parent}"


def test_every_error_class_is_exported() -> None:
    assert set(ERROR_CLASSES) <= set(errors.__all__)
    for name, cls in ERROR_CLASSES.items():
        assert getattr(package, name) is cls, f"{name} is not exported by the package"


@pytest.mark.parametrize("name", ["ExecutionFailedError", "ExecutionCancelledError", "ExecutionTimeoutError"])
def test_execution_errors_moved_but_old_imports_still_work(name: str) -> None:
    moved = getattr(errors, name)
    assert getattr(waiting, name) is moved and getattr(exeoflow, name) is moved
    assert issubclass(moved, errors.APIError)


@pytest.mark.parametrize("cls", [errors.InvalidRequestError, errors.ConfigurationError])
def test_misuse_errors_are_value_errors_not_api_errors(cls: type[Exception]) -> None:
    assert issubclass(cls, ValueError)
    assert not issubclass(cls, errors.APIError)


def test_except_api_error_lets_a_programming_mistake_through() -> None:
    with pytest.raises(errors.InvalidRequestError) as caught:
        try:
            Calls.get_workflow("")  # no id: a bug in the caller, not something the API did
        except errors.APIError:  # pragma: no cover - the point is that this does not catch it
            pytest.fail("except APIError swallowed a misuse error")
    assert "workflow_id" in str(caught.value)


def test_an_incomplete_block_raises_a_value_error() -> None:
    with pytest.raises(ValueError, match="api_key"):
        ProSonataCredentials(subdomain="x").get_client()


def test_moved_and_misuse_errors_survive_pickling() -> None:
    """Prefect pickles a task's exception into its state."""
    failed = errors.ExecutionFailedError("run failed", execution={"id": "exec_1"}, code="X", api="exeoflow")
    timeout = errors.ExecutionTimeoutError("too slow", timeout=3.0, api="exeoflow", path="executions/exec_1")
    misuse = errors.InvalidRequestError("limit must be positive", api="prosonata")
    for error in (failed, timeout, misuse):
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error) and str(copy) == str(error)
    assert pickle.loads(pickle.dumps(failed)).code == "X"
    assert pickle.loads(pickle.dumps(timeout)).timeout == 3.0


class _Row(pydantic.BaseModel):
    id: int
    name: str
    tags: list[str]

    @pydantic.field_validator("name")
    @classmethod
    def _short(cls, value: str) -> str:
        if len(value) > 3:
            raise ValueError("name is longer than 3 characters")
        return value


def _failure(value: object) -> pydantic.ValidationError:
    with pytest.raises(pydantic.ValidationError) as caught:
        _Row.model_validate(value)
    return caught.value


def test_a_validation_error_is_worded_by_field_without_its_input() -> None:
    secret = "sk-live-0123456789"
    message = errors.describe_validation_error(_failure({"id": secret, "name": "long name", "tags": [1]}))
    assert message.startswith("id: Input should be a valid integer")
    # A message that already names its field is not prefixed again; pydantic's "Value error, " goes.
    assert "; name is longer than 3 characters; tags.0: Input should be a valid string" in message
    assert secret not in message and "long name" not in message


def test_a_validation_error_names_its_first_problems_and_counts_the_rest() -> None:
    failure = _failure({"tags": [1, 2, 3]})  # id and name missing, three tags of the wrong type
    assert len(failure.errors()) == 5
    assert errors.describe_validation_error(failure) == (
        "id: Field required; name: Field required; tags.0: Input should be a valid string; 2 more"
    )
    assert errors.describe_validation_error(failure, most=1) == "id: Field required; 4 more"
    assert errors.describe_validation_error(_failure([])) == "Input should be a valid dictionary or instance of _Row"
