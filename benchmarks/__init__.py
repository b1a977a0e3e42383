"""Benchmarks of the clients, tasks and flows against the sandbox: ``python -m benchmarks``.

Importing the package sets quiet, offline Prefect defaults before Prefect is first imported
(Prefect reads its settings from the environment at import time).
"""

from __future__ import annotations

import os

os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
