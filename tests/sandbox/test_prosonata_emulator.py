"""The ProSonata emulator over HTTP: envelope, auth, rights, lists, writes, rate window, 429 forms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from prefect_prosonata_exeoflow.sandbox import SANDBOX_KEYS, SandboxServer
from prefect_prosonata_exeoflow.sandbox.prosonata.rights import Caller, visibility
from prefect_prosonata_exeoflow.sandbox.prosonata.tables import CRMEVENTS, RESOURCES
from prefect_prosonata_exeoflow.sandbox.prosonata import ProSonataEmulator
from tests.conftest import Clocked

ADMIN = {"X-API-Key": SANDBOX_KEYS["prosonata_admin_key"]}
DESIGNER = {"X-API-Key": SANDBOX_KEYS["prosonata_user_key"]}
APP = {"X-API-Key": SANDBOX_KEYS["prosonata_app_key"], "X-APP-ID": SANDBOX_KEYS["prosonata_app_id"]}
TODAY = dt.date.today()
YESTERDAY = (TODAY - dt.timedelta(days=1)).isoformat()


@pytest.fixture
def api(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.base_url("prosonata"), headers=ADMIN, timeout=10) as client:
        yield client


@pytest.fixture
def designer(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.base_url("prosonata"), headers=DESIGNER, timeout=10) as client:
        yield client


def emulator(sandbox: SandboxServer) -> ProSonataEmulator:
    found = sandbox.sandbox.emulators["prosonata"]
    assert isinstance(found, ProSonataEmulator)
    return found


def meta(response: httpx.Response) -> dict[str, Any]:
    return response.json()["meta"]  # type: ignore[no-any-return]


def data(response: httpx.Response) -> Any:
    return response.json()["data"]


# -- envelope ----------------------------------------------------------------------------------
def test_list_envelope_carries_paging_caller_and_limits(api: httpx.Client) -> None:
    response = api.get("/projecttimes")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    m = meta(response)
    assert m["status"] == 200 and m["perPage"] == 100 and m["page"] == 1 and m["totalCount"] > 500
    assert (m["requestUserID"], m["requestUsername"], m["usergroupName"]) == (1, "Admin1", "Administrator")
    assert isinstance(m["apiLimitRemaining"], int) and 1 <= m["apiLimitReset"] <= 900
    ids = [row["timeID"] for row in data(response)]
    assert len(ids) == 100 and ids == sorted(ids)
    assert "retry-after" not in response.headers


def test_single_row_and_not_found_envelopes(api: httpx.Client) -> None:
    project = api.get("/projects/41")
    assert project.status_code == 200 and "perPage" not in meta(project)
    assert data(project)["projectName"] == "Frühstücks-Flyer" and data(project)["customerName"] == "Bäckerei Back"
    assert data(project)["usersAssigned"][0].keys() == {"userID", "username", "userFirstName", "userLastName"}
    missing = api.get("/projects/999999")
    assert missing.status_code == 404 and data(missing) == []
    assert meta(missing)["status"] == 404 and meta(missing)["message"] == "Data not found."
    assert meta(missing)["requestUserID"] == 1 and "apiLimitRemaining" in meta(missing)


def test_unknown_resource_method_and_foreign_path(sandbox: SandboxServer, api: httpx.Client) -> None:
    unknown = api.get("/timers")
    assert unknown.status_code == 404 and meta(unknown)["status"] == 404 and data(unknown) == []
    for method, path in [("DELETE", "/projects/41"), ("POST", "/projects/41"), ("PUT", "/projecttimecategories/1"),
                         ("POST", "/invoices"), ("PUT", "/projecttimes"), ("PUT", "/crmevent/1")]:
        response = api.request(method, path, json={})
        assert response.status_code == 405 and meta(response)["status"] == 405, (method, path)
    html = httpx.get(f"{sandbox.url}/prosonata/wrong/base", headers=ADMIN)
    assert html.status_code == 404 and html.headers["content-type"].startswith("text/html")


def test_every_resource_lists(api: httpx.Client) -> None:
    for name, resource in RESOURCES.items():
        response = api.get(f"/{name}", params={"perPage": 1000})
        assert response.status_code == 200, name
        rows = data(response)
        assert rows and list(rows[0])[: len(resource.columns)] == list(resource.columns), name
        assert meta(response)["totalCount"] == len(rows)


def test_crm_alias_and_module_switch(sandbox: SandboxServer, api: httpx.Client) -> None:
    assert data(api.get("/crmevent/2")) == data(api.get("/crmevents/2"))
    sandbox.sandbox.configure("prosonata", crm_module=False)
    try:
        off = api.get("/crmevents")
    finally:  # the session's sandbox keeps its configuration across resets
        sandbox.sandbox.configure("prosonata", crm_module=True)
    assert off.status_code == 403 and "CRM" in meta(off)["message"]


# -- auth and rights -----------------------------------------------------------------------------
def test_auth_by_header_query_and_app_integration(sandbox: SandboxServer) -> None:
    base = sandbox.base_url("prosonata")
    by_query = httpx.get(f"{base}/users", params={"apiKey": SANDBOX_KEYS["prosonata_admin_key"]})
    assert by_query.status_code == 200 and meta(by_query)["requestUsername"] == "Admin1"
    for app in (httpx.get(f"{base}/users", headers=APP),
                httpx.get(f"{base}/users", params={"appID": SANDBOX_KEYS["prosonata_app_id"],
                                                    "apiKey": SANDBOX_KEYS["prosonata_app_key"]})):
        m = meta(app)
        assert app.status_code == 200 and m["requestAppID"] == SANDBOX_KEYS["prosonata_app_id"]
        assert "requestIntegration" in m and "requestUserID" not in m
    mine = httpx.get(f"{base}/projecttimes", headers=APP, params={"userID": "myself", "perPage": 1000})
    assert {row["userID"] for row in data(mine)} == {1}  # the integration's technical user


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "wrong"}, {"X-API-Key": SANDBOX_KEYS["prosonata_admin_key"],
                                                                  "X-APP-ID": SANDBOX_KEYS["prosonata_app_id"]}])
def test_missing_or_wrong_key_is_401(sandbox: SandboxServer, headers: dict[str, str]) -> None:
    response = httpx.get(f"{sandbox.base_url('prosonata')}/projects", headers=headers)
    assert response.status_code == 401 and data(response) == []
    assert meta(response)["message"] == "Invalid API key" and "requestUserID" not in meta(response)


def test_zeiterfasser_1_sees_own_rows_and_assigned_projects_only(designer: httpx.Client) -> None:
    for path in ("/users", "/invoices", "/quotations", "/externalcosts", "/addresses", "/customers", "/crmevents"):
        response = designer.get(path)
        assert response.status_code == 403 and meta(response)["usergroupName"] == "Zeiterfasser 1", path
    times = designer.get("/projecttimes", params={"perPage": 1000})
    assert {row["userID"] for row in data(times)} == {7} and meta(times)["totalCount"] == len(data(times))
    assert {row["userID"] for row in data(designer.get("/workingtimes", params={"perPage": 1000}))} == {7}
    projects = data(designer.get("/projects"))
    assert projects and all(7 in [u["userID"] for u in p["usersAssigned"]] for p in projects)
    assert designer.get("/projects/45").status_code == 404  # not assigned to Designer1


def test_writes_on_other_users_rows_need_an_administrator(api: httpx.Client, designer: httpx.Client) -> None:
    other = data(api.get("/projecttimes", params={"userID": 3, "perPage": 1}))[0]
    assert designer.get(f"/projecttimes/{other['timeID']}").status_code == 404
    assert designer.put(f"/projecttimes/{other['timeID']}", json={"detail": "x"}).status_code == 403
    assert designer.delete(f"/projecttimes/{other['timeID']}").status_code == 403
    body = {"category": 1, "projectID": 42, "workingTime": 1}
    assert designer.post("/projecttimes", json={**body, "userID": 3}).status_code == 403
    own = designer.post("/projecttimes", json=body)
    assert own.status_code == 201 and data(own)["userID"] == 7
    assert designer.post("/projects", json={"projectName": "x", "customerID": 11, "contactID": 50}).status_code == 403
    assert api.put(f"/projecttimes/{other['timeID']}", json={"detail": "vom Admin"}).status_code == 200


def test_crm_events_with_show_to_usergroup_are_hidden_from_lower_groups() -> None:
    events: list[dict[str, Any]] = [{"showToUsergroup": None}, {"showToUsergroup": 1}, {"showToUsergroup": 3}]
    visible = visibility(CRMEVENTS, Caller(5, "Texter1", "Zeiterfasser 2"))
    assert visible is not None and [visible(e) for e in events] == [True, False, False]
    lead = visibility(CRMEVENTS, Caller(2, "Teamleiter1", "Teamleiter"))
    assert lead is not None and [lead(e) for e in events] == [True, True, False]


# -- pagination ----------------------------------------------------------------------------------
def test_per_page_and_page_are_clamped(api: httpx.Client) -> None:
    assert meta(api.get("/projecttimes", params={"perPage": 0}))["perPage"] == 1
    big = api.get("/projecttimes", params={"perPage": 5000})
    assert meta(big)["perPage"] == 1000 and len(data(big)) == meta(big)["totalCount"]
    assert meta(api.get("/projecttimes", params={"perPage": "viele"}))["perPage"] == 100
    first = api.get("/projecttimes", params={"perPage": 7, "page": 0})
    assert meta(first)["page"] == 1
    second = api.get("/projecttimes", params={"perPage": 7, "page": 2})
    assert data(second)[0]["timeID"] > data(first)[-1]["timeID"]


def test_empty_results_are_204_or_200_when_switched(sandbox: SandboxServer, api: httpx.Client) -> None:
    past_end = api.get("/projects", params={"page": 99})
    assert past_end.status_code == 204 and past_end.content == b""
    assert api.get("/projecttimes", params={"detail": "gibt es nicht 123"}).status_code == 204
    sandbox.sandbox.configure("prosonata", empty_list_status=200)
    empty = api.get("/projecttimes", params={"detail": "gibt es nicht 123"})
    assert empty.status_code == 200 and data(empty) == [] and meta(empty)["totalCount"] == 0


# -- filters and ordering ------------------------------------------------------------------------
def test_date_filters_with_prefixes_second_bound_and_german_dates(api: httpx.Client) -> None:
    start, end = TODAY - dt.timedelta(days=10), TODAY - dt.timedelta(days=4)
    ranged = data(api.get("/projecttimes", params={"date": f">{start}", "date2": f"<{end}", "perPage": 1000}))
    days = {row["date"] for row in ranged}
    assert min(days) == start.isoformat() and max(days) == end.isoformat()  # both bounds inclusive
    german = data(api.get("/projecttimes", params={"date": f">{start:%d.%m.%Y}", "date2": f"<{end:%d.%m.%Y}",
                                                   "perPage": 1000}))
    assert german == ranged
    plain = data(api.get("/projecttimes", params={"date": YESTERDAY, "perPage": 1000}))
    assert plain and {row["date"] for row in plain} == {YESTERDAY}
    bad = api.get("/projecttimes", params={"date": ">gestern"})
    assert bad.status_code == 400 and "date" in meta(bad)["message"]


def test_string_id_user_and_flag_filters(api: httpx.Client) -> None:
    found = data(api.get("/projecttimes", params={"detail": "pdf/x", "perPage": 1000}))
    assert found and all("PDF/X" in row["detail"] for row in found)  # case-insensitive substring
    exact = data(api.get("/projecttimes", params={"projectID": 45, "userID": "myself", "perPage": 1000}))
    assert {(row["projectID"], row["userID"]) for row in exact} == {(45, 1)}
    invoiced = data(api.get("/projecttimes", params={"isInvoiced": 1, "perPage": 1000}))
    assert invoiced and all(row["isInvoiced"] == 1 for row in invoiced)
    projects = data(api.get("/projects", params={"customerName": "käserei"}))
    assert {p["customerName"] for p in projects} == {"Käserei Gouda"}
    ignored = api.get("/projects", params={"colour": "red"})
    assert meta(ignored)["totalCount"] == meta(api.get("/projects"))["totalCount"]


def test_active_defaults_and_additional_user(api: httpx.Client) -> None:
    contacts = data(api.get("/contacts"))
    assert all(c["active"] == 1 for c in contacts) and 60 not in [c["contactID"] for c in contacts]
    assert [c["contactID"] for c in data(api.get("/contacts", params={"active": 0}))] == [60]
    assert 36 not in [a["addressID"] for a in data(api.get("/addresses"))]
    assert [a["addressID"] for a in data(api.get("/addresses", params={"addressActive": 0}))] == [36]
    own = {t["taskID"] for t in data(api.get("/projecttasks", params={"userID": 7}))}
    more = {t["taskID"] for t in data(api.get("/projecttasks", params={"userID": 7, "additionalUser": "true"}))}
    assert own < more


def test_order_by_keys_directions_and_bad_keys(api: httpx.Client) -> None:
    rows = data(api.get("/projecttimes?orderBy=date+DESC,timeID+DESC&perPage=300"))
    keys = [(row["date"], row["timeID"]) for row in rows]
    assert keys == sorted(keys, reverse=True)
    names = [p["projectName"] for p in data(api.get("/projects", params={"orderBy": "projectName"}))]
    assert names == sorted(names, key=str.casefold)
    bad = api.get("/projecttimes", params={"orderBy": "detail DESC"})
    assert bad.status_code == 400 and "detail" in meta(bad)["message"]
    assert api.get("/projecttimes", params={"orderBy": "date SIDEWAYS"}).status_code == 400


# -- writes ----------------------------------------------------------------------------------------
def test_project_time_crud_and_wire_types(sandbox: SandboxServer, api: httpx.Client) -> None:
    long_detail = "Konzeption für Bäckerei Back " * 34  # 952 characters
    created = api.post("/projecttimes", json={"category": 15, "projectID": 41, "date": "02.11.2026",
                                              "workingTime": 1.25, "detail": long_detail, "workingTimeStart": "09:30"})
    assert created.status_code == 201
    row, m = data(created), meta(created)
    assert isinstance(row["timeID"], str) and m["insertID"] == int(row["timeID"])
    assert row["workingTime"] == 1.25 and row["date"] == "2026-11-02" and row["workingTimeStart"] == "09:30:00"
    assert row["detail"] == long_detail and "categoryName" not in row and row["timeViaApi"] == 1
    read = data(api.get(f"/projecttimes/{m['insertID']}"))
    assert read["workingTime"] == "1.25" and isinstance(read["timeID"], int) and read["categoryName"] == "Workshop"
    assert read["detail"] == long_detail[:800] and "freeTimeInput" not in read
    updated = api.put(f"/projecttimes/{m['insertID']}", json={"workingTime": "3.5"})
    assert updated.status_code == 200 and data(updated)["workingTime"] == 3.5
    assert isinstance(data(updated)["timeID"], int) and data(updated)["detail"] == long_detail[:800]
    deleted = api.delete(f"/projecttimes/{m['insertID']}")
    assert deleted.status_code == 200 and data(deleted) == [] and meta(deleted)["status"] == 200
    again = api.delete(f"/projecttimes/{m['insertID']}")
    assert again.status_code == 404 and meta(again)["message"] == "Data not found."
    stats = sandbox.sandbox.stats
    assert [stats.get(f"prosonata.{e}.projecttimes") for e in ("create", "update", "delete")] == [1, 1, 1]


def test_validation_and_references(api: httpx.Client) -> None:
    missing = api.post("/projecttimes", json={"projectID": 41})
    assert missing.status_code == 400 and "category" in meta(missing)["message"]
    bad_number = api.post("/projecttimes", json={"category": 1, "projectID": 41, "workingTime": "1,5"})
    assert bad_number.status_code == 400 and "workingTime" in meta(bad_number)["message"]
    assert api.post("/projecttimes", json=[1, 2]).status_code == 400
    no_company = api.post("/addresses", json={"customerID": 999, "city": "Köln"})
    assert no_company.status_code == 409 and "customerID" in meta(no_company)["message"]
    no_address = api.post("/contacts", json={"title": "Frau", "lastName": "Schäfer", "customerID": 11, "addressID": 999})
    assert no_address.status_code == 409
    assert api.post("/addresses", json={"customerID": 11, "city": "Köln"}).status_code == 201


def test_project_create_fills_server_fields_and_put_is_partial(api: httpx.Client) -> None:
    created = api.post("/projects", json={"projectName": "Herbstkampagne", "customerID": 11, "contactID": 50,
                                          "projectDateEnd": "25.06.2027", "usersAssigned": [{"userID": 7}, 8]})
    project = data(created)
    assert created.status_code == 201 and meta(created)["insertID"] == project["projectID"]
    assert project["projectNo"] == f"{TODAY.year % 100:02d}-11-{api.get('/customers/11').json()['data']['projectCounter']:03d}"
    assert project["projectViaApi"] == 1 and project["createdByUserID"] == 1 and project["activeStatus"] == 1
    assert project["projectDate"] == TODAY.isoformat() and project["projectDateEnd"] == "2027-06-25"
    assert [u["username"] for u in project["usersAssigned"]] == ["Designer1", "Designer2"]
    changed = data(api.put(f"/projects/{project['projectID']}", json={"projectStatus": 2}))
    assert changed["projectStatus"] == 2 and changed["projectName"] == "Herbstkampagne"
    assert changed["projectDateEnd"] == "2027-06-25"


def test_money_wire_types_per_resource(api: httpx.Client) -> None:
    invoice, quotation = data(api.get("/invoices/1")), data(api.get("/quotations/1"))
    assert isinstance(invoice["grossValue"], str) and invoice["tax"] == "19.0"
    assert quotation["netValue"] == "1900.00"
    template = data(api.post("/servicetemplates", json={"category": 6, "templateName": "Neu", "netValue": 90}))
    assert template["netValue"] == "90.00" and template["quantity"] == "0.00"
    cost = data(api.get("/externalcosts/1"))
    assert cost["netValue"] == 100 and cost["grossValue"] == 119
    assert isinstance(data(api.get("/projects/41"))["timeNeeded"], (int, float))


def test_seeded_data_reads_like_the_docs_and_has_yesterday(sandbox: SandboxServer, api: httpx.Client) -> None:
    customers = {c["customerName"] for c in data(api.get("/customers"))}
    assert {"Bäckerei Back", "ABC Versicherung", "Versandmode Becker", "Käserei Gouda", "ZX Testfirma"} <= customers
    assert {"Admin1", "Admin2", "Designer1"} <= {u["username"] for u in data(api.get("/users"))}
    assert {"Konzeption", "Workshop", "Gestaltung"} <= {c["categoryName"] for c in data(api.get("/projecttimecategories"))}
    yesterday = data(api.get("/projecttimes", params={"date": YESTERDAY, "perPage": 1000}))
    assert len(yesterday) >= 8
    assert len({r["projectID"] for r in yesterday}) >= 3 and len({r["userID"] for r in yesterday}) >= 3
    assert 7 in {r["userID"] for r in yesterday}
    assert emulator(sandbox).rows("projecttimes")[0]["timeID"] == data(api.get("/projecttimes"))[0]["timeID"]


def test_seed_is_deterministic(sandbox: SandboxServer) -> None:
    first = emulator(sandbox).rows("projecttimes")
    sandbox.sandbox.reset()
    assert emulator(sandbox).rows("projecttimes") == first


def test_bulk_project_times_only_for_plain_lists(sandbox: SandboxServer, api: httpx.Client,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    stored = meta(api.get("/projecttimes"))["totalCount"]
    sandbox.sandbox.configure("prosonata", bulk_projecttimes=5000)
    last = api.get("/projecttimes", params={"perPage": 1000, "page": 6})
    assert meta(last)["totalCount"] == stored + 5000 and len(data(last)) == stored + 5000 - 5000
    # A page synthesizes only its own rows, never the whole bulk (so large listings stay cheap).
    made: list[int] = []
    bulk_times = emulator(sandbox)._bulk_times
    monkeypatch.setattr(emulator(sandbox), "_bulk_times", lambda first, count: made.append(count) or bulk_times(first, count))
    page = api.get("/projecttimes", params={"perPage": 1000, "page": 3})
    assert 0 < sum(made) <= 1000 and len(emulator(sandbox).rows("projecttimes")) == stored
    ids = [row["timeID"] for row in data(page)]
    assert len(ids) == 1000 and ids == sorted(ids) and list(data(page)[-1]) == list(RESOURCES["projecttimes"].columns)
    assert meta(api.get("/projecttimes", params={"userID": 1}))["totalCount"] < stored


# -- rate window and 429 forms ---------------------------------------------------------------------
def test_fixed_window_counts_down_refuses_and_resets(clocked: Clocked) -> None:
    """On the sandbox's fake clock: the window ends exactly ``apiLimitReset`` seconds later."""
    clocked.server.sandbox.configure("prosonata", rate_limit=3, window_seconds=2)
    with httpx.Client(base_url=clocked.server.base_url("prosonata"), headers=ADMIN, timeout=10) as api:
        remaining = [meta(api.get("/projecttimecategories"))["apiLimitRemaining"] for _ in range(3)]
        assert remaining == [2, 1, 0]
        for _ in range(2):  # refused calls do not count
            refused = api.get("/projecttimecategories")
            m = meta(refused)
            assert refused.status_code == 429 and data(refused) == [] and m["apiLimitRemaining"] == 0
            assert m["message"] == f"API limit exceeded. Please retry in {m['apiLimitReset']} seconds."
            assert m["apiLimitReset"] == 2 and "retry-after" not in refused.headers  # no time has passed
        assert clocked.server.sandbox.stats.get("prosonata.429") == 2
        clocked.clock.advance(1.999)
        assert api.get("/projecttimecategories").status_code == 429
        clocked.clock.advance(0.001)
        fresh = api.get("/projecttimecategories")
    assert fresh.status_code == 200 and meta(fresh)["apiLimitRemaining"] == 2


