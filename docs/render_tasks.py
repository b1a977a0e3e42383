"""Write every API's ``tasks.py`` and ``docs/tasks.md`` from the endpoint declarations.

``python docs/render_tasks.py`` (``make docs``) rewrites them; ``--check`` exits 1 if any is out
of date (``tests/test_task_catalogue.py`` runs the same comparison). Nothing here is typed by
hand per endpoint:

* Exeoflow and EnDocs: every :class:`~prefect_prosonata_exeoflow._core.endpoints.Endpoint` their
  ``Endpoints`` class declares becomes a task pair with the same parameters (a paged one: all
  rows, or one ``page``), and every client method marked ``@operation`` one more; the summary
  and the Args come from the declaration's docstring, the return type from its model;
* ProSonata: every row of ``RESOURCES`` gives a task pair per method it allows (``list_``,
  ``get_``, ``create_``, ``update_``, ``delete_``), described from the row (filters, sort keys,
  required fields);
* the catalogue lists, per task pair, the endpoints it sends and the client method it calls.

The tasks are written out (not made at import time) so that ``grep "def list_projects"`` and
go-to-definition land on a typed function with its docstring.
"""

from __future__ import annotations

import builtins
import inspect
import re
import sys
import textwrap
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from prefect_prosonata_exeoflow._core.endpoints import Operation, declared  # noqa: E402
from prefect_prosonata_exeoflow.endocs import calls as endocs_calls  # noqa: E402
from prefect_prosonata_exeoflow.endocs import models as endocs_models  # noqa: E402
from prefect_prosonata_exeoflow.endocs.client import EnDocsClient  # noqa: E402
from prefect_prosonata_exeoflow.exeoflow import calls as exeoflow_calls  # noqa: E402
from prefect_prosonata_exeoflow.exeoflow.client import ExeoflowClient  # noqa: E402
from prefect_prosonata_exeoflow.prosonata.client import ACCESSORS  # noqa: E402
from prefect_prosonata_exeoflow.prosonata.resources import Resource  # noqa: E402

OUTPUT = Path(__file__).with_name("tasks.md")
PACKAGE = "prefect_prosonata_exeoflow"
CREDENTIALS_ARG = "The {title} credentials block (saved once, loaded by its name)."


@dataclass
class Param:
    name: str
    annotation: str
    default: str | None
    doc: str
    keyword: bool = False  # keyword-only on the client method


@dataclass
class Spec:
    """One task pair: how it is declared, what it calls, what it sends."""

    name: str
    summary: str
    params: list[Param]
    returns: str
    call: str  # the client call, e.g. "projects.get(item_id)"
    methods: list[str]
    endpoints: list[tuple[str, str]]
    retry_safe: bool
    example: str
    paged: str | None = None  # Exeoflow: the page method, for the "one page" branch
    written_in: str = ""  # a task written by hand in this module of the API
    filters: list[str] = field(default_factory=list)


@dataclass
class Api:
    key: str
    title: str
    credentials: str
    note: str
    specs: list[Spec]
    globals: dict[str, Any]
    source: str = "the endpoint declarations"
    retries: str = ""


# -- reading declarations ------------------------------------------------------------------------
def _doc_parts(doc: str | None, where: str) -> tuple[str, dict[str, str]]:
    """A docstring's summary (all before ``Args:``) and its ``name: description`` Args."""
    text = inspect.cleandoc(doc or "")
    if not text:
        raise ValueError(f"{where} has no docstring")
    head, _, args = text.partition("Args:")
    summary = " ".join(line.strip() for line in head.strip().split("\n\n")[0].splitlines())
    described: dict[str, str] = {}
    current = None
    for line in textwrap.dedent(args).splitlines():
        match = re.match(r"(\w+): (.*)", line)
        if match:
            current = match.group(1)
            described[current] = match.group(2).strip()
        elif current and line.strip():
            described[current] += " " + line.strip()
    return summary, described


def _params(signature: inspect.Signature, described: dict[str, str], where: str) -> list[Param]:
    params = []
    for p in signature.parameters.values():
        if p.name == "self":
            continue
        if p.name not in described:
            raise ValueError(f"{where}: the docstring's Args do not describe {p.name!r}")
        default = None if p.default is inspect.Parameter.empty else repr(p.default)
        params.append(Param(p.name, str(p.annotation), default, described[p.name],
                            p.kind is inspect.Parameter.KEYWORD_ONLY))
    return params


