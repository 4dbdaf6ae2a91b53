"""Suggested fill-ins for a shift: who can take it, nearest first, then fewest hours in the incident, and why.

Which people are weighed comes from the views (`mobilize.projections.pool`); whether each can take the
shift is asked of the same aggregates and the same rule code the assignment runs
(`ShiftCommands.check_assignment`, which changes nothing). Someone the rules would take but who is on a
live dispatch is away from the grid, so not suggested: listed as not assignable, with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from mobilize.application import Mobilize
from mobilize.application.store import cache
from mobilize.domain.base import DomainError, RuleViolated, cst
from mobilize.domain.organisation import OrgUnit, WartimePolicy
from mobilize.domain.person import Person, rules_of
from mobilize.domain.shift import Shift
from mobilize.domain.vocabulary import zh

NEARNESS = ("same_grid", "same_community", "same_street", "elsewhere")
"""How near a person's home grid lies to the shift's site, nearest first."""

HOUR = timedelta(hours=1)

ON_DISPATCH = "on_dispatch"
"""The refusal of someone the rules would take but who is on a live dispatch."""


@dataclass
class Candidate:
    """One person weighed for a shift: where they rank, or why they cannot take it."""

    person_id: UUID
    name: str
    home_grid_id: UUID | None
    home_grid_name: str | None
    nearness: str
    hours_in_incident: float
    hours_booked_ahead: float = 0.0
    needs_override: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    rank: int | None = None
    assignable: bool = True
    refusal: dict[str, Any] | None = None
    reasons_zh: list[str] = field(default_factory=list)
    """The reasons in Chinese, one for each of `reasons`."""

    def order(self) -> tuple[Any, ...]:
        """Assignable first; those needing no override before those who do; then nearness, hours worked in the
        incident, hours already booked ahead, name."""
        if not self.assignable:
            return (True, False, NEARNESS.index(self.nearness), 0.0, 0.0, self.name, str(self.person_id))
        return (False, bool(self.needs_override), NEARNESS.index(self.nearness), self.hours_in_incident,
                self.hours_booked_ahead, self.name, str(self.person_id))

    def as_dict(self, chinese: bool = False) -> dict[str, Any]:
        """As the API answers it: the reasons and the refusal's message in Chinese or in English."""
        answer = asdict(self)
        reasons_zh = answer.pop("reasons_zh")
        if chinese:
            answer["reasons"] = reasons_zh
        if self.refusal is not None:
            answer["refusal"] = in_language(self.refusal, chinese)
        return answer


def in_language(refusal: dict[str, Any], chinese: bool) -> dict[str, Any]:
    """A refusal (`blocked`'s, a candidate's) as the API answers it: its message in Chinese when asked for and
    written, the Chinese kept out of it otherwise."""
    answer = {key: value for key, value in refusal.items() if key != "zh"}
    if chinese and refusal.get("zh"):
        answer["message"] = refusal["zh"]
    return answer


def rank(app: Mobilize, shift_id: UUID, people: Iterable[UUID], hours: Mapping[str, float],
         include_refused: bool = False, now: datetime | None = None) -> list[Candidate]:
    """The people who can take the shift now, best first, ranked 1…n; with `include_refused` also those who
    cannot, after them and unranked, each with the refusal the assignment would give. `hours` worked in the
    incident by person id (`mobilize.projections.pool.hours_in_incident`); bookings ahead count from `now`."""
    with cache.reads_after():  # every record as of one moment, for one look at the log (not one per person)
        weighing = _Weighing.of(app, shift_id, now or datetime.now(UTC))
        weighed = []
        for person_id in dict.fromkeys(people):
            try:
                person = app.load(Person, person_id, "person")
            except DomainError:
                continue  # in a view, not (yet) in the store: nothing to weigh
            candidate = weighing.weigh(person, hours.get(str(person.id), 0.0))
            if candidate.assignable or include_refused:
                weighed.append(candidate)
    weighed.sort(key=Candidate.order)
    for number, candidate in enumerate((c for c in weighed if c.assignable), start=1):
        candidate.rank = number
    return weighed


NOBODY = UUID(int=0)
"""An id no person has: asking the shift whether it would take nobody in particular leaves only its own refusals."""


def blocked(app: Mobilize, shift: Shift) -> dict[str, Any] | None:
    """Why nobody at all can take the shift now (its site closed, its incident closed, every slot taken), or None."""
    try:
        app.staffing_policy(shift)
        shift.check_assignment(NOBODY)
    except DomainError as error:
        return {"error": error.rule, "message": error.message, "facts": error.facts, "zh": error.zh}
    return None


