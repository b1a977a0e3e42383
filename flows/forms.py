"""Run forms the Prefect UI renders cleanly: an optional parameter as one plain field.

Prefect turns ``project_id: int | None = None`` into ``{"anyOf": [{"type": "integer"}, {"type":
"null"}], "default": null}``. The UI (3.9.1) renders that as a type picker that opens on
'Property is type "None"', and for any field whose default is null it sends null, which a schema
of type integer alone refuses. What renders as one plain field *and* accepts an empty field is
``{"type": "integer"}`` with no default: the UI leaves an empty field out of the run's parameters
(the function's ``None`` applies), and Prefect's server, which checks every run against the
schema, reads a field that is not required and has no default as nullable, so
``run_deployment(parameters={"project_id": None})`` is accepted too.

:func:`plain_optional_parameters` gives a flow that schema. Only the schema changes: the function
keeps its ``None`` defaults, and Prefect validates a run's parameters against the function.
"""

from __future__ import annotations

import inspect
import types
import typing
from typing import Annotated, Any, TypeVar

from prefect import Flow
from prefect.utilities.callables import parameter_schema
from pydantic import Field

MISSING: Any = None  # a field default that pydantic leaves out of the JSON schema (public from 2.14)
try:
    from pydantic import MISSING
except ImportError:  # pragma: no cover - older pydantic
    try:
        from pydantic.experimental.missing_sentinel import MISSING
    except ImportError:
        pass

F = TypeVar("F", bound=Flow[Any, Any])


def without_none(annotation: Any) -> Any | None:
    """``T | None`` -> ``T`` and ``Annotated[T | None, ...]`` -> ``Annotated[T, ...]``; else None."""
    if typing.get_origin(annotation) is Annotated:
        inner, *metadata = typing.get_args(annotation)
        plain = without_none(inner)
        return None if plain is None else Annotated[(plain, *metadata)]
    if typing.get_origin(annotation) in (types.UnionType, typing.Union):
        options = [option for option in typing.get_args(annotation) if option is not type(None)]
        if len(options) == 1 and len(typing.get_args(annotation)) == 2:
            return options[0]
    return None


def plain_optional_parameters(flow: F) -> F:
    """Apply after ``@flow``: every ``x: T | None = None`` parameter gets the form schema of a plain,
    optional T without a default (see the module docstring). Prefect reads a flow's schema from
    ``inspect.signature(flow)`` (serve, ``flow.deploy``, ``prefect deploy``), so the flow carries a
    signature for the schema while ``flow.fn`` keeps its own."""
    if MISSING is None:  # pragma: no cover - older pydantic: the picker stays, the form still works
        return flow
    signature = inspect.signature(flow.fn, eval_str=True)
    parameters = []
    for parameter in signature.parameters.values():
        plain = without_none(parameter.annotation) if parameter.default is None else None
        if plain is not None:
            parameter = parameter.replace(annotation=plain, default=Field(default=MISSING))
        parameters.append(parameter)
    flow.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    flow.parameters = parameter_schema(flow)
    return flow
