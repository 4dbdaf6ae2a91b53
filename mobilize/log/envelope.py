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
- `PERSONAL` fields are left out of the payload for an audience not entitled to them: a viewer's
  screen, and the Kafka topic (its consumers are systems whose entitlement the log cannot check);
- a viewer's screen shows no `reason` either: free text, it may say why a person is away
  ("sick leave"), which is health data.
"""

from __future__ import annotations

import json
from typing import Any

from eventsourcing.persistence import Notification

from mobilize.log.codec import iso

HIDDEN = ("CommandRecord", "AccessToken")
"""Aggregates whose events' payloads no channel shows."""
PERSONAL = ("phone", "id_number", "address", "care_flags", "observations", "follow_up", "summary", "resolution",
            "wish")
"""Payload fields shown only to those entitled to personal data (operators and auditors, through the API): a
household's address and care flags (elderly living alone, low income, disability: PIPL art. 28), and the free
text of the peace-time work about a household's circumstances (what a visit observed and what follows, what a
resident asked and how it was resolved, their small wish), which is often health or financial data too."""
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


def without_personal(body: dict[str, Any]) -> dict[str, Any]:
    """An envelope without the personal fields of its payload (the same object when it has none)."""
    fields = body["payload"]
    if not fields or not any(key in fields for key in PERSONAL):
        return body
    return {**body, "payload": {key: value for key, value in fields.items() if key not in PERSONAL}}


def for_viewer(body: dict[str, Any]) -> dict[str, Any]:
    """An envelope as a viewer's screen shows it: no personal fields, no free-text reason."""
    shown = without_personal(body)
    return shown if shown["reason"] is None else {**shown, "reason": None}


def for_relay(body: dict[str, Any]) -> dict[str, Any]:
    """An envelope as the Kafka topic carries it: no personal fields (hidden payloads are withheld already)."""
    return without_personal(body)


def shown_payload(event_type: str, stored: str) -> str | None:
    """A payload as the audit trail stored it, as its exports show it (withheld for hidden events)."""
    return WITHHELD if hidden(event_type) else stored


def encoded(body: dict[str, Any]) -> str:
    """An envelope as JSON text (UTF-8 kept readable: names are Chinese)."""
    return json.dumps(body, ensure_ascii=False)
