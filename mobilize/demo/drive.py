"""A 24-hour mass testing drive (全员核酸检测) over the demo street, hour by hour, through the application."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from mobilize.demo.desk import Desk
from mobilize.demo.field import Phones
from mobilize.demo.street import Street
from mobilize.domain.dispatch import Dispatch
from mobilize.domain.task_force import TaskForce
from mobilize.domain.testing_site import TestingSite
from mobilize.progress import Progress
from mobilize.projections import paging

WORKING_GROUPS = ["coordination", "medical support", "health monitoring", "social control", "logistics",
                  "publicity", "sampling", "transfer", "supervision"]
"""Chixi's nine wartime working groups."""

POSTS = {"sampler": 1, "registrar": 1, "marshal": 1}
BLOCKS = 3
SHIFT = timedelta(hours=8)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


@dataclass
class Slot:
    """One scheduled shift at one post of one lane, and who ended up on it (the street and city drives)."""

    shift: UUID
    site: int
    lane: int
    post: str
    block: int = 0
    """The street drive's block of the day (the city drive keeps its slots by block instead)."""
    person: UUID | None = None
    checked_in: bool = False


@dataclass
class Drive:
    """The state of the drive as the command center sees it."""

    incident: UUID
    sites: list[UUID] = field(default_factory=list)
    site_lanes: list[int] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)
    blocks_of: dict[UUID, set[int]] = field(default_factory=dict)
    orders: list[UUID] = field(default_factory=list)
    samples: int = 0


def run_drive(desk: Desk, rng: random.Random, street: Street, start: datetime, phones: Phones,
              sites: int = 40) -> Drive:
    """Switch the street to war, staff and run the sites for 24 hours, then stand down. People answer their
    pages, check in and answer roll calls on their own phones; the pager escalates what nobody answers."""
    drive = _mobilize(desk, street, start)
    _open_sites(desk, rng, street, drive, start, sites)
    _staff(desk, rng, street, drive, start)
    _dispatch_task_forces(desk, street, drive, start, phones)
    _answer_pages(desk, phones, drive, start - 2 * HOUR)
    progress = Progress("running the 24-hour drive", 24)
    for hour in range(24):
        _run_hour(desk, rng, street, drive, start, hour, phones)
        progress.advance()
    progress.finish()
    _stand_down(desk, street, drive, start)
    return drive


def _mobilize(desk: Desk, street: Street, start: datetime) -> Drive:
    desk.at(start - 6 * HOUR)
    incident = desk.do("declare_incident", "Junhe mass testing drive, round 1", "mass_testing_drive", street.id,
                       reason="three confirmed cases in Shimaqiao Grid 1")
    assert incident is not None
    desk.do("escalate_incident", incident, 2, reason="cases in a second community")
    desk.do("switch_to_war", street.id, incident, WORKING_GROUPS, max_shift_hours=8, min_rest_hours=8,
            reason="whole-street testing ordered by the district command")
    desk.do("switch_to_war", street.grids[0].id, incident, ["sampling"], max_shift_hours=8, min_rest_hours=8,
            reason="grid already covered: this switch is refused")
    return Drive(incident)


def _open_sites(desk: Desk, rng: random.Random, street: Street, drive: Drive, start: datetime, count: int) -> None:
    desk.at(start - 3 * HOUR)
    for index, grid in enumerate(street.grids[:count]):
        lanes = 3 if index % 5 == 0 else 2
        site = desk.do("plan_testing_site", drive.incident, grid.id, f"Site {index + 1} ({grid.name})", lanes, POSTS)
        assert site is not None
        drive.sites.append(site)
        drive.site_lanes.append(lanes)
        if index == 0:
            desk.do("open_site", site)  # refused: no commander yet
        proposed = desk.app.load(TestingSite, site, "testing site").proposed_commander_id
        desk.do("appoint_site_commander", site, proposed or grid.leaders[0])
        desk.at(start - HOUR).do("open_site", site)
        desk.at(start - 3 * HOUR)
    desk.at(start - 2 * HOUR)
    for site_index, site in enumerate(drive.sites):
        for block in range(BLOCKS):
            begin = start + block * SHIFT
            for lane in range(1, drive.site_lanes[site_index] + 1):
                for post in POSTS:
                    shift = desk.do("schedule_shift", site, lane, post, begin, begin + SHIFT)
                    assert shift is not None
                    drive.slots.append(Slot(shift, site_index, lane, post, block))


