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
from collections.abc import Mapping

from prefect.blocks.core import Block

from prefect_prosonata_exeoflow import ConfigurationError
# The recipes live in the package: the account check reads the same variables.
from prefect_prosonata_exeoflow.accounts import BLOCK_NAMES, RECIPES, BlockRecipe, build_blocks, missing_env

__all__ = ["BLOCK_NAMES", "RECIPES", "BlockRecipe", "build_blocks", "main", "missing_env", "register_block_types",
           "save_blocks"]


def register_block_types() -> list[str]:
    """Register every block type of the collection with the current Prefect API."""
    import prefect_prosonata_exeoflow as package

    names = []
    for value in vars(package).values():
        if isinstance(value, type) and issubclass(value, Block) and value.__name__.endswith("Credentials"):
            value.register_type_and_schema()
            names.append(value.get_block_type_name())
    return sorted(names)


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
