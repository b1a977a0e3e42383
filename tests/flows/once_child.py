"""A worker process for the exactly-once drills: saves sandbox blocks, runs one sample flow, reports.

Run as ``python -m tests.flows.once_child main|endocs SANDBOX_URL NAME '{"flow": "kwargs"}'``
with ``PREFECT_API_URL`` (and its own ``PREFECT_LOCAL_STORAGE_PATH``) in the environment. The
blocks are saved under ``*-NAME`` and the flow run is named ``NAME-<pid>``, so the parent can
find this run's artifact. With ``PPE_ONCE_BARRIER`` it waits (after printing ``READY``) until that
file exists, so that two runs start together. The last line printed is ``RESULT <json>`` unless
the process was killed.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any


def main(kind: str, sandbox_url: str, name: str, kwargs: dict[str, Any]) -> int:
    from blocks.setup import build_blocks, save_blocks
    from flows.endocs_contracts_to_prosonata import ContractSyncFailed, endocs_contracts_to_prosonata
    from flows.prosonata_time_to_exeoflow import TimeSyncFailed, prosonata_time_to_exeoflow

    names = {"prosonata": f"ps-{name}", "exeoflow": f"exeo-{name}", "endocs": f"endocs-{name}"}
    if not os.environ.get("PPE_ONCE_SKIP_BLOCKS"):
        save_blocks(build_blocks(sandbox_url=sandbox_url), names)
    run_name = f"{name}-{os.getpid()}"
    barrier = os.environ.get("PPE_ONCE_BARRIER")
    print(f"READY {run_name}", flush=True)
    while barrier and not os.path.exists(barrier):  # overlapping runs start together
        time.sleep(0.01)
    if kind == "main":
        flow, blocks = prosonata_time_to_exeoflow, {"prosonata_block": names["prosonata"],
                                                   "exeoflow_block": names["exeoflow"]}
    else:
        flow, blocks = endocs_contracts_to_prosonata, {"prosonata_block": names["prosonata"],
                                                      "endocs_block": names["endocs"],
                                                      "cursor_variable": f"cursor-{name}"}
    try:
        summary = flow.with_options(flow_run_name=run_name)(**blocks, **kwargs)
    except (TimeSyncFailed, ContractSyncFailed) as exc:
        summary = exc.summary
    print("RESULT " + summary.model_dump_json(), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4] if len(sys.argv) > 4 else "{}")))
