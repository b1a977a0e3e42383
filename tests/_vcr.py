"""vcrpy cassettes: replayed offline by default, secrets scrubbed when recorded.

``PPE_RECORD=1 pytest tests/.../test_cassettes.py`` re-records against the sandbox (the tests
start it). To record against a real account, point the cassette tests' credentials at it
through the environment variables named in the README, with ``PPE_RECORD=1``; every header
and body passes through :func:`scrub` before it is written.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import vcr

from prefect_prosonata_exeoflow.sandbox import SANDBOX_KEYS

CASSETTES = Path(__file__).parent / "cassettes"
RECORDING = os.environ.get("PPE_RECORD") == "1"
SECRET_HEADERS = ["authorization", "x-api-key", "x-app-id", "cookie", "set-cookie"]
#: Values that must never be written: the sandbox keys, real keys from the environment, and
#: anything shaped like an Exeoflow webhook secret.
_PATTERNS = [re.compile(r"whsec_[A-Za-z0-9]+"), re.compile(r"(?i)bearer\s+[A-Za-z0-9._\-]+")]
MASK = "REDACTED"


def _secret_values() -> list[str]:
    values = list(SANDBOX_KEYS.values())
    values += [v for k, v in os.environ.items() if k.startswith("PPE_SECRET_") and v]
    return sorted(values, key=len, reverse=True)


def scrub(text: str) -> str:
    for value in _secret_values():
        text = text.replace(value, MASK)
    for pattern in _PATTERNS:
        text = pattern.sub(MASK, text)
    return text


def _scrub_body(body: Any) -> Any:
    if body is None:
        return body
    if isinstance(body, bytes):
        return scrub(body.decode("utf-8", errors="surrogateescape")).encode("utf-8", errors="surrogateescape")
    return scrub(body)


def _before_record_request(request: Any) -> Any:
    request.uri = scrub(request.uri)
    request.body = _scrub_body(request.body)
    return request


def _before_record_response(response: dict[str, Any]) -> dict[str, Any]:
    body = response.get("body", {})
    if "string" in body:
        body["string"] = _scrub_body(body["string"])
    for name in list(response.get("headers", {})):
        if name.lower() in SECRET_HEADERS:
            response["headers"][name] = [MASK]
    return response


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
        filter_headers=[(name, MASK) for name in SECRET_HEADERS],
        before_record_request=_before_record_request,
        before_record_response=_before_record_response,
        decode_compressed_response=True,
        ignore_hosts=["127.0.0.1"],
    )
    recorder.register_matcher("json_body", _match_json_body)
    return recorder
