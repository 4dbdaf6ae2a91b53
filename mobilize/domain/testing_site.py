"""Testing sites (核酸检测点): lanes, posts per lane, a commander, and hourly sample tallies."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import event

from mobilize.domain.base import (
    InvalidCommand,
    MobilizeAggregate,
    RuleViolated,
    aware,
    require,
)
from mobilize.domain.vocabulary import Post, Skill, zh

POSTS = {post.value: Skill(post.value).value for post in Post}
"""Each post and the qualification it needs (采样, 登记, 秩序维护, 急救, 消杀, 司机)."""


class NoCommander(RuleViolated):
    """Raised when a site is opened before a commander is appointed."""

    rule = "site_needs_commander"


class SiteStateRefused(RuleViolated):
    """Raised when a site is asked to do something its state does not allow."""

    rule = "site_state"


DOING_ZH = {"appoint a commander": "任命指挥长", "open": "开设", "pause": "暂停", "reopen": "恢复开放", "close": "关闭",
            "report a tally": "录入采样数"}
"""What a site refuses to do in a state, said in Chinese."""


class TestingSite(MobilizeAggregate):
    """A site of a testing drive in one grid, commanded by one person (指挥长)."""

    __test__ = False  # not a pytest test class, despite the name

    @event("Planned")
    def __init__(self, name: str, incident_id: UUID, grid_id: UUID, lanes: int, posts: dict[str, int],
                 proposed_commander_id: UUID | None) -> None:
        self.name = name
        self.incident_id = incident_id
        self.grid_id = grid_id
        self.lanes = lanes
        self.posts = posts
        self.proposed_commander_id = proposed_commander_id
        self.commander_id: UUID | None = None
        self.state = "planned"
        self.tallies: dict[str, int] = {}

    @classmethod
    def plan(cls, name: str, incident_id: UUID, grid_id: UUID, lanes: int, posts: dict[str, int],
             proposed_commander_id: UUID | None) -> TestingSite:
        """Plan a site with `lanes` lanes, each staffed with `posts` (post → headcount)."""
        require(bool(name.strip()), InvalidCommand, "a site needs a name", field="name")
        require(1 <= lanes <= 50, InvalidCommand, "a site has between 1 and 50 lanes", lanes=lanes)
        require(bool(posts), InvalidCommand, "a lane needs at least one post", field="posts")
        unknown = [p for p in posts if p not in POSTS]
        require(not unknown, InvalidCommand, f"unknown posts; known posts are {', '.join(POSTS)}", posts=unknown)
        require(all(1 <= n <= 20 for n in posts.values()), InvalidCommand,
                "each post needs between 1 and 20 people per lane", posts=posts)
        return cls(name.strip(), incident_id, grid_id, lanes, dict(posts), proposed_commander_id)

    def _require_state(self, *states: str, doing: str) -> None:  # doing: a key of DOING_ZH
        require(self.state in states, SiteStateRefused, f"site {self.name} is {self.state}; cannot {doing}",
                site=self.name, state=self.state, allowed_states=list(states),
                zh=f"检测点{self.name}{zh(self.state)}，不能{DOING_ZH.get(doing, '执行此操作')}")

    def has_post(self, lane: int, post: str) -> bool:
        """Whether the site has `post` on lane number `lane` (counted from 1)."""
        return 1 <= lane <= self.lanes and post in self.posts

    def appoint_commander(self, person_id: UUID) -> None:
        """Appoint the site commander; required before the site opens."""
        self._require_state("planned", "open", "paused", doing="appoint a commander")
        require(person_id != self.commander_id, RuleViolated, "that person already commands the site",
                site=self.name, zh="此人已是该检测点的指挥长")
        self._appoint_commander(person_id=person_id)

    @event("CommanderAppointed")
    def _appoint_commander(self, person_id: UUID) -> None:
        self.commander_id = person_id

    def open(self) -> None:
        """Open the site to the public."""
        self._require_state("planned", doing="open")
        require(self.commander_id is not None, NoCommander, f"site {self.name} has no commander; appoint one first",
                site=self.name, proposed_commander_id=self.proposed_commander_id,
                zh=f"检测点{self.name}尚无指挥长：请先任命")
        self._open()

    @event("Opened")
    def _open(self) -> None:
        self.state = "open"

    def pause(self) -> None:
        """Pause sampling (weather, shortage, disinfection)."""
        self._require_state("open", doing="pause")
        self._pause()

    @event("Paused")
    def _pause(self) -> None:
        self.state = "paused"

    def reopen(self) -> None:
        """Resume sampling after a pause."""
        self._require_state("paused", doing="reopen")
        self._reopen()

    @event("Reopened")
    def _reopen(self) -> None:
        self.state = "open"

    def close(self) -> None:
        """Close the site for good."""
        self._require_state("planned", "open", "paused", doing="close")
        self._close()

    @event("Closed")
    def _close(self) -> None:
        self.state = "closed"

    def report_tally(self, hour: datetime, samples: int) -> None:
        """Report the samples taken in the hour starting at `hour`; a second report corrects the first."""
        self._require_state("open", "paused", "closed", doing="report a tally")
        hour = aware(hour, "hour")
        require(hour == hour.replace(minute=0, second=0, microsecond=0), InvalidCommand,
                "a tally covers a whole hour: give the hour's start", hour=hour)
        require(0 <= samples <= 100_000, InvalidCommand, "samples must be between 0 and 100000", samples=samples)
        self._report_tally(hour=hour, samples=samples, correction=hour.isoformat() in self.tallies)

    @event("TallyReported")
    def _report_tally(self, hour: datetime, samples: int, correction: bool) -> None:
        self.tallies[hour.isoformat()] = samples

    @property
    def samples(self) -> int:
        """Samples taken so far, corrections applied."""
        return sum(self.tallies.values())




class PostPlanExceeded(RuleViolated):
    """Raised when a shift would put more people on a lane's post at once than the site's plan has."""

    rule = "post_plan_exceeded"


ROTA_NAMESPACE = UUID("0b6c2f4e-8d3a-4c61-9e7b-5a2f1d3c4b70")
"""The namespace of rota ids: a site's rota is uuid5 of the site's id, so anyone can find it."""


class SiteRota(MobilizeAggregate):
    """Which shifts hold which lane's post when, at one site: the record that makes the post plan a limit.

    Every shift scheduled at the site reserves its lane's post for its window here, in the same commit as the
    shift; two schedules racing for one post collide on this record, and the second runs again and sees the
    first. Kept apart from the site itself, so that a schedule does not disturb check-ins and assignments,
    which read the site (is it closed?) but not its rota.
    """

    @staticmethod
    def create_id(site_id: UUID) -> UUID:
        """The rota of a site has an id derived from the site's."""
        return uuid5(ROTA_NAMESPACE, str(site_id))

    @event("Started")
    def __init__(self, site_id: UUID) -> None:
        self.site_id = site_id
        self.reservations: list[dict[str, Any]] = []

    def occupancy(self, lane: int, post: str, start: datetime, end: datetime) -> int:
        """The most people already reserved at once on the lane's post within [start, end)."""
        held = [r for r in self.reservations
                if r["lane"] == lane and r["post"] == post and r["start"] < end and start < r["end"]]
        moments = [start, *(r["start"] for r in held if r["start"] > start)]
        return max((sum(r["slots"] for r in held if r["start"] <= m < r["end"]) for m in moments), default=0)

    def reserve(self, site: TestingSite, shift_id: UUID, lane: int, post: str, start: datetime, end: datetime,
                slots: int) -> None:
        """Reserve `slots` places on the lane's post for the window; refused beyond the site's plan."""
        planned = site.posts.get(post, 0)
        already = self.occupancy(lane, post, start, end)
        require(already + slots <= planned, PostPlanExceeded,
                f"site {site.name} plans {planned} {post} per lane; lane {lane} already has {already} "
                f"at once in that window, so {slots} more would exceed the plan",
                site=site.name, lane=lane, post=post, planned=planned, already=already, asked=slots,
                zh=f"检测点{site.name}每个通道规划 {planned} 名{zh(post)}；"
                   f"{lane} 号通道该时段已有 {already} 名，再加 {slots} 名将超出规划")
        self._reserve(shift_id=shift_id, lane=lane, post=post, start=start, end=end, slots=slots)

    @event("PostReserved")
    def _reserve(self, shift_id: UUID, lane: int, post: str, start: datetime, end: datetime, slots: int) -> None:
        self.reservations.append({"shift_id": shift_id, "lane": lane, "post": post, "start": start, "end": end,
                                  "slots": slots})
