"""Loopback tests of execute-and-wait and of the no-duplicate guarantee under injected faults."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from typing import Any

import pytest

from prefect_prosonata_exeoflow._core.errors import MalformedResponseError, OutcomeUnknownError
from prefect_prosonata_exeoflow.exeoflow import (
    ExecutionFailedError,
    ExecutionTimeoutError,
    ExeoflowCredentials,
)
from prefect_prosonata_exeoflow.sandbox import SandboxServer
from prefect_prosonata_exeoflow.sandbox.exeoflow import ExeoflowEmulator
from tests.conftest import Clocked

from .conftest import clocked_client

WF = "wf_100001"
EXECUTE_PATH = r"^/v1/workflows/[^/]+/execute$"


def executes(sandbox: SandboxServer) -> int:
    return sandbox.sandbox.stats.get("exeoflow.execute")


def test_success_returns_the_final_execution(credentials: ExeoflowCredentials, emulator: ExeoflowEmulator) -> None:
    emulator.configure(execution_seconds=0.4)
    with credentials.get_client() as client:
        execution = client.execute_and_wait(WF, {"projekt": "P-7"}, poll_interval=0.1)
    assert execution.status == "success" and execution.output and execution.output["echo"] == {"projekt": "P-7"}
    assert [s.node_name for s in execution.steps or []] == [
        "Webhook Trigger", "Zeiten zuordnen", "Zeiteinträge speichern"]


def test_failure_raises_with_the_servers_error(credentials: ExeoflowCredentials) -> None:
    steer = {"fail": True, "seconds": 0.3, "error_code": "MAPPING_ERROR", "error_message": "Projekt unbekannt"}
    with credentials.get_client() as client, pytest.raises(ExecutionFailedError) as caught:
        client.execute_and_wait(WF, {"_sandbox": steer}, poll_interval=0.1)
    assert caught.value.code == "MAPPING_ERROR" and "Projekt unbekannt" in str(caught.value)
    execution = caught.value.execution
    assert execution is not None and execution.steps and execution.steps[-1].status == "failed"


def test_timeout_cancels_the_remote_execution(clocked: Clocked) -> None:
    """On the sandbox's fake clock: the wait gives up exactly at its timeout and cancels."""
    started = clocked.clock.monotonic()
    with clocked_client(clocked) as client, pytest.raises(ExecutionTimeoutError) as caught:
        client.execute_and_wait(WF, {"_sandbox": {"seconds": 30}}, timeout=0.8, poll_interval=0.1)
    waited = clocked.clock.monotonic() - started
    assert waited == pytest.approx(0.8, abs=1e-6), waited
    assert caught.value.execution is not None and caught.value.execution.status == "cancelled"
    emulator = clocked.server.sandbox.emulators["exeoflow"]
    assert isinstance(emulator, ExeoflowEmulator) and emulator.running_executions() == []
    assert clocked.server.sandbox.stats.get("exeoflow.cancel") == 1


@pytest.fixture
def interrupt_after() -> Iterator[Any]:
    """Raise KeyboardInterrupt in the main thread after a delay, as Ctrl-C (a signal) would."""
    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    yield lambda seconds: signal.setitimer(signal.ITIMER_REAL, seconds)
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


def test_an_interrupt_while_waiting_cancels_the_execution(
    credentials: ExeoflowCredentials, emulator: ExeoflowEmulator, interrupt_after: Any
) -> None:
    with credentials.get_client() as client:
        interrupt_after(0.6)
        with pytest.raises(KeyboardInterrupt):
            client.execute_and_wait(WF, {"_sandbox": {"seconds": 30}}, poll_interval=0.05, max_poll_interval=0.05)
    assert emulator.running_executions() == []
    assert [e["status"] for e in map(emulator.execution, emulator.executions) if e["status"] == "cancelled"]


async def test_cancelling_the_asyncio_task_cancels_the_execution(
    credentials: ExeoflowCredentials, emulator: ExeoflowEmulator
) -> None:
    async with credentials.get_async_client() as client:
        waiting = asyncio.ensure_future(client.execute_and_wait(WF, {"_sandbox": {"seconds": 30}}, poll_interval=0.1))
        while not emulator.running_executions():
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.2)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
    assert emulator.running_executions() == []


