"""The fault matrix as data: every fault, every kind of call, the outcome we promise.

One table drives both the parametrized drills (``test_fault_matrix.py``) and the README's
"What happens when things fail" section (:func:`render_readme_section`), so the two cannot
drift. Waits are exact because the drills run the client on a fake clock with jitter off and
backoff pinned to its upper bound (``0.5 s * 2^n``).
"""

from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable

import httpx

from prefect_prosonata_exeoflow._core.errors import (
    APIError,
    MalformedResponseError,
    OutcomeUnknownError,
    PaginationError,
    RateLimitError,
    ResponseTooLargeError,
    ServerError,
)

API_TITLES = {"prosonata": "ProSonata", "exeoflow": "Exeoflow", "endocs": "EnDocs"}
OPERATIONS = ("read", "update", "create")
OPERATION_TITLES = {
    "read": "Read (GET)",
    "update": "Update (PUT; EnDocs: upsert by Ext_ID)",
    "create": "Create (POST; Exeoflow: execute)",
}


@dataclass(frozen=True)
class Wait:
    """One sleep the client must take, computed from the 429 answer and the (fake) time it arrived."""

    text: str
    seconds: Callable[[httpx.Response, float], float]


def _header(name: str) -> Callable[[httpx.Response, float], float]:
    return lambda response, now: float(response.headers[name])


def _server_now(response: httpx.Response, now: float) -> float:
    """The server's time as the client reads it: the answer's ``Date`` (whole seconds), or our
    own clock when the two agree to within that second (see ``Dialect.server_now``)."""
    date = email.utils.parsedate_to_datetime(response.headers["date"]).timestamp()
    return now if -1.0 < date - now <= 0.0 else date


def _http_date(response: httpx.Response, now: float) -> float:
    return email.utils.parsedate_to_datetime(response.headers["retry-after"]).timestamp() - _server_now(response, now)


def _message_seconds(response: httpx.Response, now: float) -> float:
    return float(re.findall(r"\d+", response.json()["meta"]["message"])[0])


BACKOFF = [Wait(f"{0.5 * 2**n:g} s backoff", lambda r, now, n=n: 0.5 * 2**n) for n in range(5)]
RETRY_AFTER = Wait("`Retry-After` seconds", _header("retry-after"))
RETRY_AFTER_DATE = Wait("until the `Retry-After` date (by the answer's `Date`)", _http_date)
RESET_EPOCH = Wait("until `X-RateLimit-Reset` (epoch, by the answer's `Date`)",
                   lambda r, now: float(r.headers["x-ratelimit-reset"]) - _server_now(r, now))
API_LIMIT_RESET = Wait("`meta.apiLimitReset` seconds", lambda r, now: float(r.json()["meta"]["apiLimitReset"]))
MESSAGE_SECONDS = Wait("the seconds named in `meta.message`", _message_seconds)
PROBE_STEP = Wait("0.5 s backoff, then one probe for every caller of the key", lambda r, now: 0.5)


@dataclass(frozen=True)
class Outcome:
    """What one call does under one fault."""

    waits: tuple[Wait, ...] = ()
    """The sleeps taken before it succeeds (or before ``error`` is raised), in order."""
    error: type[APIError] | None = None
    """None: the call succeeds after ``waits``."""
    match: str = ""
    """Text the error message must contain (it names the cause)."""
    status: int | None = None
    """The error's ``status`` attribute, when it has one."""
    created: int = 1
    """Creates the server processed (create column only): never more than the one asked for."""
    note: str = ""
    """Said after the outcome in the README (what else the drill checks)."""

    @property
    def sends(self) -> int:
        """Requests the client sent: one, plus one per wait."""
        return 1 + len(self.waits)

    def describe(self, operation: str) -> str:
        waits = _waits_text(self.waits)
        if self.error is None:
            text = f"retried after waiting {waits}" if waits else "succeeds"
        else:
            text = f"`{self.error.__name__}` (\"{self.match}\")"
            text += f" after {len(self.waits)} retries ({waits})" if waits else ", not retried"
        if operation == "create":
            text += "; created once" if self.created == 1 else "; nothing created"
        return text + (f"; {self.note}" if self.note else "")


