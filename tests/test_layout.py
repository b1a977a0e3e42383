"""One shape for the three APIs: the same files in each API's package, sandbox and test folder."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "prefect_prosonata_exeoflow"
APIS = ("prosonata", "exeoflow", "endocs")

#: What every API has; an API may add files of its own (Exeoflow's execution waiting, EnDocs' files).
SHAPES = {
    PACKAGE: ("__init__.py", "credentials.py", "client.py", "models.py", "tasks.py"),
    PACKAGE / "sandbox": ("__init__.py", "emulator.py", "seed.py", "store.py"),
    ROOT / "tests": ("__init__.py", "conftest.py", "test_cassettes.py", "test_client.py",
                     "test_rate_limits.py", "test_tasks.py"),
}


@pytest.mark.parametrize("parent", SHAPES, ids=lambda path: str(path.relative_to(ROOT)) or "package")
def test_every_api_folder_has_the_same_files(parent: Path) -> None:
    missing = {api: [name for name in SHAPES[parent] if not (parent / api / name).is_file()] for api in APIS}
    assert not any(missing.values()), missing
