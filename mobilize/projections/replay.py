"""Point in time: any view rebuilt from the log up to a position, or up to what was recorded by a moment."""

from __future__ import annotations

from datetime import datetime

from mobilize.application import Mobilize
from mobilize.domain.base import moment_problem
from mobilize.log.codec import iso
from mobilize.projections.audit import AuditTrail, position_at
from mobilize.projections.base import Runner
from mobilize.projections.registry import projection
from mobilize.projections.store import ViewStore


class BadMoment(ValueError):
    """Raised when an --as-of value is neither a log position nor a time with a zone."""


def resolve(app: Mobilize, views: ViewStore, as_of: str) -> int:
    """A log position from `as_of`: a position as is, or the last event recorded by an ISO time."""
    if as_of.isascii() and as_of.isdigit():  # "²".isdigit() holds too, and int() refuses it
        head = app.recorder.max_notification_id() or 0
        if len(as_of) > len(str(head)) or int(as_of) > head:  # never a 5,000-digit int() for a 400-event log
            raise BadMoment(f"as of {as_of}: the log holds events up to position {head} only")
        return int(as_of)
    try:
        moment = datetime.fromisoformat(as_of)
    except ValueError:
        raise BadMoment(f"as of {as_of!r}: give a log position (e.g. 9000) or an ISO time with a zone "
                        "(e.g. 2026-03-02T10:00+08:00)") from None
    problem = moment_problem(moment)
    if problem is not None:
        raise BadMoment(f"as of {as_of!r}: the time {problem}")
    Runner(app, views, AuditTrail()).catch_up()  # the trail maps recorded times to positions
    return position_at(views, iso(moment))


def replay(app: Mobilize, name: str, until: int) -> ViewStore:
    """The view `name` as it stood once the log's first `until` events were applied, in a scratch store."""
    scratch = ViewStore.for_store("memory:")
    Runner(app, scratch, projection(name)).catch_up(until=until)
    return scratch
