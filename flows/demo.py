"""`make demo`: the main job end to end on this machine, against the sandbox and a local Prefect.

Steps: start a local Prefect server (SQLite in .prefect-home), start the API sandbox, register
the block types and save sandbox credentials, run the main flow over the seeded project times
of yesterday, and print what happened. Run it twice: the second run executes nothing again.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

from flows.runtime import local_prefect_server, use_prefect_api


def _line(text: str = "") -> None:
    print(text, flush=True)


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(prog="python -m flows.demo", description=__doc__.split("\n\n")[0]).parse_args(argv)
    started = time.monotonic()
    _line("prefect-prosonata-exeoflow demo: ProSonata project times -> Exeoflow executions")
    _line("  [1/4] starting a local Prefect server ...")
    with local_prefect_server() as api_url:
        use_prefect_api(api_url)  # before prefect is imported below
        warnings.filterwarnings("ignore")
        # A quiet console, but the run's INFO lines (waits, retries) still reach the UI's Logs tab.
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")

        from blocks.setup import build_blocks, register_block_types, save_blocks
        from flows.prosonata_time_to_exeoflow import prosonata_time_to_exeoflow
        from prefect_prosonata_exeoflow.sandbox import SandboxServer

        _line("  [2/4] starting the API sandbox (ProSonata, Exeoflow, EnDocs on loopback) ...")
        with SandboxServer() as sandbox:
            _line("  [3/4] registering block types and saving sandbox credentials ...")
            register_block_types()
            saved = save_blocks(build_blocks(sandbox_url=sandbox.url))
            _line("        blocks: " + ", ".join(saved.values()))
            _line("  [4/4] running flow prosonata-time-to-exeoflow for yesterday, one execution per project ...")
            summary = prosonata_time_to_exeoflow()
            stats = sandbox.sandbox.stats
            executions_started = stats.get("exeoflow.execute")
            requests = {api: stats.get(f"{api}.requests") for api in ("prosonata", "exeoflow")}

    _line()
    _line(f"Period {summary.period_start} to {summary.period_end}: {summary.entries_read} project time entries, "
          f"{summary.hours:.2f} h, in {summary.groups} groups (per project)")
    width = max([len(r.label) for r in summary.results] + [5])
    _line(f"  {'group':{width}}  entries    hours  execution     status")
    for result in summary.results:
        _line(f"  {result.label:{width}}  {result.entries:7d}  {result.hours:7.2f}  "
              f"{(result.execution_id or '-'):12s}  {result.status}")
    _line()
    _line(f"Executions started now: {executions_started} (found already done on Exeoflow: {summary.already_done}, "
          f"adopted while running: {summary.adopted}); succeeded {summary.succeeded}, failed {summary.failed}")
    _line(f"API calls: ProSonata {requests['prosonata']}, Exeoflow {requests['exeoflow']}; "
          f"rate-limit waits are logged per run")
    _line(f"Elapsed: {time.monotonic() - started:.1f} s")
    _line("Look in the UI: `make ui`, then Runs -> prosonata-time-to-exeoflow, and Artifacts -> "
          "prosonata-time-to-exeoflow. Run `make demo` again: nothing is executed twice.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
