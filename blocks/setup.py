"""Register the block types and save the credential blocks, idempotently.

    python -m blocks.setup --from-env            # real accounts, from environment variables
    python -m blocks.setup --sandbox URL         # the local sandbox (what `make demo` does)

Environment variables for real accounts (see the README):

=========================  ==========================================================
``PROSONATA_SUBDOMAIN``    account subdomain, or ``PROSONATA_BASE_URL`` (on-premises)
``PROSONATA_API_KEY``      user or integration key; ``PROSONATA_APP_ID`` for an integration
``EXEOFLOW_API_KEY``       API key; ``EXEOFLOW_BASE_URL`` for on-premises installs
``ENDOCS_TOKEN``           1C exchange token; ``ENDOCS_BASE_URL`` to override the cloud URL
``RATE_LIMIT_STORE``       optional Redis URL shared by all workers (``--rate-limit-store``)
=========================  ==========================================================
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from prefect.blocks.core import Block
from pydantic import SecretStr, ValidationError

from prefect_prosonata_exeoflow import ConfigurationError
from prefect_prosonata_exeoflow.sandbox import SANDBOX_KEYS

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


def _prosonata() -> type[Block]:
    from prefect_prosonata_exeoflow.prosonata import ProSonataCredentials

    return ProSonataCredentials


def _exeoflow() -> type[Block]:
    from prefect_prosonata_exeoflow.exeoflow import ExeoflowCredentials

    return ExeoflowCredentials


def _endocs() -> type[Block]:
    from prefect_prosonata_exeoflow.endocs import EnDocsCredentials

    return EnDocsCredentials


def _opt(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


RECIPES = (
    BlockRecipe(
        "prosonata",
        _prosonata,
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
    BlockRecipe(
        "exeoflow",
        _exeoflow,
        (("EXEOFLOW_API_KEY",),),
        lambda env: {
            "api_key": SecretStr(env["EXEOFLOW_API_KEY"]),
            **({"base_url": env["EXEOFLOW_BASE_URL"]} if _opt(env, "EXEOFLOW_BASE_URL") else {}),
        },
        lambda url: {"base_url": f"{url}/exeoflow/v1", "api_key": SecretStr(SANDBOX_KEYS["exeoflow_api_key"])},
    ),
    BlockRecipe(
        "endocs",
        _endocs,
        (("ENDOCS_TOKEN",),),
        lambda env: {
            "token": SecretStr(env["ENDOCS_TOKEN"]),
            **({"base_url": env["ENDOCS_BASE_URL"]} if _opt(env, "ENDOCS_BASE_URL") else {}),
        },
        lambda url: {"base_url": f"{url}/endocs", "token": SecretStr(SANDBOX_KEYS["endocs_token"])},
    ),
)


def register_block_types() -> list[str]:
    """Register every block type of the collection with the current Prefect API."""
    import prefect_prosonata_exeoflow as package

    names = []
    for value in vars(package).values():
        if isinstance(value, type) and issubclass(value, Block) and value.__name__.endswith("Credentials"):
            value.register_type_and_schema()
            names.append(value.get_block_type_name())
    return sorted(names)


def missing_env(recipe: BlockRecipe, env: Mapping[str, str]) -> list[str]:
    """The variables (or alternatives) that must still be set for ``recipe``."""
    return [" or ".join(group) for group in recipe.required_env if not any(_opt(env, name) for name in group)]


def build_blocks(env: Mapping[str, str] | None = None, *, sandbox_url: str | None = None,
                 apis: tuple[str, ...] = ("prosonata", "exeoflow", "endocs"),
                 rate_limit_store: str | None = None) -> dict[str, Block]:
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
            raise ConfigurationError(f"{recipe.api}: {exc.errors()[0]['msg']}") from None
    return blocks


def save_blocks(blocks: Mapping[str, Block], names: Mapping[str, str] = BLOCK_NAMES) -> dict[str, str]:
    """Save each block under its name (overwriting: running twice changes nothing)."""
    saved = {}
    for api, block in blocks.items():
        block.save(names[api], overwrite=True)
        saved[api] = f"{block.get_block_type_slug()}/{names[api]}"
    return saved


def main(argv: list[str] | None = None) -> int:
    import os

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--from-env", action="store_true", help="real accounts from environment variables")
    source.add_argument("--sandbox", metavar="URL", help="the sandbox's root URL, e.g. http://localhost:8765")
    parser.add_argument("--apis", default="prosonata,exeoflow,endocs", help="comma-separated subset")
    parser.add_argument("--rate-limit-store", metavar="REDIS_URL", default=os.environ.get("RATE_LIMIT_STORE"),
                        help="Redis URL of the budget shared by all workers (default: $RATE_LIMIT_STORE)")
    args = parser.parse_args(argv)
    try:
        blocks = build_blocks(os.environ, sandbox_url=args.sandbox, apis=tuple(args.apis.split(",")),
                              rate_limit_store=args.rate_limit_store or None)
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("registered block types:", ", ".join(register_block_types()))
    for api, ref in save_blocks(blocks).items():
        print(f"saved {api} credentials as {ref}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
