"""Block types: registration as a collection, save/load round trips, UI metadata, no secret leaks."""

from __future__ import annotations

import asyncio
from typing import Any
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


# -- the UI form enforces what the block enforces ------------------------------------------------
from prefect_prosonata_exeoflow import ConfigurationError  # noqa: E402
from prefect_prosonata_exeoflow.endocs import EnDocsCredentials  # noqa: E402
from prefect_prosonata_exeoflow.exeoflow import ExeoflowCredentials  # noqa: E402

# What the UI form can send: ProSonata's one address field is base_url (a subdomain or a URL).
FORM_CASES: list[tuple[type[Block], dict[str, object], bool]] = [
    (ProSonataCredentials, {"base_url": "meine-agentur", "api_key": "k"}, True),
    (ProSonataCredentials, {"base_url": " Meine-Agentur ", "api_key": "k"}, True),
    (ProSonataCredentials, {"base_url": "http://localhost:8765/prosonata/api/v1", "api_key": "k"}, True),
    (ProSonataCredentials, {"base_url": "https://ps.example.com/api/v1/", "api_key": "k", "app_id": "a"}, True),
    (ProSonataCredentials, {"api_key": "k"}, False),  # no address
    (ProSonataCredentials, {"base_url": None, "api_key": "k"}, False),
    (ProSonataCredentials, {"base_url": "meine agentur", "api_key": "k"}, False),
    (ProSonataCredentials, {"base_url": "-agentur", "api_key": "k"}, False),
    (ProSonataCredentials, {"base_url": "localhost:8765", "api_key": "k"}, False),
    (ProSonataCredentials, {"base_url": "https://ps.example.com/v1", "api_key": "k"}, False),  # not .../api/v1
    (ProSonataCredentials, {"base_url": "ftp://ps.example.com/api/v1", "api_key": "k"}, False),
    (ProSonataCredentials, {"base_url": "https://ps.example.com/api/v1?key=s3cret", "api_key": "k"}, False),
    (ProSonataCredentials, {"base_url": "https://user:pw@ps.example.com/api/v1", "api_key": "k"}, False),
    (ProSonataCredentials, {"base_url": "agentur", "api_key": ""}, False),
    (ProSonataCredentials, {"base_url": "agentur", "api_key": "   "}, False),
    (ProSonataCredentials, {"base_url": "agentur"}, False),
    (ProSonataCredentials, {"base_url": "agentur", "api_key": "k", "timeout": 0}, False),
    # An empty optional field: left out by the default UI, null from an API client; both are fine.
    (ProSonataCredentials, {"base_url": "agentur", "api_key": "k", "app_id": None, "rate_limit_store": None}, True),
(ExeoflowCredentials, {"api_key": "k"}, True),
    (ExeoflowCredentials, {"api_key": "k", "base_url": "http://127.0.0.1:8765/exeoflow/v1"}, True),
    (ExeoflowCredentials, {"api_key": "k", "base_url": "api.exeoflow.com/v1"}, False),
    (ExeoflowCredentials, {"api_key": "k", "base_url": "https://h.example/v1#x"}, False),
    (ExeoflowCredentials, {"api_key": ""}, False),
    (ExeoflowCredentials, {"api_key": "k", "concurrency_limit_name": None}, True),
    (EnDocsCredentials, {"token": "t"}, True),
    (EnDocsCredentials, {"token": "t", "base_url": "http://localhost:8765/endocs"}, True),
    (EnDocsCredentials, {"token": "t", "base_url": "https://endocs.example/api?token=t"}, False),
    (EnDocsCredentials, {"token": "", "base_url": "http://localhost:8765/endocs"}, False),
    (EnDocsCredentials, {"token": "t", "requests_per_minute": 0}, False),
]


def _schema_errors(cls: type[Block], values: dict[str, object]) -> list[object]:
    """What the UI's form validation (the server's /ui/schemas/validate) says about ``values``."""
    from prefect.utilities.schema_tools.validation import validate

    return list(validate(values, cls.model_json_schema(), preprocess=True))


def _block_usable(cls: type[Block], values: dict[str, object]) -> bool:
    """The block validates and can build its client (an empty key passes the first, not the second)."""
    try:
        cls(**values).client_settings()  # type: ignore[attr-defined]
    except (ValueError, ConfigurationError):  # pydantic's ValidationError is a ValueError
        return False
    return True


@pytest.mark.parametrize(("cls", "values", "valid"), FORM_CASES,
                         ids=[f"{c.__name__}-{i}" for i, (c, _, _) in enumerate(FORM_CASES)])
