"""Query strings -> Whoosh queries.

The search-box language::

    援疆 干部                 every term must match (AND)
    "援疆工作总结座谈会"        a quoted phrase matches that exact text
    北京 OR 上海, NOT 台风, -台风, ( ... )
    title:援疆  source:新华社  author:...  editor:...  category:...  tags:...  id:...
    date:2017-01-01..2017-03-31   date:2017-02   date:2017..   date:..2016-12-31

A term or a quoted phrase matches where its text occurs (character bigrams,
exact, whatever the segmenter does); an article where it also occurs as whole
words (jieba's words of the query, side by side) gets a bonus that ranks it
above articles where it only occurs inside or across other words. Quotes let
a phrase hold spaces; otherwise spaces separate terms. Text is folded (:func:`searchlib.analysis.fold`)
on both sides, so ``國務院`` finds ``国务院`` and ``５Ｇ`` finds ``5G``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence

import attrs
from whoosh import matching
from whoosh import query as wq
from whoosh.query.wrappers import WrappingQuery

from .analysis import SegmenterProfile, fold, word_spans
from .analysis.stopwords import is_stopword
from .dates import parse_date
from .errors import QuerySyntaxError
from .schema import FILTER_FIELDS, TEXT_FIELDS

__all__ = ["parse", "compile_query", "QueryPlan", "MAX_QUERY_CHARS", "MAX_DEPTH", "TITLE_BOOST"]

MAX_QUERY_CHARS = 2000
MAX_DEPTH = 32
TITLE_BOOST = 2.0
#: A query falls back to partial matches only if its free text has this many
#: topical words (a question, not a short query whose terms the user insists on).
RELAX_MIN_WORDS = 3
#: Fields a ``field:`` prefix may name.
KNOWN_FIELDS = ("title", "body", "date", *FILTER_FIELDS)

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

_WORDLIKE = re.compile(r"[^\W_]")
_OPEN_QUOTES = {'"': '"', "\u201c": "\u201d", "\uff02": "\uff02"}
_CLOSE_QUOTES = set(_OPEN_QUOTES.values()) | {"\u201d"}
_FIELD = re.compile(r"([A-Za-z_]+):")
_SPACE = re.compile(r"[\s\x00-\x1f\x7f]+")


@attrs.frozen
class _Tok:
    kind: str  # "word", "phrase", "field", "(", ")", "OR", "AND", "NOT", "-"
    value: str
    pos: int


def _tokens(q: str) -> Iterator[_Tok]:
    i, n = 0, len(q)
    at_start = True  # may a "-" here be a negation?
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
            yield _Tok("phrase", q[i + 1:end], i)
            i = end + 1
            at_start = False
            continue
        if ch == "-" and at_start and i + 1 < n and not _SPACE.match(q, i + 1) and q[i + 1] != ")":
            yield _Tok("-", ch, i)
            i += 1
            continue
        m = _FIELD.match(q, i)
        if m:
            yield _Tok("field", m.group(1), i)
            i = m.end()
            at_start = False
            continue
        start = i
        while i < n and not _SPACE.match(q, i) and q[i] not in "()" and q[i] not in _OPEN_QUOTES:
            i += 1
        word = q[start:i]
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
        if name not in KNOWN_FIELDS:
            raise self.error(f"unknown field {tok.value!r}; known fields: {', '.join(KNOWN_FIELDS)}", tok)
        value_tok = self.peek()
        if value_tok is None or value_tok.kind not in ("word", "phrase") or value_tok.pos != tok.pos + len(tok.value) + 1:
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


def parse(q: str) -> Node:
    """Parse a search-box query into a syntax tree.

    Raises:
        QuerySyntaxError: the query is empty, too long, has an unclosed quote
            or parenthesis, a dangling operator, an unknown field or a bad date.
    """
    if not isinstance(q, str):
        raise QuerySyntaxError(f"a query must be a string, not {type(q).__name__}", "", None)
    if len(q) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(f"the query is {len(q)} characters long; the limit is {MAX_QUERY_CHARS}",
                               q[:50] + "...", MAX_QUERY_CHARS)
    return _Parser(q).parse()

# ---------------------------------------------------------------- compilation


class Bonus(WrappingQuery):  # type: ignore[misc]
    """Adds a constant to the score of every document its child matches."""

    def __init__(self, child: wq.Query, bonus: float) -> None:
        super().__init__(child)
        self.bonus = bonus

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Bonus) and other.child == self.child
                and other.bonus == self.bonus)

    def __hash__(self) -> int:
        return hash(self.child) ^ hash(self.bonus)

    def _rewrap(self, child: wq.Query) -> Bonus:
        return Bonus(child, self.bonus)

    def matcher(self, searcher, context=None):  # type: ignore[no-untyped-def]
        m = self.child.matcher(searcher, context)
        if isinstance(m, matching.NullMatcherClass):
            return m
        return _BonusMatcher(m, self.bonus)


class _BonusMatcher(matching.WrappingMatcher):  # type: ignore[misc]
    def __init__(self, child, bonus: float) -> None:  # type: ignore[no-untyped-def]
        super().__init__(child)
        self.bonus = bonus

    def copy(self):  # type: ignore[no-untyped-def]
        return _BonusMatcher(self.child.copy(), self.bonus)

    def _replacement(self, newchild):  # type: ignore[no-untyped-def]
        return _BonusMatcher(newchild, self.bonus)

    def supports_block_quality(self) -> bool:
        return False

    def score(self) -> float:
        return self.child.score() + self.bonus


def exact(field: str, text: str, boost: float = 1.0) -> wq.Query:
    """Documents whose ``field`` (a bigram field) contains folded ``text``."""
    m = fold(text)
    if len(m) == 1:
        return wq.Prefix(field, m, boost=boost)
    grams = [m[i:i + 2] for i in range(len(m) - 1)]
    if len(grams) == 1:
        return wq.Term(field, grams[0], boost=boost)
    return wq.Phrase(field, grams, boost=boost)


def _boost(field: str) -> float:
    return TITLE_BOOST if field == "title" else 1.0


@attrs.define
class QueryPlan:
    """A compiled query: what to run, what to fall back to, what to highlight.

    Attributes:
        strict: the query as written (every term must match).
        relaxed: a ranked partial-match query to run when ``strict`` finds
            nothing, or None when the query allows no relaxation.
        highlight: field -> regex over folded text marking what the strict
            query matched; ``relaxed_highlight`` the same for ``relaxed``.
    """

    strict: wq.Query
    relaxed: wq.Query | None
    highlight: dict[str, re.Pattern[str] | None]
    relaxed_highlight: dict[str, re.Pattern[str] | None]
    words: list[str]


class _Compiler:
    def __init__(self, profile: SegmenterProfile, bonus: float) -> None:
        self.profile = profile
        self.bonus = bonus
        self.patterns: dict[str, list[str]] = {"title": [], "body": []}

    def words(self, text: str) -> list[str]:
        return [w for w, _, _ in word_spans(text, self.profile)]

    def node(self, node: Node, positive: bool = True) -> wq.Query:
        if isinstance(node, Text):
            return self.text(node, positive)
        if isinstance(node, Match):
            value = node.value if node.field == "id" else fold(node.value)
            return wq.Term(node.field, value)
        if isinstance(node, DateSpan):
            return wq.DateRange("date", node.start, node.end)
        if isinstance(node, Not):
            return wq.Not(self.node(node.child, not positive))
        if isinstance(node, All):
            kids = [self.node(c, positive) for c in node.children]
            if all(isinstance(c, Not) for c in node.children):
                kids.insert(0, wq.Every())
            return wq.And(kids)
        if isinstance(node, Any_):
            return wq.Or([self.node(c, positive) for c in node.children])
        raise TypeError(node)  # pragma: no cover

    def text(self, node: Text, positive: bool) -> wq.Query:
        words = self.words(node.text)
        exacts = [exact(TEXT_FIELDS[f], node.text, _boost(f)) for f in node.fields]
        whole = [self._words_query(f, words) for f in node.fields] if words else []
        if positive:
            for f in node.fields:  # what to highlight: the exact text
                self.patterns[f].append(re.escape(fold(node.text)))
        ex: wq.Query = exacts[0] if len(exacts) == 1 else wq.Or(exacts)
        if not whole:
            return ex
        return wq.AndMaybe(ex, Bonus(whole[0] if len(whole) == 1 else wq.Or(whole), self.bonus))

    def _words_query(self, field: str, words: Sequence[str]) -> wq.Query:
        if len(words) == 1:
            return wq.Term(field, words[0], boost=_boost(field))
        return wq.Phrase(field, list(words), boost=_boost(field))


def _regex(patterns: list[str]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    ordered = sorted(set(patterns), key=len, reverse=True)  # longest alternative first
    return re.compile("|".join(ordered))


def _free_text(node: Node) -> tuple[list[Text], list[Node]] | None:
    """Split a plain conjunction into unquoted free text and required parts."""
    parts = node.children if isinstance(node, All) else (node,)
    free: list[Text] = []
    required: list[Node] = []
    for part in parts:
        if isinstance(part, Text) and not part.quoted and part.fields == ("title", "body"):
            free.append(part)
        elif isinstance(part, (Text, Match, DateSpan, Not)):
            required.append(part)
        else:
            return None
    return free, required


def compile_query(node: Node, profile: SegmenterProfile) -> QueryPlan:
    """Turn a syntax tree into a :class:`QueryPlan` for the news schema."""
    size = sum(len(t.text) for t in _texts(node))
    compiler = _Compiler(profile, bonus=1000.0 + 100.0 * size)
    strict = compiler.node(node)
    highlight = {f: _regex(p) for f, p in compiler.patterns.items()}
    relaxed = None
    relaxed_highlight: dict[str, re.Pattern[str] | None] = {}
    words: list[str] = []
    split = _free_text(node)
    if split is not None and split[0]:
        free, required = split
        words = list(dict.fromkeys(w for t in free for w in compiler.words(t.text)
                                   if _WORDLIKE.search(w) and not is_stopword(w)))
        if len(words) >= RELAX_MIN_WORDS:
            optional = wq.Or([_any_word(w) for w in words])
            req = _Compiler(profile, compiler.bonus)
            relaxed = wq.And([*(req.node(r) for r in required), optional])
            relaxed_highlight = {f: _regex(p + [re.escape(w) for w in words])
                                 for f, p in req.patterns.items()}
    return QueryPlan(strict, relaxed, highlight, relaxed_highlight, words)


def _any_word(word: str) -> wq.Query:
    """One word of a relaxed query: as a word, or (at half weight) as text.

    Title and body weigh the same here: in a long question, a title that
    shares one common word with it is weak evidence (measured on DRCD:
    MRR@10 0.916 with the title boost, 0.931 without).
    """
    clauses: list[wq.Query] = [wq.Term("title", word), wq.Term("body", word)]
    if len(word) > 1:
        clauses += [exact("title_ng", word, 0.5), exact("body_ng", word, 0.5)]
    return wq.Or(clauses)


def _texts(node: Node) -> Iterator[Text]:
    if isinstance(node, Text):
        yield node
    elif isinstance(node, Not):
        yield from _texts(node.child)
    elif isinstance(node, (All, Any_)):
        for child in node.children:
            yield from _texts(child)
