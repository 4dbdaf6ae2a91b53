"""Retention (PIPL Art. 47): personal data is erased once the purpose its legal basis names is served.

One rule per legal basis:
- emergency (Art. 13(4)): the data of people taken on for an incident (residents, spontaneous volunteers)
  serves that incident; it is erased `emergency_days` after the incident closed (never while it is open);
- consent: kept `consent_days` after it was given (a correction renews it); withdrawn earlier by erasure;
- duty (staff: their work or volunteering agreement; also everyone registered without a recorded basis):
  kept while they serve, erased by hand when they leave.
`mobilize privacy sweep` erases exactly the people a rule names as of a moment, each erasure an event with
the rule as its reason, and finishes any erasure a crash left with its keys in place; `projections run`
sweeps every hour too.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import structlog

from mobilize.application import Mobilize
from mobilize.domain.base import CommandContext
from mobilize.domain.household import Household
from mobilize.domain.person import Person
from mobilize.log.codec import iso
from mobilize.log.reader import notifications

log = structlog.get_logger("mobilize.privacy")


@dataclass(frozen=True)
class Retention:
    """How long each legal basis keeps personal data (days)."""

    emergency_days: int = 30
    consent_days: int = 365


@dataclass(frozen=True)
class Due:
    """A person whose personal data a rule says to erase, and why."""

    person_id: UUID
    name: str
    reason: str


def people(app: Mobilize) -> list[UUID]:
    """Every registered person, in log order."""
    registered = Person.Registered  # type: ignore[attr-defined]
    return [UUID(str(note.originator_id)) for note in notifications(app.recorder, registered)]


def closed_at(app: Mobilize, incident_id: UUID) -> datetime | None:
    """When an incident was closed (in the field), or None while it is open."""
    closes = [event for event in app.events.get(incident_id) if type(event).__qualname__ == "Incident.Closed"]
    return getattr(closes[-1], "occurred_at", None) if closes else None


def due(app: Mobilize, now: datetime, rules: Retention) -> list[Due]:
    """The people whose personal data the rules say to erase as of `now`."""
    found, closes = [], {}
    for person_id in people(app):
        person = app.load(Person, person_id, "person")
        if person.erased or person.legal_basis in (None, "duty"):
            continue
        if person.legal_basis == "emergency":
            incident = person.basis_incident_id
            assert incident is not None, "an emergency basis names its incident"
            if incident not in closes:
                closes[incident] = closed_at(app, incident)
            closed = closes[incident]
            if closed is not None and now >= closed + timedelta(days=rules.emergency_days):
                found.append(Due(person_id, person.name, f"retention: emergency basis (PIPL Art. 13(4)); incident "
                                 f"{incident} closed {iso(closed)}, {rules.emergency_days} days passed"))
        elif person.legal_basis == "consent":
            given = _consent_given(app, person_id)
            if now >= given + timedelta(days=rules.consent_days):
                found.append(Due(person_id, person.name, f"retention: consent given {iso(given)}, "
                                 f"{rules.consent_days} days passed"))
    return found


def _consent_given(app: Mobilize, person_id: UUID) -> datetime:
    """When consent was last given or renewed: the latest recording of the person's personal data."""
    latest: Any = None
    for event in app.events.get(person_id):
        if getattr(type(event), "personal_data", None) is not None or type(event).__qualname__ == \
                "Person.LegalBasisRecorded":
            latest = getattr(event, "occurred_at", None)
    return latest


SWEEP_EVERY = 3600.0
"""Seconds between the sweeps `projections run` makes."""


def unfinished_erasures(app: Mobilize) -> list[tuple[str, UUID]]:
    """Erasures recorded whose keys a crash left in place and that nobody retried: ("person" | "household", id).
    A household's keys all go in one transaction, its own with its records', after its open requests are closed:
    its own key still there means its erasure stopped before the end."""
    found: list[tuple[str, UUID]] = []
    for person_id in people(app):
        if app.load(Person, person_id, "person").erased and app.keyring.key(person_id) is not None:
            found.append(("person", person_id))
    for note in notifications(app.recorder, getattr(Household, "PersonalDataErased")):  # noqa: B009 - by @event
        household = UUID(str(note.originator_id))
        if app.keyring.key(household) is not None:
            found.append(("household", household))
    return found


def finish_erasures(app: Mobilize, actor: str) -> list[tuple[str, UUID]]:
    """Finish every erasure `unfinished_erasures` finds: a person's key destroyed; a household's open requests
    closed and its keys destroyed, as its own retry would (the actor of what is recorded is the sweep)."""
    found = unfinished_erasures(app)
    for kind, subject in found:
        if kind == "person":
            app.keyring.destroy(subject)
        else:
            app.erase_household_data(subject, ctx=CommandContext(
                actor=actor, reason="finishing an erasure a crash interrupted",
                command_id=f"privacy-sweep:household:{subject}"))
        log.warning("privacy.erasure_finished", kind=kind, subject=str(subject))
    return found


def keep_sweeping(app: Mobilize, rules: Retention, stop: threading.Event, every: float = SWEEP_EVERY) -> None:
    """Sweep now and then every `every` seconds until `stop` is set; a failed sweep is logged and tried again."""
    while not stop.is_set():
        try:
            erased = sweep(app, app.clock(), rules, "projections run (retention sweep)")
            if erased:
                log.info("privacy.swept", erased=[str(d.person_id) for d in erased])
            finish_erasures(app, "projections run (retention sweep)")
        except Exception as error:  # noqa: BLE001 - the store may be away (ADR 0010): the next sweep tries again
            log.warning("privacy.sweep_failed", error=repr(error))
        stop.wait(every)


def sweep(app: Mobilize, now: datetime, rules: Retention, actor: str, dry_run: bool = False) -> list[Due]:
    """Erase the personal data of every person `due` names (each erasure an event); returns them."""
    named = due(app, now, rules)
    if not dry_run:
        for person in named:
            app.erase_personal_data(person.person_id, ctx=CommandContext(
                actor=actor, reason=person.reason, command_id=f"privacy-sweep:{person.person_id}"))
    return named