def _waits_text(waits: tuple[Wait, ...]) -> str:
    if len(waits) > 1 and all(wait in BACKOFF for wait in waits):
        return ", ".join(f"{0.5 * 2 ** BACKOFF.index(wait):g}" for wait in waits) + " s backoff"
    return ", ".join(wait.text for wait in waits)


@dataclass(frozen=True)
class Fault:
    """A sandbox fault rule (see ``sandbox/_faults.py``) and how the README names it."""

    label: str
    kind: str
    options: dict[str, Any] = field(default_factory=dict)
    #: The client timeout (seconds) for this fault; latency faults need a short one.
    timeout: float = 10.0
    #: Further block settings for this fault (a small ``max_response_bytes``, ``max_pages``).
    client: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    fault: Fault
    outcomes: dict[str, Outcome]  # by operation


def _same(outcome: Outcome, create: Outcome | None = None) -> dict[str, Outcome]:
    return {"read": outcome, "update": outcome, "create": create or outcome}


RETRIED = Outcome(waits=(BACKOFF[0],))
NOT_RESENT = Outcome(error=OutcomeUnknownError, match="not re-sent", created=0)
NOT_RESENT_PROCESSED = Outcome(error=OutcomeUnknownError, match="not re-sent", created=1)
#: A timeout is only noticed after the server took the request; the create then completes late.
TIMEOUT = 0.3
LATENCY = 0.8
#: Trickled answers: each piece well inside the per-read timeout, the whole far beyond it.
TRICKLE = 0.1
HUGE_CAP = 1024 * 1024


def _malformed(match: str) -> Outcome:
    return Outcome(error=MalformedResponseError, match=match)


#: Faults every API meets alike (the same core handles them).
COMMON: list[Row] = [
    *[
        Row(Fault(f"HTTP {status} (before processing)", "status", {"status": status}), _same(RETRIED, NOT_RESENT))
        for status in (500, 502, 503, 504)
    ],
    Row(
        Fault("HTTP 503 on every attempt", "status", {"status": 503, "times": None}),
        _same(
            Outcome(waits=tuple(BACKOFF[:4]), error=ServerError, match="HTTP 503", status=503),
            NOT_RESENT,
        ),
    ),
    Row(Fault("HTTP 502 after the server processed it", "status_after", {"status": 502}),
        _same(RETRIED, NOT_RESENT_PROCESSED)),
    Row(Fault("HTML error page (502 from a proxy)", "html"), _same(RETRIED, NOT_RESENT)),
    Row(Fault("connection reset before processing", "reset_before"), _same(RETRIED, NOT_RESENT)),
    Row(Fault("connection reset after processing", "reset_after"), _same(RETRIED, NOT_RESENT_PROCESSED)),
    Row(Fault("body cut off mid-transfer (connection dropped)", "cut"), _same(RETRIED, NOT_RESENT_PROCESSED)),
    Row(
        Fault(f"read timeout (answer after {LATENCY:g} s, client timeout {TIMEOUT:g} s)", "latency",
              {"delay": LATENCY}, timeout=TIMEOUT),
        _same(RETRIED, Outcome(error=OutcomeUnknownError, match="ReadTimeout", created=1)),
    ),
    Row(Fault("malformed JSON", "malformed"), _same(RETRIED, _malformed("not valid JSON"))),
    Row(Fault("truncated body (consistent Content-Length)", "truncated"), _same(RETRIED, _malformed("not valid JSON"))),
    Row(Fault("JSON labelled text/html (wrong content type)", "wrong_content_type"),
        _same(_malformed("expected JSON but got text/html"))),
    Row(Fault("HTTP 200 with an empty body (after processing)", "empty_body"),
        _same(_malformed("empty body"), Outcome(error=OutcomeUnknownError, match="empty body", created=1))),
    Row(Fault("HTTP 302 to a login page (redirects are not followed)", "redirect"),
        _same(_malformed("HTTP 302 redirect"), Outcome(error=OutcomeUnknownError, match="HTTP 302", created=0))),
    Row(
        Fault(f"headers trickled, a line per {TRICKLE:g} s (client timeout {TIMEOUT:g} s)", "trickle_headers",
              {"interval": TRICKLE}, timeout=TIMEOUT),
        _same(RETRIED, Outcome(error=OutcomeUnknownError, match="timeout=0.3s", created=1)),
    ),
    Row(
        Fault(f"body trickled, a piece per {TRICKLE:g} s (client timeout {TIMEOUT:g} s)", "trickle_body",
              {"interval": TRICKLE}, timeout=TIMEOUT),
        _same(RETRIED, Outcome(error=OutcomeUnknownError, match="timeout=0.3s", created=1)),
    ),
    Row(
        Fault("endless body (chunked, no length; `max_response_bytes` 1 MiB)", "huge_body",
              client={"max_response_bytes": HUGE_CAP}),
        _same(Outcome(error=ResponseTooLargeError, match="larger than max_response_bytes"),
              Outcome(error=OutcomeUnknownError, match="larger than max_response_bytes", created=1)),
    ),
]


