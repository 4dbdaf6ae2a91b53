"""Paging (呼叫): a person's inbox of notifications, each sent → delivered → acknowledged, or escalated.

A dispatch requested or a shift assigned pages the people it names in the same command; the page is then
delivered to the person's open field page (the device says it arrived) and to configured webhooks (each
attempt recorded), and when nobody acknowledges it in time the pager escalates it: to the grid's leaders,
then to the command center. Every step is an event of the person's inbox, so an auditor replays it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from mobilize.domain.base import InvalidCommand, MobilizeAggregate, NotFound, RuleViolated, require
from mobilize.domain.vocabulary import zh

KINDS = ("dispatch", "shift", "escalation")
"""What a page is about: a dispatch of the person (or of their task force), a shift they were put on, or (to a
grid leader) someone else's page nobody answered."""
STATES = ("sent", "delivered", "acknowledged", "escalated", "withdrawn")
OPEN = ("sent", "delivered", "escalated")
"""A page in these states still waits for its answer."""
CLOSED = ("acknowledged", "withdrawn")
"""A page in these states is over: answered, or no longer standing."""
PAGE_STATE_ZH = {"sent": "已发出", "delivered": "已送达", "acknowledged": "已确认收到", "escalated": "已上报",
                 "withdrawn": "已撤回"}
"""A page's states as refusals say them in Chinese (as the console's board does)."""
LEVELS = {1: "grid_leaders", 2: "command_center"}
"""Where an unanswered page goes, in order: the person's grid leaders (双网格长), then the command center."""
ATTEMPT_OUTCOMES = ("delivered", "failed", "gave_up")
KEPT = 300
"""Notifications an inbox keeps in its state (its events keep them all): the oldest answered ones go first."""
ATTEMPTS_KEPT = 40
"""Delivery attempts one notification keeps in its state (the events keep them all)."""


class PageWithdrawn(RuleViolated):
    """Raised when a page is acknowledged after it was withdrawn (the dispatch recalled, the shift taken away)."""

    rule = "page_withdrawn"


