"""Subject access (PIPL Art. 45): what the system holds about a person, and where each item came from."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from mobilize.application import Mobilize
from mobilize.domain.base import utcnow
from mobilize.domain.person import PERSONAL_FIELDS, Person
from mobilize.domain.personal import declared
from mobilize.log.codec import iso
from mobilize.privacy.seal import Opener
from mobilize.projections.audit import trail
from mobilize.projections.store import ViewStore

CHANNELS = {
    "event_store": "every event, personal fields sealed under this person's own key",
    "audit_trail": "every event with who, on whose order, why and when (hash-chained); personal fields sealed",
    "kafka_topic": "events without personal fields (unless a trusted internal topic is configured)",
    "live_feeds": "operators and auditors of the person's grid see personal fields; viewers never",
}
"""Where personal data goes, as the system is built (the person's right to know the recipients)."""


def subject_access(app: Mobilize, person_id: UUID, views: ViewStore | None = None) -> dict[str, Any]:
    """The person's record with their personal data opened, each recording of it with its provenance, and
    (from the audit trail, when `views` is given) every event that concerns them: duty, whereabouts, orders."""
    opener = Opener(app.keyring)
    person = app.load(Person, person_id, "person")
    held = {"name": person.name, "roles": person.roles, "home_grid_id": str(person.home_grid_id or "") or None,
            "availability": person.availability, "legal_basis": person.legal_basis or "duty (none recorded)",
            "basis_incident_id": str(person.basis_incident_id) if person.basis_incident_id else None,
            "qualifications": {skill: iso(until) for skill, until in person.qualifications.items()},
            **{name: opener.reveal(getattr(person, name), name, person_id) for name in PERSONAL_FIELDS}}
    recorded = []
    event: Any
    for event in app.events.get(person_id):
        declaration = declared(type(event))
        kind = type(event).__qualname__
        if declaration is None and kind not in ("Person.PersonalDataErased", "Person.LegalBasisRecorded"):
            continue
        fields = {name: opener.reveal(getattr(event, name, None), name, person_id)
                  for name in (declaration.fields if declaration else ())}
        basis = {"legal_basis": event.legal_basis, "basis_incident_id": str(event.incident_id or "") or None} \
            if kind == "Person.LegalBasisRecorded" else {}
        recorded.append({"event_type": kind, "version": event.originator_version, **_context(event),
                         "personal_data": fields or None, **basis})
    report: dict[str, Any] = {
        "person_id": str(person_id), "produced_at": iso(utcnow()), "erased": person.erased,
        "held": held, "personal_data_recorded": recorded, "channels": CHANNELS,
    }
    if views is not None:
        rows = trail(views, person_id=str(person_id), opener=opener)
        report["events"] = [{**{k: row[k] for k in ("position", "event_type", "aggregate_id", "actor", "ordered_by",
                                                    "reason", "occurred_at", "recorded_at")},
                             "payload": json.loads(row["payload"]) if row["payload"] else None} for row in rows]
    return report


def _context(event: Any) -> dict[str, Any]:
    occurred = getattr(event, "occurred_at", None)
    return {"recorded_at": iso(event.timestamp), "occurred_at": iso(occurred) if occurred else None,
            "actor": event.actor, "ordered_by": event.ordered_by, "reason": event.reason}
