"""Write ``docs/tasks.md``, the catalogue endpoint -> client method -> task, from the code itself.

``python docs/render_tasks.py`` rewrites the file; ``--check`` exits 1 if it is out of date
(``tests/test_task_catalogue.py`` runs the same comparison). Nothing here is typed by hand:

* the tasks are the Prefect ``Task`` objects each subpackage exports, paired with their async
  twin (``a`` + name); the function a task wraps is read from the task itself;
* the client methods are the names that function calls on the client (followed through the
  client's own helpers, e.g. ``list_workflows`` -> ``iter_workflows`` -> ``list_workflows_page``);
* the endpoints are read from the ``Call(method, path)`` each call builder returns (Exeoflow's
  ``Calls``, EnDocs' ``calls`` module with its ``PATHS`` table, ProSonata's ``ResourceCalls``
  with a row of ``RESOURCES``).
"""

from __future__ import annotations

import ast
import inspect
import sys
import textwrap
import types
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prefect import Task

from prefect_prosonata_exeoflow import endocs, exeoflow, prosonata
from prefect_prosonata_exeoflow.endocs import calls as endocs_calls
from prefect_prosonata_exeoflow.prosonata.client import AsyncResource, ResourceCalls, SyncResource
from prefect_prosonata_exeoflow.prosonata.resources import Resource

OUTPUT = Path(__file__).with_name("tasks.md")
PROSONATA_VERBS = ("list", "get", "create", "update", "delete")


@dataclass
class Api:
    """Where one API keeps its tasks, clients and call builders."""

    title: str
    package: types.ModuleType
    client: type
    async_client: type
    builders: Mapping[str, Callable[..., Any]]
    note: str
    resources: Mapping[str, Resource] = field(default_factory=dict)


def _code_names(code: types.CodeType) -> set[str]:
    """Every global or attribute name a function (and its lambdas and closures) uses."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def _own_function(value: Any, api: Api) -> bool:
    return inspect.isfunction(value) and value.__module__.startswith(api.package.__name__)


def _reached_builders(fn: Callable[..., Any], api: Api, owner: type, seen: set[Any]) -> list[str]:
    """Call builders ``fn`` reaches, through methods of ``owner`` and the API's own functions."""
    if fn in seen:
        return []
    seen.add(fn)
    found: list[str] = []
    names = _code_names(fn.__code__)  # type: ignore[attr-defined]
    for name in sorted(names):
        if name in api.builders and name not in found:
            found.append(name)
    for name in sorted(names):
        target = vars(owner).get(name)
        if target is None:
            target = getattr(fn, "__globals__", {}).get(name)
            if not _own_function(target, api):
                continue
        if inspect.isfunction(target):
            found += [b for b in _reached_builders(target, api, owner, seen) if b not in found]
    return found


# -- paths from the Call(...) expressions ------------------------------------------------------
def _render(node: ast.AST | None, scope: dict[str, Any]) -> str | None:
    """The text of a method or path expression, with ``{placeholders}`` for the arguments."""
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in scope["bound"]:
            return str(scope["bound"][node.id])
        assigned = scope["assigned"].get(node.id)
        return _render(assigned, scope) if assigned is not None and _render(assigned, scope) else f"{{{node.id}}}"
    if isinstance(node, ast.JoinedStr):
        parts = [_render(value, scope) for value in node.values]
        return "".join(part or "{?}" for part in parts)
    if isinstance(node, ast.FormattedValue):
        return _render(node.value, scope)
    if isinstance(node, ast.Attribute) and node.attr == "path" and scope.get("resource"):
        return str(scope["resource"].path)  # self.resource.path
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "PATHS":
        key = _render(node.slice, scope)
        return endocs_calls.PATHS.get(key or "", None)
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "format":
            return _render(func.value, scope)  # PATHS[...].format(...): keep the template
        if isinstance(func, ast.Name) and func.id in ("fill", "_workflow_path", "_execution_path") and node.args:
            return _render(node.args[0], scope)  # the core's path filler: keep the template
        if isinstance(func, ast.Attribute) and func.attr == "_path" and scope.get("resource"):
            return f"{scope['resource'].path}/{{{scope['resource'].id_field}}}"  # self._path(item_id)
        if isinstance(func, ast.Name) and func.id == "check_id" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Name) and first.id != "self":
                return f"{{{first.id}}}"
            if scope.get("resource"):
                return f"{{{scope['resource'].id_field}}}"
    return None


def _endpoints(builder: Callable[..., Any], scope: dict[str, Any]) -> list[tuple[str, str]]:
    """``(method, path)`` of every ``Call(...)`` the builder returns, following module helpers."""
    function = inspect.unwrap(builder)
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    body = tree.body[0]
    assigned = {
        node.targets[0].id: node.value
        for node in ast.walk(body)
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
    }
    scope = {**scope, "assigned": assigned}
    found: list[tuple[str, str]] = []
    for node in ast.walk(body):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        if node.func.id == "Call" and len(node.args) >= 2:
            method, path = _render(node.args[0], scope), _render(node.args[1], scope)
            if method is None or path is None:
                raise ValueError(f"cannot read the endpoint of {function.__qualname__}")
            found.append((method, path))
            continue
        helper = function.__globals__.get(node.func.id)
        if inspect.isfunction(helper) and helper.__module__ == function.__module__:
            params = list(inspect.signature(helper).parameters)
            bound = {params[i]: arg.value for i, arg in enumerate(node.args)
                     if isinstance(arg, ast.Constant) and i < len(params)}
            found += _endpoints(helper, {**scope, "bound": bound})
    return found


