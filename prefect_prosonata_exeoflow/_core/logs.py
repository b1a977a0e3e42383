"""Where the core's messages go: the Prefect run logger inside a run, else a module logger.

Inside a flow or task run every wait goes to the run logger, so it shows in the run's Logs tab:
rate-budget waits at INFO, 429s and backoffs after failures at WARNING. Outside a run the module
logger has no handler of its own, so a long wait (:data:`ANNOUNCE_AFTER` seconds or more) is
logged at WARNING, which Python (or Prefect's console handler) prints to stderr: a plain script
that must wait 15 minutes for ProSonata's window says so, once, with what it waits for and until
when, instead of sitting silent.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

_FALLBACK = logging.getLogger("prefect_prosonata_exeoflow")

#: Waits at least this long are announced at WARNING outside a run.
ANNOUNCE_AFTER = 5.0

_announced: dict[str, float] = {}
_announced_lock = threading.Lock()


def in_run() -> bool:
    """True inside a Prefect flow or task run."""
    try:
        from prefect.context import FlowRunContext, TaskRunContext

        return bool(TaskRunContext.get() or FlowRunContext.get())
    except Exception:  # noqa: BLE001 - Prefect missing or context broken
        return False


def current_logger() -> logging.Logger | logging.LoggerAdapter[Any]:
    """The run logger when called from a flow or task run, so waits show up in the Prefect UI."""
    try:
        if in_run():
            from prefect.logging import get_run_logger

            return get_run_logger()
    except Exception:  # noqa: BLE001 - Prefect missing or context broken: logging must not fail a call
        pass
    return _FALLBACK


def _clock_time(until: float) -> str:
    return dt.datetime.fromtimestamp(until).astimezone().strftime("%H:%M:%S %Z").strip()


def log_wait(api: str, seconds: float, reason: str, *, until: float, failure: bool = False) -> None:
    """Log one wait: what is waited for and until when (``until`` is wall-clock epoch seconds).

    ``failure`` marks a wait after something went wrong (a 429, a 5xx, a dropped connection).
    """
    message = "%s: waiting %.2fs (until %s): %s"
    args = (api, seconds, _clock_time(until), reason)
    if in_run():
        current_logger().log(logging.WARNING if failure else logging.INFO, message, *args)
        return
    if seconds >= ANNOUNCE_AFTER and _first_announcement(api, until):
        _FALLBACK.warning(message, *args)
    else:
        _FALLBACK.log(logging.WARNING if failure else logging.INFO, message, *args)


def _first_announcement(api: str, until: float) -> bool:
    """Threads waiting for the same reset announce it once (within a second of each other)."""
    with _announced_lock:
        last = _announced.get(api)
        if last is not None and abs(last - until) < 1.0:
            return False
        _announced[api] = until
        return True
