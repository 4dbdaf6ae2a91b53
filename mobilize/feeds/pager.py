"""The pager: rounds that post pages to their webhooks (each attempt recorded, failed ones retried with
backoff) and escalate the pages nobody answered in time. Time is the round's own `now`, so tests and the demo
inject it; `mobilize pager run` gives it the wall clock.

Two pagers may run at once (a spare): each step is a command whose id the step itself names, so the second to
try it gets the first's result and records nothing; a webhook may then see a post twice, which is why the JSON
hook carries an `Idempotency-Key` and every message the page's number.
"""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
import structlog

from mobilize.application import Mobilize
from mobilize.application.service import MAX_CLOCK_SKEW
from mobilize.domain.base import CommandContext, DomainError, NotFound, utcnow
from mobilize.domain.notification import CLOSED, Inbox
from mobilize.feeds import webhooks
from mobilize.feeds.webhooks import Hook, Message
from mobilize.projections import paging
from mobilize.projections.base import Runner
from mobilize.projections.paging import Paging
from mobilize.projections.store import ViewStore

log = structlog.get_logger("mobilize.pager")

ACTOR = "mobilize pager (system)"
WINDOW = timedelta(days=1)
"""How far back a round looks for pages whose webhooks may still owe a post."""


@dataclass
class Round:
    """What one round did."""

    escalated: list[tuple[UUID, int]] = field(default_factory=list)
    attempts: list[tuple[UUID, str, int, str]] = field(default_factory=list)
    withdrawn: list[UUID] = field(default_factory=list)
    deferred: int = 0


