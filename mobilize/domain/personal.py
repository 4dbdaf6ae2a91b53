"""Personal data (PIPL): which fields of which events are personal, and whose they are.

One declaration per event class, made beside the aggregate (`declare(Person.Registered, "phone", ...)`),
is all every part of the system asks: the store seals those fields under the subject's own key
(`mobilize.privacy`), and the stream, the Kafka relay and the audit trail's exports leave them out or
open them by the same declaration (`mobilize.log.envelope`). Names stay in clear: they are how duty is
recorded and accounted for (who stood at which post, on whose order).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mobilize.domain.base import RuleViolated

ERASED = "[erased]"
"""What a personal field shows once its subject's key is destroyed, wherever it is shown."""

LEGAL_BASES = ("emergency", "consent", "duty")
"""Why personal data may be processed (PIPL Art. 13): an emergency's necessity (13(4)), the person's consent,
or a legal duty / the person's own employment or volunteering (13(2)-(3))."""


@dataclass(frozen=True)
class Personal:
    """The personal fields of one event class, and the attribute naming the person they belong to."""

    fields: tuple[str, ...]
    subject: str = "originator_id"


_DECLARED: dict[str, Personal] = {}
"""Event class qualname (`Person.Registered`) → its declaration."""


def declare(event_class: type, *fields: str, subject: str = "originator_id") -> None:
    """Declare the personal fields of an event class, and the attribute that names their subject."""
    declaration = Personal(tuple(fields), subject)
    event_class.personal_data = declaration  # type: ignore[attr-defined]
    _DECLARED[event_class.__qualname__] = declaration


def declared(kind: type | str) -> Personal | None:
    """The declaration of an event class (or its qualname, or a stored topic), if it carries personal fields."""
    if isinstance(kind, type):
        return getattr(kind, "personal_data", None)
    return _DECLARED.get(kind.rpartition(":")[2])


def personal_names() -> frozenset[str]:
    """Every field name some event class declares personal (a command's arguments of these names are too)."""
    return frozenset(name for declaration in _DECLARED.values() for name in declaration.fields)


def subject_of(event: Any, declaration: Personal) -> Any:
    """The id of the person an event's personal fields belong to."""
    return getattr(event, declaration.subject)


class PersonalDataErased(RuleViolated):
    """Raised when a command would record or change personal data of a person or household whose data was erased."""

    rule = "personal_data_erased"
