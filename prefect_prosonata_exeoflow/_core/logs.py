"""Where the core's messages go: the Prefect run logger inside a run, else a module logger."""

from __future__ import annotations

import logging
from typing import Any

_FALLBACK = logging.getLogger("prefect_prosonata_exeoflow")


def current_logger() -> logging.Logger | logging.LoggerAdapter[Any]:
    """The run logger when called from a flow or task run, so waits show up in the Prefect UI."""
    try:
        from prefect.context import FlowRunContext, TaskRunContext
        from prefect.logging import get_run_logger

        if TaskRunContext.get() or FlowRunContext.get():
            return get_run_logger()
    except Exception:  # noqa: BLE001 - Prefect missing or context broken: logging must not fail a call
        pass
    return _FALLBACK


def log_wait(api: str, seconds: float, reason: str) -> None:
    current_logger().info("%s: waiting %.2fs: %s", api, seconds, reason)
