"""``python -m prefect_prosonata_exeoflow.check``: check the accounts, print a table, exit 1 if broken.

Exit status: 0 all answers parse (drift is reported), 1 something would break parsing (or,
with ``--strict``, anything drifted), 2 the check could not start (no blocks, bad arguments).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from typing import Any

from .._core.credentials import ServiceCredentials
from .._core.errors import ConfigurationError
from ..accounts import APIS, BLOCK_NAMES, RECIPES, build_blocks, missing_env
from .core import check_accounts
from .runner import DEFAULT_MAX_CALLS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m prefect_prosonata_exeoflow.check",
        description="Call every read-only endpoint once and report how the answers differ from the models.",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--from-env", action="store_true",
                        help="credentials from the environment variables blocks.setup reads (nothing is saved)")
    source.add_argument("--sandbox", metavar="URL", help="check the local sandbox at URL, e.g. http://localhost:8765")
    parser.add_argument("--apis", help=f"comma-separated subset of {','.join(APIS)} (default: every API configured)")
    parser.add_argument("--block", action="append", default=[], metavar="API=NAME",
                        help="saved block name for an API (default: the API's name); repeatable")
    parser.add_argument("--max-calls", type=int, default=DEFAULT_MAX_CALLS,
                        help=f"most requests per API (default {DEFAULT_MAX_CALLS})")
    parser.add_argument("--record", metavar="DIR",
                        help="save the real exchanges as scrubbed vcrpy cassettes (and report.json) in DIR")
    parser.add_argument("--json", action="store_true", help="print the findings as JSON instead of a table")
    parser.add_argument("--strict", action="store_true", help="exit 1 on any drift, not only on breakage")
    return parser


def _apis(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    apis = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = sorted(set(apis) - set(APIS))
    if unknown:
        raise ConfigurationError(f"unknown API(s) {unknown}; choose from {', '.join(APIS)}")
    return apis


def _from_env(env: Mapping[str, str], apis: tuple[str, ...] | None) -> dict[str, ServiceCredentials[Any, Any]]:
    if apis is None:  # every API whose variables are set
        apis = tuple(recipe.api for recipe in RECIPES if not missing_env(recipe, env))
        if not apis:
            raise ConfigurationError("no API is configured in the environment (see the README, 'Real accounts')")
    return build_blocks(env, apis=apis)  # type: ignore[return-value]


def _saved(apis: tuple[str, ...] | None, names: Mapping[str, str]) -> dict[str, ServiceCredentials[Any, Any]]:
    blocks: dict[str, ServiceCredentials[Any, Any]] = {}
    problems = []
    for recipe in RECIPES:
        if apis is not None and recipe.api not in apis:
            continue
        name = names.get(recipe.api, BLOCK_NAMES[recipe.api])
        try:
            block: Any = recipe.block_class().load(name)
        except ValueError as exc:
            problems.append(f"{recipe.api}: no saved block {name!r} ({str(exc).splitlines()[0]})")
            continue
        blocks[recipe.api] = block
    if apis is not None and problems:
        raise ConfigurationError("; ".join(problems))
    if not blocks:
        raise ConfigurationError("no saved credentials block found: " + "; ".join(problems)
                                 + " (save them with python -m blocks.setup, or use --from-env)")
    for problem in problems:
        print(f"skipped {problem}", file=sys.stderr)
    return blocks


def _block_names(items: list[str]) -> dict[str, str]:
    names = {}
    for item in items:
        api, _, name = item.partition("=")
        if api not in APIS or not name:
            raise ConfigurationError(f"--block expects API=NAME with API one of {', '.join(APIS)}; got {item!r}")
        names[api] = name
    return names


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.max_calls < 1:
            raise ConfigurationError("--max-calls must be at least 1")
        apis = _apis(args.apis)
        if args.sandbox:
            blocks: dict[str, ServiceCredentials[Any, Any]] = build_blocks(  # type: ignore[assignment]
                sandbox_url=args.sandbox, apis=apis or APIS
            )
        elif args.from_env:
            blocks = _from_env(os.environ, apis)
        else:
            blocks = _saved(apis, _block_names(args.block))
        report = check_accounts(blocks, max_calls=args.max_calls, record=args.record)
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False) if args.json else report.table())
    if args.record:
        print(f"\ncassettes and report.json written to {args.record} (keys and tokens replaced by REDACTED)")
    return report.exit_code(strict=args.strict)


if __name__ == "__main__":
    raise SystemExit(main())
