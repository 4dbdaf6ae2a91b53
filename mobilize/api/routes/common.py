"""What every router shares: the answer to a command, and how to run one in the caller's scope."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from fastapi import Request
from pydantic import BaseModel

from mobilize.api.deps import CommandBody, Principal, context, in_scope, related
from mobilize.api.errors import refusals
from mobilize.application import Mobilize

REFUSALS = refusals(401, 403, 404, 409, 422, 500, 503)
"""What any command may answer besides success: every body is a `Refusal`."""
READ_REFUSALS = refusals(401, 403, 404, 422, 500, 503)
"""What any read may answer besides its rows."""


class Done(BaseModel):
    """The record the command created or changed."""

    id: UUID


def run(app: Mobilize, request: Request, caller: Principal, body: CommandBody, scope_of: UUID | tuple | None,
        command: Callable[..., UUID], *args: object, follows: tuple[UUID | None, ...] = (), **kwargs: object) -> Done:
    """Check the caller's scope over every record in `scope_of` (what the command changes) and `follows` (what it
    refers to: it must lie in or above the caller's subtree), then run the command with the caller's context."""
    in_scope(app, caller, *(scope_of if isinstance(scope_of, tuple) else (scope_of,)))
    related(app, caller, *follows)
    return Done(id=command(*args, ctx=context(request, caller, body), **kwargs))