def test_the_ui_form_rejects_what_the_block_rejects(cls: type[Block], values: dict[str, object], valid: bool) -> None:
    assert _block_usable(cls, values) is valid, "the block class disagrees with the case"
    errors = _schema_errors(cls, values)
    assert (not errors) is valid, errors


def _default_ui_errors(cls: type[Block], values: dict[str, object]) -> list[str]:
    """What the default UI's block form (Prefect 3.9.1) checks before it saves, worded as it words
    it: a required field is not empty, and a filled field keeps its bounds (minLength, minimum,
    exclusiveMinimum, maximum). It checks no pattern and no rule across fields."""
    schema = cls.model_json_schema()
    errors = []
    for name, prop in schema["properties"].items():
        title, value = prop.get("title", name), values.get(name)
        if value in (None, "", [], {}):
            errors += [f"{title} is required"] if name in schema.get("required", []) else []
            continue
        size = len(value) if isinstance(value, str) else value
        low = prop.get("minLength", prop.get("minimum"))
        if low is not None and size < low:  # type: ignore[operator]
            errors.append(f"{title} must be greater than or equal to {low}")
        if "exclusiveMinimum" in prop and size <= prop["exclusiveMinimum"]:  # type: ignore[operator]
            errors.append(f"{title} must be greater than {prop['exclusiveMinimum']}")
        high = prop.get("maxLength", prop.get("maximum"))
        if high is not None and size > high:  # type: ignore[operator]
            errors.append(f"{title} must be less than or equal to {high}")
    return errors


DEFAULT_UI_CASES: list[tuple[type[Block], dict[str, object], list[str]]] = [
    (ProSonataCredentials, {}, ["Base URL is required", "API Key is required"]),
    (ProSonataCredentials, {"api_key": "k"}, ["Base URL is required"]),  # neither subdomain nor URL
    (ProSonataCredentials, {"base_url": "meine-agentur"}, ["API Key is required"]),
    (ProSonataCredentials, {"base_url": "meine-agentur", "api_key": "k", "timeout": 0}, ["Timeout must be greater than 0"]),
    (ProSonataCredentials, {"base_url": "meine-agentur", "api_key": "k", "max_retries": 21},
     ["Max Retries must be less than or equal to 20"]),
    (ProSonataCredentials, {"base_url": "meine-agentur", "api_key": "k"}, []),
    (ExeoflowCredentials, {}, ["API Key is required"]),
    (ExeoflowCredentials, {"api_key": "k", "max_pages": 0}, ["Max Pages must be greater than or equal to 1"]),
    (ExeoflowCredentials, {"api_key": "k"}, []),
    (EnDocsCredentials, {}, ["Token is required"]),
    (EnDocsCredentials, {"token": "t", "requests_per_minute": 0}, ["Requests Per Minute must be greater than or equal to 1"]),
    (EnDocsCredentials, {"token": "t"}, []),
]


@pytest.mark.parametrize(("cls", "values", "expected"), DEFAULT_UI_CASES,
                         ids=[f"{c.__name__}-{i}" for i, (c, _, _) in enumerate(DEFAULT_UI_CASES)])
def test_the_default_ui_refuses_a_block_the_block_refuses_naming_the_field(
    cls: type[Block], values: dict[str, object], expected: list[str]
) -> None:
    assert _default_ui_errors(cls, values) == expected
    assert _block_usable(cls, values) is (not expected)


@pytest.mark.parametrize("cls", [ProSonataCredentials, ExeoflowCredentials, EnDocsCredentials])
def test_block_forms_have_plain_fields_account_fields_first(cls: type[Block]) -> None:
    schema = cls.model_json_schema()
    properties = schema["properties"]
    for name, prop in properties.items():
        # anyOf [T, null] renders a string/null picker in the form; a default of null would be sent.
        assert "anyOf" not in prop and prop.get("type") in {"string", "integer", "number"}, f"{name}: {prop}"
        assert prop.get("default", "") is not None, f"{name}: {prop}"
    ordered = sorted(properties, key=lambda name: properties[name]["position"])
    assert set(ordered[:2]) & {"api_key", "token"} and "timeout" not in ordered[:2], ordered
    assert sorted(p["position"] for p in properties.values()) == list(range(len(properties)))


