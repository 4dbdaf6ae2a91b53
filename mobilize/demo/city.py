"""A deterministic drive at street or city scale, played through the application: for benchmarks and rehearsals.

`street` is the demo (Junhe: 50 grids, 1,000 people, 40 sites, 24 hours, ~15k events). `city` is
Lanzhou as DOMAIN.md sizes it: 9 streets → 53 communities → grids on three levels (53 / 427 / 1,770),
6,800 full-time and 7,525 part-time grid workers, 40,000 dual-registered party members, besides the
dual leaders, medics and volunteers (~70,000 people); a testing site in every third-level grid, staffed
around the clock for two days, with hourly tallies and party members dispatched to keep order: about
1.25 million events. `grids=` scales the city down in proportion; `target=` stops once the log has grown
by that many events. The same seed plays the same drive: the same commands, refusals and counts.

People are registered in bulk, 500 to a save, each with its own command context and command record
exactly as `register_person` writes them; everything else goes through the application's commands.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from mobilize.application import Mobilize
from mobilize.application.idempotency import accepted
from mobilize.demo import DRIVE_STARTS
from mobilize.demo.desk import Desk, Tally
from mobilize.demo.drive import Slot, run_drive
from mobilize.demo.field import Phones
from mobilize.demo.street import GIVEN, SURNAMES, build_street
from mobilize.demo.summary import render
from mobilize.domain.base import (
    CHINA,
    CommandContext,
    MobilizeAggregate,
    current_context,
)
from mobilize.domain.person import Person
from mobilize.progress import Progress

SCALES = ("street", "city")
CITY_STARTS = datetime(2026, 4, 6, 6, 0, tzinfo=CHINA)
"""A fixed moment in the past, so that the same seed plays the same drive and no time lies in the future."""
HOUR, MINUTE = timedelta(hours=1), timedelta(minutes=1)
SHIFT = 8 * HOUR
POSTS = {"sampler": 1, "registrar": 1, "marshal": 1}
BULK = 500
"""People per save when registering in bulk (PostgreSQL's pipeline stalls on saves of ~50k events)."""
STREETS = ("Zhangye Road", "Jiuquan Road", "Baiyin Road", "Gaolan Road", "Donggang West Road", "Tiesheng",
           "Linxia Road", "Weiyuan Road", "Yantan")
HOME_UNITS = ("Lanzhou Municipal Tax Bureau", "Gansu Provincial Hospital", "Lanzhou Water Supply Group",
              "Chengguan District Court", "Lanzhou No. 1 Middle School", "Lanzhou Petrochemical",
              "Gansu Electric Power", "Lanzhou University", "Municipal Housing Bureau", "Lanzhou Railway Bureau")
WORKING_GROUPS = ["coordination", "medical support", "health monitoring", "social control", "logistics",
                  "publicity", "sampling", "transfer", "supervision"]


class TargetReached(Exception):
    """Raised inside the drive when the log has grown by the number of events asked for."""


@dataclass(frozen=True)
class Plan:
    """The size of the city: the tree, the people by kind (city-wide totals), the length of the drive."""

    streets: int = 9
    communities: int = 53
    grids: tuple[int, int, int] = (53, 427, 1770)
    people: tuple[tuple[str, tuple[str, ...], int], ...] = (
        ("grid_worker_full_time", ("registrar", "marshal"), 6800),
        ("grid_worker_part_time", ("registrar",), 7525),
        ("dual_registered_party_member", ("registrar", "marshal"), 26000),
        ("dual_registered_party_member", ("marshal", "driver"), 8000),
        ("dual_registered_party_member", ("registrar", "first_aid"), 6000),
        ("medical_staff", ("sampler", "first_aid"), 8850),
        ("volunteer", ("marshal",), 3540),
    )
    days: int = 2

    def scaled(self, grids: int, days: int | None = None) -> Plan:
        """The same city in proportion, with `grids` third-level grids (at least one of everything)."""
        share = grids / self.grids[2]

        def part(count: int) -> int:
            return max(1, round(count * share))

        second = min(grids, part(self.grids[1]))
        first = min(second, part(self.grids[0]))
        return replace(self, streets=min(first, part(self.streets)), communities=first,
                       grids=(first, second, grids), people=tuple((r, s, part(n)) for r, s, n in self.people),
                       days=days or self.days)


LANZHOU = Plan()


@dataclass
class Grid:
    """A third-level grid: where people live and a site stands."""

    id: UUID
    name: str
    street: int
    parent: int
    community: int
    leaders: list[UUID] = field(default_factory=list)
    people: dict[str, list[UUID]] = field(default_factory=dict)


@dataclass
class City:
    """The ids of everything built, for the drive to draw on."""

    plan: Plan
    streets: list[UUID] = field(default_factory=list)
    levels: list[list[UUID]] = field(default_factory=lambda: [[], [], []])
    communities: list[UUID] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)
    nearby: dict[tuple[int, str], list[UUID]] = field(default_factory=dict)
    roles: dict[str, int] = field(default_factory=dict)
    lapsed: list[UUID] = field(default_factory=list)
    members: list[list[UUID]] = field(default_factory=list)
    teams: list[tuple[UUID, int]] = field(default_factory=list)


