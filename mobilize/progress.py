"""Progress for anything that takes more than a second or two: a bar on a terminal, a few lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Counts steps of one phase and shows how far along it is."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.label = label
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.started = time.monotonic()
        self._last_decile = -1

    def advance(self, steps: int = 1) -> None:
        """Count `steps` more steps done."""
        self.done = min(self.total, self.done + steps)
        if self.tty:
            width = 30
            filled = width * self.done // self.total
            self.stream.write(f"\r{self.label:<28} [{'#' * filled}{'.' * (width - filled)}] "
                              f"{self.done}/{self.total}")
            self.stream.flush()
            return
        decile = 10 * self.done // self.total
        if decile != self._last_decile:
            self._last_decile = decile
            self.stream.write(f"{self.label}: {10 * decile}% ({self.done}/{self.total})\n")

    def finish(self) -> None:
        """Close the phase, with the time it took."""
        self.done = self.total
        elapsed = time.monotonic() - self.started
        end = "\r" if self.tty else ""
        self.stream.write(f"{end}{self.label:<28} done: {self.total} steps in {elapsed:.1f}s{' ' * 20}\n")
        self.stream.flush()
