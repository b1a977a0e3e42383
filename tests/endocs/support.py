"""Helpers shared by the EnDocs tests: the sandbox token, the seeded parties, credentials and stat counters."""

from __future__ import annotations

from typing import Any

import httpx

from prefect_prosonata_exeoflow.endocs import EnDocsCredentials
from prefect_prosonata_exeoflow.sandbox import SANDBOX_KEYS, SandboxServer

TOKEN = SANDBOX_KEYS["endocs_token"]
ORG = {"ext_id": "b7e1c0de-0000-4000-8000-000000000005", "name": 'ООО "Ромашка"', "inn": "7701234560",
       "kpp": "770101001"}
SUPPLIER = {"ext_id": "c7a2-0009", "name": 'ООО "Поставщик"', "inn": "5001234561", "kpp": "500101001"}


def make_credentials(base_url: str, **options: Any) -> EnDocsCredentials:
    return EnDocsCredentials(token=TOKEN, base_url=base_url, **options)


def stat(sandbox: SandboxServer, name: str) -> int:
    return sandbox.sandbox.stats.get(f"endocs.{name}")


class Recorder(httpx.HTTPTransport):
    """A real transport that keeps every response (to read the hints the sandbox sent)."""

    def __init__(self) -> None:
        super().__init__()
        self.responses: list[httpx.Response] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        self.responses.append(response)
        return response
