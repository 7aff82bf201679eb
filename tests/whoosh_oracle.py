"""A test oracle: searchlib's query semantics as a Whoosh query.

searchlib executes plans with its own bulk executor
(``searchlib/backends/whoosh/executor.py``). This module builds the
equivalent Whoosh query object from the same plan, so that Whoosh's own
searcher, an independent evaluation, can check that the executor finds
exactly the same articles (tests/test_execute.py).
"""

from __future__ import annotations

import itertools

from whoosh import query as wq

from searchlib.analysis import SCRIPT, fold_key
from searchlib.backends.whoosh.schema import GRAMS
from searchlib.plan import Plan
from searchlib.query import All, Any_, DateSpan, Match, Node, Not, Text
from searchlib.ranking import TITLE_BOOST

__all__ = ["whoosh_query", "exact"]


def exact(field: str, text: str, boost: float = 1.0) -> wq.Query:
    """Documents whose ``field`` (a bigram field) holds ``text``: any of the
    strings its pattern (one set of characters per position) stands for."""
    pattern = [sorted(s) for s in SCRIPT.query_pattern(text)]
    return wq.Or([_exact_string(field, "".join(m), boost) for m in itertools.product(*pattern)])


def _exact_string(field: str, m: str, boost: float) -> wq.Query:
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
            value = node.value if node.field == "id" else fold_key(node.value)
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
        """Exact text in the node's fields (whole words only add to the score)."""
        exacts = [exact(GRAMS[f], node.text, _boost(f)) for f in node.fields]
        return exacts[0] if len(exacts) == 1 else wq.Or(exacts)


def whoosh_query(plan: Plan, by_question: bool = False) -> wq.Query | None:
    """The Whoosh query of a plan: its exact query, or (``by_question``) the
    articles holding any of its topical words; None when it has none."""
    compiler = _Compiler(plan)
    assert plan.node is not None
    filters = [compiler.node(f) for f in plan.filters]
    if not by_question:
        return wq.And([compiler.node(plan.node), *filters]) if filters else compiler.node(plan.node)
    if plan.question is None:
        return None
    return wq.And([*filters, wq.Or([_any_word(w) for w in plan.question.words])])


def _any_word(word: str) -> wq.Query:
    """One topical word: as a word, or (two characters or more) as exact text."""
    clauses: list[wq.Query] = [wq.Term("title", word), wq.Term("body", word)]
    if len(word) > 1:
        clauses += [exact("title_ng", word), exact("body_ng", word)]
    return wq.Or(clauses)