@dataclass
class Drive:
    """The state of the drive as the city's command centers see it."""

    incidents: list[UUID] = field(default_factory=list)
    sites: list[tuple[UUID, int, int]] = field(default_factory=list)
    blocks: list[list[Slot]] = field(default_factory=list)
    blocks_of: dict[UUID, list[int]] = field(default_factory=dict)
    orders: list[tuple[UUID, UUID, int, bool]] = field(default_factory=list)
    on_dispatch: dict[UUID, bool] = field(default_factory=dict)
    samples: int = 0
    paused: list[UUID] = field(default_factory=list)


class CityDesk(Desk):
    """The desk of the demo, which also hands out contexts for bulk writes and stops at a target size."""

    def __init__(self, app: Mobilize, actor: str, ordered_by: str, target: int | None = None) -> None:
        super().__init__(app, actor=actor, ordered_by=ordered_by)
        self.before = app.recorder.max_notification_id() or 0
        self.target = target
        self._unchecked = 0

    def do(self, name: str, *args: Any, **kwargs: Any) -> UUID | None:
        """Run a command (see `Desk.do`); every 64 commands, stop if the target is reached."""
        result = super().do(name, *args, **kwargs)
        self._unchecked += 1
        if self.target is not None and self._unchecked >= 64:
            self.check()
        return result

    def written(self) -> int:
        """Events written since this desk opened."""
        return (self.app.recorder.max_notification_id() or 0) - self.before

    def check(self) -> None:
        """Raise TargetReached once the log has grown by the target."""
        self._unchecked = 0
        if self.target is not None and self.written() >= self.target:
            raise TargetReached

    def context(self, reason: str | None = None) -> CommandContext:
        """A context as `do` would give the next command (unresolved: the fingerprint wants it as given)."""
        self._serial += 1
        return CommandContext(actor=self.actor, ordered_by=self.ordered_by, reason=reason,
                              command_id=f"demo-{self._run}-{self._serial}", occurred_at=self.clock)


@dataclass
class Generated:
    """What a generator run did: its summary (the same for the same seed) and the events it wrote."""

    summary: str
    events: int
    complete: bool
    tally: Tally


def generate(app: Mobilize, scale: str = "city", seed: int = 1, target: int | None = None,
             grids: int | None = None, days: int | None = None, store: str = "") -> Generated:
    """Play a drive of the given scale through `app`; stop early once `target` events are written."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}")
    rng = random.Random(seed)
    if scale == "street":
        return _street(app, rng, target, store)
    plan = LANZHOU.scaled(grids, days) if grids else replace(LANZHOU, days=days or LANZHOU.days)
    desk = CityDesk(app, "operator:lanzhou-command-center", "Lanzhou Municipal Epidemic Command", target)
    city, drive, complete = City(plan), Drive(), True
    try:
        _build(desk, rng, city)
        _play(desk, rng, city, drive)
    except TargetReached:
        complete = False
    return Generated(_summary(city, drive, desk, store, seed, complete), desk.written(), complete, desk.tally)


def _street(app: Mobilize, rng: random.Random, target: int | None, store: str) -> Generated:
    """The demo's street and drive, with a desk that stops at the target."""
    desk = CityDesk(app, "operator:junhe-command-center", "Junhe Street Party Working Committee", target)
    try:
        street = build_street(desk, rng, DRIVE_STARTS)
        phones = Phones(desk, street)
        try:
            played = run_drive(desk, rng, street, DRIVE_STARTS, phones)
            field = phones.lines()
        finally:
            phones.close()
    except TargetReached:
        return Generated(f"stopped at {desk.written()} events (target {target})", desk.written(), False, desk.tally)
    return Generated(render(street, played, desk.tally, desk.written(), store, field=field), desk.written(), True,
                     desk.tally)


