"""What the three credentials blocks share: timeouts, retry and pacing settings, the clients."""

from __future__ import annotations

import types
import typing
import warnings
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar, Generic, TypeVar

from prefect.blocks.core import Block, schema_extra
from pydantic import ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic.config import JsonDict
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode
from pydantic_core import InitErrorDetails
from typing_extensions import Self

from .budget import Budget, shared_budget
from .clock import SYSTEM_CLOCK, Clock
from .dialect import Dialect
from .errors import ConfigurationError, describe_validation_error
from .guard import PrefectRateLimitGuard
from .http import DEFAULT_MAX_RESPONSE_BYTES, AsyncClient, ClientSettings, SyncClient
from .pagination import DEFAULT_MAX_PAGES
from .policy import RetryPolicy
from .redis_budget import check_store_url, shared_redis_budget
from .urls import check_base_url

# Patterns are checked by Prefect's schema validation (the V2 UI, /ui/schemas/validate), not by the
# default UI's block form; the validators below check the same again when a block is built or loaded.
#: A base URL: http(s), a host, no credentials, query or fragment.
BASE_URL_PATTERN = r"^https?://[^\s/?#@]+(/[^\s?#@]*)?$"
#: A key field must hold at least one non-space character.
NOT_BLANK: JsonDict = {"minLength": 1, "pattern": r"\S"}


def _schema_extra(schema: dict[str, Any], model: type[Block]) -> None:
    """Prefect's block schema, shaped for the UI's block form, which checks only a field's type,
    bounds (minLength, minimum, ...) and the ``required`` list: no ``pattern``, no top-level rule.

    An optional field (``T | None = None``) becomes one plain field of type T without a default,
    so the form shows no string/null picker, leaves it out when empty, and Prefect's own schema
    check still accepts null for it. A field the block derives in Python but the form must have
    (``_form_required``) is listed as required; a Python-only convenience (``_form_hidden``) is
    neither shown nor saved.
    """
    schema_extra(schema, model)
    properties: dict[str, dict[str, Any]] = schema.get("properties", {})
    for name in getattr(model, "_form_hidden", ()):
        properties.pop(name, None)
    for prop in properties.values():
        plain_optional(prop)
    required = [name for name in getattr(model, "_form_required", ()) if name in properties]
    if required:
        schema["required"] = sorted({*schema.get("required", []), *required})


def plain_optional(prop: dict[str, Any]) -> None:
    """``{"anyOf": [X, {"type": "null"}], "default": null, ...}`` -> ``{**X, ...}`` (no default)."""
    options = prop.get("anyOf")
    if not isinstance(options, list) or {"type": "null"} not in options:
        return
    kept = [option for option in options if option != {"type": "null"}]
    if len(kept) != 1 or "$ref" in kept[0]:
        return
    del prop["anyOf"]
    for key, value in kept[0].items():
        prop.setdefault(key, value)
    if prop.get("default", ...) is None:
        del prop["default"]


def base_url_field(default: str, description: str) -> Any:
    """The ``base_url`` field of a block whose API has a fixed cloud URL (checked by the base validator)."""
    return Field(default=default, title="Base URL", description=description,
                 json_schema_extra={"pattern": BASE_URL_PATTERN})


def rate_limit_wait_field(default: float) -> Any:
    """``max_rate_limit_wait``, with the default of the API's window (a block overrides only that)."""
    return Field(default=default, ge=0,
                 description="Longest single wait for the rate limit to reset, in seconds; a longer wait raises an error.")


def response_bytes_field(default: int, why: str = "") -> Any:
    """``max_response_bytes``, with the default the API's answers need (``why`` says it in the form)."""
    return Field(default=default, ge=1024, description="Largest answer read, in bytes; a larger one raises "
                 f"ResponseTooLargeError while it arrives{f' ({why})' if why else ''}.")


S = TypeVar("S", bound=SyncClient)
A = TypeVar("A", bound=AsyncClient)

#: What stands in for a rejected value in a block's ValidationError.
HIDDEN_INPUT = "<hidden: block fields may hold secrets>"


