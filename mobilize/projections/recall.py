"""What a projection keeps in memory of its own rows, so that its handlers need not query them.

On PostgreSQL a query in the middle of a batch makes the pipeline wait for everything sent before it;
a view that looks up its own rows per event (an aggregate's link, a shift's grid) would wait per event.
What it keeps stays exact as long as the view is where this process left it: the runner tells the
projection to forget otherwise (`Projection.forget`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mobilize.projections.store import Transaction


class Recall:
    """One of a projection's tables, kept in memory by key.

    The projection keeps each value it writes to the table (`keep`) and makes a new recall whenever it
    is told to forget. Made on an empty view (`complete`), it then holds every row, and a key it lacks
    has none; otherwise a key it lacks is read once, with `read`. Past `LIMIT` keys it starts again,
    no longer complete.
    """

    LIMIT = 250_000

    def __init__(self, read: Callable[[Transaction, str], Any], complete: bool, missing: Any = None) -> None:
        self.read, self.complete, self.missing = read, complete, missing
        self.kept: dict[str, Any] = {}

    def get(self, tx: Transaction, key: str) -> Any:
        """The value kept for `key`, read if need be."""
        try:
            return self.kept[key]
        except KeyError:
            if self.complete:
                return self.missing
            value = self.read(tx, key)
            self.keep(key, value)
            return value

    def keep(self, key: str, value: Any) -> None:
        """Keep the value just written for `key`."""
        if len(self.kept) >= self.LIMIT:
            self.kept.clear()
            self.complete = False
        self.kept[key] = value
