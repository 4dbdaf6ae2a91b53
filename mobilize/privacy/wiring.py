"""The keyring and the sealing mapper, put into the application as it is built."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from uuid import UUID

import structlog
from eventsourcing.persistence import InfrastructureFactory, Mapper, Transcoder

from mobilize.privacy.keys import WrongMasterKey, table_for
from mobilize.privacy.seal import Keyring, SealingMapper
from mobilize.settings import MASTER_KEY_BYTES, master_key_source, write_master_key

log = structlog.get_logger("mobilize.privacy")


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
