"""`mobilize demo`: a Junhe-scale street in peace (an action day, a drill), switched to war for a 24-hour testing
drive, and stood down back to peace."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from mobilize.application import Mobilize
from mobilize.demo.desk import Desk
from mobilize.demo.drill import run_drill
from mobilize.demo.drive import run_drive
from mobilize.demo.field import Phones
from mobilize.demo.peace import run_peace_week
from mobilize.demo.peace_summary import peace_lines
from mobilize.demo.street import build_street
from mobilize.demo.summary import render
from mobilize.domain.base import CHINA

DRIVE_STARTS = datetime(2026, 3, 2, 6, 0, tzinfo=CHINA)
"""A fixed moment, so that the same seed gives the same drive."""
ACTION_DAY = datetime(2026, 2, 23, 9, 0, tzinfo=CHINA)
"""The Monday of the peace week before the drive: the grid action day."""
DRILL_AT = datetime(2026, 2, 25, 10, 0, tzinfo=CHINA)
"""The Wednesday drill's call-up."""


def run_demo(app: Mobilize, seed: int, store: str) -> str:
    """Play the peace week, the drill, the drive and the stand-down through the application; return the summary."""
    rng = random.Random(seed)
    before = app.recorder.max_notification_id() or 0
    desk = Desk(app, actor="operator:junhe-command-center", ordered_by="Junhe Street Party Working Committee")
    street = build_street(desk, rng, DRIVE_STARTS, ahead=timedelta(days=16))
    peace = random.Random(f"peace-{seed}")  # its own stream: the drive plays as it always did for the seed
    week = run_peace_week(desk, peace, street, ACTION_DAY)
    drill = run_drill(desk, peace, street, DRILL_AT)
    war = Desk(app, actor=desk.actor, ordered_by=desk.ordered_by)  # the drive's counts stay apart from the drill's
    phones = Phones(war, street)
    try:
        drive = run_drive(war, rng, street, DRIVE_STARTS, phones)
        written = (app.recorder.max_notification_id() or 0) - before
        return render(street, drive, desk.tally.merged(war.tally), written, store, peace_lines(app, week, drill),
                      app.mode_of(street.id).state, war=war.tally, field=phones.lines())
    finally:
        phones.close()
