"""A test oracle: searchlib's query semantics as a Whoosh query.

searchlib executes plans with its own bulk executor
(``searchlib/backends/whoosh/executor.py``). This module builds the
equivalent Whoosh query object from the same plan, so that Whoosh's own
searcher, an independent evaluation, can check that the executor finds
exactly the same articles (tests/test_execute.py).
"""

from __future__ import annotations

from whoosh import matching
from whoosh import query as wq
from whoosh.query.wrappers import WrappingQuery

from searchlib.analysis import fold
from searchlib.backends.whoosh.schema import GRAMS
from searchlib.plan import Plan
from searchlib.query import All, Any_, DateSpan, Match, Node, Not, Text
from searchlib.ranking import RELAX_TEXT_WEIGHT, TITLE_BOOST

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
    def __init__(self, plan: Plan) -> None:
        self.plan = plan

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
        words = list(self.plan.words.get(node, ()))
        exacts = [exact(GRAMS[f], node.text, _boost(f)) for f in node.fields]
        ex: wq.Query = exacts[0] if len(exacts) == 1 else wq.Or(exacts)
        if not words:
            return ex
        whole = [wq.Term(f, words[0], boost=_boost(f)) if len(words) == 1
                 else wq.Phrase(f, list(words), boost=_boost(f)) for f in node.fields]
        return wq.AndMaybe(ex, Bonus(whole[0] if len(whole) == 1 else wq.Or(whole), self.plan.bonus))


def whoosh_query(plan: Plan, relaxed: bool = False) -> wq.Query | None:
    """The Whoosh query of a plan (the strict one, or its partial-match
    fallback: None when the plan has none)."""
    compiler = _Compiler(plan)
    assert plan.node is not None
    filters = [compiler.node(f) for f in plan.filters]
    if not relaxed:
        return wq.And([compiler.node(plan.node), *filters]) if filters else compiler.node(plan.node)
    if not plan.relax_words:
        return None
    return wq.And([*filters, wq.Or([_any_word(w) for w in plan.relax_words])])


def _any_word(word: str) -> wq.Query:
    """One word of a relaxed query: as a word, or (at lower weight) as text."""
    clauses: list[wq.Query] = [wq.Term("title", word), wq.Term("body", word)]
    if len(word) > 1:
        clauses += [exact("title_ng", word, RELAX_TEXT_WEIGHT), exact("body_ng", word, RELAX_TEXT_WEIGHT)]
    return wq.Or(clauses)
