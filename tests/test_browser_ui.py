"""The Prefect UI as `make ui` serves it, driven by a real headless Chromium.

`python -m flows.ui` runs on free ports (a Prefect server with the UI, the sandbox, sandbox
blocks, the served deployments); the test opens the main deployment's run form, changes a field,
submits it, waits for the run, and reads the run's Logs tab (a rate-limit wait must be there: the
sandbox's Exeoflow window is made small) and its table artifact.

Chromium comes from the distribution (`apt-get install chromium`; `.ci/run` installs it) and is
driven by Playwright with ``executable_path``; without it the test is skipped, saying why.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from flows.runtime import QUIET_ENV, ROOT, free_port, stop_process
from flows.serve import MAIN_DEPLOYMENT

pytestmark = pytest.mark.server

CHROMIUM = next((path for name in ("chromium", "chromium-browser") if (path := shutil.which(name))), None)
START_SECONDS = 300
RUN_SECONDS = 240


def _playwright() -> Any:
    if CHROMIUM is None:
        pytest.skip("browser test skipped: no Chromium on this machine (apt-get install chromium; .ci/run does it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser test skipped: playwright is not installed (pip install -e '.[test]')")
    return sync_playwright


class UI:
    """A running `python -m flows.ui` and how to reach it."""

    def __init__(self, url: str, sandbox_url: str) -> None:
        self.url, self.api, self.sandbox_url = url, f"{url}/api", sandbox_url

    def get(self, path: str) -> Any:
        response = httpx.get(f"{self.api}{path}", timeout=10)
        response.raise_for_status()
        return response.json()

    def post(self, path: str, body: dict[str, Any]) -> Any:
        response = httpx.post(f"{self.api}{path}", json=body, timeout=10)
        response.raise_for_status()
        return response.json()


@pytest.fixture(scope="module")
def ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UI]:
    _playwright()
    home: Path = tmp_path_factory.mktemp("ui-home")
    ui_port, sandbox_port = free_port(), free_port()
    env = {**os.environ, **QUIET_ENV, "PREFECT_HOME": str(home), "PPE_UI_PORT": str(ui_port),
           "PPE_SANDBOX_PORT": str(sandbox_port), "PREFECT_RUNNER_POLL_FREQUENCY": "1",
           "PREFECT_LOGGING_LEVEL": "INFO"}  # what the UI's Logs tab shows, whatever an earlier test left
    for name in ("PREFECT_API_URL", "PREFECT_LOCAL_STORAGE_PATH"):
        env.pop(name, None)
    log = (home / "ui.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "flows.ui"], env=env, cwd=ROOT, stdout=log,
                               stderr=subprocess.STDOUT)
    running = UI(f"http://127.0.0.1:{ui_port}", f"http://127.0.0.1:{sandbox_port}")
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            assert process.poll() is None, f"flows.ui exited: {(home / 'ui.log').read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"no deployment served: {(home / 'ui.log').read_text()[-3000:]}"
            try:
                running.get(f"/deployments/name/{MAIN_DEPLOYMENT}")
                break
            except httpx.HTTPError:
                time.sleep(1)
        yield running
    finally:
        stop_process(process, grace_seconds=30)
        log.close()


#: The Prefect UI's toast when one of its API calls failed (on a starved 2-core machine: a timeout).
UI_ERROR = "Something went wrong"


def _screenshot(page: Any, name: str) -> None:
    page.screenshot(path=str(Path(os.environ.get("PPE_SCREENSHOTS", "/tmp")) / name))


def _submits(page: Any, button: str, url: str, created: Callable[[], object], failure: str, screenshot: str) -> None:
    """Click ``button`` and wait for the page to reach ``url`` (a regex).

    Clicked once more, as a user would, only when the UI reported a failed call and ``created()``
    confirms that nothing was created; otherwise fail with what the page says, and a screenshot.
    """
    for attempt in range(2):
        page.get_by_role("button", name=button).click()
        if _reaches(page, re.compile(url), created):
            return
        if attempt or not _failed_call(page, created):
            break
    _screenshot(page, screenshot)
    raise AssertionError(f"{failure}; the page at {page.url} says: {page.inner_text('body')[-2000:]}")


def _reaches(page: Any, url: re.Pattern[str], created: Callable[[], object], seconds: float = 60) -> bool:
    """Whether the page gets to ``url`` within ``seconds``; gives up early once the submit failed
    (the UI's error toast, and still nothing created 2 s later), instead of waiting the full minute."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if url.search(page.url):
            return True
        if _failed_call(page, created):
            page.wait_for_timeout(2_000)
            if _failed_call(page, created) and not url.search(page.url):
                return False
        page.wait_for_timeout(250)
    return False


def _failed_call(page: Any, created: Callable[[], object]) -> bool:
    return bool(page.get_by_text(UI_ERROR).first.is_visible()) and not created()


def _field(page: Any, label: str) -> Any:
    """The input of the innermost form property whose label starts with ``label``."""
    prop = page.locator(".p-label.schema-form-property",
                        has=page.locator(".schema-form-property__label", has_text=re.compile(rf"^{label}\b", re.IGNORECASE))).last
    return prop.locator("textarea, input").first


def _runs_since(ui: UI, deployment_id: str, after: float) -> list[dict[str, Any]]:
    """The deployment's runs created since ``after`` (epoch seconds), newest first."""
    runs = ui.post("/flow_runs/filter", {"flow_runs": {"deployment_id": {"any_": [deployment_id]}},
                                         "sort": "EXPECTED_START_TIME_DESC", "limit": 5})
    return [r for r in runs if r["created"] and _epoch(r["created"]) >= after - 5]


def _final_run(ui: UI, deployment_id: str, after: float) -> dict[str, Any]:
    deadline = time.monotonic() + RUN_SECONDS
    while time.monotonic() < deadline:
        runs = _runs_since(ui, deployment_id, after)
        if runs and runs[0]["state"] and runs[0]["state"]["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
            return runs[0]
        time.sleep(1)
    raise AssertionError("the submitted run did not finish in time")


def _logs_containing(ui: UI, flow_run_id: str, text: str) -> list[str]:
    """The run's log messages (task runs included) that contain ``text``, read from the API."""
    messages: list[str] = []
    for offset in range(0, 2000, 200):
        page = ui.post("/logs/filter", {"logs": {"flow_run_id": {"any_": [flow_run_id]}},
                                        "sort": "TIMESTAMP_ASC", "limit": 200, "offset": offset})
        messages += [log["message"] for log in page if text in log["message"]]
        if len(page) < 200:
            return messages
    return messages


def _epoch(iso: str) -> float:
    import datetime as dt

    return dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


@pytest.mark.timeout(START_SECONDS + RUN_SECONDS + 180)
def test_the_run_form_starts_a_run_whose_logs_show_its_rate_limit_waits(ui: UI) -> None:
    # A tiny Exeoflow window: the run makes at least 3 calls per group (look up, look up under the
    # lock, execute) for 9 groups at once, so 2 calls per second must make it wait, however slow
    # the machine (2 per 3 s also did, and made the run last ~40 s instead of ~15 s).
    httpx.post(f"{ui.sandbox_url}/_sandbox/config", timeout=10,
               json={"exeoflow": {"rate_limit": 2, "window_seconds": 1, "execution_seconds": 0.3}}).raise_for_status()
    deployment = ui.get(f"/deployments/name/{MAIN_DEPLOYMENT}")
    sync_playwright = _playwright()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1400})
        page.set_default_timeout(60_000)
        page.goto(f"{ui.url}/deployments/deployment/{deployment['id']}/run", wait_until="networkidle")
        workflow = _field(page, "Workflow")
        assert workflow.input_value() == "Projektzeiten übernehmen"
        workflow.fill("wf_100001")  # the same workflow by id: a changed field
        submitted = time.time()
        _submits(page, "Submit", r"/deployments/deployment/[^/]+(\?.*)?$",
                 lambda: _runs_since(ui, deployment["id"], submitted), "the run form was not submitted", "ppe-ui-submit.png")

        run = _final_run(ui, deployment["id"], submitted)
        assert run["state"]["type"] == "COMPLETED", run["state"]
        parameters = run["parameters"]
        assert "wf_100001" in str(parameters), parameters

        deadline = time.monotonic() + 30  # the run's last logs may still be on their way
        while not (waits := _logs_containing(ui, run["id"], "rate budget spent")) and time.monotonic() < deadline:
            time.sleep(1)
        assert waits, "the run never waited for the rate budget, so its Logs tab cannot show a wait"
        page.goto(f"{ui.url}/runs/flow-run/{run['id']}", wait_until="networkidle")
        page.get_by_text("rate budget spent").first.wait_for(timeout=60_000)  # the Logs tab is open by default
        logs = page.inner_text("body")
        assert re.search(r"Exeoflow: waiting [\d.]+s \(until [^)]+\): rate budget spent", logs), logs[-3000:]
        _screenshot(page, "ppe-ui-run-logs.png")

        (artifact,) = ui.post("/artifacts/filter", {"flow_runs": {"id": {"any_": [run["id"]]}}, "limit": 5})
        assert artifact["type"] == "table"
        page.goto(f"{ui.url}/artifacts/artifact/{artifact['id']}", wait_until="networkidle")
        page.get_by_text("final status").first.wait_for()
        table = page.inner_text("body")
        assert "success" in table and "exec_" in table, table[-3000:]

        browser.close()


