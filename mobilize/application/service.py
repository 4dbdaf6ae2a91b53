"""How a command runs: its context is stamped on every event, it happens at most once, atomically."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Concatenate, ParamSpec, TypeVar
from uuid import UUID

import structlog
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from mobilize.application.idempotency import (
    CommandRecord,
    earlier_result,
    fingerprint,
    new_record,
    record_id,
)
from mobilize.application.store import cache
from mobilize.application.store.wiring import StoreWiring
from mobilize.application.text import require_printable
from mobilize.domain.base import (
    CommandContext,
    ConcurrentChange,
    DomainError,
    InvalidCommand,
    MobilizeAggregate,
    NotFound,
    aware,
    current_context,
    require,
    utcnow,
)

log = structlog.get_logger("mobilize.command")

MAX_CLOCK_SKEW = timedelta(minutes=5)
"""How far in the future a reported `occurred_at` may lie before it is refused as a typo."""

A = TypeVar("A", bound=MobilizeAggregate)
P = ParamSpec("P")
S = TypeVar("S", bound="CommandService")


@dataclass
class _Running:
    name: str
    fingerprint: str
    record_id: UUID
    committed: bool = False
    repeated: bool = False


_running: ContextVar[_Running] = ContextVar("mobilize_running_command")


def command(method: Callable[Concatenate[S, P], UUID]) -> Callable[..., UUID]:
    """Make an application method a command: `ctx=` says who, why and when; a retry returns the first result."""

    signature = inspect.signature(method)

    @functools.wraps(method)
    def run(self: S, *args: Any, ctx: CommandContext, **kwargs: Any) -> UUID:
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()  # f(a, b) and f(a=a, b=b, c=None) are one and the same command
        arguments = dict(list(bound.arguments.items())[1:])
        given = {"ordered_by": ctx.ordered_by, "reason": ctx.reason, "occurred_at": ctx.occurred_at}
        require_printable({**arguments, "actor": ctx.actor, "ordered_by": ctx.ordered_by, "reason": ctx.reason,
                           "command_id": ctx.command_id, "correlation_id": ctx.correlation_id})
        return self.handle(method.__name__, functools.partial(method, self, *args, **kwargs),
                           fingerprint(method.__name__, {**arguments, "context": given}), ctx)

    return run


class CommandService(StoreWiring):
    """An eventsourcing application whose methods are commands in the sense of `command`."""

    clock: Callable[[], datetime] = staticmethod(utcnow)

    def handle(self, name: str, body: Callable[[], UUID], digest: str, ctx: CommandContext) -> UUID:
        """Run one command under its context, once."""
        ctx = self._checked(ctx)
        record_key = record_id(ctx.command_id)
        # No look for an earlier run of this command first: a repeat runs again and collides with the
        # first run's record at commit (or is refused by the rules), and both paths answer with the
        # first run's result. A round trip saved on every command, paid only by repeats.
        with structlog.contextvars.bound_contextvars(command=name, command_id=ctx.command_id,
                                                     correlation_id=ctx.correlation_id, actor=ctx.actor), \
                cache.reads_after():
            context_token = current_context.set(ctx)
            running = _Running(name, digest, record_key)
            running_token = _running.set(running)
            try:
                result = body()
                assert _running.get().committed, f"command {name} returned without committing"
            except DomainError as error:
                # The same command may have landed from another writer while this one ran: answer as it did.
                earlier = self._earlier_result(record_key, name, digest)
                if earlier is not None:
                    log.info("command.repeated", result=str(earlier))
                    return earlier
                log.info("command.refused", rule=error.rule, refusal=error.message, facts=error.facts)
                raise
            finally:
                _running.reset(running_token)
                current_context.reset(context_token)
            log.info("command.repeated" if running.repeated else "command.accepted", result=str(result))
            return result

    def _checked(self, ctx: CommandContext) -> CommandContext:
        require(bool(ctx.actor and ctx.actor.strip()), InvalidCommand, "every command needs an actor", field="actor")
        require(bool(ctx.command_id and ctx.command_id.strip()), InvalidCommand, "the command id is empty",
                field="command_id")
        if ctx.occurred_at is not None:
            aware(ctx.occurred_at, "occurred_at")
            require(ctx.occurred_at <= self.clock() + MAX_CLOCK_SKEW, InvalidCommand,
                    "occurred_at lies in the future", field="occurred_at", occurred_at=ctx.occurred_at)
        return ctx.resolved(self.clock())

    def _earlier_result(self, key: UUID, name: str, digest: str) -> UUID | None:
        try:
            record: CommandRecord = self.repository.get(key)
        except AggregateNotFoundError:
            return None
        return earlier_result(record, name, digest)

    def commit(self, *aggregates: MobilizeAggregate, result: UUID | None = None) -> UUID:
        """Save the command's aggregates and its record in one transaction; returns the result."""
        running = _running.get()
        assert not running.committed, "a command commits once"
        outcome = result or aggregates[0].id
        record = new_record(running.record_id, running.name, running.fingerprint, outcome)
        repository = self.repository
        generation = repository.generation if isinstance(repository, cache.SyncedCache) else 0
        try:
            self.save(*aggregates, record)
        except IntegrityError:
            earlier = self._earlier_result(running.record_id, running.name, running.fingerprint)
            if earlier is None:
                raise ConcurrentChange("someone else changed the same records at the same time; "
                                       "reload and try again", aggregates=[a.id for a in aggregates]) from None
            running.committed = running.repeated = True
            return earlier
        running.committed = True
        if isinstance(repository, cache.SyncedCache):  # the command is done with them: the next one starts here
            for aggregate in aggregates:
                repository.keep(aggregate, generation)
        return outcome

    def load(self, cls: type[A], aggregate_id: UUID, what: str) -> A:
        """The aggregate with this id, or a clear NotFound naming what was looked for."""
        try:
            aggregate: Any = self.repository.get(aggregate_id)
        except (AggregateNotFoundError, ValueError, TypeError):
            raise NotFound(f"no {what} with id {aggregate_id}", id=aggregate_id, kind=what) from None
        require(isinstance(aggregate, cls), NotFound, f"no {what} with id {aggregate_id}", id=aggregate_id, kind=what)
        return aggregate