# --- the city ---------------------------------------------------------------------------------------------

def _build(desk: CityDesk, rng: random.Random, city: City) -> None:
    plan, start = city.plan, CITY_STARTS
    desk.at(start - 72 * HOUR)
    progress = Progress("building the city tree", plan.streets + plan.communities + sum(plan.grids))
    for number in range(plan.streets):
        name = STREETS[number % len(STREETS)] + (f" {number // len(STREETS) + 1}" if number >= len(STREETS) else "")
        city.streets.append(_unit(desk, f"{name} Street", "street", None, progress))
    for number in range(plan.communities):
        parent = city.streets[number * plan.streets // plan.communities]
        city.communities.append(_unit(desk, f"Community {number + 1}", "community", parent, progress))
    parents = city.communities
    for level, count in enumerate(plan.grids):
        for number in range(count):
            parent_index = number * len(parents) // count
            unit = _unit(desk, f"Grid {level + 1}-{number + 1}", "grid", parents[parent_index], progress)
            city.levels[level].append(unit)
            if level == 2:  # a first-level grid per community: its index is the community's
                community = parent_index * plan.grids[0] // plan.grids[1]
                street = community * plan.streets // plan.communities
                city.grids.append(Grid(unit, f"Grid 3-{number + 1}", street, parent_index, community))
        parents = city.levels[level]
    progress.finish()
    _register_people(desk, rng, city, start)
    _appoint_leaders(desk, city, start)
    _form_task_forces(desk, rng, city)


def _unit(desk: CityDesk, name: str, kind: str, parent: UUID | None, progress: Progress) -> UUID:
    unit = desk.do("establish_unit", name, kind, parent, reason="city grid registry")
    assert unit is not None, f"could not establish {name}"
    progress.advance()
    return unit


def _register_people(desk: CityDesk, rng: random.Random, city: City, start: datetime) -> None:
    """Everyone in their third-level grid: two leaders each, then each kind spread evenly over the grids."""
    grids = city.grids
    kinds = [(["first_secretary", "grid_leader"], ("registrar", "marshal"), len(grids)),
             (["grid_leader"], ("marshal",), len(grids))] + [([r], s, n) for r, s, n in city.plan.people]
    progress = Progress("registering people (bulk)", sum(n for _, _, n in kinds))
    city.members = [[] for _ in city.streets]
    batch: list[MobilizeAggregate] = []
    desk.at(start - 48 * HOUR)
    for kind, (roles, skills, count) in enumerate(kinds):
        for number in range(count):
            grid = grids[number * len(grids) // count]
            person = _person(desk, rng, city, grid, roles, skills, start, batch)
            if kind < 2:
                grid.leaders.append(person)
            elif "dual_registered_party_member" in roles and "marshal" in skills:
                city.members[grid.street].append(person)
            if len(batch) >= 2 * BULK:
                _flush(desk, batch, progress)
    _flush(desk, batch, progress)
    progress.finish()
    for grid in grids:
        for skill, people in grid.people.items():
            city.nearby.setdefault((grid.parent, skill), []).extend(people)


def _person(desk: CityDesk, rng: random.Random, city: City, grid: Grid, roles: list[str], skills: tuple[str, ...],
            start: datetime, batch: list[MobilizeAggregate]) -> UUID:
    """Register one person as `register_person` would: their events and the command record, one context."""
    name = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}{rng.choice(GIVEN).lower()}"
    valid = {skill: start + timedelta(days=rng.randint(60, 700)) for skill in skills}
    if "sampler" in valid and rng.random() < 0.04:
        valid["sampler"] = start - timedelta(days=rng.randint(1, 90))  # lapsed: the scheduler trips on it
    home_unit = rng.choice(HOME_UNITS) if "dual_registered_party_member" in roles else None
    phone = f"139{rng.randint(0, 99_999_999):08d}"
    given = desk.context(reason="grid registry")
    blind = desk.app.keyring.blind  # a command's fingerprint holds personal arguments blinded
    arguments = {"name": name, "roles": roles, "home_grid_id": grid.id,
                 "home_unit": blind(home_unit) if home_unit else None, "phone": blind(phone), "id_number": None,
                 "qualifications": valid, "legal_basis": None, "basis_incident_id": None,
                 "context": {"ordered_by": given.ordered_by, "reason": given.reason, "occurred_at": given.occurred_at}}
    token = current_context.set(given.resolved(desk.app.clock()))
    try:
        person = Person.register(name, roles, grid.id, home_unit, phone, None)
        for skill, valid_until in valid.items():
            person.certify(skill, valid_until)
        record = accepted(given.command_id, "register_person", person.id, arguments)
    finally:
        current_context.reset(token)
    batch += [person, record]
    for skill, valid_until in valid.items():
        if valid_until > start + 3 * 24 * HOUR and "grid_leader" not in roles:
            grid.people.setdefault(skill, []).append(person.id)
    if "sampler" in valid and valid["sampler"] < start:
        city.lapsed.append(person.id)
    city.roles[roles[0]] = city.roles.get(roles[0], 0) + 1
    return person.id


def _flush(desk: CityDesk, batch: list[MobilizeAggregate], progress: Progress) -> None:
    if not batch:
        return
    desk.app.save(*batch)
    desk.tally.accepted["register_person"] += len(batch) // 2
    progress.advance(len(batch) // 2)
    batch.clear()
    desk.check()


def _appoint_leaders(desk: CityDesk, city: City, start: datetime) -> None:
    desk.at(start - 47 * HOUR)
    progress = Progress("seating the dual grid leaders", len(city.grids))
    for grid in city.grids:
        desk.do("appoint_grid_leader", grid.id, "first_secretary", grid.leaders[0])
        desk.do("appoint_grid_leader", grid.id, "cooperative_head", grid.leaders[1])
        progress.advance()
    progress.finish()


def _form_task_forces(desk: CityDesk, rng: random.Random, city: City) -> None:
    """1+1+5+N in every street: a street team, one per union (community), five grid teams."""
    for index, street in enumerate(city.streets):
        members = city.members[index]
        if len(members) < 30:
            continue
        team = desk.do("form_task_force", f"Street {index + 1} Party–Mass Emergency Task Force", "street", street,
                       members[0], f"Flag No. {index + 1}")
        if team is None:
            continue
        city.teams.append((team, index))
        for member in rng.sample(members[1:], 29):
            desk.do("enlist", team, member)
    for index, community in enumerate(city.communities):
        grid = next(g for g in city.grids if g.community == index)
        team = desk.do("form_task_force", f"Community {index + 1} Union Task Force", "union", community,
                       grid.leaders[1], f"Union Flag No. {index + 1}")
        for member in (grid.people.get("marshal", [])[:7] if team else []):
            desk.do("enlist", team, member)


# --- the drive --------------------------------------------------------------------------------------------

def _play(desk: CityDesk, rng: random.Random, city: City, drive: Drive) -> None:
    start, hours = CITY_STARTS, 24 * city.plan.days
    _mobilize(desk, city, drive, start)
    _staff_block(desk, rng, city, drive, start, 0)
    progress = Progress(f"running the {hours}-hour drive", hours)
    for hour in range(hours):
        moment = start + hour * HOUR
        if (hour + 3) % 8 == 0 and (hour + 3) // 8 < hours // 8:
            _staff_block(desk, rng, city, drive, start, (hour + 3) // 8)
        if hour % 8 == 0:
            _begin_block(desk, rng, city, drive, start, hour // 8)
        _weather(desk, drive, moment, hour)
        _dispatch_hour(desk, rng, city, drive, moment, hour)
        desk.at(moment + HOUR + 5 * MINUTE)
        for site, _grid, lanes in drive.sites:
            samples = 0 if site in drive.paused else lanes * rng.randint(90, 160)
            if desk.do("report_tally", site, moment, samples):
                drive.samples += samples
        if hour % 8 == 7:
            _end_block(desk, rng, drive, start, hour // 8)
        progress.advance()
    progress.finish()
    _stand_down(desk, city, drive, start + hours * HOUR)


def _mobilize(desk: CityDesk, city: City, drive: Drive, start: datetime) -> None:
    desk.at(start - 8 * HOUR)
    for index, street in enumerate(city.streets):
        incident = desk.do("declare_incident", f"Street {index + 1} mass testing drive, round 1", "mass_testing_drive",
                           street, reason="city-wide testing ordered after community transmission")
        assert incident is not None
        drive.incidents.append(incident)
        desk.do("escalate_incident", incident, 2, reason="cases in several districts")
        desk.do("switch_to_war", street, incident, WORKING_GROUPS, max_shift_hours=8, min_rest_hours=8,
                reason="the whole city switches to war")
    desk.do("switch_to_war", city.grids[0].id, drive.incidents[0], ["sampling"], max_shift_hours=8,
            min_rest_hours=8, reason="grid already covered by its street: refused")
    progress = Progress("opening the testing sites", len(city.grids))
    for index, grid in enumerate(city.grids):
        desk.at(start - 6 * HOUR)
        lanes = 3 if index % 5 == 0 else 2
        site = desk.do("plan_testing_site", drive.incidents[grid.street], grid.id, f"Site {index + 1} ({grid.name})",
                       lanes, POSTS)
        assert site is not None
        if index % 500 == 0:
            desk.do("open_site", site)  # refused: no commander yet
        desk.do("appoint_site_commander", site, grid.leaders[0])
        desk.at(start - HOUR).do("open_site", site)
        drive.sites.append((site, index, lanes))
        progress.advance()
    progress.finish()


def _staff_block(desk: CityDesk, rng: random.Random, city: City, drive: Drive, start: datetime, block: int) -> None:
    """Three hours before a block: schedule its shifts and put people on them."""
    begin = start + block * SHIFT
    desk.at(begin - 3 * HOUR)
    slots: list[Slot] = []
    for site, grid, lanes in drive.sites:
        for lane in range(1, lanes + 1):
            for post in POSTS:
                shift = desk.do("schedule_shift", site, lane, post, begin, begin + SHIFT)
                if shift is not None:
                    slots.append(Slot(shift, grid, lane, post))
    drive.blocks.append(slots)
    desk.at(begin - 2 * HOUR)
    for number, slot in enumerate(slots):
        _try_refused(desk, city, drive, slot, block, number)
        if slot.person is None:
            person = _pick(rng, city, drive, slot.site, slot.post, block)
            if person is not None and desk.do("assign_to_shift", slot.shift, person):
                _book(drive, slot, person, block)


def _try_refused(desk: CityDesk, city: City, drive: Drive, slot: Slot, block: int, number: int) -> None:
    """What real operators get wrong, now and then: the command refuses and the log keeps no trace."""
    if block > 0 and number % 997 == 5:
        tired = next((s.person for s in drive.blocks[block - 1][number % 50:] if s.person is not None
                      and s.post == slot.post), None)
        refused = tired is not None and not desk.do("assign_to_shift", slot.shift, tired)
        if refused and number % 3 == 0 and desk.do(
                "assign_to_shift", slot.shift, tired,
                override_reason="no other qualified person within reach; commander approved"):
            assert tired is not None
            _book(drive, slot, tired, block)
            desk.note("rest rule overridden")
    if slot.post == "sampler" and number % 1499 == 7 and city.lapsed:
        desk.do("assign_to_shift", slot.shift, city.lapsed[number % len(city.lapsed)])


def _pick(rng: random.Random, city: City, drive: Drive, grid_index: int, skill: str, block: int,
          absent: UUID | None = None) -> UUID | None:
    """The person of the grid (else of its parent grid) with the fewest shifts, rested, not the absent one."""
    grid = city.grids[grid_index]
    for pool in (grid.people.get(skill, []), city.nearby.get((grid.parent, skill), [])):
        fitting = [p for p in pool if p != absent and not drive.on_dispatch.get(p)
                   and all(abs(b - block) > 1 for b in drive.blocks_of.get(p, ()))]
        if fitting:
            fewest = min(len(drive.blocks_of.get(p, ())) for p in fitting)
            best = [p for p in fitting if len(drive.blocks_of.get(p, ())) == fewest]
            return best[rng.randrange(len(best))]
    return None


def _book(drive: Drive, slot: Slot, person: UUID, block: int) -> None:
    slot.person = person
    drive.blocks_of.setdefault(person, []).append(block)


def _begin_block(desk: CityDesk, rng: random.Random, city: City, drive: Drive, start: datetime, block: int) -> None:
    """At the start of a block: check-ins, a few late, a few no-shows replaced by stand-ins."""
    begin = start + block * SHIFT
    for number, slot in enumerate(s for s in drive.blocks[block] if s.person is not None):
        assert slot.person is not None
        roll = rng.random()
        if roll < 0.03:
            _replace_no_show(desk, rng, city, drive, slot, begin, block)
            continue
        if number % 1009 == 3:
            desk.at(begin - 2 * HOUR).do("check_in", slot.shift, slot.person)  # refused: too early
        late = roll < 0.07
        minutes = rng.randint(5, 45) if late else -rng.randint(0, 25)
        if desk.at(begin + minutes * MINUTE).do("check_in", slot.shift, slot.person):
            slot.checked_in = True
            desk.note("late check-ins" if late else "on-time check-ins")


def _replace_no_show(desk: CityDesk, rng: random.Random, city: City, drive: Drive, slot: Slot, begin: datetime,
                     block: int) -> None:
    absent = slot.person
    assert absent is not None
    desk.at(begin + 15 * MINUTE).do("record_no_show", slot.shift, absent)
    desk.note("no-shows")
    desk.do("unassign_from_shift", slot.shift, absent, reason="no-show: replacing")
    drive.blocks_of[absent].remove(block)
    slot.person = None
    stand_in = _pick(rng, city, drive, slot.site, slot.post, block, absent)
    if stand_in is not None and desk.do("assign_to_shift", slot.shift, stand_in, reason="stand-in for a no-show"):
        _book(drive, slot, stand_in, block)
        if desk.at(begin + 40 * MINUTE).do("check_in", slot.shift, stand_in):
            slot.checked_in = True
            desk.note("stand-ins for no-shows")


def _end_block(desk: CityDesk, rng: random.Random, drive: Drive, start: datetime, block: int) -> None:
    """At the end of a block: check-outs, and each post handed over to the next block's shift."""
    end = start + (block + 1) * SHIFT
    following = {}
    if block + 1 < len(drive.blocks):
        following = {(s.site, s.lane, s.post): s.shift for s in drive.blocks[block + 1]}
    for slot in drive.blocks[block]:
        if not slot.checked_in:
            continue
        assert slot.person is not None
        desk.at(end + rng.randint(0, 10) * MINUTE).do("check_out", slot.shift, slot.person)
        successor = following.get((slot.site, slot.lane, slot.post))
        if successor is not None:
            desk.do("hand_over", slot.shift, successor, notes="queue normal; swabs and tubes restocked")


def _weather(desk: CityDesk, drive: Drive, moment: datetime, hour: int) -> None:
    """A sandstorm pauses every 40th site for two hours on the first afternoon."""
    if hour == 8:
        desk.at(moment + 10 * MINUTE)
        drive.paused = [site for site, _, _ in drive.sites[::40] if desk.do("pause_site", site, reason="sandstorm")]
    if hour == 10:
        for site in drive.paused:
            desk.at(moment + 5 * MINUTE).do("reopen_site", site, reason="the storm passed")
        drive.paused = []


def _dispatch_hour(desk: CityDesk, rng: random.Random, city: City, drive: Drive, moment: datetime,
                   hour: int) -> None:
    """Release or recall what is due; send party members to keep order at site queues, street teams each block."""
    due = [order for order in drive.orders if order[2] <= hour]
    drive.orders = [order for order in drive.orders if order[2] > hour]
    for order, subject, _, recall in due:
        if recall:
            desk.at(moment).do("recall_dispatch", order, reason="needed for an isolation transfer")
        else:
            desk.at(moment).do("release_dispatch", order)
        drive.on_dispatch[subject] = False
    if hour % 8 == 1:
        for team, street in city.teams:
            sites = [site for site, grid, _ in drive.sites if city.grids[grid].street == street]
            _send(desk, rng, drive, moment, hour, "task_force", team, drive.incidents[street],
                  sites[rng.randrange(len(sites))], "guard the queue and the sample transfer", 6)
    for number in range(max(1, len(drive.sites) // 50)):
        site, grid, _ = drive.sites[rng.randrange(len(drive.sites))]
        street = city.grids[grid].street
        members = city.members[street]
        person = members[rng.randrange(len(members))] if members else None
        if person is None or drive.blocks_of.get(person):
            continue
        if not drive.on_dispatch.get(person):
            _send(desk, rng, drive, moment, hour, "person", person, drive.incidents[street], site,
                  "keep order at the site queue", 4)
        elif (hour + number) % 7 == 0:  # refused: already on a live dispatch
            desk.at(moment + 10 * MINUTE).do("dispatch", "person", person, drive.incidents[street],
                                             "keep order at the site queue", site_id=site)


def _send(desk: CityDesk, rng: random.Random, drive: Drive, moment: datetime, hour: int, kind: str, subject: UUID,
          incident: UUID, site: UUID, task: str, hours: int) -> None:
    """One order through its life: requested, then declined, or acknowledged, en route and on scene."""
    order = desk.at(moment + 10 * MINUTE).do("dispatch", kind, subject, incident, task, site_id=site)
    if order is None:
        return
    roll = rng.random()
    if roll < 0.05:
        desk.at(moment + 15 * MINUTE).do("decline_dispatch", order, reason="on duty at their home unit")
        return
    if roll < 0.07:
        desk.do("arrive_on_scene", order)  # refused: not acknowledged, not en route
    desk.at(moment + 15 * MINUTE).do("acknowledge_dispatch", order)
    desk.at(moment + 20 * MINUTE).do("set_out", order)
    desk.at(moment + 50 * MINUTE).do("arrive_on_scene", order)
    drive.on_dispatch[subject] = True
    recall = roll > 0.97
    drive.orders.append((order, subject, hour + (2 if recall else hours), recall))


def _stand_down(desk: CityDesk, city: City, drive: Drive, end: datetime) -> None:
    desk.at(end + 30 * MINUTE)
    for order, person, _, _ in drive.orders:
        desk.do("release_dispatch", order)
        drive.on_dispatch[person] = False
    drive.orders = []
    progress = Progress("closing the sites", len(drive.sites))
    for site, _, _ in drive.sites:
        desk.do("close_site", site, reason="drive complete")
        progress.advance()
    progress.finish()
    for street, incident in zip(city.streets, drive.incidents, strict=True):
        desk.do("stand_down", street, incident, reason="round 1 complete: positives transferred")
        desk.do("close_incident", incident, reason="round 1 complete")


# --- the summary ------------------------------------------------------------------------------------------

def _summary(city: City, drive: Drive, desk: CityDesk, store: str, seed: int, complete: bool) -> str:
    """A report that is the same for the same seed (no ids, no timings)."""
    tally, plan = desk.tally, city.plan
    slots = [s for block in drive.blocks for s in block]
    filled = sum(s.person is not None for s in slots)
    lines = [
        f"Lanzhou-scale mass testing drive (generated, seed {seed})",
        f"store                     {store}",
        f"events written            {desk.written()}" + ("" if complete else " (stopped at the target)"),
        f"commands accepted         {sum(tally.accepted.values())}",
        f"commands refused          {sum(tally.refused.values())} (nothing of them is in the log)",
        (f"tree                      {len(city.streets)} streets, {len(city.communities)} communities, grids "
         + " / ".join(str(len(level)) for level in city.levels)),
        (f"people registered         {sum(city.roles.values())}: "
         + ", ".join(f"{role} {count}" for role, count in sorted(city.roles.items()))),
        (f"task forces               {len(city.teams)} street teams, "
         f"{tally.accepted['form_task_force'] - len(city.teams)} union teams, {tally.accepted['enlist']} enlisted"),
        (f"drive                     {plan.days * 24} hours, {len(drive.incidents)} incidents, "
         f"{len(drive.sites)} sites with {sum(lanes for _, _, lanes in drive.sites)} lanes"),
        (f"shifts                    {len(slots)} scheduled, {filled} filled "
         f"({100 * filled / max(1, len(slots)):.1f}%), {sum(s.checked_in for s in slots)} checked in"),
        f"samples taken             {drive.samples}",
    ]
    lines += [f"  {fact:<24}{count}" for fact, count in sorted(tally.facts.items())]
    lines.append("commands by name")
    lines += [f"  {name:<24}{count}" for name, count in sorted(tally.accepted.items())]
    lines.append("refusals by rule")
    lines += [f"  {rule:<28}{count}" for rule, count in sorted(tally.refused.items())]
    return "\n".join(lines)
