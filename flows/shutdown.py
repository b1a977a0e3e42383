"""Letting a flow run's task threads stop early when the run is told to shut down (SIGTERM, cancel).

Prefect raises ``TerminationSignal`` in the main thread only; tasks submitted to a
``ThreadPoolTaskRunner`` keep polling, and the process cannot exit before they return. A flow
registers one :class:`threading.Event` per flow run here; its tasks find it by their flow run id
and hand it to the waits, which end at the next step and cancel what they were waiting for.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from prefect.context import FlowRunContext, TaskRunContext

_events: dict[str, threading.Event] = {}
_guard = threading.Lock()


def _current_flow_run_id() -> str | None:
    task_context = TaskRunContext.get()
    if task_context is not None and task_context.task_run.flow_run_id is not None:
        return str(task_context.task_run.flow_run_id)
    flow_context = FlowRunContext.get()
    if flow_context is not None and flow_context.flow_run is not None:
        return str(flow_context.flow_run.id)
    return None


@contextmanager
def stop_event() -> Iterator[threading.Event]:
    """In a flow: the event its tasks watch (see :func:`current_stop_event`), removed at the end."""
    run_id = _current_flow_run_id() or "no-run"
    event = threading.Event()
    with _guard:
        _events[run_id] = event
    try:
        yield event
    finally:
        with _guard:
            _events.pop(run_id, None)


def current_stop_event() -> threading.Event | None:
    """In a task: the stop event of its flow run, if the flow registered one."""
    run_id = _current_flow_run_id()
    with _guard:
        return _events.get(run_id) if run_id else None