async def test_async_timeout_and_failure(credentials: ExeoflowCredentials, emulator: ExeoflowEmulator) -> None:
    async with credentials.get_async_client() as client:
        with pytest.raises(ExecutionTimeoutError):
            await client.execute_and_wait(WF, {"_sandbox": {"seconds": 30}}, timeout=0.5, poll_interval=0.1)
        with pytest.raises(ExecutionFailedError):
            await client.execute_and_wait(WF, {"_sandbox": {"fail": True, "seconds": 0.2}}, poll_interval=0.1)
    assert emulator.running_executions() == []


# -- fault drills: one execution per execute call, whatever breaks ----------------------------
AFTER_PROCESSING = [("reset_after", None), ("status_after", 502), ("status_after", 500), ("cut", None)]


@pytest.mark.parametrize(("kind", "status"), AFTER_PROCESSING + [("truncated", None)])
def test_execute_is_never_sent_twice(credentials: ExeoflowCredentials, sandbox: SandboxServer,
                                     kind: str, status: int | None) -> None:
    sandbox.sandbox.faults.add(kind, api="exeoflow", method="POST", path=EXECUTE_PATH, status=status)  # type: ignore[arg-type]
    with credentials.get_client() as client, pytest.raises((OutcomeUnknownError, MalformedResponseError)):
        client.execute_workflow(WF, {"lauf": kind})
    assert executes(sandbox) == 1


@pytest.mark.parametrize(("kind", "status"), AFTER_PROCESSING + [("truncated", None)])
def test_execute_and_wait_adopts_the_execution_its_lost_call_started(
    credentials: ExeoflowCredentials, sandbox: SandboxServer, emulator: ExeoflowEmulator,
    kind: str, status: int | None
) -> None:
    emulator.configure(execution_seconds=0.2)
    sandbox.sandbox.faults.add(kind, api="exeoflow", method="POST", path=EXECUTE_PATH, status=status)  # type: ignore[arg-type]
    with credentials.get_client() as client:
        execution = client.execute_and_wait(WF, {"lauf": kind}, poll_interval=0.1)
        again = client.execute_and_wait(WF, {"lauf": kind}, poll_interval=0.1)  # no fault now
    assert execution.status == "success" and execution.input == {"lauf": kind}
    assert again.id != execution.id
    assert executes(sandbox) == 2  # two calls, two executions: nothing duplicated, nothing lost


@pytest.mark.parametrize(("kind", "status"), [("status", 503), ("reset_before", None), ("html", 502)])
def test_a_start_that_never_happened_is_not_invented(credentials: ExeoflowCredentials, sandbox: SandboxServer,
                                                     kind: str, status: int | None) -> None:
    sandbox.sandbox.faults.add(kind, api="exeoflow", method="POST", path=EXECUTE_PATH, status=status)  # type: ignore[arg-type]
    with credentials.get_client() as client, pytest.raises(OutcomeUnknownError, match="0 executions"):
        client.execute_and_wait(WF, {"lauf": kind}, poll_interval=0.1)
    assert executes(sandbox) == 0


def test_many_drills_in_a_row_record_exactly_one_execution_per_call(
    credentials: ExeoflowCredentials, sandbox: SandboxServer, emulator: ExeoflowEmulator
) -> None:
    emulator.configure(execution_seconds=0.05)
    calls = 0
    with credentials.get_client() as client:
        for round_number, (kind, status) in enumerate(AFTER_PROCESSING * 2):
            sandbox.sandbox.faults.add(kind, api="exeoflow", method="POST", path=EXECUTE_PATH,  # type: ignore[arg-type]
                                       status=status)
            calls += 1
            client.execute_and_wait(WF, {"runde": round_number}, poll_interval=0.05)
    assert executes(sandbox) == calls == 8
    assert emulator.running_executions() == []


def test_transient_poll_failures_are_retried_not_fatal(credentials: ExeoflowCredentials,
                                                       sandbox: SandboxServer) -> None:
    sandbox.sandbox.faults.add("status", api="exeoflow", method="GET", path=r"^/v1/executions/", status=503, times=1)
    sandbox.sandbox.faults.add("reset_before", api="exeoflow", method="GET", path=r"^/v1/executions/", times=1)
    with credentials.get_client() as client:
        execution = client.execute_and_wait(WF, {"k": 1}, poll_interval=0.1)
    assert execution.status == "success" and executes(sandbox) == 1
