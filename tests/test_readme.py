"""The README's Python runs as written: every ```python block, in order, in one namespace (as a
reader pastes them into one session), against the sandbox and a Prefect server.

A block may be skipped only by a visible first-line comment saying why, containing
"the README test skips this block" (e.g. it needs real accounts).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from blocks.setup import build_blocks, save_blocks
from prefect_prosonata_exeoflow.sandbox import SandboxServer

README = Path(__file__).resolve().parent.parent / "README.md"
SKIP_MARKER = "the README test skips this block"


def python_blocks() -> list[tuple[int, str]]:
    """(line number, source) of every ```python block."""
    text = README.read_text(encoding="utf-8")
    return [(text[: m.start()].count("\n") + 2, m.group(1))
            for m in re.finditer(r"^```python\n(.*?)^```", text, flags=re.S | re.M)]


def test_skipped_readme_blocks_say_why_and_most_blocks_run() -> None:
    blocks = python_blocks()
    skipped = [source for _, source in blocks if SKIP_MARKER in source.splitlines()[0]]
    for source in skipped:
        reason = source.splitlines()[0] + (source.splitlines()[1] if len(source.splitlines()) > 1 else "")
        assert re.search(r"(needs|requires)", reason, flags=re.I), f"a skipped block must say what it needs: {reason!r}"
    assert len(blocks) - len(skipped) >= 3, "the quickstart blocks (flow, sync, async) must run"


@pytest.fixture
def sandbox_blocks(prefect_harness: None, sandbox: SandboxServer) -> Iterator[None]:
    """What `python -m blocks.setup --sandbox URL` saves, under the default names; saved again
    afterwards, since a README block adds a concurrency limit to the ProSonata block."""
    save_blocks(build_blocks(sandbox_url=sandbox.url))
    sandbox.sandbox.configure("exeoflow", execution_seconds=0.1)
    yield
    save_blocks(build_blocks(sandbox_url=sandbox.url))


@pytest.mark.timeout(300)  # the first test on the shared Prefect server also pays for starting it
def test_every_python_block_of_the_readme_runs_against_the_sandbox(
    sandbox_blocks: None, sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    namespace: dict[str, object] = {"__name__": "__readme__"}
    ran = 0
    for line, source in python_blocks():
        if SKIP_MARKER in source.splitlines()[0]:
            continue
        try:
            exec(compile(source, f"README.md:{line}", "exec"), namespace)  # running the README is the point
        except Exception as exc:
            raise AssertionError(f"the README block at line {line} fails: {type(exc).__name__}: {exc}") from exc
        ran += 1
    printed = capsys.readouterr().out
    assert "hours in November" in printed and "open projects" in printed
    assert sandbox.sandbox.stats.get("exeoflow.execute") == 1
    assert sandbox.sandbox.stats.get("prosonata.create.projecttimes") == 1
    assert ran >= 3
