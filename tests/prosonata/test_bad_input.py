"""Bad input fails with a typed error naming the problem, before any request is sent."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from pydantic import SecretStr, ValidationError

from prefect_prosonata_exeoflow import ConfigurationError, InvalidRequestError
from prefect_prosonata_exeoflow.prosonata import ProSonataCredentials, between
from prefect_prosonata_exeoflow.prosonata.client import ProSonataClient
from prefect_prosonata_exeoflow.prosonata.encoding import encode_filters, encode_order
from prefect_prosonata_exeoflow.prosonata.resources import PROJECT_TIMES, PROJECTS


@pytest.fixture
def client_and_requests() -> tuple[ProSonataClient, list[httpx.Request]]:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"meta": {"status": 200}, "data": []})

    credentials = ProSonataCredentials(base_url="https://demo.example.test/api/v1", api_key=SecretStr("k" * 20))
    client = ProSonataClient(credentials.client_settings(), transport=httpx.MockTransport(handler))
    return client, sent


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.project_times.list(colour="red"), "unknown filter 'colour'"),
        (lambda c: c.project_times.list(date="2026-13-45"), "filter 'date'"),
        (lambda c: c.project_times.list(date="gestern"), "not a date"),
        (lambda c: c.project_times.list(date=between("2026-11-30", "2026-11-01")), "after its end"),
        (lambda c: c.project_times.list(projectID="abc"), "not an integer"),
        (lambda c: c.project_times.list(userID="someone"), "not an integer"),
        (lambda c: c.project_times.list(isInvoiced=7), "flag"),
        (lambda c: c.project_times.list(order_by="colour DESC"), "cannot order by 'colour'"),
        (lambda c: c.project_times.list(order_by="date SIDEWAYS"), "ASC or DESC"),
        (lambda c: c.project_times.page(per_page=1001), "perPage must be an integer from 1 to 1000"),
        (lambda c: c.project_times.page(per_page=0), "perPage"),
        (lambda c: c.project_times.page(page=0), "page must be an integer >= 1"),
        (lambda c: c.project_times.list(limit=0), "limit must be a positive integer"),
        (lambda c: c.project_times.get("12; DROP"), "must be a positive integer"),
        (lambda c: c.project_times.get(-3), "must be a positive integer"),
        (lambda c: c.projects.delete(5), "cannot delete"),
        (lambda c: c.invoices.create(invoiceNo="1"), "cannot create"),
        (lambda c: c.project_times.create(detail="no project"), "missing required field(s) category, projectID"),
        (lambda c: c.project_times.create(category=1, projectID=2, colour="red"), "'colour' cannot be set"),
        (lambda c: c.project_times.create(category=1, projectID=2, detail="x" * 801), "at most 800"),
        (lambda c: c.project_times.create(category=1, projectID=2, workingTime="1,5"), "use a dot"),
        (lambda c: c.project_times.create(category=1, projectID=2, workingTime=30), "0 to 24"),
        (lambda c: c.project_times.create(category=1, projectID=2, workingTimeStart=""), "empty string"),
        (lambda c: c.project_times.update(5, {}), "nothing to update"),
        (lambda c: c.projects.create(projectName="x", customerID=1, contactID=2, projectStatus=1), "only on update"),
        (lambda c: c.external_costs.create(netValue=100, grossValue=119, tax=19), "projectID, addressID required"),
        (lambda c: c.external_costs.create(netValue=100, grossValue=90, tax=19, useInbox=1), "below netValue"),
        # Non-ASCII digits are digits to str.isdigit() and int(), but no ProSonata id or integer.
        (lambda c: c.projects.get("²"), "projects: projectID must be a positive integer, got '²'"),
        (lambda c: c.project_times.get("١٢"), "timeID must be a positive integer"),
        (lambda c: c.project_times.list(projectID="١٢"), "not an integer (ASCII digits)"),
        (lambda c: c.project_times.get(0), "timeID must be a positive integer, got 0"),
        (lambda c: c.projects.update("0", projectName="x"), "projectID must be a positive integer"),
        (lambda c: c.customers.get(-1), "customerID must be an integer >= 0"),  # 0 is "Intern" (documented)
        (lambda c: c.project_times.create(category=1, projectID=2, workingTime=float("nan")), "workingTime"),
        (lambda c: c.project_times.create(category=1, projectID=2, workingTime="NaN"), "not a finite number"),
        (lambda c: c.project_tasks.create(taskName="t", projectID=2, timePlanned=float("inf")),
         "projecttasks: timePlanned is inf"),
        (lambda c: c.customers.list(customerCostRate="NaN"), "a finite decimal number"),
    ],
)
def test_bad_input_raises_before_sending(client_and_requests, call, message) -> None:  # type: ignore[no-untyped-def]
    client, sent = client_and_requests
    with pytest.raises(InvalidRequestError) as info:
        call(client)
    assert message in str(info.value)
    assert sent == []


def test_good_filters_encode_to_the_documented_syntax() -> None:
    params = encode_filters(
        PROJECT_TIMES,
        {"date": between(dt.date(2026, 11, 1), "30.11.2026"), "userID": "myself", "isInvoiced": False, "detail": "Ü"},
    )
    assert params == {"date": ">2026-11-01", "date2": "<2026-11-30", "userID": "myself", "isInvoiced": "0", "detail": "Ü"}
    assert encode_filters(PROJECTS, {"projectDate": ("<", "2026-01-31")}) == {"projectDate": "<2026-01-31"}
    assert encode_filters(PROJECTS, {"projectDate": ">01.02.2026"}) == {"projectDate": ">2026-02-01"}
    assert encode_order(PROJECT_TIMES, [("date", "DESC"), "timeID"]) == "date DESC,timeID"
    assert encode_order(PROJECT_TIMES, "date desc, timeID asc") == "date DESC,timeID"


def test_credentials_reject_bad_configuration() -> None:
    with pytest.raises(ValidationError, match="not a hostname label"):
        ProSonataCredentials(subdomain="my agency.evil.com", api_key=SecretStr("k"))
    with pytest.raises(ValidationError, match="base_url is missing"):
        ProSonataCredentials(api_key=SecretStr("k"))
    with pytest.raises(ValidationError, match="must not contain a query"):
        ProSonataCredentials(base_url="https://x.test/api/v1?apiKey=leak", api_key=SecretStr("k"))
    with pytest.raises(ValidationError, match="https://"):
        ProSonataCredentials(base_url="ftp://x.test/api/v1", api_key=SecretStr("k"))
    with pytest.raises(ValidationError):
        ProSonataCredentials(subdomain="agentur")  # type: ignore[call-arg]  # no key at all
    with pytest.raises(ConfigurationError, match="api_key is missing"):
        ProSonataCredentials(subdomain="agentur", api_key=SecretStr("  ")).get_client()


def test_subdomain_builds_the_cloud_url_and_keys_stay_in_headers() -> None:
    credentials = ProSonataCredentials(subdomain="Meine-Agentur", api_key=SecretStr("secret-key-0001"),
                                       app_id=SecretStr("app-7"))
    settings = credentials.client_settings()
    assert settings.base_url == "https://meine-agentur.prosonata.software/api/v1"
    assert settings.headers == {"X-API-Key": "secret-key-0001", "X-APP-ID": "app-7"}
    assert "secret-key-0001" not in repr(credentials) and "app-7" not in repr(credentials)
