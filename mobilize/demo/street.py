"""A street at Junhe scale: 11 communities, ~50 grids, ~1,000 people, 1+1+5+N task forces."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from mobilize.demo.desk import Desk
from mobilize.progress import Progress

COMMUNITIES = ("Shimaqiao", "Qinghu", "Luogang", "Xinshi", "Junhe", "Zhangcun", "Shima", "Pingsha",
               "Jiahe", "Huangbian", "Liangtian")
SURNAMES = ("Li", "Wang", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma",
            "Zhu", "Hu", "Guo", "He", "Lin", "Luo", "Liang", "Tan", "Deng", "Feng", "Cai", "Peng")
GIVEN = ("Wei", "Fang", "Min", "Jing", "Li", "Qiang", "Lei", "Jun", "Yang", "Yong", "Yan", "Jie", "Tao",
         "Ming", "Chao", "Xia", "Ping", "Gang", "Hui", "Hong", "Bo", "Ning", "Xin", "Lin", "Hao", "Yu")
HOME_UNITS = ("District Tax Bureau", "Baiyun Water Company", "District Court", "No. 3 Middle School",
              "Street Health Centre", "District Housing Bureau", "Baiyun Power Supply", "District Archives")

GRID_PEOPLE = (
    # (roles, qualifications, how many per grid)
    (["grid_worker_full_time"], ["registrar", "marshal"], 2),
    (["grid_worker_part_time"], ["registrar"], 2),
    (["dual_registered_party_member"], ["registrar", "marshal"], 3),
    (["dual_registered_party_member"], ["marshal", "driver"], 2),
    (["volunteer"], ["marshal"], 2),
    (["volunteer"], ["registrar", "first_aid"], 2),
    (["building_leader"], ["marshal"], 2),
    (["medical_staff"], ["sampler", "first_aid"], 3),
)
"""Eighteen people per grid besides its two leaders: twenty a grid, a thousand a street."""


@dataclass
class Grid:
    """One grid of the demo street, with the ids the drive needs."""

    id: UUID
    name: str
    community: int
    leaders: list[UUID] = field(default_factory=list)
    members: dict[str, list[UUID]] = field(default_factory=dict)
    """The grid's people by their first role (the peace week picks its visitors and building leaders here)."""


@dataclass
class Street:
    """The ids and qualifications of everything built, for the drive to draw on."""

    id: UUID
    communities: list[UUID] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)
    skills: dict[UUID, list[str]] = field(default_factory=dict)
    home: dict[UUID, int] = field(default_factory=dict)
    task_forces: list[UUID] = field(default_factory=list)
    names: dict[UUID, str] = field(default_factory=dict)
    lapsed: list[UUID] = field(default_factory=list)


def build_street(desk: Desk, rng: random.Random, start: datetime, grids_per_street: int = 50,
                 ahead: timedelta = timedelta(days=2)) -> Street:
    """Build the tree and register its people, all in peace time, `ahead` of the drive."""
    desk.at(start - ahead)
    street_id = desk.do("establish_unit", "Junhe Street", "street", reason="street registry")
    assert street_id is not None
    street = Street(street_id)
    progress = Progress("building Junhe street", grids_per_street)
    for name in COMMUNITIES:
        community_id = desk.do("establish_unit", f"{name} Community", "community", street_id)
        assert community_id is not None
        street.communities.append(community_id)
    for number in range(grids_per_street):
        community = number % len(COMMUNITIES)
        grid_id = desk.do("establish_unit", f"{COMMUNITIES[community]} Grid {number // len(COMMUNITIES) + 1}",
                          "grid", street.communities[community])
        assert grid_id is not None
        grid = Grid(grid_id, f"grid {number + 1}", community)
        street.grids.append(grid)
        for building in (1, 2):
            desk.do("establish_unit", f"Building {building} of grid {number + 1}", "building", grid_id)
        _register_grid(desk, rng, street, grid, start)
        progress.advance()
    progress.finish()
    _form_task_forces(desk, rng, street)
    return street


def _register_grid(desk: Desk, rng: random.Random, street: Street, grid: Grid, start: datetime) -> None:
    secretary = _register(desk, rng, street, grid, ["first_secretary", "grid_leader"], ["registrar", "marshal"], start)
    head = _register(desk, rng, street, grid, ["grid_leader"], ["marshal"], start)
    desk.do("appoint_grid_leader", grid.id, "first_secretary", secretary)
    desk.do("appoint_grid_leader", grid.id, "cooperative_head", head)
    grid.leaders = [secretary, head]
    for roles, skills, count in GRID_PEOPLE:
        for _ in range(count):
            _register(desk, rng, street, grid, roles, skills, start)


def _id_number(phone: str) -> str:
    """A made-up resident ID number (Baiyun district, Guangzhou), from the phone: no draw of the seeded
    generator, so the demo plays as before."""
    digits = [int(d) for d in phone]
    birth = f"{1960 + (digits[-1] * 10 + digits[-2]) % 45}{digits[-3] % 9 + 1:02d}{digits[-4] % 9 + 10:02d}"
    return f"440111{birth}{phone[-3:]}{'0123456789X'[sum(digits) % 11]}"


def _register(desk: Desk, rng: random.Random, street: Street, grid: Grid, roles: list[str], skills: list[str],
              start: datetime) -> UUID:
    name = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}{rng.choice(GIVEN).lower()}"
    valid = {skill: start + timedelta(days=rng.randint(60, 700)) for skill in skills}
    if "sampler" in valid and rng.random() < 0.04:
        valid["sampler"] = start - timedelta(days=rng.randint(1, 90))  # lapsed: the scheduler will trip on it
    home_unit = rng.choice(HOME_UNITS) if "dual_registered_party_member" in roles else None
    phone = f"138{rng.randint(0, 99_999_999):08d}"
    person = desk.do("register_person", name, roles, grid.id, home_unit=home_unit, phone=phone,
                     id_number=_id_number(phone), qualifications=valid)
    assert person is not None
    street.skills[person] = [s for s, until in valid.items() if until > start + timedelta(days=1)]
    street.home[person] = grid.community
    if "sampler" in valid and "sampler" not in street.skills[person]:
        street.lapsed.append(person)
    street.names[person] = name
    grid.members.setdefault(roles[0], []).append(person)
    return person


def _form_task_forces(desk: Desk, rng: random.Random, street: Street) -> None:
    """1+1+5+N: the street team, one per union (community), five cooperative-grid teams, two in new organisations."""
    people = list(street.skills)
    teams = [("Junhe Party–Mass Emergency Task Force", "street", street.id)]
    teams += [(f"{COMMUNITIES[i]} Union Task Force", "union", cid) for i, cid in enumerate(street.communities)]
    teams += [(f"{g.name.title()} Cooperative Task Force", "cooperative_grid", g.id) for g in street.grids[:5]]
    teams += [("Logistics Park Volunteer Team", "new_organisation", street.id),
              ("Delivery Riders Volunteer Team", "new_organisation", street.id)]
    secretary = None
    for index, (name, tier, unit) in enumerate(teams):
        members = rng.sample(people, 96 if index == 0 else 8)  # the 2020 call-up drew almost 100 in 3 hours
        secretary = secretary or members[1]
        team = desk.do("form_task_force", name, tier, unit, members[0], f"Flag No. {index + 1}")
        assert team is not None
        street.task_forces.append(team)
        for member in members[1:]:
            desk.do("enlist", team, member)
    desk.do("set_up_temporary_branch", street.task_forces[0], "Temporary Branch of the Junhe Task Force", secretary)
