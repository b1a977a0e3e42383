"""A flow-run process for the SIGTERM tests: runs execute-and-wait until the parent terminates it.

Run as ``python -m tests.exeoflow.sigterm_child MODE BASE_URL``; the API key comes in the
``PPE_CHILD_EXEOFLOW_KEY`` environment variable (never on the command line). MODE: ``sync`` and
``async`` call the task in the flow; ``submitted`` and ``submitted-async`` submit it to a thread
pool, as a flow that runs several at once does (the signal reaches the flow's thread, not the task's).
"""

from __future__ import annotations

import asyncio
import faulthandler
import os
import signal
import sys
from typing import Any

from prefect import flow
from prefect.futures import wait
from prefect.task_runners import ThreadPoolTaskRunner

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

    @flow(task_runner=ThreadPoolTaskRunner(max_workers=2))
    def pool_flow(task: Any) -> Any:
        future = task.submit(credentials, WORKFLOW, SLOW_INPUT, poll_interval=0.1)
        wait([future])
        return future.result()

    if mode == "sync":
        long_flow()
    elif mode == "async":
        asyncio.run(long_async_flow())
    else:
        pool_flow(tasks.execute_workflow_and_wait if mode == "submitted" else tasks.aexecute_workflow_and_wait)


if __name__ == "__main__":
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # the parent asks for the stacks of a hang
    main(*sys.argv[1:3])
