"""Anchoring the audit chain (ADR 0016): the head signed with an Ed25519 key, kept outside the database.

`anchor` signs (position, head hash, time) with the key at `Settings.anchor_key`, records the checkpoint in
the log (`ChainAnchor.Signed`) and appends it, with that event's id, to the file at `Settings.anchors`, one
JSON line each. `check` holds the log against the latest checkpoint: someone with database access who cuts
the last events off, or rewrites the chain and the trail consistently, is seen, since they cannot sign a new
checkpoint, and a forged or edited checkpoint fails its signature.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import structlog
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from mobilize.application import Mobilize
from mobilize.domain.base import CommandContext
from mobilize.projections.audit import GENESIS, AuditTrail, Verdict, link, stored, verify
from mobilize.projections.base import Runner
from mobilize.projections.store import ViewStore
from mobilize.settings import Settings

log = structlog.get_logger("mobilize.anchors")

TRUNCATED, REWRITTEN, BAD_SIGNATURE = "truncated", "rewritten", "bad_signature"
"""What `check` can find wrong."""


class AnchorError(Exception):
    """Raised when the anchor key or the checkpoint file cannot be used."""


@dataclass(frozen=True)
class Checkpoint:
    """The chain's head at a position, signed; `anchor_id` is the `ChainAnchor` recorded in the log for it."""

    position: int
    head: str
    signed_at: str
    public_key: str
    signature: str
    anchor_id: str

    def message(self) -> bytes:
        """The bytes signed."""
        return message(self.position, self.head, self.signed_at)

    def as_dict(self) -> dict[str, Any]:
        """As a line of the file and JSON show it."""
        return asdict(self)


def message(position: int, head: str, signed_at: str) -> bytes:
    """What a checkpoint's signature covers."""
    return f"mobilize chain anchor v1|{position}|{head}|{signed_at}".encode()


def signing_key(path: str, create: bool = False) -> Ed25519PrivateKey:
    """The anchor key at `path` (PEM, PKCS#8); with `create`, made there (readable by its owner only) if missing."""
    file = Path(path)
    if not file.exists() and not create:
        raise AnchorError(f"there is no anchor key at {path}: the checkpoints cannot be checked without it")
    if not file.exists():
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        file.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(pem)
        return key
    try:
        loaded = serialization.load_pem_private_key(file.read_bytes(), password=None)
    except ValueError as error:
        raise AnchorError(f"the anchor key {path} is not a PEM private key: {error}") from None
    if not isinstance(loaded, Ed25519PrivateKey):
        raise AnchorError(f"the anchor key {path} is not an Ed25519 key")
    return loaded


def public_hex(key: Ed25519PrivateKey) -> str:
    """The key's public half, 32 bytes in hex."""
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def checkpoints(path: str) -> list[Checkpoint]:
    """Every checkpoint of the file, oldest first (none if there is no file yet)."""
    file = Path(path)
    if not file.exists():
        return []
    found = []
    for number, line in enumerate(file.read_text().splitlines(), 1):
        if line.strip():
            try:
                found.append(Checkpoint(**json.loads(line)))
            except (ValueError, TypeError) as error:
                raise AnchorError(f"{path}, line {number}: not a checkpoint ({error})") from None
    return found


def anchor(app: Mobilize, views: ViewStore, settings: Settings, actor: str, reason: str | None = None) -> Checkpoint:
    """Sign the chain's head as it stands, record it in the log, append it to the file; refuse a broken chain."""
    key = signing_key(settings.anchor_key, create=True)
    Runner(app, views, AuditTrail()).catch_up()
    verdict = verify(app, views)
    if not verdict.ok:
        raise AnchorError(f"the chain is broken at position {verdict.broken_at} ({verdict.problem}): "
                          "a broken chain is not anchored")
    signed_at = datetime.now(UTC).isoformat()
    signature = key.sign(message(verdict.position, verdict.head, signed_at)).hex()
    anchor_id = app.record_anchor(verdict.position, verdict.head, signed_at, public_hex(key), signature,
                                  ctx=CommandContext(actor=actor, reason=reason or "anchor the audit chain"))
    checkpoint = Checkpoint(verdict.position, verdict.head, signed_at, public_hex(key), signature, str(anchor_id))
    file = Path(settings.anchors)
    file.parent.mkdir(parents=True, exist_ok=True)
    with file.open("a") as out:  # append only: earlier checkpoints are never rewritten
        out.write(json.dumps(checkpoint.as_dict(), sort_keys=True) + "\n")
        out.flush()
        os.fsync(out.fileno())
    return checkpoint


