"""A person's field log: what they sent from the field page and what became of it, refusals included."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from mobilize.domain.base import InvalidCommand, MobilizeAggregate, require

LATE_REPORT = timedelta(hours=12)
"""A device time this long before the action reached the server is accepted, but flagged for the operator: a
phone offline for a whole shift, or a clock set wrong."""
KEPT = 200
"""Reports a log keeps in its state (the events keep them all): the page shows the latest."""
OUTCOMES = ("done", "refused")


class FieldLog(MobilizeAggregate):
    """One person's reports from the field (现场回执): each action sent, when the device says it happened, when it
    arrived, and whether it was done or refused (and why): the person sees it, the operator audits it."""

    @staticmethod
    def create_id(person_id: UUID) -> UUID:
        """One log per person."""
        return uuid5(NAMESPACE_URL, f"mobilize:field-log:{person_id}")

    @event("Opened")
    def __init__(self, person_id: UUID) -> None:
        self.person_id = person_id
        self.reports: list[dict[str, Any]] = []

    def report(self, key: str, action: str, target_id: UUID, device_time: datetime | None, arrived_at: datetime,
               outcome: str, refusal: str | None = None, message: str | None = None) -> bool:
        """Note one action sent from the field and its outcome; the same outcome of the same key is noted once
        (False when it was already)."""
        require(outcome in OUTCOMES, InvalidCommand, "outcome is done or refused", field="outcome")
        if any(entry["key"] == key and entry["outcome"] == outcome for entry in self.reports):
            return False
        lag = arrived_at - device_time if device_time is not None else timedelta(0)
        self._report(key=key, action=action, target_id=target_id, device_time=device_time, outcome=outcome,
                     refusal=refusal, message=message, lag_minutes=int(lag.total_seconds() // 60),
                     late=lag > LATE_REPORT)
        return True

    @event("Reported")
    def _report(self, key: str, action: str, target_id: UUID, device_time: datetime | None, outcome: str,
                refusal: str | None, message: str | None, lag_minutes: int, late: bool) -> None:
        self.reports.append({"key": key, "action": action, "target_id": target_id, "device_time": device_time,
                             "outcome": outcome, "refusal": refusal, "message": message,
                             "lag_minutes": lag_minutes, "late": late})
        del self.reports[:-KEPT]
