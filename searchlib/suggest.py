"""Did-you-mean for queries that find nothing or little.

Chinese typos are mostly a wrong character (a homophone, a look-alike) or one
too many. For a query term that is rare in the index, candidates replace one
character by one that the index's character bigrams show next to the
neighbouring characters, or drop one character; the candidate occurring in
the most articles wins if it occurs in many more than the term itself.
Traditional/simplified and width variants need no suggestion: folding
already matches them.
"""

from __future__ import annotations

from .analysis import SCRIPT, Folding
from .backends.base import TermStats
from .query import Node, positive_texts

__all__ = ["suggest"]

#: A correction must occur in this many times as many articles as the term
#: it replaces (in at least one when the term occurs in none).
FACTOR = 10
MAX_CANDIDATES = 24


def _substitutions(terms: TermStats, m: str) -> list[str]:
    """``m`` with one character replaced by one the index shows after its left
    neighbour (and before its right one), likeliest pairs first."""
    options: list[tuple[int, int, str]] = []  # (pair's articles, position, character)
    for i in range(1, len(m)):
        options += [(df, i, c) for c, df in terms.next_chars(m[i - 1]).items() if c != m[i]]
    options.sort(key=lambda t: -t[0])
    out: list[str] = []
    for _, i, c in options:  # likeliest first: the right pair is checked only until enough
        if i + 1 == len(m) or terms.has_pair(c + m[i + 1]):
            out.append(m[:i] + c + m[i + 1:])
            if len(out) == MAX_CANDIDATES:
                break
    return out


def _deletions(m: str) -> list[str]:
    """``m`` without one of its inner characters (dropping an end would only
    widen the search to a prefix or suffix)."""
    return [m[:i] + m[i + 1:] for i in range(1, len(m) - 1)] if len(m) > 2 else []


def _correct(terms: TermStats, text: str, folding: Folding) -> tuple[str, int] | None:
    m = folding.word_form(text)
    if len(m) < 2 or not any(ch.isalnum() for ch in m):
        return None
    need = max(1, FACTOR * terms.text_frequency(m))
    for candidates in (_substitutions(terms, m), _deletions(m)):
        best = _most_frequent(terms, candidates, need)
        if best is not None:
            return best
    return None


def _most_frequent(terms: TermStats, candidates: list[str], need: int) -> tuple[str, int] | None:
    """The candidate held by the most articles (the earliest of equals), if by ``need``
    at least. Where the engine bounds frequencies cheaply, candidates are counted
    from the highest bound down, and only while one could still win."""
    bounds = terms.text_frequency_bounds(candidates)
    if bounds is None:
        counted = terms.text_frequencies(candidates)
    else:
        counted = {}
        top = need  # what a candidate must reach to be chosen, or to tie the best so far
        for cand in sorted(dict.fromkeys(candidates), key=lambda c: -bounds[c]):
            if bounds[cand] < top:
                break  # the bounds left are lower still
            counted[cand] = terms.text_frequency(cand)
            top = max(top, counted[cand])
    best: tuple[str, int] | None = None
    for cand in candidates:
        hits = counted.get(cand, 0)
        if hits >= need and (best is None or hits > best[1]):
            best = (cand, hits)
    return best


def _surface(terms: TermStats, folded: str, folding: Folding) -> str:
    """The correction as an article actually writes it (folding is one-way)."""
    article = terms.example(folded)
    if article is not None:
        for text in (article.body, article.title):
            at = folding.word_form(text).find(folded)
            if at >= 0:
                return text[at:at + len(folded)]
    return folded


def suggest(query: str, node: Node, terms: TermStats, folding: Folding = SCRIPT) -> str | None:
    """A corrected query string, or None when no term has a likely correction."""
    corrected = query
    changed = False
    for t in positive_texts(node):
        fix = _correct(terms, t.text, folding)
        if fix is not None and t.text in corrected:
            corrected = corrected.replace(t.text, _surface(terms, fix[0], folding), 1)
            changed = True
    return corrected if changed else None
