"""What the per-request shortcuts (benchmark 2) must keep: the same URLs and cookies as plain httpx."""

from __future__ import annotations

import random

import httpx
import pytest

from prefect_prosonata_exeoflow._core.clock import FakeClock
from prefect_prosonata_exeoflow._core.dialect import Dialect
from prefect_prosonata_exeoflow._core.http import AsyncClient, Call, ClientSettings, SyncClient
from prefect_prosonata_exeoflow._core.policy import RetryPolicy

BASES = ["https://api.example.test/v1", "https://api.example.test/v1/", "http://127.0.0.1:8123",
         "https://BÜCHER.example.test:8443/a b/api"]
PATHS = ["projects", "/projects/45", "projects/a%2Fb", "workflows/wf_1/execute", "a b/ü", "x?y=1", "x#frag", "//twice"]


def settings(base_url: str) -> ClientSettings:
    clock = FakeClock()
    return ClientSettings(base_url=base_url, dialect=Dialect(clock), clock=clock,
                          policy=RetryPolicy(rng=random.Random(1)))


def _wire(url: httpx.URL) -> tuple[str, bytes, int | None, bytes]:
    return url.scheme, url.raw_host, url.port, url.raw_path


@pytest.mark.parametrize("base_url", BASES)
def test_relative_paths_give_the_url_httpx_itself_merges(base_url: str) -> None:
    plain = httpx.Client(base_url=base_url.rstrip("/") + "/")
    with SyncClient(settings(base_url), transport=httpx.MockTransport(lambda r: httpx.Response(204))) as client:
        for path in PATHS:
            ours = client._build(Call("GET", path, params={"page": 2}))
            theirs = plain.build_request("GET", path.lstrip("/"), params={"page": 2})
            # What goes on the wire (a fragment never does: httpx drops it from the merged URL only).
            assert _wire(ours.url) == _wire(theirs.url), path
    plain.close()


def _cookie_server(seen: list[str | None]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("cookie"))
        if request.url.path.endswith("/login"):
            return httpx.Response(200, json={}, headers={"Set-Cookie": "session=abc; Path=/"})
        return httpx.Response(200, json={})

    return httpx.MockTransport(handler)


def test_cookies_a_server_sets_are_still_kept_and_sent_back() -> None:
    seen: list[str | None] = []
    with SyncClient(settings("https://api.example.test/v1"), transport=_cookie_server(seen)) as client:
        client.request("GET", "before")
        client.request("GET", "login")
        client.request("GET", "after")
    assert seen == [None, None, "session=abc"]


async def test_async_cookies_a_server_sets_are_still_kept_and_sent_back() -> None:
    seen: list[str | None] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        return _cookie_server(seen).handle_request(request)

    async with AsyncClient(settings("https://api.example.test/v1"), transport=httpx.MockTransport(handler)) as client:
        await client.request("GET", "login")
        await client.request("GET", "after")
    assert seen == [None, "session=abc"]
