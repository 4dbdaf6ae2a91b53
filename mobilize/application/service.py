"""How a command runs: its context is stamped on every event, it happens at most once, atomically."""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Concatenate, ParamSpec, TypeVar
from uuid import UUID, uuid5

import structlog
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import event
from eventsourcing.persistence import IntegrityError

from mobilize.application.store import cache, group_commit
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

COMMAND_NAMESPACE = UUID("6f1d0c4e-2b7a-4f7e-9a51-3c2d8e0b7a10")
MAX_CLOCK_SKEW = timedelta(minutes=5)
"""How far in the future a reported `occurred_at` may lie before it is refused as a typo."""

A = TypeVar("A", bound=MobilizeAggregate)
P = ParamSpec("P")
S = TypeVar("S", bound="CommandService")


class CommandIdReused(InvalidCommand):
    """Raised when a command id already used for one command comes back with another command or body."""

    rule = "command_id_reused"


class CommandRecord(MobilizeAggregate):
    """The fact that a command was accepted, saved with its events so a retry changes nothing."""

    id: UUID  # given: derived from the command id, so two writers of one command collide

    @event("Accepted")
    def __init__(self, name: str, fingerprint: str, result: str) -> None:
        self.name = name
        self.fingerprint = fingerprint
        self.result = result


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
        return self.handle(method.__name__, functools.partial(method, self, *args, **kwargs),
                           _fingerprint(method.__name__, {**arguments, "context": given}), ctx)

    return run


def _fingerprint(name: str, arguments: dict[str, Any]) -> str:
    body = json.dumps([name, arguments], default=str, sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()


class CommandService(Application[UUID]):
    """An eventsourcing application whose methods are commands in the sense of `command`."""

    clock: Callable[[], datetime] = staticmethod(utcnow)

    def handle(self, name: str, body: Callable[[], UUID], fingerprint: str, ctx: CommandContext) -> UUID:
        """Run one command under its context, once."""
        ctx = self._checked(ctx)
        record_id = uuid5(COMMAND_NAMESPACE, ctx.command_id)
        # No look for an earlier run of this command first: a repeat runs again and collides with the
        # first run's record at commit (or is refused by the rules), and both paths answer with the
        # first run's result. A round trip saved on every command, paid only by repeats.
        with structlog.contextvars.bound_contextvars(command=name, command_id=ctx.command_id,
                                                     correlation_id=ctx.correlation_id, actor=ctx.actor), \
                cache.reads_after():
            context_token = current_context.set(ctx)
            running = _Running(name, fingerprint, record_id)
            running_token = _running.set(running)
            try:
                result = body()
                assert _running.get().committed, f"command {name} returned without committing"
            except DomainError as error:
                # The same command may have landed from another writer while this one ran: answer as it did.
                earlier = self._earlier_result(record_id, name, fingerprint)
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

    def _earlier_result(self, record_id: UUID, name: str, fingerprint: str) -> UUID | None:
        try:
            record = self.repository.get(record_id)
        except AggregateNotFoundError:
            return None
        require(record.name == name, CommandIdReused,
                f"command id was already used for a different command ({record.name})", earlier_command=record.name)
        require(record.fingerprint == fingerprint, CommandIdReused,
                f"command id was already used for {name} with different arguments", earlier_command=record.name)
        return UUID(record.result)

    def commit(self, *aggregates: MobilizeAggregate, result: UUID | None = None) -> UUID:
        """Save the command's aggregates and its record in one transaction; returns the result."""
        running = _running.get()
        assert not running.committed, "a command commits once"
        outcome = result or aggregates[0].id
        record = CommandRecord(id=running.record_id, name=running.name, fingerprint=running.fingerprint,
                               result=str(outcome))
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

    # --- learning of this process's own commits ---

    def add_commit_listener(self, listener: Callable[[int], None]) -> None:
        """Call `listener(last_position)` in the committing thread after each save of this process commits.

        For waking in-process followers (the SSE feed) without waiting for a poll; it must be quick and
        must not raise. Commits of other processes are not seen here (PostgreSQL's NOTIFY covers those).
        """
        listeners: list[Callable[[int], None]] = self.__dict__.setdefault("_commit_listeners", [])
        listeners.append(listener)

    def remove_commit_listener(self, listener: Callable[[int], None]) -> None:
        """Stop calling a listener given to `add_commit_listener` (unknown ones are ignored)."""
        listeners: list[Callable[[int], None]] = self.__dict__.get("_commit_listeners", [])
        if listener in listeners:
            listeners.remove(listener)

    def _notify(self, recordings: list[Any]) -> None:
        super()._notify(recordings)
        positions = [r.notification.id for r in recordings if r.notification.id is not None]
        if positions:
            for listener in list(self.__dict__.get("_commit_listeners", ())):
                listener(max(positions))

    # --- group commit and the aggregate cache (MOBILIZE_GROUP_COMMIT; see mobilize.application.store.group_commit) ---

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """Save aggregates: with group commit on, in a transaction shared with concurrent commands of this
        process, returning once it has committed; off, alone as eventsourcing does. A conflict raises
        IntegrityError for this call only, either way."""
        committer = group_commit.committer_for(self)
        if committer is None or kwargs:
            return super().save(*objs, **kwargs)
        return committer.save(*objs)

    def construct_repository(self) -> Any:
        """eventsourcing's repository, with the aggregate cache synced from the log (see `cache`)."""
        return cache.construct_repository(self)

    # --- end of group commit ---

    def load(self, cls: type[A], aggregate_id: UUID, what: str) -> A:
        """The aggregate with this id, or a clear NotFound naming what was looked for."""
        try:
            aggregate = self.repository.get(aggregate_id)
        except (AggregateNotFoundError, ValueError, TypeError):
            raise NotFound(f"no {what} with id {aggregate_id}", id=aggregate_id, kind=what) from None
        require(isinstance(aggregate, cls), NotFound, f"no {what} with id {aggregate_id}", id=aggregate_id, kind=what)
        return aggregate
