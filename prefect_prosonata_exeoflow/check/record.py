"""``--record DIR``: the check's real exchanges as vcrpy cassettes, scrubbed, for a bug report.

One cassette per API (``DIR/prosonata.yaml``, ...) plus the findings (``DIR/report.json``).
Keys, tokens and webhook secrets are replaced with ``REDACTED`` before anything is written
(see :mod:`.._core.scrub`); the in-process reference answers are not recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .._core.errors import ConfigurationError
from .._core.scrub import Scrubber
from .reference import REFERENCE_HOST


@contextmanager
def recording(directory: Path | None, api: str, secrets: Iterable[str]) -> Iterator[None]:
    """Record every request made inside the block to ``directory/{api}.yaml`` (if a directory is given)."""
    if directory is None:
        yield
        return
    try:
        import vcr
    except ImportError:
        raise ConfigurationError(
            "--record needs vcrpy: pip install 'prefect-prosonata-exeoflow[record]'"
        ) from None
    directory.mkdir(parents=True, exist_ok=True)
    recorder = vcr.VCR(
        record_mode="all",
        match_on=["method", "path", "query"],
        ignore_hosts=[REFERENCE_HOST],
        **Scrubber(secrets).vcr_options(),
    )
    with recorder.use_cassette(str(directory / f"{api}.yaml")):
        yield


def write_findings(directory: Path, text: str, secrets: Iterable[str]) -> Path:
    """The report as JSON next to the cassettes, scrubbed like them."""
    path = directory / "report.json"
    path.write_text(Scrubber(secrets).text(text), encoding="utf-8")
    return path
