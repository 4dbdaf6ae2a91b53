"""The tail of the log a process's feeds share: each stretch of the log read from the store once, for all."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mobilize.feeds import tail as tail_module
from mobilize.feeds.tail import Entry, Tail
from mobilize.log.envelope import streamed
from mobilize.privacy.seal import Opener
from tests.conftest import World


class Counted:
    """The store's reads of the log, counted (the recorder itself does the reading)."""

    def __init__(self, world: World) -> None:
        self.recorder = world.app.recorder
        self.reads = 0
        self.select = self.recorder.select_notifications
        self.recorder.select_notifications = self  # type: ignore[method-assign]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.reads += 1
        return self.select(*args, **kwargs)

    def close(self) -> None:
        del self.recorder.select_notifications


@pytest.fixture
def counted(world: World) -> Any:
    reads = Counted(world)
    yield reads
    reads.close()


def shown(entries: list[Entry]) -> list[dict[str, Any]]:
    return [json.loads(entry.frame.split("data: ", 1)[1]) for entry in entries if entry.frame]


def stored(world: World, after: int) -> list[int]:
    """Positions after `after` the feeds show (every stored event but the hidden ones)."""
    notes = world.app.recorder.select_notifications(after + 1, 10_000)
    return [note.id for note in notes if streamed(note)]


def test_feeds_at_the_same_place_share_one_read_of_the_store(world: World, counted: Counted) -> None:
    tail, start = Tail(world.app), world.log_size()
    assert tail.after(start) == ([], True)
    for number in range(3):
        world.person(f"Person {number}")
    reads = counted.reads

    first, first_done = tail.after(start)
    second, second_done = tail.after(start)  # a second feed, woken by the same commits

    assert counted.reads == reads + 1
    assert first == second and first_done and second_done
    assert [event["position"] for event in shown(first)] == stored(world, start)
    assert {event["event_type"] for event in shown(first)} == {"Person.Registered", "Person.QualificationCertified"}


def test_a_viewer_is_handed_no_personal_fields_and_hidden_events_have_no_frame(world: World) -> None:
    tail, start = Tail(world.app), world.log_size()
    tail.after(start)
    world.do("register_person", "Chen Jing", ["volunteer"], world.grid, phone="13800138000", id_number="X1")

    entries, _ = tail.after(start)

    person = next(entry for entry in entries if entry.frame and "Person.Registered" in entry.frame)
    opened = person.frame_for(Opener(world.app.keyring))
    assert opened is not None and "13800138000" in opened and "13800138000" not in person.viewer_frame
    assert "13800138000" not in person.frame and "sealed:1:" in person.frame  # kept sealed until sent
    assert "X1" not in person.viewer_frame and "Chen Jing" in person.viewer_frame
    assert any(entry.frame is None and entry.viewer_frame is None for entry in entries)  # its command record


def test_a_feed_behind_the_tail_is_served_from_the_store_and_one_ahead_brings_it_forward(
        world: World, counted: Counted) -> None:
    early = world.log_size()
    world.person("Deng Yu")
    tail, middle = Tail(world.app), world.log_size()
    tail.after(middle)
    world.person("Feng Li")

    behind, _ = tail.after(early)  # a client resuming from before the tail began
    assert [event["position"] for event in shown(behind)] == stored(world, early)

    for number in range(3):
        world.person(f"Person {number}")
    end = world.log_size()
    assert tail.after(end, first=True) == ([], True)  # a feed opened at the end: the tail reads on to it ...
    reads = counted.reads
    caught_up, _ = tail.after(middle)  # ... and still holds what lies between for the feeds there
    assert counted.reads == reads
    assert [event["position"] for event in shown(caught_up)] == stored(world, middle)
    world.person("Gao Min")
    assert [event["position"] for event in shown(tail.after(end)[0])] == stored(world, end)