@dataclass(frozen=True)
class AnchorCheck:
    """The log held against the latest checkpoint: `kind` and `problem` say what does not hold, if anything."""

    checkpoint: Checkpoint | None
    kind: str | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the log agrees with the checkpoint (or there is none yet)."""
        return self.kind is None


def check(app: Mobilize, settings: Settings) -> AnchorCheck:
    """Hold the log against the latest checkpoint: its signature, the log's length, the chain's head there, and
    the anchor's own event."""
    found = checkpoints(settings.anchors)
    if not found:
        return AnchorCheck(None)
    last = found[-1]
    if not _signed(last, public_hex(signing_key(settings.anchor_key))):
        return AnchorCheck(last, BAD_SIGNATURE, f"the checkpoint of {last.signed_at} (position {last.position}) "
                                                "does not carry this system's signature: the checkpoint file was "
                                                "forged or edited")
    end = app.recorder.max_notification_id() or 0
    if end < last.position:
        return AnchorCheck(last, TRUNCATED, f"the log ends at position {end}, but the checkpoint of "
                                            f"{last.signed_at} vouches for events up to position {last.position}: "
                                            f"the last {last.position - end} events were cut off")
    head = head_at(app, last.position)
    if head != last.head:
        return AnchorCheck(last, REWRITTEN, f"the chain up to position {last.position} no longer hashes to the head "
                                            f"anchored at {last.signed_at} ({last.head[:16]}…, now {head[:16]}…): "
                                            "events at or before it were rewritten")
    if not _recorded(app, last):
        return AnchorCheck(last, TRUNCATED, f"the anchor's own event, recorded after position {last.position}, is "
                                            "gone: the log was cut back to the anchored position")
    return AnchorCheck(last)


def _signed(checkpoint: Checkpoint, public_key: str) -> bool:
    if checkpoint.public_key != public_key:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key)).verify(
            bytes.fromhex(checkpoint.signature), checkpoint.message())
    except (InvalidSignature, ValueError):
        return False
    return True


def head_at(app: Mobilize, position: int) -> str:
    """The chain's hash at `position`, recomputed from the stored events."""
    head = GENESIS
    for note in stored(app):
        if note.id > position:
            break
        head = link(head, note)
    return head


def _recorded(app: Mobilize, checkpoint: Checkpoint) -> bool:
    """Whether the anchor's event is in the store (read there, not from a cache that may outlive a cut)."""
    try:
        anchor_id = UUID(checkpoint.anchor_id)
    except ValueError:
        return False
    return any(getattr(app.mapper.to_domain_event(event), "signature", None) == checkpoint.signature
               for event in app.recorder.select_events(anchor_id))


def summary(verdict: Verdict, anchored: AnchorCheck) -> dict[str, Any]:
    """The chain's verdict and the anchor's, as the API and the CLI report them."""
    return {"ok": verdict.ok and anchored.ok, "checked": verdict.checked, "head": verdict.head,
            "broken_at": verdict.broken_at, "problem": verdict.problem, "anchor_problem": anchored.problem,
            "anchor_kind": anchored.kind,
            "last_anchor": anchored.checkpoint.as_dict() if anchored.checkpoint else None}


def every(app: Mobilize, settings: Settings, stop: threading.Event) -> None:
    """Anchor the chain every `settings.anchor_interval` seconds while the log moves, until `stop` is set (for
    `projections run`); a failure (the store away, a broken chain) is logged and tried again next time."""
    views, after = ViewStore.for_store(settings.store), -1
    try:
        while not stop.wait(settings.anchor_interval):
            try:
                if (app.recorder.max_notification_id() or 0) <= after:
                    continue  # nothing new but our own anchor
                checkpoint = anchor(app, views, settings, actor="mobilize projections run (anchor schedule)",
                                    reason="scheduled anchor of the audit chain")
                after = app.recorder.max_notification_id() or 0
                log.info("anchor.signed", position=checkpoint.position, head=checkpoint.head)
            except Exception as error:  # noqa: BLE001 - the schedule goes on; the next tick tries again
                log.error("anchor.failed", error=f"{type(error).__name__}: {error}")
    finally:
        views.close()
