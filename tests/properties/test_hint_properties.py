"""429 hints in each API's dialect: the documented forms are read exactly; garbage never crashes,
never yields a negative wait, and the request plan never sleeps longer than the block allows."""

from __future__ import annotations

import email.utils
import math
import string
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prefect_prosonata_exeoflow._core.clock import FakeClock
from prefect_prosonata_exeoflow._core.dialect import Dialect, sane_wait
from prefect_prosonata_exeoflow._core.errors import RateLimitError
from prefect_prosonata_exeoflow._core.http import ClientSettings, SyncClient
from prefect_prosonata_exeoflow._core.policy import RetryPolicy
from prefect_prosonata_exeoflow.endocs.dialect import EnDocsDialect
from prefect_prosonata_exeoflow.exeoflow.dialect import ExeoflowDialect
from prefect_prosonata_exeoflow.prosonata.dialect import ProSonataDialect

NOW = 1_790_000_000.0
EXAMPLES = settings(max_examples=120, deadline=None)
header_text = st.text(alphabet=string.printable.strip() + " ", max_size=40)
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=8,
)


def answer(body: Any = None, **headers: str) -> httpx.Response:
    request = httpx.Request("GET", "https://api.test/x")
    if body is None:
        return httpx.Response(429, headers=headers, request=request)
    return httpx.Response(429, json=body, headers=headers, request=request)


def dialects() -> list[Dialect]:
    clock = FakeClock(NOW)
    return [ProSonataDialect(clock), ExeoflowDialect(clock), EnDocsDialect(clock)]


def sane(wait: float | None) -> bool:
    return wait is None or (math.isfinite(wait) and wait >= 0)


# -- the documented forms, read exactly ------------------------------------------------------------
@EXAMPLES
@given(seconds=st.integers(0, 10**6))
def test_prosonata_reads_api_limit_reset_first(seconds: int) -> None:
    body = {"meta": {"status": 429, "apiLimitReset": seconds, "message": "retry in 999 seconds"}}
    assert ProSonataDialect(FakeClock(NOW)).retry_after(answer(body, **{"Retry-After": "5"}), body) == seconds


@EXAMPLES
@given(seconds=st.integers(0, 10**6), prefix=st.sampled_from(["API limit exceeded. Please retry in ", "Wait "]))
def test_prosonata_reads_the_seconds_in_the_message(seconds: int, prefix: str) -> None:
    body = {"meta": {"status": 429, "message": f"{prefix}{seconds} seconds."}}
    assert ProSonataDialect(FakeClock(NOW)).retry_after(answer(body), body) == seconds


@EXAMPLES
@given(seconds=st.integers(0, 10**6))
def test_prosonata_falls_back_to_retry_after(seconds: int) -> None:
    body = {"meta": {"status": 429, "message": "API limit exceeded."}}
    assert ProSonataDialect(FakeClock(NOW)).retry_after(answer(body, **{"Retry-After": str(seconds)}), body) == seconds


@EXAMPLES
@given(retry_after=st.floats(0, 10**6), reset_in=st.integers(1, 10**6))
def test_exeoflow_prefers_retry_after_then_the_reset_epoch(retry_after: float, reset_in: int) -> None:
    dialect = ExeoflowDialect(FakeClock(NOW))
    both = answer(None, **{"Retry-After": repr(retry_after), "X-RateLimit-Reset": str(int(NOW) + reset_in)})
    assert dialect.retry_after(both, None) == pytest.approx(retry_after)
    reset_only = answer(None, **{"X-RateLimit-Reset": str(int(NOW) + reset_in)})
    assert dialect.retry_after(reset_only, None) == reset_in


@EXAMPLES
@given(seconds=st.integers(0, 3600), as_date=st.booleans(), window=st.sampled_from([1.0, 60.0]))
def test_endocs_reads_retry_after_as_seconds_or_date(seconds: int, as_date: bool, window: float) -> None:
    value = email.utils.formatdate(NOW + seconds, usegmt=True) if as_date else str(seconds)
    assert EnDocsDialect(FakeClock(NOW), window_seconds=window).retry_after(
        answer(None, **{"Retry-After": value}), None) == seconds


