"""Public surface: every task a subpackage defines is exported, nothing else leaks, twins are ``a`` + name."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from types import ModuleType
from typing import Any

import pytest
from prefect import Task

import prefect_prosonata_exeoflow as package

SUBPACKAGES = ["prosonata", "exeoflow", "endocs"]
#: Plain functions a subpackage exports on purpose (everything else exported is a class, constant or task).
PUBLIC_HELPERS = {"prosonata": {"between"}, "exeoflow": set(), "endocs": set()}


def load(name: str) -> ModuleType:
    return importlib.import_module(f"prefect_prosonata_exeoflow.{name}")


def public_namespace(module: ModuleType) -> dict[str, Any]:
    """What ``dir()`` offers a user, less dunders and submodules (which Python always attaches)."""
    return {name: value for name, value in vars(module).items()
            if not name.startswith("_") and not inspect.ismodule(value)}


def tasks_defined_in(pkg: ModuleType) -> dict[str, Task[..., Any]]:
    found: dict[str, Task[..., Any]] = {}
    for info in pkgutil.iter_modules(pkg.__path__):
        module = importlib.import_module(f"{pkg.__name__}.{info.name}")
        for name, value in vars(module).items():
            if isinstance(value, Task) and not name.startswith("_"):
                found[name] = value
    return found


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_every_task_is_exported(name: str) -> None:
    pkg = load(name)
    tasks = tasks_defined_in(pkg)
    assert tasks, f"{name} defines no tasks"
    missing = sorted(set(tasks) - set(pkg.__all__))
    assert missing == [], f"{name}.__all__ misses tasks: {missing}"
    for task_name, task in tasks.items():
        assert getattr(pkg, task_name) is task


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_nothing_else_leaks(name: str) -> None:
    pkg = load(name)
    assert len(pkg.__all__) == len(set(pkg.__all__)), "duplicates in __all__"
    assert sorted(set(public_namespace(pkg)) ^ set(pkg.__all__)) == []
    tasks_module = importlib.import_module(f"{pkg.__name__}.tasks")
    assert set(tasks_module.__all__) == {n for n, v in vars(tasks_module).items() if isinstance(v, Task)}
    for export in pkg.__all__:
        value = getattr(pkg, export)
        assert not inspect.ismodule(value), f"{name}.{export} is a module"
        if inspect.isfunction(value):
            assert export in PUBLIC_HELPERS[name], f"{name}.{export} is a helper function, not a task"


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_async_twins_are_named_a_plus_the_sync_name(name: str) -> None:
    pkg = load(name)
    tasks = {n: v for n, v in public_namespace(pkg).items() if isinstance(v, Task)}
    sync = {n for n, t in tasks.items() if not t.isasync}
    asynchronous = {n for n, t in tasks.items() if t.isasync}
    assert {"a" + n for n in sync} == asynchronous
    for n in sync:
        assert tasks[n].name.endswith(f"-{n}") and tasks["a" + n].name.endswith(f"-a{n}")


def test_the_odd_looking_twin_keeps_working() -> None:
    """``await_for_execution`` is ``a`` + ``wait_for_execution``: kept under that name by the rule."""
    from prefect_prosonata_exeoflow.exeoflow import await_for_execution, wait_for_execution

    assert await_for_execution.isasync and not wait_for_execution.isasync
    assert await_for_execution.name == "exeoflow-await_for_execution"


def test_issue_example_project_tasks_are_exported() -> None:
    from prefect_prosonata_exeoflow import prosonata

    assert {"list_project_tasks", "alist_project_tasks", "delete_project_task"} <= set(prosonata.__all__)


def test_top_level_exports_blocks_and_errors_only() -> None:
    assert sorted(set(public_namespace(package)) ^ set(package.__all__)) == []
    for export in package.__all__:
        value = getattr(package, export)
        assert inspect.isclass(value) or export == "status_error_class", export
