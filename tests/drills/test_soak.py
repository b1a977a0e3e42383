"""Soak: tens of thousands of requests to all three APIs with random faults switched on.

Run with ``make soak`` (excluded from ``make test``). One worker thread per API lists, reads and
creates in rounds until ``SOAK_REQUESTS`` requests were sent or ``SOAK_SECONDS`` passed. Every
listing must hold each record exactly once; every create must exist exactly once at the end (a
create reported as ``OutcomeUnknownError`` or answered with a broken body is looked up before it
is tried again, as a careful caller would); memory (tracemalloc) and open sockets must not grow
with the number of requests. Waits run on fake clocks, so 429s and backoffs cost no real time.
"""

from __future__ import annotations

import os
import threading
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from prefect_prosonata_exeoflow import MalformedResponseError, OutcomeUnknownError
from prefect_prosonata_exeoflow._core.clock import FakeClock
from prefect_prosonata_exeoflow.sandbox import SandboxServer

from .apis import OPERATIONS, WORKFLOW, Traffic, credentials

TARGET_REQUESTS = int(os.environ.get("SOAK_REQUESTS", "20000"))
TIME_BUDGET = float(os.environ.get("SOAK_SECONDS", "300"))
pytestmark = [pytest.mark.soak, pytest.mark.timeout(TIME_BUDGET + 120)]
#: (kind, options, probability) on every request of every API. The client absorbs all of them.
FAULTS: list[tuple[str, dict[str, Any], float]] = [
    ("status", {"status": 503}, 0.01),
    ("status", {"status": 500}, 0.005),
    ("status_after", {"status": 502}, 0.005),
    ("html", {}, 0.005),
    ("reset_before", {}, 0.005),
    ("reset_after", {}, 0.005),
    ("cut", {}, 0.005),
    ("latency", {"delay": 0.002}, 0.01),
    ("rate_limit", {"hint": "default"}, 0.004),
    ("rate_limit", {"hint": "missing"}, 0.003),
    ("rate_limit", {"hint": "garbage"}, 0.003),
]
#: Broken bodies only on creates: the caller, not the client, has to find out what happened.
CREATE_FAULTS: list[tuple[str, float]] = [("malformed", 0.02), ("truncated", 0.02), ("wrong_content_type", 0.02)]
UNSURE = (OutcomeUnknownError, MalformedResponseError)


def open_sockets() -> int:
    fds = os.listdir("/proc/self/fd")
    count = 0
    for fd in fds:
        try:
            count += os.readlink(f"/proc/self/fd/{fd}").startswith("socket:")
        except OSError:
            continue
    return count


@dataclass
class Worker:
    """One API's loop: a listing that must be exact, then one create that must happen once."""

    api: str
    sandbox: SandboxServer
    traffic: Traffic = field(init=False)
    created: list[str] = field(default_factory=list)
    unsure: int = 0
    verified: int = 0
    rounds: int = 0
    errors: list[BaseException] = field(default_factory=list)

    def __post_init__(self) -> None:
        clock = FakeClock(start=time.time())
        creds = credentials(self.api, self.sandbox)
        self.client: Any = creds._clients()[0](creds.client_settings(clock=clock))
        self.traffic = Traffic(clock, keep_answers=False).attach(self.client)
        self.known_executions = {e.id for e in self.client.list_executions(workflow_id=WORKFLOW)} \
            if self.api == "exeoflow" else set()

    # -- listings ---------------------------------------------------------------------------
    def listing(self) -> None:
        if self.api == "prosonata":
            ids, page = [], 1
            while True:
                batch = self.client.project_times.page(page, 25, order_by="timeID")
                ids += [row.timeID for row in batch.items]
                if not batch.has_more:
                    break
                page += 1
            emulator: Any = self.sandbox.sandbox.emulators["prosonata"]
            assert sorted(ids) == sorted(row["timeID"] for row in emulator.rows("projecttimes"))
        elif self.api == "exeoflow":
            ids = [w.id for w in self.client.iter_workflows()]
            assert sorted(ids) == sorted(self.sandbox.sandbox.emulators["exeoflow"].workflows)
            assert [self.client.get_workflow(w).id for w in ids] == ids
        else:
            scans = list(self.client.iter_feed("non_form_documents"))
            assert {f"{tag}.pdf" for tag in self.created} <= {scan.file_name for scan in scans}
            ids = [scan.id for scan in scans]
            assert self.client.get_client_info().id and self.client.get_client_users()
        assert len(ids) == len(set(ids)), "a record came twice"

    # -- creates ------------------------------------------------------------------------------
    def create(self, tag: str) -> None:
        for _ in range(10):
            try:
                self._send_create(tag)
            except UNSURE:
                self.unsure += 1
                if self._exists(tag):
                    self.verified += 1
                    break
            else:
                break
        else:  # pragma: no cover - reported by the assertions
            raise AssertionError(f"{tag} could not be created in 10 tries")
        self.created.append(tag)

    def _send_create(self, tag: str) -> None:
        if self.api == "prosonata":
            emulator: Any = self.sandbox.sandbox.emulators["prosonata"]
            project = emulator.rows("projects")[0]["projectID"]
            self.client.project_times.create(category=1, projectID=project, workingTime=0.25, detail=tag)
        elif self.api == "exeoflow":
            self.known_executions.add(self.client.execute_workflow(WORKFLOW, {"tag": tag}).execution_id)
        else:
            self.client.upload_non_form_document((f"{tag}.pdf", b"%PDF-1.4 soak"), comment=tag)

    def _exists(self, tag: str) -> bool:
        """Look the create up through the API (faults stay on meanwhile)."""
        if self.api == "prosonata":
            return bool(self.client.project_times.list(detail=tag))
        if self.api == "exeoflow":
            new = [e.id for e in self.client.iter_executions(workflow_id=WORKFLOW) if e.id not in self.known_executions]
            mine = [i for i in new if (self.client.get_execution(i).input or {}) == {"tag": tag}]
            self.known_executions.update(mine)
            return bool(mine)
        return any(scan.file_name == f"{tag}.pdf" for scan in self.client.iter_feed("non_form_documents"))

    def run(self, keep_going: Callable[[], bool]) -> None:
        try:
            while keep_going():
                self.listing()
                self.create(f"soak-{self.api}-{self.rounds}")
                self.rounds += 1
        except BaseException as exc:
            self.errors.append(exc)
        finally:
            self.client.close()


