"""The raw crawled-article text format.

A raw article file looks like this (see ``index_data/samples/raw/``)::

    发扬援疆精神 为“幸福吉林”建设作出新贡献          <- title: first line

    10.02.2017   00:33                              <- date line (also 2017-02-10 00:33,
                                                       2017年2月10日, optionally with
                                                       来源：/作者：/编辑： fields)
        2月8日,市委召开全市援疆工作总结座谈会。...     <- body paragraphs
    ...参加会议。 (江城日报记者/彭亚娟 编辑/李波)     <- credit: source, author, editor

    版权声明: 松花江网是...                           <- boilerplate, dropped

Crawl debris is cleaned: HTML tags and entities, NBSP and full-width spaces at
paragraph edges, empty paragraphs. Paragraphs are kept, separated by a blank line.
"""

from __future__ import annotations

import html
import re
from typing import Any

from ..dates import parse_date
from ..errors import InvalidArticleError
from ..models import Article, derive_id

__all__ = ["parse_raw_article", "clean_text"]

_TAG_BREAK = re.compile(r"<\s*(?:br|/p|p|/div|div|/li|li|/h\d|h\d)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>\n]{1,200}>")
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)
_EDGE_SPACE = "\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff \t"
_INNER_SPACE = re.compile(r"[\u00a0\u3000\u2002\u2003\u2009 \t]{2,}|[\u00a0\u3000\u2002\u2003\u2009\t]")

_LABEL = r"\s*[:：]\s*"
_SOURCE = re.compile(r"(?:来源|來源|出处)" + _LABEL + r"(?P<v>[^\s|｜]+)")
_AUTHOR = re.compile(r"(?:作者|记者|記者)" + _LABEL + r"(?P<v>[^\s|｜]+)")
_EDITOR = re.compile(r"(?:责任编辑|責任編輯|编辑|編輯|责编)" + _LABEL + r"(?P<v>[^\s|｜)）]+)")
_URL = re.compile(r"(?:原文链接|原文網址|网址|URL|url|链接)" + _LABEL + r"(?P<v>https?://\S+)")
_DATE_IN_LINE = re.compile(
    r"(?:(?:发布|發布|时间|時間|日期|发表|發表)[^\d]{0,6})?"
    r"(?P<d>\d{4}[-/.年]\s*\d{1,2}[-/.月]\s*\d{1,2}日?(?:[\sT]+\d{1,2}[:时]\d{1,2}(?:[:分]\d{1,2})?)?"
    r"|\d{1,2}\.\d{1,2}\.\d{4}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)")
# (江城日报记者/彭亚娟 编辑/李波), （记者 张三 责任编辑：李四）, (责任编辑：李四)
_CREDIT = re.compile(
    r"[(（]\s*(?:(?P<source>[^()（）/／\s]{0,20}?)(?:记者|記者|通讯员|通訊員)\s*[/／:：]?\s*"
    r"(?P<author>[^()（）/／\s]+(?:[、,，\s][^()（）/／\s编編责責]+)*)\s*)?"
    r"(?:(?:责任编辑|責任編輯|编辑|編輯|责编)\s*[/／:：]?\s*(?P<editor>[^()（）/／\s]+))?\s*[)）]\s*$")
_BOILERPLATE = re.compile(r"^(?:版权声明|版權聲明|免责声明|免責聲明|版权所有|版權所有|Copyright|©|"
                          r"转载请注明|轉載請註明|本文来源|【版权)", re.I)


def clean_text(text: str) -> list[str]:
    """Split crawled text into clean paragraphs (HTML removed, edges trimmed)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "<" in text:
        text = _SCRIPT.sub("", text)
        text = _TAG_BREAK.sub("\n", text)
        text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    paragraphs = []
    for line in text.split("\n"):
        line = _INNER_SPACE.sub(" ", line.strip(_EDGE_SPACE))
        if line:
            paragraphs.append(line)
    return paragraphs


def _header(line: str, meta: dict[str, Any]) -> bool:
    """Take date/source/author/editor/url from a header line; True if it was one."""
    m = _DATE_IN_LINE.search(line)
    if not m or meta.get("date"):
        return False
    rest = (line[:m.start()] + " " + line[m.end():]).strip(_EDGE_SPACE)
    fields = {}
    for name, rx in (("source", _SOURCE), ("author", _AUTHOR), ("editor", _EDITOR), ("url", _URL)):
        fm = rx.search(rest)
        if fm:
            fields[name] = fm.group("v")
            rest = rest.replace(fm.group(0), " ")
    # A header line holds little besides these fields (a label or two).
    if len(re.sub(r"[\s|｜]+|发布|發布|时间|時間|日期|发表|發表|[:：]", "", rest)) > 6:
        return False
    try:
        meta["date"] = parse_date(m.group("d").replace("时", ":").replace("分", ":").rstrip(":"))
    except ValueError as exc:
        raise InvalidArticleError(f"unparseable date line {line!r}: {exc}", "date") from None
    meta.update(fields)
    return True


def parse_raw_article(text: str) -> Article:
    """Parse one raw crawled article (see the module docstring).

    Raises:
        InvalidArticleError: no title or no body text, or a date line that
            looks like a date but names no real day.
    """
    paragraphs = clean_text(text)
    if not paragraphs:
        raise InvalidArticleError("the file has no text", "body")
    title = paragraphs[0]
    meta: dict[str, Any] = {}
    body = paragraphs[1:]
    # header lines: date / source / editor, within the first few lines
    for i, line in enumerate(body[:4]):
        if _header(line, meta):
            del body[i]
            break
    # links anywhere on their own line
    for i, line in enumerate(body):
        m = _URL.fullmatch(line)
        if m:
            meta.setdefault("url", m.group("v"))
            del body[i]
            break
    # boilerplate at the end
    for i in range(max(0, len(body) - 3), len(body)):
        if _BOILERPLATE.match(body[i]):
            del body[i:]
            break
    # credit line at the end of the last paragraph (or on a line of its own)
    if body:
        m = _CREDIT.search(body[-1])
        if m and (m.group("author") or m.group("editor")):
            for name in ("source", "author", "editor"):
                if m.group(name):
                    meta.setdefault(name, m.group(name).strip())
            rest = body[-1][:m.start()].rstrip(_EDGE_SPACE)
            if rest:
                body[-1] = rest
            else:
                body.pop()
    if not body:
        raise InvalidArticleError("the article has a title but no body text", "body")
    body_text = "\n\n".join(body)
    article_id = derive_id(title, body_text, meta.get("url"))
    return Article(id=article_id, title=title, body=body_text, **meta)