@EXAMPLES
@given(skew=st.floats(-3600, 3600), reset_in=st.integers(1, 600), fraction=st.floats(0, 0.999))
def test_epoch_resets_are_read_against_the_servers_date(skew: float, reset_in: int, fraction: float) -> None:
    """A server clock ``skew`` seconds off ours: its Date header (whole seconds, rounded down) gives
    the offset, so the wait is the true one, rounded up by less than a second, never shorter."""
    server_now = NOW + skew + fraction
    dialect = ExeoflowDialect(FakeClock(NOW))
    headers = {"X-RateLimit-Reset": str(math.ceil(server_now + reset_in)),
               "Date": email.utils.formatdate(server_now, usegmt=True)}
    wait = dialect.retry_after(answer(None, **headers), None)
    assert wait is not None and reset_in <= wait + 1e-6 <= reset_in + 2


@EXAMPLES
@given(stale=st.integers(1, 10**6), with_date=st.booleans())
def test_a_reset_in_the_past_is_no_hint(stale: int, with_date: bool) -> None:
    headers = {"X-RateLimit-Reset": str(int(NOW) - stale)}
    if with_date:
        headers["Date"] = email.utils.formatdate(NOW, usegmt=True)
    assert ExeoflowDialect(FakeClock(NOW)).retry_after(answer(None, **headers), None) is None
    assert EnDocsDialect(FakeClock(NOW)).retry_after(
        answer(None, **{"Retry-After": email.utils.formatdate(NOW - stale, usegmt=True)}), None) is None


@EXAMPLES
@given(value=st.none() | st.floats(allow_nan=True, allow_infinity=True))
def test_the_core_sanity_rule(value: float | None) -> None:
    wait = sane_wait(value)
    assert wait is None or (math.isfinite(wait) and wait > 0 and wait == value)


# -- garbage ----------------------------------------------------------------------------------------
@EXAMPLES
@given(meta=st.dictionaries(st.sampled_from(["apiLimitReset", "message", "apiLimitRemaining", "status"]),
                            json_value, max_size=4),
       retry_after=header_text, reset=header_text, remaining=header_text)
def test_garbage_hints_never_crash_nor_go_negative(meta: dict[str, Any], retry_after: str, reset: str,
                                                    remaining: str) -> None:
    body = {"meta": meta, "success": False, "error": meta}
    headers = {"Retry-After": retry_after, "X-RateLimit-Reset": reset, "X-RateLimit-Remaining": remaining}
    for dialect in dialects():
        response = answer(None, **headers)  # the decoded body (inf and NaN included) is passed as such
        wait = dialect.retry_after(response, body)
        assert sane(wait)
        dialect.budget_hint(response, body)  # also never raises


@settings(max_examples=60, deadline=None)
@given(dialect_index=st.integers(0, 2), retry_after=header_text | st.integers(-10**12, 10**12).map(str),
       reset=st.integers(0, 10**6))
def test_the_plan_never_sleeps_longer_than_the_block_allows(dialect_index: int, retry_after: str, reset: int) -> None:
    """Whatever a 429 says, the client either waits at most max_rate_limit_wait or raises at once."""
    clock = FakeClock(NOW)
    dialect = [ProSonataDialect, ExeoflowDialect, EnDocsDialect][dialect_index](clock)
    body = {"meta": {"status": 429, "apiLimitReset": reset}, "success": False}
    answers = iter([httpx.Response(429, json=body, headers={"Retry-After": retry_after}),
                    httpx.Response(200, json={"meta": {"status": 200}, "data": [], "success": True})])
    limit = 120.0
    settings_ = ClientSettings(base_url="https://api.test/", dialect=dialect, clock=clock,
                               policy=RetryPolicy(max_rate_limit_wait=limit))
    with SyncClient(settings_, transport=httpx.MockTransport(lambda request: next(answers))) as client:
        try:
            client.request("GET", "x")
        except RateLimitError as error:
            assert error.retry_after is not None and error.retry_after > limit
            assert clock.sleeps == []
    assert all(0 <= wait <= limit + RetryPolicy().rate_limit_jitter for wait in clock.sleeps)