def _type_text(value: Any) -> str:
    """An annotation for a declared return model (``list[Webhook]``, ``Feed[Document]``, ``None``)."""
    if value is None or value is type(None):
        return "None"
    meta = getattr(value, "__pydantic_generic_metadata__", None)
    if meta and meta.get("origin") is not None:
        return f"{meta['origin'].__name__}[{', '.join(_type_text(arg) for arg in meta['args'])}]"
    origin = typing.get_origin(value)
    if origin is not None:
        return f"{origin.__name__}[{', '.join(_type_text(arg) for arg in typing.get_args(value))}]"
    return str(value.__name__)


def _endpoint_specs(api: str, owner: type, client: type) -> list[Spec]:
    specs = []
    for attribute, endpoint in declared(owner).items():
        summary, described = _doc_parts(endpoint.__doc__, attribute)
        params = _params(endpoint.__signature__, described, attribute)
        if endpoint.paging is not None:
            name = attribute.removesuffix("_page")
            skip = (endpoint.paging.page, endpoint.paging.size)
            filters = [p for p in params if p.name not in skip]
            row_type = _type_text(typing.get_args(endpoint.returns)[0] if typing.get_args(endpoint.returns) else
                                  endpoint.returns.__pydantic_generic_metadata__["args"][0])
            extra = [
                Param("limit", "int | None", "None", "At most this many rows (all pages are read until then); None for all."),
                Param("page", "int | None", "None", "Read only this page (from 1) instead of every page."),
                Param("page_size", "int", repr(endpoint.__signature__.parameters[endpoint.paging.size].default),
                      f"Rows per page when ``page`` is given (1 to {endpoint.paging.max_size})."),
            ]
            if not summary.startswith("One page of "):
                raise ValueError(f"{attribute}: a paged endpoint's summary starts with 'One page of'")
            rows = summary.removeprefix("One page of ").rstrip(".")
            summary = rows[0].upper() + rows[1:] + "; all pages (or the first ``limit`` rows), or only ``page``."
            specs.append(Spec(name, summary, filters + extra, f"list[{row_type}]", "", [f"client.{name}", f"client.{attribute}"],
                              [(endpoint.method, endpoint.path)], endpoint.retry_safe, endpoint.example,
                              paged=attribute, filters=[p.name for p in filters]))
            continue
        args = ", ".join(f"{p.name}={p.name}" if p.keyword else p.name for p in params)
        specs.append(Spec(attribute, summary, params, _type_text(endpoint.returns), f"{attribute}({args})",
                          [f"client.{attribute}"], [(endpoint.method, endpoint.path)], endpoint.retry_safe,
                          endpoint.example))
    endpoints = declared(owner)
    for klass in reversed(client.__mro__):
        for attribute, method in vars(klass).items():
            marked: Operation | None = getattr(method, "__operation__", None)
            if marked is None:
                continue
            summary, described = _doc_parts(method.__doc__, attribute)
            sends = [(endpoints[n].method, endpoints[n].path) for n in marked.sends]
            spec = Spec(marked.task, summary, [], marked.returns, "", [f"client.{attribute}"], sends,
                        marked.retry_safe, marked.example)
            spec.written_in = marked.written_in
            if not marked.written_in:
                spec.params = _params(inspect.signature(method), described, attribute)
                args = ", ".join(f"{p.name}={p.name}" if p.keyword else p.name for p in spec.params)
                spec.call = f"{attribute}({args})"
            specs.append(spec)
    return specs


PROSONATA_VERBS = ("list", "get", "create", "update", "delete")


