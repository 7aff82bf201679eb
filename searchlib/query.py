"""The search-box query language: query strings -> syntax trees.

The language::

    援疆 干部                 every term must match (AND; "援疆 AND 干部" says it too)
    "援疆工作总结座谈会"        a quoted phrase matches that exact text
    北京 OR 上海, NOT 台风, -台风, +台风, ( ... )
    title:援疆  source:新华社  author:...  editor:...  category:...  tags:...  id:...
    pinyin:xjp  xijinping     Latin letters read as pinyin (explicitly, or when found nowhere as text)
    date:2017-01-01..2017-03-31   date:2017-02   date:2017..   date:..2016-12-31

Operators are upper case: ``and``, ``or`` and ``not`` are words. Typed with a
Chinese input method, the full-width ``（）：－＋＂`` act as ``():-+"``. A
``word:`` that names no field (``https://...``, ``10:30``) is text, not an error.

What a tree means: a term or a quoted phrase matches where its text occurs
(after folding, :func:`searchlib.analysis.fold`: ``國務院`` finds ``国务院``,
``５Ｇ`` finds ``5G``), whatever the segmenter makes of it; quotes let a phrase
hold spaces, otherwise spaces separate terms. How matches rank is planned in
:mod:`searchlib.plan` and scored by :mod:`searchlib.ranking`'s rules.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import attrs

from .dates import parse_date
from .errors import QuerySyntaxError
from .fields import FILTER_FIELDS, TEXT_FIELDS

__all__ = ["parse", "parse_query", "Query", "Node", "Text", "Match", "DateSpan", "Not", "All",
           "Any_", "texts", "positive_texts", "MAX_QUERY_CHARS", "MAX_DEPTH", "KNOWN_FIELDS"]

MAX_QUERY_CHARS = 2000
MAX_DEPTH = 32
#: Fields a ``field:`` prefix may name (``pinyin:`` reads its value as pinyin:
#: :mod:`searchlib.pinyin`).
KNOWN_FIELDS = (*TEXT_FIELDS, "date", *FILTER_FIELDS, "pinyin")

# ---------------------------------------------------------------- the syntax tree


@attrs.frozen
class Text:
    """Text to find: ``quoted`` means the exact text; ``fields`` limits where."""

    text: str
    quoted: bool = False
    fields: tuple[str, ...] = ("title", "body")


@attrs.frozen
class Match:
    """A whole-value match on a filter field (source, author, tags, ...)."""

    field: str
    value: str


@attrs.frozen
class DateSpan:
    start: dt.datetime | None
    end: dt.datetime | None


@attrs.frozen
class Not:
    child: Node


@attrs.frozen
class All:
    children: tuple[Node, ...]


@attrs.frozen
class Any_:
    children: tuple[Node, ...]


Node = Text | Match | DateSpan | Not | All | Any_

# ---------------------------------------------------------------- tokens

#: Full-width operator characters an IME types, and the ASCII operator each means.
#: The same length, so positions in the translated query are positions in the query.
_FULL_WIDTH = str.maketrans("（）：－＋", "():-+")
_OPEN_QUOTES = {'"': '"', "\u201c": "\u201d", "\uff02": "\uff02"}
_CLOSE_QUOTES = set(_OPEN_QUOTES.values()) | {"\u201d"}
_FIELD = re.compile(r"([A-Za-z_]+):")
_SPACE = re.compile(r"[\s\x00-\x1f\x7f]+")


@attrs.frozen
class _Tok:
    kind: str  # "word", "phrase", "field", "(", ")", "OR", "AND", "NOT", "-"
    value: str
    pos: int


def _tokens(original: str) -> Iterator[_Tok]:
    q = original.translate(_FULL_WIDTH)  # syntax decisions; values come from the original
    i, n = 0, len(q)
    at_start = True  # may a "-" or "+" here be an operator?
    while i < n:
        m = _SPACE.match(q, i)
        if m:
            i = m.end()
            at_start = True
            continue
        ch = q[i]
        if ch in "()":
            yield _Tok(ch, ch, i)
            i += 1
            at_start = True
            continue
        if ch in _OPEN_QUOTES:
            end = _find_close(q, i)
            yield _Tok("phrase", original[i + 1:end], i)
            i = end + 1
            at_start = False
            continue
        if (ch in "-+" and at_start and i + 1 < n and not _SPACE.match(q, i + 1)
                and q[i + 1] not in ")-+"):
            yield _Tok(ch, ch, i)
            i += 1
            continue
        m = _FIELD.match(q, i)
        if m and m.group(1).lower() in KNOWN_FIELDS:
            yield _Tok("field", original[i:m.end(1)], i)
            i = m.end()
            at_start = False
            continue
        start = i
        while i < n and not _SPACE.match(q, i) and q[i] not in "()" and q[i] not in _OPEN_QUOTES:
            i += 1
        word = original[start:i]
        yield _Tok(word if word in ("OR", "AND", "NOT") else "word", word, start)
        at_start = False


def _find_close(q: str, start: int) -> int:
    for j in range(start + 1, len(q)):
        if q[j] in _CLOSE_QUOTES:
            return j
    raise QuerySyntaxError("the quote opened here is never closed; add a closing \"", q, start)

# ---------------------------------------------------------------- parser


class _Parser:
    def __init__(self, q: str) -> None:
        self.q = q
        self.toks = list(_tokens(q))
        self.i = 0
        self.depth = 0
        #: free text only: no operator, parenthesis, quote or field
        self.plain = all(t.kind == "word" for t in self.toks)
        #: free text, quotes and parentheses only (a sentence may quote a name
        #: or add an aside in brackets; with no operator they only group)
        self.prose = all(t.kind in ("word", "phrase", "(", ")") for t in self.toks)

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def error(self, reason: str, tok: _Tok | None) -> QuerySyntaxError:
        return QuerySyntaxError(reason, self.q, tok.pos if tok else len(self.q))

    def parse(self) -> Node:
        if not self.toks:
            raise QuerySyntaxError("the query is empty; type some words to search for", self.q, None)
        node = self.any_()
        tok = self.peek()
        if tok is not None:
            raise self.error("this ')' closes no '('", tok)
        return node

    def any_(self) -> Node:
        parts = [self.all_()]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in (")", "OR", "AND"):
                raise self.error("OR needs a search term after it", tok)
            parts.append(self.all_())
        return parts[0] if len(parts) == 1 else Any_(tuple(parts))

    def all_(self) -> Node:
        parts: list[Node] = []
        while (tok := self.peek()) is not None and tok.kind not in (")", "OR"):
            if tok.kind == "AND":
                self.take()
                nxt = self.peek()
                if not parts or nxt is None or nxt.kind in (")", "OR", "AND"):
                    raise self.error("AND needs a search term on both sides", tok)
                continue
            parts.append(self.unary())
        if not parts:
            tok = self.peek()
            what = "OR" if tok is not None and tok.kind == "OR" else "the end of the query"
            raise self.error(f"expected a search term before {what}", tok)
        return parts[0] if len(parts) == 1 else All(tuple(parts))

    def unary(self) -> Node:
        tok = self.peek()
        assert tok is not None
        if tok.kind == "+":  # required, as every term is
            self.take()
            return self.unary()
        if tok.kind in ("NOT", "-"):
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in (")", "OR", "AND"):
                raise self.error(f"{tok.value} needs a search term after it", tok)
            return Not(self.unary())
        return self.primary()

    def primary(self) -> Node:
        tok = self.take()
        if tok.kind == "(":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise self.error(f"parentheses are nested more than {MAX_DEPTH} deep", tok)
            nxt = self.peek()
            if nxt is None:
                raise self.error("this '(' is never closed; add a ')'", tok)
            if nxt.kind == ")":
                raise self.error("empty parentheses", tok)
            node = self.any_()
            close = self.peek()
            if close is None or close.kind != ")":
                raise self.error("this '(' is never closed; add a ')'", tok)
            self.take()
            self.depth -= 1
            return node
        if tok.kind == "phrase":
            if not tok.value.strip():
                raise self.error("empty quotes; put the exact text to find between them", tok)
            return Text(tok.value, quoted=True)
        if tok.kind == "field":
            return self.field(tok)
        return Text(tok.value)

    def field(self, tok: _Tok) -> Node:
        name = tok.value.lower()
        value_tok = self.peek()
        right_after = value_tok is not None and value_tok.pos == tok.pos + len(tok.value) + 1
        if value_tok is None or value_tok.kind not in ("word", "phrase") or not right_after:
            raise self.error(f"{tok.value}: needs a value right after the colon, e.g. {tok.value}:xxx", tok)
        self.take()
        value = value_tok.value.strip()
        if not value:
            raise self.error(f"{tok.value}: has an empty value", tok)
        if name == "date":
            return _date_span(value, self.q, value_tok.pos)
        if name in ("title", "body"):
            return Text(value, quoted=value_tok.kind == "phrase", fields=(name,))
        return Match(name, value)


def _day_bounds(text: str, q: str, pos: int) -> tuple[dt.datetime, dt.datetime]:
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?", text)
    try:
        if m and m.group(2):
            year, month = int(m.group(1)), int(m.group(2))
            first = dt.datetime(year, month, 1)
            nxt = dt.datetime(year + month // 12, month % 12 + 1, 1)
            return first, nxt - dt.timedelta(microseconds=1)
        if m:
            year = int(m.group(1))
            return dt.datetime(year, 1, 1), dt.datetime(year, 12, 31, 23, 59, 59, 999999)
        day = parse_date(text)
    except ValueError as exc:
        raise QuerySyntaxError(f"bad date {text!r}: {exc}", q, pos) from None
    if day is None:
        raise QuerySyntaxError("empty date", q, pos)
    if isinstance(day, dt.datetime):
        return day, day
    start = dt.datetime(day.year, day.month, day.day)
    return start, start + dt.timedelta(days=1, microseconds=-1)


def _date_span(value: str, q: str, pos: int) -> DateSpan:
    if ".." in value:
        lo, _, hi = value.partition("..")
        start = _day_bounds(lo, q, pos)[0] if lo else None
        end = _day_bounds(hi, q, pos + len(lo) + 2)[1] if hi else None
        if start is None and end is None:
            raise QuerySyntaxError("date range needs a start or an end, e.g. date:2017-01-01..", q, pos)
        if start and end and start > end:
            raise QuerySyntaxError(f"date range {value!r} ends before it starts", q, pos)
        return DateSpan(start, end)
    start, end = _day_bounds(value, q, pos)
    return DateSpan(start, end)


@attrs.frozen
class Query:
    """A parsed query: its tree, and whether it is plain free text.

    A plain query (words only: no operator, parenthesis, quote or field) may
    fall back to partial matches; anything explicit is matched exactly.
    ``prose``: words, quoted phrases and parentheses only
    (``为什么它被称为“卫理公会”？`` may still read as a question).
    """

    text: str
    node: Node
    plain: bool
    prose: bool = False


def parse_query(q: str) -> Query:
    """Parse a search-box query.

    Raises:
        QuerySyntaxError: the query is empty, too long, has an unclosed quote
            or parenthesis, a dangling operator, a field without a value or a
            bad date.
    """
    if not isinstance(q, str):
        raise QuerySyntaxError(f"a query must be a string, not {type(q).__name__}", "", None)
    if len(q) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(f"the query is {len(q)} characters long; the limit is {MAX_QUERY_CHARS}",
                               q[:50] + "...", MAX_QUERY_CHARS)
    parser = _Parser(q)
    return Query(q, parser.parse(), parser.plain, parser.prose)


def parse(q: str) -> Node:
    """The syntax tree of a search-box query (see :func:`parse_query`)."""
    return parse_query(q).node

# ---------------------------------------------------------------- walking a tree


def texts(node: Node) -> Iterator[Text]:
    """Every Text node of a tree (negated ones included)."""
    if isinstance(node, Text):
        yield node
    elif isinstance(node, Not):
        yield from texts(node.child)
    elif isinstance(node, (All, Any_)):
        for child in node.children:
            yield from texts(child)


def positive_texts(node: Node) -> Iterator[Text]:
    """Text nodes that must or may match (not under a NOT)."""
    if isinstance(node, Text):
        yield node
    elif isinstance(node, (All, Any_)):
        for child in node.children:
            yield from positive_texts(child)
