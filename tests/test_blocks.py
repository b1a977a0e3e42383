"""Block types: registration as a collection, save/load round trips, UI metadata, no secret leaks."""

from __future__ import annotations

import asyncio
from importlib.metadata import entry_points

import pytest
from prefect.blocks.core import Block
from pydantic import SecretStr

import prefect_prosonata_exeoflow
from prefect_prosonata_exeoflow.prosonata import ProSonataCredentials


def _block_classes() -> list[type[Block]]:
    return [
        value
        for value in vars(prefect_prosonata_exeoflow).values()
        if isinstance(value, type) and issubclass(value, Block) and value.__name__.endswith("Credentials")
    ]


def test_package_is_a_prefect_collection() -> None:
    names = {ep.value for ep in entry_points(group="prefect.collections")}
    assert "prefect_prosonata_exeoflow" in names


def test_every_block_field_is_described_for_the_ui_form() -> None:
    classes = _block_classes()
    assert ProSonataCredentials in classes
    for cls in classes:
        assert cls.get_block_type_name() and cls._logo_url and cls._documentation_url
        assert cls.get_code_example(), f"{cls.__name__} has no code example"
        for name, field in cls.model_fields.items():
            assert field.description and field.description.endswith("."), f"{cls.__name__}.{name}"


def test_block_register_registers_all_credentials(prefect_harness: None) -> None:
    from prefect.cli.block import _register_blocks_in_module
    from prefect.client.orchestration import get_client

    registered = asyncio.run(_register_blocks_in_module(prefect_prosonata_exeoflow))
    assert set(_block_classes()) <= set(registered)

    async def slugs() -> set[str]:
        async with get_client() as client:
            return {block_type.slug for block_type in await client.read_block_types()}

    assert {cls.get_block_type_slug() for cls in _block_classes()} <= asyncio.run(slugs())


def test_save_and_load_keeps_the_secret_and_hides_it(prefect_harness: None) -> None:
    key = "ps-key-RECOGNIZABLE-0001"
    ProSonataCredentials(subdomain="agentur", api_key=SecretStr(key), app_id=SecretStr("app-9")).save(
        "test-prosonata", overwrite=True
    )
    loaded = ProSonataCredentials.load("test-prosonata")
    assert loaded.api_key.get_secret_value() == key
    assert loaded.client_settings().base_url == "https://agentur.prosonata.software/api/v1"
    for text in (repr(loaded), str(loaded), loaded.model_dump_json()):
        assert key not in text


@pytest.mark.parametrize("cls", [ProSonataCredentials])
def test_block_docstring_example_imports_resolve(cls: type[Block]) -> None:
    example = cls.get_code_example() or ""
    assert "prefect_prosonata_exeoflow" in example