def _staff(desk: Desk, rng: random.Random, street: Street, drive: Drive, start: datetime) -> None:
    leaders = {p for g in street.grids for p in g.leaders}
    pool = {post: [p for p, skills in street.skills.items() if post in skills and p not in leaders] for post in POSTS}
    lapsed = street.lapsed
    on_leave = pool["registrar"][:3]
    desk.at(start - 2 * HOUR)
    for away in on_leave:
        desk.do("set_availability", away, "on_leave", reason="sick leave")
    progress = Progress("staffing the shifts", len(drive.slots))
    for number, slot in enumerate(drive.slots):
        _try_refused_assignments(desk, street, drive, slot, number, lapsed, on_leave)
        person = _pick(rng, street, drive, pool[slot.post], slot, exclude=set(on_leave))
        if person is not None and desk.do("assign_to_shift", slot.shift, person):
            _book(drive, slot, person)
        progress.advance()
    progress.finish()


def _try_refused_assignments(desk: Desk, street: Street, drive: Drive, slot: Slot, number: int,
                             lapsed: list[UUID], on_leave: list[UUID]) -> None:
    """What real operators get wrong: the command refuses, the log keeps no trace of it."""
    if slot.block > 0 and number % 37 == 0:
        tired = next((s.person for s in drive.slots if s.block == slot.block - 1 and s.post == slot.post
                      and s.person is not None and slot.block not in drive.blocks_of[s.person]), None)
        refused = tired is not None and not desk.do("assign_to_shift", slot.shift, tired)
        if tired is not None and refused and number % 3 == 0 and desk.do("assign_to_shift", slot.shift, tired,
                                                   override_reason="no other qualified person within reach; "
                                                                   "commander approved"):
            _book(drive, slot, tired)
            desk.note("rest rule overridden")
    if slot.post == "sampler" and number % 29 == 0 and lapsed:
        desk.do("assign_to_shift", slot.shift, lapsed[number % len(lapsed)])
    if number % 53 == 0:
        busy = next((s.person for s in drive.slots if s.block == slot.block and s.person is not None
                     and s.post == slot.post), None)
        if busy is not None:
            desk.do("assign_to_shift", slot.shift, busy)
    if number == 11:
        desk.do("assign_to_shift", slot.shift, on_leave[0])


def _pick(rng: random.Random, street: Street, drive: Drive, pool: list[UUID], slot: Slot,
          exclude: set[UUID]) -> UUID | None:
    if slot.person is not None:
        return None
    community = street.grids[slot.site].community

    def fits(person: UUID) -> bool:
        blocks = drive.blocks_of.get(person, set())
        return person not in exclude and not any(abs(b - slot.block) <= 1 for b in blocks)

    candidates = [p for p in pool if fits(p)]
    if not candidates:
        return None
    fewest = min(len(drive.blocks_of.get(p, ())) for p in candidates)
    best = [p for p in candidates if len(drive.blocks_of.get(p, ())) == fewest]
    local = [p for p in best if street.home[p] == community] or best
    return local[rng.randrange(len(local))]


def _book(drive: Drive, slot: Slot, person: UUID) -> None:
    slot.person = person
    drive.blocks_of.setdefault(person, set()).add(slot.block)


def _dispatch_task_forces(desk: Desk, street: Street, drive: Drive, start: datetime, phones: Phones) -> None:
    desk.at(start - 2 * HOUR)
    unions = street.task_forces[1:12]
    for index, team in enumerate(unions):
        order = desk.do("dispatch", "task_force", team, drive.incident, "keep order at the site queue",
                        site_id=drive.sites[index * 3])
        if order is None:
            continue
        drive.orders.append(order)
        if index == 0:
            desk.do("arrive_on_scene", order)  # refused: not acknowledged, not en route
        if index in (4, 9):
            desk.do("decline_dispatch", order, reason="team already guarding the quarantine hotel")
            continue
        leader = _team_answers(desk, phones, order, team, start - 2 * HOUR, silent=1 if index == 2 else 0)
        phones.do(leader, "answer_dispatch", order, leader, "set-out", sent=start - HOUR)
        phones.do(leader, "answer_dispatch", order, leader, "arrive", sent=start - HOUR + 20 * MINUTE,
                  arrives=start - HOUR + 45 * MINUTE)  # no signal in the car park: sent when it came back
        desk.at(start - 2 * HOUR)
        if index == 6:
            desk.at(start + 3 * HOUR).do("recall_dispatch", order, reason="needed for an isolation transfer")
            desk.at(start - 2 * HOUR)
    street_team = street.task_forces[0]
    order = desk.do("dispatch", "task_force", street_team, drive.incident, "transfer close contacts to isolation")
    assert order is not None
    drive.orders.append(order)
    leader = _team_answers(desk, phones, order, street_team, start - 2 * HOUR)
    desk.do("dispatch", "task_force", street_team, drive.incident, "a second order while on the first")
    phones.do(leader, "answer_dispatch", order, leader, "set-out", sent=start - 2 * HOUR + 10 * MINUTE)
    phones.do(leader, "answer_dispatch", order, leader, "arrive", sent=start - HOUR)


