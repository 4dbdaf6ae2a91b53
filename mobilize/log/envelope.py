"""The one JSON shape of a stored event, and the one policy of what each audience is shown of it.

Every channel that carries events out of the store uses these: the live feeds (SSE), the Kafka
relay and the audit trail's exports. An envelope::

    {"position": 1234,                  the event's place in the whole log
     "event_type": "Shift.CheckedIn",   aggregate class and event class
     "aggregate_id": "5a04e721-…",
     "aggregate_version": 6,            1, 2, 3, … within the aggregate
     "occurred_at": "2026-03-02T22:00:00.000000+00:00",   when it happened in the field (UTC)
     "recorded_at": "2026-03-02T22:05:13.120411+00:00",   when the store recorded it (UTC)
     "actor": "operator:li", "ordered_by": "commander:wang", "reason": null,
     "command_id": "…", "correlation_id": "…",
     "payload": {…}}                    the event's own fields

The policy:
- events of a `HIDDEN` aggregate (idempotency bookkeeping, token hashes) are on no screen: live
  feeds skip them; channels that promise every position (the relay, the trail) carry the envelope
  with its payload `WITHHELD`, so that who did what and when stays visible and nothing else does;
- personal fields, as each event class declares them (`mobilize.domain.personal.declare`), are stored
  sealed and carried sealed (`sealed:1:…`): they are left out of the payload for an audience not entitled
  to them (a viewer's screen, the Kafka topic unless it is a trusted internal one: its consumers are
  systems whose entitlement the log cannot check), and opened (`revealed`) for one that is (operators and
  auditors through the API, the console); once the person's key is destroyed they open to `[erased]`;
- a viewer's screen shows no `reason` either: free text, it may say why a person is away
  ("sick leave"), which is health data.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import Notification

from mobilize.domain.personal import declared
from mobilize.log.codec import iso

if TYPE_CHECKING:
    from mobilize.privacy.seal import Opener

HIDDEN = ("CommandRecord", "AccessToken")
"""Aggregates whose events' payloads no channel shows."""
WITHHELD = None
"""The payload of a hidden event where its envelope is carried."""
CONTEXT = frozenset(("actor", "ordered_by", "reason", "command_id", "correlation_id", "occurred_at", "timestamp",
                     "originator_id", "originator_version", "originator_topic"))
"""Attributes of a domain event that stand in the envelope beside the payload, not in it."""


def hidden(event_type: str) -> bool:
    """Whether events of this type (`Aggregate.Event`, or a stored topic) belong to a `HIDDEN` aggregate."""
    return event_type.rpartition(":")[2].split(".")[0] in HIDDEN


def streamed(note: Notification) -> bool:
    """Whether live feeds show this stored event at all."""
    return not hidden(note.topic)


def payload(event: Any) -> str:
    """The event's own fields as JSON (its context stands beside them): what the audit trail stores."""
    fields = {k: v for k, v in vars(event).items() if k not in CONTEXT}
    return json.dumps(fields, default=str, sort_keys=True, ensure_ascii=False)


def envelope(event: Any, note: Notification) -> dict[str, Any]:
    """The envelope of a stored event, as every audience entitled to all of it sees it."""
    occurred_at = getattr(event, "occurred_at", None)
    kind = type(event).__qualname__
    return {
        "position": note.id, "event_type": kind, "aggregate_id": str(note.originator_id),
        "aggregate_version": note.originator_version, "occurred_at": iso(occurred_at) if occurred_at else None,
        "recorded_at": iso(event.timestamp), "actor": getattr(event, "actor", None),
        "ordered_by": getattr(event, "ordered_by", None), "correlation_id": getattr(event, "correlation_id", None),
        "command_id": getattr(event, "command_id", None), "reason": getattr(event, "reason", None),
        "payload": WITHHELD if hidden(kind) else json.loads(payload(event)),
    }


def personal(body: dict[str, Any]) -> bool:
    """Whether an envelope's payload holds personal fields (a frame that must be opened per reader)."""
    declaration = declared(body["event_type"])
    fields = body["payload"]
    return bool(declaration and fields and any(key in fields for key in declaration.fields))


def without_personal(body: dict[str, Any]) -> dict[str, Any]:
    """An envelope without the personal fields of its payload (the same object when it has none)."""
    if not personal(body):
        return body
    declaration = declared(body["event_type"])
    assert declaration is not None, "personal() found one"
    return {**body, "payload": {k: v for k, v in body["payload"].items() if k not in declaration.fields}}


def revealed(body: dict[str, Any], opener: Opener) -> dict[str, Any]:
    """An envelope with its personal fields opened, for a reader entitled to them (`[erased]` once erased)."""
    if not personal(body):
        return body
    return {**body, "payload": opened(body["event_type"], body["aggregate_id"], body["payload"], opener)}


def opened(event_type: str, aggregate_id: str, fields: dict[str, Any], opener: Opener) -> dict[str, Any]:
    """A payload with the personal fields its event class declares opened by `opener`."""
    declaration = declared(event_type)
    if declaration is None:
        return fields
    owner = fields.get(declaration.subject, aggregate_id) if declaration.subject != "originator_id" else aggregate_id
    subject = UUID(str(owner)) if owner else None
    return {k: opener.reveal(v, k, subject) if k in declaration.fields else v for k, v in fields.items()}


def for_viewer(body: dict[str, Any]) -> dict[str, Any]:
    """An envelope as a viewer's screen shows it: no personal fields, no free-text reason."""
    shown = without_personal(body)
    return shown if shown["reason"] is None else {**shown, "reason": None}


def for_relay(body: dict[str, Any], opener: Opener | None = None) -> dict[str, Any]:
    """An envelope as the Kafka topic carries it: no personal fields (hidden payloads are withheld already),
    or, for a trusted internal topic (an `opener` given), with them opened."""
    return revealed(body, opener) if opener is not None else without_personal(body)


def shown_payload(event_type: str, stored: str, aggregate_id: str = "", opener: Opener | None = None) -> str | None:
    """A payload as the audit trail stored it, as its exports show it: withheld for hidden events; personal
    fields opened for an entitled reader (`opener`), left out otherwise."""
    if hidden(event_type):
        return WITHHELD
    declaration = declared(event_type)
    if declaration is None:
        return stored
    fields = json.loads(stored)
    if opener is None:
        shown = {k: v for k, v in fields.items() if k not in declaration.fields}
    else:
        shown = opened(event_type, aggregate_id, fields, opener)
    return json.dumps(shown, sort_keys=True, ensure_ascii=False)


def encoded(body: dict[str, Any]) -> str:
    """An envelope as JSON text (UTF-8 kept readable: names are Chinese)."""
    return json.dumps(body, ensure_ascii=False)