class Inbox(MobilizeAggregate):
    """One person's notifications (我的通知), newest last."""

    @staticmethod
    def create_id(person_id: UUID) -> UUID:
        """One inbox per person."""
        return uuid5(NAMESPACE_URL, f"mobilize:inbox:{person_id}")

    @staticmethod
    def notification_id(command_id: str, person_id: UUID, kind: str, subject_id: UUID) -> UUID:
        """A page's id: the command that sent it, its person and what it is about (a retry sends the same)."""
        return uuid5(NAMESPACE_URL, f"mobilize:notification:{command_id}:{person_id}:{kind}:{subject_id}")

    @event("Opened")
    def __init__(self, person_id: UUID, person_name: str) -> None:
        self.person_id = person_id
        self.person_name = person_name
        self.notifications: dict[str, dict[str, Any]] = {}

    def get(self, notification_id: UUID) -> dict[str, Any]:
        """One notification of this inbox, or NotFound."""
        entry = self.notifications.get(str(notification_id))
        require(entry is not None, NotFound, f"no notification {notification_id} for this person",
                notification_id=notification_id, zh="此人没有这条通知")
        assert entry is not None
        return entry

    def about(self, subject_id: UUID) -> list[dict[str, Any]]:
        """The notifications still open (not acknowledged, not withdrawn) about a dispatch, shift or page."""
        return [entry for entry in self.notifications.values()
                if entry["subject_id"] == subject_id and entry["state"] not in CLOSED]

    def send(self, notification_id: UUID, kind: str, subject_id: UUID, incident_id: UUID | None, exercise: bool,
             title: str, body: str, at: datetime, answer_within: timedelta | None, unit_id: UUID | None,
             about_person_id: UUID | None = None) -> None:
        """Page the person; `answer_within` (None: no answer is chased) sets when it escalates unanswered;
        `unit_id` is the grid that answers for the page (whose leaders it escalates to, whose operators see it)."""
        require(kind in KINDS, InvalidCommand, f"kind must be one of {', '.join(KINDS)}", field="kind")
        if str(notification_id) in self.notifications:
            return
        due_at = at + answer_within if answer_within is not None else None
        self._send(notification_id=notification_id, kind=kind, subject_id=subject_id, incident_id=incident_id,
                   exercise=exercise, title=title, body=body, at=at, due_at=due_at, unit_id=unit_id,
                   about_person_id=about_person_id)

    @event("Sent")
    def _send(self, notification_id: UUID, kind: str, subject_id: UUID, incident_id: UUID | None, exercise: bool,
              title: str, body: str, at: datetime, due_at: datetime | None, unit_id: UUID | None,
              about_person_id: UUID | None) -> None:
        self.notifications[str(notification_id)] = {
            "id": notification_id, "kind": kind, "subject_id": subject_id, "incident_id": incident_id,
            "unit_id": unit_id, "tries": {},
            "exercise": exercise, "title": title, "body": body, "state": "sent", "sent_at": at, "due_at": due_at,
            "about_person_id": about_person_id, "delivered_at": None, "deliveries": [], "attempts": [],
            "acknowledged_at": None, "level": 0, "escalations": [], "withdrawn_at": None, "withdrawn_reason": None}
        if len(self.notifications) > KEPT:
            closed = [key for key, entry in self.notifications.items()
                      if entry["state"] in CLOSED]
            for key in (closed or list(self.notifications))[: len(self.notifications) - KEPT]:
                del self.notifications[key]

    def deliver(self, notification_id: UUID, channel: str, at: datetime) -> bool:
        """The page reached the person on a channel (their field page, a webhook); once per channel."""
        entry = self.get(notification_id)
        if any(delivery["channel"] == channel for delivery in entry["deliveries"]):
            return False
        self._deliver(notification_id=notification_id, channel=channel, at=at)
        return True

    @event("Delivered")
    def _deliver(self, notification_id: UUID, channel: str, at: datetime) -> None:
        entry = self.notifications[str(notification_id)]
        entry["deliveries"].append({"channel": channel, "at": at})
        if entry["delivered_at"] is None:
            entry["delivered_at"] = at
        if entry["state"] == "sent":
            entry["state"] = "delivered"

    def tried(self, notification_id: UUID, webhook: str, level: int) -> dict[str, Any]:
        """How far posting the page at `level` to `webhook` got: count, last outcome, next attempt (none yet: {})."""
        return dict(self.get(notification_id)["tries"].get(f"{webhook}:{level}", {}))

    def attempt(self, notification_id: UUID, webhook: str, level: int, number: int, outcome: str,
                status: int | None, error: str | None, at: datetime, next_at: datetime | None) -> None:
        """Record one attempt to post the page (at an escalation level) to a webhook, whatever came of it."""
        require(outcome in ATTEMPT_OUTCOMES, InvalidCommand, "outcome is delivered, failed or gave_up",
                field="outcome")
        entry = self.get(notification_id)
        tried = entry["tries"].get(f"{webhook}:{level}", {}).get("count", 0)
        require(number == tried + 1, RuleViolated, f"attempt {number} does not follow attempt {tried}",
                notification_id=notification_id, webhook=webhook, level=level, number=number, tried=tried,
                zh=f"第 {number} 次推送不是紧接第 {tried} 次之后的尝试")
        self._attempt(notification_id=notification_id, webhook=webhook, level=level, number=number,
                      outcome=outcome, status=status, error=error, at=at, next_at=next_at)

    @event("DeliveryAttempted")
    def _attempt(self, notification_id: UUID, webhook: str, level: int, number: int, outcome: str,
                 status: int | None, error: str | None, at: datetime, next_at: datetime | None) -> None:
        entry = self.notifications[str(notification_id)]
        entry["attempts"].append({"webhook": webhook, "level": level, "number": number, "outcome": outcome,
                                  "status": status, "error": error, "at": at, "next_at": next_at})
        del entry["attempts"][:-ATTEMPTS_KEPT]
        entry["tries"][f"{webhook}:{level}"] = {"count": number, "outcome": outcome, "next_at": next_at}
        if outcome == "delivered":
            self._delivered_by_hook(entry, webhook, at)

    @staticmethod
    def _delivered_by_hook(entry: dict[str, Any], webhook: str, at: datetime) -> None:
        channel = f"webhook:{webhook}"
        if not any(delivery["channel"] == channel for delivery in entry["deliveries"]):
            entry["deliveries"].append({"channel": channel, "at": at})
        if entry["delivered_at"] is None:
            entry["delivered_at"] = at
        if entry["state"] == "sent":
            entry["state"] = "delivered"

    def acknowledge(self, notification_id: UUID, at: datetime) -> bool:
        """The person says they have it (收到); a second acknowledgement changes nothing (False)."""
        entry = self.get(notification_id)
        require(entry["state"] != "withdrawn", PageWithdrawn,
                f"this page was withdrawn: {entry['withdrawn_reason']}", notification_id=notification_id,
                zh=f"此呼叫已撤回：{zh(entry['withdrawn_reason'])}")
        if entry["state"] == "acknowledged":
            return False
        self._acknowledge(notification_id=notification_id, at=at)
        return True

    @event("Acknowledged")
    def _acknowledge(self, notification_id: UUID, at: datetime) -> None:
        entry = self.notifications[str(notification_id)]
        entry["state"], entry["acknowledged_at"] = "acknowledged", at

    def escalate(self, notification_id: UUID, level: int, unit_id: UUID | None, to: list[UUID], at: datetime,
                 answer_within: timedelta | None) -> None:
        """Nobody answered in time: the page goes up one level (`LEVELS`), to the people named (none: the
        command center's board); `answer_within` sets when it goes up again (None: the last level)."""
        require(level in LEVELS, InvalidCommand, f"level must be one of {', '.join(map(str, LEVELS))}",
                field="level")
        entry = self.get(notification_id)
        require(entry["state"] in OPEN, RuleViolated,
                f"a page that is {entry['state']} is not escalated", notification_id=notification_id,
                zh=f"此呼叫{PAGE_STATE_ZH.get(entry['state'], entry['state'])}，不再上报")
        require(level > entry["level"], RuleViolated, f"this page is already at level {entry['level']}",
                notification_id=notification_id, level=entry["level"], zh=f"此呼叫已在第 {entry['level']} 级")
        due_at = at + answer_within if answer_within is not None else None
        self._escalate(notification_id=notification_id, level=level, to_kind=LEVELS[level], unit_id=unit_id,
                       to=list(to), at=at, due_at=due_at)

    @event("Escalated")
    def _escalate(self, notification_id: UUID, level: int, to_kind: str, unit_id: UUID | None, to: list[UUID],
                  at: datetime, due_at: datetime | None) -> None:
        entry = self.notifications[str(notification_id)]
        entry["state"], entry["level"], entry["due_at"] = "escalated", level, due_at
        entry["escalations"].append({"level": level, "to_kind": to_kind, "unit_id": unit_id, "to": list(to),
                                     "at": at})

    def withdraw(self, notification_id: UUID, reason: str, at: datetime) -> None:
        """The page no longer stands (the dispatch recalled, the shift taken away, the person answered)."""
        entry = self.get(notification_id)
        if entry["state"] in CLOSED:
            return
        self._withdraw(notification_id=notification_id, why=reason, at=at)

    @event("Withdrawn")
    def _withdraw(self, notification_id: UUID, why: str, at: datetime) -> None:
        entry = self.notifications[str(notification_id)]
        entry["state"], entry["withdrawn_at"], entry["withdrawn_reason"], entry["due_at"] = "withdrawn", at, why, None
