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
import json
import os
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Transcoding

from mobilize.domain.base import utcnow
from mobilize.domain.personal import ERASED, PersonalDataErased
from mobilize.log.codec import iso
from mobilize.privacy.keys import NONCE, KeyTable, KeyTableError, check_master, unwrap, wrap

PREFIX = "sealed:"
"""How a sealed value reads as text (in the audit trail's payloads): `sealed:1:<subject>:<field>:<data>`."""


class Sealed:
    """A personal field as stored: whose it is, which field, and the ciphertext (`1:<subject>:<field>:<data>`,
    the data base64url of nonce + ciphertext + tag). Kept as its text, parsed only when opened: decoding a log
    for a rebuild costs no more than a string."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    @classmethod
    def of(cls, subject: UUID, field: str, data: str) -> Sealed:
        """The sealed value of `field` of `subject`, its ciphertext `data`."""
        return cls(f"1:{subject.hex}:{field}:{data}")

    @classmethod
    def parse(cls, text: str) -> Sealed:
        """The sealed value `str(sealed)` wrote."""
        return cls(text.removeprefix(PREFIX))

    def parts(self) -> tuple[UUID, str, bytes]:
        """Subject, field and the raw nonce + ciphertext + tag."""
        version, subject, field, data = self.text.split(":")
        if version != "1":
            raise ValueError(f"unknown sealed value version {version!r}")
        return UUID(hex=subject), field, base64.urlsafe_b64decode(data)

    @property
    def subject(self) -> UUID:
        """Whose value it is."""
        return UUID(hex=self.text.split(":")[1])

    def __str__(self) -> str:
        return PREFIX + self.text

    def __repr__(self) -> str:
        return f"Sealed({self.text[:45]}…)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sealed) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    def __getstate__(self) -> str:
        return self.text

    def __setstate__(self, state: str) -> None:
        self.text = state


class SealedAsText(Transcoding):
    """eventsourcing's JSON transcoding of a sealed value."""

    type = Sealed
    name = "sealed"

    def encode(self, obj: Sealed) -> str:
        return obj.text

    def decode(self, data: str) -> Sealed:
        return Sealed(data)


JSON = "\x00json:"
"""Marks sealed plain text that was a value of another kind (a list of care flags), JSON-encoded before sealing:
no text a command takes can start with it (text at the edge refuses NUL)."""


def plain_text(value: Any) -> str:
    """What is sealed of a declared field's value: text as it is, any other value as marked JSON."""
    return value if isinstance(value, str) else JSON + json.dumps(value, sort_keys=True, ensure_ascii=False)


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

    def seal(self, subject: UUID, values: dict[str, str], new: bool = False) -> dict[str, Sealed]:
        """`values` (field: plain text) sealed under the subject's key, made on first use (`new`: the subject is
        being created, so its key is made without looking for one first)."""
        key = self.key(subject, create=True, row=None if new else False)
        if key is None:
            raise PersonalDataErased("the personal data of this person or record was erased; it cannot be "
                                     "recorded again", subject_id=subject,
                                     zh="此人或此记录的个人信息已被删除，不能再次记录")
        cipher, sealed = AESGCM(key), {}
        for field, value in values.items():
            nonce = os.urandom(NONCE)
            data = nonce + cipher.encrypt(nonce, value.encode(), aad(subject, field))
            sealed[field] = Sealed.of(subject, field, base64.urlsafe_b64encode(data).decode())
        return sealed

    def row(self, subject: UUID) -> tuple[bytes | None, str | None] | None:
        """The subject's row of the key table (wrapped key or None once erased, erased_at), None if it has none."""
        return self.table.get(subject.hex)

    def key(self, subject: UUID, create: bool = False, row: Any = False) -> bytes | None:
        """The subject's data key (made if `create`), None once destroyed; `row` saves reading it again."""
        name = subject.hex
        row = self.table.get(name) if row is False else row
        if row is None and create:
            key = AESGCM.generate_key(256)
            if self.table.add(name, wrap(self.master, key, name), iso(utcnow())):
                return key
            row = self.table.get(name)  # another writer made it first
        if row is None or row[0] is None:
            return None
        try:
            return unwrap(self.master, row[0], name)
        except InvalidTag:
            raise KeyTableError(f"the data key of {subject} does not unwrap under the master key") from None

    def destroy(self, *subjects: UUID) -> None:
        """Destroy the subjects' keys (all at once): every value sealed under them is unreadable from now on,
        everywhere."""
        self.table.destroy([subject.hex for subject in subjects], iso(utcnow()))

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
        self._keys: dict[UUID, tuple[bytes | None, bool]] = {}  # subject: (key, erased)

    def _look(self, subject: UUID) -> tuple[bytes | None, bool]:
        if subject not in self._keys:
            row = self.keyring.row(subject)
            self._keys[subject] = (self.keyring.key(subject, row=row), row is not None and row[0] is None)
        return self._keys[subject]

    def key(self, subject: UUID) -> bytes | None:
        """The subject's data key, or None once destroyed (or never made)."""
        return self._look(subject)[0]

    def reveal(self, value: Any, field: str, subject: UUID | None = None) -> Any:
        """See `Keyring.reveal`; plain text (recorded before sealing) is shown unless its subject was erased."""
        if isinstance(value, str) and value.startswith(PREFIX):
            value = Sealed.parse(value)
        if isinstance(value, Sealed):
            owner, name, raw = value.parts()
            key = self.key(owner)
            if key is None:
                return ERASED
            try:
                text = AESGCM(key).decrypt(raw[:NONCE], raw[NONCE:], aad(owner, name)).decode()
            except InvalidTag:
                raise KeyTableError(f"a sealed {name} of {owner} does not open") from None
            return json.loads(text[len(JSON):]) if text.startswith(JSON) else text
        if value is None or value == ERASED or subject is None:
            return value
        return ERASED if self._look(subject)[1] else value  # plain text recorded before sealing began
