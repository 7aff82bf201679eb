"""The raw crawled-article text format.

A raw article file looks like this (see ``index_data/samples/raw/``)::

    发扬援疆精神 为“幸福吉林”建设作出新贡献          <- title: the first non-blank line

    10.02.2017   00:33                              <- header lines (among the first four):
                                                       a date, credits, or both
        2月8日,市委召开全市援疆工作总结座谈会。...     <- body paragraphs
    ...参加会议。 (江城日报记者/彭亚娟 编辑/李波)     <- credits at the end of the body

    版权声明: 松花江网是...                           <- boilerplate, dropped

Header lines hold a date in any form :func:`searchlib.dates.parse_date` reads
(``2017-02-10 00:33``, ``2017年2月10日 星期五 下午3:05``, ``106年2月10日``, ...),
credits, a link, and the odd label (``发布时间：``). The end of the body may
carry credits as a paragraph of their own, as a bracketed group ending the
last paragraph, or as labelled fields after its last sentence
(``...参加会议。责任编辑：李四``); several may follow one another.

Credits recognised (simplified or traditional script):

- labelled fields: ``来源：新华社`` (also 出处, 稿源, 文章来源) and
  ``原文链接：https://...`` (also 网址, URL, 链接);
- a role word, then ``/``, ``：``, a space or nothing, then one or more names:
  authors 作者 记者 撰文 文 (``文/张三``), editors 责任编辑 编辑 责编 值班编辑,
  contributors 通讯员 实习生 摄影 摄影记者 摄 图 — as in ``作者：张三``,
  ``【责任编辑：李四】``, ``（文/张三 编辑/李四）``, ``（记者 张三 通讯员 李四）``,
  ``（本报记者 张三 实习生 李四）``, ``（记者 张三 摄影 李四 编辑 王五）``;
- a paper named before 记者: ``(江城日报记者/彭亚娟 编辑/李波)`` gives the
  source 江城日报 (本报, 特约, 首席, ... are not sources).

The first author is the author, the first editor the editor; everyone else
credited goes to ``contributors``. Text is removed from the body only when
all of it was recognised as credits: a parenthesis in a sentence stays.

Crawl debris is cleaned: HTML tags; well-formed entities only (``&amp;``,
``&#20013;``, ``&#x4e2d;``, ``&nbsp;``; ``&copy=2`` in a URL or a lone ``&``
stays as it is); whitespace (NBSP, full-width spaces) at paragraph edges;
empty paragraphs. Paragraphs are kept, separated by a blank line.
"""

from __future__ import annotations

import html
import html.entities
import re
from collections.abc import Iterable
from typing import Any

from ..dates import date_span, parse_date
from ..errors import InvalidArticleError
from ..models import Article, derive_id

__all__ = ["parse_raw_article", "clean_text"]

# --- crawl debris ---------------------------------------------------------

_TAG_BREAK = re.compile(r"<\s*(?:br|/p|p|/div|div|/li|li|/h\d|h\d)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>\n]{1,200}>")
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|(?P<name>[A-Za-z][A-Za-z0-9]{1,31}));")
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_EDGES = re.compile(rf"^[\s{_INVISIBLE}]+|[\s{_INVISIBLE}]+$")
_INNER_SPACE = re.compile(r"\s{2,}|[^\S ]")

# --- credits --------------------------------------------------------------

_ROLES = {
    "author": ("作者", "撰文", "记者", "記者", "文"),
    "editor": ("责任编辑", "責任編輯", "值班编辑", "值班編輯", "编辑", "編輯", "责编", "責編"),
    "contributor": ("通讯员", "通訊員", "实习生", "實習生", "摄影记者", "攝影記者", "摄影", "攝影",
                    "摄", "攝", "图", "圖"),
}
_FIELDS = {
    "source": ("文章来源", "文章來源", "来源", "來源", "出处", "出處", "稿源"),
    "url": ("原文链接", "原文鏈接", "原文网址", "原文網址", "网址", "網址", "链接", "鏈接", "URL", "url"),
}
_ROLE_OF = {label: role for role, labels in _ROLES.items() for label in labels}


