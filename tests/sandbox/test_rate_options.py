"""The sandbox reproduces rate limits as real servers run them: shifted windows, skewed clocks,
rival consumers, hintless and stale 429s, and reports every window it counted."""

from __future__ import annotations

import email.utils
import time

import httpx
import pytest

from prefect_prosonata_exeoflow._core.clock import FakeClock
from prefect_prosonata_exeoflow.sandbox import SANDBOX_KEYS, SandboxServer
from prefect_prosonata_exeoflow.sandbox._ratelimit import FixedWindowLimiter
from tests.conftest import Clocked

GET = {
    "prosonata": ("projecttimecategories/15", {"X-API-Key": SANDBOX_KEYS["prosonata_admin_key"]}),
    "exeoflow": ("workflows", {"Authorization": f"Bearer {SANDBOX_KEYS['exeoflow_api_key']}"}),
    "endocs": ("api/Output/GetClientInfo", {"Authorization": f"Bearer {SANDBOX_KEYS['endocs_token']}"}),
}


def get(sandbox: SandboxServer, api: str) -> httpx.Response:
    path, headers = GET[api]
    return httpx.get(f"{sandbox.base_url(api)}/{path}", headers=headers)


def test_phase_shifts_window_edges_and_history_records_them() -> None:
    clock = FakeClock(1_800_000_000.0)
    limiter = FixedWindowLimiter(2, 10, clock, phase=3.0)
    assert limiter.hit("k").reset_at == 1_800_000_003.0
    limiter.hit("k")
    assert not limiter.hit("k").allowed
    clock.advance(3.5)
    assert limiter.hit("k").allowed
    first, second = limiter.history("k")
    assert (first["end"], first["admitted"], first["refused"]) == (1_800_000_003.0, 2, 1)
    assert (second["start"], second["first_call"]) == (1_800_000_003.0, 1_800_000_003.5)


def test_clock_offset_skews_epoch_resets_not_the_windows_we_wait_for() -> None:
    clock = FakeClock(1_800_000_000.5)
    limiter = FixedWindowLimiter(2, 60, clock, aligned=True, clock_offset=-30.0)
    state = limiter.hit("k")
    assert state.reset_at % 60 == 0  # a minute boundary of the server's clock, 30 s behind ours
    assert state.reset_in == pytest.approx(state.reset_at - limiter.server_time())


@pytest.mark.parametrize("api", list(GET))
def test_date_header_follows_the_apis_clock_offset(sandbox: SandboxServer, api: str) -> None:
    sandbox.sandbox.configure(api, window_seconds=60, clock_offset=-30.0)
    answer = get(sandbox, api)
    date = email.utils.parsedate_to_datetime(answer.headers["date"]).timestamp()
    assert date == pytest.approx(time.time() - 30, abs=2.0)
    assert len(answer.headers.get_list("date")) == 1
    if api == "exeoflow":
        assert int(answer.headers["x-ratelimit-reset"]) - date <= 61


@pytest.mark.parametrize("api", list(GET))
def test_rival_and_hintless_429(clocked: Clocked, api: str) -> None:
    # On the fake clock: no window can end between the rival's calls and ours (the real minute could).
    sandbox = clocked.server
    sandbox.sandbox.configure(api, rate_limit=3, window_seconds=60, rival_calls=3, hintless_429=True)
    answer = get(sandbox, api)
    assert answer.status_code == 429
    assert "retry-after" not in answer.headers and "x-ratelimit-reset" not in answer.headers
    if api == "prosonata":
        assert "apiLimitReset" not in answer.json()["meta"]
    windows = httpx.get(f"{sandbox.url}/_sandbox/windows/{api}").json()
    assert windows[-1]["rival"] == 3 and windows[-1]["refused"] == 1


@pytest.mark.parametrize("api", list(GET))
@pytest.mark.parametrize("hint", ["stale", "huge"])
def test_stale_and_huge_hint_forms(sandbox: SandboxServer, api: str, hint: str) -> None:
    sandbox.sandbox.faults.add("rate_limit", api=api, hint=hint, times=1)
    answer = get(sandbox, api)
    assert answer.status_code == 429
    now = email.utils.parsedate_to_datetime(answer.headers["date"]).timestamp()
    if hint == "huge":
        value = answer.json()["meta"]["apiLimitReset"] if api == "prosonata" else float(answer.headers["retry-after"])
        assert value == 999_999
    elif api == "prosonata":
        assert answer.json()["meta"]["apiLimitReset"] == 0
    elif api == "exeoflow":
        assert int(answer.headers["x-ratelimit-reset"]) < now and "retry-after" not in answer.headers
    else:
        assert email.utils.parsedate_to_datetime(answer.headers["retry-after"]).timestamp() < now


def test_reset_forgets_the_rate_options(sandbox: SandboxServer) -> None:
    sandbox.sandbox.configure("exeoflow", clock_offset=500.0, hintless_429=True)
    sandbox.sandbox.reset()
    date = email.utils.parsedate_to_datetime(get(sandbox, "exeoflow").headers["date"]).timestamp()
    assert date == pytest.approx(time.time(), abs=2.0)


def test_bad_rate_options_are_refused(sandbox: SandboxServer) -> None:
    for bad in ({"window_phase": -1}, {"clock_offset": "soon"}, {"rival_calls": 1.5}, {"hintless_429": "yes"}):
        with pytest.raises(ValueError):
            sandbox.sandbox.configure("endocs", **bad)
