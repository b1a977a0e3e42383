"""Bad input to Exeoflow, EnDocs and the blocks: a typed error naming the problem, and no request.

ProSonata's filters and bodies are drilled in ``tests/prosonata/test_bad_input.py``; this file
covers the other two APIs and what all three blocks share, against the live sandbox, whose
counters prove that nothing was sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from prefect_prosonata_exeoflow import ConfigurationError, InvalidRequestError
from prefect_prosonata_exeoflow.endocs import EnDocsCredentials
from prefect_prosonata_exeoflow.exeoflow import ExeoflowCredentials
from prefect_prosonata_exeoflow.prosonata import ProSonataCredentials
from prefect_prosonata_exeoflow.sandbox import SandboxServer

from .apis import WORKFLOW, credentials

SECRET_IN_URL = "tok-in-url-5f3a9c"


@pytest.fixture
def quiet(sandbox: SandboxServer) -> Iterator[SandboxServer]:
    """The sandbox, asserted after the test to have received no request at all."""
    yield sandbox
    assert sandbox.sandbox.stats.snapshot() == {}, "a request was sent for bad input"


EXEOFLOW: list[tuple[Callable[[Any], Any], str]] = [
    (lambda c: c.get_workflow(""), "workflow_id must be a non-empty string"),
    (lambda c: c.get_workflow("../executions"), "not allowed in an id"),
    (lambda c: c.get_workflow(100001), "workflow_id must be a non-empty string"),
    (lambda c: c.get_execution("exec_1/cancel"), "not allowed in an id"),
    (lambda c: c.list_workflows_page(limit=0), "limit (page size) must be an integer from 1 to 100"),
    (lambda c: c.list_workflows_page(limit=101), "from 1 to 100"),
    (lambda c: c.list_workflows_page(page=0), "page must be an integer >= 1"),
    (lambda c: c.list_workflows(limit=0), "limit must be a positive integer"),
    (lambda c: c.list_workflows(status="paused"), "status must be one of active, inactive"),
    (lambda c: c.list_executions(status="done"), "status must be one of running, success, failed, cancelled"),
    (lambda c: c.list_executions(date_from="gestern"), "date_from must be a date"),
    (lambda c: c.list_executions(date_to="2026-02-30"), "date_to must be a date"),
    (lambda c: c.list_executions(date_from="2026-11-30", date_to="2026-11-01"), "is after date_to"),
    (lambda c: c.execute_workflow(WORKFLOW, input=["not", "an", "object"]), "input must be a JSON object"),
    (lambda c: c.execute_workflow(WORKFLOW, input={1: "x"}), "string keys"),
    (lambda c: c.set_workflow_status(WORKFLOW, "paused"), "status must be one of active, inactive"),
    (lambda c: c.update_workflow(WORKFLOW), "needs at least one of name, description"),
    (lambda c: c.create_workflow("x", nodes=[{"type": "http"}]), "needs a string 'id'"),
    (lambda c: c.wait_for_execution("exec_1", timeout=-1), "timeout must be a positive number"),
    (lambda c: c.wait_for_execution("exec_1", timeout=float("inf")), "timeout must be a positive number"),
    (lambda c: c.execute_and_wait(WORKFLOW, timeout=float("nan")), "timeout must be a positive number"),
    (lambda c: c.execute_and_wait(WORKFLOW, poll_interval=float("inf")), "interval must be a positive number"),
    (lambda c: c.execute_workflow(WORKFLOW, input={"amount": float("nan")}), "input['amount'] is nan"),
    (lambda c: c.execute_workflow(WORKFLOW, input={"rows": [1, float("-inf")]}), "input['rows'][1] is -inf"),
    (lambda c: c.create_workflow("x", nodes=[{"id": "n", "type": "http", "retry": float("inf")}]), "nodes[0]"),
    (lambda c: c.get_workflow("."), "workflow_id '.' cannot be used in a URL path"),
    (lambda c: c.delete_workflow(".."), "workflow_id '..' cannot be used in a URL path"),
    (lambda c: c.cancel_execution(".."), "execution_id '..' cannot be used in a URL path"),
    (lambda c: c.get_execution("exec\x01"), "not allowed in an id"),
]

ENDOCS: list[tuple[Callable[[Any], Any], str]] = [
    (lambda c: c.get_new_invoices(since_id=-1), "since_id must be an integer >= 0"),
    (lambda c: c.get_new_contracts(since_id="5"), "since_id must be an integer >= 0"),
    (lambda c: c.get_new_inputs(request_id="x" * 201), "request_id must be a non-empty string of at most 200"),
    (lambda c: list(c.iter_feed("everything")), "feed must be one of"),
    (lambda c: c.download_document_files(0), "document_id must be a positive integer"),
    (lambda c: c.download_contract_files(True), "contract_id must be a positive integer"),
    (lambda c: c.download_files(5, "Bogus"), "kind must be one of"),
    (lambda c: c.download_files_by_ext_id("a/b"), "cannot be used in a URL"),
    (lambda c: c.decline_non_form_document(-5), "non_form_id must be a positive integer"),
    (lambda c: c.upload_non_form_document(("big.pdf", b"x" * (20 * 1024 * 1024 + 1))), "at most 20971520 bytes"),
    (lambda c: c.upload_non_form_document(("a.pdf", b"1"), comment="x" * 501), "comment must be a string"),
    (lambda c: c.upsert_external_document({"doc_type_id": 1, "source": "Входящий"}), "Organization"),
    (lambda c: c.upsert_contract({"ext_id": "c-1"}), "contract needs name, organization, contractor"),
    (lambda c: c.download_files("١٢", "MetaID"), "item_id must be a positive integer"),
    (lambda c: c.download_files(0, "NonFormID"), "item_id must be a positive integer"),
    (lambda c: c.download_files("..", "ExtID"), "item_id '..' cannot be used in a URL path"),
    (lambda c: c.download_files_by_ext_id("."), "ext_id '.' cannot be used in a URL path"),
    (lambda c: c.download_files_by_ext_id("doc\n1"), "control characters"),
    (lambda c: c.get_new_inputs(request_id=".."), "request_id '..' cannot be used in a URL path"),
    (lambda c: c.get_new_invoices(request_id="run/1"), "request_id 'run/1' cannot be used in a URL path"),
]


@pytest.mark.parametrize(("call", "message"), EXEOFLOW, ids=[m for _, m in EXEOFLOW])
def test_exeoflow_rejects_bad_input_before_sending(quiet: SandboxServer, call: Any, message: str) -> None:
    with credentials("exeoflow", quiet).get_client() as client, pytest.raises(InvalidRequestError) as caught:
        call(client)
    assert message in str(caught.value)


@pytest.mark.parametrize(("call", "message"), ENDOCS, ids=[m for _, m in ENDOCS])
def test_endocs_rejects_bad_input_before_sending(quiet: SandboxServer, call: Any, message: str) -> None:
    with credentials("endocs", quiet).get_client() as client, pytest.raises(InvalidRequestError) as caught:
        call(client)
    assert message in str(caught.value) and "EnDocs" in str(caught.value)


BLOCKS: list[tuple[Callable[[], Any], type[Exception], str]] = [
    (lambda: ProSonataCredentials(subdomain="my agency.evil.com", api_key="k"), ValidationError, "not a hostname"),
    (lambda: ProSonataCredentials(subdomain="-agentur", api_key="k"), ValidationError, "not a hostname"),
    (lambda: ProSonataCredentials(subdomain="a" * 64, api_key="k"), ValidationError, "not a hostname"),
    (lambda: ProSonataCredentials(subdomain="agentur", api_key=""), ConfigurationError, "api_key is missing"),
    (lambda: ProSonataCredentials(base_url="https://x.test/v1", api_key="k"), ConfigurationError, "/api/v1"),
    (lambda: ExeoflowCredentials(api_key="  "), ConfigurationError, "api_key is missing or empty"),
    (lambda: EnDocsCredentials(token=""), ConfigurationError, "token is missing or empty"),
    (lambda: EnDocsCredentials(token="two words"), ConfigurationError, "one word"),
    (lambda: ExeoflowCredentials(api_key="k", base_url="api.exeoflow.com/v1"), ValidationError, "https://"),
    (lambda: EnDocsCredentials(token="k", base_url="https://x.test:99999"), ValidationError, "invalid port"),
    (lambda: ExeoflowCredentials(api_key="k", timeout=0), ValidationError, "timeout"),
    (lambda: ExeoflowCredentials(api_key="k", timeout=float("inf")), ValidationError, "timeout"),
    (lambda: EnDocsCredentials(token="k", timeout=float("nan")), ValidationError, "timeout"),
    (lambda: ProSonataCredentials(subdomain="agentur", api_key="k", max_response_bytes=0), ValidationError,
     "max_response_bytes"),
    (lambda: ExeoflowCredentials(api_key="k", max_pages=0), ValidationError, "max_pages"),
    (lambda: EnDocsCredentials(token="k", requests_per_minute=0), ValidationError, "requests_per_minute"),
    (lambda: ProSonataCredentials(subdomain="agentur", api_key="k", max_retries=-1), ValidationError, "max_retries"),
]


@pytest.mark.parametrize(("make", "error", "message"), BLOCKS, ids=[m for *_, m in BLOCKS])
def test_blocks_reject_bad_configuration(quiet: SandboxServer, make: Any, error: type[Exception],
                                         message: str) -> None:
    with pytest.raises(error) as caught:
        make().get_client().close()
    assert message in str(caught.value)


@pytest.mark.parametrize("api", ["prosonata", "exeoflow", "endocs"])
@pytest.mark.parametrize(
    ("url", "message"),
    [
        (f"https://x.test/api/v1?apiKey={SECRET_IN_URL}", "must not contain a query string"),
        (f"https://x.test/api/v1#{SECRET_IN_URL}", "must not contain a query string or fragment"),
        (f"https://admin:{SECRET_IN_URL}@x.test/api/v1", "must not contain credentials"),
        ("ftp://x.test/api/v1", "must start with https://"),
    ],
)
def test_base_url_with_secrets_is_rejected_without_echoing_them(quiet: SandboxServer, api: str, url: str,
                                                                message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        credentials(api, quiet).model_validate({**credentials(api, quiet).model_dump(), "base_url": url})
    text = f"{caught.value}{caught.value!r}{caught.value.errors()}"
    assert message in text
    assert SECRET_IN_URL not in f"{caught.value}{caught.value!r}"


_PASTED = "sk-live-PASTED-key-0123456789abcdef"


@pytest.mark.parametrize("build", [
    lambda: ProSonataCredentials(base_url=f"https://x.test/api/v1?apiKey={_PASTED}", api_key="k"),
    lambda: ProSonataCredentials(subdomain=_PASTED + "/", api_key="k"),
    lambda: ProSonataCredentials.model_validate({"subdomain": "a", "api_key": "k", "timeout": _PASTED}),
    lambda: ExeoflowCredentials(api_key="k", base_url=f"https://user:{_PASTED}@x.test/v1"),
    lambda: ExeoflowCredentials.model_validate({"api_key": "k", "base_url": f"https://x.test/v1#{_PASTED}"}),
    lambda: EnDocsCredentials(token="k", base_url=f"ftp://x.test/?token={_PASTED}"),
    lambda: EnDocsCredentials(token="k", requests_per_minute=_PASTED),
], ids=["prosonata-query", "prosonata-subdomain", "prosonata-timeout", "exeoflow-userinfo", "exeoflow-fragment",
        "endocs-query", "endocs-limit"])
def test_a_secret_in_any_block_field_is_in_no_part_of_the_error(build: Any) -> None:
    import pickle

    with pytest.raises(ValidationError) as caught:
        build()
    error = caught.value
    assert error.errors() and all(line["msg"] for line in error.errors())  # still says what was wrong
    parts = [str(error), repr(error), repr(error.errors()), repr(error.args), error.json(),
             pickle.dumps(error), repr(pickle.loads(pickle.dumps(error)).errors()),
             repr(error.__context__), repr(error.__cause__)]
    for part in parts:
        text = part.decode("latin-1") if isinstance(part, bytes) else part
        assert _PASTED not in text and _PASTED.lower() not in text
