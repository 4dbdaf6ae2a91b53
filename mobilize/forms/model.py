"""What a form is: header fields, tables, and the log position and chain head it was made from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mobilize.domain.base import CHINA


class FormProblem(ValueError):
    """Raised when a form is asked for with what it cannot be made from (an unknown form, no person or unit)."""


@dataclass
class Table:
    """One table of a form: its title, its columns (label keys), its rows (ids kept beside, not printed)."""

    title: str
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]


@dataclass
class Form:
    """A filled-in form: header fields, tables, and what it was made from."""

    number: str
    fields: list[tuple[str, Any]]
    tables: list[Table]
    position: int
    head: str
    reading: str
    meaning: str

    def keep(self, rows_in_reach: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]) -> Form:
        """The form with each table's rows cut to what a caller may see."""
        self.tables = [Table(t.title, t.columns, rows_in_reach(t.rows)) for t in self.tables]
        return self


@dataclass(frozen=True)
class Ask:
    """What a form is asked for: the incident (default: the last declared), a site, a person or a unit."""

    incident: str | None = None
    site: str | None = None
    person: str | None = None
    unit: str | None = None
    hours: float = 12.0


Parts = tuple[list[tuple[str, Any]], list[Table]]
"""What a form's builder returns: its header fields and its tables."""


def shown_time(moment: datetime | None) -> str:
    """A moment as the forms print it: China Standard Time, to the minute ('' for none)."""
    return "" if moment is None else moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
