"""`make ui`: a local Prefect server with its UI, the API sandbox, sandbox blocks, and every sample
flow served as a deployment. Open the printed URL, pick a deployment, fill the form, run it.
Stop with Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import signal

from flows.runtime import local_prefect_server, use_prefect_api

UI_PORT = int(os.environ.get("PPE_UI_PORT", "4200"))
SANDBOX_PORT = int(os.environ.get("PPE_SANDBOX_PORT", "8765"))


def _stop_on_sigterm() -> None:
    """A SIGTERM (``timeout``, a supervisor) unwinds like Ctrl-C, so the Prefect server is stopped too."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(
        prog="python -m flows.ui", description=__doc__.split("\n")[0],
        epilog="Ports: PPE_UI_PORT (default 4200) and PPE_SANDBOX_PORT (default 8765).",
    ).parse_args(argv)
    _stop_on_sigterm()
    print(f"starting a local Prefect server with the UI on http://127.0.0.1:{UI_PORT} ...", flush=True)
    with local_prefect_server(port=UI_PORT, ui=True) as api_url:
        use_prefect_api(api_url)
        from blocks.setup import build_blocks, register_block_types, save_blocks
        from flows.serve import deployments
        from prefect import serve
        from prefect_prosonata_exeoflow.sandbox import SandboxServer

        with SandboxServer(port=SANDBOX_PORT) as sandbox:
            register_block_types()
            saved = save_blocks(build_blocks(sandbox_url=sandbox.url))
            print(f"sandbox on {sandbox.url}; blocks: {', '.join(saved.values())}")
            print(f"open http://127.0.0.1:{UI_PORT}, go to Deployments, pick one, 'Run' -> 'Custom run'.")
            print("Ctrl-C stops everything.", flush=True)
            try:
                serve(*deployments(), print_starting_message=False)
            except KeyboardInterrupt:
                pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
