"""Proactive pacing: a process-wide picture of one API key's rate budget.

Every response that reports the budget (``remaining`` calls, when the window resets) updates
the picture; every request first *reserves* a call from it. When the window is spent, the
next request waits for the reset instead of provoking a 429. All clients and tasks that use
the same key in this process share one :class:`RateBudget` (see :func:`shared_budget`), so
eight concurrent tasks never overshoot together.

Reset hints arrive in whole seconds, so each one bounds the true reset from above; the budget
keeps the smallest bound seen in the window, which converges on the real reset time.

For APIs that report nothing (EnDocs), the budget counts calls itself in fixed windows of a
configured length whose *phase* is unknown: nothing says where the server's windows start.
It learns the phase: a boundary is known to lie in ``(floor, reset]``; a 429 at ``t`` moves the floor to ``t``
(and its ``Retry-After`` lowers the reset and, to within :data:`HINT_RESOLUTION`, raises the
floor); the first success after a probe lowers the reset to its answer; both bounds carry over
to the next window (``+ window``).

An admitted probe says only that a boundary passed since the floor, not since the spent
window's last call: a burst that outlasted the server's window (a slow machine, a late event
loop) put its last calls in the server's *next* window, which the probe then shares. So the
calls of the spent window sent after its floor (the *carried* calls) may already count in the
new server window, and as many of the new window's last calls go one at a time: the first
refusal is then the only one. (Only while that pace, measured on a call sent alone, still fits
them into the window: with slow answers the rest go at once, as before, rather than leave most
of a window unused.) Each of them also places the boundary ``b`` of its window
(``limit`` calls per window, ``n`` of them taken in this local window so far, the carried calls
``t_1 < ... < t_m``, as the server counted them: after they left, before they were answered):
admitted, that window holds at most ``limit`` calls, so ``b > t_(m+n-limit)`` (when it left);
refused, it already held ``limit``, so ``b <= t_(m+n-limit)`` (when it was answered; exact
without a rival, whose calls make that bound too early, which costs one 429 in the next window).

While the two bounds are further apart than :data:`PHASE_PRECISION`, one request per window
probes between them: at most
:data:`PHASE_STEP_SECONDS` past the floor while 429s name a wait, at their midpoint otherwise,
so steady state costs at most one 429 per window and waits at most the remaining uncertainty.

A probe alone halves the range once per window, and a whole-second ``Retry-After`` says nothing
finer in a short window: a probe just before the boundary leaves the next window waiting for the
latest possible one. So where the range is short, the window's last few calls
(:data:`SPREAD_CALLS`) are *spread* evenly across it before its probe, which then goes late
(:data:`PROBE_FRACTION`): each is admitted either way (this window still had them, or the next
one has room), and they become the carried calls above, so the next window's count (its calls
one by one at its end; the refusal is that window's one 429) tells between which two of them the
boundary passed. Only in windows whose calls went quickly (:data:`SPREAD_PACE`): after a slow
one the count would come too late to matter.

Each new local window opens with *one* call; the others wait for its answer, so a learned phase
that is wrong costs one 429, not one per worker.

Whole-second hints leave up to a second of doubt: the true reset lies in
``(reset_in - resolution, reset_in]`` of each answer. To learn where inside that second the
windows turn over without provoking a 429, the budget *holds back* the last
:data:`HELD_PROBES` calls of a spent window and sends them one by one inside the doubt: each is
admitted either way (the window still had them), and its answer says on which side of the
reset it landed (an answer about a new window: the reset was before it, everyone may go). A
call is held only when its probe time is within :data:`HOLD_HORIZON_SECONDS` (a workload that
fits one window is not kept waiting for long) and when one call is worth less time than the
search can save: a held call landing in the next window leaves this window's last calls
unused, which for long windows with few calls (real ones: 50 per 15 minutes) costs more than a
second's delay, so there the budget simply waits for the hinted reset.

Without a usable hint after a 429, the budget blocks every caller for the backoff step and
then lets exactly *one* request probe; the others wait for its answer (``probe=True``).

Interface (shared with any other budget implementation, e.g. a cross-process one):

* ``reserve() -> float``: 0.0 means send now, anything else is seconds to wait first;
* ``release(hint=None, *, sent_at=None, limited=None)``: a reserved call is over. ``hint`` is
  what the answer reported; ``sent_at`` the clock's ``monotonic()`` when it left; ``limited``
  True for a 429, False for any other answer, None when there was no answer;
* ``block_for(seconds, *, sent_at=None, probe=False)``: a 429 (sent at ``sent_at``) says wait
  ``seconds``; ``probe=True`` when that figure is our own backoff, not the server's;
* ``probe_step``: consecutive 429s without a usable hint (the shared backoff step).
"""

