"""What the directory's routes answer: the rows of each list, typed so that the console and OpenAPI know them."""

from __future__ import annotations

from datetime import datetime
from typing import Generic, Literal, TypeVar
from uuid import UUID

from pydantic import BaseModel

Row = TypeVar("Row")


class Paged(BaseModel, Generic[Row]):
    """One page of a list: the rows, how many match in all, and the page asked for."""

    items: list[Row]
    total: int
    limit: int
    offset: int


class Leader(BaseModel):
    """One of a grid's dual leaders (双网格长)."""

    seat: str
    person_id: UUID
    name: str | None


class Policy(BaseModel):
    """The wartime policy in force: the strictest of every switch over the unit."""

    max_shift_hours: float
    min_rest_hours: float


class War(BaseModel):
    """A switch to war in force over a unit, on the unit itself or an ancestor (`unit_id`)."""

    unit_id: UUID
    incident_id: UUID
    exercise: bool
    working_groups: list[str]
    max_shift_hours: float
    min_rest_hours: float
    since: datetime


class Unit(BaseModel):
    """An org unit, its leaders and its mode; `inherited_from` names the ancestor whose war covers it."""

    id: UUID
    name: str
    kind: str
    parent_id: UUID | None
    grid_level: int | None
    mode: Literal["peace", "war"]
    incident_id: UUID | None
    exercise: bool
    inherited_from: UUID | None
    working_groups: list[str]
    policy: Policy | None
    leaders: list[Leader]
    wars: list[War]
    depth: int
    path: list[str]


class Node(Unit):
    """An org unit in the tree, with the units under it."""

    children: list[Node]


class OrgTree(BaseModel):
    """The tree from the caller's scope unit (or every top unit) down."""

    roots: list[Node]


class IncidentRow(BaseModel):
    """An incident or a drill (`exercise`)."""

    id: UUID
    title: str
    kind: str
    level: int
    state: Literal["open", "closed"]
    exercise: bool
    scope_unit_id: UUID
    scope_name: str
    declared_at: datetime
    closed_at: datetime | None


class Tally(BaseModel):
    """The samples taken in one hour."""

    hour: datetime
    samples: int


class SiteRow(BaseModel):
    """A testing site: lanes, posts per lane, commander (and the one proposed), state, tallies."""

    id: UUID
    name: str
    incident_id: UUID
    incident_title: str
    exercise: bool
    grid_id: UUID
    grid_name: str
    lanes: int
    posts: dict[str, int]
    state: Literal["planned", "open", "paused", "closed"]
    commander_id: UUID | None
    commander_name: str | None
    proposed_commander_id: UUID | None
    proposed_commander_name: str | None
    samples_total: int
    last_tally: Tally | None


class OnShift(BaseModel):
    """A person on a shift: assigned, checked in, checked out or a no-show."""

    person_id: UUID
    name: str
    status: Literal["assigned", "checked_in", "checked_out", "no_show"]


class ShiftRow(BaseModel):
    """A shift at a lane's post; `filled` counts its people but no-shows, `short` when fewer than `slots`."""

    id: UUID
    site_id: UUID
    site_name: str
    incident_id: UUID
    exercise: bool
    grid_id: UUID
    lane: int
    post: str
    skill: str
    start: datetime
    end: datetime
    slots: int
    filled: int
    short: bool
    people: list[OnShift]
    state: Literal["upcoming", "running", "ended"]


class Qualification(BaseModel):
    """A skill and until when it is valid."""

    skill: str
    valid_until: datetime


class PersonRow(BaseModel):
    """A person as lists show them: never a phone, an ID number or a home unit (`GET /people/{id}` shows those to the
    entitled)."""

    id: UUID
    name: str
    roles: list[str]
    home_grid_id: UUID | None
    home_grid_name: str | None
    availability: str
    qualifications: list[Qualification]
    activity: Literal["free", "on_shift", "on_dispatch", "resting"]


class Member(BaseModel):
    """A member of a task force."""

    person_id: UUID
    name: str | None


class Branch(BaseModel):
    """A temporary party branch (临时党支部) set up on a task force."""

    name: str
    secretary_id: UUID


class TaskForceRow(BaseModel):
    """A task force: its unit, flag, leader, members, temporary branch and live dispatch."""

    id: UUID
    name: str
    tier: str
    unit_id: UUID
    unit_name: str
    flag: str
    leader_id: UUID
    leader_name: str | None
    members: list[Member]
    member_count: int
    branch: Branch | None
    state: Literal["ready", "dispatched", "disbanded"]
    dispatch_id: UUID | None
