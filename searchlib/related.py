"""Key terms of an article and articles related to it.

Key terms are the article's words scored by TF-IDF, the document frequencies
taken from the index itself (so a word common in this archive, like 总统 in
presidential press releases, ranks low, whatever its frequency in general
Chinese). Related articles are those sharing the most weight of those terms
(:func:`searchlib.plan.plan_related`).
"""

from __future__ import annotations

import math
from collections import defaultdict

from .analysis import SCRIPT, Folding, SegmenterProfile, word_spans
from .analysis.stopwords import is_stopword
from .backends.base import TermStats
from .models import Article
from .ranking import KEYWORD_TITLE_WEIGHT

__all__ = ["key_terms"]


def _candidate(word: str) -> bool:
    return (len(word) >= 2 and any(c.isalpha() for c in word) and not is_stopword(word))


def key_terms(article: Article, terms: TermStats, profile: SegmenterProfile, n: int = 10,
              folding: Folding = SCRIPT) -> list[tuple[str, str, float]]:
    """``(folded word, original text, score)`` of the article's best ``n`` terms."""
    tf: dict[str, float] = defaultdict(float)
    surface: dict[str, str] = {}
    for text, weight in ((article.title, KEYWORD_TITLE_WEIGHT), (article.body, 1.0)):
        for word, start, end in word_spans(text, profile, folding):
            if _candidate(word):
                tf[word] += weight
                surface.setdefault(word, text[start:end])
    n_docs = max(1, terms.doc_count())
    scored = []
    df = terms.word_frequencies(list(tf))
    for word, f in tf.items():
        idf = math.log(n_docs / (df[word] + 1)) + 1.0
        scored.append((word, surface[word], (1.0 + math.log(f)) * idf))
    scored.sort(key=lambda t: (-t[2], t[0]))
    return scored[:n]
