"""Paging commands: a page sent with the dispatch or assignment it is about, then delivered, acknowledged,
escalated or withdrawn, each in its own command (the pager's, the person's, the operator's)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from mobilize.application.service import CommandService, command
from mobilize.domain.base import CHINA, InvalidCommand, NotFound, RuleViolated, current_context, now, require
from mobilize.domain.incident import Incident
from mobilize.domain.notification import CLOSED, LEVELS, PAGE_STATE_ZH, Inbox
from mobilize.domain.organisation import OrgUnit
from mobilize.domain.person import Person
from mobilize.domain.shift import Shift
from mobilize.forms.labels import VALUES
from mobilize.settings import DEFAULT_PAGE_ANSWER_MINUTES, PAGE_ANSWER_MINUTES, page_minutes


class PagingCommands(CommandService):
    """Page people, and follow each page to its answer."""

    @property
    def answer_within(self) -> timedelta:
        """How long a page waits for its answer at each level (settings: MOBILIZE_PAGE_ANSWER_MINUTES)."""
        minutes = page_minutes(self.env.get(PAGE_ANSWER_MINUTES)) if self.env.get(PAGE_ANSWER_MINUTES) else \
            DEFAULT_PAGE_ANSWER_MINUTES
        return timedelta(minutes=minutes)

    def inbox(self, person: Person) -> Inbox:
        """The person's inbox, opened if this is their first page."""
        try:
            return self.load(Inbox, Inbox.create_id(person.id), "inbox")
        except NotFound:
            return Inbox(person.id, person.name)

    def page(self, person: Person, kind: str, subject_id: UUID, incident_id: UUID | None, exercise: bool,
             title: str, body: str, unit_id: UUID | None, about_person_id: UUID | None = None,
             answered: bool = True) -> Inbox:
        """The person's inbox with a new page in it (to commit with the command's other records); `exercise`:
        its incident is a drill; `unit_id` is the grid answering for it (`answering_unit`)."""
        inbox = self.inbox(person)
        key = Inbox.notification_id(current_context.get().command_id, person.id, kind, subject_id)
        inbox.send(key, kind, subject_id, incident_id, exercise, ("【演练】" if exercise else "") + title, body,
                   now(), self.answer_within if answered else None, unit_id, about_person_id)
        return inbox

    @staticmethod
    def answering_unit(person: Person, fallback: UUID | None) -> UUID | None:
        """The grid that answers for a page to the person (whose leaders it escalates to, whose operators and
        webhooks see it): their home grid, else the grid of what it is about (the shift's, the site's)."""
        return person.home_grid_id if person.home_grid_id is not None else fallback

    def withdraw_pages(self, person_ids: list[UUID], subject_ids: list[UUID], reason: str,
                       held: dict[UUID, Inbox] | None = None) -> list[Inbox]:
        """The inboxes of `person_ids` with their open pages about any of `subject_ids` withdrawn, and the
        leaders' copies of those withdrawn too: every inbox changed, once (`held`: inboxes this command already
        loaded, by person, changed in place)."""
        held = {} if held is None else held
        escalated = []
        for person_id in dict.fromkeys(person_ids):
            inbox = self._held(person_id, held)
            for subject_id in subject_ids:
                for entry in inbox.about(subject_id) if inbox is not None else []:
                    inbox.withdraw(entry["id"], reason, now())  # type: ignore[union-attr]
                    escalated.append(entry)
        self._withdraw_escalations(escalated, reason, held)
        return [inbox for inbox in held.values() if inbox.pending_events]

    def answer_pages(self, person_id: UUID, subject_id: UUID, held: dict[UUID, Inbox] | None = None) -> list[Inbox]:
        """The person's inbox with its open pages about `subject_id` acknowledged (they acted on it), and the
        leaders' copies withdrawn: every inbox changed, once (`held` as in `withdraw_pages`)."""
        held = {} if held is None else held
        inbox = self._held(person_id, held)
        entries = inbox.about(subject_id) if inbox is not None else []
        for entry in entries:
            inbox.acknowledge(entry["id"], now())  # type: ignore[union-attr]
        self._withdraw_escalations(entries, "answered by the person paged", held)
        return [inbox for inbox in held.values() if inbox.pending_events]

    def _held(self, person_id: UUID, held: dict[UUID, Inbox]) -> Inbox | None:
        if person_id not in held:
            try:
                held[person_id] = self.load(Inbox, Inbox.create_id(person_id), "inbox")
            except NotFound:
                return None
        return held[person_id]

    @command
    def mark_delivered(self, person_id: UUID, notification_id: UUID, channel: str = "field") -> UUID:
        """The page reached the person's device (their field page says so); once per channel."""
        require(bool(channel.strip()) and len(channel) <= 100, InvalidCommand, "a channel is named", field="channel")
        inbox = self.load(Inbox, Inbox.create_id(person_id), "inbox")
        inbox.deliver(notification_id, channel.strip(), now())
        return self.commit(inbox, result=notification_id)

    @command
    def acknowledge_page(self, person_id: UUID, notification_id: UUID) -> UUID:
        """The person says they have the page (收到); the leaders it was escalated to are told it is answered.
        A grid leader acknowledging their copy of someone's unanswered page answers that page: they reached the
        person (recorded as the leader's act). A second acknowledgement records nothing."""
        inbox = self.load(Inbox, Inbox.create_id(person_id), "inbox")
        entry = inbox.get(notification_id)
        if not inbox.acknowledge(notification_id, now()):
            return self.commit(inbox, result=notification_id)
        held = {person_id: inbox}
        if entry["kind"] == "escalation" and entry["about_person_id"] is not None:
            about = self._held(entry["about_person_id"], held)
            original = about.notifications.get(str(entry["subject_id"])) if about is not None else None
            if about is not None and original is not None and original["state"] not in CLOSED:
                about.acknowledge(original["id"], now())
                self._withdraw_escalations([original], "answered through a grid leader", held)
        else:
            self._withdraw_escalations([entry], "answered by the person paged", held)
        return self.commit(*(i for i in held.values() if i.pending_events), result=notification_id)

    @command
    def record_delivery_attempt(self, person_id: UUID, notification_id: UUID, webhook: str, level: int,
                                number: int, outcome: str, status: int | None = None, error: str | None = None,
                                next_at: datetime | None = None) -> UUID:
        """Record one attempt to post a page to a webhook, whatever came of it (the pager's)."""
        inbox = self.load(Inbox, Inbox.create_id(person_id), "inbox")
        inbox.attempt(notification_id, webhook, level, number, outcome, status, error, now(), next_at)
        return self.commit(inbox, result=notification_id)

    @command
    def escalate_page(self, person_id: UUID, notification_id: UUID) -> UUID:
        """Nobody answered in time: the page goes up one level, to the grid's leaders (each paged in turn), or,
        where the grid has none or they did not answer either, to the command center (the pager's). A page about
        what is over (its incident closed, its shift ended) is withdrawn instead, with its leaders' copies."""
        inbox = self.load(Inbox, Inbox.create_id(person_id), "inbox")
        entry = inbox.get(notification_id)
        if self.moot(entry, now()) is not None:
            return self._withdraw_moot(person_id, inbox, entry)
        person = self.load(Person, person_id, "person")
        unit_id = entry["unit_id"]
        leaders = [self.load(Person, leader, "grid leader") for leader in self._leaders(unit_id)
                   if leader != person_id] if entry["level"] == 0 else []
        waited = int(((now() - entry["sent_at"]).total_seconds() + 59) // 60)
        if leaders:
            inbox.escalate(notification_id, 1, unit_id, [leader.id for leader in leaders], now(), self.answer_within)
            pages = [self.page(leader, "escalation", notification_id, entry["incident_id"], entry["exercise"],
                               f"未应答：{person.name}", f"{_plain_title(entry['title'])}，{waited} 分钟内未确认收到。"
                               "请联系本人；联系上后在此确认，即代其应答。", unit_id, about_person_id=person_id,
                               answered=False)
                     for leader in leaders]
            return self.commit(inbox, *pages, result=notification_id)
        inbox.escalate(notification_id, 2, unit_id, [], now(), None)
        return self.commit(inbox, result=notification_id)

    @command
    def withdraw_moot_page(self, person_id: UUID, notification_id: UUID) -> UUID:
        """Withdraw an open page about what is over (its incident closed, its shift ended), with its leaders'
        copies (the pager's, for pages no longer waiting on a deadline); refused while it still stands."""
        inbox = self.load(Inbox, Inbox.create_id(person_id), "inbox")
        entry = inbox.get(notification_id)
        require(entry["state"] not in CLOSED, RuleViolated,
                f"this page is already {entry['state']}", notification_id=notification_id,
                zh=f"此呼叫{PAGE_STATE_ZH.get(entry['state'], entry['state'])}")
        require(self.moot(entry, now()) is not None, RuleViolated, "this page still stands",
                notification_id=notification_id, zh="此呼叫仍然有效")
        return self._withdraw_moot(person_id, inbox, entry)

    def _withdraw_moot(self, person_id: UUID, inbox: Inbox, entry: dict[str, Any]) -> UUID:
        reason = self.moot(entry, now())
        assert reason is not None
        held = {person_id: inbox}
        self.withdraw_pages([person_id], [entry["subject_id"]], reason, held)
        return self.commit(*(i for i in held.values() if i.pending_events), result=entry["id"])

    def moot(self, entry: dict[str, Any], at: datetime) -> str | None:
        """Why an unanswered page no longer needs an answer at `at` (its incident closed, its shift over), or
        None."""
        if entry["incident_id"] is not None and self.load(Incident, entry["incident_id"], "incident").closed:
            return "the incident is closed"
        if entry["kind"] == "shift" and self.load(Shift, entry["subject_id"], "shift").end <= at:
            return "the shift is over"
        return None

    def _leaders(self, unit_id: UUID | None) -> list[UUID]:
        if unit_id is None:
            return []
        try:
            unit = self.load(OrgUnit, unit_id, "grid")
        except NotFound:
            return []
        return list(dict.fromkeys(unit.leaders.values()))

    def _withdraw_escalations(self, entries: list[dict[str, Any]], reason: str,
                              held: dict[UUID, Inbox] | None = None) -> list[Inbox]:
        """The leaders' inboxes with their open copies of these pages withdrawn (those changed)."""
        leaders = [leader for entry in entries for escalation in entry["escalations"] for leader in escalation["to"]]
        if not leaders:
            return []
        return self.withdraw_pages(leaders, [entry["id"] for entry in entries], reason, held)

    def inbox_of(self, person_id: UUID, limit: int = 50) -> list[dict[str, Any]]:
        """The person's latest pages, newest first (none yet: empty)."""
        try:
            inbox = self.load(Inbox, Inbox.create_id(person_id), "inbox")
        except NotFound:
            return []
        entries = sorted(inbox.notifications.values(), key=lambda entry: entry["sent_at"], reverse=True)
        return [{key: value for key, value in entry.items() if key not in ("attempts", "deliveries")}
                | {"deliveries": len(entry["deliveries"]), "attempts": len(entry["attempts"])}
                for entry in entries[:limit]]


def _plain_title(title: str) -> str:
    return title.removeprefix("【演练】")


def shift_text(site_name: str, lane: int, post: str, start: datetime, end: datetime) -> tuple[str, str]:
    """A shift page's title and body, in Chinese (China time)."""
    start_cn, end_cn = start.astimezone(CHINA), end.astimezone(CHINA)
    return (f"排班：{site_name} {lane}号通道 {VALUES.get(post, post)}",
            f"{start_cn:%m月%d日 %H:%M}–{end_cn:%m月%d日 %H:%M}（北京时间）。请确认收到，按时到岗签到。")


def dispatch_text(task: str, incident_title: str, site_name: str | None, task_force: str | None) -> tuple[str, str]:
    """A dispatch page's title and body, in Chinese."""
    who = f"（{task_force}）" if task_force else ""
    where = f"{incident_title} · {site_name}" if site_name else incident_title
    return f"调度令{who}：{task}", f"{where}。请确认收到，并在出发、到场时回报。"


__all__ = ["LEVELS", "PagingCommands", "dispatch_text", "shift_text"]
