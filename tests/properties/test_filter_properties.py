"""ProSonata filters: what the client encodes, the sandbox (its reading of docs/apis/prosonata.md) decodes to the
same dates; invalid values are rejected before anything is sent."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from prefect_prosonata_exeoflow import InvalidRequestError
from prefect_prosonata_exeoflow.prosonata import between
from prefect_prosonata_exeoflow.prosonata.encoding import encode_filters
from prefect_prosonata_exeoflow.prosonata.resources import PROJECT_TIMES
from prefect_prosonata_exeoflow.sandbox.prosonata.query import predicates
from prefect_prosonata_exeoflow.sandbox.prosonata.tables import RESOURCES as SERVER_RESOURCES

EXAMPLES = settings(max_examples=150, deadline=None)
dates = st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31))


def spelled(day: dt.date, form: int) -> dt.date | str:
    """The same day as a date, ISO text or German text (all three are accepted)."""
    return [day, day.isoformat(), day.strftime("%d.%m.%Y")][form]


def server_keeps(params: dict[str, str], day: dt.date) -> bool:
    """Would the server's filter keep a project time on ``day``?"""
    row = {"date": day.isoformat(), "userID": 1}
    return all(keep(row) for keep in predicates(SERVER_RESOURCES["projecttimes"], params, caller_id=1))


@EXAMPLES
@given(start=dates, end=dates, probe=dates, forms=st.tuples(st.integers(0, 2), st.integers(0, 2)))
def test_a_date_range_round_trips_with_both_ends_inclusive(start: dt.date, end: dt.date, probe: dt.date,
                                                           forms: tuple[int, int]) -> None:
    assume(start <= end)
    params = encode_filters(PROJECT_TIMES, {"date": between(spelled(start, forms[0]), spelled(end, forms[1]))})
    assert params == {"date": f">{start.isoformat()}", "date2": f"<{end.isoformat()}"}
    for day in (start, end, probe):
        assert server_keeps(params, day) == (start <= day <= end)


@EXAMPLES
@given(bound=dates, probe=dates, upper=st.booleans())
def test_an_open_range_round_trips(bound: dt.date, probe: dt.date, upper: bool) -> None:
    rng = between(end=bound) if upper else between(start=bound)
    params = encode_filters(PROJECT_TIMES, {"date": rng})
    assert params == {"date": ("<" if upper else ">") + bound.isoformat()}
    assert server_keeps(params, probe) == (probe <= bound if upper else probe >= bound)


@EXAMPLES
@given(start=dates, days_back=st.integers(min_value=1, max_value=3650))
def test_a_reversed_range_is_rejected(start: dt.date, days_back: int) -> None:
    end = start - dt.timedelta(days=days_back)  # drawn reversed: no rejected examples
    with pytest.raises(InvalidRequestError, match="after its end"):
        encode_filters(PROJECT_TIMES, {"date": between(start, end)})


@EXAMPLES
@given(text=st.text(max_size=12))
def test_text_that_is_no_date_is_rejected_and_a_real_date_is_normalised(text: str) -> None:
    try:
        expected = dt.date.fromisoformat(text.strip()) if len(text.strip()) == 10 else None
    except ValueError:
        expected = None
    try:
        params = encode_filters(PROJECT_TIMES, {"date": text})
    except InvalidRequestError as error:
        assert "filter 'date'" in str(error)
        assert expected is None
    else:
        assert dt.date.fromisoformat(params["date"])  # always ISO on the wire


@EXAMPLES
@given(name=st.text(min_size=1, max_size=15), value=st.integers() | st.text(max_size=5))
def test_unknown_filter_names_are_rejected_naming_them(name: str, value: object) -> None:
    assume(name not in PROJECT_TIMES.filters)
    with pytest.raises(InvalidRequestError, match="unknown filter"):
        encode_filters(PROJECT_TIMES, {name: value})


@EXAMPLES
@given(value=st.integers(-10**9, 10**9) | st.text(max_size=8))
def test_integer_filters_take_integers_only(value: object) -> None:
    try:
        number = int(str(value).strip())
    except ValueError:
        with pytest.raises(InvalidRequestError, match="not an integer"):
            encode_filters(PROJECT_TIMES, {"projectID": value})
    else:
        assert encode_filters(PROJECT_TIMES, {"projectID": value}) == {"projectID": str(number)}
