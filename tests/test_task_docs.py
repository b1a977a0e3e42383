"""Every task is a typed function found by grep under its own name, documented with Args, Returns, Example."""

from __future__ import annotations

import inspect
import re
import typing
from pathlib import Path

import pytest
from prefect import Task

from prefect_prosonata_exeoflow import endocs, exeoflow, prosonata

PACKAGES = {"prosonata": prosonata, "exeoflow": exeoflow, "endocs": endocs}
SOURCES = Path(prosonata.__file__).resolve().parent.parent


def _tasks() -> list[tuple[str, str, Task[..., typing.Any]]]:
    return [(api, name, getattr(package, name)) for api, package in PACKAGES.items() for name in package.__all__
            if isinstance(getattr(package, name), Task)]


TASKS = _tasks()


def test_there_are_tasks_to_check() -> None:
    assert len(TASKS) == 2 * (53 + 16 + 15)  # the task pairs of docs/tasks.md


@pytest.mark.parametrize(("api", "name", "task"), TASKS, ids=[f"{a}.{n}" for a, n, _ in TASKS])
def test_task_is_a_documented_typed_function_defined_under_its_name(api: str, name: str,
                                                                     task: Task[..., typing.Any]) -> None:
    fn = task.fn
    assert fn.__name__ == name
    source = Path(inspect.getsourcefile(fn) or "").read_text(encoding="utf-8")
    assert re.search(rf"^(async )?def {name}\(", source, re.MULTILINE), f"grep 'def {name}' finds nothing"
    signature = inspect.signature(fn)
    assert list(signature.parameters)[0] == "credentials"
    for parameter in signature.parameters.values():
        assert parameter.annotation is not inspect.Parameter.empty, f"{name}({parameter.name}) has no type"
    returns = signature.return_annotation
    assert returns is not inspect.Signature.empty and returns != "Any" and "Any]" not in str(returns), returns
    typing.get_type_hints(fn)  # every annotation resolves
    doc = inspect.getdoc(fn) or ""
    for section in ("Args:", "Returns:", "Example:"):
        assert section in doc, f"{name} lacks {section}"
    args = doc.split("Args:")[1].split("Returns:")[0]
    for parameter in signature.parameters:
        assert re.search(rf"^\s*{parameter}: \S", args, re.MULTILINE), f"{name}: Args miss {parameter}"
    assert f"{name}(" in doc.split("Example:")[1], f"{name}'s example does not call it"
