"""Benchmarks of the clients, tasks and flows against the sandbox: ``python -m benchmarks``.

Run as a program, the package sets quiet, offline Prefect defaults before Prefect is first
imported (Prefect reads its settings from the environment at import time). Imported by the
tests, it changes nothing: a WARNING level left in the test process's environment was inherited
by every Prefect process a later test started, and their runs sent no logs to the UI.
"""

from __future__ import annotations

import os
import sys

if "pytest" not in sys.modules:
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
