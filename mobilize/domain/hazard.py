"""Hazards (隐患): found in a sweep, rectification ordered, rectified, verified by someone else."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import event

from mobilize.domain.base import InvalidCommand, MobilizeAggregate, RuleViolated, aware, now, require
from mobilize.domain.organisation import OrgUnit
from mobilize.domain.person import Person
from mobilize.domain.personal import declare
from mobilize.domain.vocabulary import HazardKind, names, zh

KINDS = names(HazardKind)
STATES = ("found", "ordered", "rectified", "verified")


class HazardStateRefused(RuleViolated):
    """Raised when a hazard is taken a step its state does not allow."""

    rule = "hazard_transition"


class SelfVerification(RuleViolated):
    """Raised when the person who rectified a hazard would verify the rectification."""

    rule = "hazard_verified_by_rectifier"


DOING_ZH = {"ordered rectified": "下达整改", "rectified before a rectification is ordered": "在下达整改前整改",
            "verified before it is rectified": "在整改前验收"}
"""What a hazard refuses in a state, said in Chinese."""


class Hazard(MobilizeAggregate):
    """A hazard of a grid: where, what, who must rectify it by when, who did, who checked."""

    @event("Found")
    def __init__(self, grid_id: UUID, kind: str, location: str, description: str, found_by: UUID) -> None:
        self.grid_id = grid_id
        self.kind = kind
        self.location = location
        self.state = "found"
        self.found_by = found_by
        self.responsible_id: UUID | None = None
        self.deadline: datetime | None = None
        self.rectifier_id: UUID | None = None

    @classmethod
    def find(cls, grid: OrgUnit, kind: str, location: str, description: str, finder: Person) -> Hazard:
        """Record a hazard found in a sweep (e.g. of self-built and rented houses) of a grid."""
        require(grid.kind == "grid", InvalidCommand, f"{grid.name} is a {grid.kind}; hazards are found in a grid",
                field="grid_id")
        require(kind in KINDS, InvalidCommand, f"hazard kind must be one of {', '.join(KINDS)}", field="kind")
        require(bool(location.strip()), InvalidCommand, "say where the hazard is", field="location")
        return cls(grid.id, kind, location.strip(), description.strip(), finder.id)

    def _require(self, *states: str, doing: str) -> None:
        require(self.state in states, HazardStateRefused, f"a {self.state} hazard cannot be {doing}",
                state=self.state, hazard_id=self.id,
                zh=f"隐患当前为「{zh(self.state)}」，不能{DOING_ZH.get(doing, '执行此操作')}")

    def order_rectification(self, responsible: Person, deadline: datetime) -> None:
        """Order the rectification: who is responsible, by when (ordered again after a failed check)."""
        self._require("found", "ordered", doing="ordered rectified")
        responsible.require_ready()
        due = aware(deadline, "deadline")
        require(due > now(), InvalidCommand, "the deadline must lie after the order", field="deadline")
        self._order(responsible_id=responsible.id, deadline=due)

    @event("RectificationOrdered")
    def _order(self, responsible_id: UUID, deadline: datetime) -> None:
        self.state, self.responsible_id, self.deadline = "ordered", responsible_id, deadline

    def rectify(self, rectifier: Person, note: str) -> None:
        """Record that the hazard was put right, and by whom."""
        self._require("ordered", doing="rectified before a rectification is ordered")
        self._rectify(rectifier_id=rectifier.id, note=note.strip(),
                      late=self.deadline is not None and now() > self.deadline)

    @event("Rectified")
    def _rectify(self, rectifier_id: UUID, note: str, late: bool) -> None:
        self.state, self.rectifier_id = "rectified", rectifier_id

    def verify(self, verifier: Person, passed: bool) -> None:
        """Check the rectification; someone other than the rectifier checks, and a failed check orders it again."""
        self._require("rectified", doing="verified before it is rectified")
        require(verifier.id != self.rectifier_id, SelfVerification,
                f"{verifier.name} rectified this hazard: someone else must verify it", person=verifier.name,
                zh=f"{verifier.name}整改了此隐患：须由他人验收")
        if passed:
            self._verify(verifier_id=verifier.id)
        else:
            self._fail(verifier_id=verifier.id)

    @event("Verified")
    def _verify(self, verifier_id: UUID) -> None:
        self.state = "verified"

    @event("VerificationFailed")
    def _fail(self, verifier_id: UUID) -> None:
        self.state, self.rectifier_id = "ordered", None


# Personal data (ADR 0015): sealed in the store under the record's own key, left out of viewers' frames and the
# Kafka topic; the free text of a sweep or a rectification may name residents and their circumstances (the kind
# and the location stay in clear: they are how a hazard is followed up).
declare(getattr(Hazard, "Found"), "description")  # noqa: B009 - the class is made by @event; mypy cannot see it
declare(getattr(Hazard, "Rectified"), "note")  # noqa: B009 - the class is made by @event; mypy cannot see it
