"""How the application's saves and loads reach the store: group commit, the synced cache, commit listeners."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder, Mapper
from eventsourcing.utils import Environment, EnvType

from mobilize.application.store import cache, group_commit
from mobilize.application.store import reads as reads_
from mobilize.privacy.seal import Keyring, SealedAsText
from mobilize.privacy.wiring import keyring_for, sealing_mapper


class StoreWiring(Application[UUID]):
    """eventsourcing's application with this project's store adapters plugged in."""

    keyring: Keyring
    """The data keys of personal data, beside the store (`mobilize.privacy`)."""

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        """The configuration given (by `Settings.eventsourcing_env`), without the process environment.

        eventsourcing would lay the process environment under it; here only `mobilize.settings` reads the environment,
        so what configures an application is what it was handed.
        """
        values = dict(type(self).env)
        if type(self).is_snapshotting_enabled or type(self).snapshotting_intervals:
            values["IS_SNAPSHOTTING_ENABLED"] = "y"
        values.update(env or {})
        return Environment(name, values)

    def save(self, *objs: Any, reads: reads_.Reads | None = None, **kwargs: Any) -> Any:
        """Save aggregates: with group commit on, in a transaction shared with concurrent commands of this
        process, returning once it has committed; off, alone as eventsourcing does. A conflict raises
        IntegrityError for this call only, either way; one of `reads` (records read, with the versions read)
        newer in the store raises its `StaleRead`, and nothing is written."""
        committer = group_commit.committer_for(self)
        if committer is None or kwargs:
            return super().save(*objs, **kwargs, **({"reads": reads} if reads else {}))
        return committer.save(*objs, reads=reads)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        """eventsourcing's transcodings, and sealed personal fields (`mobilize.privacy.seal`)."""
        super().register_transcodings(transcoder)
        transcoder.register(SealedAsText())

    def construct_mapper(self) -> Mapper[UUID]:
        """eventsourcing's mapper, sealing the personal fields of events as they are stored."""
        return sealing_mapper(self.factory, self.construct_transcoder())

    def construct_recorder(self) -> Any:
        """eventsourcing's recorder for the store, replaced by the project's own on the in-memory store and
        SQLite (PostgreSQL's is named by the settings), so that every store checks read sets (`reads`);
        the key table beside it is opened under the master key (a wrong one fails here)."""
        recorder = reads_.recorder_for(super().construct_recorder())
        self.keyring = keyring_for(recorder, self.env, self.mapper)
        return recorder

    def construct_repository(self) -> Any:
        """eventsourcing's repository, with the aggregate cache synced from the log (see `cache`)."""
        return cache.construct_repository(self)

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