def _team_answers(desk: Desk, phones: Phones, order: UUID, team: UUID, sent: datetime, silent: int = 0) -> UUID:
    """The team's leader acknowledges the dispatch from their phone, then each member their own page; the
    first `silent` members do not answer (the pager escalates them). Returns the leader."""
    force = desk.app.load(TaskForce, team, "task force")
    phones.do(force.leader_id, "answer_dispatch", order, force.leader_id, "acknowledge", sent=sent + 2 * MINUTE)
    members = [m for m in force.members if m != force.leader_id]
    for number, member in enumerate(members):
        if number < silent:
            continue
        phones.do(member, "answer_dispatch", order, member, "acknowledge", sent=sent + (3 + number % 6) * MINUTE)
    return force.leader_id


def _answer_pages(desk: Desk, phones: Phones, drive: Drive, sent: datetime) -> None:
    """Everyone put on a shift acknowledges its page within minutes, but a few; the pager's rounds send those
    to their grid leaders, one answers once called, and the rest reach the command center, whose operator
    reaches them by phone and answers for them (with the reason)."""
    filled = [slot for slot in drive.slots if slot.person is not None]
    progress = Progress("people acknowledging their pages", len(filled))
    for number, slot in enumerate(filled):
        assert slot.person is not None
        if number % 131 != 17:
            phones.acknowledge(slot.person, slot.shift, sent + (1 + number % 8) * MINUTE)
        progress.advance()
    progress.finish()
    phones.round(sent + 11 * MINUTE)
    views = phones.pager.runner.views
    phones.pager.runner.catch_up()
    escalated = paging.listing(views, "escalated", 1, str(drive.incident), None, 1000)
    if escalated:  # a grid leader rang them: they answer on their phone
        first = escalated[-1]
        if phones.do(UUID(first["person_id"]), "acknowledge_page", UUID(first["person_id"]), UUID(first["id"]),
                     sent=sent + 14 * MINUTE):
            phones.facts["answered once their grid leader called"] += 1
    phones.round(sent + 21 * MINUTE)
    phones.pager.runner.catch_up()
    for page in paging.listing(views, "escalated", 2, str(drive.incident), None, 1000):
        if desk.at(sent + 25 * MINUTE).do("acknowledge_page", UUID(page["person_id"]), UUID(page["id"]),
                                          reason="the command center reached them by phone"):
            phones.facts["answered by the operator"] += 1


