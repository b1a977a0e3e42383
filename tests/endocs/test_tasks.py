"""Every EnDocs task (sync and async twin) runs as a Prefect task against the sandbox."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from prefect import flow
from prefect.cache_policies import NO_CACHE

from prefect_prosonata_exeoflow._core.errors import NotFoundError, OutcomeUnknownError
from prefect_prosonata_exeoflow.endocs import EnDocsCredentials, FileContent, tasks
from prefect_prosonata_exeoflow.sandbox import SandboxServer
from prefect_prosonata_exeoflow.sandbox.endocs import EnDocsEmulator

from .support import ORG, SUPPLIER, stat

pytestmark = [
    pytest.mark.usefixtures("prefect_harness"),
    pytest.mark.filterwarnings("ignore:Logger 'prefect.task_runs' attempted to send logs"),
]

RECEIPT = {"ext_id": "task-doc", "doc_type_id": 1, "source": "Входящий", "organization": ORG, "contractor": SUPPLIER}
CONTRACT = {"ext_id": "task-contract", "name": "Договор из задачи", "organization": ORG, "contractor": SUPPLIER}
ONE_FILE = [("задача.pdf", b"%PDF task")]

# task name -> (arguments after credentials, check of the result)
CASES: dict[str, tuple[tuple[Any, ...], Any]] = {
    "get_client_info": ((), lambda r: r.id == 42),
    "get_client_users": ((), lambda r: len(r) == 3),
    "get_non_form_documents": ((305,), lambda r: [s.id for s in r.items] == [306, 308] and r.next_since_id == 308),
    "get_new_contracts": ((0,), lambda r: [c.id for c in r.items] == [77, 79, 80]),
    "get_new_invoices": ((10440,), lambda r: [d.id for d in r.items] == [10443]),
    "get_new_inputs": ((0,), lambda r: [d.id for d in r.items] == [10441, 10442]),
    "download_files": ((305, "NonFormID"), lambda r: r[0].file_name == "scan_0042.pdf"),
    "download_files_by_ext_id": (("1c-doc-10444",), lambda r: r[0].file_name == "ТН-000901.pdf"),
    "download_document_files": ((10440,), lambda r: r[0].content.startswith(b"%PDF")),
    "download_contract_files": ((77,), lambda r: len(r) == 2),
    "upload_non_form_document": ((("скан.pdf", b"%PDF"),), lambda r: r.id > 308),
    "decline_non_form_document": ((306,), lambda r: r is None),
    "upsert_external_document": ((RECEIPT, ONE_FILE), lambda r: r.created and r.item.ext_id == "task-doc"),
    "upsert_local_document": (({"ext_id": "task-memo", "doc_type_id": 19, "organization": ORG}, ONE_FILE),
                              lambda r: r.created and r.item.source == "Внутренний"),
    "upsert_contract": ((CONTRACT, ONE_FILE), lambda r: r.created and r.item.name == "Договор из задачи"),
}


def test_one_task_and_one_async_twin_per_endpoint() -> None:
    assert len(CASES) == 15
    for name in CASES:
        sync, twin = getattr(tasks, name), getattr(tasks, f"a{name}")
        assert not inspect.iscoroutinefunction(sync.fn) and inspect.iscoroutinefunction(twin.fn)
        assert list(inspect.signature(sync.fn).parameters) == list(inspect.signature(twin.fn).parameters)
        assert next(iter(inspect.signature(sync.fn).parameters)) == "credentials"
        assert sync.cache_policy is NO_CACHE and twin.cache_policy is NO_CACHE


def test_retry_settings_follow_idempotency() -> None:
    assert tasks.upload_non_form_document.retries == 0
    assert tasks.aupload_non_form_document.retries == 0
    for name in ("get_new_invoices", "download_files", "upsert_contract", "decline_non_form_document"):
        assert getattr(tasks, name).retries == 2


@pytest.mark.parametrize("name", sorted(CASES))
def test_sync_task(name: str, credentials: EnDocsCredentials) -> None:
    arguments, check = CASES[name]
    assert check(getattr(tasks, name)(credentials, *arguments))


@pytest.mark.parametrize("name", sorted(CASES))
async def test_async_task(name: str, credentials: EnDocsCredentials) -> None:
    arguments, check = CASES[name]
    assert check(await getattr(tasks, f"a{name}")(credentials, *arguments))


def test_incremental_flow_stores_the_cursor(credentials: EnDocsCredentials, emulator: EnDocsEmulator) -> None:
    @flow
    def pull(since_id: int) -> tuple[list[int], int]:
        feed = tasks.get_new_invoices(credentials, since_id)
        files = [tasks.download_document_files(credentials, doc.id) for doc in feed.items]
        assert all(isinstance(f[0], FileContent) for f in files)
        return [doc.id for doc in feed.items], feed.next_since_id

    first, cursor = pull(0)
    new = emulator.add_document(14)
    second, cursor = pull(cursor)
    assert first == [10440, 10443] and second == [new] and pull(cursor) == ([], new)


def test_task_errors_are_typed_and_an_upload_is_not_retried(credentials: EnDocsCredentials, sandbox: SandboxServer) -> None:
    with pytest.raises(NotFoundError):
        tasks.download_document_files(credentials, 999999)
    sandbox.sandbox.faults.add("status_after", api="endocs", status=503, times=None)
    with pytest.raises(OutcomeUnknownError):
        tasks.upload_non_form_document(credentials, ("x.pdf", b"1"))
    assert stat(sandbox, "create.nonform") == 1  # processed once, never re-sent