def stored_tags(sandbox: SandboxServer, api: str) -> list[str]:
    """Every soak tag the emulator holds (one per create that happened)."""
    emulator: Any = sandbox.sandbox.emulators[api]
    if api == "prosonata":
        values = [row.get("detail") for row in emulator.rows("projecttimes")]
    elif api == "exeoflow":
        values = [execution.input.get("tag") for execution in emulator.executions.values()]
    else:
        values = [scan.get("Comment") for scan in emulator.store["scans"].values()]
    return sorted(v for v in values if isinstance(v, str) and v.startswith("soak-"))


def test_soak_with_random_faults(sandbox: SandboxServer) -> None:
    for api in OPERATIONS:
        sandbox.sandbox.configure(api, rate_limit=10**7, window_seconds=60)
    sandbox.sandbox.configure("exeoflow", execution_seconds=0.0, forced_retry_after=5)
    faults = sandbox.sandbox.faults
    for api in OPERATIONS:
        for kind, options, probability in FAULTS:
            faults.add(kind, api=api, times=None, probability=probability, **options)  # type: ignore[arg-type]
        create = OPERATIONS[api]["create"]
        for kind, probability in CREATE_FAULTS:
            faults.add(kind, api=api, method="POST", path=create.path, times=None,  # type: ignore[arg-type]
                       probability=probability)
    workers = [Worker(api, sandbox) for api in OPERATIONS]
    started = time.monotonic()
    sent = lambda: sum(worker.traffic.sent for worker in workers)  # noqa: E731
    samples: list[tuple[int, int, int]] = []  # (requests, traced bytes, sockets)

    def keep_going() -> bool:
        return sent() < TARGET_REQUESTS and time.monotonic() - started < TIME_BUDGET and not any(
            worker.errors for worker in workers)

    tracemalloc.start()
    try:
        threads = [threading.Thread(target=worker.run, args=(keep_going,), name=f"soak-{worker.api}")
                   for worker in workers]
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            samples.append((sent(), tracemalloc.get_traced_memory()[0], open_sockets()))
            time.sleep(1.0)
        for thread in threads:
            thread.join()
        samples.append((sent(), tracemalloc.get_traced_memory()[0], open_sockets()))
    finally:
        tracemalloc.stop()
        fired = sum(rule.fired for rule in faults.rules())
        faults.clear()
    elapsed = time.monotonic() - started

    assert [error for worker in workers for error in worker.errors] == []
    total = sent()
    assert total >= TARGET_REQUESTS or elapsed >= TIME_BUDGET
    for worker in workers:
        assert stored_tags(sandbox, worker.api) == sorted(worker.created), f"{worker.api}: a create ran twice or never"
    # Growth after the first quarter of the run must not scale with the requests still to come.
    quarter = next(sample for sample in samples if sample[0] >= total // 4)
    memory_growth = samples[-1][1] - quarter[1]
    socket_growth = max(sample[2] for sample in samples) - quarter[2]
    print(  # the figures for the soak report
        f"\nsoak: {total} requests in {elapsed:.1f} s ({total / elapsed:.0f}/s), "
        f"rounds {[w.rounds for w in workers]}, unsure creates {[w.unsure for w in workers]} "
        f"(verified existing {[w.verified for w in workers]}), faults fired ~{fired}, "
        f"traced memory {quarter[1] / 1e6:.1f} -> {samples[-1][1] / 1e6:.1f} MB, "
        f"sockets {quarter[2]} -> max {max(s[2] for s in samples)}"
    )
    assert memory_growth < 25e6, f"traced memory grew by {memory_growth / 1e6:.1f} MB"
    assert socket_growth <= 12, f"open sockets grew by {socket_growth}"
