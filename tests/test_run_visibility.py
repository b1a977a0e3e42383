"""What a Prefect user sees: waits and 429s in the run's logs, Prefect events read back from the
server, and long waits announced on stderr by a plain script."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from prefect import flow

from prefect_prosonata_exeoflow.exeoflow import ExeoflowCredentials
from prefect_prosonata_exeoflow.sandbox import SANDBOX_KEYS, SandboxServer

WF = "wf_100001"
KEY = SANDBOX_KEYS["exeoflow_api_key"]


def _read_events(since: dt.datetime, prefixes: list[str], flow_run_id: str, want: set[str],
                 timeout: float = 30.0) -> list[Any]:
    """Events of one flow run whose name starts with one of ``prefixes``, polled until every name
    or resource id in ``want`` arrived (the server persists events in batches)."""
    from prefect.client.orchestration import get_client
    from prefect.events.filters import EventFilter, EventNameFilter, EventOccurredFilter, EventRelatedFilter
    from prefect.events.worker import EventsWorker

    EventsWorker.drain_all(timeout=10)

    async def read() -> list[Any]:
        async with get_client() as client:
            page = await client.read_events(
                filter=EventFilter(occurred=EventOccurredFilter(since=since), event=EventNameFilter(prefix=prefixes),
                                   related=EventRelatedFilter(id=[f"prefect.flow-run.{flow_run_id}"])),
                limit=50,
            )
            found = list(page.events)
            while page.next_page:
                page = await client.read_events_page(page.next_page)
                found += page.events
            return found

    deadline = time.monotonic() + timeout
    events: list[Any] = []
    while time.monotonic() < deadline:
        events = asyncio.run(read())
        if want <= {event.event for event in events} | {event.resource.id for event in events}:
            break
        time.sleep(0.5)
    return events


def _run_logs(flow_run_id: uuid.UUID) -> list[Any]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=10)

    async def read() -> list[Any]:
        async with get_client() as client:
            return list(await client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id]))))

    deadline = time.monotonic() + 20
    logs = asyncio.run(read())
    while time.monotonic() < deadline and not any("HTTP 429" in log.message for log in logs):
        time.sleep(0.5)
        logs = asyncio.run(read())
    return logs


def test_waits_429s_and_executions_reach_the_run_logs_and_prefect_events(
    prefect_harness: None, sandbox: SandboxServer
) -> None:
    """One flow meets a spent budget, a 429, a succeeding and a failing execution; the run's logs
    show the waits, and the server holds one event for each, related to the flow run."""
    sandbox.sandbox.configure("exeoflow", rate_limit=3, window_seconds=1, forced_retry_after=0.3,
                              execution_seconds=0.1)
    sandbox.sandbox.faults.add("rate_limit", api="exeoflow", path="/v1/workflows/", hint="retry_after_only", times=1)
    credentials = ExeoflowCredentials(api_key=KEY, base_url=sandbox.base_url("exeoflow"))
    marker = uuid.uuid4().hex
    since = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=5)

    @flow(name="visibility-probe")
    def probe() -> tuple[str, str, str]:
        from prefect.runtime import flow_run

        with credentials.get_client() as client:
            for _ in range(4):  # 4 calls on 3 per window: at least one budget wait
                client.get_workflow(WF)
            ok = client.execute_and_wait(WF, {"marker": marker}, poll_interval=0.05)
            bad = client.execute_and_wait(WF, {"marker": marker, "_sandbox": {"fail": True}}, poll_interval=0.05,
                                          raise_on_failure=False)
        return str(flow_run.id), ok.id, bad.id

    run_id, ok_id, bad_id = probe()

    logs = _run_logs(uuid.UUID(run_id))
    waits = [(log.level, log.message) for log in logs if "waiting" in log.message]
    assert any(level == 30 and "HTTP 429" in message for level, message in waits), waits
    assert any(level == 20 and "rate budget spent" in message for level, message in waits), waits
    assert all("until" in message for _, message in waits)

    expected = {"exeoflow.rate-limit.wait", "exeoflow.rate-limit.429", "exeoflow.execution.started",
                "exeoflow.execution.succeeded", "exeoflow.execution.failed"}
    started = {f"exeoflow.execution.{ok_id}", f"exeoflow.execution.{bad_id}"}
    events = _read_events(since, ["exeoflow."], run_id, want=expected | started)
    by_name: dict[str, list[Any]] = {}
    for event in events:
        by_name.setdefault(event.event, []).append(event)
    assert expected <= set(by_name), sorted(by_name)
    assert {e.resource.id for e in by_name["exeoflow.execution.started"]} == started
    succeeded = next(e for e in by_name["exeoflow.execution.succeeded"] if e.resource.id.endswith(ok_id))
    roles = {related.role: related.id for related in succeeded.related}
    assert roles["workflow"] == f"exeoflow.workflow.{WF}"
    assert roles["api"] == "exeoflow.api.localhost"
    assert roles["flow-run"] == f"prefect.flow-run.{run_id}"
    failed = next(e for e in by_name["exeoflow.execution.failed"] if e.resource.id.endswith(bad_id))
    assert failed.payload["status"] == "failed"
    wait = by_name["exeoflow.rate-limit.429"][0]
    assert wait.resource.id == "exeoflow.api.localhost" and wait.payload["seconds"] >= 0.3
    dumped = json.dumps([event.model_dump(mode="json") for event in events])
    assert KEY not in dumped


ANNOUNCE_SCRIPT = textwrap.dedent(
    """
    import httpx
    from prefect_prosonata_exeoflow._core.clock import FakeClock
    from prefect_prosonata_exeoflow.prosonata import ProSonataClient, ProSonataCredentials

    clock = FakeClock()
    answers = iter([
        httpx.Response(429, json={"meta": {"message": "limit reached", "apiLimitReset": 798}}),
        httpx.Response(200, json={"meta": {"apiLimitRemaining": 10, "apiLimitReset": 900}, "data": []}),
    ])
    credentials = ProSonataCredentials(subdomain="agentur", api_key="script-key-0001")
    client = ProSonataClient(credentials.client_settings(clock=clock),
                             transport=httpx.MockTransport(lambda request: next(answers)))
    client.request("GET", "projects")
    print("slept", round(sum(clock.sleeps)))
    """
)


def test_a_plain_script_announces_a_long_wait_on_stderr(tmp_path: Path) -> None:
    """Outside flows nothing is configured to show INFO; a 798 s wait still says what and until when."""
    done = subprocess.run([sys.executable, "-c", ANNOUNCE_SCRIPT], capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "PREFECT_HOME": str(tmp_path / "prefect-home")})
    assert done.returncode == 0, done.stderr
    assert "slept 798" in done.stdout
    lines = [line for line in done.stderr.splitlines() if "waiting" in line]
    assert len(lines) == 1, done.stderr
    assert "ProSonata: waiting 798" in lines[0] and "until" in lines[0] and "HTTP 429" in lines[0]
    assert "script-key-0001" not in done.stderr


def test_threads_waiting_for_one_reset_announce_it_once(caplog: pytest.LogCaptureFixture) -> None:
    from prefect_prosonata_exeoflow._core import logs

    caplog.set_level("INFO", logger="prefect_prosonata_exeoflow")
    until = time.time() + 600
    for offset in (0.0, 0.2, 0.4):
        logs.log_wait("ProSonata", 600 - offset, "rate budget spent", until=until + offset)
    logs.log_wait("ProSonata", 3.0, "short", until=until + 100)
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "waiting 600.00s" in warnings[0].getMessage()
    assert sum(r.levelname == "INFO" for r in caplog.records) == 3