def scrubbed(error: ValidationError) -> ValidationError:
    """The same ValidationError (type, location, message of every line) without the rejected
    values: ``hide_input_in_errors`` only hides them from the text, while ``errors()[...]["input"]``,
    ``json()`` and a pickle would still carry a key pasted into the wrong field."""
    lines: list[InitErrorDetails] = []
    for line in error.errors(include_url=False, include_input=False):
        detail: InitErrorDetails = {"type": line["type"], "loc": line["loc"], "input": HIDDEN_INPUT}
        if "ctx" in line:
            detail["ctx"] = line["ctx"]
        lines.append(detail)
    return ValidationError.from_exception_data(error.title, lines, hide_input=True)


class ServiceCredentials(Block, ABC, Generic[S, A]):
    """Common fields and the client factory; each API adds its own key fields and URL rules.

    A block names its clients once, as the type parameters (``ServiceCredentials[EnDocsClient,
    AsyncEnDocsClient]``): :meth:`get_client` builds that class and is typed as it.
    """

    def __class_getitem__(cls, clients: Any) -> Any:
        # A plain alias, not pydantic's parametrized subclass: that one would be a block class of its
        # own, which Prefect's server registers as a block type (ServiceCredentials[...] in the UI).
        return types.GenericAlias(cls, clients)

    # A rejected field (a base_url with a token in its query, a key of the wrong type) must not
    # be echoed into the ValidationError: not its text (hide_input_in_errors), nor its details,
    # args or pickle (:func:`scrubbed`, in both ways a block is built).
    model_config = ConfigDict(hide_input_in_errors=True, json_schema_extra=_schema_extra)

    #: Fields the UI form requires although Python may derive them (see :func:`_schema_extra`).
    _form_required: ClassVar[tuple[str, ...]] = ()
    #: Python-only conveniences the UI form neither shows nor saves.
    _form_hidden: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, **data: Any) -> None:
        try:
            super().__init__(*args, **data)
            return
        except ValidationError as exc:
            error = scrubbed(exc)
        raise error  # outside the handler: the original is not kept as __context__

    @classmethod
    def model_validate(cls, obj: Any, *, strict: bool | None = None, from_attributes: bool | None = None,
                       context: dict[str, Any] | None = None, **options: Any) -> Self:
        try:
            return super().model_validate(obj, strict=strict, from_attributes=from_attributes, context=context,
                                          **options)
        except ValidationError as exc:
            error = scrubbed(exc)
        raise error

    @classmethod
    def model_json_schema(  # type: ignore[override]  # Prefect's Block narrows it the same way
        cls,
        by_alias: bool = True,
        ref_template: str = "#/definitions/{model}",
        schema_generator: type[GenerateJsonSchema] = GenerateJsonSchema,
        mode: JsonSchemaMode = "validation",
        **options: Any,
    ) -> dict[str, Any]:
        """Prefect's schema, with the account's own fields (key, address) first in the form and the
        shared tuning fields after them (Prefect numbers fields in declaration order)."""
        schema = super().model_json_schema(by_alias, ref_template, schema_generator, mode, **options)
        properties: dict[str, dict[str, Any]] = schema.get("properties", {})
        shared = set(ServiceCredentials.model_fields)
        order = sorted(properties, key=lambda name: (name in shared, properties[name].get("position", 0)))
        for position, name in enumerate(order):
            properties[name]["position"] = position
        return schema

    timeout: float = Field(
        default=30.0, gt=0, le=600,
        description="Seconds one HTTP exchange may take in all (connect, headers and body together).",
    )
    max_retries: int = Field(
        default=4, ge=0, le=20, description="Retries after server errors and dropped connections (safe requests only)."
    )
    max_rate_limit_wait: float = rate_limit_wait_field(900.0)
    max_response_bytes: int = response_bytes_field(DEFAULT_MAX_RESPONSE_BYTES)
    max_pages: int = Field(
        default=DEFAULT_MAX_PAGES,
        ge=1,
        description="Pages one listing may fetch before it raises PaginationError (a server that never ends).",
    )
    rate_limit_store: SecretStr | None = Field(
        default=None,
        description=(
            "Redis URL (redis://[:password@]host:6379/0) of a store that every worker and flow run using this key "
            "shares, so they spend one rate budget together; empty keeps the budget inside each process."
        ),
    )
    concurrency_limit_name: str | None = Field(
        default=None,
        description=(
            "Deprecated, slower than rate_limit_store: name of a Prefect global concurrency limit with slot decay; "
            "when set, every request also takes a slot of it."
        ),
    )

    @field_validator("base_url", check_fields=False)  # a block's own rule replaces this one by its name
    @classmethod
    def _valid_base_url(cls, value: str) -> str | None:
        return check_base_url(value, field="base_url")

    @field_validator("rate_limit_store")
    @classmethod
    def _valid_store(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        return SecretStr(check_store_url(value.get_secret_value()))

    @classmethod
    def _clients(cls) -> tuple[type[S], type[A]]:
        """The block's (sync, async) client classes: the type parameters its class was declared with."""
        for klass in cls.__mro__:
            for base in getattr(klass, "__orig_bases__", ()):
                if typing.get_origin(base) is ServiceCredentials:
                    return typing.get_args(base)
        raise TypeError(f"{cls.__name__} does not name its clients: subclass ServiceCredentials[Sync, Async]")

    @classmethod
    def _load_from_block_document(cls, block_document: Any, validate: bool = True) -> Any:
        """Prefect's load, but a saved block that fails validation says which field and why."""
        try:
            return super()._load_from_block_document(block_document, validate=validate)
        except RuntimeError as exc:
            if not isinstance(exc.__cause__, ValidationError):
                raise
            raise ConfigurationError(
                f"{cls.get_block_type_name()} block {block_document.name!r} cannot be used: "
                f"{describe_validation_error(exc.__cause__)}. Fix it in the UI (Blocks) or save it again."
            ) from None

    @abstractmethod
    def client_settings(self, *, clock: Clock = SYSTEM_CLOCK) -> ClientSettings:
        """Base URL, auth headers, secrets to redact and the shared budget for this block."""

    @abstractmethod
    def test_connection(self) -> dict[str, Any]:
        """Make one cheap authenticated call; returns what the service says about the caller."""

    def get_client(self, **client_options: Any) -> S:
        """A blocking client; use it in a ``with`` block so its connections are closed."""
        return self._clients()[0](self.client_settings(), **client_options)

    def get_async_client(self, **client_options: Any) -> A:
        """An asyncio client; use it in an ``async with`` block."""
        return self._clients()[1](self.client_settings(), **client_options)

    # -- helpers for the subclasses ------------------------------------------------------------
    def _settings(
        self,
        *,
        api: str,
        base_url: str,
        dialect: Dialect,
        headers: Mapping[str, str],
        secrets: tuple[str, ...],
        clock: Clock,
        **budget_options: Any,
    ) -> ClientSettings:
        """What every API's settings share: this block's timeout, retries and guard, and the
        budget shared by every client of the same key (``secrets[0]``): in this process, or in
        every process when ``rate_limit_store`` names a Redis store."""
        if self.rate_limit_store is not None:
            budget: Budget = shared_redis_budget(
                self.rate_limit_store.get_secret_value(), api, base_url, secrets[0],
                clock=None if clock is SYSTEM_CLOCK else clock,  # the store's own clock, unless a test fakes one
                inflight_seconds=self.timeout + 5, **budget_options,
            )
        else:
            budget = shared_budget(api, base_url, secrets[0], clock, **budget_options)
        return ClientSettings(
            base_url=base_url,
            dialect=dialect,
            headers=dict(headers),
            secrets=secrets,
            timeout=self.timeout,
            policy=RetryPolicy(max_retries=self.max_retries, max_rate_limit_wait=self.max_rate_limit_wait),
            budget=budget,
            clock=clock,
            guard=_guard(self.concurrency_limit_name),
            max_response_bytes=self.max_response_bytes,
            max_pages=self.max_pages,
        )

    @staticmethod
    def _require(value: str | None, field: str, block: str) -> str:
        if value is None or not value.strip():
            raise ConfigurationError(f"{block}: {field} is missing or empty")
        return value.strip()


def _guard(name: str | None) -> PrefectRateLimitGuard | None:
    if not name:
        return None
    warnings.warn(
        "concurrency_limit_name is deprecated: Prefect's rate_limit() polls its server and measured 1.7 x the "
        "ideal time; set rate_limit_store (a Redis URL) to share one budget across workers at the API's ceiling",
        FutureWarning,  # shown to users by default, unlike DeprecationWarning
        stacklevel=3,
    )
    return PrefectRateLimitGuard(name)
