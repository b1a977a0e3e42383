"""The migrated database each test server starts from (flows/runtime.py ``seed_database``)."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path
from unittest import mock

import pytest

from flows import runtime
from flows.runtime import DB_TEMPLATE_ENV, seed_database


def _fake_build(path: Path) -> None:
    path.write_bytes(b"migrated")


def test_the_first_server_builds_the_template_and_every_new_database_is_a_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DB_TEMPLATE_ENV, str(tmp_path / "template.db"))
    with mock.patch.object(runtime, "build_database_template", side_effect=_fake_build) as build:
        seed_database(tmp_path / "a" / "prefect.db")
        seed_database(tmp_path / "b" / "prefect.db")
    assert build.call_count == 1
    assert (tmp_path / "a" / "prefect.db").read_bytes() == (tmp_path / "b" / "prefect.db").read_bytes() == b"migrated"


def test_an_existing_database_is_kept_and_no_template_means_no_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = tmp_path / "prefect.db"
    kept.write_bytes(b"the user's runs")
    monkeypatch.setenv(DB_TEMPLATE_ENV, str(tmp_path / "template.db"))
    with mock.patch.object(runtime, "build_database_template", side_effect=_fake_build) as build:
        seed_database(kept)
        monkeypatch.setenv(DB_TEMPLATE_ENV, "")
        seed_database(tmp_path / "new" / "prefect.db")
    assert build.call_count == 0 and kept.read_bytes() == b"the user's runs"
    assert not (tmp_path / "new").exists()


def test_the_template_is_a_migrated_prefect_database(tmp_path: Path) -> None:
    """The real one, as this test run's servers get it (tests/conftest.py names it): Prefect's
    tables in one file, the write-ahead log folded in."""
    seed_database(tmp_path / "prefect.db")
    with closing(sqlite3.connect(tmp_path / "prefect.db")) as database:
        tables = {row[0] for row in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"flow_run", "block_document", "alembic_version"} <= tables
    assert not Path(f"{os.environ[DB_TEMPLATE_ENV]}.partial").exists()
