"""Hostile ids to every endpoint with a path parameter, of all three APIs: no request to another path.

Each endpoint gets ids built to escape its path (``.``, ``..``, slashes, control characters,
encoded dots, non-ASCII digits, 0). Whatever the client does (refuse before sending, or send and
get the server's error), the sandbox's request log must show only the endpoint's own path: one
segment per parameter, never ``.`` or ``..``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from prefect_prosonata_exeoflow import APIError, InvalidRequestError
from prefect_prosonata_exeoflow.endocs.calls import FileKind
from prefect_prosonata_exeoflow.prosonata.resources import RESOURCES
from prefect_prosonata_exeoflow.sandbox import SandboxServer

from .apis import credentials

HOSTILE: list[Any] = [
    "", " ", ".", "..", "/", "a/b", "../x", "./", "x\\y", "x\x00y", "line\nbreak", "\x7f", "%2e%2e", "..%2f",
    "%2F", "1/../2", "²", "١٢", "0", 0, -1, True, None, 1.5, "wf_ünï",
]
_SEGMENT = r"(?!\.\.?(?:/|$))[^/]+"

Endpoint = tuple[str, str, Callable[[Any, Any], Any], str]


def _expected(template: str) -> str:
    """``workflows/{}/execute`` -> a regex with exactly one harmless segment per ``{}``."""
    return "^" + "/".join(_SEGMENT if part == "{}" else re.escape(part) for part in template.split("/")) + "$"


def _prosonata() -> list[Endpoint]:
    endpoints: list[Endpoint] = []
    for resource in RESOURCES:
        attr, path = resource.plural, f"api/v1/{resource.path}/{{}}"
        field = (resource.writable or ("detail",))[0]
        if resource.supports("get"):
            endpoints.append(("prosonata", f"{attr}.get", lambda c, v, a=attr: getattr(c, a).get(v), path))
        if resource.supports("update"):
            endpoints.append(("prosonata", f"{attr}.update",
                              lambda c, v, a=attr, f=field: getattr(c, a).update(v, **{f: "x"}), path))
        if resource.supports("delete"):
            endpoints.append(("prosonata", f"{attr}.delete", lambda c, v, a=attr: getattr(c, a).delete(v), path))
    return endpoints


EXEOFLOW: list[Endpoint] = [
    ("exeoflow", "get_workflow", lambda c, v: c.get_workflow(v), "v1/workflows/{}"),
    ("exeoflow", "update_workflow", lambda c, v: c.update_workflow(v, description="x"), "v1/workflows/{}"),
    ("exeoflow", "delete_workflow", lambda c, v: c.delete_workflow(v), "v1/workflows/{}"),
    ("exeoflow", "set_workflow_status", lambda c, v: c.set_workflow_status(v, "active"), "v1/workflows/{}/status"),
    ("exeoflow", "execute_workflow", lambda c, v: c.execute_workflow(v, {}), "v1/workflows/{}/execute"),
    ("exeoflow", "get_execution", lambda c, v: c.get_execution(v), "v1/executions/{}"),
    ("exeoflow", "cancel_execution", lambda c, v: c.cancel_execution(v), "v1/executions/{}/cancel"),
    ("exeoflow", "list_executions", lambda c, v: c.list_executions_page(workflow_id=v), "v1/executions"),
    ("exeoflow", "list_webhooks", lambda c, v: c.list_webhooks(v), "v1/webhooks"),
    ("exeoflow", "create_webhook", lambda c, v: c.create_webhook(v, "hook"), "v1/webhooks"),
]

ENDOCS: list[Endpoint] = [
    *[("endocs", f"download_files[{kind.value}]", lambda c, v, k=kind: c.download_files(v, k),
       f"api/File/GetFileByExtIntId/{{}}/{kind.value}") for kind in FileKind],
    ("endocs", "download_files_by_ext_id", lambda c, v: c.download_files_by_ext_id(v), "api/File/GetFileByExtId/{}"),
    ("endocs", "download_document_files", lambda c, v: c.download_document_files(v), "api/File/GetMetaFileById/{}"),
    ("endocs", "download_contract_files", lambda c, v: c.download_contract_files(v),
     "api/File/GetContractFileById/{}"),
    ("endocs", "decline_non_form_document", lambda c, v: c.decline_non_form_document(v), "api/Metadata/DocApproval"),
    *[("endocs", f"get_{feed}(request_id)", lambda c, v, f=feed: getattr(c, f"get_{f}")(5, request_id=v),
       f"api/Output/{action}/5/{{}}")
      for feed, action in [("non_form_documents", "GetNonFormDoc"), ("new_contracts", "GetNewContracts"),
                           ("new_invoices", "GetNewInvoices"), ("new_inputs", "GetNewInputs")]],
]

ENDPOINTS = [*_prosonata(), *EXEOFLOW, *ENDOCS]


CLIENTS: dict[str, Callable[[SandboxServer], Any]] = {
    api: (lambda sandbox, api=api: credentials(api, sandbox, max_retries=0).get_client())
    for api in ("prosonata", "exeoflow", "endocs")
}


def test_every_api_is_covered() -> None:
    assert {api for api, *_ in ENDPOINTS} == {"prosonata", "exeoflow", "endocs"}
    assert len(ENDPOINTS) >= 50


@pytest.mark.parametrize(("api", "name", "call", "template"), ENDPOINTS, ids=[f"{e[0]}-{e[1]}" for e in ENDPOINTS])
def test_hostile_ids_reach_no_other_path(sandbox: SandboxServer, api: str, name: str,
                                         call: Callable[[Any, Any], Any], template: str) -> None:
    base = sandbox.base_url(api).removeprefix(sandbox.url)  # e.g. /exeoflow/v1
    root = base[: -len(sandbox.sandbox.emulators[api].base_path) or None]
    allowed = re.compile(_expected(f"{root}/{template}"))
    refused = []
    with CLIENTS[api](sandbox) as client:
        for value in HOSTILE:
            try:
                call(client, value)
            except InvalidRequestError:
                refused.append(value)
            except APIError:
                pass  # sent, and the server refused it: the log below says where it went
    strays = [(method, path) for method, path in sandbox.sandbox.requests.entries() if not allowed.match(path)]
    assert strays == [], f"{name}: requests left for other paths"
    assert {".", "..", "/", "a/b", "../x", "x\x00y"} <= set(refused)  # never sent, whatever the endpoint
