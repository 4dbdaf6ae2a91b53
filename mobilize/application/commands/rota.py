"""The bulk rota: a site's posts scheduled over a span in one command, every shift or none of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid5

from mobilize.application.commands.shifts import ShiftCommands
from mobilize.application.service import command
from mobilize.domain.base import (
    DomainError,
    InvalidCommand,
    RuleViolated,
    aware,
    current_context,
    require,
)
from mobilize.domain.incident import Incident
from mobilize.domain.shift import Shift
from mobilize.domain.testing_site import POSTS, TestingSite

ROTA_NAMESPACE = UUID("5d0e7c3a-2b19-4f6e-8a41-93c7e2d1b6f8")
"""The namespace of rota ids: a rota's id is uuid5 of the command's id, its shifts' ids uuid5 of the rota's."""

MIN_SHIFT_HOURS = 0.5
"""The shortest shift a rota cuts: half an hour (a shorter one is a typo, and a vanishing one cuts nothing)."""

MAX_ROTA_SHIFTS = 2_000
"""The most shifts one rota schedules: a week of 8-hour shifts at 50 lanes of 6 posts is 1,050."""


class RotaRefused(RuleViolated):
    """Raised when any shift of a rota is refused; the facts list every refused shift, and nothing is written."""

    rule = "rota_refused"


@dataclass(frozen=True)
class Window:
    """One shift a rota would schedule: a lane's post for a window, with the site's planned headcount."""

    lane: int
    post: str
    start: datetime
    end: datetime
    slots: int

    def shift_id(self, rota_id: UUID) -> UUID:
        """The id this window's shift has in the rota `rota_id`."""
        return uuid5(rota_id, f"{self.lane}/{self.post}/{self.start.isoformat()}")

    def described(self) -> dict[str, Any]:
        """The window as a refusal names it."""
        return {"lane": self.lane, "post": self.post, "start": self.start.isoformat(), "end": self.end.isoformat()}


def rota_windows(site: TestingSite, start: datetime, end: datetime, shift_hours: float,
                 lanes: list[int] | None = None, posts: list[str] | None = None) -> list[Window]:
    """The shifts a rota of the site would schedule: each lane (all by default) and post (those of the site's
    plan by default) over [start, end) in consecutive shifts of `shift_hours`, each for the planned headcount."""
    start, end = aware(start, "start"), aware(end, "end")
    require(start < end, InvalidCommand, "a rota must end after it starts", field="end", start=start, end=end)
    require(MIN_SHIFT_HOURS <= shift_hours <= 24, InvalidCommand,
            f"shift_hours must be between {MIN_SHIFT_HOURS:g} and 24", field="shift_hours", shift_hours=shift_hours)
    length = timedelta(hours=shift_hours)
    count, rest = divmod(end - start, length)
    require(not rest, InvalidCommand, f"the span of {(end - start) / timedelta(hours=1):g} hours is not a whole "
            f"number of {shift_hours:g}-hour shifts", field="end", start=start, end=end, shift_hours=shift_hours)
    lanes = list(range(1, site.lanes + 1)) if lanes is None else lanes
    posts = list(site.posts) if posts is None else posts
    require(bool(lanes) and len(set(lanes)) == len(lanes), InvalidCommand, "lanes: name each lane once",
            field="lanes", lanes=lanes)
    outside = [lane for lane in lanes if not 1 <= lane <= site.lanes]
    require(not outside, InvalidCommand, f"site {site.name} has lanes 1 to {site.lanes}", field="lanes",
            lanes=outside)
    require(bool(posts) and len(set(posts)) == len(posts), InvalidCommand, "posts: name each post once",
            field="posts", posts=posts)
    unplanned = [post for post in posts if post not in site.posts]
    require(not unplanned, InvalidCommand, f"site {site.name} plans no such posts; its posts are "
            f"{', '.join(site.posts)}", field="posts", posts=unplanned)
    total = count * len(lanes) * len(posts)
    require(total <= MAX_ROTA_SHIFTS, InvalidCommand, f"a rota of {total} shifts is more than the "
            f"{MAX_ROTA_SHIFTS} one command schedules; split the span", field="end", shifts=total)
    return [Window(lane, post, start + k * length, start + (k + 1) * length, site.posts[post])
            for lane in lanes for post in posts for k in range(count)]


def rota_id_of(command_id: str) -> UUID:
    """The id of the rota a command schedules: a retry of the command names the same rota and shifts."""
    return uuid5(ROTA_NAMESPACE, command_id)


class RotaCommands(ShiftCommands):
    """Schedule a whole rota at once."""

    @command
    def schedule_rota(self, site_id: UUID, start: datetime, end: datetime, shift_hours: float,
                      lanes: list[int] | None = None, posts: list[str] | None = None) -> UUID:
        """Schedule the site's posts over a span (e.g. 24 h in 8-hour shifts), each shift its own events, all
        saved together; if any shift is refused, none is scheduled and every refusal is named. Returns the
        rota's id (`Window.shift_id` gives its shifts' ids)."""
        site = self.load(TestingSite, site_id, "testing site")
        require(site.state != "closed", RuleViolated, f"site {site.name} is closed", site=site.name,
                zh=f"检测点{site.name}已关闭")
        self.load(Incident, site.incident_id, "incident").require_open()
        windows = rota_windows(site, start, end, shift_hours, lanes, posts)
        rota_id = rota_id_of(current_context.get().command_id)
        rota = self._rota(site.id)
        shifts: list[Shift] = []
        refused: list[dict[str, Any]] = []
        for window in windows:
            try:
                shift = Shift.schedule(site.id, site.incident_id, site.grid_id, window.lane, window.post,
                                       POSTS[window.post], window.start, window.end, window.slots,
                                       shift_id=window.shift_id(rota_id))
                rota.reserve(site, shift.id, window.lane, window.post, shift.start, shift.end, window.slots)
            except DomainError as error:
                refused.append({**window.described(), "error": error.rule, "message": error.message,
                                "facts": error.facts})
                continue
            shifts.append(shift)
        require(not refused, RotaRefused, f"{len(refused)} of the {len(windows)} shifts of this rota are refused; "
                "none was scheduled", site=site.name, shifts=len(windows), refused=refused,
                zh=f"本排班的 {len(windows)} 个班次中有 {len(refused)} 个被拒绝：未生成任何班次")
        return self.commit(*shifts, rota, result=rota_id)
