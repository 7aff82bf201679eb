"""NewsIndex: a searchable collection of news articles, opened with :func:`open_index`.

``NewsIndex`` owns everything engine-neutral: validating options, paging,
planning (:mod:`.plan`), identity decisions (:mod:`.ingest`), highlighting,
suggestion policy, the analysis record. An engine behind the
:class:`~searchlib.backends.base.Backend` protocol stores and executes.
"""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import attrs

from . import config
from ._version import __version__
from .analysis import SegmenterProfile, fold, fold_version, read_user_dict
from .backends import open_backend
from .backends.base import SORTS, Backend, Found
from .complete import Surfaces, check_prefix, complete
from .dates import parse_date
from .duplicates import collapsed_search, near_duplicates
from .errors import AnalysisMismatchWarning, ArticleNotFoundError, IndexCorruptError, InvalidArticleError, UsageError
from .fields import FACET_FIELDS
from .highlight import highlight_whole, make_snippets
from .ingest import Record, iter_records, records_from_objects
from .ingest.identity import Identity, fingerprint
from .ingest.session import IngestSession, ProgressFn
from .models import Article, Hit, IngestReport, SearchResults, normalize_id, scrub
from .pinyin import PinyinCache, Readings, read_pinyin
from .plan import Patterns, Plan, plan_related, plan_search
from .query import All, DateSpan, Match, Node, Query, parse_query, positive_texts
from .ranking import RELATED_TERMS
from .related import key_terms
from .suggest import suggest
from .synonyms import Synonyms, check_groups, expand_plan, groups_of, read_synonyms, with_groups

__all__ = ["NewsIndex", "open_index", "DEFAULT_INDEX", "SORTS"]

DEFAULT_INDEX = config.DEFAULT_INDEX
#: Fewer matches than this, and search() looks for a corrected query...
FEW_HITS = 3
#: ...if no term of it is longer than this.
MAX_SUGGEST_CHARS = 6
#: The index format this version writes (``searchlib.json``'s ``format``), and the newest
#: it reads: 2 since rare terms' postings are inlined as varints, 3 since segments keep
#: their terms in searchlib's compact term table. An index of a newer format is refused
#: with a clear error rather than misread.
FORMAT = 3
#: Records of an ingest whose stored versions are looked up at once.
LOOKUP_BLOCK = 500
#: Every article (stats, date range).
_EVERYTHING = Plan(node=All(()))


def open_index(path: str | os.PathLike[str] | None = DEFAULT_INDEX, create: bool = False, *,
               user_words: Iterable[Any] = (), user_dict: str | os.PathLike[str] | None = None,
               lock_timeout: float = 10.0) -> NewsIndex:
    """Open the news index at ``path``, or create it.

    Args:
        path: a folder; ``None`` or ``":memory:"`` for an index in memory.
        create: create the index if there is none at ``path``.
        user_words: words the segmenter must know (``"援疆干部"`` or
            ``(word, frequency)``).
        user_dict: a user dictionary file in jieba's format (``word [freq] [tag]``).
            A new index is built with these words and records them; an existing
            index keeps the words it was built with, and if they differ from
            the ones given here an :class:`AnalysisMismatchWarning` says how to
            rebuild it with the new ones.
        lock_timeout: seconds a writer waits for another writer to finish.

    Returns:
        The open :class:`NewsIndex`.

    Raises:
        IndexNotFoundError: no index at ``path`` and ``create`` is false.
        IndexExistsError: ``create`` is true but ``path`` holds other files.
        IndexCorruptError: the index files cannot be read.
        DictionaryError: ``user_dict`` cannot be read or has a malformed line.
    """
    profile = make_profile(user_words, user_dict)
    backend, created = open_backend(path, create, profile, lock_timeout)
    index = NewsIndex(backend, created=created)
    if not created and profile.user_words and index.profile.user_words != profile.user_words:
        warnings.warn(
            f"the index at {backend.location!r} was built with {len(index.profile.user_words)} "
            f"user words, not the {len(profile.user_words)} given; it keeps its own until rebuilt: "
            f"NewsIndex.rebuild(user_words=...) or `searchlib rebuild --index {backend.location} "
            "--user-dict FILE`", AnalysisMismatchWarning, stacklevel=2)
    return index


def make_profile(user_words: Iterable[Any] = (), user_dict: str | os.PathLike[str] | None = None
                 ) -> SegmenterProfile:
    """The segmenter profile for these user words and dictionary file."""
    words = list(user_words)
    if user_dict is not None:
        words += read_user_dict(user_dict)
    return SegmenterProfile(user_words=tuple(words))


