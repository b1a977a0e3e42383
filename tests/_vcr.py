"""vcrpy cassettes: replayed offline by default, secrets scrubbed when recorded.

``PPE_RECORD=1 pytest tests/.../test_cassettes.py`` re-records against the sandbox (the tests
start it). To record against a real account, point the cassette tests' credentials at it
through the environment variables named in the README, with ``PPE_RECORD=1``; every header
and body passes through :func:`scrub` before it is written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import vcr

from prefect_prosonata_exeoflow._core import scrub as scrubbing
from prefect_prosonata_exeoflow.sandbox import SANDBOX_KEYS

CASSETTES = Path(__file__).parent / "cassettes"
RECORDING = os.environ.get("PPE_RECORD") == "1"
SECRET_HEADERS = list(scrubbing.SECRET_HEADERS)
MASK = scrubbing.MASK


def _secret_values() -> list[str]:
    """The sandbox keys and real keys from the environment (``PPE_SECRET_*``)."""
    values = list(SANDBOX_KEYS.values())
    return values + [v for k, v in os.environ.items() if k.startswith("PPE_SECRET_") and v]


def scrub(text: str) -> str:
    return scrubbing.Scrubber(_secret_values()).text(text)


def _match_json_body(r1: Any, r2: Any) -> None:
    def load(body: Any) -> Any:
        if not body:
            return None
        try:
            return json.loads(body)
        except ValueError:
            return body

    assert load(r1.body) == load(r2.body)


def cassette_vcr() -> vcr.VCR:
    """The project's VCR: matches on method, path, query and JSON body, never on host or port."""
    recorder = vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode="all" if RECORDING else "none",
        match_on=["method", "path", "query", "json_body"],
        **scrubbing.Scrubber(_secret_values()).vcr_options(),
        ignore_hosts=["127.0.0.1"],
    )
    recorder.register_matcher("json_body", _match_json_body)
    return recorder
