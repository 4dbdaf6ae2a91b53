"""The application service: every command of the domain, on the store chosen by settings."""

from __future__ import annotations

from mobilize.application.commands.access import AccessCommands
from mobilize.application.commands.anchors import AnchorCommands
from mobilize.application.commands.dispatches import DispatchCommands
from mobilize.application.commands.drills import DrillCommands
from mobilize.application.commands.field import FieldCommands
from mobilize.application.commands.grid_matters import GridMatterCommands
from mobilize.application.commands.incidents import IncidentCommands
from mobilize.application.commands.people import PeopleCommands
from mobilize.application.commands.privacy import PrivacyCommands
from mobilize.application.commands.roll_calls import RollCallCommands
from mobilize.application.commands.rota import RotaCommands
from mobilize.application.commands.shifts import ShiftCommands
from mobilize.application.commands.sites import SiteCommands
from mobilize.application.commands.task_forces import TaskForceCommands
from mobilize.application.commands.visits import VisitCommands
from mobilize.application.idempotency import CommandIdReused
from mobilize.application.service import CommandService, command
from mobilize.settings import Settings

__all__ = ["CommandIdReused", "CommandService", "Mobilize", "command", "open_app"]


class Mobilize(PeopleCommands, TaskForceCommands, IncidentCommands, SiteCommands, RotaCommands, FieldCommands,
               ShiftCommands, DispatchCommands, AccessCommands, PrivacyCommands, AnchorCommands, VisitCommands,
               GridMatterCommands, DrillCommands, RollCallCommands):
    """Mobilization of a grid-governed district, as an event-sourced application."""

    name = "mobilize"


def open_app(settings: Settings | None = None) -> Mobilize:
    """The application on the store the settings name (the SQLite file by default)."""
    settings = settings or Settings.from_env()
    return Mobilize(env=settings.eventsourcing_env())