def _run_hour(desk: Desk, rng: random.Random, street: Street, drive: Drive, start: datetime, hour: int,
              phones: Phones) -> None:
    moment = start + hour * HOUR
    if hour % 8 == 0:
        _begin_block(desk, rng, street, drive, start, hour // 8, phones)
    if hour == 10:
        _roll_call(desk, phones, drive, moment + 30 * MINUTE)
    if hour == 5:
        desk.at(moment + 10 * timedelta(minutes=1)).do("pause_site", drive.sites[7], reason="thunderstorm")
    if hour == 6:
        desk.at(moment + 20 * timedelta(minutes=1)).do("reopen_site", drive.sites[7], reason="storm passed")
    desk.at(moment + HOUR + 5 * timedelta(minutes=1))
    for index, site in enumerate(drive.sites):
        samples = 0 if (index == 7 and hour == 5) else drive.site_lanes[index] * rng.randint(90, 160)
        if desk.do("report_tally", site, moment, samples):
            drive.samples += samples
    if hour % 8 == 7:
        _end_block(desk, rng, drive, start, hour // 8)


def _begin_block(desk: Desk, rng: random.Random, street: Street, drive: Drive, start: datetime, block: int,
                 phones: Phones) -> None:
    begin = start + block * SHIFT
    slots = [s for s in drive.slots if s.block == block and s.person is not None]
    for number, slot in enumerate(slots):
        assert slot.person is not None
        roll = rng.random()
        if roll < 0.03:
            _replace_no_show(desk, rng, street, drive, slot, begin, phones)
            continue
        late = roll < 0.07
        minutes = rng.randint(5, 45) if late else -rng.randint(0, 25)
        if number == 3:
            phones.do(slot.person, "check_in_from_field", slot.shift, slot.person, sent=begin - 2 * HOUR)  # too early
        if number == 5:
            desk.at(begin).do("check_in", slot.shift, slots[0].person)  # refused: not assigned here
            desk.do("check_out", slot.shift, slot.person)  # refused: not checked in yet
        sent = begin + minutes * MINUTE
        arrives = sent + (25 + number % 20) * MINUTE if number % 17 == 4 else None  # in a stairwell, no signal
        if block == 2 and number == 9:
            arrives = begin + SHIFT + 10 * MINUTE  # the phone came back online after the shift: refused
        if phones.do(slot.person, "check_in_from_field", slot.shift, slot.person, sent=sent, arrives=arrives):
            slot.checked_in = True
            phones.facts["check-ins by the person"] += 1
            desk.note("late check-ins" if late else "on-time check-ins")


def _replace_no_show(desk: Desk, rng: random.Random, street: Street, drive: Drive, slot: Slot,
                     begin: datetime, phones: Phones) -> None:
    absent = slot.person
    assert absent is not None
    desk.at(begin + 15 * timedelta(minutes=1)).do("record_no_show", slot.shift, absent)
    desk.note("no-shows")
    desk.do("unassign_from_shift", slot.shift, absent, reason="no-show: replacing")
    drive.blocks_of[absent].discard(slot.block)
    slot.person = None
    pool = [p for p, skills in street.skills.items() if slot.post in skills and p != absent]
    stand_in = _pick(rng, street, drive, pool, slot, exclude={p for g in street.grids for p in g.leaders})
    if stand_in is not None and desk.do("assign_to_shift", slot.shift, stand_in, reason="stand-in for a no-show"):
        _book(drive, slot, stand_in)
        phones.acknowledge(stand_in, slot.shift, begin + 18 * MINUTE)
        if phones.do(stand_in, "check_in_from_field", slot.shift, stand_in, sent=begin + 40 * MINUTE):
            slot.checked_in = True
            phones.facts["check-ins by the person"] += 1
            desk.note("stand-ins for no-shows")


def _roll_call(desk: Desk, phones: Phones, drive: Drive, at: datetime) -> None:
    """Site 1's commander calls the roll from their phone; everyone on duty answers from theirs, one from a
    stairwell whose answer arrives when the signal returns; the commander closes it with all accounted for."""
    site = drive.sites[0]
    commander = desk.app.load(TestingSite, site, "testing site").commander_id
    called = commander is not None and phones.do(commander, "call_roll", site, commander, sent=at,
                                                 reason="gas smell near lane 2")
    if not called or commander is None:
        return
    calls = desk.app.roll_call(site)
    assert calls is not None
    for number, person in enumerate(calls.roll):
        sent = at + (1 + number % 5) * MINUTE
        phones.do(UUID(person), "answer_roll", site, UUID(person), sent=sent,
                  arrives=sent + 12 * MINUTE if number == 1 else None)
    phones.do(commander, "close_roll", site, commander, sent=at + 20 * MINUTE)
    closed = desk.app.roll_call(site)
    assert closed is not None
    status = closed.status(at + 20 * MINUTE)
    slowest = max((a["after_seconds"] for a in status["accounted"]), default=0)
    phones.facts[f"roll call of site 1: {len(status['accounted'])} of {len(calls.roll)} accounted for, "
                 f"the last after {slowest // 60} min"] += 1


def _end_block(desk: Desk, rng: random.Random, drive: Drive, start: datetime, block: int) -> None:
    end = start + (block + 1) * SHIFT
    by_post = {(s.site, s.lane, s.post): s for s in drive.slots if s.block == block + 1}
    for slot in (s for s in drive.slots if s.block == block and s.checked_in):
        assert slot.person is not None
        desk.at(end + rng.randint(0, 10) * timedelta(minutes=1)).do("check_out", slot.shift, slot.person)
        following = by_post.get((slot.site, slot.lane, slot.post))
        if following is not None:
            desk.do("hand_over", slot.shift, following.shift, notes="queue length normal; swabs restocked")


def _stand_down(desk: Desk, street: Street, drive: Drive, start: datetime) -> None:
    desk.at(start + 24 * HOUR + 30 * timedelta(minutes=1))
    for order in _open_orders(desk, drive):
        desk.do("release_dispatch", order)
    for site in drive.sites:
        desk.do("close_site", site, reason="drive complete")
    desk.do("dissolve_temporary_branch", street.task_forces[0], reason="mission complete")
    desk.do("stand_down", street.grids[0].id, drive.incident,  # refused: in war through the street, named to stand down
            reason="grid 1 done early")
    desk.do("stand_down", street.id, drive.incident, reason="all samples negative in round 1")
    desk.do("close_incident", drive.incident, reason="round 1 complete")
    desk.do("dispatch", "task_force", street.task_forces[1], drive.incident, "late order")  # refused: closed


def _open_orders(desk: Desk, drive: Drive) -> list[UUID]:
    return [order for order in drive.orders if desk.app.load(Dispatch, order, "dispatch").state == "on_scene"]
