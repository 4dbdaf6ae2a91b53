"""Point in time: any view rebuilt from the log as it stood at a moment, in one of two meanings.

- *As known at T* (`as_of`): the events recorded by T (a log position, or the last event recorded by a time):
  what the system knew then.
- *As happened by T* (`as_happened`): the events that occurred in the field by T, wherever they stand in the log,
  late-recorded ones (a check-in typed in an hour after it happened) included: what was true then, as far as
  anyone knows now. Given both, the events recorded by the one that occurred by the other.

Every reading says which meaning it shows (`Reading.label`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from mobilize.application import Mobilize
from mobilize.domain.base import CHINA, moment_problem
from mobilize.log.codec import iso
from mobilize.projections.audit import AuditTrail, position_at
from mobilize.projections.base import Runner
from mobilize.projections.registry import projection
from mobilize.projections.store import ViewStore

LIVE, AS_KNOWN, AS_HAPPENED = "live", "as_known", "as_happened"
"""The meanings of a reading: the views as they stand; as known at a moment; as happened by a moment."""


class BadMoment(ValueError):
    """Raised when an --as-of value is neither a log position nor a time with a zone."""


def resolve(app: Mobilize, views: ViewStore, as_of: str) -> int:
    """A log position from `as_of`: a position as is, or the last event recorded by an ISO time."""
    if as_of.isascii() and as_of.isdigit():  # "²".isdigit() holds too, and int() refuses it
        head = app.recorder.max_notification_id() or 0
        if len(as_of) > len(str(head)) or int(as_of) > head:  # never a 5,000-digit int() for a 400-event log
            raise BadMoment(f"as of {as_of}: the log holds events up to position {head} only")
        return int(as_of)
    moment = parse_moment(as_of, "as of")
    Runner(app, views, AuditTrail()).catch_up()  # the trail maps recorded times to positions
    return position_at(views, iso(moment))


def parse_moment(text: str, what: str) -> datetime:
    """An ISO time with a zone, or BadMoment naming `what` and the fault."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        position = "a log position (e.g. 9000) or " if what == "as of" else ""
        raise BadMoment(f"{what} {text!r}: give {position}an ISO time with a zone (e.g. 2026-03-02T10:00+08:00)") \
            from None
    problem = moment_problem(moment)
    if problem is not None:
        raise BadMoment(f"{what} {text!r}: the time {problem}")
    return moment


def occurred(event: Any) -> datetime:
    """When an event happened in the field (its recorded time if it says nothing else)."""
    return getattr(event, "occurred_at", None) or event.timestamp


@dataclass(frozen=True)
class Reading:
    """Which moment a view shows, in which meaning, and the moment it is read at (which shifts are running)."""

    meaning: str
    position: int  # the last log position read (for as-happened alone: the head)
    now: datetime
    happened_by: datetime | None = None
    as_of: str | None = None

    def label(self) -> str:
        """One line saying which meaning the view shows."""
        read_at = f"read at {self.now.astimezone(CHINA):%Y-%m-%d %H:%M %Z}"
        if self.meaning == AS_HAPPENED and self.happened_by is not None:
            known = f"recorded by log position {self.position}" if self.as_of else f"log up to position {self.position}"
            return (f"as happened by {self.happened_by.astimezone(CHINA):%Y-%m-%d %H:%M %Z}: every event that "
                    f"occurred by then, late-recorded ones included ({known}); {read_at}")
        if self.meaning == AS_KNOWN:
            by = "" if self.as_of is None or self.as_of.isdigit() else f", the last recorded by {self.as_of}"
            return f"as known at log position {self.position}{by}: only what had been recorded then; {read_at}"
        return f"live: everything recorded so far (log position {self.position}); {read_at}"

    def as_dict(self) -> dict[str, Any]:
        """As the API shows it."""
        return {"meaning": self.meaning, "position": self.position, "read_at": self.now.isoformat(),
                "happened_by": self.happened_by.isoformat() if self.happened_by else None, "as_of": self.as_of,
                "label": self.label()}


def reading(app: Mobilize, views: ViewStore, as_of: str | None = None, as_happened: datetime | str | None = None,
            now: datetime | None = None) -> Reading:
    """Which moment to show: the meaning, the log position, and the moment the view is read at.

    The reading moment defaults to the as-happened moment; for as-of alone, to the as-of time, or for a
    position to the field time of the event there; live, to now. `views` must hold the audit trail (or be
    able to catch it up): it maps recorded times to positions and positions to field times.
    """
    happened_by = parse_moment(as_happened, "as happened") if isinstance(as_happened, str) else as_happened
    head = app.recorder.max_notification_id() or 0
    position = resolve(app, views, as_of) if as_of is not None else head
    if now is None:
        now = happened_by or (_occurred_at(app, views, position, as_of) if as_of is not None else datetime.now(UTC))
    meaning = AS_HAPPENED if happened_by is not None else AS_KNOWN if as_of is not None else LIVE
    return Reading(meaning, position, now, happened_by, as_of)


def _occurred_at(app: Mobilize, views: ViewStore, position: int, as_of: str) -> datetime:
    """For a position, the field time of the event there; for a time, that time."""
    if not (as_of.isascii() and as_of.isdigit()):
        return parse_moment(as_of, "as of")
    Runner(app, views, AuditTrail()).catch_up(until=position)
    rows = views.query("SELECT occurred_at FROM audit_trail WHERE position = ?", (position,))
    return datetime.fromisoformat(rows[0][0]) if rows and rows[0][0] else datetime.now(UTC)


def replay(app: Mobilize, name: str, until: int, happened_by: datetime | None = None) -> ViewStore:
    """The view `name` built in a scratch store from the log's first `until` events (those of them that occurred
    by `happened_by`, when given)."""
    scratch = ViewStore.for_store("memory:")
    keep = None if happened_by is None else (lambda event: occurred(event) <= happened_by)
    Runner(app, scratch, projection(name), keep=keep).catch_up(until=until)
    return scratch


def replay_reading(app: Mobilize, name: str, moment: Reading) -> ViewStore:
    """The view `name` as `moment` shows it (a replay, also for a live reading)."""
    return replay(app, name, moment.position, moment.happened_by)