class Pager:
    """Posts pages to webhooks and escalates unanswered ones; `round(now)` does one pass."""

    def __init__(self, app: Mobilize, views: ViewStore, hooks: list[Hook], client: httpx.Client | None = None,
                 store: str | None = None) -> None:
        self.app, self.views, self.hooks = app, views, hooks
        self.client = client or httpx.Client(follow_redirects=False)
        self.runner = Runner(app, views, Paging(), store=store)
        self.sent: dict[str, deque[datetime]] = defaultdict(deque)  # per hook: posts in the last minute
        # posts made whose record is not in the log yet (the store away): what came of each, when, whose page
        self.unrecorded: dict[tuple[UUID, str, int, int], tuple[webhooks.Outcome, datetime, UUID]] = {}
        self.units: dict[tuple[str, str], bool] = {}

    def round(self, now: datetime | None = None) -> Round:
        """Escalate what is overdue at `now`, withdraw what is moot, then post what the hooks are owed; returns
        what was done. A `now` ahead of the server's clock is refused before anything is posted."""
        now = now or utcnow()
        if now > self.app.clock() + MAX_CLOCK_SKEW:
            raise ValueError(f"the round's time {now.isoformat()} lies ahead of the server's clock: a pager "
                             "escalates and posts only as of now or a moment past")
        done = Round()
        self._record_unrecorded()
        self.runner.catch_up()
        for page in paging.due(self.runner.views, now):
            self._escalate(page, now, done)
        for page in paging.standing(self.runner.views):
            self._settle(page, now, done)
        if self.hooks:
            self.runner.catch_up()
            for page in paging.undelivered(self.runner.views, now - WINDOW):
                self._post(page, now, done)
        return done

    def _escalate(self, page: dict[str, Any], now: datetime, done: Round) -> None:
        level = page["level"] + 1
        ctx = CommandContext(actor=ACTOR, command_id=f"pager:escalate:{page['id']}:{page['level']}",
                             reason=f"no answer within {self.app.answer_within.total_seconds() / 60:g} min",
                             occurred_at=now)
        person, page_id = UUID(page["person_id"]), UUID(page["id"])
        try:
            self.app.escalate_page(person, page_id, ctx=ctx)
        except DomainError as error:  # answered or escalated by the time this round got to it
            log.info("pager.escalation_skipped", page=page["id"], rule=error.rule, refusal=error.message)
            return
        if self.app.load(Inbox, Inbox.create_id(person), "inbox").get(page_id)["state"] == "withdrawn":
            done.withdrawn.append(page_id)  # what it was about is over: nobody chases it
            return
        done.escalated.append((page_id, level))

    def _record_unrecorded(self) -> None:
        """Record the posts made while the store refused their record (at the time they were made), whatever
        became of their page since; raises while the store is still away."""
        for key, (result, posted_at, person) in list(self.unrecorded.items()):
            page_id, hook, level, number = key
            self._record(person, page_id, hook, level, number, result, posted_at)
            del self.unrecorded[key]

    def _record(self, person: UUID, page_id: UUID, hook: str, level: int, number: int, result: webhooks.Outcome,
                at: datetime) -> str:
        outcome = result.outcome
        if outcome == "failed" and number >= webhooks.ATTEMPTS:
            outcome = "gave_up"
        next_at = webhooks.next_attempt(number, at) if outcome == "failed" else None
        ctx = CommandContext(actor=ACTOR, command_id=f"pager:post:{page_id}:{hook}:{level}:{number}",
                             reason=f"posting the page to webhook {hook}", occurred_at=at)
        try:
            self.app.record_delivery_attempt(person, page_id, hook, level, number, outcome, result.status,
                                             result.error, next_at, ctx=ctx)
        except DomainError as error:  # another pager recorded this attempt first
            log.info("pager.attempt_not_recorded", page=str(page_id), rule=error.rule, refusal=error.message)
        return outcome

    def _settle(self, page: dict[str, Any], now: datetime, done: Round) -> None:
        """Withdraw a page at the command center whose incident closed or whose shift ended meanwhile."""
        person, page_id = UUID(page["person_id"]), UUID(page["id"])
        try:
            entry = self.app.load(Inbox, Inbox.create_id(person), "inbox").get(page_id)
            if entry["state"] in CLOSED or self.app.moot(entry, now) is None:
                return
            ctx = CommandContext(actor=ACTOR, command_id=f"pager:moot:{page_id}", reason="what it is about is over",
                                 occurred_at=now)
            self.app.withdraw_moot_page(person, page_id, ctx=ctx)
        except DomainError as error:
            log.info("pager.settle_skipped", page=page["id"], rule=error.rule, refusal=error.message)
            return
        done.withdrawn.append(page_id)

    def _post(self, page: dict[str, Any], now: datetime, done: Round) -> None:
        try:
            inbox = self.app.load(Inbox, Inbox.create_id(UUID(page["person_id"])), "inbox")
            entry = inbox.get(UUID(page["id"]))
        except NotFound:
            return
        if entry["state"] in CLOSED:
            return
        levels = [0, *(escalation["level"] for escalation in entry["escalations"])]
        for hook in self.hooks:
            if entry["kind"] not in hook.kinds or not self._covers(hook, page.get("unit_id")):
                continue
            owed = [level for level in levels if level in hook.levels]
            for level in owed:  # a level passed before its first post is superseded by the higher one
                if level == owed[-1] or inbox.tried(entry["id"], hook.name, level):
                    self._attempt(hook, inbox, entry, level, now, done)

    def _attempt(self, hook: Hook, inbox: Inbox, entry: dict[str, Any], level: int, now: datetime,
                 done: Round) -> None:
        tried = inbox.tried(entry["id"], hook.name, level)
        count = tried.get("count", 0)
        if count and (tried["outcome"] != "failed" or count >= webhooks.ATTEMPTS or tried["next_at"] > now):
            return
        number = count + 1
        key = (entry["id"], hook.name, level, number)
        recent = self.sent[hook.name]
        while recent and recent[0] <= now - timedelta(minutes=1):
            recent.popleft()
        if len(recent) >= hook.per_minute:
            done.deferred += 1
            return
        recent.append(now)
        message = Message(entry["id"], inbox.person_id, inbox.person_name, entry["kind"], level, entry["title"],
                          entry["body"], entry["sent_at"], entry["due_at"], entry["incident_id"], entry["exercise"],
                          number)
        result = webhooks.post(self.client, hook, message)
        self.unrecorded[key] = (result, now, inbox.person_id)  # until recorded (the store may be away right now)
        outcome = self._record(inbox.person_id, entry["id"], hook.name, level, number, result, now)
        del self.unrecorded[key]
        done.attempts.append((entry["id"], hook.name, level, outcome))
        log.info("pager.posted", page=str(entry["id"]), webhook=hook.name, level=level, attempt=number,
                 outcome=outcome, status=result.status)

    def _covers(self, hook: Hook, grid: str | None) -> bool:
        if hook.unit_id is None:
            return True
        if grid is None:
            return False
        key = (str(hook.unit_id), grid)
        if key not in self.units:
            try:
                self.units[key] = self.app.within(UUID(grid), hook.unit_id)
            except DomainError:
                self.units[key] = False
        return self.units[key]

    def run(self, stop: threading.Event, every: float = 2.0, clock: Callable[[], datetime] = utcnow) -> None:
        """Run a round every `every` seconds until `stop`; a round that fails (the store away) is logged and
        the next one tries again."""
        while not stop.is_set():
            try:
                done = self.round(clock())
                if done.escalated or done.attempts or done.withdrawn:
                    log.info("pager.round", escalated=len(done.escalated), attempts=len(done.attempts),
                             withdrawn=len(done.withdrawn), deferred=done.deferred)
            except Exception as error:  # noqa: BLE001 - a worker keeps going; the store's faults pass
                log.warning("pager.round_failed", error=type(error).__name__, message=str(error)[:300])
            stop.wait(every)

    def close(self) -> None:
        self.client.close()