from __future__ import annotations

import hashlib
import math
import threading
from dataclasses import dataclass
from typing import Protocol, TypedDict

from typing_extensions import Unpack

from .clock import Clock

#: While the budget is unknown, one request probes it and the others poll this often.
PROBE_POLL_SECONDS = 0.005
#: Two reset hints further apart than this belong to different windows.
NEW_WINDOW_SLACK_SECONDS = 1.5
#: A probe unanswered for this long is lost (its caller was cancelled): another one may go.
PROBE_LOST_SECONDS = 120.0
#: A learned window phase closer than this needs no more probing.
PHASE_PRECISION = 0.05
#: A 429's wait counts whole seconds (``Retry-After``, maybe read against a whole-second ``Date``):
#: the reset it names lies at most this much before it.
HINT_RESOLUTION = 2.0
#: While a local window's phase is learned and 429s carry a wait, a probe goes at most this long
#: after the earliest possible reset: its 429 then names the reset to within
#: :data:`HINT_RESOLUTION`, instead of a probe at the midpoint of a long window arriving far too late.
PHASE_STEP_SECONDS = 1.0
#: Calls of a spent window kept back to find its reset inside a whole-second hint (see above).
HELD_PROBES = 3
#: A call is held back for a probe only when its probe time is at most this far away.
HOLD_HORIZON_SECONDS = 2.0
#: Local windows of unknown phase: at most this many of a window's last calls are spread evenly
#: across the next boundary's range before its probe (see the module docstring).
SPREAD_CALLS = 6
#: ... and at most one in this many of a window's calls, none of a window under four times this many
#: (each spread call may leave its window a call unused).
SPREAD_SHARE = 5
#: Where in the boundary's range a probe after spread calls goes: an admitted probe leaves a
#: range split among the spread calls, a refused one the rest of it, so the probe goes late.
PROBE_FRACTION = (SPREAD_CALLS + 1) / (SPREAD_CALLS + 2)
#: ... but at most this long after the range began (the over-wait after a reset stays below 1.5 s).
SPREAD_PROBE_STEP_SECONDS = 1.25
#: Calls are spread only when the window's other calls took at most this share of it.
SPREAD_PACE = 0.4


@dataclass(frozen=True)
class BudgetHint:
    """What one response said about the budget."""

    remaining: int
    reset_in: float | None  # seconds from now until the window resets (an upper bound)
    limit: int | None = None
    #: The server rounds its reset up to this many seconds (whole seconds: 1.0; more when its
    #: clock is only known to a second): the true reset lies in ``(reset_in - resolution, reset_in]``.
    resolution: float = 0.0


class Budget(Protocol):
    """What the HTTP core needs of a budget: this module's, or one shared by processes (redis_budget)."""

    def reserve(self) -> float: ...

    def release(
        self, hint: BudgetHint | None = None, *, sent_at: float | None = None, limited: bool | None = None
    ) -> None: ...

    def block_for(self, seconds: float, *, sent_at: float | None = None, probe: bool = False) -> None: ...

    @property
    def probe_step(self) -> int: ...


