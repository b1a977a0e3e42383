"""Scrub recorded HTTP exchanges (cassettes) so they can be shared: no key, token or webhook secret.

Used by the account check's ``--record`` and by the test suite's cassettes. Three layers, so a
secret that slips past one is caught by the next: headers that carry credentials are replaced
whole; JSON fields named like a credential (``token``, ``apiKey``, ...) are replaced; and every
known secret value, ``whsec_…`` webhook secret and ``Bearer …`` value is replaced anywhere in
URLs, bodies and headers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

MASK = "REDACTED"
#: Headers whose whole value is a credential.
SECRET_HEADERS: tuple[str, ...] = ("authorization", "x-api-key", "x-app-id", "cookie", "set-cookie")
#: JSON keys whose string value is a credential (an Exeoflow webhook's ``token``).
SECRET_FIELD = re.compile(
    r"^(token|secret|password|api_?key|app_?id|access_?token|refresh_?token|client_?secret)$", re.IGNORECASE
)
#: Secret shapes caught even when the value is not known in advance.
SECRET_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"whsec_[A-Za-z0-9]+"),
    re.compile(r"(?i)bearer\s+[A-Za-z0-9._\-~+/=]+"),
)
_MIN_SECRET_LENGTH = 4


class Scrubber:
    """Replaces credentials in texts, bodies and headers with ``REDACTED``."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        values = {value for value in secrets if value and len(value) >= _MIN_SECRET_LENGTH}
        self._secrets = sorted(values, key=len, reverse=True)

    def text(self, text: str) -> str:
        for value in self._secrets:
            text = text.replace(value, MASK)
        for pattern in SECRET_PATTERNS:
            text = pattern.sub(MASK, text)
        return text

    def body(self, body: Any) -> Any:
        """A request or response body (bytes, text or None) with every credential masked."""
        if body is None:
            return None
        as_bytes = isinstance(body, bytes)
        text = body.decode("utf-8", errors="surrogateescape") if as_bytes else str(body)
        try:
            data = json.loads(text)
        except ValueError:
            pass
        else:
            masked = _mask_fields(data)
            if masked != data:
                text = json.dumps(masked, ensure_ascii=False)
        text = self.text(text)
        return text.encode("utf-8", errors="surrogateescape") if as_bytes else text

    def header(self, name: str, value: str) -> str:
        return MASK if name.lower() in SECRET_HEADERS else self.text(value)

    # -- vcrpy hooks -------------------------------------------------------------------------
    def vcr_options(self) -> dict[str, Any]:
        """Keyword arguments for ``vcr.VCR`` that scrub everything before it is written."""
        return {
            "filter_headers": [(name, MASK) for name in SECRET_HEADERS],
            "before_record_request": self.record_request,
            "before_record_response": self.record_response,
            "decode_compressed_response": True,
        }

    def record_request(self, request: Any) -> Any:
        request.uri = self.text(request.uri)
        request.body = self.body(request.body)
        for name in list(request.headers):
            request.headers[name] = self.header(name, request.headers[name])
        return request

    def record_response(self, response: dict[str, Any]) -> dict[str, Any]:
        body = response.get("body", {})
        if "string" in body:
            body["string"] = self.body(body["string"])
        headers = response.get("headers", {})
        for name in list(headers):
            headers[name] = [self.header(name, value) for value in headers[name]]
        return response


def _mask_fields(value: Any) -> Any:
    if isinstance(value, list):
        return [_mask_fields(item) for item in value]
    if isinstance(value, dict):
        return {
            key: MASK if isinstance(item, str) and item and SECRET_FIELD.match(str(key)) else _mask_fields(item)
            for key, item in value.items()
        }
    return value