class NewsIndex:
    """A searchable collection of news articles.

    Safe to share between threads: searches may run concurrently and see each
    new commit; writes are serialized (one writer per index, across processes too).
    Use it as a context manager, or call :meth:`close`.
    """

    def __init__(self, backend: Backend, created: bool = False) -> None:
        self.backend = backend
        self._write_lock = threading.Lock()
        self._surfaces = Surfaces()
        self._pinyin = PinyinCache()
        self._check_meta()
        if created:
            with self._writing():  # records what builds the new index
                pass

    @property
    def path(self) -> str | None:
        """The index folder (None in memory; the URL for a cluster)."""
        location = self.backend.location
        return None if location == ":memory:" else location

    @property
    def profile(self) -> SegmenterProfile:
        """The segmentation that built (and queries) the index's words."""
        return self.backend.profile

    # ------------------------------------------------------------ lifecycle

    def __enter__(self) -> NewsIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<NewsIndex {self.backend.location}>"

    def close(self) -> None:
        """Release the index's resources. The object cannot be used afterwards."""
        self.backend.close()

    def _analysis_meta(self, profile: SegmenterProfile | None = None) -> dict[str, Any]:
        """What the index records about the analysis that builds it."""
        profile = profile or self.profile
        return {"format": FORMAT, "created_by": f"searchlib {__version__}", "segmenter": "jieba",
                "segmenter_fingerprint": profile.fingerprint(),
                "user_words": len(profile.user_words), "fold": fold_version()}

    def _check_meta(self) -> None:
        current = {k: v for k, v in self._analysis_meta().items()
                   if k not in ("format", "created_by")}
        meta = self.backend.read_meta()
        # recorded at the next write, never on a read; so is a newer format
        self._record_due = meta is None or meta.get("format", 1) < FORMAT
        if meta is None:
            return
        if meta.get("format", 1) > FORMAT:
            self.backend.close()
            raise IndexCorruptError(self.backend.location, (
                f"it was written by a newer searchlib ({meta.get('created_by', '?')}, index format "
                f"{meta['format']}; this is {__version__}, format {FORMAT}): upgrade searchlib to read it"))
        changed = [k for k, v in current.items() if meta.get(k) != v]
        if changed:
            warnings.warn(
                f"the index at {self.backend.location!r} was built with a different "
                f"{' and '.join(changed)} than this installation's; searches follow the "
                "index's own analysis until it is rebuilt: NewsIndex.rebuild() or `searchlib rebuild "
                f"--index {self.path or 'DIR'}`", AnalysisMismatchWarning, stacklevel=4)

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the write lock (this process's threads, then other processes'),
        and record the analysis if the index lacks the record."""
        with self._write_lock, self.backend.write_lock():
            if self._record_due:  # no record yet, or one of an older format: writes are newer
                meta = self.backend.read_meta()
                self.backend.write_meta(self._analysis_meta() if meta is None
                                        else {**meta, "format": FORMAT})
                self._record_due = False
            yield

    # ------------------------------------------------------------ reading

    def count(self) -> int:
        """Number of articles in the index."""
        return self.backend.count()

    def get(self, article_id: str | int) -> Article | None:
        """The article with this id, or None.

        Raises:
            UsageError: the id is not a string or an integer, or is empty.
        """
        return self.backend.get(_key(article_id))

    def __contains__(self, article_id: object) -> bool:
        try:
            key = normalize_id(article_id)
        except InvalidArticleError:
            return False
        return self.backend.get(key) is not None

    def ids(self) -> list[str]:
        """All article ids."""
        return self.backend.ids()

    def stats(self) -> dict[str, Any]:
        """Size, date range, sources and analysis settings of the index."""
        oldest = self.backend.search(_EVERYTHING, sort="oldest", start=0, stop=1,
                                     facets=("source",))
        newest = self.backend.search(_EVERYTHING, sort="newest", start=0, stop=1)
        first = oldest.hits[0][0].date if oldest.hits else None
        last = newest.hits[0][0].date if newest.hits else None
        engine = self.backend.stats()
        return {"path": self.backend.location, "articles": oldest.total,
                "bytes": engine.get("bytes", 0), "segments": engine.get("segments", 0),
                "first_date": first.isoformat() if first else None,
                "last_date": last.isoformat() if last else None,
                "sources": oldest.facets["source"], "engine": engine.get("engine"),
                **self._analysis_meta()}

    # ------------------------------------------------------------ writing

    def add(self, articles: Iterable[Article | Mapping[str, Any]], *, strict: bool = False,
            workers: int | None = None) -> IngestReport:
        """Add or update articles given as :class:`Article` objects or dicts.

        A record is stored under its id (given, or derived from its URL):
        added if new, updated if any field changed, left alone if not. A
        record known only by its text (no id, no URL) whose text is already
        indexed is skipped as a duplicate. Records that are not valid
        articles are reported in ``failed`` (``<records>:N``, N from 1).

        Raises:
            TypeError: ``articles`` is one article or dict, not a list of them.
            IngestError: with ``strict``, at the first invalid record.
            IndexLockedError: another writer holds the index.
        """
        if isinstance(articles, (Article, Mapping, str, bytes)):
            raise TypeError(f"add() takes a list of articles, not one {type(articles).__name__}; "
                            "wrap it in a list: add([article])")
        return self._ingest(records_from_objects(articles), strict=strict, workers=workers)

    def ingest(self, paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]], *,
               strict: bool = False, progress: ProgressFn | None = None,
               workers: int | None = None) -> IngestReport:
        """Ingest files and folders: raw crawled text, JSONL, JSON, CSV, and .gz of each.

        Args:
            paths: files or folders (read recursively).
            strict: stop at the first bad input (raising IngestError) instead
                of reporting it and going on.
            progress: called as ``progress(articles_done, bytes_read)``.
            workers: processes that analyse and write (default: one per core;
                inputs under a few MB are done in this process).

        Returns:
            What was added, updated, left unchanged, skipped and why anything failed.
        """
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        return self._ingest(iter_records(paths), strict=strict, progress=progress, workers=workers)

    def _ingest(self, records: Iterable[Record], *, strict: bool,
                progress: ProgressFn | None = None, workers: int | None = None) -> IngestReport:
        with self._writing():
            return _run_session(self.backend, records, strict=strict, progress=progress,
                                workers=workers)

    def delete(self, article_id: str | int) -> bool:
        """Delete the article with this id; True if there was one.

        Raises:
            UsageError: the id is not a string or an integer, or is empty.
        """
        key = _key(article_id)
        with self._writing():
            return self.backend.delete(key)

    def rebuild(self, *, user_words: Iterable[Any] | None = None,
                user_dict: str | os.PathLike[str] | None = None) -> IngestReport:
        """Re-analyze every article, with new user words or the current dictionary.

        Needed after changing the user dictionary (or upgrading jieba or the
        folding table). The new index is built beside the old one and swapped
        in when complete; searches keep working meanwhile.

        Args:
            user_words, user_dict: the new user dictionary (as for
                :func:`open_index`); both None keeps the current words.

        Raises:
            IndexLockedError: another writer holds the index.
        """
        if user_words is None and user_dict is None:
            profile = SegmenterProfile(user_words=self.profile.user_words, hmm=self.profile.hmm)
        else:
            profile = make_profile(user_words or (), user_dict)
        old = self.backend

        def fill(new: Backend) -> IngestReport:
            new.write_meta(with_groups(self._analysis_meta(profile), groups_of(old.read_meta())))
            everything = old.iter_matches(_EVERYTHING, sort="oldest")
            return _run_session(new, records_from_objects(everything), verbatim=True)

        with self._writing():
            report = old.rebuild(profile, fill)
        self._record_due = False
        return report

    def backup(self, dest: str | os.PathLike[str]) -> None:
        """Copy the index to folder ``dest`` (new or empty), consistently: the
        write lock is held meanwhile, so no commit happens half-copied.

        Raises:
            IndexExistsError: ``dest`` holds other files.
            IndexLockedError: a writer kept the lock past ``lock_timeout``.
            UsageError: the index is in memory.
        """
        with self._writing():
            self.backend.backup(dest)

    # ------------------------------------------------------------ synonyms

    def set_synonyms(self, groups: Sequence[Sequence[str]] | os.PathLike[str]) -> list[list[str]]:
        """Replace the index's synonym groups (``[]`` clears them); no rebuild.

        Every search from then on, in this process and in any other reading
        the index, finds any member of a group for a term that is a member
        (see :mod:`searchlib.synonyms`).

        Args:
            groups: a list of groups (``[["新冠", "武汉肺炎", "COVID-19"], ...]``),
                or a synonyms file as a ``pathlib.Path`` (:func:`searchlib.read_synonyms`;
                a plain string is never taken for a file name: text from a user
                must not open files).

        Returns:
            The groups as stored (members stripped).

        Raises:
            UsageError: a group is invalid (the message says which and why).
            IndexLockedError: another writer holds the index.
        """
        folding = self.backend.folding
        if isinstance(groups, os.PathLike):
            checked = read_synonyms(groups, folding)
        else:
            checked = check_groups(groups, folding)
        with self._writing():
            meta = self.backend.read_meta() or self._analysis_meta()
            self.backend.write_meta(with_groups(meta, checked))
        return checked

    def synonyms(self) -> list[list[str]]:
        """The index's synonym groups, as set (``[]``: none)."""
        return groups_of(self.backend.read_meta())

    def _synonyms(self) -> Synonyms | None:
        groups = groups_of(self.backend.read_meta())
        return Synonyms.of(groups, self.backend.folding) if groups else None

    # ------------------------------------------------------------ searching

    def search(self, q: str, *, limit: int = 10, page: int = 1, sort: str = "relevance",
               date_from: Any = None, date_to: Any = None, source: str | None = None,
               category: str | None = None, facets: Sequence[str] = (),
               snippets: int = 3, snippet_size: int = 120, collapse: bool = False) -> SearchResults:
        """Search the index.

        Args:
            q: the query (see :mod:`searchlib.query` for the language).
            limit: hits per page; page: which page, from 1.
            sort: ``"relevance"``, ``"newest"`` or ``"oldest"``.
            date_from, date_to: keep articles dated within (dates or ISO text; inclusive).
            source, category: keep articles of this source / category.
            facets: count matches by ``"source"``, ``"category"``, ``"year"``, ``"month"``.
            snippets: body fragments per hit; snippet_size: about how long each is.
            collapse: one hit per cluster of reposts (near-duplicates, see
                :mod:`searchlib.reposts`): the best-ranked of each, with
                ``hit.duplicates`` counting the others; ``total`` and pages
                count clusters, facets still count every match.

        Returns:
            :class:`SearchResults` with the exact total and this page's hits.

        Raises:
            QuerySyntaxError: the query cannot be parsed.
            UsageError: an option has a bad value, or ``collapse`` on an index
                built before repost signatures existed (rebuild it).
        """
        names = _check_options(limit, page, sort, facets)
        if not isinstance(collapse, bool):
            raise UsageError(f"collapse must be True or False, not {collapse!r}")
        typed, query, readings = self._parse(q)
        plan = plan_search(query, _filters(date_from, date_to, source, category), self.profile,
                           self.backend.folding, typed)
        plan = expand_plan(plan, self._synonyms(), self.profile)
        start, stop = (page - 1) * limit, page * limit
        duplicates: list[int] = []
        if collapse:
            found, duplicates = collapsed_search(self.backend, plan, sort=sort, start=start, stop=stop,
                                                 facets=names)
        else:
            found = self.backend.search(plan, sort=sort, start=start, stop=stop, facets=names)
        hits = _hits(found, plan, plan.highlights(plan.ask or found.relaxed), (page - 1) * limit + 1,
                     snippets, snippet_size)
        if duplicates:
            hits = [attrs.evolve(hit, duplicates=n) for hit, n in zip(hits, duplicates)]
        suggestion = (suggest(query.text, query.node, self.backend.terms(), self.backend.folding)
                      if _wants_suggestion(query, found.total, found.relaxed) else None)
        return SearchResults(query=query.text, total=found.total, hits=hits, page=page,
                             limit=limit, facets=found.facets, suggestion=suggestion,
                             relaxed=found.relaxed, pinyin=readings)

    def iter_search(self, q: str, *, sort: str = "relevance", date_from: Any = None,
                    date_to: Any = None, source: str | None = None,
                    category: str | None = None) -> Iterator[Article]:
        """Every article matching the search, best first (or in ``sort`` order),
        streamed: no page limit, articles read a few hundred at a time, all from
        the one commit current when iteration starts.

        Takes the query and filters of :meth:`search`; a plain query that
        matches nothing in full yields its partial matches, as search() does.

        Raises:
            QuerySyntaxError: the query cannot be parsed.
            UsageError: an option has a bad value.
        """
        _check_options(1, 1, sort, ())
        typed, query, _ = self._parse(q)
        plan = plan_search(query, _filters(date_from, date_to, source, category), self.profile,
                           self.backend.folding, typed)
        plan = expand_plan(plan, self._synonyms(), self.profile)
        return self.backend.iter_matches(plan, sort=sort)

    def _parse(self, q: str) -> tuple[Query, Query, Readings]:
        """The query as typed, and with its pinyin terms read as Han words
        (:mod:`searchlib.pinyin`), with what each was read as."""
        terms = self.backend.terms()
        folding = self.backend.folding
        typed = parse_query(scrub(q) if isinstance(q, str) else q)
        query, readings = read_pinyin(typed, terms, self._pinyin, folding,
                                      lambda words: self._surfaces.get(terms, words, folding))
        return typed, query, readings

    def complete(self, prefix: str, n: int = 10) -> list[str]:
        """Likely completions of the last term of ``prefix``, best first: the
        index's words that start with it (folded: ``總統`` completes as ``总统``
        does), by how many articles hold them (titles count more), each as
        the articles write it, after the text before that term as typed.
        See :mod:`searchlib.complete`.

        Returns:
            Up to ``n`` strings; none for an empty prefix or one ending in a space.

        Raises:
            UsageError: the prefix is not a string or is over 100 characters;
                ``n`` is not a whole number from 1 to 100.
        """
        check_prefix(prefix, n)
        return complete(self.backend.terms(), scrub(prefix), n, self.backend.folding, self._surfaces)

    def keywords(self, article_id: str, n: int = 10) -> list[str]:
        """The article's key terms, best first, as the article writes them.

        Raises:
            ArticleNotFoundError: no article has this id.
        """
        terms = key_terms(self._article(article_id), self.backend.terms(), self.profile, n,
                          self.backend.folding)
        return [surface for _, surface, _ in terms]

    def more_like_this(self, article_id: str, limit: int = 10, *, page: int = 1,
                       snippets: int = 3, snippet_size: int = 120) -> SearchResults:
        """Articles related to this one (not including it), best first.

        Related means sharing the article's key terms (see :meth:`keywords`);
        snippets mark those terms.

        Raises:
            ArticleNotFoundError: no article has this id.
        """
        _check_options(limit, page, "relevance", ())
        article = self._article(article_id)
        terms = key_terms(article, self.backend.terms(), self.profile, RELATED_TERMS, self.backend.folding)
        plan = plan_related([(w, score) for w, _, score in terms], exclude=article.id,
                            folding=self.backend.folding)
        found = self.backend.search(plan, sort="relevance", start=(page - 1) * limit,
                                    stop=page * limit)
        hits = _hits(found, plan, plan.highlights(False), (page - 1) * limit + 1, snippets, snippet_size)
        return SearchResults(query=f"related:{article.id}", total=found.total, hits=hits,
                             page=page, limit=limit)

    def similar(self, article_id: str | int, *, limit: int = 10, page: int = 1) -> SearchResults:
        """The article's near-duplicates (reposts), most similar first: hits whose
        ``score`` is the similarity to it (the share of equal MinHash values,
        an estimate of how much of their text they share), not the article itself.

        Raises:
            ArticleNotFoundError: no article has this id.
            UsageError: a bad option, or an index built before repost
                signatures existed (rebuild it).
        """
        _check_options(limit, page, "relevance", ())
        article = self._article(_key(article_id))
        found = near_duplicates(self.backend, article)
        first = (page - 1) * limit
        hits = [Hit(id=other.id, score=round(sim, 4), article=other, rank=rank)
                for rank, (other, sim) in enumerate(found[first:first + limit], first + 1)]
        return SearchResults(query=f"similar:{article.id}", total=len(found), hits=hits,
                             page=page, limit=limit)

    def _article(self, article_id: str) -> Article:
        article = self.get(article_id)
        if article is None:
            raise ArticleNotFoundError(str(article_id))
        return article