# -- forms: what the UI refuses and what it renders --------------------------------------------------
FORM_SECONDS = 240


def _browser_page(playwright: Any) -> tuple[Any, Any]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
    page = browser.new_page(viewport={"width": 1400, "height": 2200})
    page.set_default_timeout(60_000)  # a loaded 2-core machine: the UI answers slowly, not wrongly
    return browser, page


def _block_input(page: Any, title: str) -> Any:
    """The input of the block form's field titled exactly ``title``, and the field (with its message)."""
    prop = page.locator(".schema-form-input", has=page.locator(".p-label__label", has_text=re.compile(rf"^{title}$")))
    return prop.locator("textarea, input").first, prop


@pytest.mark.timeout(START_SECONDS + FORM_SECONDS)
def test_the_block_form_refuses_a_prosonata_block_without_an_address_and_saves_a_valid_one(ui: UI) -> None:
    from prefect_prosonata_exeoflow.prosonata import ProSonataCredentials

    name = f"ui-form-{int(time.time())}"

    def blocks_named() -> Any:
        return ui.post("/block_documents/filter", {"block_documents": {"name": {"any_": [name]}}})

    with _playwright()() as playwright:
        browser, page = _browser_page(playwright)
        page.goto(f"{ui.url}/blocks/catalog/prosonata-credentials/create", wait_until="networkidle")
        page.locator(".block-schema-create-form input").first.fill(name)  # Block Name
        api_key, _ = _block_input(page, "API Key")
        api_key.fill("ui-form-key-0001")
        base_url, base_url_field = _block_input(page, "Base URL")

        page.get_by_role("button", name="Create").click()  # no address: refused, naming the field
        base_url_field.get_by_text("Base URL is required").wait_for()
        _screenshot(page, "ppe-ui-block-refused.png")
        assert page.url.endswith("/create")
        assert blocks_named() == []

        base_url.fill("meine-agentur")  # the subdomain, typed into the one address field
        _submits(page, "Create", r"/blocks/block/[0-9a-f-]+$", blocks_named, "the valid block was not saved",
                 "ppe-ui-block-saved.png")
        browser.close()

    saved = ui.get(f"/block_types/slug/prosonata-credentials/block_documents/name/{name}?include_secrets=true")
    assert saved["data"]["base_url"] == "meine-agentur" and "subdomain" not in saved["data"]
    block = ProSonataCredentials(**saved["data"])  # what .load() builds from it
    assert block.base_url == "https://meine-agentur.prosonata.software/api/v1" and block.subdomain == "meine-agentur"


