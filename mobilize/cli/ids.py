"""Ids given on the command line: whole, and naming a record of the kind asked for, or an error (exit 2).

A shortened id (tables once printed the first eight characters) or a typo used to match nothing and print an
empty table, which reads as "nobody is there"; now it is refused, saying what was wrong and where to find ids.
"""

from __future__ import annotations

import argparse
from uuid import UUID

from mobilize.application import Mobilize
from mobilize.domain.base import DomainError, MobilizeAggregate
from mobilize.domain.incident import Incident
from mobilize.domain.organisation import OrgUnit
from mobilize.domain.person import Person
from mobilize.domain.shift import Shift
from mobilize.domain.task_force import TaskForce
from mobilize.domain.testing_site import TestingSite

OPTIONS: dict[str, tuple[type[MobilizeAggregate], str, str]] = {
    "site": (TestingSite, "site", "sites"),
    "grid": (OrgUnit, "grid", "units --kind grid"),
    "unit": (OrgUnit, "org unit", "units"),
    "under": (OrgUnit, "org unit", "units"),
    "incident": (Incident, "incident", "incidents"),
    "task_force": (TaskForce, "task force", "task-forces"),
    "person": (Person, "person", "people"),
    "shift": (Shift, "shift", "shifts"),
}
"""An option's name → the record it names, as said in a message, and the `mobilize list` that prints its ids."""


class BadId(Exception):
    """Raised when an id on the command line is not whole, or names no record of the kind asked for."""


def checked(app: Mobilize, option: str, text: str) -> str:
    """The id given to `--option`, written as the views write ids; BadId when it names nothing fitting."""
    kind, what, listing = OPTIONS[option]
    flag = f"--{option.replace('_', '-')}"
    try:
        record_id = UUID(text.strip())
    except ValueError:
        raise BadId(f"{flag}: {text!r} is not a whole id (36 characters, like 3f2a9c1e-5b7d-4e8a-9c0f-1d2e3f4a5b6c); "
                    f"`mobilize list {listing}` prints them") from None
    try:
        record = app.load(kind, record_id, what)
    except DomainError:
        raise BadId(f"{flag}: no {what} with id {record_id}; `mobilize list {listing}` prints them") from None
    if option == "grid" and isinstance(record, OrgUnit) and record.kind != "grid":
        raise BadId(f"{flag}: {record.name} ({record_id}) is a {record.kind}, not a grid")
    return str(record_id)


def check_args(app: Mobilize, args: argparse.Namespace, *options: str) -> None:
    """Check every id option given (of `options`) in place: each becomes the whole id, or BadId."""
    for option in options:
        text = getattr(args, option, None)
        if text is not None:
            setattr(args, option, checked(app, option, text))
