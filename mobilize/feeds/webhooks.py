"""Webhooks a page is posted to: a generic JSON hook, and WeCom (企业微信) and DingTalk (钉钉) group robots.

The file `MOBILIZE_WEBHOOKS_FILE` names them (URLs carry the robots' keys: the file, not the log, holds them):

    {"webhooks": [
      {"name": "junhe-command", "format": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
       "levels": [2]},
      {"name": "grid-3", "format": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send?access_token=…",
       "secret": "SEC…", "unit_id": "<grid id>", "levels": [0, 1]},
      {"name": "duty-system", "format": "json", "url": "https://duty.example/pages", "secret": "…"}]}

A hook carries the pages a grid under `unit_id` answers for (the person's home grid, else the shift's or the
site's; absent: every page), at the levels it
lists (0: the page itself, 1: escalated to the grid's leaders, 2: escalated to the command center; absent:
all), of the kinds it lists (dispatch, shift; absent: both). Robots take at most `per_minute` messages.

The JSON hook's post carries `Idempotency-Key: <page id>:<level>` (drop a repeat) and, with a `secret`,
`X-Mobilize-Timestamp: <unix seconds>` and `X-Mobilize-Signature: sha256=<hex HMAC-SHA256(secret,
"<timestamp>." + body)>`: a receiver recomputes it and refuses a post whose timestamp is more than a few
minutes old (a replay).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from uuid import UUID

import httpx
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, model_validator

from mobilize.domain.base import CHINA

BACKOFF = timedelta(seconds=5)
"""The wait after a first failed attempt; it doubles after each further one."""
ATTEMPTS = 6
"""Attempts per page, hook and level before the pager gives up on that hook (5 s … 80 s apart: ~2.5 min)."""
TIMEOUT = 5.0
"""Seconds one post may take, connecting included."""
RETRIED = {408, 425, 429, 500, 502, 503, 504}
"""HTTP statuses worth another attempt; any other refusal (a wrong key, a removed robot) is given up at once."""
BUSY_CODES = {45009, 130101, -1}
"""Robots' `errcode` for "too many messages" or "system busy" (WeCom 45009, DingTalk 130101, both -1): retried."""
LEVEL_WORDS = {0: "呼叫", 1: "未应答·已上报网格长", 2: "未应答·已上报指挥中心"}


