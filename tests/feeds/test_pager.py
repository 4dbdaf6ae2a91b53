"""The pager against a real local HTTP receiver: retries with backoff, one recorded attempt per post, the
robots' formats (WeCom, DingTalk signed), giving up on a refusal, and escalation with the time injected."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from uuid import UUID

import pytest

from mobilize.application import Mobilize
from mobilize.feeds import webhooks
from mobilize.feeds.pager import Pager
from mobilize.feeds.webhooks import Hook
from mobilize.projections.store import ViewStore
from tests.conftest import T0, World

MINUTE = timedelta(minutes=1)
SECOND = timedelta(seconds=1)


class Receiver:
    """A local HTTP server answering each post with the next scripted (status, body), then 200 {"errcode": 0}."""

    def __init__(self) -> None:
        self.script: list[tuple[int, dict[str, Any]]] = []
        self.posts: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.posts.append({"path": self.path, "headers": dict(self.headers), "json": json.loads(body)})
                status, answer = receiver.script.pop(0) if receiver.script else (200, {"errcode": 0, "errmsg": "ok"})
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


OPEN: list[Pager] = []


@pytest.fixture(autouse=True)
def close_pagers() -> Iterator[None]:
    yield
    while OPEN:
        pager = OPEN.pop()
        pager.close()
        pager.runner.views.close()


def pager_for(app: Mobilize, store: str, *hooks: Hook) -> Pager:
    pager = Pager(app, ViewStore.for_store(store), list(hooks), store=store)
    OPEN.append(pager)
    return pager


def hook(receiver: Receiver, **fields: Any) -> Hook:
    return Hook.model_validate({"name": "duty", "format": "json", "url": receiver.url(), **fields})


def paged(world: World) -> tuple[UUID, dict[str, Any]]:
    """Chen Jing put on a shift (and so paged) at T0 - 12 h."""
    site = world.open_site(world.incident())
    chen = world.person("Chen Jing")
    world.do("assign_to_shift", world.shift(site, T0), chen)
    return chen, world.app.inbox_of(chen)[0]


def attempts(world: World) -> list[Any]:
    return [e for e in world.events() if type(e).__qualname__ == "Inbox.DeliveryAttempted"]


def test_a_failing_hook_is_retried_with_backoff_and_each_attempt_recorded(world: World, store: str,
                                                                         receiver: Receiver) -> None:
    chen, page = paged(world)
    receiver.script = [(500, {"error": "down"}), (503, {"error": "busy"})]
    pager = pager_for(world.app, store, hook(receiver))
    sent: datetime = page["sent_at"]

    rounds = [pager.round(sent + offset) for offset in (SECOND, 2 * SECOND, 6 * SECOND, 10 * SECOND,
                                                        16 * SECOND, 30 * SECOND)]

    assert [len(r.attempts) for r in rounds] == [1, 0, 1, 0, 1, 0]  # 5 s, then 10 s after the failures
    recorded = attempts(world)
    assert [(a.number, a.outcome, a.status) for a in recorded] == [(1, "failed", 500), (2, "failed", 503),
                                                                   (3, "delivered", 200)]
    assert recorded[0].next_at == sent + SECOND + 5 * SECOND and recorded[1].next_at == sent + 6 * SECOND + 10 * SECOND
    assert {a.actor for a in recorded} == {"mobilize pager (system)"}
    assert len(receiver.posts) == 3
    assert {p["headers"]["Idempotency-Key"] for p in receiver.posts} == {f"{page['id']}:0"}
    assert [p["json"]["attempt"] for p in receiver.posts] == [1, 2, 3]
    assert receiver.posts[0]["json"]["title"] == page["title"] and receiver.posts[0]["json"]["person"] == "Chen Jing"
    assert world.app.inbox_of(chen)[0]["state"] == "delivered"


def test_a_hook_that_refuses_for_good_is_given_up_at_once_and_one_that_never_answers_after_the_last_attempt(
        world: World, store: str, receiver: Receiver) -> None:
    chen, page = paged(world)
    receiver.script = [(404, {"error": "no such robot"})] + [(500, {})] * webhooks.ATTEMPTS
    refused = hook(receiver, name="gone", levels=[0])
    down = Hook.model_validate({"name": "down", "format": "json", "url": receiver.url("/down"), "levels": [0]})
    pager = pager_for(world.app, store, refused, down)
    at: datetime = page["sent_at"]
    for _ in range(12):
        at += 100 * SECOND
        pager.round(at)
    by_hook: dict[str, list[str]] = {}
    for attempt in attempts(world):
        by_hook.setdefault(attempt.webhook, []).append(attempt.outcome)
    assert by_hook["gone"] == ["gave_up"]
    assert by_hook["down"] == ["failed"] * (webhooks.ATTEMPTS - 1) + ["gave_up"]
    assert world.app.inbox_of(chen)[0]["delivered_at"] is None  # nothing reached anyone


def test_robots_get_their_own_formats_and_dingtalk_is_signed(world: World, store: str, receiver: Receiver) -> None:
    _, page = paged(world)
    receiver.script = [(200, {"errcode": 45009, "errmsg": "api freq out of limit"})]
    wecom = Hook.model_validate({"name": "wecom", "format": "wecom", "url": receiver.url("/wecom?key=k-1")})
    ding = Hook.model_validate({"name": "ding", "format": "dingtalk", "secret": "SECabc",
                                "url": receiver.url("/ding?access_token=t-1")})
    pager = pager_for(world.app, store, wecom, ding)
    pager.round(page["sent_at"] + SECOND)
    pager.round(page["sent_at"] + 7 * SECOND)

    outcomes = [(a.webhook, a.outcome, a.error) for a in attempts(world)]
    assert outcomes == [("wecom", "failed", "errcode 45009: api freq out of limit"), ("ding", "delivered", None),
                        ("wecom", "delivered", None)]
    posted = {p["path"].split("?")[0]: p for p in receiver.posts}
    content = posted["/wecom"]["json"]["markdown"]["content"]
    assert posted["/wecom"]["json"]["msgtype"] == "markdown" and "【呼叫】排班：Site 1" in content
    assert "对象：Chen Jing" in content and "北京时间" in content
    ding_post = posted["/ding"]
    assert ding_post["json"]["msgtype"] == "markdown" and ding_post["json"]["markdown"]["title"] == page["title"]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(ding_post["path"]).query)
    assert query["access_token"] == ["t-1"]
    stamp = query["timestamp"][0]
    expected = base64.b64encode(hmac.new(b"SECabc", f"{stamp}\nSECabc".encode(), hashlib.sha256).digest()).decode()
    assert query["sign"] == [expected]


def test_an_unanswered_page_escalates_on_time_and_the_hooks_hear_each_level(world: World, store: str,
                                                                           receiver: Receiver) -> None:
    chen, page = paged(world)
    cadre = world.person("Cadre Gu")
    world.do("appoint_grid_leader", world.grid, "first_secretary", cadre)
    leaders = hook(receiver, name="grid", levels=[1], unit_id=str(world.grid))
    command = hook(receiver, name="command", levels=[2])
    elsewhere = hook(receiver, name="other-grid", unit_id=str(world.other_grid))
    pager = pager_for(world.app, store, leaders, command, elsewhere)
    sent: datetime = page["sent_at"]

    assert pager.round(sent + 9 * MINUTE).escalated == []
    first = pager.round(sent + 10 * MINUTE)
    second = pager.round(sent + 19 * MINUTE)
    third = pager.round(sent + 20 * MINUTE)
    fourth = pager.round(sent + 60 * MINUTE)

    assert first.escalated == [(page["id"], 1)] and [(h, lv) for _, h, lv, _ in first.attempts] == [("grid", 1)]
    assert second.escalated == [] and second.attempts == []
    assert third.escalated == [(page["id"], 2)] and [(h, lv) for _, h, lv, _ in third.attempts] == [("command", 2)]
    assert fourth.escalated == [] and fourth.attempts == []
    escalations = [e for e in world.events() if type(e).__qualname__ == "Inbox.Escalated"]
    assert [(e.level, e.to_kind, e.occurred_at) for e in escalations] == [
        (1, "grid_leaders", sent + 10 * MINUTE), (2, "command_center", sent + 20 * MINUTE)]
    assert escalations[0].reason == "no answer within 10 min" and escalations[0].to == [cadre]
    assert world.app.inbox_of(cadre)[0]["kind"] == "escalation"
    assert [p["json"]["level"] for p in receiver.posts] == [1, 2]


def test_an_answered_page_is_neither_posted_nor_escalated_and_its_answer_is_recorded_once(
        world: World, store: str, receiver: Receiver) -> None:
    chen, page = paged(world)
    world.do("acknowledge_page", chen, page["id"])
    world.do("acknowledge_page", chen, page["id"])
    pager = pager_for(world.app, store, hook(receiver))
    done = [pager.round(page["sent_at"] + minutes * MINUTE) for minutes in (1, 11, 30)]
    assert all(not r.attempts and not r.escalated for r in done) and receiver.posts == []
    assert [type(e).__qualname__ for e in world.events()].count("Inbox.Acknowledged") == 1


def test_two_pagers_at_once_record_each_step_once(world: World, store: str, receiver: Receiver) -> None:
    _, page = paged(world)
    first, second = pager_for(world.app, store, hook(receiver)), pager_for(world.app, store, hook(receiver))
    at = page["sent_at"] + 11 * MINUTE
    threads = [threading.Thread(target=p.round, args=(at,)) for p in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    kinds = [type(e).__qualname__ for e in world.events()]
    assert kinds.count("Inbox.Escalated") == 1  # no grid leaders: straight to the command center
    assert [(a.level, a.number) for a in attempts(world)] == [(2, 1)]  # the level it reached, posted once


def test_a_webhooks_file_is_checked_and_names_what_is_wrong(tmp_path: Any) -> None:
    path = tmp_path / "hooks.json"
    path.write_text(json.dumps({"webhooks": [{"name": "a", "format": "slack", "url": "http://x/"}]}))
    with pytest.raises(webhooks.BadWebhooks, match=r"webhooks\.0\.format"):
        webhooks.load(str(path))
    path.write_text(json.dumps({"webhooks": [{"name": "a", "format": "json", "url": "http://x/"},
                                             {"name": "a", "format": "wecom", "url": "https://y/"}]}))
    with pytest.raises(webhooks.BadWebhooks, match="used twice"):
        webhooks.load(str(path))
    path.write_text("{not json")
    with pytest.raises(webhooks.BadWebhooks, match="not JSON"):
        webhooks.load(str(path))
    assert webhooks.load("") == []


def test_a_page_at_the_command_center_is_withdrawn_once_its_incident_closes(world: World, store: str) -> None:
    chen = world.person("Chen Jing")
    incident = world.incident()
    world.do("dispatch", "person", chen, incident, "carry swabs")
    [page] = world.app.inbox_of(chen)
    pager = pager_for(world.app, store)
    pager.round(page["sent_at"] + 11 * MINUTE)  # no grid leaders: straight to the command center
    assert world.app.inbox_of(chen)[0]["level"] == 2
    world.do("close_incident", incident, at=page["sent_at"] + 30 * MINUTE, ctx=world.ctx(
        page["sent_at"] + 30 * MINUTE, reason="drive complete"))
    done = pager.round(page["sent_at"] + 31 * MINUTE)
    assert done.withdrawn == [page["id"]]
    assert world.app.inbox_of(chen)[0]["withdrawn_reason"] == "the incident is closed"


def test_a_post_whose_record_failed_is_recorded_later_not_posted_again(world: World, store: str,
                                                                      receiver: Receiver,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _, page = paged(world)
    pager = pager_for(world.app, store, hook(receiver))
    record = world.app.record_delivery_attempt
    failing = [True]

    def away(*args: Any, **kwargs: Any) -> Any:
        if failing.pop() if failing else False:
            raise OSError("the store is away")
        return record(*args, **kwargs)

    monkeypatch.setattr(world.app, "record_delivery_attempt", away)
    with pytest.raises(OSError):
        pager.round(page["sent_at"] + SECOND)
    pager.round(page["sent_at"] + 2 * SECOND)
    assert len(receiver.posts) == 1 and [(a.number, a.outcome) for a in attempts(world)] == [(1, "delivered")]


def test_a_round_ahead_of_the_servers_clock_is_refused_before_anything_is_posted(world: World, store: str,
                                                                                 receiver: Receiver) -> None:
    paged(world)
    pager = pager_for(world.app, store, hook(receiver))
    with pytest.raises(ValueError, match="ahead of the server's clock"):
        pager.round(world.app.clock() + timedelta(hours=1))
    assert receiver.posts == []


def test_a_robot_gets_no_more_than_its_messages_per_minute(world: World, store: str, receiver: Receiver) -> None:
    site = world.open_site(world.incident())
    for number in range(3):
        person = world.person(f"Person {number}")
        world.do("assign_to_shift", world.shift(site, T0, lane=1 + number % 2, slots=2), person)
    sent: datetime = world.app.inbox_of(person)[0]["sent_at"]
    pager = pager_for(world.app, store, hook(receiver, per_minute=2))
    first = pager.round(sent + SECOND)
    second = pager.round(sent + 2 * SECOND)
    third = pager.round(sent + 62 * SECOND)
    assert (len(first.attempts), first.deferred) == (2, 1) and (len(second.attempts), second.deferred) == (0, 1)
    assert len(third.attempts) == 1 and len(receiver.posts) == 3


def test_an_error_never_shows_a_robots_key() -> None:
    robot = Hook.model_validate({"name": "w", "format": "wecom", "url": "http://127.0.0.1:9/send?key=SECRET-KEY"})
    message = webhooks.Message(UUID(int=1), UUID(int=2), "Chen Jing", "shift", 0, "t", "b", T0, None, None, False, 1)
    import httpx

    def refuse(request: httpx.Request) -> httpx.Response:  # a proxy's error that quotes the address it failed
        raise httpx.ConnectError(f"cannot reach {request.url}", request=request)

    with httpx.Client(transport=httpx.MockTransport(refuse)) as client:
        outcome = webhooks.post(client, robot, message)
    assert outcome.outcome == "failed" and outcome.error is not None
    assert "cannot reach http://127.0.0.1:9/send?" in outcome.error and "SECRET-KEY" not in outcome.error


def test_what_operators_typed_is_text_to_a_robot_and_robots_keys_go_over_https_only() -> None:
    message = webhooks.Message(UUID(int=1), UUID(int=2), "Chen <@all>", "dispatch", 0, "调度令：[点此](http://x) *急*",
                               "line one\n# not a heading", T0, None, None, False, 1)
    text = message.text()
    assert "<@all>" not in text and "](http" not in text and "\n# not" not in text and "＜＠all＞" in text
    with pytest.raises(ValueError, match="use https"):
        Hook.model_validate({"name": "w", "format": "wecom", "url": "http://qyapi.weixin.qq.com/send?key=k"})
    assert Hook.model_validate({"name": "j", "format": "json", "url": "http://duty.internal/pages"})


def test_a_json_hooks_signature_covers_the_time_and_the_body(receiver: Receiver) -> None:
    signed = Hook.model_validate({"name": "j", "format": "json", "url": receiver.url(), "secret": "s3"})
    message = webhooks.Message(UUID(int=1), UUID(int=2), "Chen Jing", "shift", 0, "t", "b", T0, None, None, False, 1)
    _, headers, body = webhooks.request(signed, message)
    stamp = headers["X-Mobilize-Timestamp"]
    expected = hmac.new(b"s3", f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert headers["X-Mobilize-Signature"] == f"sha256={expected}"


def test_a_post_whose_page_was_answered_before_its_record_could_be_written_is_still_recorded(
        world: World, store: str, receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> None:
    chen, page = paged(world)
    pager = pager_for(world.app, store, hook(receiver))
    record = world.app.record_delivery_attempt
    calls = [0]

    def away_once(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == 1:
            raise OSError("the store is away")
        return record(*args, **kwargs)

    monkeypatch.setattr(world.app, "record_delivery_attempt", away_once)
    with pytest.raises(OSError):
        pager.round(page["sent_at"] + SECOND)
    world.do("acknowledge_page", chen, page["id"])
    pager.round(page["sent_at"] + 3 * SECOND)
    [attempt] = attempts(world)
    assert len(receiver.posts) == 1 and attempt.outcome == "delivered"
    assert attempt.occurred_at == page["sent_at"] + SECOND  # when it was posted, not when it was recorded
