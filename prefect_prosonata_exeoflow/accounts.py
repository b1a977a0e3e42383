"""How each API's credentials block is made: from environment variables or for the sandbox.

One place for the variables a real account needs, shared by ``python -m blocks.setup
--from-env`` (which saves the blocks) and ``python -m prefect_prosonata_exeoflow.check
--from-env`` (which only uses them).

=========================  ==========================================================
``PROSONATA_SUBDOMAIN``    account subdomain, or ``PROSONATA_BASE_URL`` (on-premises)
``PROSONATA_API_KEY``      user or integration key; ``PROSONATA_APP_ID`` for an integration
``EXEOFLOW_API_KEY``       API key; ``EXEOFLOW_BASE_URL`` for on-premises installs
``ENDOCS_TOKEN``           1C exchange token; ``ENDOCS_BASE_URL`` to override the cloud URL
=========================  ==========================================================
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from prefect.blocks.core import Block
from pydantic import SecretStr, ValidationError

from ._core.errors import ConfigurationError, describe_validation_error
from .sandbox.keys import SANDBOX_KEYS

__all__ = ["APIS", "BLOCK_NAMES", "RECIPES", "BlockRecipe", "build_blocks", "missing_env"]

#: Default block names; the sample flows take them as parameters.
BLOCK_NAMES = {"prosonata": "prosonata", "exeoflow": "exeoflow", "endocs": "endocs"}


@dataclass(frozen=True)
class BlockRecipe:
    """How one API's block is made from the environment or for the sandbox."""

    api: str
    block_class: Callable[[], type[Block]]
    required_env: tuple[tuple[str, ...], ...]  # each inner tuple: one of these must be set
    from_env: Callable[[Mapping[str, str]], dict[str, object]]
    for_sandbox: Callable[[str], dict[str, object]]


def _block_class(api: str, name: str) -> Callable[[], type[Block]]:
    """The block class, imported when first asked for (building a recipe imports no API)."""

    def load() -> type[Block]:
        block: type[Block] = getattr(importlib.import_module(f"{__package__}.{api}"), name)
        return block

    return load


def _opt(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _keyed(api: str, block: str, key_field: str, sandbox_path: str, sandbox_key: str) -> BlockRecipe:
    """An API whose block is one key field (``{API}_{FIELD}``) and, optionally, ``{API}_BASE_URL``."""
    variable, url_variable = f"{api.upper()}_{key_field.upper()}", f"{api.upper()}_BASE_URL"

    def from_env(env: Mapping[str, str]) -> dict[str, object]:
        url = _opt(env, url_variable)
        return {key_field: SecretStr(env[variable]), **({"base_url": url} if url else {})}

    def for_sandbox(url: str) -> dict[str, object]:
        return {"base_url": f"{url}/{sandbox_path}", key_field: SecretStr(SANDBOX_KEYS[sandbox_key])}

    return BlockRecipe(api, _block_class(api, block), ((variable,),), from_env, for_sandbox)


RECIPES = (
    BlockRecipe(
        "prosonata",
        _block_class("prosonata", "ProSonataCredentials"),
        (("PROSONATA_SUBDOMAIN", "PROSONATA_BASE_URL"), ("PROSONATA_API_KEY",)),
        lambda env: {
            "subdomain": _opt(env, "PROSONATA_SUBDOMAIN"),
            "base_url": _opt(env, "PROSONATA_BASE_URL"),
            "api_key": SecretStr(env["PROSONATA_API_KEY"]),
            "app_id": SecretStr(env["PROSONATA_APP_ID"]) if _opt(env, "PROSONATA_APP_ID") else None,
        },
        lambda url: {
            "base_url": f"{url}/prosonata/api/v1",
            "api_key": SecretStr(SANDBOX_KEYS["prosonata_app_key"]),
            "app_id": SecretStr(SANDBOX_KEYS["prosonata_app_id"]),
        },
    ),
    _keyed("exeoflow", "ExeoflowCredentials", "api_key", "exeoflow/v1", "exeoflow_api_key"),
    _keyed("endocs", "EnDocsCredentials", "token", "endocs", "endocs_token"),
)


#: The APIs in the order they are set up and checked.
APIS: tuple[str, ...] = tuple(recipe.api for recipe in RECIPES)


def missing_env(recipe: BlockRecipe, env: Mapping[str, str]) -> list[str]:
    """The variables (or alternatives) that must still be set for ``recipe``."""
    return [" or ".join(group) for group in recipe.required_env if not any(_opt(env, name) for name in group)]


def build_blocks(env: Mapping[str, str] | None = None, *, sandbox_url: str | None = None,
                 apis: tuple[str, ...] = APIS, rate_limit_store: str | None = None) -> dict[str, Block]:
    """One credentials block per API, from ``env`` or for the sandbox at ``sandbox_url``; with
    ``rate_limit_store`` (a Redis URL) every worker using a key spends one shared budget."""
    blocks: dict[str, Block] = {}
    for recipe in RECIPES:
        if recipe.api not in apis:
            continue
        if sandbox_url is None:
            assert env is not None
            missing = missing_env(recipe, env)
            if missing:
                raise ConfigurationError(
                    f"{recipe.api}: set {', '.join(missing)} (see the README, 'Real accounts'), "
                    f"or leave {recipe.api} out with --apis"
                )
            fields = recipe.from_env(env)
        else:
            fields = recipe.for_sandbox(sandbox_url.rstrip("/"))
        if rate_limit_store:
            fields["rate_limit_store"] = SecretStr(rate_limit_store)
        try:
            blocks[recipe.api] = recipe.block_class()(**fields)
        except ValidationError as exc:
            raise ConfigurationError(f"{recipe.api}: {describe_validation_error(exc)}") from None
    return blocks


