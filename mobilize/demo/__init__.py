"""`mobilize demo`: a Junhe-scale street, switched to war for a 24-hour testing drive, and stood down."""

from __future__ import annotations

import random
from datetime import datetime

from mobilize.application import Mobilize
from mobilize.demo.desk import Desk
from mobilize.demo.drive import run_drive
from mobilize.demo.street import build_street
from mobilize.demo.summary import render
from mobilize.domain.base import CHINA

DRIVE_STARTS = datetime(2026, 3, 2, 6, 0, tzinfo=CHINA)
"""A fixed moment, so that the same seed gives the same drive."""


def run_demo(app: Mobilize, seed: int, store: str) -> str:
    """Play the whole drive through the application and return the summary."""
    rng = random.Random(seed)
    before = app.recorder.max_notification_id() or 0
    desk = Desk(app, actor="operator:junhe-command-center", ordered_by="Junhe Street Party Working Committee")
    street = build_street(desk, rng, DRIVE_STARTS)
    drive = run_drive(desk, rng, street, DRIVE_STARTS)
    written = (app.recorder.max_notification_id() or 0) - before
    return render(street, drive, desk.tally, written, store)
