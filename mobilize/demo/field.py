"""The people's own phones in the demo: each person acts with their own responder token (the actor recorded is
the person), some while their network is cut (sent at the device's time, arriving later); and the pager's
rounds, which escalate what nobody answered."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from mobilize.demo.desk import Desk
from mobilize.demo.street import Street
from mobilize.domain.base import CommandContext
from mobilize.domain.dispatch import Dispatch
from mobilize.domain.notification import CLOSED
from mobilize.feeds.pager import Pager
from mobilize.projections import paging
from mobilize.projections.store import ViewStore

MINUTE = timedelta(minutes=1)
STEPS = {"acknowledge": "acknowledge_dispatch", "decline": "decline_dispatch", "set-out": "set_out",
         "arrive": "arrive_on_scene"}
"""The command center's name of each step a person takes on their dispatch, for the summary's counts."""
REPORTED = {"check_in_from_field": "check-in", "acknowledge_page": "acknowledge-page", "answer_dispatch": "",
            "answer_roll": "answer_roll", "call_roll": "call_roll", "close_roll": "close_roll"}
"""The commands a phone sends that its field log notes (as the field page names them)."""


class Phones:
    """Everyone's phone: a responder token each, issued by the command center the first time it is needed."""

    def __init__(self, desk: Desk, street: Street) -> None:
        self.desk, self.street = desk, street
        self.own = Desk(desk.app, actor=desk.actor, ordered_by="")  # a person acts on their own word
        self.own.tally = desk.tally  # their refusals count with the desk's
        self.actors: dict[UUID, str] = {}
        # the pager's own view of the pages, in memory: the demo's rounds need no view tables of the store
        self.pager = Pager(desk.app, ViewStore.for_store("memory:"), hooks=[])
        self.facts: Counter[str] = Counter()

    def actor(self, person: UUID) -> str:
        """How the person's own actions are recorded (their token issued now if they have none yet)."""
        if person not in self.actors:
            secret = hashlib.sha256(f"demo-phone-{person}".encode()).hexdigest()
            token = self.desk.do("issue_responder_token", person, secret, reason="field credential for the drive")
            assert token is not None
            self.actors[person] = f"{self.street.names[person]} (responder, token {str(token)[:8]})"
        return self.actors[person]

    def do(self, person: UUID, name: str, *args: Any, sent: datetime, arrives: datetime | None = None,
           reason: str | None = None) -> UUID | None:
        """The person's command at their device's time `sent`, reaching the server at `arrives` (default: at
        once); a refusal is counted like the desk's."""
        actor = self.actor(person)
        app: Any = self.desk.app
        before = app.load(Dispatch, args[0], "dispatch").state if name == "answer_dispatch" else None
        earlier = vars(app).get("clock")
        app.clock = lambda: arrives or sent
        try:
            result = self.own.at(sent).do(name, *args, reason=reason, actor=actor)
            if name in REPORTED:  # what the field page notes in the person's field log, refusals included
                self._report(person, actor, REPORTED[name] if name != "answer_dispatch" else args[2], args, sent)
        finally:
            if earlier is None:
                del app.clock
            else:
                app.clock = earlier
        if before is not None and result is not None:  # the dispatch's own step, or only the person's page
            after = app.load(Dispatch, args[0], "dispatch").state
            self.desk.tally.accepted[STEPS[args[2]] if after != before else "pages answered"] += 1
        if arrives is not None and arrives - sent > 5 * MINUTE and result is not None:
            self.facts["sent offline, arriving later"] += 1
        return result

    def _report(self, person: UUID, actor: str, action: str, args: tuple[Any, ...], sent: datetime) -> None:
        refusal = self.own.last_refusal
        target = args[1] if action == "acknowledge-page" else args[0]
        ctx = CommandContext(actor=actor, command_id=f"{self.own.last_command_id}:report",
                             reason="sent from the field page")
        self.desk.app.report_from_field(person, self.own.last_command_id, action, target, sent,
                                        "refused" if refusal else "done", refusal.rule if refusal else None,
                                        refusal.message if refusal else None, ctx=ctx)

    def acknowledge(self, person: UUID, subject_id: UUID, sent: datetime) -> bool:
        """The person taps 收到 on their open page about `subject_id` (a shift, a dispatch)."""
        page = next((p for p in self.desk.app.inbox_of(person, limit=300)
                     if p["subject_id"] == subject_id and p["state"] not in CLOSED), None)
        if page is None:
            return False
        self.do(person, "mark_delivered", person, page["id"], "field", sent=sent - MINUTE)
        return self.do(person, "acknowledge_page", person, page["id"], sent=sent) is not None

    def round(self, now: datetime) -> None:
        """One pager round at `now`: what nobody answered goes up a level."""
        done = self.pager.round(now)
        for _, level in done.escalated:
            self.facts[f"pages escalated to level {level}"] += 1

    def lines(self) -> list[str]:
        """The field half of the summary."""
        self.pager.runner.catch_up()
        pages = paging.listing(self.pager.runner.views, None, None, None, None, 100_000)
        states = Counter(p["state"] for p in pages if p["kind"] != "escalation")
        own = Counter(p["kind"] for p in pages)
        lines = ["Field (each person on their own phone)",
                 f"  people with a field token   {len(self.actors)}",
                 f"  check-ins by the person     {self.facts['check-ins by the person']}",
                 f"  sent offline, arriving later {self.facts['sent offline, arriving later']}",
                 f"  reports in field logs       {self._reports()} (what each phone sent and what came of it)",
                 f"  pages sent                  {own['shift']} shift, {own['dispatch']} dispatch",
                 f"  pages acknowledged          {states['acknowledged']}",
                 f"  pages withdrawn             {states['withdrawn']} (off the shift, dispatch or incident over)",
                 f"  escalated to grid leaders   {self.facts['pages escalated to level 1']}"
                 f" ({self.facts['answered once their grid leader called']} answered once called)",
                 f"  escalated to the command center {self.facts['pages escalated to level 2']}",
                 f"  answered by the operator    {self.facts['answered by the operator']}"]
        lines += [f"  {fact}" for fact in sorted(self.facts) if fact.startswith("roll call")]
        return lines

    def _reports(self) -> int:
        return sum(len(self.desk.app.field_log(person)) for person in self.actors)

    def close(self) -> None:
        self.pager.close()
        self.pager.runner.views.close()
