"""The ProSonata credentials block."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from pydantic import Field, SecretStr, field_validator, model_validator

from .._core.clock import SYSTEM_CLOCK, Clock
from .._core.credentials import NOT_BLANK, ServiceCredentials
from .._core.errors import ConfigurationError
from .._core.http import ClientSettings
from .._core.urls import check_base_url
from .client import AsyncProSonataClient, ProSonataClient
from .dialect import API_NAME, DEFAULT_BASE_URL, ProSonataDialect

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_SUBDOMAIN = re.compile(rf"^{_LABEL}$")
_CLOUD_URL = re.compile(r"^https://([a-z0-9-]+)\.prosonata\.software/api/v1$")


def _label(value: str, field: str) -> str:
    """A subdomain: one hostname label, lower-cased. The value is never echoed (a key pasted into
    the wrong field must not reach the error)."""
    value = value.strip().lower()
    if not _SUBDOMAIN.match(value):
        what = "is not a hostname label" if field == "subdomain" else "is neither a subdomain nor a URL"
        raise ValueError(f"{field} ({len(value)} characters) {what} (a subdomain has letters, digits and hyphens, "
                         "e.g. 'meine-agentur'; a URL starts with https://)")
    return value


class ProSonataCredentials(ServiceCredentials[ProSonataClient, AsyncProSonataClient]):
    """Access to one ProSonata account: a personal API key, or an app integration (app ID + key).

    Keys travel only in the ``X-API-Key`` / ``X-APP-ID`` headers, never in URLs. ``base_url`` says
    where the account is: its subdomain (``meine-agentur``) for a cloud account, or the full API URL
    ending in ``/api/v1`` for an own server or the sandbox. In Python, ``subdomain=`` works too.

    Example:
        Load stored credentials and list yesterday's project times:
        ```python
        from prefect_prosonata_exeoflow.prosonata import ProSonataCredentials

        credentials = ProSonataCredentials.load("prosonata")
        with credentials.get_client() as client:
            entries = client.project_times.list(date="2026-11-22")
        ```
    """

    _block_type_name: ClassVar[str] = "ProSonata Credentials"
    _block_type_slug: ClassVar[str] = "prosonata-credentials"
    _logo_url: ClassVar[str] = "https://www.prosonata.de/favicon.ico"  # type: ignore[assignment]
    _documentation_url: ClassVar[str] = "https://www.prosonata.de/infos-und-hilfen/api/api-grundlagen.html"  # type: ignore[assignment]
    # The UI form checks required fields, not "one of two": it has one required address field,
    # base_url, which takes a subdomain too. Python keeps subdomain= and always fills base_url.
    _form_required: ClassVar[tuple[str, ...]] = ("base_url",)
    _form_hidden: ClassVar[tuple[str, ...]] = ("subdomain",)

    subdomain: str | None = Field(
        default=None,
        description="Account subdomain, e.g. 'meine-agentur' for https://meine-agentur.prosonata.software; "
        "the block fills base_url from it.",
    )
    base_url: str | None = Field(
        default=None,
        title="Base URL",
        description="Where the account is: its subdomain, e.g. meine-agentur (for "
        "https://meine-agentur.prosonata.software), or the full API URL ending in /api/v1 for an own server "
        "or the sandbox.",
        json_schema_extra={"pattern": rf"^\s*(?:{_LABEL}|https?://[^\s/?#@]+(/[^\s?#@]*)?/api/[^\s?#@]*)\s*$"},
    )
    api_key: SecretStr = Field(
        title="API Key",
        description="API key of a user or of an app integration (System > Integrationen).",
        json_schema_extra=NOT_BLANK,
    )
    app_id: SecretStr | None = Field(
        default=None, title="App ID", description="App ID of an app integration (sent as X-APP-ID); leave empty for a user key."
    )

    @field_validator("subdomain")
    @classmethod
    def _valid_subdomain(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return _label(value, "subdomain")

    @field_validator("base_url")
    @classmethod
    def _valid_base_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if "://" not in value and "/" not in value:  # a subdomain typed into the one address field
            return DEFAULT_BASE_URL.format(subdomain=_label(value, "base_url"))
        return check_base_url(value, field="base_url")

    @model_validator(mode="after")
    def _one_location(self) -> ProSonataCredentials:
        if self.base_url is None:
            if self.subdomain is None:
                raise ValueError("base_url is missing: set it to the account's subdomain or API URL (or set subdomain)")
            self.base_url = DEFAULT_BASE_URL.format(subdomain=self.subdomain)
        elif self.subdomain is None and (cloud := _CLOUD_URL.match(self.base_url)):
            self.subdomain = cloud.group(1)  # what a block saved from subdomain= had, after a load
        return self

    @property
    def resolved_base_url(self) -> str:
        if self.base_url:
            return self.base_url
        return DEFAULT_BASE_URL.format(subdomain=self.subdomain)

    def client_settings(self, *, clock: Clock = SYSTEM_CLOCK) -> ClientSettings:
        key = self._require(self.api_key.get_secret_value(), "api_key", API_NAME)
        app_id = self.app_id.get_secret_value().strip() if self.app_id else ""
        headers = {"X-API-Key": key, **({"X-APP-ID": app_id} if app_id else {})}
        base_url = self.resolved_base_url
        if "/api/" not in base_url:
            raise ConfigurationError(f"{API_NAME}: base_url {base_url!r} should end in /api/v1")
        return self._settings(
            api=API_NAME, base_url=base_url, dialect=ProSonataDialect(clock), headers=headers,
            secrets=(key, app_id) if app_id else (key,), clock=clock,
        )

    def test_connection(self) -> dict[str, Any]:
        """One cheap call (a time category); returns who the key acts as and the budget left."""
        with self.get_client() as client:
            reply = client.request("GET", "projecttimecategories", params={"perPage": 1})
        keys = ("requestUserID", "requestUsername", "usergroupName", "requestAppID", "requestIntegration",
                "apiLimitRemaining", "apiLimitReset")
        return {key: reply.meta[key] for key in keys if key in reply.meta}
