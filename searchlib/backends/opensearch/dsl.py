"""Plans -> OpenSearch query DSL, with the semantics of the local executor.

What matches is defined exactly as in ``backends/whoosh/executor.py`` (and
by :func:`searchlib.contains`): a text is found where its bigrams stand at
consecutive positions, each position any of the folding's alternatives
(``span_near`` of ``span_or``; ``match_phrase`` when there is one
alternative each); a single character is any bigram starting with it. Scores
follow :mod:`searchlib.ranking` as far as OpenSearch's BM25 allows (the same
boosts and weights, Lucene's BM25 for phrases and spans; a question's coverage
factor is applied to its best hits, not to all): rankings are close to the
local index's, not identical.
"""

from __future__ import annotations

from typing import Any

from ...analysis import Folding
from ...plan import Plan, Question
from ...query import All, Any_, DateSpan, Match, Node, Not, Text
from ...ranking import EXACT_WEIGHT, GRAM_WEIGHT, PAIR_WEIGHT, TITLE_BOOST, WHOLE_WORD_WEIGHT
from .documents import GRAMS, WORDS, date_key, token, word_token

__all__ = ["exact", "node_query", "plan_queries", "sort_clause", "word_held", "word_name", "NOTHING",
           "EVERYTHING"]

Query = dict[str, Any]
NOTHING: Query = {"match_none": {}}
EVERYTHING: Query = {"match_all": {}}


def _zero(query: Query) -> Query:
    """``query`` as a filter: it decides matches and adds nothing to scores."""
    return {"bool": {"filter": [query]}}


def exact(field: str, text: str, folding: Folding, boost: float = 1.0) -> Query:
    """Articles holding ``text`` in the bigram field ``field``, as the folding matches it."""
    pattern = folding.query_pattern(text)
    if not pattern:
        return NOTHING
    if len(pattern) == 1:
        prefixes = [{"prefix": {field: {"value": token(ch), "boost": boost}}} for ch in sorted(pattern[0])]
        return prefixes[0] if len(prefixes) == 1 else {"bool": {"should": prefixes, "minimum_should_match": 1}}
    positions = [sorted(token(a + b) for a in sorted(pattern[i]) for b in sorted(pattern[i + 1]))
                 for i in range(len(pattern) - 1)]
    if all(len(p) == 1 for p in positions):
        return {"match_phrase": {field: {"query": " ".join(p[0] for p in positions), "boost": boost}}}
    clauses = [{"span_term": {field: p[0]}} if len(p) == 1 else
               {"span_or": {"clauses": [{"span_term": {field: t}} for t in p]}} for p in positions]
    if len(clauses) == 1:
        only = clauses[0]
        return {"span_or": {**only["span_or"], "boost": boost}} if "span_or" in only else \
            {"span_term": {field: {"value": positions[0][0], "boost": boost}}}
    return {"span_near": {"clauses": clauses, "slop": 0, "in_order": True, "boost": boost}}


def _words(field: str, words: tuple[str, ...] | list[str], boost: float) -> Query:
    return {"match_phrase": {field: {"query": " ".join(word_token(w) for w in words), "boost": boost}}}


def _either(queries: list[Query]) -> Query:
    return queries[0] if len(queries) == 1 else {"bool": {"should": queries, "minimum_should_match": 1}}


def _text(node: Text, plan: Plan) -> Query:
    folding = plan.folding
    found = _either([exact(GRAMS[f], node.text, folding, TITLE_BOOST if f == "title" else 1.0)
                     for f in node.fields])
    words = plan.words.get(node, ())
    if not words:
        return found
    bonus = [_words(WORDS[f], words, WHOLE_WORD_WEIGHT * (TITLE_BOOST if f == "title" else 1.0))
             for f in node.fields]
    return {"bool": {"must": [found], "should": bonus}}


