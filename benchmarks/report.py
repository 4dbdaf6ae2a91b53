"""One table for a run, and its JSON under benchmarks/results/."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.common import ROOT, Results, Row

RESULTS = ROOT / "benchmarks" / "results"
SECTIONS = {
    "raw": "Raw ceilings, measured in this run",
    "commands": "HTTP commands (mix: assignments, check-ins/outs, dispatch transitions)",
    "ingest": "Ingest",
    "rebuild": "Replay: projection rebuilds from the big log",
    "latency": "Latency at a steady load",
    "streams": "Open streams (SSE feeds held by one API process, commands at 20/s)",
    "field": "Field pages' streams (one person's token each, commands at 20/s)",
    "memory": "Peak memory (RSS) per process",
}
WIDTHS = (60, 22, 18, 6, 17, 4)


def value_text(row: Row) -> str:
    """The figure as a person reads it."""
    if row.value is None:
        return "not measured"
    if "p50" in row.extra and row.extra["p50"] is not None:
        return f"{row.extra['p50']:.1f} / {row.value:.1f} ms"
    if row.unit == "ms":
        return f"{row.value:.1f} ms"
    if row.unit == "MiB":
        return f"{row.value:,.0f} MiB"
    return f"{row.value:,.0f} {row.unit}"


def goal_text(row: Row) -> str:
    """The goal as the issue states it."""
    if row.limit is not None:
        return f"p99 ≤ {row.limit:g} ms" if row.unit == "ms" else f"≤ {row.limit:,.0f} {row.unit}"
    if row.goal is not None:
        return f"≥ {row.goal:g}× ceiling" if row.goal >= 1 else f"≥ {row.goal:.0%} of ceiling"
    return ""


def render(results: Results) -> str:
    """The table: each section, mobilize's figure next to the ceiling it is held to, the ratio and the goal."""
    header = ("measure", "mobilize (or ceiling)", "ceiling", "ratio", "goal", "met")
    lines = [_line(header), _line(tuple("-" * w for w in WIDTHS))]
    for section, title in SECTIONS.items():
        rows = [row for row in results.rows.values() if row.section == section]
        if not rows:
            continue
        lines.append(f"{title}:")
        for row in rows:
            ceiling = results.rows.get(row.ceiling) if row.ceiling else None
            ratio = results.ratio(row)
            met = results.met(row)
            lines.append(_line((
                "  " + row.label, value_text(row), value_text(ceiling) if ceiling else "",
                f"{ratio:.2f}" if ratio is not None else "", goal_text(row),
                "" if met is None else ("yes" if met else "NO"))))
            remarks = "; ".join(text for text in (row.note, row.shortfall) if text)
            if remarks:
                lines.append(f"      ({remarks})")
    if results.notes:
        lines += ["", "Notes:"] + [f"- {note}" for note in results.notes]
    return "\n".join(lines)


def _line(cells: tuple[str, ...]) -> str:
    return " ".join(cell.ljust(width) if index < len(WIDTHS) - 1 else cell
                    for index, (cell, width) in enumerate(zip(cells, WIDTHS, strict=True))).rstrip()


def write(results: Results) -> Path:
    """Write the run's JSON to benchmarks/results/<UTC timestamp>.json."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(results.as_json(), indent=2, default=str))
    return path
