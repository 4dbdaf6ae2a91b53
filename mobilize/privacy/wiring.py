"""The sealing mapper and the keyring, put into the application as it is built."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, cast
from uuid import UUID

import structlog
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import InfrastructureFactory, Mapper, StoredEvent, Transcoder
from eventsourcing.utils import resolve_topic

from mobilize.domain.personal import ERASED, declared, subject_of
from mobilize.privacy.keys import WrongMasterKey, table_for
from mobilize.privacy.seal import Keyring, Sealed, plain_text
from mobilize.settings import MASTER_KEY_BYTES, master_key_source, write_master_key

log = structlog.get_logger("mobilize.privacy")


class SealingMapper(Mapper[UUID]):
    """eventsourcing's mapper, sealing each declared personal field of an event as it is stored."""

    keyring: Keyring | None = None
    sealing = True
    """Off only in the benchmark's comparison run (personal data stored as given)."""

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        if isinstance(domain_event, Snapshot) and self.keyring is not None and self.sealing:
            return super().to_stored_event(self._sealed_snapshot(domain_event))
        declaration = declared(type(domain_event))
        if declaration is None or self.keyring is None or not self.sealing:
            return super().to_stored_event(domain_event)
        state = dict(vars(domain_event))
        plain = {field: plain_text(value) for field in declaration.fields
                 if (value := state.get(field)) is not None and value != ERASED and not isinstance(value, Sealed)}
        if plain:
            subject = subject_of(domain_event, declaration)
            new = domain_event.originator_version == 1 and subject == domain_event.originator_id
            state.update(self.keyring.seal(subject, plain, new=new))
        sealed: Any = object.__new__(type(domain_event))
        object.__setattr__(sealed, "__dict__", state)
        return super().to_stored_event(sealed)

    def _sealed_snapshot(self, snapshot: Snapshot) -> Snapshot:
        """A snapshot (if snapshotting is switched on) with the aggregate's declared personal fields sealed."""
        declaration = declared(resolve_topic(snapshot.topic))
        if declaration is None:
            return snapshot
        plain = {field: plain_text(value) for field in declaration.fields
                 if (value := snapshot.state.get(field)) is not None and value != ERASED
                 and not isinstance(value, Sealed)}
        if not plain:
            return snapshot
        assert self.keyring is not None, "checked by the caller"
        state = dict(vars(snapshot))
        state["state"] = {**snapshot.state, **self.keyring.seal(snapshot.originator_id, plain)}
        sealed: Any = object.__new__(type(snapshot))
        object.__setattr__(sealed, "__dict__", state)
        return cast("Snapshot", sealed)


def sealing_mapper(factory: InfrastructureFactory[Any], transcoder: Transcoder) -> Mapper[UUID]:
    """The application's mapper: eventsourcing's (with its cipher and compressor, if any), sealing fields."""
    return factory.mapper(transcoder=transcoder, mapper_class=SealingMapper)


def keyring_for(recorder: Any, env: Mapping[str, str], mapper: Any) -> Keyring:
    """The keyring of the key table beside `recorder`, under the configured master key; given to `mapper`."""
    table = table_for(recorder)
    master, path = master_key_source(env)
    if master is None and path is None:  # a store that lives and dies with the process
        master = os.urandom(MASTER_KEY_BYTES)
    elif master is None:
        assert path is not None, "checked above"
        if table.verifier() is not None:
            raise WrongMasterKey(f"the master key file {path} is missing, and this store's personal-data keys "
                                 "are wrapped under a master key: restore the file or set MOBILIZE_MASTER_KEY")
        master = write_master_key(path)
        log.warning("privacy.master_key_made", path=path,
                    hint="keep a copy apart from the database's backups; see infra/PRODUCTION.md")
    keyring = Keyring(table, master)
    mapper.keyring = keyring
    return keyring
