"""Collapsed searches and near-duplicate lists: NewsIndex's use of repost signatures.

The clustering itself is :mod:`searchlib.reposts` (pure functions of the
signatures); this module asks a backend for what it needs: the ranked matches
with their signatures, and the holders of band keys.
"""

from __future__ import annotations

from collections.abc import Sequence

from .backends.base import Backend, Found
from .errors import UsageError
from .models import Article
from .plan import Plan
from .reposts import band_keys, collapse, near, signature, similarity

__all__ = ["collapsed_search", "near_duplicates", "require_signed"]


def require_signed(backend: Backend) -> None:
    """Raise a clear error for an index built before repost signatures existed.

    Raises:
        UsageError: the index has no signatures; it says how to rebuild it.
    """
    if not backend.signed:
        where = backend.location if backend.location != ":memory:" else "DIR"
        raise UsageError(
            f"the index at {backend.location!r} was built before searchlib recognised reposts, so it "
            "holds no repost signatures: rebuild it once (NewsIndex.rebuild() or `searchlib rebuild "
            f"--index {where}`) to use collapse and similar()")


def collapsed_search(backend: Backend, plan: Plan, *, sort: str, start: int, stop: int,
                     facets: Sequence[str] = ()) -> tuple[Found, list[int]]:
    """Clusters ``start:stop`` of the matches of ``plan``, in ``sort`` order.

    Returns:
        A :class:`Found` whose total counts clusters and whose hits are their
        representatives (facets still count every match), and each hit's
        number of duplicates.

    Raises:
        UsageError: the index holds no repost signatures.
    """
    require_signed(backend)
    counts = backend.search(plan, sort=sort, start=0, stop=0, facets=facets)
    ranked = backend.ranked_signatures(plan, sort=sort)
    clusters = collapse([sig for _, _, sig in ranked])
    page = clusters[start:stop]
    articles = backend.get_many([ranked[pos][0] for pos, _ in page])
    hits: list[tuple[Article, float]] = []
    duplicates: list[int] = []
    for pos, dups in page:
        article_id, score, _ = ranked[pos]
        if article_id in articles:  # absent only if deleted since the ranking was read
            hits.append((articles[article_id], score))
            duplicates.append(dups)
    best = max((score for _, score, _ in ranked), default=0.0)
    return Found(total=len(clusters), hits=hits, facets=counts.facets, relaxed=counts.relaxed,
                 max_score=best), duplicates


def near_duplicates(backend: Backend, article: Article) -> list[tuple[Article, float]]:
    """The articles that are near-duplicates of ``article`` (not itself), with
    their similarity to it, most similar first (then by id).

    Raises:
        UsageError: the index holds no repost signatures.
    """
    require_signed(backend)
    sig = signature(article.title, article.body)
    found = [(similarity(sig, other), other_id)
             for other_id, other in backend.band_holders(band_keys(sig))
             if other_id != article.id and near(sig, other)]
    found.sort(key=lambda f: (-f[0], f[1]))
    articles = backend.get_many([other_id for _, other_id in found])
    return [(articles[other_id], sim) for sim, other_id in found if other_id in articles]