class Hook(BaseModel):
    """One webhook, as the file names it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=80, pattern=r"^[\w.\-]+$")
    format: Literal["json", "wecom", "dingtalk"]
    url: HttpUrl
    secret: str | None = Field(None, min_length=1, max_length=500, repr=False)
    unit_id: UUID | None = None
    levels: tuple[int, ...] = (0, 1, 2)
    kinds: tuple[Literal["dispatch", "shift"], ...] = ("dispatch", "shift")
    per_minute: int = Field(20, ge=1, le=10_000)


    @model_validator(mode="after")
    def _keys_in_clear(self) -> Hook:
        local = self.url.host in ("127.0.0.1", "localhost", "::1", "[::1]")
        if self.format != "json" and self.url.scheme != "https" and not local:
            raise ValueError("a robot's URL carries its key: use https")
        return self


class HookFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    webhooks: list[Hook]


class BadWebhooks(ValueError):
    """The webhooks file cannot be used; the message names the entry and field."""


def load(path: str) -> list[Hook]:
    """The hooks a file names (empty path: none); a clear error naming the field when it is wrong."""
    if not path:
        return []
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        hooks = HookFile.model_validate(data).webhooks
    except OSError as error:
        raise BadWebhooks(f"webhooks file {path}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise BadWebhooks(f"webhooks file {path}: not JSON ({error.msg} at line {error.lineno})") from None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise BadWebhooks(f"webhooks file {path}: {where}: {first['msg']}") from None
    names = [hook.name for hook in hooks]
    duplicate = next((name for name in names if names.count(name) > 1), None)
    if duplicate:
        raise BadWebhooks(f"webhooks file {path}: the name {duplicate!r} is used twice")
    return hooks


@dataclass(frozen=True)
class Message:
    """What a hook is told about a page at one level."""

    page_id: UUID
    person_id: UUID
    person: str
    kind: str
    level: int
    title: str
    body: str
    sent_at: datetime
    due_at: datetime | None
    incident_id: UUID | None
    exercise: bool
    attempt: int

    def text(self) -> str:
        """The message as a robot shows it (Markdown both robots read), China time; what operators typed is
        shown as text, never read as Markdown or a mention."""
        heading = f"【{LEVEL_WORDS[self.level]}】{_inert(self.title)}"
        lines = [f"### {heading}", f"> 对象：{_inert(self.person)}", f"> {_inert(self.body)}",
                 f"> 发出：{self.sent_at.astimezone(CHINA):%m-%d %H:%M}（北京时间）"]
        if self.due_at is not None:
            lines.append(f"> 应答时限：{self.due_at.astimezone(CHINA):%H:%M}")
        lines.append(f"> 编号：{str(self.page_id)[:8]}")
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        return {"id": str(self.page_id), "person_id": str(self.person_id), "person": self.person, "kind": self.kind,
                "level": self.level, "title": self.title, "body": self.body, "sent_at": self.sent_at.isoformat(),
                "due_at": self.due_at.isoformat() if self.due_at else None,
                "incident_id": str(self.incident_id) if self.incident_id else None, "exercise": self.exercise,
                "attempt": self.attempt}


@dataclass(frozen=True)
class Outcome:
    """What came of one post: delivered, or failed (retry) or gave up, with the status and a short error."""

    outcome: str
    status: int | None
    error: str | None


def request(hook: Hook, message: Message) -> tuple[str, dict[str, str], bytes]:
    """The URL, headers and body of the post, in the hook's format (DingTalk's signed URL when it has a secret)."""
    url = str(hook.url)
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if hook.format == "json":
        body = json.dumps(message.as_json(), ensure_ascii=False).encode()
        headers["Idempotency-Key"] = f"{message.page_id}:{message.level}"
        if hook.secret:  # signed with the time, so that a receiver can refuse an old post replayed
            stamp = str(int(time.time()))
            digest = hmac.new(hook.secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
            headers["X-Mobilize-Timestamp"] = stamp
            headers["X-Mobilize-Signature"] = f"sha256={digest}"
        return url, headers, body
    if hook.format == "wecom":
        payload: dict[str, Any] = {"msgtype": "markdown", "markdown": {"content": _cut(message.text(), 4000)}}
    else:
        payload = {"msgtype": "markdown", "markdown": {"title": _cut(message.title, 60),
                                                       "text": _cut(message.text(), 4000)}}
        if hook.secret:
            url = _signed(url, hook.secret)
    return url, headers, json.dumps(payload, ensure_ascii=False).encode()


def post(client: httpx.Client, hook: Hook, message: Message) -> Outcome:
    """Post the message once; never raises for the network or the receiver (the outcome says what happened)."""
    url, headers, body = request(hook, message)
    try:
        response = client.post(url, headers=headers, content=body, timeout=TIMEOUT)
    except httpx.HTTPError as error:
        return Outcome("failed", None, f"{type(error).__name__}: {_safe(str(error), hook)}"[:300])
    if response.status_code >= 300:
        outcome = "failed" if response.status_code in RETRIED or response.status_code >= 500 else "gave_up"
        return Outcome(outcome, response.status_code, f"HTTP {response.status_code}: {response.text[:200]}")
    if hook.format != "json":
        try:
            answer = response.json()
            code = int(answer.get("errcode", 0))
        except (ValueError, AttributeError, TypeError):
            return Outcome("failed", response.status_code, "the robot's answer is not its JSON")
        if code != 0:
            outcome = "failed" if code in BUSY_CODES else "gave_up"
            return Outcome(outcome, response.status_code, f"errcode {code}: {str(answer.get('errmsg', ''))[:200]}")
    return Outcome("delivered", response.status_code, None)


def next_attempt(number: int, at: datetime) -> datetime:
    """When attempt `number + 1` is due after attempt `number` failed at `at`."""
    return at + BACKOFF * 2 ** (number - 1)


def _signed(url: str, secret: str) -> str:
    stamp = str(round(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={stamp}&sign={sign}"


MARKUP = str.maketrans({"<": "＜", ">": "＞", "[": "［", "]": "］", "*": "＊", "_": "＿", "`": "'", "#": "＃",
                        "\n": " ", "\r": " ", "@": "＠"})
"""Characters robots read as Markdown, links or mentions, as their full-width look-alikes (Chinese text's own)."""


def _inert(text: str) -> str:
    return text.translate(MARKUP)


def _cut(text: str, limit: int) -> str:
    """At most `limit` bytes of UTF-8, cut on a character."""
    data = text.encode()
    return text if len(data) <= limit else data[: limit - 3].decode(errors="ignore") + "…"


def _safe(text: str, hook: Hook) -> str:
    """An error message without the hook's URL query (robots' keys ride in it)."""
    query = urllib.parse.urlsplit(str(hook.url)).query
    return text.replace(query, "…") if query else text