def test_retry_after_header_switch(sandbox: SandboxServer, api: httpx.Client) -> None:
    sandbox.sandbox.configure("prosonata", rate_limit=1, window_seconds=60, retry_after_header=True)
    api.get("/users")
    refused = api.get("/users")
    assert refused.status_code == 429 and refused.headers["retry-after"] == str(meta(refused)["apiLimitReset"])


def test_all_keys_share_one_window(sandbox: SandboxServer, api: httpx.Client, designer: httpx.Client) -> None:
    sandbox.sandbox.configure("prosonata", rate_limit=2, window_seconds=60)
    api.get("/users")
    designer.get("/projecttimes")
    assert designer.get("/projecttimes").status_code == 429


def _forced(sandbox: SandboxServer, api: httpx.Client, hint: str) -> httpx.Response:
    api.get("/users")  # open the window
    sandbox.sandbox.faults.add("rate_limit", api="prosonata", hint=hint)
    response = api.post("/customers", json={"customerName": "Nie angelegt"})
    assert response.status_code == 429 and meta(response)["status"] == 429 and data(response) == []
    assert sandbox.sandbox.stats.get("prosonata.create.customers") == 0  # not processed
    assert meta(api.get("/users"))["apiLimitRemaining"] == 100_000 - 2  # and not counted
    return response