def _rate_limited(label: str, hint: str, wait: Wait) -> Row:
    return Row(Fault(f"429, {label}", "rate_limit", {"hint": hint}), _same(Outcome(waits=(wait,))))


#: A wait far longer than the block's ``max_rate_limit_wait``: raised at once, nothing re-sent.
TOO_LONG = Outcome(error=RateLimitError, match="longer than max_rate_limit_wait", status=429, created=0)


def _too_long(label: str) -> Row:
    return Row(Fault(f"429, {label}", "rate_limit", {"hint": "huge"}), _same(TOO_LONG))


#: Each API's own 429 hint forms (the sandbox's ``hint`` names), plus missing, garbage, stale and
#: too-long hints: the same core rule judges them for every API.
RATE_LIMITS: dict[str, list[Row]] = {
    "prosonata": [
        _rate_limited("`meta.apiLimitReset`", "default", API_LIMIT_RESET),
        _rate_limited("seconds only in `meta.message`", "message", MESSAGE_SECONDS),
        _rate_limited("`Retry-After` header only", "retry_after", RETRY_AFTER),
        _rate_limited("no hint", "missing", PROBE_STEP),
        _rate_limited("garbage hint (`apiLimitReset: \"soon\"`)", "garbage", PROBE_STEP),
        _rate_limited("stale hint (`apiLimitReset: 0`)", "stale", PROBE_STEP),
        _too_long("`apiLimitReset: 999999`"),
    ],
    "exeoflow": [
        _rate_limited("`Retry-After` and `X-RateLimit-Reset`", "default", RETRY_AFTER),
        _rate_limited("`Retry-After` only", "retry_after_only", RETRY_AFTER),
        _rate_limited("`X-RateLimit-Reset` only", "reset_only", RESET_EPOCH),
        _rate_limited("no hint", "missing", PROBE_STEP),
        _rate_limited("garbage hint (`Retry-After: bald`)", "garbage", PROBE_STEP),
        _rate_limited("stale hint (`X-RateLimit-Reset` a minute past)", "stale", PROBE_STEP),
        _too_long("`Retry-After: 999999`"),
    ],
    "endocs": [
        _rate_limited("`Retry-After` seconds", "default", RETRY_AFTER),
        _rate_limited("`Retry-After` HTTP date", "http_date", RETRY_AFTER_DATE),
        _rate_limited("no hint", "missing", PROBE_STEP),
        _rate_limited("garbage hint (`Retry-After: soon`)", "garbage", PROBE_STEP),
        _rate_limited("stale hint (`Retry-After` date 30 s past)", "stale", PROBE_STEP),
        _too_long("`Retry-After: 999999`"),
    ],
}


@dataclass(frozen=True)
class ListingRow:
    """A listing fault and its outcome per API (an API it does not apply to is absent)."""

    fault: Fault
    outcomes: dict[str, Outcome]


