"""Field pages' streams: what an API process pays to hold one `/api/field/stream` per person in the field.

A street's ~1,000 people each keep the field page open on their phone: one stream each, with the person's own
responder token (a token holds at most 10). A holder process opens N of them, one token each, and notes when
each `changed` frame arrives; operators give commands at a steady pace meanwhile (other people's shifts and
dispatches, which no open page may hear of). Measured, with no field stream and with N open:

- the API process's resident memory (and per stream);
- command latency p50/p99 of the operators' load;
- touch → frame: from an operator's command that touches one of the N people (assigning them a shift) to the
  `changed` frame on that person's stream, p50/p99, and how many touches were heard;
- that the stream after the process's bound (`STREAMS_PER_PROCESS`) is refused with 429.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any
from uuid import UUID

from benchmarks.commands import Server, Variant
from benchmarks.common import Results, Row, percentile, say
from benchmarks.streams import COMMANDS_PER_SECOND, FANOUT_LIMIT_MS, MEMORY_LIMIT_MIB, Holder, current_rss_mib, one_more
from benchmarks.workload import Client, World, _scheduled, drive
from mobilize.api.deps import TOKEN_PREFIX, secret_hash
from mobilize.api.routes.stream import STREAMS_PER_PROCESS
from mobilize.domain.access import AccessToken
from mobilize.domain.base import MobilizeAggregate

PATH = "/api/field/stream"
TOUCHES_PER_SECOND = 5.0


@dataclass
class Walker:
    """One person in the field: their token, and a shift of theirs-to-be (assigning them touches them)."""

    person_id: UUID
    token: str
    shift_id: UUID


def walkers(world: World, count: int) -> list[Walker]:
    """`count` people with a responder token each and a shift to be assigned to, seeded in bulk."""
    made: list[Walker] = []
    pending: list[MobilizeAggregate] = []
    start = world.shift_start
    for number in range(count):
        site, grid = world.sites[number % len(world.sites)]
        person: Any = world._recorded("register_person", world._person("sampler"))[0]
        secret = secrets.token_urlsafe(18)
        token = world._recorded("issue_responder_token", partial(_token, person, secret))
        shift = world._recorded("schedule_shift", partial(
            _scheduled, site, world.incident, grid, 1 + number % 2, "sampler", start + timedelta(hours=9),
            start + timedelta(hours=17)))
        pending += [person, *token, *shift]
        made.append(Walker(person.id, f"{TOKEN_PREFIX}.{token[0].id.hex}.{secret}", shift[0].id))
        if len(pending) >= 1_000:
            world.app.save(*pending)
            pending.clear()
    if pending:
        world.app.save(*pending)
    return made


def _token(person: Any, secret: str) -> list[MobilizeAggregate]:
    return [AccessToken.issue(person.name, "responder", person.home_grid_id, secret_hash(secret), person_id=person.id)]


def measure(results: Results, variant: Variant, count: int, seconds: float, touches: int) -> None:
    """Memory and command latency with no field stream and with `count`; touch → frame and the bound with them."""
    world = World(variant.url)
    server = Server(variant)
    people = walkers(world, count + 1)
    idle: dict[str, float] = {}
    try:
        for open_now in (0, count):
            say(f"{open_now} field streams on {variant.name}, commands at {COMMANDS_PER_SECOND:g}/s for {seconds:g}s")
            units = world.units(int(COMMANDS_PER_SECOND * seconds / 3) + 8)
            held = Holder(server.port, [p.token for p in people[:open_now]], open_now, path=PATH, per_token=1)
            try:
                time.sleep(1.0)
                memory = current_rss_mib(server.process.pid)
                outcome = drive(server.port, world.token, units, 1, seconds, rate=COMMANDS_PER_SECOND)
                sent = _touch(server.port, world.token, people[:open_now], touches) if open_now else []
                time.sleep(2.0)
                refused = one_more(server.port, people[-1].token, PATH) if open_now >= STREAMS_PER_PROCESS else None
                report = held.finish()
            finally:
                held.stop()
            _rows(results, variant, open_now, memory, outcome.latencies_ms, report, sent, idle, refused)
    finally:
        server.stop()
        world.close()


def _touch(port: int, token: str, people: list[Walker], touches: int) -> list[tuple[int, float, float]]:
    """Assign `touches` of the people (spread over them) a shift, one after another: (person, sent, answered)."""
    client = Client(port, token)
    sent = []
    try:
        step = max(1, len(people) // touches)
        for number in range(0, min(len(people), touches * step), step):
            began = time.time()
            status, answer = client.post(f"/api/shifts/{people[number].shift_id}/assignments",
                                         {"person_id": str(people[number].person_id)})
            if status != 200:
                raise RuntimeError(f"assigning a field person a shift answered {status}: {answer}")
            sent.append((number, began, time.time()))
            time.sleep(max(0.0, 1 / TOUCHES_PER_SECOND - (time.time() - began)))
    finally:
        client.close()
    return sent


def _heard(report: dict[str, Any], sent: list[tuple[int, float, float]]) -> list[float]:
    """Per touch heard on the person's stream: ms from the command sent to its first frame there."""
    delays = []
    for feed, began, _ in sent:
        arrivals = [at for _, at in report["changed"].get(str(feed), []) if at >= began]
        if arrivals:
            delays.append(round((min(arrivals) - began) * 1000, 3))
    return delays


def _rows(results: Results, variant: Variant, count: int, memory: float | None, latencies: list[float],
          report: dict[str, Any], sent: list[tuple[int, float, float]], idle: dict[str, float],
          refused: int | None) -> None:
    key = f"field.{variant.name}.n{count}"
    if count == 0:
        idle["memory"] = memory or 0.0
    per_stream = ((memory - idle["memory"]) * 1024 / count) if count and memory and "memory" in idle else None
    results.add(Row(f"{key}.memory", "field", f"API memory, {count} field streams ({variant.name})", memory, "MiB",
                    store=variant.store, limit=MEMORY_LIMIT_MIB,
                    note=f"{per_stream:.0f} KiB per field stream" if per_stream is not None else "",
                    extra={"kib_per_stream": per_stream}))
    results.add(Row(f"{key}.commands", "field", f"  command latency p99, {count} field streams",
                    percentile(latencies, 99), "ms", store=variant.store,
                    extra={"p50": percentile(latencies, 50), "p99": percentile(latencies, 99),
                           "commands": len(latencies)}))
    if not count:
        return
    heard = _heard(report, sent)
    answered = [round((done - began) * 1000, 3) for _, began, done in sent]
    others = sum(len(frames) for feed, frames in report["changed"].items()
                 if int(feed) not in {number for number, _, _ in sent})
    results.add(Row(f"{key}.touch", "field", "  command touching a person → frame on their stream, p99",
                    percentile(heard, 99), "ms", store=variant.store, limit=FANOUT_LIMIT_MS,
                    note=f"{len(heard)} of {len(sent)} touches heard; {report['open']} of {count} open at the end; "
                         f"{others} frames on streams nobody touched",
                    shortfall="" if len(heard) == len(sent) and not others else "touches unheard or frames leaked",
                    extra={"p50": percentile(heard, 50), "p99": percentile(heard, 99), "touches": len(sent),
                           "heard": len(heard), "command_p50": percentile(answered, 50),
                           "frames_on_untouched_streams": others, "open_at_end": report["open"],
                           "holder_peak_rss_mib": report["peak_rss_mib"]}))
    if refused is not None:
        results.add(Row(f"field.{variant.name}.bound", "field", f"  field stream {count + 1} at the process bound",
                        float(refused), "status", store=variant.store, note="429 expected: refused, not served"))
