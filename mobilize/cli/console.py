"""Tables a person can read in a terminal, the same rows as CSV or JSON, and how long-running commands stop."""

from __future__ import annotations

import csv
import io
import json
import signal
import threading
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from mobilize.domain.base import CHINA
from mobilize.forms.render import spreadsheet_cell


def shown(value: Any, whole_ids: bool = False) -> str:
    """A cell as text: ISO times become local 'MM-DD HH:MM'; ids are shortened unless `whole_ids`."""
    if value is None:
        return "—"
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items()) or "—"
    if isinstance(value, (list, tuple)):
        return ", ".join(shown(v, whole_ids) for v in value) or "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, datetime):
        return value.astimezone(CHINA).strftime("%m-%d %H:%M")
    text = str(value)
    if len(text) >= 19 and text[4] == "-" and text[10] == "T":
        try:
            return datetime.fromisoformat(text).astimezone(CHINA).strftime("%m-%d %H:%M")
        except ValueError:
            return text
    if len(text) == 36 and text.count("-") == 4 and not whole_ids:
        return text[:8]
    return text


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str], title: str = "", whole_ids: bool = False) -> str:
    """Rows as an aligned text table with a header; `columns` picks and orders the keys; ids are shortened unless
    `whole_ids` (for tables whose ids are to be fed back to commands)."""
    cells = [[shown(row.get(column), whole_ids) for column in columns] for row in rows]
    widths = [max([len(c)] + [len(line[i]) for line in cells]) for i, c in enumerate(columns)]
    lines = [title] if title else []
    lines.append("  ".join(c.replace("_", " ").ljust(w) for c, w in zip(columns, widths, strict=True)))
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)) for line in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def as_csv(rows: Sequence[dict[str, Any]]) -> str:
    """Rows as CSV with a header line, each cell as `spreadsheet_cell` writes it (names and reasons are typed by
    people)."""
    if not rows:
        return ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows([{key: spreadsheet_cell(cell) for key, cell in row.items()} for row in rows])
    return out.getvalue()


def as_json(rows: Sequence[dict[str, Any]]) -> str:
    """Rows as a JSON array."""
    return json.dumps(list(rows), ensure_ascii=False, indent=1, default=str)


def stop_on_sigterm(stop: threading.Event) -> Any:
    """Let SIGTERM (what systemd, docker and supervisors send) set `stop`, so a long-running command ends
    between batches as on Ctrl-C (the default would kill it: safe, but abrupt). Returns the handler it
    replaced, or None when not on the main thread (where signals cannot be handled)."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, lambda *_: stop.set())
