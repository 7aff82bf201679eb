"""From a parsed query to what a backend executes: a :class:`Plan`.

The query path flows one way::

    parse (query.py) -> plan (here) -> the backend executes (backends/) -> rank
    -> highlight (highlight.py) -> results (models.py)

A plan holds everything engine-neutral about a search, worked out once: the
query tree and the filters that must also hold, the words of every text
(pre-analysed, so engines never segment), the fallback when nothing matches
every term (only for plain free text with enough topical words), weighted
words for related articles, and what to highlight. Ranking parameters live
in :mod:`searchlib.ranking`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import attrs

from .analysis import SegmenterProfile, fold, word_spans
from .analysis.stopwords import is_stopword
from .query import Node, Query, Text, positive_texts, texts
from .ranking import RELAX_MIN_WORDS, whole_word_bonus

__all__ = ["Plan", "plan_search", "plan_related", "topical_words", "highlight_patterns",
           "Patterns"]

Patterns = dict[str, "re.Pattern[str] | None"]
_WORDLIKE = re.compile(r"[^\W_]")


@attrs.frozen(eq=False)
class Plan:
    """One search, ready for a backend.

    Attributes:
        node: the query tree (None for related articles: ``weighted`` instead).
        filters: parts that must hold too (the search options as query parts).
        words: each Text node's words, in order: where they stand together as
            whole words, the article gets :attr:`bonus`.
        bonus: the whole-word bonus (see :func:`searchlib.ranking.whole_word_bonus`).
        relax_words: the topical words to fall back on when no article matches
            every term; empty when the query must match exactly.
        weighted: ``(word, weight)`` pairs scored as words (related articles).
        exclude: an article id never returned.
    """

    node: Node | None
    filters: tuple[Node, ...] = ()
    words: Mapping[Text, tuple[str, ...]] = attrs.Factory(dict)
    bonus: float = 0.0
    relax_words: tuple[str, ...] = ()
    weighted: tuple[tuple[str, float], ...] = ()
    exclude: str | None = None

    def highlights(self, relaxed: bool) -> Patterns:
        """What to mark in the results: the query's texts, or (relaxed) its words."""
        if self.node is None:
            return highlight_patterns([], [w for w, _ in self.weighted])
        if relaxed:
            return highlight_patterns([], self.relax_words)
        return highlight_patterns([self.node])


def plan_search(query: Query, filters: Sequence[Node], profile: SegmenterProfile) -> Plan:
    """The plan of a search-box query with the given filters."""
    node = query.node
    words = {t: tuple(w for w, _, _ in word_spans(t.text, profile)) for t in texts(node)}
    relax: tuple[str, ...] = ()
    if query.plain:
        topical = topical_words([t.text for t in texts(node)], profile)
        if len(topical) >= RELAX_MIN_WORDS:
            relax = tuple(topical)
    return Plan(node=node, filters=tuple(filters), words=words,
                bonus=whole_word_bonus([len(t.text) for t in texts(node)]), relax_words=relax)


def plan_related(terms: Iterable[tuple[str, float]], exclude: str) -> Plan:
    """The plan of "articles related to ``exclude``": its key terms, weighted."""
    return Plan(node=None, weighted=tuple(terms), exclude=exclude)


def topical_words(phrases: Iterable[str], profile: SegmenterProfile) -> list[str]:
    """The distinct words of ``phrases`` that carry a topic (no marks, no function words)."""
    return list(dict.fromkeys(w for text in phrases for w, _, _ in word_spans(text, profile)
                              if _WORDLIKE.search(w) and not is_stopword(w)))


def highlight_patterns(nodes: Iterable[Node], words: Iterable[str] = ()) -> Patterns:
    """field -> regex over folded text marking what the given query parts
    match (their exact texts) and the given words."""
    patterns: dict[str, list[str]] = {"title": [], "body": []}
    for node in nodes:
        for t in positive_texts(node):
            for f in t.fields:
                patterns[f].append(re.escape(fold(t.text)))
    for w in words:
        for f in patterns:
            patterns[f].append(re.escape(w))
    return {f: _regex(p) for f, p in patterns.items()}


def _regex(patterns: list[str]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    ordered = sorted(set(patterns), key=len, reverse=True)  # longest alternative first
    return re.compile("|".join(ordered))
