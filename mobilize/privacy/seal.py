"""Sealed personal fields: AES-256-GCM under the subject's own data key, opened only where a reader is entitled.

A sealed field is stored as `{"_type_": "sealed", "_data_": "1:<subject>:<field>:<nonce+ciphertext>"}` and
read back as a `Sealed` value: events, aggregates and projections carry it unopened, and the one who shows
it to an entitled reader opens it (`Keyring.reveal`). Once the subject's key is destroyed it opens to
`ERASED`, and so does a plain-text value recorded before sealing began (`Keyring.reveal` asks the key
table). The subject's id and the field's name are the cipher's associated data: a sealed value moved to
another field or person does not open.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Mapper, StoredEvent, Transcoding

from mobilize.domain.base import utcnow
from mobilize.domain.personal import ERASED, PersonalDataErased, declared, subject_of
from mobilize.log.codec import iso
from mobilize.privacy.keys import NONCE, KeyTable, KeyTableError, check_master, unwrap, wrap

PREFIX = "sealed:"
"""How a sealed value reads as text (in the audit trail's payloads): `sealed:1:<subject>:<field>:<data>`."""


@dataclass(frozen=True)
class Sealed:
    """A personal field as stored: whose it is, which field, and the ciphertext."""

    subject: UUID
    field: str
    data: str  # base64url of nonce + ciphertext + tag

    def __str__(self) -> str:
        return f"{PREFIX}1:{self.subject.hex}:{self.field}:{self.data}"

    @classmethod
    def parse(cls, text: str) -> Sealed:
        """The sealed value `str(sealed)` wrote."""
        version, subject, field, data = text.removeprefix(PREFIX).split(":")
        if version != "1":
            raise ValueError(f"unknown sealed value version {version!r}")
        return cls(UUID(hex=subject), field, data)


class SealedAsText(Transcoding):
    """eventsourcing's JSON transcoding of a sealed value."""

    type = Sealed
    name = "sealed"

    def encode(self, obj: Sealed) -> str:
        return str(obj).removeprefix(PREFIX)

    def decode(self, data: str) -> Sealed:
        return Sealed.parse(data)


def aad(subject: UUID, field: str) -> bytes:
    """The associated data a field's ciphertext is bound to."""
    return f"{subject.hex}|{field}".encode()


class Keyring:
    """Data keys per subject, wrapped by the master key, in the key table beside the store."""

    def __init__(self, table: KeyTable, master: bytes) -> None:
        check_master(table, master)  # a wrong master key fails here, when the application starts
        self.table, self.master = table, master

    def blind(self, value: str) -> str:
        """A keyed digest of a personal value, for a command's fingerprint: a plain hash of a phone number
        could be found again by trying every number."""
        key = hashlib.sha256(b"mobilize command fingerprint|" + self.master).digest()
        return "blinded:" + hmac.new(key, value.encode(), hashlib.sha256).hexdigest()

    def seal(self, subject: UUID, field: str, value: str) -> Sealed:
        """`value` sealed under the subject's key (made on first use)."""
        key = self._key(subject, create=True)
        if key is None:
            raise PersonalDataErased("this person's personal data was erased; it cannot be recorded again",
                                     person_id=subject)
        nonce = os.urandom(NONCE)
        data = nonce + AESGCM(key).encrypt(nonce, value.encode(), aad(subject, field))
        return Sealed(subject, field, base64.urlsafe_b64encode(data).decode())

    def _key(self, subject: UUID, create: bool = False) -> bytes | None:
        name = subject.hex
        row = self.table.get(name)
        if row is None and create:
            self.table.add(name, wrap(self.master, AESGCM.generate_key(256), name), iso(utcnow()))
            row = self.table.get(name)
        if row is None or row[0] is None:
            return None
        try:
            return unwrap(self.master, row[0], name)
        except InvalidTag:
            raise KeyTableError(f"the data key of {subject} does not unwrap under the master key") from None

    def erased(self, subject: UUID) -> bool:
        """Whether the subject's key was destroyed."""
        row = self.table.get(subject.hex)
        return row is not None and row[0] is None

    def destroy(self, subject: UUID) -> None:
        """Destroy the subject's key: every value sealed under it is unreadable from now on, everywhere."""
        self.table.destroy(subject.hex, iso(utcnow()))

    def reveal(self, value: Any, field: str, subject: UUID | None = None) -> Any:
        """A personal field opened for an entitled reader; `ERASED` once its subject's key is destroyed."""
        return Opener(self).reveal(value, field, subject)

    def rotate(self, new_master: bytes) -> int:
        """Re-wrap every data key under `new_master` (events are not touched); returns how many."""
        rewrapped = {subject: wrap(new_master, unwrap(self.master, wrapped, subject), subject)
                     for subject, wrapped, _ in self.table.rows() if wrapped is not None}
        self.table.rewrap(rewrapped, wrap(new_master, b"mobilize master key check", "check"))
        self.master = new_master
        return len(rewrapped)


class Opener:
    """Reveals many fields for one reading (an export, a frame), asking the key table once per subject."""

    def __init__(self, keyring: Keyring) -> None:
        self.keyring = keyring
        self._keys: dict[UUID, bytes | None] = {}

    def key(self, subject: UUID) -> bytes | None:
        """The subject's data key, or None once destroyed."""
        if subject not in self._keys:
            self._keys[subject] = self.keyring._key(subject)
        return self._keys[subject]

    def reveal(self, value: Any, field: str, subject: UUID | None = None) -> Any:
        """See `Keyring.reveal`; plain text (recorded before sealing) is shown unless its subject was erased."""
        if isinstance(value, str) and value.startswith(PREFIX):
            value = Sealed.parse(value)
        if isinstance(value, Sealed):
            key = self.key(value.subject)
            if key is None:
                return ERASED
            raw = base64.urlsafe_b64decode(value.data)
            try:
                return AESGCM(key).decrypt(raw[:NONCE], raw[NONCE:], aad(value.subject, value.field)).decode()
            except InvalidTag:
                raise KeyTableError(f"a sealed {value.field} of {value.subject} does not open") from None
        if value is None or value == ERASED or subject is None:
            return value
        return ERASED if self.key(subject) is None and self.keyring.erased(subject) else value


class SealingMapper(Mapper[UUID]):
    """eventsourcing's mapper, sealing each declared personal field of an event as it is stored."""

    keyring: Keyring | None = None
    sealing = True
    """Off only in the benchmark's comparison run (personal data stored as given)."""

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        declaration = declared(type(domain_event))
        if declaration is None or self.keyring is None or not self.sealing:
            return super().to_stored_event(domain_event)
        state = dict(vars(domain_event))
        subject = subject_of(domain_event, declaration)
        for field in declaration.fields:
            value = state.get(field)
            if isinstance(value, str) and value != ERASED:
                state[field] = self.keyring.seal(subject, field, value)
        sealed: Any = object.__new__(type(domain_event))
        object.__setattr__(sealed, "__dict__", state)
        return super().to_stored_event(sealed)
