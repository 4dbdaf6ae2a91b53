"""Roll call (personnel accountability report, PAR; 点名): who of a site on duty, or of a task force, has answered,
and who not yet."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from mobilize.domain.base import InvalidCommand, MobilizeAggregate, RuleViolated, require
from mobilize.domain.vocabulary import zh


class NotOnRoll(RuleViolated):
    """Raised when someone not on the roll answers it, or answers a roll that is closed."""

    rule = "not_on_roll"


class RollCall(MobilizeAggregate):
    """The roll calls of one site or task force, one open at a time: calling a new one replaces the last."""

    @staticmethod
    def create_id(subject_id: UUID) -> UUID:
        """One record of roll calls per site or task force."""
        return uuid5(NAMESPACE_URL, f"mobilize:roll-call:{subject_id}")

    @event("Started")
    def __init__(self, subject_kind: str, subject_id: UUID) -> None:
        self.subject_kind = subject_kind
        self.subject_id = subject_id
        self.number = 0
        self.called_at: datetime | None = None
        self.closed_at: datetime | None = None
        self.roll: dict[str, str] = {}
        self.answered: dict[str, datetime] = {}

    @property
    def open(self) -> bool:
        """Whether a roll call is under way."""
        return self.number > 0 and self.closed_at is None

    def call(self, roll: dict[str, str], at: datetime) -> None:
        """Call the roll of everyone on duty now (person id → name)."""
        what = self.subject_kind.replace("_", " ")
        require(bool(roll), InvalidCommand, f"nobody is on the roll of this {what} now: there is no roll to call",
                subject_id=self.subject_id, zh=f"此{zh(what)}现在没有在岗人员：无人可点名")
        self._call(number=self.number + 1, roll=roll, at=at)

    @event("Called")
    def _call(self, number: int, roll: dict[str, str], at: datetime) -> None:
        self.number, self.roll, self.answered = number, dict(roll), {}
        self.called_at, self.closed_at = at, None

    def answer(self, person_id: UUID, at: datetime) -> None:
        """A person on the roll says they are here and safe."""
        require(self.open, NotOnRoll, "no roll call is open here", subject_id=self.subject_id,
                zh="这里没有正在进行的点名")
        require(str(person_id) in self.roll, NotOnRoll, "you are not on this roll call", person_id=person_id,
                zh="您不在本次点名名单上")
        require(str(person_id) not in self.answered, RuleViolated, "already answered this roll call",
                person_id=person_id, zh="已应答本次点名")
        self._answer(number=self.number, person_id=person_id, at=at)

    @event("Answered")
    def _answer(self, number: int, person_id: UUID, at: datetime) -> None:
        self.answered[str(person_id)] = at

    def close(self, at: datetime) -> None:
        """End the roll call; who has not answered stays unaccounted in its record."""
        require(self.open, RuleViolated, "no roll call is open here", subject_id=self.subject_id,
                zh="这里没有正在进行的点名")
        self._close(number=self.number, unaccounted=[p for p in self.roll if p not in self.answered], at=at)

    @event("Closed")
    def _close(self, number: int, unaccounted: list[str], at: datetime) -> None:
        self.closed_at = at

    def status(self, now: datetime) -> dict[str, Any]:
        """Who is accounted for (and how long they took) and who not (and for how long), as of `now`."""
        assert self.called_at is not None
        end = self.closed_at or now
        return {"subject_kind": self.subject_kind, "subject_id": self.subject_id, "number": self.number,
                "called_at": self.called_at, "closed_at": self.closed_at,
                "accounted": [{"person_id": p, "name": self.roll[p], "answered_at": at,
                               "after_seconds": int((at - self.called_at).total_seconds())}
                              for p, at in self.answered.items()],
                "unaccounted": [{"person_id": p, "name": name,
                                 "for_seconds": int((end - self.called_at).total_seconds())}
                                for p, name in self.roll.items() if p not in self.answered]}
