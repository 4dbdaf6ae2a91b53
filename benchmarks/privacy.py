"""What sealing personal data costs (ADR 0015): registrations, reads of a person, and a rebuild, on and off.

Registrations carry a phone, an ID number and a home unit each; slices with sealing on and off alternate so
that both meet the same log size and machine load. Off stores the fields as given (the comparison only).
"""

from __future__ import annotations

import time
from typing import Any
from uuid import UUID, uuid4

from benchmarks.common import Results, Row, say
from mobilize.application import Mobilize
from mobilize.domain.base import CommandContext
from mobilize.domain.person import PERSONAL_FIELDS, Person
from mobilize.log.codec import Decoder
from mobilize.privacy.seal import Opener
from mobilize.settings import store_env


def _register(app: Mobilize, grid: UUID, count: int, serial: int) -> list[UUID]:
    people = []
    for number in range(serial, serial + count):
        ctx = CommandContext(actor="bench:operator", command_id=uuid4().hex)
        people.append(app.register_person(f"Resident {number}", ["dual_registered_party_member"], grid,
                                          home_unit="Baiyun Tax Bureau", phone=f"138{number:08d}",
                                          id_number=f"44011119900101{number % 10_000:04d}", ctx=ctx))
    return people


def _decode_rate(app: Mobilize, start: int, end: int) -> float:
    decode, decoded, began = Decoder(app.mapper), 0, time.perf_counter()
    position = start
    while position <= end and (notes := app.recorder.select_notifications(position, 1000, stop=end)):
        for note in notes:
            decode(note)
            decoded += 1
        position = notes[-1].id + 1
    return decoded / (time.perf_counter() - began)


def measure(results: Results, store: str, label: str, per_slice: int = 100, rounds: int = 4) -> None:
    """Registrations/s, person reads/s and decoding rate with sealing on and off."""
    say(f"timing personal-data sealing on {label}")
    app = Mobilize(env=store_env(store))
    mapper: Any = app.mapper
    try:
        street = app.establish_unit("Bench Street", "street", ctx=CommandContext(actor="bench:operator"))
        community = app.establish_unit("Bench Community", "community", street,
                                       ctx=CommandContext(actor="bench:operator"))
        grid = app.establish_unit("Bench Grid", "grid", community, ctx=CommandContext(actor="bench:operator"))
        registered: dict[bool, list[UUID]] = {True: [], False: []}
        seconds = {True: 0.0, False: 0.0}
        spans: dict[bool, list[tuple[int, int]]] = {True: [], False: []}
        for index in range(2 * rounds):
            on = index % 2 == 0
            mapper.sealing = on
            first = (app.recorder.max_notification_id() or 0) + 1
            began = time.perf_counter()
            registered[on] += _register(app, grid, per_slice, index * per_slice)
            seconds[on] += time.perf_counter() - began
            spans[on].append((first, app.recorder.max_notification_id() or 0))
        mapper.sealing = True
        rate = {on: len(registered[on]) / seconds[on] for on in (True, False)}
        reads = {on: _read_rate(app, registered[on]) for on in (True, False)}
        decoded = {on: sum(_decode_rate(app, *span) for span in spans[on]) / rounds for on in (True, False)}
    finally:
        app.close()
    results.add(Row(f"privacy.{label}.register", "commands", f"registrations with phone, ID and home unit sealed "
                    f"({label}; stored as given: {rate[False]:.0f}/s)", rate[True], "cmd/s", store=label,
                    extra={"plain": round(rate[False], 1), "reads_sealed": round(reads[True], 1),
                           "reads_plain": round(reads[False], 1), "decode_sealed": round(decoded[True]),
                           "decode_plain": round(decoded[False])}))
    results.note(f"personal-data sealing, {label}: registrations {rate[True]:.0f}/s sealed vs {rate[False]:.0f}/s "
                 f"plain; a person read with its 3 fields opened {reads[True]:.0f}/s vs {reads[False]:.0f}/s "
                 f"(plain values still ask the key table whether the person was erased); decoding the log for a "
                 f"rebuild {decoded[True]:.0f} vs {decoded[False]:.0f} events/s (projections open nothing)")


def _read_rate(app: Mobilize, people: list[UUID]) -> float:
    began = time.perf_counter()
    for person_id in people:
        person = app.load(Person, person_id, "person")
        opener = Opener(app.keyring)
        for name in PERSONAL_FIELDS:
            opener.reveal(getattr(person, name), name, person_id)
    return len(people) / (time.perf_counter() - began)
