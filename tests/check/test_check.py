"""The account check against the sandbox: all green in its normal form, each drift found where it is."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from prefect_prosonata_exeoflow._core.http import Call
from prefect_prosonata_exeoflow.accounts import build_blocks
from prefect_prosonata_exeoflow.check import BROKEN, DRIFT, OK, SKIPPED, CheckReport, EndpointResult, check_accounts
from prefect_prosonata_exeoflow.check.__main__ import main
from prefect_prosonata_exeoflow.check.probes import PROBES, IdFrom, probes_from_factories
from prefect_prosonata_exeoflow.check.runner import CheckRefusedError, ReadOnlyTransport
from prefect_prosonata_exeoflow.sandbox import SANDBOX_KEYS, SandboxServer

#: Enough calls for every read-only endpoint of every API (ProSonata has 28).
ALL_CALLS = 40
#: The one endpoint the sandbox cannot feed an id to: the feeds only hold records without a 1C id.
NO_ID_SOURCE = ("endocs", "download_files_by_ext_id")


def run_check(sandbox: SandboxServer, **options: Any) -> CheckReport:
    return check_accounts(build_blocks(sandbox_url=sandbox.url), max_calls=options.pop("max_calls", ALL_CALLS), **options)


def by_endpoint(report: CheckReport) -> dict[tuple[str, str], EndpointResult]:
    return {(result.api, result.endpoint): result for result in report.results}


def test_the_normal_sandbox_is_all_green(sandbox: SandboxServer) -> None:
    report = run_check(sandbox)
    results = by_endpoint(report)
    assert len(results) == sum(len(probes()) for probes in PROBES.values())
    for key, result in results.items():
        if key == NO_ID_SOURCE:
            assert result.verdict == SKIPPED and "ext_ID" in result.note
            continue
        assert result.verdict == OK, (key, result)
        assert (result.reachable, result.auth_ok, result.parsed, result.status) == (True, True, True, 200)
        assert not (result.new_fields or result.missing_fields or result.type_changes or result.rate_limit_missing)
    assert report.exit_code() == 0 and report.exit_code(strict=True) == 0
    # The hints the clients pace by are reported with their values.
    assert results["prosonata", "list_projects"].rate_limit["meta.apiLimitRemaining"].isdigit()
    assert set(results["exeoflow", "list_workflows"].rate_limit) >= {"x-ratelimit-remaining", "x-ratelimit-reset"}
    assert results["endocs", "get_client_info"].rate_limit == {}  # EnDocs reports no budget


def test_it_sends_only_gets_and_stays_within_the_call_limit(sandbox: SandboxServer) -> None:
    report = run_check(sandbox, max_calls=10)
    log = sandbox.sandbox.requests.entries()
    assert log and {method for method, _ in log} == {"GET"}
    for api in ("prosonata", "exeoflow", "endocs"):
        sent = [path for _, path in log if path.startswith(f"/{api}/")]
        assert len(sent) == report.calls[api] <= 10
    assert report.calls["prosonata"] == 10  # 28 endpoints: the rest are reported as not called
    skipped = [r for r in report.results if r.api == "prosonata" and r.verdict == SKIPPED]
    assert len(skipped) == 18 and all("limit" in r.note for r in skipped)
    assert not [name for name in sandbox.sandbox.stats.snapshot() if name.split(".")[1] in
                ("create", "update", "delete", "execute", "cancel", "status", "decline")]


DRIFTS: list[dict[str, Any]] = [
    # an extra field
    {"kind": "drift", "api": "prosonata", "path": r"^/api/v1/projecttimes$", "times": None,
     "drift": {"match": "timeID", "add": {"billingCode": "X-1"}}},
    # a number sent as a string
    {"kind": "drift", "api": "prosonata", "path": r"^/api/v1/customers$", "times": None,
     "drift": {"as_string": ["customerID"]}},
    # a missing required field: the answer no longer parses
    {"kind": "drift", "api": "prosonata", "path": r"^/api/v1/users$", "times": None, "drift": {"drop": ["userID"]}},
    # a renamed field
    {"kind": "drift", "api": "exeoflow", "path": r"^/v1/workflows$", "times": None,
     "drift": {"rename": {"description": "summary"}}},
    # a missing rate-limit header
    {"kind": "drift", "api": "exeoflow", "path": r"^/v1/executions$", "times": None,
     "drift": {"drop_headers": ["X-RateLimit-Remaining"]}},
    # a missing envelope field: paging would stop after the first page
    {"kind": "drift", "api": "prosonata", "path": r"^/api/v1/projecttasks$", "times": None,
     "drift": {"drop": ["totalCount"]}},
    # a missing field
    {"kind": "drift", "api": "endocs", "path": "GetNewContracts", "times": None, "drift": {"drop": ["subject"]}},
    # a 401
    {"kind": "status", "api": "endocs", "path": "GetClientUsers", "status": 401, "times": None},
]


def test_each_drift_is_reported_on_its_endpoint_and_field(sandbox: SandboxServer) -> None:
    for rule in DRIFTS:
        sandbox.sandbox.faults.add(**rule)
    report = run_check(sandbox)
    results = by_endpoint(report)

    extra = results["prosonata", "list_project_times"]
    assert (extra.verdict, extra.new_fields, extra.missing_fields, extra.parsed) == (DRIFT, ["billingCode"], [], True)

    as_string = results["prosonata", "list_customers"]
    assert (as_string.verdict, as_string.type_changes, as_string.parsed) == (DRIFT, ["customerID: number -> string"], True)

    required = results["prosonata", "list_users"]
    assert (required.verdict, required.parsed, required.missing_fields) == (BROKEN, False, ["userID"])
    assert "userID" in required.note and "required" in required.note.lower()
    assert "no record" in results["prosonata", "get_user"].note

    envelope = results["prosonata", "list_project_tasks"]
    assert (envelope.verdict, envelope.missing_fields, envelope.new_fields) == (DRIFT, ["meta.totalCount"], [])

    renamed = results["exeoflow", "list_workflows"]
    assert renamed.verdict == DRIFT
    assert (renamed.new_fields, renamed.missing_fields) == (["workflows[].summary"], ["workflows[].description"])

    header = results["exeoflow", "list_executions"]
    assert (header.verdict, header.rate_limit_missing) == (DRIFT, ["x-ratelimit-remaining"])
    assert "x-ratelimit-reset" in header.rate_limit and not header.new_fields

    missing = results["endocs", "get_new_contracts"]
    assert (missing.verdict, missing.missing_fields, missing.new_fields) == (DRIFT, ["Value[].subject"], [])

    unauthorized = results["endocs", "get_client_users"]
    assert (unauthorized.verdict, unauthorized.status, unauthorized.auth_ok, unauthorized.reachable) == (
        BROKEN, 401, False, True)
    assert "AuthenticationError" in unauthorized.note

    touched = {("prosonata", "list_project_times"), ("prosonata", "list_project_tasks"),
               ("prosonata", "list_customers"), ("prosonata", "list_users"),
               ("prosonata", "get_user"), ("exeoflow", "list_workflows"), ("exeoflow", "list_executions"),
               ("endocs", "get_new_contracts"), ("endocs", "get_client_users"), NO_ID_SOURCE}
    assert all(result.verdict == OK for key, result in results.items() if key not in touched), [
        (key, r.verdict, r.note) for key, r in results.items() if key not in touched and r.verdict != OK]
    assert report.exit_code() == 1


def test_a_date_in_another_format_is_a_type_difference() -> None:
    from prefect_prosonata_exeoflow.check.compare import compare

    diff = compare({"date": "22.11.2026", "n": 1}, {"date": "2026-11-22", "n": 2})
    assert diff.type_changes == ["date: 'YYYY-MM-DD' -> 'DD.MM.YYYY'"]
    assert compare({"at": "2024-03-01T12:00:00"}, {"at": "2024-03-01T12:00:00Z"}).type_changes == [
        "at: 'YYYY-MM-DDThh:mm:ssZ' -> 'YYYY-MM-DDThh:mm:ss'"]
    assert not compare({"name": "2024-01-01"}, {"name": "Müller"}).type_changes  # text may look like a date
    assert compare({"due": "bald"}, {"due": "2024-01-01"}).type_changes == ["due: 'YYYY-MM-DD' -> string"]


def test_no_secret_reaches_the_output_or_the_cassettes(sandbox: SandboxServer, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    sandbox.sandbox.faults.add(**DRIFTS[-1])  # a 401 puts the server's error text in the report too
    # A server that echoes the caller's token (and a key in an unexpected field) in its answer.
    echo = {"token": SANDBOX_KEYS["endocs_token"], "note": f"key {SANDBOX_KEYS['endocs_token']} accepted"}
    sandbox.sandbox.faults.add("drift", api="endocs", path="GetClientInfo", times=None,
                               drift={"match": "storageQuota", "add": echo})
    assert main(["--sandbox", sandbox.url, "--max-calls", str(ALL_CALLS), "--record", str(tmp_path)]) == 1
    assert main(["--sandbox", sandbox.url, "--apis", "exeoflow", "--json"]) == 0
    printed = capsys.readouterr().out
    written = {path.name: path.read_text(encoding="utf-8") for path in tmp_path.iterdir()}
    assert set(written) == {"prosonata.yaml", "exeoflow.yaml", "endocs.yaml", "report.json"}
    assert "list_project_times" in printed and '"endpoint": "list_workflows"' in printed
    for text in [printed, *written.values()]:
        for secret in SANDBOX_KEYS.values():
            assert secret not in text
        assert "whsec_" not in text
    assert "REDACTED" in written["exeoflow.yaml"]  # the webhook token and the Bearer header
    assert "key REDACTED accepted" in written["endocs.yaml"]
    report = json.loads(written["report.json"])
    assert report["calls"] == {"prosonata": 28, "exeoflow": 5, "endocs": 9}
    # The cassettes hold exactly the requests the check sent, all reads.
    assert written["prosonata.yaml"].count("method: GET") == 28 and "method: POST" not in written["prosonata.yaml"]


def test_a_write_is_refused_before_it_leaves() -> None:
    sent: list[str] = []
    transport = ReadOnlyTransport(httpx.MockTransport(lambda r: sent.append(r.method) or httpx.Response(200)), 5)
    with httpx.Client(transport=transport, base_url="http://api.test") as client:
        client.get("/a")
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            with pytest.raises(CheckRefusedError):
                client.request(method, "/a")
        for _ in range(4):
            client.get("/a")
        with pytest.raises(CheckRefusedError, match="limit of 5"):
            client.get("/a")
    assert sent == ["GET"] * 5


def test_a_new_read_endpoint_is_probed_without_listing_it_anywhere() -> None:
    class Calls:
        @staticmethod
        def list_things(page: int = 1, limit: int = 20) -> Call[Any]:
            return Call("GET", "things", params={"page": page, "limit": limit})

        @staticmethod
        def get_thing(thing_id: str) -> Call[Any]:
            return Call("GET", f"things/{thing_id}")

        @staticmethod
        def delete_thing(thing_id: str) -> Call[Any]:
            return Call("DELETE", f"things/{thing_id}")

        @staticmethod
        def create_thing(name: str) -> Call[Any]:
            return Call("POST", "things", json={"name": name})

    factories = {name: vars(Calls)[name].__func__ for name in ("get_thing", "list_things", "delete_thing", "create_thing")}
    probes = probes_from_factories("x", factories, ids={"thing_id": IdFrom("list_things", "id", "t1")},
                                   fixed={"limit": 1})
    assert [probe.name for probe in probes] == ["list_things", "get_thing"]
    assert probes[0].build().params == {"page": 1, "limit": 1}
    assert probes[1].build(thing_id="t9").path == "things/t9"


def test_the_models_keep_fields_they_do_not_know() -> None:
    from prefect_prosonata_exeoflow._core.types import ApiModel
    from prefect_prosonata_exeoflow.endocs import models as endocs_models
    from prefect_prosonata_exeoflow.exeoflow import models as exeoflow_models
    from prefect_prosonata_exeoflow.prosonata import models as prosonata_models

    modules = (prosonata_models, exeoflow_models, endocs_models)
    classes = [value for module in modules for value in vars(module).values()
               if isinstance(value, type) and issubclass(value, ApiModel)]
    assert len(classes) > 25
    assert all(cls.model_config.get("extra") == "allow" for cls in classes), [
        cls.__name__ for cls in classes if cls.model_config.get("extra") != "allow"]
    time = prosonata_models.ProjectTime.model_validate({"timeID": 1, "billingCode": "X-1"})
    assert time.model_extra == {"billingCode": "X-1"}


def test_from_env_checks_the_apis_whose_variables_are_set(sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("PROSONATA_SUBDOMAIN", "PROSONATA_APP_ID", "ENDOCS_TOKEN", "EXEOFLOW_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PROSONATA_BASE_URL", sandbox.base_url("prosonata"))
    monkeypatch.setenv("PROSONATA_API_KEY", SANDBOX_KEYS["prosonata_admin_key"])
    assert main(["--from-env", "--json", "--max-calls", "3"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["calls"] == {"prosonata": 3}
    assert main(["--from-env", "--apis", "prosonata,endocs"]) == 2  # asked for EnDocs, but ENDOCS_TOKEN is not set
    assert "ENDOCS_TOKEN" in capsys.readouterr().err
    assert main(["--sandbox", sandbox.url, "--apis", "nosuchapi"]) == 2


def test_drift_rules_and_the_request_log_over_the_control_api(sandbox: SandboxServer) -> None:
    with httpx.Client(base_url=sandbox.url) as control:
        bad = control.post("/_sandbox/faults", json={"kind": "drift", "drift": {"rename_all": True}})
        assert bad.status_code == 400 and "rename_all" in bad.text
        assert control.post("/_sandbox/faults", json={"kind": "drift", "drift": {"add": {"x": 1}}}).status_code == 400
        rule = {"kind": "drift", "api": "exeoflow", "path": "^/v1/workflows$",
                "drift": {"match": "id", "add": {"x": 1}, "as_string": ["limit"], "drop_headers": ["X-RateLimit-Limit"]}}
        assert control.post("/_sandbox/faults", json=rule).status_code == 200
        headers = {"Authorization": f"Bearer {SANDBOX_KEYS['exeoflow_api_key']}"}
        changed = control.get("/exeoflow/v1/workflows", headers=headers)
        again = control.get("/exeoflow/v1/workflows", headers=headers)  # the rule fired once
        assert "x-ratelimit-limit" not in changed.headers and "x-ratelimit-limit" in again.headers
        assert all(row["x"] == 1 for row in changed.json()["data"]["workflows"])
        assert changed.json()["data"]["pagination"]["limit"] == 20  # only objects with the "match" key change
        assert control.get("/_sandbox/requests").json() == [{"method": "GET", "path": "/exeoflow/v1/workflows"}] * 2


def test_a_key_without_rights_is_denied_not_broken(sandbox: SandboxServer) -> None:
    env = {"PROSONATA_BASE_URL": sandbox.base_url("prosonata"), "PROSONATA_API_KEY": SANDBOX_KEYS["prosonata_user_key"]}
    report = check_accounts(build_blocks(env, apis=("prosonata",)), max_calls=ALL_CALLS)
    results = by_endpoint(report)
    denied = results["prosonata", "list_customers"]  # the Zeiterfasser group may not list customers
    assert (denied.verdict, denied.status, denied.auth_ok) == ("denied", 403, True)
    assert "gave no answer" in results["prosonata", "get_customer"].note
    # What the key may read matches the reference, envelope included (its caller fields differ).
    assert results["prosonata", "list_project_times"].verdict == OK
    assert not report.broken and report.exit_code() == 0


def test_an_unreachable_api_is_broken_after_one_call(sandbox: SandboxServer) -> None:
    import socket

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    blocks = build_blocks(sandbox_url=f"http://localhost:{port}", apis=("exeoflow",))
    report = check_accounts(blocks, max_calls=ALL_CALLS)
    first, *rest = report.results
    assert (first.verdict, first.reachable) == (BROKEN, False) and "APIConnectionError" in first.note
    assert rest and all(r.verdict == SKIPPED and "did not answer" in r.note for r in rest)
    assert report.calls == {"exeoflow": 1} and report.exit_code() == 1


def test_a_spent_rate_limit_is_reported_not_waited_for(sandbox: SandboxServer) -> None:
    sandbox.sandbox.faults.add("rate_limit", api="exeoflow", path="^/v1/webhooks$", hint="default", times=None)
    blocks = build_blocks(sandbox_url=sandbox.url, apis=("exeoflow",))
    blocks["exeoflow"].max_rate_limit_wait = 0  # type: ignore[attr-defined]  # no real sleep in this test
    report = check_accounts(blocks, max_calls=ALL_CALLS)
    webhooks = by_endpoint(report)["exeoflow", "list_webhooks"]
    assert webhooks.verdict == SKIPPED and webhooks.note.startswith("not checked: rate limited")
    assert "x-ratelimit-reset" in webhooks.rate_limit or "retry-after" in webhooks.rate_limit
    assert report.exit_code() == 0