#: Listings walked to their end (ProSonata project times, Exeoflow executions, EnDocs feeds).
LISTING_PAGES = 5
_PAGE_CAP = {"max_pages": LISTING_PAGES}
_SHIFTED = Outcome(note="every row once: repeated rows dropped with a warning")
LISTINGS: list[ListingRow] = [
    ListingRow(
        Fault("pages never end (fresh rows, huge total)", "endless_pages", client=_PAGE_CAP),
        {
            "prosonata": Outcome(error=PaginationError, match=f"after max_pages={LISTING_PAGES} pages"),
            "exeoflow": Outcome(error=PaginationError, match=f"after max_pages={LISTING_PAGES} pages"),
            "endocs": Outcome(error=PaginationError, match=f"new records after {LISTING_PAGES} reads"),
        },
    ),
    ListingRow(
        Fault("the same page again and again", "repeated_page", client=_PAGE_CAP),
        {api: Outcome(error=PaginationError, match="repeats rows of earlier pages") for api in ("prosonata", "exeoflow")},
    ),
    ListingRow(Fault("rows shift between pages (added while listing)", "shifted_pages"),
               {"prosonata": _SHIFTED, "exeoflow": _SHIFTED}),
    ListingRow(
        Fault("more rows than the announced total", "short_total"),
        {api: Outcome(error=PaginationError, match="but the server announced") for api in ("prosonata", "exeoflow")},
    ),
]


def listing_cells() -> list[tuple[str, ListingRow]]:
    return [(api, row) for row in LISTINGS for api in API_TITLES if api in row.outcomes]


@dataclass(frozen=True)
class Scenario:
    """How a server runs its windows (sandbox rate options), and what the client must achieve.

    Each API runs :data:`SCENARIO_CALLS` calls (2.5 windows' worth) from one client against
    windows of :data:`SCENARIO_LIMIT` calls per :data:`SCENARIO_WINDOW` s, starting at a
    multiple of the window on our clock (where a calendar-aligned client would begin). Judged by
    the sandbox's own record of every window.
    """

    label: str
    options: dict[str, Any]
    #: 429s allowed in the first window, per API (learning) and in every later window (steady).
    first_window_429s: dict[str, int]
    later_window_429s: dict[str, int]
    #: The longest a window may wait for its first call after its reset (over-wait).
    max_over_wait: float = 1.5
    #: The mean of that delay over the windows after the first, per API (default 0.3 s).
    mean_over_wait: dict[str, float] = field(default_factory=dict)

    def mean_bound(self, api: str) -> float:
        return self.mean_over_wait.get(api, 0.3)

    def describe(self, api: str) -> str:
        first, later = self.first_window_429s[api], self.later_window_429s[api]
        if first == later == 0:
            text = "no 429"
        elif first == later:
            text = f"at most {first} x 429 per window"
        else:
            text = f"at most {first} x 429 in the first window, then {later or 'none'}"
            text += " per window" if later else ""
        return (f"{text}; each window's first call at most {self.max_over_wait:g} s after its reset, "
                f"{self.mean_bound(api):g} s on average")


SCENARIO_LIMIT, SCENARIO_WINDOW, SCENARIO_CALLS = 4, 1.0, 10
_QUIET = {"prosonata": 0, "exeoflow": 0, "endocs": 1}  # EnDocs reports nothing: one probe per window
SCENARIOS: list[Scenario] = [
    # Exeoflow's epoch reset is whole seconds, rounded up: a window ending at x.4 s is reported as
    # ending at x+1, and nothing but an early retry could tell (ProSonata's relative hint can).
    # EnDocs halves its uncertainty once per window: within these three windows it is still
    # learning (a calendar-aligned client would come 0.6 s late to every window).
    Scenario("window phase offset (windows start 0.4 s after the clock's multiples)", {"window_phase": 0.4},
             _QUIET, _QUIET, mean_over_wait={"exeoflow": 0.7, "endocs": 0.5}),
    Scenario("server clock 30 s ahead (`Date` and epoch resets skewed)", {"clock_offset": 30.0}, _QUIET, _QUIET),
    Scenario("server clock 30 s behind (`Date` and epoch resets skewed)", {"clock_offset": -30.0}, _QUIET, _QUIET),
    Scenario("a rival consumer spent 3 of the 4 calls before the start", {"rival_calls": 3},
             {"prosonata": 0, "exeoflow": 0, "endocs": 1}, _QUIET),
    # Without a hint the client backs off 0.25-0.5 s, then 0.5-1 s (jittered), one probe per step:
    # the first 429 and up to two probes can land in the spent one-second window. Exeoflow's next
    # window is then reached by such a probe, up to a step late (0.03-0.92 s in nine runs), so its
    # mean over three windows is bounded by that one; ProSonata's window starts at the probe, and
    # EnDocs learns the phase from it.
    Scenario("429s without any hint, the first window spent by a rival", {"rival_calls": 4, "hintless_429": True},
             {"prosonata": 3, "exeoflow": 3, "endocs": 3}, _QUIET, mean_over_wait={"exeoflow": 0.6}),
]


