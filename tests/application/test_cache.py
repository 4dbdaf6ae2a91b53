"""The aggregate cache: synced from the log's tail, it never hands out what a replay would not.

Two application objects on one store stand for two API processes. The deterministic tests pin
down the rules the cache lives by (a sync per horizon, stale entries dropped, a read overtaken by
a sync not kept, a long absence answered by dropping everything); the threaded one checks that
concurrent readers always get whole aggregates while a writer moves them on.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mobilize.application import Mobilize
from mobilize.application.store import cache
from mobilize.application.store.cache import SyncedCache, reads_after
from mobilize.domain.base import CommandContext
from mobilize.domain.person import Person
from mobilize.settings import GROUP_COMMIT, BadSetting, store_env
from tests.conftest import HOUR, T0, World, backends, store_for


@pytest.fixture(params=[backend for backend in backends() if backend != "memory"])
def shared_store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A store URL that two application objects (two API processes) can open at once."""
    return store_for(request.param, tmp_path)


@pytest.fixture
def pair(shared_store: str) -> Iterator[tuple[Mobilize, Mobilize]]:
    here, there = Mobilize(env=store_env(shared_store)), Mobilize(env=store_env(shared_store))
    yield here, there
    there.close()
    here.close()


def ctx(command_id: str) -> CommandContext:
    return CommandContext(actor="desk:1", command_id=command_id, occurred_at=T0 - HOUR)


def repository(app: Mobilize) -> SyncedCache:
    assert isinstance(app.repository, SyncedCache) and app.repository.cache is not None
    return app.repository


def test_a_version_written_by_another_process_is_seen_by_the_next_request(pair: tuple[Mobilize, Mobilize]) -> None:
    here, there = pair
    person = World(here).person("Wang Fang", ("sampler",))
    cached = repository(here).get(person)
    there.certify(person, "driver", T0 + 99 * HOUR, ctx=ctx("elsewhere"))

    assert repository(here).get(person).version == cached.version + 1
    assert here.certify(person, "first_aid", T0 + 99 * HOUR, ctx=ctx("here")) == person  # no ConcurrentChange
    assert set(repository(here).get(person).qualifications) >= {"sampler", "driver", "first_aid"}
    assert repository(here).stats.dropped >= 1


def test_one_request_costs_one_sync_however_many_aggregates_it_reads(pair: tuple[Mobilize, Mobilize]) -> None:
    here, _ = pair
    world = World(here)
    people = [world.person(f"Person {i}", ("sampler",)) for i in range(5)]
    stats = repository(here).stats
    with reads_after():
        syncs = stats.syncs
        for person in people * 2:
            repository(here).get(person)
        assert stats.syncs - syncs <= 1
    repository(here).get(people[0])  # outside a request: this call's own moment
    assert stats.syncs - syncs <= 2


def test_a_read_overtaken_by_a_sync_that_saw_a_newer_version_is_not_kept(pair: tuple[Mobilize, Mobilize]) -> None:
    here, there = pair
    person = World(here).person("Li Lei", ("sampler",))
    cached = repository(here)
    cached.cache.get(person, evict=True)  # type: ignore[union-attr]
    cached.sync()
    before = cached.generation
    old = there.repository.get(person)  # read from the store "during" the sync below
    there.certify(person, "driver", T0 + 99 * HOUR, ctx=ctx("moved-on"))
    cached.sync()  # sees the newer version
    cached.keep(old, before)

    with pytest.raises(KeyError):
        cached.cache.get(person)  # type: ignore[union-attr]
    assert cached.stats.not_kept == 1
    assert cached.get(person).version == old.version + 1


def test_after_a_long_absence_the_whole_cache_is_dropped(pair: tuple[Mobilize, Mobilize],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    here, there = pair
    world = World(here)
    people = [world.person(f"Person {i}", ("sampler",)) for i in range(4)]
    for person in people:
        repository(here).get(person)
    monkeypatch.setattr(cache, "RESET_AFTER", 1)
    monkeypatch.setattr(cache, "SYNC_PAGE", 2)
    for i, person in enumerate(people):
        there.certify(person, "driver", T0 + (90 + i) * HOUR, ctx=ctx(f"away-{i}"))
    resets = repository(here).stats.resets

    assert [repository(here).get(person).version for person in people] == \
        [there.repository.get(person).version for person in people]
    assert repository(here).stats.resets == resets + 1


def test_copies_handed_out_are_private(store: str) -> None:
    app = Mobilize(env=store_env(store))
    person = World(app).person("Zhao Min", ("sampler", "driver"))
    handed_out = app.repository.get(person)
    handed_out.qualifications.clear()
    assert set(app.repository.get(person).qualifications) == {"sampler", "driver"}
    app.close()


def test_concurrent_readers_always_get_whole_aggregates(store: str) -> None:
    app = Mobilize(env={**store_env(store), GROUP_COMMIT: "on"})
    person = World(app).person("Busy Person", ())
    base = app.repository.get(person)
    stop = threading.Event()
    torn: list[str] = []

    def reader() -> None:
        while not stop.is_set():
            seen: Person = app.repository.get(person)
            if len(seen.qualifications) != seen.version - base.version:
                torn.append(f"version {seen.version} with {len(seen.qualifications)} qualifications")

    skills = ("sampler", "registrar", "marshal", "first_aid", "driver", "disinfection")
    readers = [threading.Thread(target=reader) for _ in range(6)]
    for thread in readers:
        thread.start()
    try:
        for i, skill in enumerate(skills):
            app.certify(person, skill, T0 + (100 + i) * HOUR, ctx=ctx(f"q{i}"))
            time.sleep(0.005)
    finally:
        stop.set()
        for thread in readers:
            thread.join(30)
    assert torn == []
    assert app.repository.get(person).version == base.version + len(skills)
    app.close()


def test_the_cache_is_on_by_default_and_can_be_switched_off() -> None:
    assert repository(Mobilize(env=store_env("memory:"))).cache.maxsize == cache.DEFAULT_MAXSIZE  # type: ignore[union-attr]
    assert Mobilize(env={**store_env("memory:"), "AGGREGATE_CACHE_MAXSIZE": ""}).repository.cache is None
    assert Mobilize(env={**store_env("memory:"), "AGGREGATE_CACHE_MAXSIZE": "0"}).repository.cache is None
    with pytest.raises(BadSetting, match="stale"):
        Mobilize(env={**store_env("memory:"), "AGGREGATE_CACHE_FASTFORWARD": "n"})
    with pytest.raises(BadSetting, match="whole number"):
        Mobilize(env={**store_env("memory:"), "AGGREGATE_CACHE_MAXSIZE": "many"})


def test_without_the_cache_commands_still_read_the_store(store: str) -> None:
    app = Mobilize(env={**store_env(store), "AGGREGATE_CACHE_MAXSIZE": ""})
    person = World(app).person("No Cache", ("sampler",))
    app.certify(person, "driver", T0 + 9 * HOUR, ctx=ctx("uncached"))
    assert set(app.repository.get(person).qualifications) == {"sampler", "driver"}
    app.close()
