"""Testing sites (核酸检测点): lanes, posts per lane, a commander, and hourly sample tallies."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import event

from mobilize.domain.base import (
    InvalidCommand,
    MobilizeAggregate,
    RuleViolated,
    aware,
    require,
)
from mobilize.domain.vocabulary import Post, Skill

POSTS = {post.value: Skill(post.value).value for post in Post}
"""Each post and the qualification it needs (采样, 登记, 秩序维护, 急救, 消杀, 司机)."""


class NoCommander(RuleViolated):
    """Raised when a site is opened before a commander is appointed."""

    rule = "site_needs_commander"


class SiteStateRefused(RuleViolated):
    """Raised when a site is asked to do something its state does not allow."""

    rule = "site_state"


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

    def _require_state(self, *states: str, doing: str) -> None:
        require(self.state in states, SiteStateRefused, f"site {self.name} is {self.state}; cannot {doing}",
                site=self.name, state=self.state, allowed_states=list(states))

    def has_post(self, lane: int, post: str) -> bool:
        """Whether the site has `post` on lane number `lane` (counted from 1)."""
        return 1 <= lane <= self.lanes and post in self.posts

    def appoint_commander(self, person_id: UUID) -> None:
        """Appoint the site commander; required before the site opens."""
        self._require_state("planned", "open", "paused", doing="appoint a commander")
        require(person_id != self.commander_id, RuleViolated, "that person already commands the site",
                site=self.name)
        self._appoint_commander(person_id=person_id)

    @event("CommanderAppointed")
    def _appoint_commander(self, person_id: UUID) -> None:
        self.commander_id = person_id

    def open(self) -> None:
        """Open the site to the public."""
        self._require_state("planned", doing="open")
        require(self.commander_id is not None, NoCommander, f"site {self.name} has no commander; appoint one first",
                site=self.name, proposed_commander_id=self.proposed_commander_id)
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