def _alternatives(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first (摄影记者 before 摄影 before 摄)."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_REPORTED = ("报道", "報導", "报导", "報道")  # 记者 张三报道
_LONG_LABELS = _alternatives([*(w for w in _ROLE_OF if len(w) > 1), *_REPORTED])  # never in a name
_SEP = re.compile(r"[\s|｜、，,;；]*")
_FIELD = re.compile(r"(?P<label>" + _alternatives(w for ws in _FIELDS.values() for w in ws)
                    + r")\s*[:：]\s*(?P<value>https?://[^\s|｜]+|(?:(?!" + _LONG_LABELS
                    + r")[^\s|｜()（）【】\[\]〔〕，,;；]){1,30})")
_ROLE = re.compile(r"(?P<prefix>[^\s/／:：|｜、，,;；()（）]{0,12}?)(?P<label>" + _alternatives(_ROLE_OF)
                   + r")(?P<sep>\s*[/／:：]\s*|\s*)")
_NAME_CHAR = r"[^\s/／:：|｜、，,;；()（）【】\[\]〔〕。！？!?“”\"'「」《》<>]"
_NAME = re.compile(rf"(?:(?!{_LONG_LABELS}){_NAME_CHAR}){{2,10}}(?=[\s|｜、，,;；]|$|{_LONG_LABELS})")
_IGNORED = re.compile(r"(?:发布时间|發布時間|发表时间|發表時間|更新时间|更新時間|发布日期|發布日期|"
                      r"发布|發布|发表|發表|时间|時間|日期|" + "|".join(_REPORTED) + r")\s*[:：]?")
_WORD = re.compile(r"[^\s|｜]+")
# 本报记者, 特约记者: words before a role that name no source
_QUALIFIERS = re.compile(r"本报|本報|本台|本网|本網|本刊|本站|特约|特約|首席|实习|實習|见习|見習|"
                         r"驻站|駐站|全媒体|全媒體|融媒体|融媒體")
_ORG = re.compile(r".{1,10}(?:报|報|社|台|网|網|刊|站|新闻|新聞|频道|頻道|传媒|傳媒|媒体|媒體|"
                  r"客户端|客戶端|电视|電視|广播|廣播)")

_OPEN, _CLOSE = "(（【[〔", ")）】]〕"
_BRACKETED = re.compile(rf"[{re.escape(_OPEN)}](?P<c>[^{re.escape(_OPEN + _CLOSE)}]{{1,120}})"
                        rf"[{re.escape(_CLOSE)}]")
_SENTENCE_END = re.compile(r"[。！？!?…”」』]")

_URL_LINE = re.compile(r"(?:" + _alternatives(_FIELDS["url"]) + r")\s*[:：]\s*(?P<v>https?://\S+)")
_BOILERPLATE = re.compile(r"^(?:版权声明|版權聲明|免责声明|免責聲明|版权所有|版權所有|Copyright|©|"
                          r"转载请注明|轉載請註明|本文来源|【版权)", re.I)

Credit = tuple[str, str]  # (role or field, value)
_MAX_CREDITS = 200  # characters: a longer line or paragraph is not credits alone


def _decode_entity(m: re.Match[str]) -> str:
    if m["name"] is None:  # a numeric reference (html maps the invalid ones as browsers do)
        return html.unescape(m[0])
    return html.entities.html5.get(m["name"] + ";", m[0])


def clean_text(text: str) -> list[str]:
    """Split crawled text into clean paragraphs (HTML removed, edges trimmed)."""
    if "<" in text:
        text = _SCRIPT.sub("", text)
        text = _TAG_BREAK.sub("\n", text)
        text = _TAG.sub("", text)
    if "&" in text:
        text = _ENTITY.sub(_decode_entity, text)
    paragraphs = []
    for line in text.splitlines():
        line = _INNER_SPACE.sub(" ", _EDGES.sub("", line))
        if line:
            paragraphs.append(line)
    return paragraphs


def _affiliation(prefix: str) -> str | None:
    """The source named before a role word ("" for none, as in 本报记者), or
    None when ``prefix`` names none (the role word is part of another word)."""
    org = _QUALIFIERS.sub("", prefix)
    if not org:
        return ""
    return org if _ORG.fullmatch(org) else None


def _role_at(text: str, pos: int) -> tuple[str, str, int] | None:
    """``(role, source, end)`` of a role word at ``pos``, or None."""
    m = _ROLE.match(text, pos)
    if not m:
        return None
    source = _affiliation(m["prefix"])
    if source is None or (len(m["label"]) == 1 and not m["sep"].strip()):  # 文/张三, not 文章
        return None
    return _ROLE_OF[m["label"]], source, m.end()


def _skip(text: str, pos: int) -> int:
    """``pos`` moved past separators (spaces, 、，;|)."""
    m = _SEP.match(text, pos)
    return m.end() if m else pos


def _parse_credits(text: str) -> tuple[list[Credit], list[str]]:
    """The credits in ``text`` and the words that are not part of one.

    A role word without a name after it counts as not understood.
    """
    credits: list[Credit] = []
    unknown: list[str] = []
    role: str | None = None  # the role whose names are being read
    dangling: str | None = None  # its role word, until a name follows

    def close() -> None:
        nonlocal role, dangling
        if dangling:
            unknown.append(dangling)
        role = dangling = None

    pos = _skip(text, 0)
    while pos < len(text):
        if (m := _FIELD.match(text, pos)) is not None:
            close()
            credits.append((_field_of(m["label"]), m["value"]))
            pos = m.end()
        elif (found := _role_at(text, pos)) is not None:
            close()
            role, source, end = found
            dangling, pos = text[pos:end], end
            if source:
                credits.append(("source", source))
        elif (m := _IGNORED.match(text, pos)) is not None:
            close()
            pos = m.end()
        elif role and (m := _NAME.match(text, pos)) is not None:
            credits.append((role, m[0]))
            dangling, pos = None, m.end()
        else:
            close()
            m = _WORD.match(text, pos)
            word = m[0] if m else text[pos]
            unknown.append(word)
            pos += len(word)
        pos = _skip(text, pos)
    close()
    return credits, unknown


def _field_of(label: str) -> str:
    return next(name for name, labels in _FIELDS.items() if label in labels)


def _credits_only(text: str) -> list[Credit] | None:
    """The credits, if all of ``text`` (brackets aside) is credits."""
    if len(text) > _MAX_CREDITS:
        return None
    m = _BRACKETED.fullmatch(text)
    credits, unknown = _parse_credits(m["c"] if m else text)
    return credits if credits and not unknown else None


def _merge(meta: dict[str, Any], credits: list[Credit]) -> None:
    """Add credits to the article's fields: the first author and editor win,
    anyone else credited becomes a contributor."""
    people: list[str] = meta.setdefault("contributors", [])
    for role, value in credits:
        if role in ("source", "url"):
            meta.setdefault(role, value)
        elif role in ("author", "editor") and role not in meta:
            meta[role] = value
        elif value not in (meta.get("author"), meta.get("editor"), *people):
            people.append(value)


def _header(line: str, meta: dict[str, Any]) -> bool:
    """Take the date and credits from a header line; True if it was one.

    A header line holds little besides them: a label or two beside a date.
    """
    if len(line) > _MAX_CREDITS:
        return False
    m = _BRACKETED.fullmatch(line)
    inner = m["c"] if m else line
    span = date_span(inner) if "date" not in meta else None
    rest = inner[:span[0]] + " " + inner[span[1]:] if span else inner
    credits, unknown = _parse_credits(rest)
    if span:
        if len(re.sub(r"[:：]", "", "".join(unknown))) > 6:
            return False
        try:
            meta["date"] = parse_date(inner[span[0]:span[1]])
        except ValueError as exc:
            raise InvalidArticleError(f"unparseable date line {line!r}: {exc}", "date") from None
    elif unknown or not credits:
        return False
    _merge(meta, credits)
    return True


def _end_credits(paragraph: str) -> tuple[str, list[Credit]] | None:
    """``(what remains, credits)`` if ``paragraph`` ends with credits, else None."""
    credits = _credits_only(paragraph)
    if credits:
        return "", credits
    groups = list(_BRACKETED.finditer(paragraph))
    if groups and not paragraph[groups[-1].end():].strip():
        credits = _credits_only(groups[-1][0])
        if credits:
            return paragraph[:groups[-1].start()], credits
    ends = list(_SENTENCE_END.finditer(paragraph))
    if ends:  # 责任编辑：李四 after the last sentence; needs a label with : or /
        tail = paragraph[ends[-1].end():]
        if re.search(r"[:：/／]", tail):
            credits = _credits_only(tail.strip())
            if credits:
                return paragraph[:ends[-1].end()], credits
    return None


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
    # header lines: date / credits, among the first few lines
    body = [line for line in paragraphs[1:5] if not _header(line, meta)] + paragraphs[5:]
    # links anywhere on their own line
    for i, line in enumerate(body):
        m = _URL_LINE.fullmatch(line)
        if m:
            meta.setdefault("url", m.group("v"))
            del body[i]
            break
    # boilerplate at the end
    for i in range(max(0, len(body) - 3), len(body)):
        if _BOILERPLATE.match(body[i]):
            del body[i:]
            break
    # credits at the end: a line of their own, a bracketed group, labelled fields
    for _ in range(4):
        found = _end_credits(body[-1]) if body else None
        if found is None:
            break
        rest, credits = found
        _merge(meta, credits)
        rest = _EDGES.sub("", rest)
        if rest:
            body[-1] = rest
        else:
            body.pop()
    if not body:
        raise InvalidArticleError("the article has a title but no body text", "body")
    body_text = "\n\n".join(body)
    article_id = derive_id(title, body_text, meta.get("url"))
    return Article(id=article_id, title=title, body=body_text, **meta)