def _run_session(backend: Backend, records: Iterable[Record], *, strict: bool = False,
                 progress: ProgressFn | None = None, workers: int | None = None,
                 verbatim: bool = False) -> IngestReport:
    """One ingest into ``backend`` (whose write lock the caller holds).

    ``verbatim``: every record is written (a rebuild copies articles that are
    already distinct, duplicates of text included)."""
    known: dict[str, str | None] = {}  # id -> stored fingerprint, looked up a block at a time

    def stored(article_id: str) -> str | None:
        if article_id in known:
            return known[article_id]
        article = backend.get(article_id)
        return fingerprint(article) if article is not None else None

    def look_up(block: list[Record]) -> None:
        known.clear()
        ids = [rec.article.id for rec in block if rec.article is not None]
        found = backend.get_many(ids) if ids else {}
        known.update((key, fingerprint(found[key]) if key in found else None) for key in ids)

    identity = Identity(stored, backend.holders, skip_duplicates=not verbatim)
    session = IngestSession(backend.chunk_writer(workers or config.workers()), identity,
                            chunk_bytes=config.chunk_bytes(), strict=strict, progress=progress)
    return session.run(_in_blocks(records, LOOKUP_BLOCK, look_up))


def _in_blocks(records: Iterable[Record], size: int,
               before: Callable[[list[Record]], None]) -> Iterator[Record]:
    """``records`` again, ``before(block)`` called ahead of each block of ``size``.

    An error reading the input surfaces after the records read before it."""
    it = iter(records)
    while True:
        block: list[Record] = []
        error: BaseException | None = None
        try:
            for rec in it:
                block.append(rec)
                if len(block) == size:
                    break
        except Exception as exc:  # the input's own error, raised in its place below
            error = exc
        if block:
            before(block)
        yield from block
        if error is not None:
            raise error
        if len(block) < size:
            return