def _prosonata_specs() -> list[Spec]:
    specs = []
    item_id = "The row's ``{id}``."
    for plural, accessor in ACCESSORS.items():
        resource: Resource = accessor.resource
        model = f"m.{resource.model.__name__}"
        one = f"{resource.path}/{{{resource.id_field}}}"
        sorts = ", ".join(f"``{key}``" for key in resource.sort_keys)
        filters = ", ".join(f"``{key}``" for key in resource.filters)
        required = ", ".join(f"``{key}``" for key in resource.required) or "none"
        row = f"ProSonata {resource.path}"
        ident = Param("item_id", "int", None, item_id.format(id=resource.id_field))
        fields = Param("fields", "dict[str, Any]", None, "The row's fields by their API names.")
        shapes = {
            "list": Spec(f"list_{plural}", f"Every {row} row matching ``filters``, ordered by ``order_by``; all pages "
                         "at the largest page size, or the first ``limit`` rows.",
                         [Param("filters", "dict[str, Any] | None", "None",
                                f"Filters by their API names: {filters}. Dates as ``\"2026-11-01\"``, "
                                "``\">2026-11-01\"`` or ``between(a, b)``."),
                          Param("order_by", "str | None", "None", f"A sort key and direction, e.g. "
                                f"``\"{resource.sort_keys[0]} DESC\"``; keys: {sorts}."),
                          Param("limit", "int | None", "None", "At most this many rows; None for all.")],
                         f"list[{model}]", f"{plural}.list(limit=limit, order_by=order_by, **(filters or {{}}))",
                         [f"client.{plural}.list"], [("GET", resource.path)], True, "limit=10"),
            "get": Spec(f"get_{resource.singular}", f"One {row} row by its ``{resource.id_field}``.", [ident],
                        model, f"{plural}.get(item_id)", [f"client.{plural}.get"], [("GET", one)], True, "1"),
            "create": Spec(f"create_{resource.singular}", f"Create a {row} row from ``fields`` (required: {required}). "
                           "Sent once: never retried after it may have arrived.", [fields], model,
                           f"{plural}.create(fields)", [f"client.{plural}.create"], [("POST", resource.path)], False,
                           "{" + ", ".join(f'"{key}": ...' for key in resource.required) + "}"),
            "update": Spec(f"update_{resource.singular}", f"Partially update a {row} row: only the given ``fields`` "
                           "change.", [ident, Param("fields", "dict[str, Any]", None, "The fields to change, by their "
                                                    "API names.")], model, f"{plural}.update(item_id, fields)",
                           [f"client.{plural}.update"], [("PUT", one)], True, '1, {"...": ...}'),
            "delete": Spec(f"delete_{resource.singular}", f"Delete a {row} row by its ``{resource.id_field}``.",
                           [ident], "None", f"{plural}.delete(item_id)", [f"client.{plural}.delete"],
                           [("DELETE", one)], True, "1"),
        }
        specs += [shapes[verb] for verb in PROSONATA_VERBS if resource.supports(verb)]  # type: ignore[arg-type]
    return specs


def apis() -> list[Api]:
    from prefect_prosonata_exeoflow.prosonata import client as prosonata_client

    return [
        Api("prosonata", "ProSonata", "ProSonataCredentials", "apis/prosonata.md", _prosonata_specs(),
            {**vars(builtins), **vars(prosonata_client)}, "the rows of ``resources.RESOURCES``",
            "Creates are never retried by Prefect."),
        Api("exeoflow", "Exeoflow", "ExeoflowCredentials", "apis/exeoflow.md",
            _endpoint_specs("exeoflow", exeoflow_calls.Endpoints, ExeoflowClient), vars(exeoflow_calls),
            "``calls.Endpoints`` and the client's ``@operation`` methods",
            "Creates, executes and invokes are never retried by Prefect."),
        Api("endocs", "EnDocs", "EnDocsCredentials", "apis/endocs.md",
            _endpoint_specs("endocs", endocs_calls.Endpoints, EnDocsClient),
            {**vars(endocs_models), **vars(endocs_calls)}, "``calls.Endpoints``",
            "The scan upload is never retried by Prefect."),
    ]


# -- writing tasks.py ----------------------------------------------------------------------------
def _imports(api: Api, specs: list[Spec]) -> list[str]:
    """The import lines every annotation of the module needs."""
    wanted: dict[str, set[str]] = {}
    text = " ".join(p.annotation for spec in specs if spec.call or spec.paged for p in spec.params)
    text += " " + " ".join(spec.returns for spec in specs if spec.call or spec.paged)
    for name in sorted(set(re.findall(r"(?<![.\w])[A-Za-z_]\w*", text))):
        if name in ("None", "m") or hasattr(builtins, name):
            continue
        value = api.globals.get(name)
        module = getattr(value, "__module__", None)
        if value is None:
            raise ValueError(f"{api.key}: cannot import {name!r} for an annotation")
        if module is None or (not isinstance(value, type) and module not in ("typing", "collections.abc")):
            module = _defining_module(api, name)  # an alias (DateLike, FileLike)
        if module == "typing" or module == "collections.abc":
            wanted.setdefault(module, set()).add(name)
        elif module.startswith(PACKAGE + "."):
            parts = module.split(".")[1:]
            relative = "." + parts[-1] if parts[0] == api.key else ".." + ".".join(parts)
            wanted.setdefault(relative, set()).add(name)
        else:
            wanted.setdefault(module.split(".")[0] if module.startswith("pydantic") else module, set()).add(name)
    wanted.setdefault(".._core.tasks", set()).update({"api_task", "with_async_client", "with_client"})
    wanted.setdefault(".credentials", set()).add(api.credentials)
    order = sorted(wanted, key=lambda mod: (mod.startswith("."), mod == "pydantic", not mod.startswith(".."), mod))
    lines = [f"from {mod} import {', '.join(sorted(wanted[mod]))}" for mod in order]
    first_local = next((i for i, mod in enumerate(order) if mod.startswith(".")), len(lines))
    third_party = next((i for i, mod in enumerate(order) if mod == "pydantic"), first_local)
    groups = [lines[:third_party], lines[third_party:first_local], lines[first_local:]]
    return [line for group in groups if group for line in [*group, ""]][:-1]


