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

from .analysis import fold
from .execute import Executor
from .query import Node, positive_texts

__all__ = ["suggest"]

#: A correction must occur in this many times as many articles as the term
#: it replaces (in at least one when the term occurs in none).
FACTOR = 10
MAX_CANDIDATES = 24
_FIELD = "body_ng"


def _count(ex: Executor, text: str) -> int:
    docs: set[int] = set()
    for field in ("title_ng", "body_ng"):
        docs.update(ex.exact_tf(field, text))
    return len(docs)


def _followers(ex: Executor, char: str) -> dict[str, int]:
    """Characters seen right after ``char``, with how many articles show the pair."""
    out: dict[str, int] = {}
    for reader, _ in ex.leaves:
        for btext in reader.expand_prefix(_FIELD, char):
            gram = btext.decode("utf-8") if isinstance(btext, bytes) else btext
            if len(gram) == 2 and gram[1].isalnum():
                out[gram[1]] = out.get(gram[1], 0) + reader.doc_frequency(_FIELD, btext)
    return out


def _has(ex: Executor, gram: str) -> bool:
    btext = gram.encode("utf-8")
    return any((_FIELD, btext) in reader for reader, _ in ex.leaves)


def _substitutions(ex: Executor, m: str) -> list[str]:
    """``m`` with one character replaced by one the index shows after its left
    neighbour (and before its right one), likeliest pairs first."""
    scored: list[tuple[int, str]] = []
    for i in range(1, len(m)):
        for c, df in _followers(ex, m[i - 1]).items():
            if c != m[i] and (i + 1 == len(m) or _has(ex, c + m[i + 1])):
                scored.append((df, m[:i] + c + m[i + 1:]))
    scored.sort(key=lambda t: -t[0])
    return [cand for _, cand in scored[:MAX_CANDIDATES]]


def _deletions(m: str) -> list[str]:
    """``m`` without one of its inner characters (dropping an end would only
    widen the search to a prefix or suffix)."""
    return [m[:i] + m[i + 1:] for i in range(1, len(m) - 1)] if len(m) > 2 else []


def _correct(ex: Executor, text: str) -> tuple[str, int] | None:
    m = fold(text)
    if len(m) < 2 or not any(ch.isalnum() for ch in m):
        return None
    need = max(1, FACTOR * _count(ex, m))
    for candidates in (_substitutions(ex, m), _deletions(m)):
        best: tuple[str, int] | None = None
        for cand in candidates:
            hits = _count(ex, cand)
            if hits >= need and (best is None or hits > best[1]):
                best = (cand, hits)
        if best is not None:
            return best
    return None


def _surface(ex: Executor, folded: str) -> str:
    """The correction as an article actually writes it (folding is one-way)."""
    for doc in ex.exact_tf(_FIELD, folded):
        body = ex.searcher.stored_fields(doc).get("body", "")
        at = fold(body).find(folded)
        if at >= 0:
            return str(body[at:at + len(folded)])
    return folded


def suggest(query: str, node: Node, ex: Executor) -> str | None:
    """A corrected query string, or None when no term has a likely correction."""
    corrected = query
    changed = False
    for t in positive_texts(node):
        fix = _correct(ex, t.text)
        if fix is not None and t.text in corrected:
            corrected = corrected.replace(t.text, _surface(ex, fix[0]), 1)
            changed = True
    return corrected if changed else None
