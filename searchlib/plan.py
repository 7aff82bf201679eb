"""From a parsed query to what a backend executes: a :class:`Plan`.

The query path flows one way::

    parse (query.py) -> plan (here) -> the backend executes (backends/) -> rank
    -> highlight (highlight.py) -> results (models.py)

A plan holds everything engine-neutral about a search, worked out once: the
query tree and the filters that must also hold, the words of every text
(pre-analysed, so engines never segment), how a plain query ranks by its
topical words (at once for a question, as the fallback for keywords that
match nothing in full), weighted words for related articles, and what to
highlight. The scores are defined in :mod:`searchlib.ranking`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import attrs

from .analysis import SCRIPT, Folding, SegmenterProfile, fold, word_spans
from .analysis.folding import pattern_source
from .analysis.stopwords import QUESTION_WORDS, is_stopword
from .query import Node, Query, Text, positive_texts, texts

__all__ = ["Plan", "Question", "plan_search", "plan_related", "question_of", "is_question",
           "topical_words", "highlight_patterns", "Patterns", "SENTENCE_MARKS"]

Patterns = dict[str, "re.Pattern[str] | None"]
_WORDLIKE = re.compile(r"[^\W_]")
_GRAM = re.compile(r"[^\W_]{2}")


#: Marks that make a plain query read as a sentence or a question.
SENTENCE_MARKS = frozenset("？?！!。，,；;")


@attrs.frozen
class Question:
    """How to rank by evidence over a query's topical words (see :mod:`searchlib.ranking`).

    Attributes:
        words: the topical words, distinct, in query order.
        pairs: adjacent topical words joined (``国务院`` ``新闻办`` -> ``国务院新闻办``).
        grams: the distinct character bigrams of the query's index form (letters, digits, Han).
        alternatives: ``(word, texts)``: other texts that count as that word where
            they occur exactly (its synonyms, :mod:`searchlib.synonyms`).
    """

    words: tuple[str, ...]
    pairs: tuple[str, ...] = ()
    grams: tuple[str, ...] = ()
    alternatives: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def others(self, word: str) -> tuple[str, ...]:
        """The texts that count as ``word`` besides itself."""
        return next((texts for w, texts in self.alternatives if w == word), ())


@attrs.frozen(eq=False)
class Plan:
    """One search, ready for a backend.

    Attributes:
        node: the query tree (None for related articles: ``weighted`` instead).
        filters: parts that must hold too (the search options as query parts).
        words: each Text node's words, in order: found side by side as whole
            words, they add to the score (:data:`searchlib.ranking.WHOLE_WORD_WEIGHT`).
        question: how to rank by topical words; None when the query must match exactly.
        ask: rank by ``question`` at once (the query reads as a question), instead
            of only when no article matches every term (a fallback, ``relaxed``).
        weighted: ``(word, weight)`` pairs scored as words (related articles).
        exclude: an article id never returned.
        folding: the index's folding (what the words and patterns are made with).
    """

    node: Node | None
    filters: tuple[Node, ...] = ()
    words: Mapping[Text, tuple[str, ...]] = attrs.Factory(dict)
    question: Question | None = None
    ask: bool = False
    weighted: tuple[tuple[str, float], ...] = ()
    exclude: str | None = None
    folding: Folding = SCRIPT

    def highlights(self, by_question: bool) -> Patterns:
        """What to mark in the results: the query's texts, or (ranked as a
        question) its topical words."""
        if self.node is None:
            return highlight_patterns([], [w for w, _ in self.weighted], self.folding)
        if by_question and self.question is not None:
            q = self.question
            others = [t for _, texts in q.alternatives for t in texts]
            return highlight_patterns([], (*q.pairs, *q.words, *others), self.folding)
        return highlight_patterns([self.node], (), self.folding)


def is_question(query: Query, profile: SegmenterProfile, folding: Folding = SCRIPT) -> bool:
    """Whether a query of words (and quotes) reads as a question or a sentence.

    The rule: outside its quotes, it holds a question word or particle (什么,
    哪, 谁, 如何, 为什么, 吗, 呢, 多少... :data:`searchlib.analysis.stopwords.QUESTION_WORDS`)
    or a mark that ends or splits a sentence (？！。，；). A query with operators
    or fields is never a question; quotes and brackets inside a question
    (``为什么它被称为“卫理公会”？``) mark terms and asides of it.
    """
    if not query.prose:
        return False
    free = [t.text for t in texts(query.node) if not t.quoted]
    if any(ch in SENTENCE_MARKS for text in free for ch in fold(text)):
        return True
    return any(w in QUESTION_WORDS for text in free for w, _, _ in word_spans(text, profile, folding))


def plan_search(query: Query, filters: Sequence[Node], profile: SegmenterProfile,
                folding: Folding = SCRIPT, typed: Query | None = None) -> Plan:
    """The plan of a search-box query with the given filters.

    A plain query gets a :class:`Question`: the ranking of a question at once,
    or, for keywords, the fallback when no article holds every term.
    ``typed``: the query as typed, when ``query`` is a rewriting of it (pinyin
    read as words): whether it reads as a question is decided by what was
    typed (``weihe`` is a word typed in pinyin, not the question word 为何).
    """
    node = query.node
    words = {t: tuple(w for w, _, _ in word_spans(t.text, profile, folding)) for t in texts(node)}
    question = None
    if query.prose:
        question = question_of([t.text for t in texts(node)], profile, folding)
    ask = question is not None and is_question(typed or query, profile, folding)
    if not (query.plain or ask):
        question = None  # quoted keywords are exact: no fallback
    return Plan(node=node, filters=tuple(filters), words=words, question=question,
                ask=ask, folding=folding)


def question_of(phrases: Sequence[str], profile: SegmenterProfile,
                folding: Folding = SCRIPT) -> Question | None:
    """The topical words, adjacent pairs and bigrams of ``phrases`` (None: no topical word)."""
    topical = topical_words(phrases, profile, folding)
    if not topical:
        return None
    keep = set(topical)
    pairs: list[str] = []
    grams: list[str] = []
    for text in phrases:
        spans = [w for w, _, _ in word_spans(text, profile, folding)]
        pairs += [a + b for a, b in zip(spans, spans[1:]) if a in keep and b in keep]
        folded = folding.word_form(text)
        grams += [folded[i:i + 2] for i in range(len(folded) - 1) if _GRAM.fullmatch(folded[i:i + 2])]
    return Question(words=tuple(topical), pairs=tuple(dict.fromkeys(pairs)),
                    grams=tuple(dict.fromkeys(grams)))


def plan_related(terms: Iterable[tuple[str, float]], exclude: str, folding: Folding = SCRIPT) -> Plan:
    """The plan of "articles related to ``exclude``": its key terms, weighted."""
    return Plan(node=None, weighted=tuple(terms), exclude=exclude, folding=folding)


def topical_words(phrases: Iterable[str], profile: SegmenterProfile, folding: Folding = SCRIPT) -> list[str]:
    """The distinct words of ``phrases`` that carry a topic (no marks, no function words)."""
    return list(dict.fromkeys(w for text in phrases for w, _, _ in word_spans(text, profile, folding)
                              if _WORDLIKE.search(w) and not is_stopword(w)))


def highlight_patterns(nodes: Iterable[Node], words: Iterable[str] = (),
                       folding: Folding = SCRIPT) -> Patterns:
    """field -> regex over the index form of a text marking what the given
    query parts match (their exact texts, as the folding matches them) and the
    given words."""
    patterns: dict[str, list[tuple[int, str]]] = {"title": [], "body": []}
    for node in nodes:
        for t in positive_texts(node):
            pattern = folding.query_pattern(t.text)
            for f in t.fields:
                patterns[f].append((len(pattern), pattern_source(pattern)))
    for w in words:
        pattern = folding.query_pattern(w)
        for f in patterns:
            patterns[f].append((len(pattern), pattern_source(pattern)))
    return {f: _regex(p) for f, p in patterns.items()}


def _regex(patterns: list[tuple[int, str]]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    ordered = sorted(set(patterns), key=lambda p: (-p[0], p[1]))  # longest alternative first
    return re.compile("|".join(source for _, source in ordered))
