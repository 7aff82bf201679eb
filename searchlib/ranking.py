"""Every ranking parameter, in one place.

Engines implement the scores described here; nothing else in searchlib holds
a ranking constant.
"""

from __future__ import annotations

__all__ = ["K1", "B", "TITLE_BOOST", "whole_word_bonus", "RELAX_MIN_WORDS", "RELAX_TEXT_WEIGHT",
           "RELATED_TERMS", "KEYWORD_TITLE_WEIGHT"]

#: BM25's term-frequency saturation and length normalization.
K1, B = 1.2, 0.75
#: A match in the title counts this many times a match in the body.
TITLE_BOOST = 2.0
#: A plain query falls back to partial matches only with this many topical words.
RELAX_MIN_WORDS = 3
#: In a partial-match fallback, a word found only as text (inside other words)
#: weighs this much of a word found as a word.
RELAX_TEXT_WEIGHT = 0.5
#: Key terms that define "related" for more_like_this().
RELATED_TERMS = 15
#: Key-term extraction counts a title word this many times.
KEYWORD_TITLE_WEIGHT = 2.0


def whole_word_bonus(text_lengths: list[int]) -> float:
    """The bonus of an article where a query's terms occur as whole words:
    more than any text score can add up to, so such articles rank first."""
    return 1000.0 + 100.0 * sum(text_lengths)
