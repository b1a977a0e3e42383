"""``python -m prefect_prosonata_exeoflow.sandbox``: serve the sandbox in the foreground."""

from __future__ import annotations

import argparse
import json

import uvicorn

from .app import Sandbox
from .keys import SANDBOX_KEYS


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the ProSonata / Exeoflow / EnDocs sandbox on loopback.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--config",
        default="{}",
        help='JSON per API, e.g. \'{"prosonata": {"rate_limit": 50, "window_seconds": 60}}\'',
    )
    args = parser.parse_args(argv)
    sandbox = Sandbox(seed=args.seed, **json.loads(args.config))
    print(f"sandbox on http://localhost:{args.port} serving {', '.join(sorted(sandbox.emulators))}")
    for name, emulator in sandbox.emulators.items():
        print(f"  {name:10s} base_url http://localhost:{args.port}/{name}{emulator.base_path}")
    print("  keys: " + ", ".join(f"{k}={v}" for k, v in SANDBOX_KEYS.items()))
    uvicorn.run(sandbox.app, host=args.host, port=args.port, log_level="warning", access_log=False,
                date_header=False)  # the sandbox stamps its own Date, on each API's clock


if __name__ == "__main__":
    main()
