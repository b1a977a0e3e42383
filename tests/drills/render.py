"""Rewrite the README's failure table from the matrix: ``python -m tests.drills.render``."""

from __future__ import annotations

from pathlib import Path

from .matrix import END, START, render_readme_section

README = Path(__file__).resolve().parents[2] / "README.md"


def main() -> None:
    text = README.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    README.write_text(head + START + render_readme_section() + END + tail, encoding="utf-8")


if __name__ == "__main__":
    main()
