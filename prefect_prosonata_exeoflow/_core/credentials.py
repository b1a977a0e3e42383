"""What the three credentials blocks share: timeouts, retry and pacing settings, the clients."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

from prefect.blocks.core import Block
from pydantic import ConfigDict, Field

from .budget import shared_budget
from .clock import SYSTEM_CLOCK, Clock
from .dialect import Dialect
from .errors import ConfigurationError
from .guard import PrefectRateLimitGuard
from .http import DEFAULT_MAX_RESPONSE_BYTES, AsyncClient, ClientSettings, SyncClient
from .pagination import DEFAULT_MAX_PAGES
from .policy import RetryPolicy

class ServiceCredentials(Block, ABC):
    """Common fields and the client factory; each API adds its own key fields and URL rules."""

    # A rejected field (a base_url with a token in its query, a key of the wrong type) must not
    # be echoed into the ValidationError text.
    model_config = ConfigDict(hide_input_in_errors=True)

    timeout: float = Field(
        default=30.0, gt=0, le=600,
        description="Seconds one HTTP exchange may take in all (connect, headers and body together).",
    )
    max_retries: int = Field(
        default=4, ge=0, le=20, description="Retries after server errors and dropped connections (safe requests only)."
    )
    max_rate_limit_wait: float = Field(
        default=900.0,
        ge=0,
        description="Longest single wait for the rate limit to reset, in seconds; a longer wait raises an error.",
    )
    max_response_bytes: int = Field(
        default=DEFAULT_MAX_RESPONSE_BYTES,
        ge=1024,
        description="Largest answer read, in bytes; a larger one raises ResponseTooLargeError while it arrives.",
    )
    max_pages: int = Field(
        default=DEFAULT_MAX_PAGES,
        ge=1,
        description="Pages one listing may fetch before it raises PaginationError (a server that never ends).",
    )
    concurrency_limit_name: str | None = Field(
        default=None,
        description=(
            "Name of a Prefect global concurrency limit with slot decay; when set, every request takes a slot "
            "so all workers and flow runs using this key share one budget."
        ),
    )

    _sync_client: ClassVar[type[SyncClient]]
    _async_client: ClassVar[type[AsyncClient]]

    @abstractmethod
    def client_settings(self, *, clock: Clock = SYSTEM_CLOCK) -> ClientSettings:
        """Base URL, auth headers, secrets to redact and the shared budget for this block."""

    @abstractmethod
    def test_connection(self) -> dict[str, Any]:
        """Make one cheap authenticated call; returns what the service says about the caller."""

    def get_client(self, **client_options: Any) -> SyncClient:
        """A blocking client; use it in a ``with`` block so its connections are closed."""
        return self._sync_client(self.client_settings(), **client_options)

    def get_async_client(self, **client_options: Any) -> AsyncClient:
        """An asyncio client; use it in an ``async with`` block."""
        return self._async_client(self.client_settings(), **client_options)

    # -- helpers for the subclasses ------------------------------------------------------------
    def _settings(
        self,
        *,
        api: str,
        base_url: str,
        dialect: Dialect,
        headers: Mapping[str, str],
        secrets: tuple[str, ...],
        clock: Clock,
        **budget_options: Any,
    ) -> ClientSettings:
        """What every API's settings share: this block's timeout, retries and guard, and the
        budget shared by every client of the same key (``secrets[0]``) in this process."""
        return ClientSettings(
            base_url=base_url,
            dialect=dialect,
            headers=dict(headers),
            secrets=secrets,
            timeout=self.timeout,
            policy=RetryPolicy(max_retries=self.max_retries, max_rate_limit_wait=self.max_rate_limit_wait),
            budget=shared_budget(api, base_url, secrets[0], clock, **budget_options),
            clock=clock,
            guard=PrefectRateLimitGuard(self.concurrency_limit_name) if self.concurrency_limit_name else None,
            max_response_bytes=self.max_response_bytes,
            max_pages=self.max_pages,
        )

    @staticmethod
    def _require(value: str | None, field: str, block: str) -> str:
        if value is None or not value.strip():
            raise ConfigurationError(f"{block}: {field} is missing or empty")
        return value.strip()