def _format_endpoint(method: str, path: str) -> str:
    if path.startswith("{"):  # an absolute URL the API handed out (webhooks)
        verb = f"`{method}`" if not method.startswith("{") else "the webhook's `method`"
        return f"{verb} at the `{path.strip('{}')}` the API returned"
    return f"`{method} /{path}`"


# -- one row per task pair ---------------------------------------------------------------------
@dataclass
class Row:
    order: tuple[int, int, str]
    endpoints: list[str]
    methods: list[str]
    sync: str
    asynchronous: str
    parameters: str
    retries: int


def _wrapped(task: Task[..., Any]) -> tuple[Callable[..., Any], bool]:
    """The function a task calls with a client, and whether the task opens the client itself."""
    inner = inspect.getclosurevars(task.fn).nonlocals.get("use")
    return (inner, False) if inner is not None else (task.fn, True)


def _rows(api: Api) -> Iterator[Row]:
    exported = {name: getattr(api.package, name) for name in api.package.__all__}
    tasks = {name: value for name, value in exported.items() if isinstance(value, Task)}
    for name in sorted(tasks):
        task = tasks[name]
        if task.isasync:
            continue
        twin = tasks.get("a" + name)
        if twin is None or not twin.isasync:
            raise ValueError(f"{api.title}: task {name} has no async twin a{name}")
        fn, _ = _wrapped(task)
        called = _code_names(fn.__code__)
        endpoints: list[str] = []
        methods: list[str] = []
        order = (len(api.builders), 0, name)
        if api.resources:  # ProSonata: getattr(client, <plural>).<verb>(...)
            plural = inspect.getclosurevars(fn).nonlocals["attr"]
            resource = api.resources[plural]
            order = (list(api.resources).index(plural), len(PROSONATA_VERBS), name)
            for verb in (v for v in PROSONATA_VERBS if v in called):
                assert hasattr(AsyncResource, verb), verb
                methods.append(f"client.{plural}.{verb}")
                order = min(order, (order[0], PROSONATA_VERBS.index(verb), name))
                for builder in _reached_builders(getattr(SyncResource, verb), api, SyncResource, set()):
                    scope = {"bound": {}, "resource": resource}
                    endpoints += [_format_endpoint(*e) for e in _endpoints(api.builders[builder], scope)]
        else:
            for method in sorted(n for n in called if n in vars(api.client)):
                if not hasattr(api.async_client, method):
                    raise ValueError(f"{api.title}: {api.async_client.__name__} lacks {method}")
                methods.append(f"client.{method}")
                for builder in _reached_builders(getattr(api.client, method), api, api.client, set()):
                    order = min(order, (list(api.builders).index(builder), 0, name))
                    for endpoint in _endpoints(api.builders[builder], {"bound": {}}):
                        text = _format_endpoint(*endpoint)
                        if text not in endpoints:
                            endpoints.append(text)
        if not methods or not endpoints:
            raise ValueError(f"{api.title}: found no client method or endpoint behind task {name}")
        parameters = [p for p in inspect.signature(task.fn).parameters if p != "credentials"]
        yield Row(order, endpoints, methods, name, "a" + name, ", ".join(f"`{p}`" for p in parameters), task.retries)


def _apis() -> list[Api]:
    exeoflow_builders = {n: v for n, v in vars(exeoflow.Calls).items() if isinstance(v, staticmethod)}
    endocs_builders = {
        n: v for n, v in vars(endocs_calls).items()
        if inspect.isfunction(v) and v.__module__ == endocs_calls.__name__ and not n.startswith("_")
        and str(inspect.signature(v).return_annotation).startswith("Call[")
    }
    return [
        Api("ProSonata", prosonata, prosonata.ProSonataClient, prosonata.AsyncProSonataClient,
            {verb: getattr(ResourceCalls, verb) for verb in ("page", "get", "create", "update", "delete")},
            "apis/prosonata.md", {r.plural: r for r in prosonata.RESOURCES}),
        Api("Exeoflow", exeoflow, exeoflow.ExeoflowClient, exeoflow.AsyncExeoflowClient,
            {n: v.__func__ for n, v in exeoflow_builders.items()}, "apis/exeoflow.md"),
        Api("EnDocs Cloud", endocs, endocs.EnDocsClient, endocs.AsyncEnDocsClient, endocs_builders,
            "apis/endocs.md"),
    ]


def render() -> str:
    out = [
        "# Task catalogue",
        "",
        "<!-- Generated by `python docs/render_tasks.py` from the task objects and the endpoint",
        "     declarations; do not edit by hand. tests/test_task_catalogue.py fails when it is stale. -->",
        "",
        "Every endpoint of the three APIs, the client method that sends it and the Prefect task pair",
        "that wraps that method. Each task takes a credentials block first (it opens the client",
        "itself); the async twin has the same parameters and is named `a` + the sync name. The sync",
        "and async clients have the same method names (`client.x(...)` / `await client.x(...)`).",
        "\"Retries\" are Prefect's own retries of the task after an outage; 0 means the call may",
        "start or create something and is never sent twice.",
    ]
    for api in _apis():
        rows = sorted(_rows(api), key=lambda row: row.order)
        out += [
            "",
            f"## {api.title}",
            "",
            f"{len(rows)} task pairs. What is documented and guessed about the API: [{api.note}]({api.note}).",
            "",
            "| Endpoint | Client method | Task | Async task | Parameters | Retries |",
            "|---|---|---|---|---|---|",
        ]
        for row in rows:
            out.append(
                f"| {'<br>'.join(row.endpoints)} | {'<br>'.join(f'`{m}`' for m in row.methods)} | `{row.sync}` | "
                f"`{row.asynchronous}` | {row.parameters} | {row.retries} |"
            )
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is out of date: run python docs/render_tasks.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
