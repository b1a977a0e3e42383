"""One row per figure, printed as one table and written to results.md plus a chart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Row:
    """One measured figure, ours next to what it is compared with, and its target."""

    section: str
    case: str
    ours: str
    baseline: str
    target: str
    ok: bool | None = None
    data: dict[str, Any] = field(default_factory=dict)  # raw numbers, for the chart and the smoke test

    @property
    def verdict(self) -> str:
        return "-" if self.ok is None else ("yes" if self.ok else "NO")


HEADER = ("#", "benchmark", "case", "ours", "compared with", "target", "met")


def table(rows: Sequence[Row]) -> str:
    """A Markdown table (also readable as plain text)."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for row in rows:
        cells = (row.section.split(" ", 1)[0], row.section.split(" ", 1)[-1], row.case, row.ours, row.baseline,
                 row.target, row.verdict)
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(lines)


def write_results(rows: Sequence[Row], out_dir: Path, *, header: str, notes: Sequence[str]) -> Path:
    """results.md (the table, how it was measured) and chart.png; returns the Markdown path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    md = out_dir / "results.md"
    body = [f"# Benchmark results\n\n{header}\n", table(rows), "", "## Notes", ""]
    body += [f"- {note}" for note in notes]
    body += ["", "![chart](chart.png)", ""]
    md.write_text("\n".join(body), encoding="utf-8")
    chart(rows, out_dir / "chart.png")
    return md


def chart(rows: Sequence[Row], path: Path) -> None:
    """Elapsed/ideal and 429s of the budget cases (benchmarks 1 and 5), side by side."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    budget = [r for r in rows if "ratios" in r.data]
    if not budget:
        return
    clients = list(budget[0].data["ratios"])
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 4.8))
    width = 0.8 / max(len(clients), 1)
    for i, client in enumerate(clients):
        xs = [n + i * width for n in range(len(budget))]
        ax1.bar(xs, [r.data["ratios"].get(client, 0) for r in budget], width, label=client)
        ax2.bar(xs, [r.data["429s"].get(client, 0) for r in budget], width, label=client)
    labels = [r.data.get("label", r.case) for r in budget]
    for ax, title in ((ax1, "elapsed / ideal (lower is better, 1.0 = the rate limit itself)"),
                      (ax2, "HTTP 429 answers (log scale)")):
        ax.set_xticks([n + width * (len(clients) - 1) / 2 for n in range(len(budget))], labels, fontsize=8)
        ax.set_title(title, fontsize=10)
        ax.legend(fontsize=8)
    ax1.axhline(1.05, color="grey", linestyle="--", linewidth=0.8)
    ax2.set_yscale("symlog")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
