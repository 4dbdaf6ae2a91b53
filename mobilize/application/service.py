"""How a command runs: its context is stamped on every event, it happens at most once, atomically."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from contextlib import nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, field
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
from mobilize.application.store.reads import StaleRead
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
from mobilize.domain.personal import personal_names
from mobilize.domain.vocabulary import zh
from mobilize.settings import COMMAND_ATTEMPTS, command_attempts

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
    reads: dict[UUID, int] = field(default_factory=dict)
    """Every aggregate the command loaded, with the version it saw first (`store.reads`)."""


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
        personal = personal_names()
        blinded = {k: self.keyring.blind(v) if k in personal and isinstance(v, str) else v
                   for k, v in arguments.items()}  # the fingerprint is stored: no personal value in clear
        return self.handle(method.__name__, functools.partial(method, self, *args, **kwargs),
                           fingerprint(method.__name__, {**blinded, "context": given}), ctx)

    return run


class CommandService(StoreWiring):
    """An eventsourcing application whose methods are commands in the sense of `command`."""

    clock: Callable[[], datetime] = staticmethod(utcnow)
    checks_reads: bool = True
    """Whether a command's read set goes with its events to be checked (ADR 0011). The benchmarks switch it
    off, in a process of their own, to show what the check costs; nothing else should."""

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
            try:
                attempt, attempts = 1, self.command_attempts
                while True:
                    running = _Running(name, digest, record_key)
                    running_token = _running.set(running)
                    try:
                        # a second run reads fresh records: the cache syncs past what changed under the first
                        with cache.fresh_reads() if attempt > 1 else nullcontext():
                            result = body()
                        assert running.committed, f"command {name} returned without committing"
                        break
                    except ConcurrentChange as error:
                        if attempt < attempts:
                            log.info("command.conflicted", attempt=attempt, facts=error.facts)
                            attempt += 1
                            continue
                        return self._refused(error, record_key, name, digest)
                    except DomainError as error:
                        return self._refused(error, record_key, name, digest)
                    finally:
                        _running.reset(running_token)
            finally:
                current_context.reset(context_token)
            log.info("command.repeated" if running.repeated else "command.accepted", result=str(result),
                     **({"attempts": attempt} if attempt > 1 else {}))
            return result

    def _refused(self, error: DomainError, key: UUID, name: str, digest: str) -> UUID:
        """The earlier result if the same command landed from another writer while this one ran (answered as
        it was); otherwise `error` is raised."""
        earlier = self._earlier_result(key, name, digest)
        if earlier is not None:
            log.info("command.repeated", result=str(earlier))
            return earlier
        log.info("command.refused", rule=error.rule, refusal=error.message, facts=error.facts)
        raise error

    @functools.cached_property
    def command_attempts(self) -> int:
        """How many times a command may run when records it read or wrote change under it (settings)."""
        return command_attempts(self.env.get(COMMAND_ATTEMPTS))

    def _checked(self, ctx: CommandContext) -> CommandContext:
        require(bool(ctx.actor and ctx.actor.strip()), InvalidCommand, "every command needs an actor", field="actor")
        require(bool(ctx.command_id and ctx.command_id.strip()), InvalidCommand, "the command id is empty",
                field="command_id")
        if ctx.occurred_at is not None:
            aware(ctx.occurred_at, "occurred_at")
            require(ctx.occurred_at <= self.clock() + MAX_CLOCK_SKEW, InvalidCommand,
                    f"occurred_at lies in the future: more than {MAX_CLOCK_SKEW.seconds // 60} minutes ahead of the "
                    "server's clock (is the device's clock set right?)", field="occurred_at",
                    occurred_at=ctx.occurred_at, server_time=self.clock(),
                    zh=f"操作时间超前服务器时间 {MAX_CLOCK_SKEW.seconds // 60} 分钟以上：请检查设备时间是否正确")
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
        written = {a.id for a in aggregates}
        try:
            reads = {k: v for k, v in running.reads.items() if k not in written} if self.checks_reads else {}
            self.save(*aggregates, record, reads=reads)
        except IntegrityError as error:
            earlier = self._earlier_result(running.record_id, running.name, running.fingerprint)
            if earlier is None:
                if isinstance(error, StaleRead):
                    raise ConcurrentChange("records this command read changed at the same time; reload and try "
                                           "again", read=sorted(map(str, error.stale)),
                                           zh="此操作依据的记录刚被他人修改：请刷新后重试") from None
                raise ConcurrentChange("someone else changed the same records at the same time; "
                                       "reload and try again", aggregates=[a.id for a in aggregates],
                                       zh="这些记录刚被他人同时修改：请刷新后重试") from None
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
            raise NotFound(f"no {what} with id {aggregate_id}", id=aggregate_id, kind=what,
                           zh=f"未找到该{zh(what)}") from None
        require(isinstance(aggregate, cls), NotFound, f"no {what} with id {aggregate_id}", id=aggregate_id, kind=what)
        running = _running.get(None)
        if running is not None:  # what the command decides on: checked again when it commits
            running.reads.setdefault(aggregate.id, aggregate.version)
        return aggregate
