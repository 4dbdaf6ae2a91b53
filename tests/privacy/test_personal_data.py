"""Personal data at rest: sealed in every byte the system stores, opened for the entitled, erased for good."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path
from urllib.parse import parse_qs, urlparse
from uuid import UUID

import psycopg
import pytest

from mobilize.application import Mobilize
from mobilize.application.idempotency import fingerprint, record_id
from mobilize.domain.person import Person
from mobilize.domain.personal import ERASED, PersonalDataErased
from mobilize.feeds.relay import message
from mobilize.feeds.tail import Tail
from mobilize.privacy.seal import Opener
from mobilize.projections.audit import AuditTrail, trail, verify
from mobilize.projections.base import Runner
from mobilize.projections.registry import PROJECTIONS, projection
from mobilize.projections.store import ViewStore
from tests.conftest import World
from tests.projections.scenario import SmallDrive

PHONES = ("13815826780", "13900001111", "13722223333")
ID_NUMBERS = ("440101199001011234", "440106198512125678", "62010219770707901X")


def register(world: World, number: int) -> UUID:
    """A person with a phone, an ID number and a home unit."""
    return world.do("register_person", f"Resident {number}", ["dual_registered_party_member"], world.grid,
                    phone=PHONES[number], id_number=ID_NUMBERS[number], home_unit=f"Tax Bureau {number}")


def rebuilt(app: Mobilize, store: str) -> ViewStore:
    """Every view rebuilt from zero."""
    views = ViewStore.for_store(store)
    for name in PROJECTIONS:
        Runner(app, views, projection(name)).rebuild()
    return views


def stored_bytes(store: str) -> bytes:
    """Every byte the store and its views hold: the SQLite files (with their WAL), or the PostgreSQL schema's rows,
    each value as it is stored (a bytea column's own bytes, not its hex text: in hex, sealed random bytes make long
    runs of decimal digits, where an 11-digit phone turns up by chance about once in a few hundred demos)."""
    url = urlparse(store)
    if url.scheme == "sqlite":
        folder = Path(url.path).parent
        return b"".join(path.read_bytes() for path in sorted(folder.iterdir()) if ".db" in path.name)
    schema = parse_qs(url.query)["schema"][0]
    with psycopg.connect(url._replace(query="").geturl(), autocommit=True) as connection:
        tables = [row[0] for row in connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,))]
        return b"\x00".join(bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
                            for table in tables
                            for row in connection.execute(f'SELECT * FROM "{schema}"."{table}"')
                            for value in row)


def test_no_phone_or_id_number_lies_readable_in_the_store_or_its_views(world: World, store: str) -> None:
    if store == "memory:":
        pytest.skip("nothing is stored in bytes")
    # given a small drive with people whose phones and ID numbers are known, every view rebuilt
    SmallDrive(world).play(random.Random(5), 30)
    people = [register(world, number) for number in range(3)]
    world.do("correct_personal_data", people[0], phone="13600009999", id_number=ID_NUMBERS[0],
             home_unit="Tax Bureau 0")
    rebuilt(world.app, store).close()
    # when every byte the system stored is searched
    raw = stored_bytes(store)
    # then no phone, ID number or home unit is found, nor any part of an ID number's digits
    for secret in (*PHONES, "13600009999", *ID_NUMBERS, *(number[6:14] for number in ID_NUMBERS), "Tax Bureau"):
        assert secret.encode() not in raw, secret
    # while an entitled reader still reads them
    person = world.app.load(Person, people[0], "person")
    assert Opener(world.app.keyring).reveal(person.phone, "phone", person.id) == "13600009999"


def test_erasure_mid_drive_shows_everywhere_and_the_chain_still_holds(world: World, store: str) -> None:
    # given a drive under way, a person registered, and the trail, the feed and the relay showing their phone
    drive = SmallDrive(world)
    drive.play(random.Random(7), 15)
    start = world.log_size()
    person = register(world, 0)
    views = ViewStore.for_store(store)
    Runner(world.app, views, AuditTrail()).catch_up()
    tail = Tail(world.app)
    keyring = world.app.keyring
    registered = next(e for e in tail.after(start)[0] if e.frame and "Person.Registered" in e.frame)
    assert PHONES[0] in (registered.frame_for(Opener(keyring)) or "")
    assert trail(views, person_id=str(person), opener=Opener(keyring))[0]["payload"].count(PHONES[0]) == 1

    # when the person's personal data is erased, for a reason, and the drive goes on
    world.do("erase_personal_data", person, ctx=world.ctx(reason="resident asked; not staff"))
    drive.play(random.Random(8), 15)
    Runner(world.app, views, AuditTrail()).catch_up()

    # then the erasure is an event with its actor and reason
    erased = trail(views, person_id=str(person), opener=Opener(keyring))
    erasure = next(row for row in erased if row["event_type"] == "Person.PersonalDataErased")
    assert (erasure["actor"], erasure["reason"]) == ("operator:li", "resident asked; not staff")
    # the record shows the fields erased, the name and roles kept
    record = world.app.load(Person, person, "person")
    assert record.erased and record.name == "Resident 0"
    assert {Opener(keyring).reveal(getattr(record, f), f, person) for f in ("phone", "id_number")} == {ERASED}
    # the trail's export, the live feed (the same cached entry), a replay from zero and the relay too
    payload = json.loads(erased[0]["payload"])
    assert (payload["phone"], payload["id_number"], payload["home_unit"]) == (ERASED, ERASED, ERASED)
    assert PHONES[0] not in (registered.frame_for(Opener(keyring)) or "") and ERASED in (
        registered.frame_for(Opener(keyring)) or "")
    replayed = Tail(world.app).after(registered.position - 1)[0][0]  # a new tail: a feed replaying from there
    assert ERASED in (replayed.frame_for(Opener(keyring)) or "")
    note = world.app.recorder.select_notifications(registered.position, 1)[0]
    trusted = json.loads(message(world.app, note, personal=True).value)["payload"]
    assert trusted["phone"] == ERASED and "phone" not in json.loads(message(world.app, note).value)["payload"]
    # the chain still verifies: it covers the stored ciphertext, which did not change
    assert verify(world.app, views).ok
    views.close()
    # a rebuild from zero yields the erased form, and still verifies
    views = rebuilt(world.app, store)
    assert json.loads(trail(views, person_id=str(person), opener=Opener(keyring))[0]["payload"])["phone"] == ERASED
    assert verify(world.app, views).ok
    views.close()
    # and a command on the person's personal data is refused clearly, as is erasing twice
    with pytest.raises(PersonalDataErased, match="erased"):
        world.do("correct_personal_data", person, phone="13800000000")
    with pytest.raises(PersonalDataErased):
        world.do("erase_personal_data", person)


def test_a_log_recorded_in_plain_text_is_read_sealed_forward_and_erased(world: World, store: str) -> None:
    # given people recorded before sealing began (plain text in the store)
    world.app.mapper.sealing = False  # type: ignore[attr-defined]
    old, other = register(world, 1), register(world, 2)
    world.app.mapper.sealing = True  # type: ignore[attr-defined]
    keyring = world.app.keyring
    assert world.app.plain_text_recorded(old) and world.app.plain_text_recorded(other)
    # when the log is migrated forward: each person's data recorded again, sealed (no event rewritten)
    before = world.log_size()
    for person in (old, other):
        world.do("seal_personal_data", person, ctx=world.ctx(reason="privacy migrate"))
    assert world.log_size() == before + 4  # the sealed copy and its command record, per person
    assert not world.app.plain_text_recorded(old)
    record = None
    for event in world.app.events.get(old):  # the person as the stored events make them, no cache between
        record = event.mutate(record)
    assert isinstance(record, Person) and keyring.reveal(record.phone, "phone", old) == PHONES[1]
    with pytest.raises(Exception, match="sealed already"):
        world.do("seal_personal_data", old)
    # and once erased, the plain text of its old events shows erased too (it stays in storage only)
    world.do("erase_personal_data", old)
    views = ViewStore.for_store(store)
    Runner(world.app, views, AuditTrail()).catch_up()
    rows = trail(views, person_id=str(old), opener=Opener(keyring))
    assert all(PHONES[1] not in row["payload"] for row in rows)
    assert json.loads(rows[0]["payload"])["phone"] == ERASED
    assert json.loads(trail(views, person_id=str(other), opener=Opener(keyring))[0]["payload"])["phone"] == PHONES[2]
    assert verify(world.app, views).ok
    views.close()


def test_the_sqlite_key_table_keeps_no_copy_of_a_destroyed_key(tmp_path: Path) -> None:
    # given a person's key in the SQLite key table
    from mobilize.settings import store_env

    app = Mobilize(env=store_env(f"sqlite:///{tmp_path / 'events.db'}"))
    world = World(app)
    person = register(world, 0)
    wrapped = app.keyring.table.get(person.hex)
    assert wrapped is not None and wrapped[0] is not None
    # when the person is erased
    world.do("erase_personal_data", person)
    app.close()
    # then the wrapped key's bytes are nowhere in the database files, and its row says when it was erased
    raw = b"".join(path.read_bytes() for path in tmp_path.iterdir() if ".db" in path.name)
    assert wrapped[0] not in raw
    row = sqlite3.connect(tmp_path / "events.db").execute(
        "SELECT wrapped, erased_at FROM personal_keys WHERE subject = ?", (person.hex,)).fetchone()
    assert row[0] is None and row[1]


def test_a_commands_fingerprint_holds_its_personal_arguments_blinded(world: World) -> None:
    # given a registration and its retry with the same command id
    ctx = world.ctx()
    person = world.do("register_person", "Chen Jing", ["volunteer"], world.grid, phone=PHONES[0], ctx=ctx)
    assert world.do("register_person", "Chen Jing", ["volunteer"], world.grid, phone=PHONES[0], ctx=ctx) == person
    # then the stored fingerprint is not the plain hash anyone could recompute by trying phone numbers
    record = world.app.repository.get(record_id(ctx.command_id))
    arguments = {"name": "Chen Jing", "roles": ["volunteer"], "home_grid_id": world.grid, "home_unit": None,
                 "id_number": None, "qualifications": None, "legal_basis": None, "basis_incident_id": None,
                 "context": {"ordered_by": ctx.ordered_by, "reason": ctx.reason, "occurred_at": ctx.occurred_at}}
    assert record.fingerprint == fingerprint("register_person", {**arguments,
                                                                 "phone": world.app.keyring.blind(PHONES[0])})
    assert record.fingerprint != fingerprint("register_person", {**arguments, "phone": PHONES[0]})


def test_a_snapshot_of_a_person_holds_their_data_sealed(tmp_path: Path) -> None:
    from mobilize.settings import store_env

    app = Mobilize(env={**store_env(f"sqlite:///{tmp_path / 'events.db'}"), "IS_SNAPSHOTTING_ENABLED": "y"})
    person = register(World(app), 0)  # the aggregate in memory holds the values as given
    app.take_snapshot(person)
    assert app.snapshots is not None and len(list(app.snapshots.get(person))) == 1
    assert Opener(app.keyring).reveal(app.repository.get(person).phone, "phone", person) == PHONES[0]
    app.close()
    raw = b"".join(path.read_bytes() for path in tmp_path.iterdir() if ".db" in path.name)
    assert PHONES[0].encode() not in raw and ID_NUMBERS[0].encode() not in raw
