"""The query semantics of :mod:`searchlib.query` as a Whoosh query.

searchlib evaluates queries with :mod:`searchlib.execute`. This module builds
the equivalent Whoosh query object, for callers who want to run searchlib's
semantics through Whoosh's own searcher, and for the tests, which use it as an
independent check that the executor finds exactly the same articles.
"""

from __future__ import annotations

from whoosh import matching
from whoosh import query as wq
from whoosh.query.wrappers import WrappingQuery

from .analysis import SegmenterProfile, fold, word_spans
from .query import (TITLE_BOOST, All, Any_, DateSpan, Match, Node, Not, Text, bonus_for,
                    relaxation)
from .schema import TEXT_FIELDS

__all__ = ["whoosh_query", "Bonus", "exact"]


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


class _Compiler:
    def __init__(self, profile: SegmenterProfile, bonus: float) -> None:
        self.profile = profile
        self.bonus = bonus

    def node(self, node: Node) -> wq.Query:
        if isinstance(node, Text):
            return self.text(node)
        if isinstance(node, Match):
            value = node.value if node.field == "id" else fold(node.value)
            return wq.Term(node.field, value)
        if isinstance(node, DateSpan):
            return wq.DateRange("date", node.start, node.end)
        if isinstance(node, Not):
            return wq.Not(self.node(node.child))
        if isinstance(node, All):
            kids = [self.node(c) for c in node.children]
            if all(isinstance(c, Not) for c in node.children):
                kids.insert(0, wq.Every())
            return wq.And(kids)
        if isinstance(node, Any_):
            return wq.Or([self.node(c) for c in node.children])
        raise TypeError(node)  # pragma: no cover

    def text(self, node: Text) -> wq.Query:
        words = [w for w, _, _ in word_spans(node.text, self.profile)]
        exacts = [exact(TEXT_FIELDS[f], node.text, _boost(f)) for f in node.fields]
        ex: wq.Query = exacts[0] if len(exacts) == 1 else wq.Or(exacts)
        if not words:
            return ex
        whole = [wq.Term(f, words[0], boost=_boost(f)) if len(words) == 1
                 else wq.Phrase(f, list(words), boost=_boost(f)) for f in node.fields]
        return wq.AndMaybe(ex, Bonus(whole[0] if len(whole) == 1 else wq.Or(whole), self.bonus))


def whoosh_query(node: Node, profile: SegmenterProfile, relaxed: bool = False) -> wq.Query | None:
    """The Whoosh query for a syntax tree (the strict one, or the partial-match
    fallback: None when the query allows none)."""
    compiler = _Compiler(profile, bonus_for(node))
    if not relaxed:
        return compiler.node(node)
    relax = relaxation(node, profile)
    if relax is None:
        return None
    words, required = relax
    return wq.And([*(compiler.node(r) for r in required), wq.Or([_any_word(w) for w in words])])


def _any_word(word: str) -> wq.Query:
    """One word of a relaxed query: as a word, or (at half weight) as text."""
    clauses: list[wq.Query] = [wq.Term("title", word), wq.Term("body", word)]
    if len(word) > 1:
        clauses += [exact("title_ng", word, 0.5), exact("body_ng", word, 0.5)]
    return wq.Or(clauses)
