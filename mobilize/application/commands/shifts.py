"""Commands on shifts: scheduling, assignment (person and shift saved together), check-in and out."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from mobilize.application.commands.organisation import OrganisationCommands
from mobilize.application.commands.paging import PagingCommands, shift_text
from mobilize.application.service import command
from mobilize.domain.base import InvalidCommand, NotFound, RuleViolated, require
from mobilize.domain.incident import Incident
from mobilize.domain.organisation import WartimePolicy
from mobilize.domain.person import Person
from mobilize.domain.shift import Shift
from mobilize.domain.testing_site import POSTS, SiteRota, TestingSite
from mobilize.domain.vocabulary import zh


class ShiftCommands(OrganisationCommands, PagingCommands):
    """Schedule shifts at site posts and put people on them."""

    @command
    def schedule_shift(self, site_id: UUID, lane: int, post: str, start: datetime, end: datetime,
                       slots: int = 1) -> UUID:
        """Schedule a window of duty at one post of one lane of a site."""
        site = self.load(TestingSite, site_id, "testing site")
        require(site.state != "closed", RuleViolated, f"site {site.name} is closed", site=site.name,
                zh=f"检测点{site.name}已关闭")
        require(site.has_post(lane, post), InvalidCommand, f"site {site.name} has no {post} post on lane {lane}",
                site=site.name, lanes=site.lanes, posts=list(site.posts),
                zh=f"检测点{site.name}的 {lane} 号通道没有{zh(post)}岗位")
        self.load(Incident, site.incident_id, "incident").require_open()
        shift = Shift.schedule(site.id, site.incident_id, site.grid_id, lane, post, POSTS[post], start, end, slots)
        rota = self._rota(site.id)
        rota.reserve(site, shift.id, lane, post, shift.start, shift.end, slots)
        return self.commit(shift, rota, result=shift.id)

    def _rota(self, site_id: UUID) -> SiteRota:
        """The site's rota, started if this is its first shift (two first shifts collide, and one runs again)."""
        try:
            return self.load(SiteRota, SiteRota.create_id(site_id), "site rota")
        except NotFound:
            return SiteRota(site_id)

    @command
    def assign_to_shift(self, shift_id: UUID, person_id: UUID, override_reason: str | None = None) -> UUID:
        """Put a person on a shift; wartime limits apply unless overridden with a written reason. The person is
        paged in the same command."""
        shift = self.load(Shift, shift_id, "shift")
        person = self.load(Person, person_id, "person")
        policy = self.staffing_policy(shift)
        overridden = person.book(shift.id, shift.start, shift.end, shift.skill, policy, override_reason)
        shift.assign(person.id, overridden, override_reason if overridden else None)
        site = self.load(TestingSite, shift.site_id, "testing site")
        title, body = shift_text(site.name, shift.lane, shift.post, shift.start, shift.end)
        exercise = self.load(Incident, shift.incident_id, "incident").exercise
        return self.commit(shift, person, self.page(person, "shift", shift.id, shift.incident_id, exercise, title, body,
                                                     self.answering_unit(person, shift.grid_id)))

    def staffing_policy(self, shift: Shift) -> WartimePolicy | None:
        """The wartime policy a booking on the shift is held to (None in peace); refused unless the shift can
        be staffed at all (its site not closed, its incident open)."""
        self._require_running(shift)
        return self.mode_of(shift.grid_id).policy

    def check_assignment(self, shift: Shift, person: Person, policy: WartimePolicy | None) -> list[RuleViolated]:
        """What `assign_to_shift` would say, changing nothing (`policy` from `staffing_policy`): raises its
        refusal; returns the wartime rules broken, which only an override with a written reason lifts."""
        breaches = person.check_booking(shift.start, shift.end, shift.skill, policy)
        shift.check_assignment(person.id)
        return breaches

    @command
    def unassign_from_shift(self, shift_id: UUID, person_id: UUID) -> UUID:
        """Take a person off a shift they have not started."""
        shift = self.load(Shift, shift_id, "shift")
        person = self.load(Person, person_id, "person")
        shift.unassign(person.id)
        person.release(shift.id)
        return self.commit(shift, person, *self.withdraw_pages([person.id], [shift.id], "taken off the shift"))

    @command
    def check_in(self, shift_id: UUID, person_id: UUID) -> UUID:
        """The assigned person checks in at the post (签到)."""
        shift = self.load(Shift, shift_id, "shift")
        self._require_running(shift)
        shift.check_in(person_id)
        return self.commit(shift)

    @command
    def check_out(self, shift_id: UUID, person_id: UUID) -> UUID:
        """The person checks out at the end of duty."""
        shift = self.load(Shift, shift_id, "shift")
        shift.check_out(person_id)
        return self.commit(shift)

    @command
    def record_no_show(self, shift_id: UUID, person_id: UUID) -> UUID:
        """Record that an assigned person did not turn up."""
        shift = self.load(Shift, shift_id, "shift")
        shift.record_no_show(person_id)
        return self.commit(shift)

    @command
    def hand_over(self, shift_id: UUID, next_shift_id: UUID, notes: str = "") -> UUID:
        """Hand a post over to the next shift (交接班)."""
        shift = self.load(Shift, shift_id, "shift")
        shift.hand_over(self.load(Shift, next_shift_id, "next shift"), notes)
        return self.commit(shift)

    def _require_running(self, shift: Shift) -> None:
        """Refuse unless the shift's site is not closed and its incident is open."""
        site = self.load(TestingSite, shift.site_id, "testing site")
        require(site.state != "closed", RuleViolated, f"site {site.name} is closed", site=site.name,
                zh=f"检测点{site.name}已关闭")
        self.load(Incident, shift.incident_id, "incident").require_open()
