"""What :class:`~searchlib.NewsIndex` needs from a search engine.

A backend stores articles and executes plans; it decides nothing. Everything
engine-neutral stays in ``NewsIndex``: validating options, paging, planning
(:mod:`searchlib.plan`), identity decisions (:mod:`searchlib.ingest`),
highlighting, suggestion policy. A backend module may import its engine;
nothing outside ``searchlib/backends/<engine>/`` does.

Two backends implement this protocol: ``backends/whoosh`` (a folder, or
memory) and ``backends/opensearch`` (a cluster). ``tests/backends/`` states what
any backend must do and runs on each.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

import attrs

from ..analysis import Folding, SegmenterProfile
from ..ingest.session import ChunkWriter
from ..models import Article, IngestReport
from ..plan import Plan

__all__ = ["Backend", "Found", "TermStats", "SORTS"]

#: Orders a backend can return matches in.
SORTS = ("relevance", "newest", "oldest")


@attrs.frozen
class Found:
    """What a backend found for a plan: one page of it, and counts over all of it.

    Attributes:
        total: how many articles match (exact).
        hits: ``(article, score)`` of the requested slice, in order.
        facets: facet name -> {value: matches}, over all matches, largest first.
        relaxed: no article matched every term: the plan's question ranked
            the articles that hold some of them.
        max_score: the best score of all matches (0.0 when none).
    """

    total: int
    hits: list[tuple[Article, float]]
    facets: dict[str, dict[str, int]] = attrs.Factory(dict)
    relaxed: bool = False
    max_score: float = 0.0


class TermStats(Protocol):
    """Statistics of the index's text, for suggestions and key terms."""

    def doc_count(self) -> int:
        """Articles in the index."""

    def word_frequency(self, word: str) -> int:
        """Articles holding ``word`` (folded) as a word, in the title or the body."""

    def text_frequency(self, text: str) -> int:
        """Articles holding ``text`` anywhere (exact text, after folding)."""

    def word_frequencies(self, words: Sequence[str]) -> dict[str, int]:
        """:meth:`word_frequency` of each of ``words`` (one round trip where the engine is remote)."""

    def text_frequencies(self, texts: Sequence[str]) -> dict[str, int]:
        """:meth:`text_frequency` of each of ``texts`` (one round trip where the engine is remote)."""

    def text_frequency_bounds(self, texts: Sequence[str]) -> dict[str, int] | None:
        """For each of ``texts``, at least its :meth:`text_frequency`, read from term
        statistics alone (cheap); None where the engine cannot (then texts are counted
        in one batch)."""

    def next_chars(self, char: str) -> dict[str, int]:
        """Characters seen right after ``char`` (folded), with how many articles show the pair."""

    def has_pair(self, pair: str) -> bool:
        """Whether any article holds the two folded characters ``pair`` side by side."""

    def example(self, text: str) -> Article | None:
        """An article holding ``text`` (to show a correction as articles write it)."""

    def iter_words(self, prefix: str = "") -> Iterator[tuple[str, int, int]]:
        """Every word the index holds that starts with ``prefix`` (folded), as
        ``(word, articles with it in a title, articles with it in a body)``, in
        no set order. Words are the index's own (folded) words; marks and
        symbols are not words here. Counts are exact (deleted articles never count)."""

    def word_examples(self, words: Sequence[str], k: int) -> dict[str, list[tuple[str, str]]]:
        """``(title, body)`` of up to ``k`` articles holding each (folded) word as a
        word, in the title or the body (to show a word as articles write it)."""

    def state(self) -> Hashable:
        """A value that changes whenever the index's text does (a commit, a
        delete): what caches of these statistics are keyed on."""


class Backend(Protocol):
    """A store of articles that executes :class:`~searchlib.plan.Plan` objects.

    Reads see the latest commit and may run in many threads at once. Writes
    happen only inside :meth:`write_lock`, which also excludes other processes.
    """

    #: where the index lives, for messages: a folder, ``":memory:"`` or a URL
    location: str
    #: the segmentation that built the index's words
    profile: SegmenterProfile
    #: how the index folds text (words, bigrams, patterns, facet values)
    folding: Folding
    #: whether the index stores repost signatures (:mod:`searchlib.reposts`);
    #: indexes built before they existed have none until rebuilt
    signed: bool

    # -------------------------------------------------------- reading

    def count(self) -> int:
        """Articles in the index."""

    def ids(self) -> list[str]:
        """Every article id."""

    def get(self, article_id: str) -> Article | None:
        """The article stored under ``article_id``, or None."""

    def get_many(self, article_ids: Sequence[str]) -> dict[str, Article]:
        """The stored articles of ``article_ids`` (absent ids left out; one round trip
        where the engine is remote)."""

    def holders(self, digest: str) -> list[str]:
        """Ids of the articles whose content digest is ``digest``."""

    def search(self, plan: Plan, *, sort: str, start: int, stop: int,
               facets: Sequence[str] = ()) -> Found:
        """Execute ``plan``: matches ``start:stop`` in ``sort`` order, and facet counts."""

    def iter_matches(self, plan: Plan, *, sort: str) -> Iterator[Article]:
        """Every match of ``plan`` in ``sort`` order, streamed (bounded memory)."""

    def ranked_signatures(self, plan: Plan, *, sort: str) -> list[tuple[str, float, bytes]]:
        """Every match of ``plan`` in ``sort`` order as ``(id, score, repost signature)``
        (the fallback's matches when the plan's own find nothing, as :meth:`search`)."""

    def band_holders(self, keys: Sequence[str]) -> list[tuple[str, bytes]]:
        """``(id, repost signature)`` of the articles holding any of these LSH band keys."""

    def terms(self) -> TermStats:
        """Statistics of the index's text as it is now."""

    def stats(self) -> dict[str, Any]:
        """Engine facts for ``NewsIndex.stats()``: size in bytes, segments or shards..."""

    # -------------------------------------------------------- writing

    def write_lock(self) -> AbstractContextManager[None]:
        """Hold the index's write lock (across processes); raises ``IndexLockedError``."""

    def chunk_writer(self, workers: int) -> ChunkWriter:
        """A writer for one ingest session (inside :meth:`write_lock`)."""

    def delete(self, article_id: str) -> bool:
        """Delete one article (inside :meth:`write_lock`); True if it was there."""

    def rebuild(self, profile: SegmenterProfile,
                fill: Callable[[Backend], IngestReport]) -> IngestReport:
        """Build a new index analysed with ``profile``, filled by ``fill`` while
        this one keeps answering, and swap it in (inside :meth:`write_lock`)."""

    def backup(self, dest: str | os.PathLike[str]) -> None:
        """Copy the index to ``dest`` consistently (inside :meth:`write_lock`)."""

    # -------------------------------------------------------- analysis record

    def read_meta(self) -> dict[str, Any] | None:
        """What the index records about the analysis that built it, or None."""

    def write_meta(self, meta: dict[str, Any]) -> None:
        """Record ``meta`` (inside :meth:`write_lock`)."""

    def close(self) -> None:
        """Release the engine's resources."""