def _defining_module(api: Api, name: str) -> str:
    """The module of the API's subpackage that assigns ``name`` (a type alias has no ``__module__``)."""
    for module_name, module in sorted(sys.modules.items()):
        source = getattr(module, "__file__", None) if module_name.startswith(f"{PACKAGE}.{api.key}.") else None
        if source and re.search(rf"^{name}\b.*=", Path(source).read_text(encoding="utf-8"), re.MULTILINE):
            return module_name
    raise ValueError(f"{api.key}: no module defines {name!r}")


def _docstring(api: Api, spec: Spec) -> str:
    lines = [*textwrap.wrap(spec.summary, 100), "", "Args:", f"    credentials: {CREDENTIALS_ARG.format(title=api.title)}"]
    for p in spec.params:
        lines += textwrap.wrap(f"{p.name}: {p.doc}", 100, initial_indent="    ", subsequent_indent="        ")
    returns = "Nothing." if spec.returns == "None" else f"{spec.returns}: the parsed answer."
    lines += ["", "Returns:", f"    {returns}"]  # the Example is api_task's, from ``example=``
    body = "\n".join(("    " + line) if line else "" for line in lines)
    return f'    """{body.lstrip()}\n    """'


def _signature(api: Api, spec: Spec) -> list[str]:
    parts = [f"credentials: {api.credentials}"]
    seen_default = False
    star = False
    for p in spec.params:
        if p.default is None and seen_default and not star:
            parts.append("*")
            star = True
        seen_default = seen_default or p.default is not None
        parts.append(f"{p.name}: {p.annotation}" + (f" = {p.default}" if p.default is not None else ""))
    return parts


def _task(api: Api, spec: Spec, asynchronous: bool) -> str:
    """One task: its body is one call on the block's client, the same call in the async twin (awaited),
    which takes the sync task's docstring (``api_task(twin_of=...)``)."""
    name = ("a" if asynchronous else "") + spec.name
    a, wait, opener = ("async ", "await ", "with_async_client") if asynchronous else ("", "", "with_client")
    params = _signature(api, spec)
    header = f"{a}def {name}({', '.join(params)}) -> {spec.returns}:"
    if len(header) > 110:
        header = f"{a}def {name}(\n" + "".join(f"    {p},\n" for p in params) + f") -> {spec.returns}:"
    call = spec.call
    if spec.paged:
        call = f"{spec.name}({', '.join(f'{f}={f}' for f in spec.filters)}, limit=limit, page=page, page_size=page_size)"
    body = f"    return {wait}{opener}(credentials, lambda client: client.{call})"
    if len(f"    return await with_async_client(credentials, lambda client: client.{call})") > 110:  # twins alike
        inner = f"        lambda client: client.{call},"
        if len(inner) > 110:
            method, _, args = call.partition("(")
            inner = f"        lambda client: client.{method}(\n" + "\n".join(
                textwrap.wrap(args.removesuffix(")"), 100, initial_indent=" " * 12, subsequent_indent=" " * 12)
            ) + "\n        ),"
        body = f"    return {wait}{opener}(\n        credentials,\n{inner}\n    )"
    options = ("" if spec.retry_safe else ", safe_to_retry=False")
    options += f", twin_of={spec.name}" if asynchronous else f", example={spec.example!r}"
    doc = "" if asynchronous else _docstring(api, spec) + "\n"
    decorator = f'@api_task("{api.key}-{name}"{options})'
    if len(decorator) > 110:
        wrapped = options.replace(", example=", ",\n    example=")
        decorator = f'@api_task(\n    "{api.key}-{name}"{wrapped},\n)'
    return f"{decorator}\n{header}\n{doc}{body}\n"


