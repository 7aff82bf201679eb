"""Every ranking parameter, and the scores they make, in one place.

Engines implement the scores described here; nothing else holds a ranking constant.

**BM25** (Lucene's form, so that every engine computes the same numbers): a term
found ``f`` times in a field of length ``l`` (average ``avg``) scores
``idf * f * (K1 + 1) / (f + K1 * (1 - B + B * l / avg))``, with
``idf = ln(1 + (N - n + 0.5) / (n + 0.5))`` for ``n`` of the ``N`` articles holding
it. A title match counts :data:`TITLE_BOOST` times a body match.

**Keywords** (``援疆 干部``, ``"国家安全"``): every term must match as exact text.
Each term scores BM25 of its exact occurrences (character bigrams) plus
:data:`WHOLE_WORD_WEIGHT` times BM25 of its occurrences as whole words (jieba's
words of the term, side by side): whole words are evidence, not a tier.

**Questions** (and keywords that found nothing in full, ``relaxed``): any topical
word may match; an article scores, over the topical words it holds,
BM25 as a word + :data:`EXACT_WEIGHT` x BM25 as exact text (words the segmenter
cut differently in the article), + :data:`PAIR_WEIGHT` x BM25 of adjacent topical
words found side by side + :data:`GRAM_WEIGHT` x BM25 of the question's character
bigrams, all times ``(idf of the topical words it holds / idf of all) **``
:data:`COVERAGE_EXPONENT`.

Reported scores are divided by the best score of the same search: the best
match scores 1.0, every score is in (0, 1], comparable within one result list.

Tuned on the DRCD tuning half only (``python bench/relevance.py``); the other sets
are reported, never tuned on.
"""

from __future__ import annotations

import math

__all__ = ["K1", "B", "TITLE_BOOST", "WHOLE_WORD_WEIGHT", "EXACT_WEIGHT", "PAIR_WEIGHT",
           "GRAM_WEIGHT", "COVERAGE_EXPONENT", "idf", "RELATED_TERMS", "KEYWORD_TITLE_WEIGHT"]

#: BM25's term-frequency saturation and length normalization.
K1, B = 1.2, 0.75
#: A match in the title counts this many times a match in the body.
TITLE_BOOST = 2.0
#: Keywords: a term found as whole words adds this much of its BM25 as words.
WHOLE_WORD_WEIGHT = 1.0
#: Questions: a topical word found as exact text (inside other words too).
EXACT_WEIGHT = 0.25
#: Questions: two adjacent topical words found side by side.
PAIR_WEIGHT = 0.5
#: Questions: each distinct character bigram of the question.
GRAM_WEIGHT = 1.0
#: Questions: how strongly holding more of the topical words counts.
COVERAGE_EXPONENT = 0.5
#: Key terms that define "related" for more_like_this().
RELATED_TERMS = 15
#: Key-term extraction counts a title word this many times.
KEYWORD_TITLE_WEIGHT = 2.0


def idf(n: int, total: int) -> float:
    """BM25's inverse document frequency of a term held by ``n`` of ``total`` articles."""
    return math.log(1.0 + (total - n + 0.5) / (n + 0.5))
