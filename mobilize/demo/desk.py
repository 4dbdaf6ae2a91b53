"""The demo's operator desk: issues commands at simulated times and keeps count of what happened."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from mobilize.application import Mobilize
from mobilize.domain.base import CommandContext, DomainError


@dataclass
class Tally:
    """What the operators did: commands accepted by name, refusals by rule with a first example."""

    accepted: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    facts: Counter[str] = field(default_factory=Counter)

    def merged(self, other: Tally) -> Tally:
        """Both desks' counts together (the first example of a rule is this desk's, if it has one)."""
        return Tally(self.accepted + other.accepted, self.refused + other.refused,
                     {**other.examples, **self.examples}, self.facts + other.facts)


class Desk:
    """One command center's console: every command goes through the application, stamped and counted."""

    def __init__(self, app: Mobilize, actor: str, ordered_by: str) -> None:
        self.app = app
        self.actor = actor
        self.ordered_by = ordered_by
        self.tally = Tally()
        self.clock: datetime | None = None
        self._serial = 0
        self.last_refusal: DomainError | None = None
        """The refusal of the last command, if it was refused."""
        self.last_command_id = ""
        self._run = uuid4().hex[:12]  # a second demo on the same store must not replay the first one's ids

    def at(self, moment: datetime) -> Desk:
        """Set the simulated time at which the next commands happen."""
        self.clock = moment
        return self

    def do(self, name: str, *args: Any, reason: str | None = None, actor: str | None = None,
           **kwargs: Any) -> UUID | None:
        """Run command `name`; a refusal is counted with its rule, never raised."""
        self._serial += 1
        ctx = CommandContext(actor=actor or self.actor, ordered_by=self.ordered_by, reason=reason,
                             command_id=f"demo-{self._run}-{self._serial}", occurred_at=self.clock)
        self.last_command_id, self.last_refusal = ctx.command_id, None
        method: Callable[..., UUID] = getattr(self.app, name)
        try:
            result = method(*args, ctx=ctx, **kwargs)
        except DomainError as error:
            self.last_refusal = error
            self.tally.refused[error.rule] += 1
            self.tally.examples.setdefault(error.rule, error.message)
            return None
        self.tally.accepted[name] += 1
        return result

    def note(self, fact: str, count: int = 1) -> None:
        """Count a fact of the scenario (a late arrival, a replacement) for the summary."""
        self.tally.facts[fact] += count
