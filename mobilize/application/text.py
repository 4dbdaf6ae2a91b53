"""Text a command may carry: printable, so that no store, view or screen downstream can choke on it.

A NUL is refused by PostgreSQL's text columns (and stopped every view that met one); other control
characters and lone surrogates break terminals, CSV exports and JSON encoders. The check runs on
every command's arguments and context, whoever calls it (API, CLI, generators), before anything is
loaded or written: a refusal names the field and the character.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

from mobilize.domain.base import InvalidCommand

ALLOWED = frozenset("\t\n\r")
"""Control characters text may hold: tabs and line breaks (a handover note has lines)."""


class UnprintableText(InvalidCommand):
    """Raised when a command's text holds a NUL, another control character or a lone surrogate."""

    rule = "unprintable_text"


def control_character(text: str) -> tuple[int, int] | None:
    """Where the first character that makes `text` unfit to record is, and its code point; None if none."""
    for index, char in enumerate(text):
        if char in ALLOWED:
            continue
        if unicodedata.category(char) in ("Cc", "Cs"):
            return index, ord(char)
    return None


def require_printable(arguments: dict[str, Any]) -> None:
    """Refuse (UnprintableText) if any text among the arguments, however nested, is unfit to record."""
    for field, text in _texts(arguments, ""):
        found = control_character(text)
        if found is not None:
            index, code = found
            raise UnprintableText(f"{field} holds the control character U+{code:04X} at position {index}: text may "
                                  "not contain control characters", field=field,
                                  zh=f"{field} 的第 {index + 1} 个字符是控制字符 U+{code:04X}：文本不能包含控制字符")


def _texts(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield f"{path}.{key}" if path else key, key
            yield from _texts(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, (list, tuple)):
        for number, item in enumerate(value):
            yield from _texts(item, f"{path}[{number}]")
