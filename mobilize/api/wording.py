"""Refusals in the caller's language: Chinese for the people of the districts, English otherwise.

A refusal's `error` is the stable word to branch on in any language; its `message` is for a person. A caller
asks for Chinese with `Accept-Language: zh-CN` (the console and the field page send the language their
reader chose): the message is then the sentence written in Chinese beside the English one where the refusal
was raised, or, for the few without one (mostly malformed input, which the pages check before sending), a
Chinese lead-in naming what kind of refusal it is, then the English sentence. `Content-Language` says which.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import HTTPException, Request

LEAD_IN = {400: "请求有误", 401: "未通过身份验证", 403: "无权执行此操作", 404: "未找到", 405: "不支持此操作",
           409: "操作未执行", 422: "输入有误", 429: "连接过多，请稍后再试", 500: "服务器内部错误", 503: "服务暂不可用"}
"""What a refusal without its own Chinese sentence is, by its HTTP status."""


class Denied(HTTPException):
    """An HTTP refusal with its sentence in both languages."""

    def __init__(self, status_code: int, detail: str, zh: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status_code=status_code, detail=detail, headers=headers)
        self.zh = zh


def wants_chinese(request: Request) -> bool:
    """Whether the caller's Accept-Language prefers Chinese to English: of the languages it ranks (q-values;
    `*`, any language, counts as English, the API's own), the first it ranks highest. Every Chinese (zh-TW too)
    gets the simplified Chinese the districts write."""
    ranked: list[tuple[float, int, str]] = []
    for order, part in enumerate(request.headers.get("accept-language", "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
        language = re.split(r"[-_]", tag.strip().lower())[0]
        language = "en" if language == "*" else language
        if language in ("zh", "en") and quality > 0:
            ranked.append((-quality, order, language))
    return bool(ranked) and min(ranked)[2] == "zh"


def worded(request: Request, status: int, english: str, zh: str | None) -> tuple[str, dict[str, str]]:
    """The message for this caller, and the headers that say which language it is in and that it depends on
    Accept-Language (for caches)."""
    if not wants_chinese(request):
        return english, {"Content-Language": "en", "Vary": "Accept-Language"}
    said = zh or f"{LEAD_IN.get(status, '请求未完成')}：{english}"
    return said, {"Content-Language": "zh-CN", "Vary": "Accept-Language"}


def zh_of(error: Any) -> str | None:
    """The Chinese sentence an error carries, if it has one."""
    zh = getattr(error, "zh", None)
    return zh if isinstance(zh, str) and zh else None