class RateBudget:
    """The calls left in the current window for one key; thread-safe, clock-injected."""

    def __init__(
        self,
        clock: Clock,
        *,
        limit: int | None = None,
        window_seconds: float | None = None,
        aligned: bool = False,
        probe_when_unknown: bool = True,
    ) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._limit = limit
        self._learned_limit: int | None = None
        self._window = window_seconds
        # Calendar-aligned first window: only a first guess; what the server answers overrides it.
        self._aligned = aligned
        self._probe = probe_when_unknown
        self._remaining: int | None = None
        self._reset_at: float | None = None
        self._blocked_until = 0.0
        self._inflight = 0
        # A window started from a merely learned limit (the API reports no limit) counts from a
        # guess that may be too low; the server's first figure for that window replaces it.
        self._provisional = False
        # Local windows of unknown phase: a boundary lies in (floor, reset_at].
        self._floor: float | None = None
        self._spent_at: float | None = None
        self._window_probed = False
        self._reported = False  # the server has reported its budget at least once
        # One lone probe after a block without a usable hint (or a phase probe).
        self._probe_mode = False
        self._probe_inflight = False
        self._probe_since = 0.0
        self._probe_sent_at: float | None = None
        self._probe_step = 0
        # APIs that report their budget: the current window's reset lies in (reset_low, reset_at].
        self._reset_low: float | None = None
        self._longest_reset = 0.0  # the longest reset hint seen: about one window
        self._hold_sent: float | None = None  # a held-back call probing the reset is in flight
        # Local windows open with one call; the others wait for its answer.
        self._opening = False
        self._opener_sent: float | None = None
        self._hintless_429 = False  # a 429 without a usable wait was seen: probes bisect
        # Local windows of unknown phase (see the module docstring): when this window's admitted
        # calls sent after its floor left and were answered (they may count in the server's next
        # window); the ended window's such calls (carried: they may count in this one); calls
        # taken in this window; how many of its last calls go one at a time, and the one in flight.
        self._beyond_sent: tuple[float, ...] = ()
        self._beyond_answered: tuple[float, ...] = ()
        self._carried_sent: tuple[float, ...] = ()
        self._carried_answered: tuple[float, ...] = ()
        self._taken = 0
        self._unsure = 0
        self._unsure_sent: float | None = None
        self._unsure_alone = False
        # This window's last calls spread across the boundary's range: from when, and the probe after them.
        self._spread_from: float | None = None
        self._spread_probe: float | None = None
        self._spread_calls = 0
        self._began: float | None = None  # when this local window's first call was taken

    # -- sending -------------------------------------------------------------------------
    def reserve(self) -> float:
        """Take one call from the budget: 0.0 means go, anything else is seconds to wait first."""
        now = self._clock.monotonic()
        with self._lock:
            if now < self._blocked_until:
                return self._blocked_until - now
            if self._probe_mode:
                return self._take_probe(now)
            if self._reset_at is not None and now >= self._reset_at:
                self._start_window(now)
            if self._remaining is None and self._counts_locally:
                self._start_window(now)
            if self._remaining is None:
                if self._probe and self._inflight > 0:
                    return PROBE_POLL_SECONDS
                self._inflight += 1
                return 0.0
            if self._opening and self._remaining > 0:
                if self._opener_sent is not None and now - self._opener_sent < PROBE_LOST_SECONDS:
                    return PROBE_POLL_SECONDS
                self._opener_sent = now  # this call opens the window; it is taken below
            elif 0 < self._remaining <= self._unsure:
                if self._unsure_sent is not None and now - self._unsure_sent < PROBE_LOST_SECONDS:
                    return PROBE_POLL_SECONDS
                # One call at a time; it is taken below. Its round trip measures the pace only
                # when nothing else was in flight (not queued behind other calls).
                self._unsure_sent, self._unsure_alone = now, self._inflight == 0
            elif not self._counts_locally and 0 < self._remaining <= HELD_PROBES:
                if self._holding(now):
                    return PROBE_POLL_SECONDS
                probe_at = self._held_probe_at(now)
                if probe_at is not None:
                    if now < probe_at:
                        return max(probe_at - now, PROBE_POLL_SECONDS)
                    self._hold_sent = now  # this call probes the reset; it is taken below
            if 0 < self._remaining <= self._spread_size and not self._unsure and not self._opening:
                slot = self._spread_slot(now)
                if slot is not None and now < slot:
                    return max(slot - now, PROBE_POLL_SECONDS)
            if self._remaining <= 0:
                if self._reset_at is None:
                    return PROBE_POLL_SECONDS if self._inflight else 0.0
                if self._holding(now):
                    return PROBE_POLL_SECONDS  # its answer may open the next window early
                probe_at = self._phase_probe_at()
                if probe_at is not None:
                    if now >= probe_at:
                        self._window_probed = True
                        self._probe_mode, self._probe_since = True, now
                        return self._take_probe(now)
                    return max(probe_at - now, PROBE_POLL_SECONDS)
                return max(self._reset_at - now, PROBE_POLL_SECONDS)
            self._remaining -= 1
            self._inflight += 1
            if self._remaining == 0:
                self._spent_at = now
            self._taken += 1
            return 0.0

    def release(
        self, hint: BudgetHint | None = None, *, sent_at: float | None = None, limited: bool | None = None
    ) -> None:
        """A reserved call is over: ``hint`` is what its answer reported (see the module docstring)."""
        now = self._clock.monotonic()
        with self._lock:
            self._inflight = max(self._inflight - 1, 0)
            # The lone probe is the only call sent since it was let through; older calls are not it.
            probe_sent = self._probe_sent_at if self._probe_sent_at is not None else math.inf
            if self._probe_inflight and (sent_at is None or sent_at >= probe_sent):
                self._probe_inflight = False
                if limited is False:
                    self._probe_succeeded(now, sent_at)
            if limited is False and not self._probe_mode:
                self._probe_step = 0
            held = self._hold_sent is not None and (sent_at is None or sent_at >= self._hold_sent)
            if held:
                self._hold_sent = None
            if self._opener_sent is not None and (sent_at is None or sent_at >= self._opener_sent):
                self._opener_sent = None
                if limited is False:
                    self._opening = False  # admitted: the others may follow
            if limited is False and sent_at is not None and self._phase_learning and self._floor is not None \
                    and sent_at > self._floor:
                self._beyond_sent = tuple(sorted((*self._beyond_sent, sent_at)))
                self._beyond_answered = tuple(sorted((*self._beyond_answered, now)))
            unsure_sent = self._unsure_sent
            if unsure_sent is not None and (sent_at is None or sent_at >= unsure_sent):
                self._unsure_sent = None
                if limited is not None:
                    self._unsure_answered(now, unsure_sent if sent_at is None else sent_at, admitted=not limited)
            if hint is not None:
                self._reported = True
                self._observe(now, hint, sent_at, held=held and sent_at is not None and limited is False)

    def block_for(self, seconds: float, *, sent_at: float | None = None, probe: bool = False) -> None:
        """A 429 said: nothing before ``seconds`` from now (``probe``: our own guess, not a hint)."""
        now = self._clock.monotonic()
        with self._lock:
            if probe and self._probe_mode and sent_at is not None and sent_at < self._probe_since:
                return  # sent before the current step began: that step already covers it
            seconds = max(seconds, 0.0)
            until = now + seconds
            if self._phase_learning:
                # The server's window was spent when this left: its boundary lies after ``sent_at``.
                floor = sent_at if sent_at is not None else now
                self._floor = floor if self._floor is None else max(self._floor, floor)
                assert self._window is not None
                if self._reset_at is None or self._floor >= self._reset_at:
                    # Nothing known, or what we knew is contradicted: some boundary surely lies
                    # within one window from now.
                    self._reset_at = now + self._window
                if not probe:
                    self._reset_at = min(self._reset_at, until)
                    self._floor = max(self._floor, floor + seconds - HINT_RESOLUTION)
                else:
                    self._hintless_429 = True
                if probe and self._window_probed:
                    until = self._reset_at  # this window's one early probe is spent: wait for its end
                until = min(until, self._reset_at)
                self._remaining = 0
            else:
                self._remaining = 0
                self._reset_at = max(self._blocked_until, until)
                self._reset_low, self._hold_sent = None, None
            self._blocked_until = max(self._blocked_until, until)
            # The refusal placed the boundary itself.
            self._unsure, self._carried_sent, self._carried_answered = 0, (), ()
            self._spread_from, self._spread_probe, self._spread_calls = None, None, 0
            if probe:
                self._probe_mode, self._probe_since = True, now
                self._probe_step += 1
            else:
                self._probe_mode = False
                self._probe_step = 0

    # -- introspection (tests, benchmarks, logs) -------------------------------------------
    @property
    def remaining(self) -> int | None:
        return self._remaining

    @property
    def reset_in(self) -> float | None:
        if self._reset_at is None:
            return None
        return max(self._reset_at - self._clock.monotonic(), 0.0)

    @property
    def probe_step(self) -> int:
        """Consecutive 429s without a usable hint: the backoff step every caller shares."""
        return self._probe_step

    @property
    def phase_uncertainty(self) -> float | None:
        """Seconds between the earliest and latest possible window boundary (local windows)."""
        if self._floor is None or self._reset_at is None:
            return None
        return max(self._reset_at - self._floor, 0.0)

    # -- internals ---------------------------------------------------------------------------
    @property
    def _counts_locally(self) -> bool:
        return self._window is not None and self._limit is not None

    @property
    def _phase_learning(self) -> bool:
        return self._counts_locally and not self._reported

    def _holding(self, now: float) -> bool:
        """A held-back call is probing the reset (and was not lost by a cancelled caller)."""
        return self._hold_sent is not None and now - self._hold_sent < PROBE_LOST_SECONDS

    def _held_probe_at(self, now: float) -> float | None:
        """When to send the next held-back call: inside the doubt about this window's reset.
        None when nothing is left to learn, that moment is too far away to keep a call waiting,
        or a call is worth more than what the search can save (a held call that lands in the
        next window leaves this window's last calls unused: with long windows and few calls, a
        second's delay is the cheaper loss)."""
        if self._reset_at is None or self._reset_low is None:
            return None
        doubt = self._reset_at - self._reset_low
        limit = self._limit or self._learned_limit or 0
        if doubt <= PHASE_PRECISION or limit <= 0 or self._longest_reset / limit >= doubt / 4:
            return None
        # k calls left: the first goes at 1/(k + 1) of the doubt (an answer about the next window
        # ends the search, so early steps are short): expected delay doubt / 8 for three calls.
        at = self._reset_low + doubt / ((self._remaining or 1) + 1)
        return at if at - now <= HOLD_HORIZON_SECONDS else None

    def _take_probe(self, now: float) -> float:
        lost = self._probe_sent_at is not None and now - self._probe_sent_at > PROBE_LOST_SECONDS
        if self._probe_inflight and not lost:
            return PROBE_POLL_SECONDS
        self._probe_inflight = True
        self._probe_sent_at = now
        self._inflight += 1
        return 0.0

    @property
    def _spread_size(self) -> int:
        """How many of a window's last calls may be spread: a few, and few of a small window's."""
        limit = self._limit or 0
        return min(SPREAD_CALLS, limit // SPREAD_SHARE) if limit >= 4 * SPREAD_SHARE else 0

    def _spread_slot(self, now: float) -> float | None:
        """When the next of a window's last calls goes: spread evenly between when the spread
        began and the window's probe, each inside the next boundary's range (see the module
        docstring). None: no spread (phase known, or the probe too far away to keep calls waiting)."""
        if self._spread_probe is None:
            if not self._phase_learning or self._window_probed or self._reset_at is None or self._hintless_429:
                return None
            if self._began is None or self._window is None or (now - self._began) > self._window * SPREAD_PACE:
                return None  # a slow window: spread calls would push the next one's count past its boundary
            start = max(now, self._floor if self._floor is not None else now)
            if self._reset_at - start > PHASE_STEP_SECONDS + HINT_RESOLUTION:
                return None  # a long range: its probe's 429 narrows it, the spread could not
            probe = self._probe_after(start, PROBE_FRACTION)
            if probe is None or probe - now > HOLD_HORIZON_SECONDS:
                return None
            self._spread_from, self._spread_probe = start, probe
            self._spread_calls = self._remaining or 0
        assert self._spread_from is not None
        sent = self._spread_calls - (self._remaining or 0)
        return self._spread_from + (sent + 1) * (self._spread_probe - self._spread_from) / (self._spread_calls + 1)

    def _phase_probe_at(self) -> float | None:
        """When to probe a spent local window early: the midpoint of the boundary's range."""
        if not self._phase_learning or self._window_probed or self._reset_at is None:
            return None
        if self._spread_probe is not None:
            return self._spread_probe
        low = max(self._floor if self._floor is not None else -math.inf, self._spent_at or -math.inf)
        return None if low == -math.inf else self._probe_after(low)

    def _probe_after(self, low: float, fraction: float = 0.5) -> float | None:
        """The probe time for a boundary known to lie in ``(low, reset]`` (None: known closely
        enough): ``fraction`` of the range in, at most :data:`PHASE_STEP_SECONDS` where a 429's
        wait can still narrow the range, and never further than :data:`SPREAD_PROBE_STEP_SECONDS`."""
        assert self._reset_at is not None
        span = self._reset_at - low
        if span <= PHASE_PRECISION:
            return None
        if self._hintless_429:
            return low + span / 2
        if span > PHASE_STEP_SECONDS + HINT_RESOLUTION:
            return low + min(span / 2, PHASE_STEP_SECONDS)
        return low + min(span * fraction, SPREAD_PROBE_STEP_SECONDS)

    def _probe_succeeded(self, now: float, sent_at: float | None) -> None:
        """The lone probe was admitted: a window boundary lies before ``now``."""
        self._probe_mode = False
        self._probe_step = 0
        if not self._phase_learning:
            return
        assert self._window is not None
        # A new window began in (floor, now], not (spent, now]: a burst that outlasted the
        # server's window sent its last calls into this one. The probe was this window's first call.
        low = self._floor if self._floor is not None else -math.inf
        carried = (self._beyond_sent, self._beyond_answered)
        self._reset_at = now + self._window
        self._floor = low + self._window if low != -math.inf else now
        self._remaining = (self._limit or 1) - 1 - self._inflight
        self._spent_at = now if self._remaining <= 0 else None
        self._window_probed = False
        self._carry(carried, taken=1)

    def _carry(self, carried: tuple[tuple[float, ...], tuple[float, ...]], *, taken: int) -> None:
        """A local window begins: the ended one's admitted calls after its floor may count in it
        too, so as many of its last calls go one by one (calls still in flight are already
        counted in it). Their times place the boundary only if none is still in flight."""
        self._unsure = min(len(carried[0]), max(self._remaining or 0, 0))
        self._carried_sent, self._carried_answered = carried if not self._inflight else ((), ())
        self._beyond_sent, self._beyond_answered, self._taken, self._unsure_sent = (), (), taken, None
        self._spread_from, self._spread_probe, self._spread_calls = None, None, 0
        self._began = self._clock.monotonic()

    def _unsure_answered(self, now: float, sent_at: float, *, admitted: bool) -> None:
        """A call sent one by one was answered: where its window began (see the module docstring).
        Only while it left before the earliest next boundary (later, it may be in the next window)
        and nothing else is in flight (an unanswered call might yet be refused).

        One at a time costs nothing while the rest fit the window at this call's pace; when they
        would not (slow answers: real windows are long, but so are round trips), the rest go at
        once again, as before: a possible 429 per worker once, rather than a window half used."""
        assert self._window is not None
        if admitted:
            self._unsure = max(self._unsure - 1, 0)
            pace = now - sent_at
            if self._unsure_alone and self._reset_at is not None and now + self._unsure * pace > self._reset_at:
                # Only the last ones still fit one at a time: the latest carried calls (spread
                # calls among them) are the likeliest to count in this window.
                fits = math.floor((self._reset_at - now) / pace) if pace > 0 else SPREAD_CALLS
                self._unsure = max(min(fits, SPREAD_CALLS, self._unsure), 0)
        index = len(self._carried_sent) + self._taken - (self._limit or 0)
        if not 1 <= index <= len(self._carried_sent) or self._floor is None or self._reset_at is None:
            return
        if sent_at > self._floor or self._inflight:
            return
        if admitted:
            self._floor = max(self._floor, min(self._carried_sent[index - 1] + self._window, self._reset_at))
        else:
            self._reset_at = max(min(self._reset_at, self._carried_answered[index - 1] + self._window), self._floor)
            self._window_probed = True  # this window's one 429: nothing more goes before its reset

    def _start_window(self, now: float) -> None:
        self._remaining = self._limit if self._limit is not None else self._learned_limit
        carried = (self._beyond_sent, self._beyond_answered) if self._phase_learning and self._reset_at is not None \
            else ((), ())
        self._provisional = self._limit is None
        self._window_probed = False
        self._spent_at = None
        self._reset_low, self._hold_sent = None, None
        if self._phase_learning and self._reset_at is not None:
            # A window begun where we believe the server's begins: one call checks that first.
            self._opening, self._opener_sent = True, None
        if not self._counts_locally:
            self._reset_at = None
        else:
            assert self._window is not None
            if self._reset_at is not None and self._phase_learning:
                # Same phase as the window that just ended: both bounds move on by whole windows.
                skipped = math.floor((now - self._reset_at) / self._window) + 1
                self._reset_at += skipped * self._window
                if self._floor is not None:
                    self._floor += skipped * self._window
            elif self._aligned and self._reset_at is None:
                wall = self._clock.time()
                boundary = math.floor(wall / self._window) * self._window + self._window
                self._reset_at = now + (boundary - wall)
                self._floor = self._reset_at - self._window
            else:
                self._reset_at = now + self._window
                if self._floor is None:
                    self._floor = now  # our first call: some boundary lies in (now, now + window]
            if self._remaining is not None:
                self._remaining -= self._inflight
        self._carry(carried, taken=0)

    def _observe(self, now: float, hint: BudgetHint, sent_at: float | None = None, *, held: bool = False) -> None:
        if hint.limit is not None:
            self._limit = hint.limit
        self._learned_limit = max(self._learned_limit or 0, hint.remaining + 1)
        candidate = None if hint.reset_in is None else now + max(hint.reset_in, 0.0)
        self._longest_reset = max(self._longest_reset, hint.reset_in or 0.0)
        low = None if candidate is None else (now if sent_at is None else sent_at) + max(hint.reset_in or 0.0, 0.0)
        low = None if low is None else low - hint.resolution
        if held and candidate is not None and self._reset_at is not None and sent_at is not None:
            upper = self._reset_at
            fresh = hint.remaining > max(self._remaining or 0, 0) + self._inflight and candidate > upper
            if fresh or candidate > upper + NEW_WINDOW_SLACK_SECONDS:
                # The held call landed in the next window: everyone may go.
                self._remaining = hint.remaining - self._inflight
                self._reset_at, self._reset_low = candidate, low
                self._provisional = False
                return
            # Still the old window: its reset is later than this call was sent.
            self._reset_low = sent_at if self._reset_low is None else max(self._reset_low, sent_at)
        if self._reset_at is not None and now >= self._reset_at:
            if candidate is not None and candidate <= self._reset_at + NEW_WINDOW_SLACK_SECONDS:
                return  # an answer about the window that has just ended
            self._start_window(now)
        later_window = (
            candidate is not None
            and self._reset_at is not None
            and candidate > self._reset_at + NEW_WINDOW_SLACK_SECONDS
        )
        if self._remaining is None or later_window or self._provisional:
            # First news of this window: calls still in flight may not be counted yet.
            self._remaining = hint.remaining - self._inflight
            self._reset_at, self._reset_low = candidate, low
            self._provisional = False
            return
        # Our own count is exact for this process; the server's is lower only when others
        # (other processes, other tools) spend the same budget.
        self._remaining = min(self._remaining, hint.remaining)
        if candidate is not None:
            self._reset_at = candidate if self._reset_at is None else min(self._reset_at, candidate)
        if low is not None:
            self._reset_low = low if self._reset_low is None else max(self._reset_low, low)


_REGISTRY: dict[tuple[str, ...], RateBudget] = {}
_REGISTRY_LOCK = threading.Lock()


def key_fingerprint(secret: str) -> str:
    """A short, one-way name for a key: the registry never holds the key itself."""
    return hashlib.sha256(secret.encode()).hexdigest()[:16]


class BudgetOptions(TypedDict, total=False):
    """What a budget is built with besides its clock (see :class:`RateBudget`, which holds the defaults)."""

    limit: int | None
    window_seconds: float | None
    aligned: bool
    probe_when_unknown: bool


def shared_budget(api: str, base_url: str, secret: str, clock: Clock, **options: Unpack[BudgetOptions]) -> RateBudget:
    """The one budget of this process for ``api`` at ``base_url`` with this key."""
    key = (api, base_url.rstrip("/"), key_fingerprint(secret), str(options.get("limit")),
           str(options.get("window_seconds")))
    with _REGISTRY_LOCK:
        budget = _REGISTRY.get(key)
        if budget is None:
            budget = RateBudget(clock, **options)
            _REGISTRY[key] = budget
        return budget


def reset_shared_budgets() -> None:
    """Forget every shared budget (tests, and after a long pause)."""
    with _REGISTRY_LOCK:
        _REGISTRY.clear()
