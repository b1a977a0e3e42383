"""One read, one update and one create per API, and clients on a fake clock with exact waits."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from prefect_prosonata_exeoflow._core.clock import FakeClock
from prefect_prosonata_exeoflow._core.credentials import ServiceCredentials
from prefect_prosonata_exeoflow._core.http import SyncClient
from prefect_prosonata_exeoflow.endocs import EnDocsCredentials
from prefect_prosonata_exeoflow.exeoflow import ExeoflowCredentials
from prefect_prosonata_exeoflow.prosonata import ProSonataCredentials
from prefect_prosonata_exeoflow.sandbox import SANDBOX_KEYS, SandboxServer

WORKFLOW = "wf_100001"
ENDOCS_DOC_EXT_ID = "drill-doc-0001"  # created by the first upsert, updated by any repeat
ORG = {"ext_id": "b7e1c0de-0000-4000-8000-000000000005", "name": 'ООО "Ромашка"', "inn": "7701234560",
       "kpp": "770101001"}
SUPPLIER = {"ext_id": "c7a2-0009", "name": 'ООО "Поставщик"', "inn": "5001234561", "kpp": "500101001"}


class UpperBound(random.Random):
    """Pins jittered backoff to its upper bound (0.5 s * 2^n), so drills can assert exact waits."""

    def uniform(self, a: float, b: float) -> float:
        return b


def credentials(api: str, sandbox: SandboxServer, **options: Any) -> ServiceCredentials:
    """Sandbox credentials for ``api`` (the sandbox's own keys)."""
    base_url = sandbox.base_url(api)
    if api == "prosonata":
        return ProSonataCredentials(base_url=base_url, api_key=SANDBOX_KEYS["prosonata_admin_key"], **options)
    if api == "exeoflow":
        return ExeoflowCredentials(base_url=base_url, api_key=SANDBOX_KEYS["exeoflow_api_key"], **options)
    return EnDocsCredentials(base_url=base_url, token=SANDBOX_KEYS["endocs_token"], **options)


def exact_client(creds: ServiceCredentials, clock: FakeClock, transport: httpx.BaseTransport | None = None) -> SyncClient:
    """The block's own client on ``clock``, with rate-limit jitter off and backoff at its upper bound."""
    settings = creds.client_settings(clock=clock)
    policy = dataclasses.replace(settings.policy, rate_limit_jitter=0.0, rng=UpperBound())
    options = {"transport": transport} if transport is not None else {}
    return creds._clients()[0](dataclasses.replace(settings, policy=policy), **options)


@dataclass
class Traffic:
    """What a client sent and received (httpx event hooks), with the fake time of each answer."""

    clock: FakeClock
    keep_answers: bool = True  # off for long runs: answers would pile up in memory
    sent: int = 0
    answers: list[tuple[httpx.Response, float]] = dataclasses.field(default_factory=list)

    def attach(self, client: SyncClient) -> Traffic:
        client._http.event_hooks["request"].append(self._on_request)
        client._http.event_hooks["response"].append(self._on_response)
        return self

    def _on_request(self, request: httpx.Request) -> None:
        self.sent += 1

    def _on_response(self, response: httpx.Response) -> None:
        if not self.keep_answers:
            return
        response.read()
        self.answers.append((response, self.clock.time()))


@dataclass(frozen=True)
class Operation:
    """One call of one API: which requests a fault should hit, the call, and its create counter."""

    method: str
    path: str  # regex on the path below the API's sandbox prefix
    call: Callable[[Any, SandboxServer], Any]
    counter: str  # the sandbox stat that counts what this call changes

    @property
    def creates(self) -> bool:
        return ".create." in self.counter or self.counter.endswith(".execute")


def _prosonata_ids(sandbox: SandboxServer) -> dict[str, int]:
    emulator: Any = sandbox.sandbox.emulators["prosonata"]
    return {
        "time": emulator.rows("projecttimes")[0]["timeID"],
        "project": emulator.rows("projects")[0]["projectID"],
        "category": emulator.rows("projecttimecategories")[0]["category"],
    }


def _prosonata_create(client: Any, sandbox: SandboxServer) -> Any:
    ids = _prosonata_ids(sandbox)
    return client.project_times.create(category=ids["category"], projectID=ids["project"], date=dt.date.today(),
                                       workingTime=1, detail="drill")


def _endocs_update(client: Any, sandbox: SandboxServer) -> Any:
    from prefect_prosonata_exeoflow.endocs import ExternalDocumentInput

    document = ExternalDocumentInput(ext_id=ENDOCS_DOC_EXT_ID, doc_type_id=1, source="Входящий",  # type: ignore[call-arg]
                                     organization=ORG, contractor=SUPPLIER, comment="drill")
    return client.upsert_external_document(document, files=[("drill.pdf", b"%PDF-1.4 drill")])


OPERATIONS: dict[str, dict[str, Operation]] = {
    "prosonata": {
        "read": Operation("GET", r"^/api/v1/projecttimes/\d+$",
                          lambda c, s: c.project_times.get(_prosonata_ids(s)["time"]), "prosonata.requests"),
        "update": Operation("PUT", r"^/api/v1/projecttimes/\d+$",
                            lambda c, s: c.project_times.update(_prosonata_ids(s)["time"], detail="drill"),
                            "prosonata.update.projecttimes"),
        "create": Operation("POST", r"^/api/v1/projecttimes$", _prosonata_create, "prosonata.create.projecttimes"),
    },
    "exeoflow": {
        "read": Operation("GET", rf"^/v1/workflows/{WORKFLOW}$", lambda c, s: c.get_workflow(WORKFLOW),
                          "exeoflow.requests"),
        "update": Operation("PUT", rf"^/v1/workflows/{WORKFLOW}$",
                            lambda c, s: c.update_workflow(WORKFLOW, description="drill"), "exeoflow.update.workflow"),
        "create": Operation("POST", rf"^/v1/workflows/{WORKFLOW}/execute$",
                            lambda c, s: c.execute_workflow(WORKFLOW, {"drill": 1}), "exeoflow.execute"),
    },
    "endocs": {
        "read": Operation("GET", r"/GetClientInfo$", lambda c, s: c.get_client_info(), "endocs.requests"),
        "update": Operation("POST", r"/AddOrUpdateExtDoc$", _endocs_update, "endocs.create.document"),
        "create": Operation("POST", r"/AddOrUpdateNonFormDoc$",
                            lambda c, s: c.upload_non_form_document(("drill.pdf", b"%PDF-1.4 drill")),
                            "endocs.create.nonform"),
    },
}