@dataclass
class _Weighing:
    """What weighing each person for one shift shares: the shift, its policy (or why it cannot be staffed)."""

    app: Mobilize
    shift: Shift
    policy: WartimePolicy | None
    closed: DomainError | None
    tree: _Tree
    now: datetime

    @classmethod
    def of(cls, app: Mobilize, shift_id: UUID, now: datetime) -> _Weighing:
        shift = app.load(Shift, shift_id, "shift")
        try:
            return cls(app, shift, app.staffing_policy(shift), None, _Tree(app, shift.grid_id), now)
        except DomainError as error:  # the site is closed or the incident is: nobody can take it
            return cls(app, shift, None, error, _Tree(app, shift.grid_id), now)

    def weigh(self, person: Person, hours: float) -> Candidate:
        """The person as a candidate: ranked by the assignment's own rules (asked, not applied), or refused."""
        shift = self.shift
        nearness, where, where_zh = self.tree.nearness(person.home_grid_id)
        grid = self.tree.unit(person.home_grid_id)
        ahead = sum((b["end"] - max(b["start"], self.now)) / HOUR for b in person.bookings.values()
                    if b["end"] > self.now)
        candidate = Candidate(person.id, person.name, person.home_grid_id, grid.name if grid else None, nearness,
                              round(hours, 2), round(ahead, 2), reasons=[where], reasons_zh=[where_zh])
        try:
            if self.closed is not None:
                raise self.closed
            breaches = self.app.check_assignment(shift, person, self.policy)
        except DomainError as error:
            return _refused(candidate, error.rule, error.message, error.zh, error.facts)
        if person.active_dispatch is not None:
            return _refused(candidate, ON_DISPATCH, f"{person.name} is on a live dispatch; the dispatch ends first",
                            f"{person.name}正在执行调派任务：须先结束调派",
                            {"dispatch_id": str(person.active_dispatch)})
        candidate.needs_override = rules_of(breaches)
        valid_until = person.qualifications[shift.skill]
        said = [
            (f"{hours:g} hours worked in this incident already", f"本事件已工作 {hours:g} 小时") if hours else
            ("no hours worked in this incident yet", "本事件尚未工作"),
            (f"booked for {ahead:g} more hours on other shifts", f"其他班次还排了 {ahead:g} 小时") if ahead else
            ("booked on no other shift ahead", "之后没有其他班次"),
            (f"{shift.skill} qualification valid until {valid_until:%Y-%m-%d %H:%M} UTC",
             f"{zh(shift.skill)}资质有效期至 {cst(valid_until)}"),
            *_override_reasons(breaches),
        ]
        candidate.reasons += [en for en, _ in said]
        candidate.reasons_zh += [chinese for _, chinese in said]
        return candidate


def _override_reasons(breaches: list[RuleViolated]) -> list[tuple[str, str]]:
    if not breaches:
        return [("needs no override", "无需越规")]
    return [*((f"needs an override with a written reason ({b.rule}): {b.message}",
               f"需越规批准并写明理由（{b.rule}）：{b.zh or b.message}") for b in breaches),
            ("ranked after everyone who needs no override", "排在无需越规的人之后")]


def _refused(candidate: Candidate, rule: str, message: str, zh_message: str | None,
             facts: dict[str, Any]) -> Candidate:
    candidate.assignable = False
    candidate.refusal = {"error": rule, "message": message, "facts": facts, "zh": zh_message}
    candidate.reasons.insert(0, message)
    candidate.reasons_zh.insert(0, zh_message or message)
    return candidate


class _Tree:
    """The shift's grid's ancestry, and each home grid's, looked up once per grid."""

    def __init__(self, app: Mobilize, grid_id: UUID) -> None:
        self.app = app
        self.chains: dict[UUID, list[OrgUnit]] = {}
        self.site = self.chain(grid_id)

    def chain(self, unit_id: UUID) -> list[OrgUnit]:
        """The unit and its ancestors, nearest first (empty if there is no such unit)."""
        if unit_id not in self.chains:
            try:
                self.chains[unit_id] = self.app.ancestry(unit_id)
            except DomainError:
                self.chains[unit_id] = []
        return self.chains[unit_id]

    def unit(self, unit_id: UUID | None) -> OrgUnit | None:
        """The unit itself, if there is one."""
        chain = self.chain(unit_id) if unit_id else []
        return chain[0] if chain else None

    def nearness(self, home_grid_id: UUID | None) -> tuple[str, str, str]:
        """How near a home grid lies to the site's grid, and that said in a sentence, in English and Chinese."""
        home = self.chain(home_grid_id) if home_grid_id else []
        if not home:
            return "elsewhere", "has no home grid", "没有所属网格"
        site_grid, grid = self.site[0], home[0]
        if any(unit.id == site_grid.id for unit in home):
            if grid.id == site_grid.id:
                return "same_grid", f"home grid {grid.name} is the site's grid", f"所属网格{grid.name}即检测点所在网格"
            return ("same_grid", f"home grid {grid.name} lies under the site's grid, {site_grid.name}",
                    f"所属网格{grid.name}在检测点所在网格{site_grid.name}之下")
        community = _community(self.site)
        if community is not None and community.id in {unit.id for unit in home}:
            return ("same_community", f"home grid {grid.name} is in the site's community, {community.name}",
                    f"所属网格{grid.name}与检测点同在{community.name}社区")
        if home[-1].id == self.site[-1].id:
            return ("same_street", f"home grid {grid.name} is in the site's street, {home[-1].name}",
                    f"所属网格{grid.name}与检测点同在{home[-1].name}街道")
        return ("elsewhere", f"home grid {grid.name} lies outside the site's street, in {home[-1].name}",
                f"所属网格{grid.name}在检测点所在街道之外（{home[-1].name}）")


def _community(chain: list[OrgUnit]) -> OrgUnit | None:
    return next((unit for unit in chain if unit.kind == "community"), None)