@pytest.mark.timeout(START_SECONDS + FORM_SECONDS)
def test_both_run_forms_show_one_plain_field_per_parameter_and_send_nothing_for_an_empty_one(ui: UI) -> None:
    with _playwright()() as playwright:
        browser, page = _browser_page(playwright)
        for deployment_name in (MAIN_DEPLOYMENT, "endocs-contracts-to-prosonata/hourly"):
            deployment = ui.get(f"/deployments/name/{deployment_name}")
            properties = deployment["parameter_openapi_schema"]["properties"]
            page.goto(f"{ui.url}/deployments/deployment/{deployment['id']}/run", wait_until="networkidle")
            last = max(properties, key=lambda key: properties[key]["position"])
            page.locator(".schema-form-property__label", has_text=re.compile(rf"^{last}\b")).wait_for()
            form = page.locator(".schema-input").first.inner_text()  # the Parameters section
            _screenshot(page, f"ppe-ui-run-form-{deployment_name.split('/')[0]}.png")
            assert 'type "None"' not in form and "None" not in form.splitlines(), form
            labels = page.locator(".schema-form-property__label").all_inner_texts()
            assert [label.split(" (")[0] for label in labels] == sorted(properties, key=lambda k: properties[k]["position"])

        # The main form with an optional id typed and cleared again: the run is created without it.
        page.goto(f"{ui.url}/deployments/deployment/{ui.get(f'/deployments/name/{MAIN_DEPLOYMENT}')['id']}/run",
                  wait_until="networkidle")
        project = _field(page, "project_id")
        project.fill("45")
        project.fill("")
        sent: list[dict[str, Any]] = []

        def refuse(route: Any, request: Any) -> None:  # read what the form sends, start no run
            sent.append(request.post_data_json)
            route.fulfill(status=500, body="{}")

        page.route("**/create_flow_run", refuse)
        page.get_by_role("button", name="Submit").click()  # "Validate parameters" is on: the server checks first
        page.wait_for_timeout(500)
        deadline = time.monotonic() + 20
        while not sent and time.monotonic() < deadline:
            page.wait_for_timeout(200)
        browser.close()
    assert sent, "the form did not get past the server's validation"
    parameters = sent[0]["parameters"]
    assert "project_id" not in parameters and None not in parameters.values(), parameters