def test_a_feed_past_the_end_of_the_log_moves_nothing(world: World, counted: Counted) -> None:
    tail, start = Tail(world.app), world.log_size()
    tail.after(start)
    world.person("Deng Yu")

    assert tail.after(10**9, first=True) == ([], True)  # a position left over from another database
    reads = counted.reads
    entries, done = tail.after(start)
    assert counted.reads == reads + 1 and done
    assert [event["position"] for event in shown(entries)] == stored(world, start)


def test_a_new_feed_looks_for_commits_no_bell_announced(world: World) -> None:
    tail, start = Tail(world.app), world.log_size()
    assert tail.after(start) == ([], True)  # the tail has read to the end ...
    world.person("Deng Yu")  # ... a commit while no feed was open rings no bell ...

    entries, _ = tail.after(start, first=True)  # ... and a feed opening now still finds it

    assert [event["position"] for event in shown(entries)] == stored(world, start) != []


def test_an_event_that_cannot_be_rendered_leaves_the_tail_as_it_was(world: World,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    tail, start = Tail(world.app), world.log_size()
    tail.after(start)
    for number in range(3):
        world.person(f"Person {number}")
    render, calls = tail._entry, []

    def failing_once(note: Any) -> Entry:
        calls.append(note.id)
        if len(calls) == 4:
            raise ValueError("an event this process cannot decode")
        return render(note)

    monkeypatch.setattr(tail, "_entry", failing_once)
    with pytest.raises(ValueError, match="cannot decode"):
        tail.after(start)
    entries, _ = tail.after(start)

    positions = [entry.position for entry in entries]
    assert positions == sorted(set(positions)) == list(range(start + 1, world.log_size() + 1))


def test_a_long_stretch_comes_a_batch_at_a_time_and_the_tail_keeps_only_its_last_part(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tail_module, "BATCH", 4)
    tail, start = Tail(world.app, keep=5), world.log_size()
    tail.after(start)
    for number in range(10):
        world.person(f"Person {number}")

    position, seen, rounds = start, [], 0
    while True:
        entries, done = tail.after(position)
        assert len(entries) <= 4
        seen += shown(entries)
        position = entries[-1].position if entries else position
        rounds += 1
        if done:
            break
    assert [event["position"] for event in seen] == stored(world, start) and rounds >= 5
    assert len(tail._entries) <= 2 * 5  # what it holds is the point
    again, _ = tail.after(start)  # forgotten by the tail: from the store, still right
    assert [event["position"] for event in shown(again)] == stored(world, start)[:len(shown(again))]


def test_a_first_feed_far_past_the_end_of_the_log_does_not_pin_the_tail(world: World) -> None:
    # given a process whose first feed asks for a position no log will reach
    tail = Tail(world.app)
    assert tail.after(10**23, first=True) == ([], True)
    # when events are recorded and a feed at the log's end asks for them
    start = world.log_size()
    world.person("After The Far Feed")
    entries, _ = tail.after(start)
    # then the tail serves them from itself, read once, as for any feed
    assert [e.position for e in entries if e.frame] == stored(world, start)
    assert tail._floor is not None and tail._floor <= start


def test_a_woken_feed_is_handed_what_the_tail_holds_without_a_store_read_or_a_wait(world: World,
                                                                                    counted: Counted) -> None:
    tail, start = Tail(world.app), world.log_size()
    tail.after(start)
    assert tail.held(start) is None  # nothing beyond the start is held yet: the feed must read from a thread
    world.person("Li Na")
    end = world.log_size()
    reads = counted.reads

    tail.read_on(end)  # one read, for every feed the bell wakes
    tail.read_on(end)  # already there: no second read
    held = [tail.held(start) for _ in range(50)]  # fifty feeds at the same place

    assert counted.reads == reads + 1
    assert all(h is not None and h == tail.after(start) for h in held)
    assert [event["position"] for event in shown(held[0][0])] == stored(world, start)  # type: ignore[index]
    assert tail.held(end) is None  # caught up: the next look waits for the bell
    with tail._lock:  # another thread is reading the store: the event loop must not wait for it
        assert tail.held(start) is None
