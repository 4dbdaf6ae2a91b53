"""What every aggregate shares: the command context its events carry, and the errors of the domain."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import KW_ONLY, dataclass, field, fields
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import uuid4

from eventsourcing.domain import Aggregate

CHINA = timezone(timedelta(hours=8), "CST")
"""China Standard Time (UTC+8), the districts' own clock: times are shown and days counted in it, stored in UTC."""


def cst(moment: datetime | None) -> str:
    """A moment as the districts read it in Chinese: 3月2日 08:00 (China time); "—" for none."""
    if moment is None:
        return "—"
    local = moment.astimezone(CHINA)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class CommandContext:
    """Who gives a command, on whose order, why, and when the thing happened.

    `occurred_at` is when it happened in the field (a check-in at 08:02 typed in
    at 08:05); the time it was recorded is the event's own timestamp.
    """

    actor: str
    ordered_by: str | None = None
    reason: str | None = None
    command_id: str = field(default_factory=lambda: str(uuid4()))
    correlation_id: str | None = None
    occurred_at: datetime | None = None

    def resolved(self, now: datetime) -> CommandContext:
        """This context with the defaults filled in: correlation id and time."""
        return CommandContext(
            actor=self.actor,
            ordered_by=self.ordered_by or self.actor,
            reason=self.reason,
            command_id=self.command_id,
            correlation_id=self.correlation_id or self.command_id,
            occurred_at=(self.occurred_at or now).astimezone(UTC),
        )

    def event_fields(self) -> dict[str, Any]:
        """The fields this context stamps on every event (text and times: shared, not copied)."""
        return {name: getattr(self, name) for name in _CONTEXT_FIELDS}


_CONTEXT_FIELDS = tuple(f.name for f in fields(CommandContext))

current_context: ContextVar[CommandContext] = ContextVar("mobilize_command_context")


def now() -> datetime:
    """When the command being handled happened."""
    occurred_at = _context().occurred_at
    assert occurred_at is not None, "contexts are resolved before use"
    return occurred_at


def _context() -> CommandContext:
    try:
        return current_context.get()
    except LookupError:
        raise MissingContext() from None


class MobilizeAggregate(Aggregate):
    """An aggregate whose every event records actor, order, reason and times."""

    class Event(Aggregate.Event):
        _: KW_ONLY
        actor: str
        ordered_by: str
        command_id: str
        correlation_id: str
        reason: str | None
        occurred_at: datetime

        @property
        def recorded_at(self) -> datetime:
            """When the event was recorded (as opposed to when it happened)."""
            return self.timestamp

    class Created(Event, Aggregate.Created):
        pass

    @classmethod
    def _create(cls, event_class: Any, *, id: Any = None, **kwargs: Any) -> Any:  # noqa: A002
        return super()._create(event_class, id=id, **_context().event_fields(), **kwargs)

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        super().trigger_event(event_class, **_context().event_fields(), **kwargs)


class DomainError(Exception):
    """Raised when a command is refused; names the rule and the facts, with a sentence for a person in English
    and, where written, in Chinese (`zh`: what the people of the districts read; the API answers in it when
    the caller asks for Chinese)."""

    rule = "domain_error"

    def __init__(self, message: str, zh: str | None = None, **facts: Any) -> None:
        super().__init__(message)
        self.message = message
        self.zh = zh
        self.facts = {key: _plain(value) for key, value in facts.items()}


class RuleViolated(DomainError):
    """Raised when a command would break a rule of the domain (HTTP 409)."""

    rule = "rule_violated"


class InvalidCommand(DomainError):
    """Raised when a command's own input is malformed or contradictory (HTTP 422)."""

    rule = "invalid_command"


class NotFound(DomainError):
    """Raised when a command names something that does not exist (HTTP 404)."""

    rule = "not_found"


class ConcurrentChange(DomainError):
    """Raised when another writer changed the same aggregate first; safe to retry (HTTP 409)."""

    rule = "concurrent_change"


class MissingContext(DomainError):
    """Raised when an aggregate is changed outside a command: no actor to record."""

    rule = "missing_context"

    def __init__(self) -> None:
        super().__init__("no command context: every change needs an actor and a command id",
                         "缺少指令上下文：每项变更都须记录操作人和指令编号")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def require(condition: bool, error: type[DomainError], message: str, **facts: Any) -> None:
    """Refuse the command with `error` unless `condition` holds."""
    if not condition:
        raise error(message, **facts)


EARLIEST_YEAR, LATEST_YEAR = 1900, 2999


def moment_problem(moment: datetime) -> str | None:
    """What is wrong with `moment` as a time the system records ("must …"), or None.

    A naive time is refused since its zone would be a guess; a time outside the years 1900–2999 is a typo,
    and near the ends of Python's calendar it cannot even be moved to another zone.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        return "must carry a time zone, e.g. 2026-03-02T10:00:00+08:00"
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        return f"must lie between the years {EARLIEST_YEAR} and {LATEST_YEAR}"
    return None


def aware(moment: datetime, name: str) -> datetime:
    """`moment` in UTC, once `moment_problem` finds nothing wrong with it."""
    problem = moment_problem(moment)
    if problem is not None:
        raise InvalidCommand(f"{name} {problem}", field=name)
    return moment.astimezone(UTC)
