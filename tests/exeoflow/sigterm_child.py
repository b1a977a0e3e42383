"""A flow-run process for the SIGTERM tests: runs execute-and-wait until the parent terminates it.

Run as ``python -m tests.exeoflow.sigterm_child sync|async BASE_URL``; the API key comes in the
``PPE_CHILD_EXEOFLOW_KEY`` environment variable (never on the command line).
"""

from __future__ import annotations

import asyncio
import faulthandler
import os
import signal
import sys
from typing import Any

from prefect import flow

from prefect_prosonata_exeoflow.exeoflow import ExeoflowCredentials, tasks

WORKFLOW, SLOW_INPUT = "wf_100001", {"_sandbox": {"seconds": 60}}


def main(mode: str, base_url: str) -> None:
    credentials = ExeoflowCredentials(api_key=os.environ["PPE_CHILD_EXEOFLOW_KEY"], base_url=base_url)

    @flow
    def long_flow() -> Any:
        return tasks.execute_workflow_and_wait(credentials, WORKFLOW, SLOW_INPUT, poll_interval=0.1)

    @flow
    async def long_async_flow() -> Any:
        return await tasks.aexecute_workflow_and_wait(credentials, WORKFLOW, SLOW_INPUT, poll_interval=0.1)

    if mode == "sync":
        long_flow()
    else:
        asyncio.run(long_async_flow())


if __name__ == "__main__":
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # the parent asks for the stacks of a hang
    main(*sys.argv[1:3])
