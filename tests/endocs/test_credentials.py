"""The EnDocs credentials block: fields, validation, secrecy, clients, saving and test_connection."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from prefect_prosonata_exeoflow._core.budget import RateBudget
from prefect_prosonata_exeoflow._core.errors import AuthenticationError, ConfigurationError
from prefect_prosonata_exeoflow.endocs import AsyncEnDocsClient, EnDocsClient, EnDocsCredentials
from prefect_prosonata_exeoflow.sandbox import SandboxServer

from .support import TOKEN, make_credentials


def test_defaults_follow_the_documentation() -> None:
    credentials = EnDocsCredentials(token="t0ken")
    assert credentials.base_url == "https://api.endocs.cloud"
    assert credentials.requests_per_minute == 300 and credentials.rate_limit_window_seconds == 60
    assert credentials.max_rate_limit_wait == 120
    budget = credentials.client_settings().budget
    assert isinstance(budget, RateBudget) and budget.remaining is None  # nothing spent yet


def test_every_field_is_described_with_a_full_stop() -> None:
    for name, field in EnDocsCredentials.model_fields.items():
        assert field.description and field.description.endswith("."), name


def test_block_metadata_and_code_example() -> None:
    assert EnDocsCredentials._block_type_name == "EnDocs Credentials"
    assert EnDocsCredentials.get_block_type_slug() == "endocs-credentials"
    assert "get_new_invoices" in (EnDocsCredentials.get_code_example() or "")
    assert EnDocsCredentials._documentation_url and EnDocsCredentials._logo_url


def test_token_never_shows_and_travels_only_in_the_header() -> None:
    credentials = EnDocsCredentials(token="super-secret-token-1")
    assert "super-secret-token-1" not in repr(credentials) and "super-secret-token-1" not in str(credentials)
    settings = credentials.client_settings()
    assert settings.headers == {"Authorization": "Bearer super-secret-token-1"}
    assert settings.secrets == ("super-secret-token-1",)
    assert "super-secret" not in settings.base_url and "super-secret" not in repr(credentials.get_client())


def test_a_pasted_bearer_prefix_is_dropped_and_bad_tokens_refused() -> None:
    assert EnDocsCredentials(token="Bearer abc.def").client_settings().headers["Authorization"] == "Bearer abc.def"
    for bad in ("", "   ", "two words", "line\nbreak", "Bearer "):
        with pytest.raises(ConfigurationError):
            EnDocsCredentials(token=bad).client_settings()


@pytest.mark.parametrize("url", ["ftp://api.endocs.cloud", "https://user:pw@api.endocs.cloud", "api.endocs.cloud",
                                 "https://api.endocs.cloud/?token=x"])
def test_base_url_is_validated(url: str) -> None:
    with pytest.raises(ValidationError):
        EnDocsCredentials(token="t", base_url=url)


def test_limits_are_bounded() -> None:
    for options in ({"requests_per_minute": 0}, {"rate_limit_window_seconds": 0}, {"max_rate_limit_wait": -1}):
        with pytest.raises(ValidationError):
            EnDocsCredentials(token="t", **options)


def test_clients_and_test_connection(sandbox: SandboxServer) -> None:
    credentials = make_credentials(sandbox.base_url("endocs"))
    with credentials.get_client() as client:
        assert isinstance(client, EnDocsClient)
    assert isinstance(credentials.get_async_client(), AsyncEnDocsClient)
    info = credentials.test_connection()
    assert info["id"] == 42 and info["storage_quota"] == 10.0 and "token_expires" not in info
    with pytest.raises(AuthenticationError):
        EnDocsCredentials(token="wrong", base_url=sandbox.base_url("endocs")).test_connection()


def test_save_and_load_keep_the_secret(prefect_harness: None) -> None:
    EnDocsCredentials(token=TOKEN, base_url="http://localhost:8765/endocs", requests_per_minute=120).save(
        "endocs-test", overwrite=True)
    loaded = EnDocsCredentials.load("endocs-test")
    assert isinstance(loaded, EnDocsCredentials)
    assert loaded.token.get_secret_value() == TOKEN and loaded.requests_per_minute == 120
