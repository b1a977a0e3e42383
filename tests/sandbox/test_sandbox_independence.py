"""The sandbox emulates the services: it must not borrow the client's rules or numbers."""

from __future__ import annotations

import ast
from pathlib import Path

import prefect_prosonata_exeoflow.sandbox as sandbox

SANDBOX = Path(sandbox.__file__).parent
CLIENT_PACKAGES = ("prosonata", "exeoflow", "endocs")


def imported_modules(source: str, depth: int) -> list[str]:
    """Package-relative names of what a sandbox file ``depth`` folders below sandbox/ imports
    from outside the sandbox (``from ..endocs.dialect import X`` at depth 0 -> ``endocs.dialect``)."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level > depth + 1:
                names.append(module)
            elif node.level == 0 and module.startswith("prefect_prosonata_exeoflow."):
                names.append(module.removeprefix("prefect_prosonata_exeoflow."))
        elif isinstance(node, ast.Import):
            names += [alias.name.removeprefix("prefect_prosonata_exeoflow.") for alias in node.names]
    return names


def test_the_sandbox_imports_nothing_from_the_api_clients() -> None:
    borrowed = {
        f"{path.relative_to(SANDBOX)}: {module}"
        for path in SANDBOX.rglob("*.py")
        for module in imported_modules(path.read_text(encoding="utf-8"), len(path.relative_to(SANDBOX).parts) - 1)
        if module.split(".")[0] in CLIENT_PACKAGES
    }
    assert borrowed == set()


def test_the_scan_sees_a_borrowed_import() -> None:
    """The check above can fail: the import this change removed, and its nested and absolute forms."""
    assert imported_modules("from ..endocs.dialect import MAX_FILE_BYTES\n", 0) == ["endocs.dialect"]
    assert imported_modules("from ...exeoflow import calls\n", 1) == ["exeoflow"]
    assert imported_modules("import prefect_prosonata_exeoflow.prosonata.encoding\n", 0) == ["prosonata.encoding"]
    assert imported_modules("from .._core.clock import Clock\nfrom .endocs.seed import wire\n", 0) == ["_core.clock"]
