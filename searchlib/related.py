"""Key terms of an article and articles related to it.

Key terms are the article's words scored by TF-IDF, the document frequencies
taken from the index itself (so a word common in this archive, like 总统 in
presidential press releases, ranks low, whatever its frequency in general
Chinese). Related articles are those sharing the most weight of those terms.
"""

from __future__ import annotations

import math
from collections import Counter

from .analysis import SegmenterProfile, word_spans
from .analysis.stopwords import is_stopword
from .execute import Executor, Matches
from .models import Article

__all__ = ["key_terms", "related"]

TITLE_WEIGHT = 2.0


def _candidate(word: str) -> bool:
    return (len(word) >= 2 and any(c.isalpha() for c in word) and not is_stopword(word))


def key_terms(article: Article, ex: Executor, profile: SegmenterProfile, n: int = 10
              ) -> list[tuple[str, str, float]]:
    """``(folded word, original text, score)`` of the article's best ``n`` terms."""
    tf: Counter[str] = Counter()
    surface: dict[str, str] = {}
    for text, weight in ((article.title, TITLE_WEIGHT), (article.body, 1.0)):
        for word, start, end in word_spans(text, profile):
            if _candidate(word):
                tf[word] += weight
                surface.setdefault(word, text[start:end])
    reader = ex.searcher.reader()
    scored = []
    for word, f in tf.items():
        btext = word.encode("utf-8")
        df = max(reader.doc_frequency("body", btext), reader.doc_frequency("title", btext))
        idf = math.log(ex.n_docs / (df + 1)) + 1.0
        scored.append((word, surface[word], (1.0 + math.log(f)) * idf))
    scored.sort(key=lambda t: (-t[2], t[0]))
    return scored[:n]


def related(terms: list[tuple[str, str, float]], ex: Executor, exclude: int | None) -> Matches:
    """Articles scored by the weight of the given terms they contain as words."""
    scores: Matches = {}
    for word, _, weight in terms:
        for field in ("title", "body"):
            for doc, s in ex.bm25(field, ex.phrase_tf(field, [word]), weight).items():
                scores[doc] = scores.get(doc, 0.0) + s
    scores.pop(exclude, None)  # type: ignore[arg-type]
    return scores