@dataclass(frozen=True)
class Cell:
    api: str
    operation: str
    row: Row

    @property
    def outcome(self) -> Outcome:
        return self.row.outcomes[self.operation]

    @property
    def id(self) -> str:
        return f"{self.api}-{self.operation}-{self.row.fault.kind}-{self.row.fault.label}"


def cells() -> list[Cell]:
    """Every (API, operation, fault) combination the drills run."""
    rows = {api: [*COMMON, *RATE_LIMITS[api]] for api in API_TITLES}
    return [Cell(api, op, row) for api in API_TITLES for row in rows[api] for op in OPERATIONS]


# -- the README section ---------------------------------------------------------------------------
START, END = "<!-- failure-table:start -->", "<!-- failure-table:end -->"

_INTRO = """\
Every cell below is a test (`tests/drills/test_fault_matrix.py`) that injects the fault into the
sandbox for each of the three APIs; the table is rendered from the same data, and a test fails
if the two differ. The waits are the client's exact sleeps: the drills pin backoff to its upper
bound, 0.5 s doubling per retry (real runs draw each backoff between half and all of that), and
switch off the up-to-0.1 s jitter added to rate-limit waits. A create is never sent twice: when
it may have reached the server it raises `OutcomeUnknownError`, and the sandbox's counters
confirm it ran at most once."""


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def render_readme_section() -> str:
    """The text between the README markers (exclusive)."""
    common = [[row.fault.label, *(row.outcomes[op].describe(op) for op in OPERATIONS)] for row in COMMON]
    limits = [
        [API_TITLES[api], row.fault.label.removeprefix("429, "), row.outcomes["read"].describe("read")]
        for api, rows in RATE_LIMITS.items()
        for row in rows
    ]
    listings = [
        [row.fault.label, *(row.outcomes[api].describe("read") if api in row.outcomes else "does not apply"
                            for api in API_TITLES)]
        for row in LISTINGS
    ]
    lines = [
        "",
        _INTRO,
        "",
        "Faults every API meets alike:",
        "",
        *_table(["Fault", *(OPERATION_TITLES[op] for op in OPERATIONS)], common),
        "",
        "HTTP 429 in each API's hint forms (the same for reads, updates and creates; a create is "
        "processed once, after the wait):",
        "",
        *_table(["API", "429 answer", "Outcome"], limits),
        "",
        f"Windows as servers run them (sandbox options; {SCENARIO_CALLS} calls from one client against "
        f"{SCENARIO_LIMIT} calls per {SCENARIO_WINDOW:g} s window, starting where a calendar-aligned client would; "
        "judged by the sandbox's record of every window). Epoch resets are read against the server's `Date`; "
        "EnDocs reports no budget and nothing documents where its windows start, so the client learns the phase "
        "from 429s and the first success after them, probing once per window until it is known to 0.05 s:",
        "",
        *_table(["Server behaviour", *(API_TITLES[api] for api in API_TITLES)],
                [[scenario.label, *(scenario.describe(api) for api in API_TITLES)] for scenario in SCENARIOS]),
        "",
        f"Listings walked to their end (the drills cap `max_pages` at {LISTING_PAGES}; the default, 10,000, is "
        "beyond any real listing). EnDocs feeds have no pages: a read brings every record above the cursor.",
        "",
        *_table(["Listing fault", *API_TITLES.values()], listings),
        "",
    ]
    return "\n".join(lines)
