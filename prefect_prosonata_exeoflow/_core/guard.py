"""Optional cross-process pacing through a Prefect global concurrency limit (rate_limit())."""

from __future__ import annotations


class PrefectRateLimitGuard:
    """Takes one slot of a Prefect global concurrency limit with slot decay before each request.

    Prefect's limiter is a leaky bucket on the Prefect server, so every worker and flow run
    using the same limit name draws from one budget. It costs one Prefect API round trip per
    request, so it is an outer guard; the in-process budget still does the precise pacing.
    """

    def __init__(self, name: str, *, timeout_seconds: float | None = None) -> None:
        self.name = name
        self.timeout_seconds = timeout_seconds

    def acquire(self) -> None:
        from prefect.concurrency.sync import rate_limit

        rate_limit(self.name, occupy=1, timeout_seconds=self.timeout_seconds, strict=True)

    async def aacquire(self) -> None:
        from prefect.concurrency.asyncio import rate_limit

        await rate_limit(self.name, occupy=1, timeout_seconds=self.timeout_seconds, strict=True)

    def __repr__(self) -> str:
        return f"PrefectRateLimitGuard({self.name!r})"
