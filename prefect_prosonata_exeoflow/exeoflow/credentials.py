"""The Exeoflow credentials block."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, SecretStr

from .._core.clock import SYSTEM_CLOCK, Clock
from .._core.credentials import NOT_BLANK, ServiceCredentials, base_url_field, rate_limit_wait_field
from .._core.http import ClientSettings
from .calls import Calls
from .client import AsyncExeoflowClient, ExeoflowClient
from .dialect import API_NAME, DEFAULT_BASE_URL, ExeoflowDialect


class ExeoflowCredentials(ServiceCredentials[ExeoflowClient, AsyncExeoflowClient]):
    """Access to an Exeoflow workspace with an API key (Settings > API Keys), sent as a Bearer token.

    The cloud API is the default; set ``base_url`` for an on-premises install
    (``https://your-domain/api/v1``) or the local sandbox. Requests are paced by the
    ``X-RateLimit-*`` headers, so flows sharing a key stay under the per-minute quota.

    Example:
        Load stored credentials and run a workflow to its end:
        ```python
        from prefect import flow
        from prefect_prosonata_exeoflow.exeoflow import ExeoflowCredentials, execute_workflow_and_wait

        @flow
        def run_import():
            credentials = ExeoflowCredentials.load("exeoflow")
            execution = execute_workflow_and_wait(credentials, "wf_100001", input={"hours": 7.5})
            return execution.output
        ```
    """

    _block_type_name: ClassVar[str] = "Exeoflow Credentials"
    _block_type_slug: ClassVar[str] = "exeoflow-credentials"
    _logo_url: ClassVar[str] = "https://www.exeoflow.com/favicon.ico"  # type: ignore[assignment]
    _documentation_url: ClassVar[str] = "https://docs.exeoflow.com/docs/api/uebersicht"  # type: ignore[assignment]

    api_key: SecretStr = Field(
        title="API Key",
        description="Exeoflow API key (Settings > API Keys); it is shown only once when created.",
        json_schema_extra=NOT_BLANK,
    )
    base_url: str = base_url_field(
        DEFAULT_BASE_URL, "API base URL: the cloud default, https://your-domain/api/v1 on premises, or the sandbox."
    )
    max_rate_limit_wait: float = rate_limit_wait_field(120.0)

    def client_settings(self, *, clock: Clock = SYSTEM_CLOCK) -> ClientSettings:
        key = self._require(self.api_key.get_secret_value(), "api_key", API_NAME)
        return self._settings(
            api=API_NAME, base_url=self.base_url, dialect=ExeoflowDialect(clock),
            headers={"Authorization": f"Bearer {key}"}, secrets=(key,), clock=clock, probe_when_unknown=True,
        )

    def test_connection(self) -> dict[str, Any]:
        """List one workflow; returns the workflow count and the rate budget the key has left."""
        with self.get_client() as client:
            reply = client.request("GET", "workflows", params={"page": 1, "limit": 1})
        page = Calls.list_workflows_page(1, 1).parse(reply)
        headers = reply.headers
        return {
            "base_url": self.base_url,
            "workflows": page.pagination.total if page.pagination else len(page.items),
            "rate_limit": headers.get("X-RateLimit-Limit"),
            "rate_limit_remaining": headers.get("X-RateLimit-Remaining"),
            "rate_limit_reset": headers.get("X-RateLimit-Reset"),
        }
