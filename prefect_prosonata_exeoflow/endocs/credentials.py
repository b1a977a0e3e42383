"""The EnDocs Cloud credentials block."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, SecretStr

from .._core.clock import SYSTEM_CLOCK, Clock
from .._core.credentials import (
    NOT_BLANK,
    ServiceCredentials,
    base_url_field,
    rate_limit_wait_field,
    response_bytes_field,
)
from .._core.errors import ConfigurationError
from .._core.http import ClientSettings
from .client import AsyncEnDocsClient, EnDocsClient
from .dialect import API_NAME, DEFAULT_BASE_URL, MAX_RESPONSE_BYTES, REQUESTS_PER_MINUTE, WINDOW_SECONDS, EnDocsDialect


class EnDocsCredentials(ServiceCredentials[EnDocsClient, AsyncEnDocsClient]):
    """Access to one EnDocs Cloud account through its 1C exchange token.

    Copy the token in EnDocs under account settings, section "1С", button "Копировать токен".
    It belongs to the account, not to a user, and travels only in the ``Authorization: Bearer``
    header. The client keeps to the documented 300 requests per minute by itself.

    Example:
        Read the incoming invoices that are new since the last run:
        ```python
        from prefect_prosonata_exeoflow.endocs import EnDocsCredentials

        credentials = EnDocsCredentials.load("endocs")
        with credentials.get_client() as client:
            feed = client.get_new_invoices(since_id=0)
            for invoice in feed.items:
                files = client.download_document_files(invoice.id)
        next_cursor = feed.next_since_id
        ```
    """

    _block_type_name: ClassVar[str] = "EnDocs Credentials"
    _block_type_slug: ClassVar[str] = "endocs-credentials"
    _logo_url: ClassVar[str] = "https://endocs.cloud/favicon.ico"  # type: ignore[assignment]
    _documentation_url: ClassVar[str] = "https://help.endocs.ru/documentation"  # type: ignore[assignment]

    token: SecretStr = Field(
        description="The account's 1C exchange token (settings, section 1С, Копировать токен).",
        json_schema_extra=NOT_BLANK,
    )
    base_url: str = base_url_field(
        DEFAULT_BASE_URL, "API root; change it only for a local sandbox, e.g. http://localhost:8765/endocs."
    )
    requests_per_minute: int = Field(
        default=REQUESTS_PER_MINUTE,
        ge=1,
        le=100_000,
        description="Calls per rate-limit window the token may make (documented: 300 per minute); the client paces itself to it.",
    )
    rate_limit_window_seconds: float = Field(
        default=WINDOW_SECONDS,
        gt=0,
        le=3600,
        description="Length of the rate-limit window in seconds (60 as documented; shorter only for the sandbox).",
    )
    max_rate_limit_wait: float = rate_limit_wait_field(120.0)
    max_response_bytes: int = response_bytes_field(MAX_RESPONSE_BYTES, "default: room for several 20 MB files in base64")

    def _token(self) -> str:
        token = self._require(self.token.get_secret_value(), "token", API_NAME)
        if token.lower() == "bearer" or token[:7].lower() == "bearer ":
            token = token[6:].strip()  # pasted with its scheme
        if not token or any(ch.isspace() for ch in token):
            raise ConfigurationError(f"{API_NAME}: token must be one word without spaces or line breaks")
        return token

    def client_settings(self, *, clock: Clock = SYSTEM_CLOCK) -> ClientSettings:
        token = self._token()
        # The API reports no budget: count our own calls per window of the documented size; where
        # the server's windows start is not documented, so the budget learns it (no calendar guess).
        return self._settings(
            api=API_NAME, base_url=self.base_url,
            dialect=EnDocsDialect(clock, window_seconds=self.rate_limit_window_seconds),
            headers={"Authorization": f"Bearer {token}"}, secrets=(token,), clock=clock,
            limit=self.requests_per_minute, window_seconds=self.rate_limit_window_seconds,
            probe_when_unknown=False,
        )

    def test_connection(self) -> dict[str, Any]:
        """One cheap call (``GetClientInfo``); returns the account id and its quota counters."""
        with self.get_client() as client:
            info = client.get_client_info()
        return info.model_dump(exclude_none=True)