def node_query(node: Node, plan: Plan) -> Query:
    """The query of one node of the query tree."""
    if isinstance(node, Text):
        return _text(node, plan)
    if isinstance(node, Match):
        value = node.value if node.field == "id" else plan.folding.key(node.value)
        return _zero({"term": {node.field: value}})
    if isinstance(node, DateSpan):
        span: dict[str, int] = {}
        if node.start is not None:
            span["gte"] = date_key(node.start)
        if node.end is not None:
            span["lte"] = date_key(node.end)
        return _zero({"range": {"date": span}} if span else {"exists": {"field": "date"}})
    if isinstance(node, Not):
        return {"bool": {"filter": [EVERYTHING], "must_not": [node_query(node.child, plan)]}}
    if isinstance(node, All):
        positives = [node_query(c, plan) for c in node.children if not isinstance(c, Not)]
        negatives = [node_query(c.child, plan) for c in node.children if isinstance(c, Not)]
        return {"bool": {"must": positives or [_zero(EVERYTHING)], "must_not": negatives}}
    if isinstance(node, Any_):
        return _either([node_query(c, plan) for c in node.children])
    raise TypeError(node)  # pragma: no cover


def word_held(word: str, folding: Folding, others: tuple[str, ...] = ()) -> Query:
    """Articles holding one topical word of a question (as a word or as exact text, or
    one of ``others``: its synonyms), scored as :mod:`searchlib.ranking` says."""
    held: list[Query] = []
    for field in ("title", "body"):
        boost = TITLE_BOOST if field == "title" else 1.0
        held.append({"term": {WORDS[field]: {"value": word_token(word), "boost": boost}}})
        if len(word) > 1:
            held.append(exact(GRAMS[field], word, folding, EXACT_WEIGHT * boost))
        held += [exact(GRAMS[field], alt, folding, boost) for alt in others]
    return {"bool": {"should": held, "minimum_should_match": 1}}


def word_name(i: int) -> str:
    """The name of the ``i``-th topical word's clause (in a hit's ``matched_queries``)."""
    return f"word{i}"


def question_query(q: Question, folding: Folding) -> Query:
    """Articles holding any topical word, ranked by the evidence of :mod:`searchlib.ranking`
    (the coverage factor is applied to the best hits afterwards: see the backend)."""
    held = []
    for i, word in enumerate(q.words):
        clause = word_held(word, folding, q.others(word))
        held.append({"bool": {**clause["bool"], "_name": word_name(i)}})
    extra = [exact(GRAMS["body"], pair, folding, PAIR_WEIGHT) for pair in q.pairs]
    extra += [{"term": {GRAMS["body"]: {"value": token(g), "boost": GRAM_WEIGHT}}} for g in q.grams]
    query: Query = {"bool": {"should": held, "minimum_should_match": 1}}
    return {"bool": {"must": [query], "should": extra}} if extra else query


def weighted_query(weighted: tuple[tuple[str, float], ...]) -> Query:
    """Articles holding any of the words, scored by their weights (related articles)."""
    terms = [{"term": {WORDS[f]: {"value": word_token(w), "boost": max(weight, 0.0)}}}
             for w, weight in weighted for f in ("title", "body")]
    return {"bool": {"should": terms, "minimum_should_match": 1}} if terms else NOTHING


def _within(query: Query, plan: Plan, filters: bool) -> Query:
    must_not = [{"ids": {"values": [plan.exclude]}}] if plan.exclude is not None else []
    parts = [node_query(f, plan) for f in plan.filters] if filters else []
    if not parts and not must_not:
        return query
    return {"bool": {"must": [query], "filter": parts, "must_not": must_not}}


def plan_queries(plan: Plan) -> tuple[Query, Query | None]:
    """(the query of ``plan``, the fallback to run when it matches nothing, or None).

    As in the local executor: related articles by weighted words; a question
    by its topical words at once; keywords exactly, and, when no article
    holds every term, ranked by the question's words (``relaxed``).
    """
    if plan.node is None:
        return _within(weighted_query(plan.weighted), plan, True), None
    if plan.ask and plan.question is not None:
        return _within(question_query(plan.question, plan.folding), plan, True), None
    node = All((plan.node, *plan.filters)) if plan.filters else plan.node
    main = _within(node_query(node, plan), plan, False)
    fallback = None
    if plan.question is not None:
        fallback = _within(question_query(plan.question, plan.folding), plan, True)
    return main, fallback


def sort_clause(sort: str) -> list[Any]:
    """The sort of a search: by score, or by date (undated last), then score; ties by id."""
    if sort == "relevance":
        return [{"_score": "desc"}, {"id": "asc"}]
    order = "desc" if sort == "newest" else "asc"
    return [{"date": {"order": order, "missing": "_last"}}, {"_score": "desc"}, {"id": "asc"}]
