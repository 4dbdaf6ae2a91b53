"""Refusals in the caller's language: the same rule and facts, the message in Chinese when the caller asks for it
(the console and the field page do), in English otherwise; every business rule has its Chinese sentence."""

from __future__ import annotations

import ast
import inspect
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.requests import Request

from mobilize.api.wording import wants_chinese, worded
from mobilize.domain import base
from mobilize.domain.base import CHINA, RuleViolated
from tests.api.conftest import Api, Desk
from tests.api.test_field_api import Field
from tests.conftest import HOUR, T0

ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}


@pytest.fixture
def field(desk: Desk) -> Field:
    return Field(desk)


def post(api: Api, path: str, body: dict[str, Any], key: str, language: dict[str, str]) -> Any:
    return api.client.post(f"/api{path}", json=body, headers={**api.headers(key), **language})


def test_a_refusal_says_the_same_rule_and_facts_in_the_language_asked_for(field: Field) -> None:
    late = {"occurred_at": (T0 - 9.5 * HOUR).isoformat()}  # the 1-hour shift ended at T0 - 9 h; in at T0 + 5 min
    chinese = post(field.chen_api, f"/field/shifts/{field.short}/check-in", late, "late-zh", ZH)
    english = post(field.chen_api, f"/field/shifts/{field.short}/check-in", late, "late-en", EN)
    unasked = post(field.chen_api, f"/field/shifts/{field.short}/check-in", late, "late-none", {})

    assert chinese.status_code == english.status_code == unasked.status_code == 409
    said = [r.json() for r in (chinese, english, unasked)]
    assert {s["error"] for s in said} == {"check_in_arrived_after_window"}
    assert said[0]["facts"] == said[1]["facts"] == said[2]["facts"]
    ended = (T0 - 9 * HOUR).astimezone(CHINA)
    sent, arrived = (T0 - 9.5 * HOUR).astimezone(CHINA), (T0 + 5 * timedelta(minutes=1)).astimezone(CHINA)
    assert said[0]["message"] == (f"此次签到时间为 {sent:%-m月%-d日 %H:%M}，"
                                  f"到达指挥中心时已是 {arrived:%-m月%-d日 %H:%M}，"
                                  f"班次已于 {ended:%-m月%-d日 %H:%M} 结束：请联系检测点指挥长补录")
    assert "after the shift ended" in said[1]["message"] and said[1]["message"] == said[2]["message"]
    assert chinese.headers["content-language"] == "zh-CN" and english.headers["content-language"] == "en"


def test_forbidden_and_malformed_are_said_in_chinese_too(field: Field) -> None:
    theirs = post(field.chen_api, f"/field/shifts/{field.wu_shift}/check-in", {}, "wu-zh", ZH)
    malformed = post(field.chen_api, f"/field/shifts/{field.shift}/check-in", {"occurred_at": "soon"}, "bad", ZH)

    assert (theirs.status_code, theirs.json()["error"]) == (403, "forbidden")
    assert theirs.json()["message"] == "您不在此班次上（可能已被操作员撤下）"
    assert (malformed.status_code, malformed.json()["error"]) == (422, "invalid_request")
    assert malformed.json()["message"].startswith("请求格式有误（occurred_at）")
    assert [p["field"] for p in malformed.json()["facts"]["problems"]] == ["occurred_at"]


def test_a_bad_token_is_refused_in_chinese(field: Field) -> None:
    refused = field.chen_api.client.get("/api/field/me", headers={"Authorization": "Bearer mbz.nothing.here", **ZH})

    assert refused.status_code == 401 and refused.json()["error"] == "unauthenticated"
    assert refused.json()["message"].startswith("需要有效的访问令牌")


def request(accept: str | None) -> Request:
    headers = [(b"accept-language", accept.encode())] if accept is not None else []
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers})


@pytest.mark.parametrize(("accept", "chinese"), [
    ("zh-CN,zh;q=0.9,en;q=0.8", True), ("zh", True), ("zh-TW;q=0.5, fr", True), ("fr, zh-Hans;q=0.3, en;q=0.2", True),
    ("en-US,en;q=0.9,zh-CN;q=0.8", False), ("en;q=0.5, zh;q=0.9", True), ("zh;q=0, en;q=0.1", False),
    ("zh;q=oops", False), ("", False), (None, False), ("*", False), ("de-DE", False),
    ("zh;Q=0.1, en;q=0.5", False), ("zh;q = 0.1, en;q=0.5", False), ("zh_CN", True), ("zh;q=0.1, *;q=0.9", False),
    ("*;q=0.1, zh-HK;q=0.5", True),
])
def test_the_callers_language_is_the_first_of_chinese_and_english_it_ranks_highest(accept: str | None,
                                                                                  chinese: bool) -> None:
    assert wants_chinese(request(accept)) is chinese


def test_a_refusal_without_its_own_chinese_sentence_leads_in_with_what_kind_it_is() -> None:
    chinese, english = {"Content-Language": "zh-CN", "Vary": "Accept-Language"}, \
        {"Content-Language": "en", "Vary": "Accept-Language"}
    assert worded(request("zh-CN"), 422, "lanes: name each lane once", None) == (
        "输入有误：lanes: name each lane once", chinese)
    assert worded(request("zh-CN"), 409, "x", "已关闭") == ("已关闭", chinese)
    assert worded(request("en"), 409, "closed", "已关闭") == ("closed", english)


def rule_classes() -> set[str]:
    """Every rule of the domain a command can break (RuleViolated and its kinds), by class name."""
    found, todo = set(), [RuleViolated]
    while todo:
        kind = todo.pop()
        found.add(kind.__name__)
        todo.extend(kind.__subclasses__())
    return found


def written_in_chinese(call: ast.Call) -> bool:
    """Whether the call passes `zh=` something that can be a sentence (not None, not an empty string)."""
    said = next((k.value for k in call.keywords if k.arg == "zh"), None)
    return said is not None and not (isinstance(said, ast.Constant) and not said.value)


def test_every_broken_rule_is_written_in_chinese_where_it_is_raised() -> None:
    import mobilize.application  # (every rule's class is defined once its module is imported)

    # the rules by class name, and the names a duty policy's breaches are built under (person.BREACHES)
    rules, missing, seen = rule_classes() | {"too_long", "too_short"}, [], 0
    for path in Path(inspect.getfile(mobilize)).parent.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name | ast.Attribute):
                continue
            named = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
            kind = node.args[1] if named == "require" and len(node.args) > 1 else node.func
            name = kind.id if isinstance(kind, ast.Name) else kind.attr if isinstance(kind, ast.Attribute) else None
            if name in rules:
                seen += 1
                if not written_in_chinese(node):
                    missing.append(f"{path.name}:{node.lineno}")
    assert len(rules) > 30 and seen > 80 and not missing, f"refusals without a Chinese sentence: {missing}"
    assert base.cst(T0) == f"{T0.astimezone(CHINA).month}月{T0.astimezone(CHINA).day}日 {T0.astimezone(CHINA):%H:%M}"