def test_prosonata_subdomain_stays_a_python_field_the_form_shows_one_address() -> None:
    schema = ProSonataCredentials.model_json_schema()
    assert "subdomain" not in schema["properties"] and "base_url" in schema["required"]
    from_python = ProSonataCredentials(subdomain="Agentur", api_key="k")
    assert from_python.base_url == "https://agentur.prosonata.software/api/v1"
    saved = from_python.model_dump(include=set(schema["properties"]))  # what Block.save stores
    assert "subdomain" not in saved
    loaded = ProSonataCredentials(**saved)
    assert (loaded.subdomain, loaded.base_url) == ("agentur", from_python.base_url)
    # A block saved before base_url was required (subdomain only) still loads.
    old = ProSonataCredentials.model_validate({"subdomain": "agentur", "base_url": None, "api_key": "k"})
    assert old.base_url == from_python.base_url
    on_premises = ProSonataCredentials(subdomain="ignored", base_url="https://ps.example.com/api/v1/", api_key="k")
    assert on_premises.base_url == "https://ps.example.com/api/v1"  # base_url wins, as before


@pytest.mark.parametrize(("cls", "saved", "problem"), [
    (ProSonataCredentials, {"subdomain": None, "base_url": None}, "base_url is missing"),  # as the UI saved it before
    (ProSonataCredentials, {"base_url": "my agency"}, "base_url (9 characters) is neither a subdomain nor a URL"),
    (ExeoflowCredentials, {"base_url": "api.exeoflow.com/v1"}, "must start with https://"),  # the UI checks no pattern
    (EnDocsCredentials, {"base_url": "https://x.test:99999"}, "has an invalid port"),
])
def test_loading_a_block_saved_invalid_names_the_problem(prefect_harness: None, cls: type[Block],
                                                         saved: dict[str, Any], problem: str) -> None:
    key = "token" if cls is EnDocsCredentials else "api_key"
    cls.model_construct(**{key: SecretStr("k-invalid-0001")}, **saved).save("test-invalid", overwrite=True)
    with pytest.raises(ConfigurationError) as caught:
        cls.load("test-invalid")
    message = str(caught.value)
    assert f"{cls.get_block_type_name()} block 'test-invalid' cannot be used: " in message and problem in message
    assert "validate=False" not in message and "k-invalid-0001" not in message


@pytest.mark.parametrize("cls", _block_classes())
def test_block_code_example_loads_the_default_name_and_imports_only_what_it_uses(cls: type[Block]) -> None:
    import ast

    from blocks.setup import BLOCK_NAMES

    example = cls.get_code_example() or ""
    source = example.split("```python", 1)[1].split("```", 1)[0]
    tree = ast.parse(source)
    imported = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                for alias in node.names}
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    assert imported <= used, f"unused imports: {imported - used}"
    assert f'.load("{BLOCK_NAMES[cls.get_block_type_slug().split("-")[0]]}")' in source
    assert "&lt;" not in (cls.get_description() or "") and "<" not in (cls.get_description() or "")


# -- each block opens the clients its class names (ServiceCredentials[Sync, Async]) --------------
from prefect_prosonata_exeoflow.endocs import AsyncEnDocsClient, EnDocsClient  # noqa: E402
from prefect_prosonata_exeoflow.exeoflow import AsyncExeoflowClient, ExeoflowClient  # noqa: E402
from prefect_prosonata_exeoflow.prosonata import AsyncProSonataClient, ProSonataClient  # noqa: E402


@pytest.mark.parametrize(("block", "sync", "asynchronous"), [
    (ProSonataCredentials(subdomain="agentur", api_key=SecretStr("k")), ProSonataClient, AsyncProSonataClient),
    (ExeoflowCredentials(api_key=SecretStr("k")), ExeoflowClient, AsyncExeoflowClient),
    (EnDocsCredentials(token=SecretStr("k")), EnDocsClient, AsyncEnDocsClient),
])
async def test_each_block_opens_the_clients_its_class_names(block: Any, sync: type, asynchronous: type) -> None:
    with block.get_client() as client:
        assert type(client) is sync
    async with block.get_async_client() as aclient:
        assert type(aclient) is asynchronous


def test_the_package_adds_only_its_three_blocks_to_what_a_prefect_server_registers() -> None:
    """A Prefect server imports the collection and registers every Block subclass it knows: naming
    the clients (``ServiceCredentials[Sync, Async]``) must not make block classes of its own."""
    from prefect.utilities.dispatch import get_registry_for_type

    ours = {cls for cls in (get_registry_for_type(Block) or {}).values()
            if cls.__module__.startswith("prefect_prosonata_exeoflow")}
    assert ours == set(_block_classes())
