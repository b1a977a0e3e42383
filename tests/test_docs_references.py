"""What the code cites is in the repository: no path outside it, and every unknown it names is in docs/apis."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ["prefect_prosonata_exeoflow", "flows", "blocks", "tests", "benchmarks", "docs", ".ci"]
SCANNED_FILES = ["README.md", "Makefile", "pyproject.toml"]
TEXT_SUFFIXES = {".py", ".md", ".txt", ".toml", ".cfg", ".ini", ".yaml", ".yml", ".json", ".sh", ""}

#: Places only one machine has: the shared notes this project was built from, home folders,
#: temporary and system folders, Windows drives.
OUTSIDE = re.compile(
    r"\.\./shared\b|\bshared/(?:api|seeds|notes)\b|(?<![\w.:/-])/(?:work|home|Users|root|tmp|var|opt|mnt|srv|private)/"
    r"|\b[A-Z]:\\\\?[A-Za-z]"
)
#: An unknown as the code cites it: PS-U7, EX-U20, ED-U3.
CITED = re.compile(r"\b(PS|EX|ED)-U(\d+)\b")
BARE = re.compile(r"(?<![\w-])U\d{1,2}\b")
NOTES = {"PS": "docs/apis/prosonata.md", "EX": "docs/apis/exeoflow.md", "ED": "docs/apis/endocs.md"}
THIS_FILE = Path(__file__).resolve()


def scanned_files() -> list[Path]:
    files = [ROOT / name for name in SCANNED_FILES if (ROOT / name).exists()]
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*")):
            if (path.is_file() and path.suffix in TEXT_SUFFIXES and "__pycache__" not in path.parts
                    ):
                files.append(path)
    return files


def code_files() -> list[Path]:
    return [p for p in scanned_files() if p.suffix == ".py" and p != THIS_FILE]


def outside_paths(text: str) -> list[str]:
    return [m.group(0) for line in text.splitlines() if not line.startswith("#!") for m in OUTSIDE.finditer(line)]


def documented_ids() -> dict[str, set[str]]:
    """The ids each note's unknowns table defines (first cell of a table row)."""
    ids: dict[str, set[str]] = {}
    for prefix, note in NOTES.items():
        text = (ROOT / note).read_text(encoding="utf-8")
        ids[prefix] = set(re.findall(rf"^\| ({prefix}-U\d+) \|", text, re.MULTILINE))
    return ids


def test_no_file_refers_to_a_path_outside_the_repository() -> None:
    found = {
        f"{path.relative_to(ROOT)}:{number}: {hit}"
        for path in scanned_files() if path != THIS_FILE
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        for hit in outside_paths(line)
    }
    assert sorted(found) == []


@pytest.mark.parametrize("text", [
    "Source: ../shared/api/prosonata.md.",
    "Faithful to /work/shared/api/prosonata.md; where",
    "see shared/seeds/003_28d9fe20abb79158.txt",
    'CACHE = "/home/alice/.cache/x"',
    "written to /tmp/run-1/out.json",
    r"C:\Users\alice\project",
])
def test_the_path_check_catches_outside_paths(text: str) -> None:
    assert outside_paths(text)


@pytest.mark.parametrize("text", [
    'Call("GET", "/api/Output/GetClientInfo")',
    "https://api.exeoflow.com/v1/workflows",
    "http://localhost:PORT/exeoflow/webhook/{id}",
    "#!/usr/bin/env python",
    "docs/apis/prosonata.md",
])
def test_the_path_check_lets_urls_and_repo_paths_pass(text: str) -> None:
    assert outside_paths(text) == []


def test_every_note_defines_its_unknowns() -> None:
    ids = documented_ids()
    assert len(ids["PS"]) == 30 and len(ids["EX"]) == 30 and len(ids["ED"]) == 15


def test_every_cited_unknown_is_in_its_note_and_the_file_names_the_note() -> None:
    ids = documented_ids()
    problems = []
    for path in code_files():
        text = path.read_text(encoding="utf-8")
        for prefix, number in set(CITED.findall(text)):
            cited = f"{prefix}-U{number}"
            if cited not in ids[prefix]:
                problems.append(f"{path.relative_to(ROOT)} cites {cited}, which {NOTES[prefix]} does not define")
            if NOTES[prefix] not in text:
                problems.append(f"{path.relative_to(ROOT)} cites {cited} but does not name {NOTES[prefix]}")
        for line in text.splitlines():
            if BARE.search(CITED.sub("", line)):
                problems.append(f"{path.relative_to(ROOT)}: bare unknown id in {line.strip()!r}")
    assert problems == []
