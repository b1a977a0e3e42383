"""docs/tasks.md is generated from the code: regenerating it must change nothing."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

from prefect import Task

from prefect_prosonata_exeoflow import endocs, exeoflow, prosonata

DOCS = Path(__file__).resolve().parent.parent / "docs"


def renderer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("render_tasks", DOCS / "render_tasks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_catalogue_is_up_to_date() -> None:
    fresh = renderer().render()
    assert (DOCS / "tasks.md").read_text(encoding="utf-8") == fresh, (
        "docs/tasks.md is stale: run `.venv/bin/python docs/render_tasks.py`"
    )


def test_every_exported_task_pair_has_one_row_with_an_endpoint() -> None:
    text = renderer().render()
    rows = [line for line in text.splitlines() if line.startswith("| `") or line.startswith("| the webhook")]
    listed = [re.findall(r"\| `(\w+)` \| `(a\w+)` \|", row)[0] for row in rows]
    expected = sorted(
        (name, "a" + name)
        for package in (prosonata, exeoflow, endocs)
        for name in package.__all__
        if isinstance(getattr(package, name), Task) and not getattr(package, name).isasync
    )
    assert sorted(listed) == expected
    assert all(re.search(r"`(GET|POST|PUT|DELETE) /|the webhook's `method`", row) for row in rows)


def test_paths_come_from_the_declarations() -> None:
    """Spot checks against the tables the code declares (a path typo there shows up here)."""
    text = renderer().render()
    assert "| `GET /projecttasks` | `client.project_tasks.list` | `list_project_tasks` |" in text
    assert "| `DELETE /workflows/{workflow_id}` | `client.delete_workflow` | `delete_workflow` |" in text
    assert f"`GET /{endocs.PATHS['client_info']}`" in text
    assert "`POST /workflows/{workflow_id}/execute`<br>" in text  # execute-and-wait starts the run first


def test_the_generated_task_modules_are_up_to_date() -> None:
    """Each API's tasks.py is written from the declarations: regenerating it must change nothing."""
    for path, text in renderer().outputs():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run `make docs`"
