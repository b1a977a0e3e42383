"""`make demo` as the README promises it: one execution per group, then a rerun that executes nothing.

How many groups yesterday has is the sandbox seed's business (9 today, on every day of the week):
the test reads it from the demo's summary line instead of fixing it.

Runs `python -m flows.demo` (what `make demo` runs after installing) twice in a temporary
Prefect home, and reads what a user reads: the printed summary, with no error line after it
(Prefect's log worker used to print "Error logging to API" once the demo's server had stopped).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from flows.runtime import ROOT

pytestmark = pytest.mark.server


def _demo(home: Path) -> str:
    env = {**os.environ, "PREFECT_HOME": str(home)}
    for name in ("PREFECT_API_URL", "PREFECT_LOCAL_STORAGE_PATH", "PREFECT_RESULTS_LOCAL_STORAGE_PATH"):
        env.pop(name, None)
    done = subprocess.run([sys.executable, "-m", "flows.demo"], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=400)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    assert not re.search(r"error|traceback", output, re.IGNORECASE), output[-3000:]
    return output


@pytest.mark.timeout(900)
def test_the_demo_executes_each_group_once_and_a_rerun_executes_nothing(tmp_path: Path) -> None:
    first = _demo(tmp_path / "home")
    found = re.search(r" in (\d+) groups \(per project\)", first)
    assert found, first[-2000:]
    groups = int(found.group(1))
    assert groups > 0, first[-2000:]
    assert f"Executions started now: {groups} " in first, first[-2000:]
    assert first.count(" success\n") == groups, first[-2000:]

    again = _demo(tmp_path / "home")
    assert "Executions started now: 0 " in again, again[-2000:]
    assert again.count(" already-done\n") == groups, again[-2000:]