def test_forced_429_default_form(sandbox: SandboxServer, api: httpx.Client) -> None:
    m = meta(_forced(sandbox, api, "default"))
    assert m["apiLimitRemaining"] == 0 and 890 <= m["apiLimitReset"] <= 900
    assert m["message"] == f"API limit exceeded. Please retry in {m['apiLimitReset']} seconds."


def test_forced_429_message_form(sandbox: SandboxServer, api: httpx.Client) -> None:
    response = _forced(sandbox, api, "message")
    assert "apiLimitReset" not in meta(response) and "retry-after" not in response.headers
    assert "Please retry in 9" in meta(response)["message"]


def test_forced_429_retry_after_form(sandbox: SandboxServer, api: httpx.Client) -> None:
    response = _forced(sandbox, api, "retry_after")
    assert "apiLimitReset" not in meta(response) and not any(ch.isdigit() for ch in meta(response)["message"])
    assert 890 <= int(response.headers["retry-after"]) <= 900


def test_forced_429_missing_form(sandbox: SandboxServer, api: httpx.Client) -> None:
    response = _forced(sandbox, api, "missing")
    m = meta(response)
    assert "apiLimitReset" not in m and "retry-after" not in response.headers
    assert not any(ch.isdigit() for ch in m["message"])


def test_forced_429_garbage_form(sandbox: SandboxServer, api: httpx.Client) -> None:
    response = _forced(sandbox, api, "garbage")
    assert meta(response)["apiLimitReset"] == "soon" and response.headers["retry-after"] == "later"
    assert not any(ch.isdigit() for ch in meta(response)["message"])