def _hits(found: Found, plan: Plan, patterns: Patterns, first_rank: int, snippets: int,
          snippet_size: int) -> list[Hit]:
    """The page's hits, highlighted; scores relative to the best match (in (0, 1])."""
    best = found.max_score or 1.0
    form = plan.folding.index_form
    return [Hit(id=article.id, score=round(score / best, 4), article=article, rank=rank,
                snippets=tuple(make_snippets(article.body, patterns["body"], snippets, snippet_size, form)),
                title=highlight_whole(article.title, patterns["title"], form))
            for rank, (article, score) in enumerate(found.hits, first_rank)]


def _wants_suggestion(query: Query, total: int, relaxed: bool) -> bool:
    """Nothing found (or only partial matches), or little for a short unquoted query.

    Typos are corrected in terms of a few characters; a long phrase or a
    question found rarely or only in part is not a typo."""
    lengths = [len(fold(t.text)) for t in positive_texts(query.node)]
    if not lengths or max(lengths) > MAX_SUGGEST_CHARS:
        return False
    if relaxed or not total:
        return True
    if all(t.quoted for t in positive_texts(query.node)):
        return False  # the very text asked for is there: quotes say it is meant so
    return total < FEW_HITS and max(lengths) <= 4


def _key(article_id: object) -> str:
    """An id given to get/delete, normalized as on ingest."""
    try:
        return normalize_id(article_id)
    except InvalidArticleError as exc:
        raise UsageError(str(exc)) from None


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_options(limit: object, page: object, sort: object, facets: object) -> tuple[str, ...]:
    """Check the paging, sort and facet options; returns the facets as a tuple."""
    if not _whole(limit) or not 1 <= limit <= 1000:  # type: ignore[operator]
        raise UsageError(f"limit must be a whole number from 1 to 1000, not {limit!r}")
    if not _whole(page) or page < 1:  # type: ignore[operator]
        raise UsageError(f"page must be a whole number from 1, not {page!r}")
    if sort not in SORTS:
        raise UsageError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    names = (facets,) if isinstance(facets, str) else facets
    if not isinstance(names, (list, tuple, set, frozenset)):
        raise UsageError(f"facets must be a name or a list of names from {', '.join(FACET_FIELDS)}, "
                         f"not {facets!r}")
    unknown = [f for f in names if f not in FACET_FIELDS]
    if unknown:
        raise UsageError(f"unknown facet {unknown[0]!r}; facets: {', '.join(FACET_FIELDS)}")
    return tuple(names)


def _bound(day: Any, time_of_day: Any) -> Any:
    """A date range bound as a datetime: a day starts at 00:00 and ends at 23:59:59.999999."""
    import datetime as dt

    if isinstance(day, dt.date) and not isinstance(day, dt.datetime):
        return dt.datetime.combine(day, time_of_day)
    return day


def _filters(date_from: Any, date_to: Any, source: str | None, category: str | None) -> list[Node]:
    """The search() filter options as required query parts."""
    import datetime as dt

    parts: list[Node] = []
    if date_from is not None or date_to is not None:
        try:
            lo, hi = parse_date(date_from), parse_date(date_to)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        parts.append(DateSpan(_bound(lo, dt.time()), _bound(hi, dt.time.max)))
    if source:
        parts.append(Match("source", source.strip()))
    if category:
        parts.append(Match("category", category.strip()))
    return parts
