"""Every Exeoflow task (sync and async twin) in real Prefect flows against the sandbox,
plus what happens to a running execution when the Prefect run is cancelled."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from prefect import flow, task
from prefect.settings import PREFECT_API_URL
from prefect.task_runners import ThreadPoolTaskRunner

from prefect_prosonata_exeoflow._core.tasks import task_runner_stop
from prefect_prosonata_exeoflow.exeoflow import (
    ExecutionFailedError,
    ExecutionTimeoutError,
    ExeoflowCredentials,
    tasks,
)
from prefect_prosonata_exeoflow.sandbox import SandboxServer
from prefect_prosonata_exeoflow.sandbox.exeoflow import ExeoflowEmulator

WF = "wf_100001"
ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_every_sync_task_in_a_flow(credentials: ExeoflowCredentials, sandbox: SandboxServer,
                                   emulator: ExeoflowEmulator) -> None:
    emulator.configure(execution_seconds=0.2)

    @flow
    def tour() -> dict[str, Any]:
        out: dict[str, Any] = {}
        out["active"] = tasks.list_workflows(credentials, status="active")
        out["page2"] = tasks.list_workflows(credentials, page=2, page_size=3)
        out["detail"] = tasks.get_workflow(credentials, WF)
        created = tasks.create_workflow(credentials, "Flow-Test", nodes=[{"id": "n1", "type": "trigger"}])
        out["updated"] = tasks.update_workflow(credentials, created.id, description="geändert")
        out["activated"] = tasks.set_workflow_status(credentials, created.id, "active")
        started = tasks.execute_workflow(credentials, created.id, {"a": 1})
        out["waited"] = tasks.wait_for_execution(credentials, started.execution_id, poll_interval=0.1)
        out["got"] = tasks.get_execution(credentials, started.execution_id)
        long_run = tasks.execute_workflow(credentials, created.id, {"_sandbox": {"seconds": 30}})
        out["cancelled"] = tasks.cancel_execution(credentials, long_run.execution_id)
        out["executions"] = tasks.list_executions(credentials, workflow_id=created.id)
        out["final"] = tasks.execute_workflow_and_wait(credentials, created.id, {"b": 2}, poll_interval=0.1)
        out["once"] = [tasks.execute_workflow_once(credentials, created.id, {"d": 4}, "tour-key", poll_interval=0.1)
                       for _ in range(2)]
        hook = tasks.create_webhook(credentials, created.id, "Flow-Hook")
        out["hooks"] = tasks.list_webhooks(credentials, created.id)
        out["invoked"] = tasks.invoke_webhook(credentials, hook, {"c": 3})
        out["deleted"] = tasks.delete_workflow(credentials, created.id)
        return out

    out = tour()
    assert {w.status for w in out["active"]} == {"active"} and len(out["page2"]) == 1
    assert out["detail"].nodes and out["updated"].description == "geändert"
    assert out["activated"].status == "active"
    assert out["waited"].status == "success" and out["got"].input == {"a": 1}
    assert out["cancelled"].status == "cancelled" and len(out["executions"]) == 2
    assert out["final"].status == "success" and out["final"].output["echo"] == {"b": 2}
    assert [o.how for o in out["once"]] == ["started", "already-done"]
    assert out["once"][0].execution.input == {"d": 4, "idempotency_key": "tour-key"}
    assert len(out["hooks"]) == 1 and out["invoked"].execution_id.startswith("exec_")
    assert out["deleted"].deleted
    stats = sandbox.sandbox.stats
    assert stats.get("exeoflow.execute") == 4 and stats.get("exeoflow.webhook.invoke") == 1


def test_every_async_task_in_a_flow(credentials: ExeoflowCredentials, sandbox: SandboxServer,
                                    emulator: ExeoflowEmulator) -> None:
    emulator.configure(execution_seconds=0.2)

    @flow
    async def atour() -> dict[str, Any]:
        out: dict[str, Any] = {}
        out["all"] = await tasks.alist_workflows(credentials)
        out["one_page"] = await tasks.alist_workflows(credentials, page=1, page_size=2)
        out["detail"] = await tasks.aget_workflow(credentials, WF)
        created = await tasks.acreate_workflow(credentials, "Async-Flow")
        out["updated"] = await tasks.aupdate_workflow(credentials, created.id, name="Async-Flow 2")
        out["activated"] = await tasks.aset_workflow_status(credentials, created.id, "active")
        started = await tasks.aexecute_workflow(credentials, created.id, {"a": 1})
        out["waited"] = await tasks.await_for_execution(credentials, started.execution_id, poll_interval=0.1)
        out["got"] = await tasks.aget_execution(credentials, started.execution_id)
        long_run = await tasks.aexecute_workflow(credentials, created.id, {"_sandbox": {"seconds": 30}})
        out["cancelled"] = await tasks.acancel_execution(credentials, long_run.execution_id)
        out["executions"] = await tasks.alist_executions(credentials, workflow_id=created.id, status="cancelled")
        out["final"] = await tasks.aexecute_workflow_and_wait(credentials, created.id, {"b": 2}, poll_interval=0.1)
        hook = await tasks.acreate_webhook(credentials, created.id, "Async-Hook")
        out["hooks"] = await tasks.alist_webhooks(credentials)
        out["invoked"] = await tasks.ainvoke_webhook(credentials, hook, {"c": 3})
        out["deleted"] = await tasks.adelete_workflow(credentials, created.id)
        return out

    out = asyncio.run(atour())
    assert len(out["all"]) == 4 and len(out["one_page"]) == 2 and out["detail"].id == WF
    assert out["updated"].name == "Async-Flow 2" and out["activated"].status == "active"
    assert out["waited"].status == "success" and out["got"].input == {"a": 1}
    assert out["cancelled"].status == "cancelled" and [e.status for e in out["executions"]] == ["cancelled"]
    assert out["final"].status == "success"
    assert len(out["hooks"]) == 2 and out["invoked"].execution_id and out["deleted"].deleted
    assert sandbox.sandbox.stats.get("exeoflow.execute") == 3


def test_failed_execution_fails_the_task_with_the_servers_error(credentials: ExeoflowCredentials) -> None:
    @flow
    def failing() -> Any:
        return tasks.execute_workflow_and_wait(
            credentials, WF, {"_sandbox": {"fail": True, "seconds": 0.1, "error_code": "KAPUTT"}}, poll_interval=0.1)

    with pytest.raises(ExecutionFailedError) as caught:
        failing()
    assert caught.value.code == "KAPUTT" and caught.value.execution is not None


def test_timeout_fails_the_task_and_cancels(credentials: ExeoflowCredentials, emulator: ExeoflowEmulator) -> None:
    @flow
    def slow() -> Any:
        return tasks.execute_workflow_and_wait(credentials, WF, {"_sandbox": {"seconds": 30}}, timeout=0.5,
                                               poll_interval=0.1)

    with pytest.raises(ExecutionTimeoutError):
        slow()
    assert emulator.running_executions() == []


def _wait_until_known(emulator: ExeoflowEmulator, sandbox: SandboxServer, child: subprocess.Popen[bytes],
                      timeout: float = 60.0) -> None:
    """Until an execution runs and the child sent a request after it (a poll): the child has then
    read execute's answer and knows the execution's id."""
    deadline = time.monotonic() + timeout
    requests_then: int | None = None
    while requests_then is None or sandbox.sandbox.stats.get("exeoflow.requests") <= requests_then:
        if requests_then is None and emulator.running_executions():
            requests_then = sandbox.sandbox.stats.get("exeoflow.requests")
        if child.poll() is not None:
            raise AssertionError(f"the flow-run process ended early: {child.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
        if time.monotonic() > deadline:
            raise AssertionError("no execution started")
        time.sleep(0.05)


def _execution_started(emulator: ExeoflowEmulator, child: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    """Until the server runs an execution (its answer may still be held back)."""
    deadline = time.monotonic() + timeout
    while not emulator.running_executions():
        assert child.poll() is None, child.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
        assert time.monotonic() < deadline, "no execution started"
        time.sleep(0.05)


@pytest.mark.parametrize(("mode", "when"), [
    ("sync", "id known"), ("sync", "execute unanswered"), ("async", "id known"), ("async", "execute unanswered"),
    # Submitted to a thread pool: Prefect tells a running task nothing, the task's own stop does.
    ("submitted", "id known"), ("submitted-async", "id known"),
])
def test_sigterm_to_the_flow_run_process_cancels_the_execution(
    mode: str, when: str, credentials: ExeoflowCredentials, emulator: ExeoflowEmulator, sandbox: SandboxServer
) -> None:
    """Cancelling a deployment run makes the worker SIGTERM the flow-run process: Prefect turns the
    signal into TerminationSignal (sync) or a cancelled coroutine (async), and the task cancels the
    remote execution on its way out. A task submitted to a thread pool learns it from the event
    Prefect sets when the flow stops using its tasks. A real child process, so the signal never
    hits pytest.

    "execute unanswered": the server started the execution but holds its answer back when the
    signal comes; the process never learnt the id, finds the execution by its input and cancels it."""
    if when == "execute unanswered":
        sandbox.sandbox.faults.add("latency_after", api="exeoflow", method="POST", path="/execute$", delay=20,
                                   times=None)
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(),
           "PPE_CHILD_EXEOFLOW_KEY": credentials.api_key.get_secret_value()}
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.exeoflow.sigterm_child", mode, sandbox.base_url("exeoflow")],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        if when == "id known":
            _wait_until_known(emulator, sandbox, child)
        else:
            _execution_started(emulator, child)
        child.send_signal(signal.SIGTERM)
        try:
            code = child.wait(timeout=60)
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGUSR1)  # every thread's stack to stderr, then kill it
            time.sleep(1)
            child.kill()
            raise AssertionError(f"still running 60 s after SIGTERM:\n{child.communicate()[1].decode()[-6000:]}") from None
        assert code != 0, "the terminated run must not report success"
    finally:
        if child.poll() is None:
            child.kill()
    assert emulator.running_executions() == []
    statuses = [emulator.execution(e)["status"] for e in emulator.executions]
    assert statuses.count("cancelled") == 1, statuses


def test_a_submitted_task_finds_the_stop_prefect_sets_for_it_and_a_direct_call_has_none() -> None:
    """The event the waits of a submitted task watch is Prefect's own (a private attribute in 3.9):
    this fails first, and plainly, if a Prefect release moves it."""
    found: list[threading.Event | None] = []

    @task
    def probe() -> None:
        found.append(task_runner_stop())

    @flow(task_runner=ThreadPoolTaskRunner(max_workers=1))
    def probing() -> None:
        probe.submit().wait()
        probe()

    probing()
    submitted, direct = found
    assert isinstance(submitted, threading.Event) and submitted.is_set()  # set once the flow stopped using it
    assert direct is None


def test_cancelling_an_async_task_cancels_the_execution(credentials: ExeoflowCredentials,
                                                        emulator: ExeoflowEmulator) -> None:
    @flow
    async def cancelled_flow() -> str:
        waiting = asyncio.ensure_future(tasks.aexecute_workflow_and_wait(
            credentials, WF, {"_sandbox": {"seconds": 30}}, poll_interval=0.1))
        while not emulator.running_executions():
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.3)
        waiting.cancel()
        try:
            await waiting
        except asyncio.CancelledError:
            return "cancelled"
        return "finished"

    assert asyncio.run(cancelled_flow()) == "cancelled"
    assert emulator.running_executions() == []


def test_prefect_task_timeout_cancels_the_execution(credentials: ExeoflowCredentials,
                                                    emulator: ExeoflowEmulator) -> None:
    bounded = tasks.execute_workflow_and_wait.with_options(timeout_seconds=1)

    @flow
    def bounded_flow() -> Any:
        return bounded(credentials, WF, {"_sandbox": {"seconds": 30}}, poll_interval=0.1)

    with pytest.raises(TimeoutError):
        bounded_flow()
    assert emulator.running_executions() == []