# -- configuration and faults ----------------------------------------------------------------------
def test_configure_rejects_unknown_options_and_reset_keeps_configuration(sandbox: SandboxServer) -> None:
    with pytest.raises(TypeError, match="colour"):
        sandbox.sandbox.configure("prosonata", colour="red")
    with pytest.raises(ValueError):
        sandbox.sandbox.configure("prosonata", empty_list_status=201)
    sandbox.sandbox.configure("prosonata", empty_list_status=200)
    sandbox.sandbox.reset()
    assert emulator(sandbox)._options["empty_list_status"] == 200


def test_injected_faults_use_the_envelope(sandbox: SandboxServer, api: httpx.Client) -> None:
    content_type, body = emulator(sandbox).error_body(503)
    assert content_type.startswith("application/json")
    sandbox.sandbox.faults.add("status", api="prosonata", status=503)
    response = api.get("/projects")
    assert response.status_code == 503 and meta(response)["status"] == 503 and data(response) == []
    assert "message" in meta(response) and response.content == body


def test_request_counter_counts_every_call(sandbox: SandboxServer, api: httpx.Client) -> None:
    before = sandbox.sandbox.stats.get("prosonata.requests")
    api.get("/projects")
    api.get("/nothing")
    assert sandbox.sandbox.stats.get("prosonata.requests") == before + 2


def test_yesterdays_project_times_are_the_same_on_every_day_of_the_week() -> None:
    """The sample flows read yesterday: its rows must not follow the weekdays of the 60 days before
    (they did: 5 to 9 project groups depending on the date, and tests fixed on one count failed)."""
    from prefect_prosonata_exeoflow.sandbox.prosonata.seed import build_tables

    def yesterday(today: dt.date) -> list[tuple[Any, ...]]:
        rows = build_tables(7, today)["projecttimes"].values()
        day = (today - dt.timedelta(days=1)).isoformat()
        return [(r["projectID"], r["userID"], r["category"], r["workingTime"], r["detail"], r["creationDate"][11:])
                for r in rows if r["date"] == day]

    week = [yesterday(dt.date(2026, 12, 1) + dt.timedelta(days=offset)) for offset in range(7)]
    assert week[0] and all(rows == week[0] for rows in week), [len({r[0] for r in rows}) for rows in week]