def render_module(api: Api) -> str:
    specs = [spec for spec in api.specs if spec.call or spec.paged]
    by_hand = [spec for spec in api.specs if spec.written_in]
    names = sorted(n for spec in specs + by_hand for n in (spec.name, "a" + spec.name))
    out = [
        # The client methods are made from the declarations, so mypy reads most answers as Any;
        # each task's return annotation is what callers are typed against.
        '# mypy: disable-error-code="no-any-return"',
        *textwrap.wrap(f'"""{api.title} tasks, each with its async twin (``a`` prefix), written from {api.source}.',
                       100),
        "",
        *textwrap.wrap(f"Regenerate with ``make docs``; tests/test_task_catalogue.py fails when this is stale. "
                       f"{api.retries} Each task's body is one call on the block's client; the Example of its "
                       "docstring is added by ``api_task`` from ``example=``.", 100),
        '"""',
        "",
        "from __future__ import annotations",
        "",
        *_imports(api, specs),
    ]
    if any("m." in spec.returns or any("m." in p.annotation for p in spec.params) for spec in specs):
        out.append("from . import models as m")
    for spec in by_hand:
        out.append(f"from .{spec.written_in} import a{spec.name}, {spec.name}  # written by hand")
    out += ["", *textwrap.wrap("__all__ = [" + ", ".join(f'"{n}"' for n in names) + "]", 110,
                               subsequent_indent="    "), ""]
    for spec in specs:
        out += ["", _task(api, spec, False), "", _task(api, spec, True)]
    return "\n".join(out).rstrip() + "\n"


def module_path(api: Api) -> Path:
    return ROOT / PACKAGE / api.key / "tasks.py"


# -- writing docs/tasks.md -----------------------------------------------------------------------
def _format_endpoint(method: str, path: str) -> str:
    if path.startswith("{"):  # an absolute URL the API handed out (webhooks)
        return f"the webhook's `method` at the `{path.strip('{}')}` the API returned"
    return f"`{method} /{path}`"


def render() -> str:
    out = [
        "# Task catalogue",
        "",
        "<!-- Generated by `python docs/render_tasks.py` from the endpoint declarations, like the",
        "     tasks.py modules; do not edit by hand. tests/test_task_catalogue.py fails when it is stale. -->",
        "",
        "Every endpoint of the three APIs, the client method that sends it and the Prefect task pair",
        "that wraps that method. Each task takes a credentials block first (it opens the client",
        "itself); the async twin has the same parameters and is named `a` + the sync name. The sync",
        "and async clients have the same method names (`client.x(...)` / `await client.x(...)`).",
        "\"Retries\" are Prefect's own retries of the task after an outage; 0 means the call may",
        "start or create something and is never sent twice.",
    ]
    from prefect_prosonata_exeoflow._core.tasks import TASK_RETRIES

    for api in apis():
        out += [
            "",
            f"## {api.title if api.key != 'endocs' else 'EnDocs Cloud'}",
            "",
            f"{len(api.specs)} task pairs. What is documented and guessed about the API: [{api.note}]({api.note}).",
            "",
            "| Endpoint | Client method | Task | Async task | Parameters | Retries |",
            "|---|---|---|---|---|---|",
        ]
        for spec in api.specs:
            params = _hand_written_params(api, spec) if spec.written_in else [p.name for p in spec.params]
            out.append(
                f"| {'<br>'.join(_format_endpoint(*e) for e in spec.endpoints)} | "
                f"{'<br>'.join(f'`{m}`' for m in spec.methods)} | `{spec.name}` | `a{spec.name}` | "
                f"{', '.join(f'`{p}`' for p in params)} | {TASK_RETRIES if spec.retry_safe else 0} |"
            )
    return "\n".join(out) + "\n"


def _hand_written_params(api: Api, spec: Spec) -> list[str]:
    import importlib

    task = getattr(importlib.import_module(f"{PACKAGE}.{api.key}.{spec.written_in}"), spec.name)
    return [p for p in inspect.signature(task.fn).parameters if p != "credentials"]


def outputs() -> Iterator[tuple[Path, str]]:
    for api in apis():
        yield module_path(api), render_module(api)
    yield OUTPUT, render()


def main(argv: list[str]) -> int:
    stale = []
    for path, text in outputs():
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current == text:
            continue
        if "--check" in argv:
            stale.append(str(path.relative_to(ROOT)))
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print(f"out of date: {', '.join(stale)}; run python docs/render_tasks.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
