"""Commands on testing sites."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from mobilize.application.commands.organisation import OrganisationCommands
from mobilize.application.service import command
from mobilize.domain.base import InvalidCommand, require
from mobilize.domain.incident import Incident
from mobilize.domain.organisation import LEADER_SEATS, OrgUnit
from mobilize.domain.person import Person
from mobilize.domain.testing_site import TestingSite


class SiteCommands(OrganisationCommands):
    """Plan, command, open, pause, reopen and close testing sites; report their tallies."""

    @command
    def plan_testing_site(self, incident_id: UUID, grid_id: UUID, name: str, lanes: int,
                          posts: dict[str, int]) -> UUID:
        """Plan a site in a grid for an incident; in war the grid's leader is proposed as commander."""
        self.load(Incident, incident_id, "incident").require_open()
        grid = self.load(OrgUnit, grid_id, "grid")
        require(grid.kind == "grid", InvalidCommand, f"{grid.name} is a {grid.kind}; sites stand in a grid",
                grid_id=grid_id)
        return self.commit(TestingSite.plan(name, incident_id, grid_id, lanes, posts, self._proposed_commander(grid)))

    def _proposed_commander(self, grid: OrgUnit) -> UUID | None:
        if self.mode_of(grid.id).state != "war":
            return None
        return next((grid.leaders[seat] for seat in LEADER_SEATS if seat in grid.leaders), None)

    @command
    def appoint_site_commander(self, site_id: UUID, person_id: UUID) -> UUID:
        """Appoint a site's commander (指挥长)."""
        site = self.load(TestingSite, site_id, "testing site")
        self.load(Person, person_id, "person").require_ready()
        site.appoint_commander(person_id)
        return self.commit(site)

    @command
    def open_site(self, site_id: UUID) -> UUID:
        """Open a site; it needs a commander."""
        site = self.load(TestingSite, site_id, "testing site")
        site.open()
        return self.commit(site)

    @command
    def pause_site(self, site_id: UUID) -> UUID:
        """Pause sampling at a site."""
        site = self.load(TestingSite, site_id, "testing site")
        site.pause()
        return self.commit(site)

    @command
    def reopen_site(self, site_id: UUID) -> UUID:
        """Resume sampling at a paused site."""
        site = self.load(TestingSite, site_id, "testing site")
        site.reopen()
        return self.commit(site)

    @command
    def close_site(self, site_id: UUID) -> UUID:
        """Close a site for good."""
        site = self.load(TestingSite, site_id, "testing site")
        site.close()
        return self.commit(site)

    @command
    def report_tally(self, site_id: UUID, hour: datetime, samples: int) -> UUID:
        """Report the samples a site took in one hour."""
        site = self.load(TestingSite, site_id, "testing site")
        site.report_tally(hour, samples)
        return self.commit(site)
