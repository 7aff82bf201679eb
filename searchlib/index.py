"""NewsIndex: a Whoosh index of news articles, opened with :func:`open_index`."""

from __future__ import annotations

import os
import shutil
import threading
import time
import warnings
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh.searching import Searcher
from whoosh.util import filelock

from ._version import __version__
from .analysis import SegmenterProfile, fold, fold_version, read_user_dict
from .dates import parse_date
from .errors import (
    AnalysisMismatchWarning,
    ArticleNotFoundError,
    IndexExistsError,
    IndexLockedError,
    IndexNotFoundError,
    InvalidArticleError,
    SearchlibError,
    UsageError,
)
from .execute import Executor
from .highlight import highlight_whole, make_snippets
from .ingest import Record, iter_records, records_from_objects
from .models import Article, Hit, IngestReport, SearchResults, normalize_id, scrub
from . import config
from .pipeline import Committer
from .query import DateSpan, Match, Node, highlight_patterns, parse_query, positive_texts
from .related import key_terms, related
from .ingest.identity import Identity, fingerprint
from .ingest.session import IngestSession, ProgressFn
from .schema import FACET_FIELDS, from_stored
from .store import (
    HOLDER_FILE,
    clear_holder,
    create_whoosh,
    open_whoosh,
    read_holder,
    read_meta,
    rebuild_folder,
    swap_in,
    write_holder,
    write_meta,
)
from .suggest import suggest
from .whoosh_private import segment_count
from .writer import FastSegmentWriter

__all__ = ["NewsIndex", "open_index", "DEFAULT_INDEX", "SORTS"]

DEFAULT_INDEX = config.DEFAULT_INDEX
SORTS = ("relevance", "newest", "oldest")
try_for = filelock.try_for
#: Fewer matches than this, and search() looks for a corrected query...
FEW_HITS = 3
#: ...if no term of it is longer than this.
MAX_SUGGEST_CHARS = 6
#: Key terms that define "related" for more_like_this().
RELATED_TERMS = 15


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
        DictionaryError: ``user_dict`` has a malformed line.
    """
    profile = make_profile(user_words, user_dict)
    asked = bool(profile.user_words)
    if path is None or str(path) == ":memory:":
        return NewsIndex(create_whoosh(None, profile), None, lock_timeout, created=True)
    folder = str(path)
    try:
        ix = open_whoosh(folder)
    except IndexNotFoundError:
        if not create:
            raise
        return NewsIndex(create_whoosh(folder, profile), folder, lock_timeout, created=True)
    index = NewsIndex(ix, folder, lock_timeout)
    if asked and index.profile.user_words != profile.user_words:
        warnings.warn(
            f"the index at {folder!r} was built with {len(index.profile.user_words)} user words, "
            f"not the {len(profile.user_words)} given; it keeps its own until rebuilt: "
            f"NewsIndex.rebuild(user_words=...) or `searchlib rebuild --index {folder} --user-dict FILE`",
            AnalysisMismatchWarning, stacklevel=2)
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

    def __init__(self, ix: windex.Index, path: str | None, lock_timeout: float = 10.0,
                 created: bool = False) -> None:
        self._ix = ix
        self.path = path
        self.lock_timeout = lock_timeout
        self.profile: SegmenterProfile = ix.schema["title"].analyzer.profile
        self._local = threading.local()
        self._searchers: weakref.WeakSet[Searcher] = weakref.WeakSet()
        self._searchers_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._closed = False
        self._epoch = 0  # bumped when rebuild() swaps in a new index
        self._check_meta()
        if created:
            with self._locked():  # records what builds the new index
                pass

    # ------------------------------------------------------------ lifecycle

    def __enter__(self) -> NewsIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<NewsIndex {self.path or ':memory:'}>"

    def close(self) -> None:
        """Release the index's files. The object cannot be used afterwards."""
        self._closed = True
        with self._searchers_lock:
            searchers, self._searchers = list(self._searchers), weakref.WeakSet()
        for s in searchers:
            if not s.is_closed:
                s.close()

    def _analysis_meta(self) -> dict[str, Any]:
        return {"segmenter": "jieba", "segmenter_fingerprint": self.profile.fingerprint(),
                "user_words": len(self.profile.user_words), "fold": fold_version()}

    def _check_meta(self) -> None:
        current = self._analysis_meta()
        meta = read_meta(self._ix)
        self._meta_missing = meta is None  # recorded at the next write, never on a read
        if meta is None:
            return
        changed = [k for k, v in current.items() if meta.get(k) != v]
        if changed:
            warnings.warn(
                f"the index at {self.path!r} was built with a different "
                f"{' and '.join(changed)} than this installation's; searches may miss "
                "articles until it is rebuilt: NewsIndex.rebuild() or `searchlib rebuild "
                f"--index {self.path or 'DIR'}`", AnalysisMismatchWarning, stacklevel=3)

    def _record_meta(self) -> None:
        if self._meta_missing:
            write_meta(self._ix, {"format": 1, "created_by": f"searchlib {__version__}",
                                  **self._analysis_meta()})
            self._meta_missing = False

    def _searcher(self) -> Searcher:
        """This thread's searcher, renewed when the index has a new commit.

        Each thread has its own (Whoosh searchers are not shared safely), and
        a stale one is closed and replaced rather than "refreshed": Whoosh's
        refresh closes readers it then still hands out.
        """
        if self._closed:
            raise SearchlibError("this NewsIndex is closed")
        s: Searcher | None = getattr(self._local, "searcher", None)
        if s is not None and self._local.epoch == self._epoch and s.up_to_date():
            return s
        if s is not None:
            self._release(s)
        s = self._ix.searcher()
        with self._searchers_lock:
            self._searchers.add(s)
        self._local.searcher, self._local.epoch = s, self._epoch
        return s

    def _release(self, s: Searcher) -> None:
        with self._searchers_lock:
            self._searchers.discard(s)
        if not s.is_closed:
            s.close()

    # ------------------------------------------------------------ reading

    def count(self) -> int:
        """Number of articles in the index."""
        return int(self._searcher().doc_count())

    def get(self, article_id: str | int) -> Article | None:
        """The article with this id, or None.

        Raises:
            UsageError: the id is not a string or an integer, or is empty.
        """
        stored = self._searcher().document(id=_key(article_id))
        return from_stored(stored) if stored else None

    def __contains__(self, article_id: object) -> bool:
        try:
            key = normalize_id(article_id)
        except InvalidArticleError:
            return False
        return self._searcher().document_number(id=key) is not None

    def ids(self) -> list[str]:
        """All article ids, in index order."""
        return [d["id"] for d in self._searcher().all_stored_fields()]

    def stats(self) -> dict[str, Any]:
        """Size, date range, sources and analysis settings of the index."""
        ex = self._executor()
        everything = dict.fromkeys(ex.live_docs(), 0.0)
        sources = dict(ex.facet_counts(everything, "source").most_common())
        dated = ex.top(everything, 1, "oldest") + ex.top(everything, 1, "newest")
        dates = [from_stored(ex.searcher.stored_fields(d)).date for d, _ in dated]
        first, last = (dates[0], dates[1]) if dates and all(dates) else (None, None)
        storage = self._ix.storage
        size = sum(storage.file_length(name) for name in storage.list())
        return {"path": self.path or ":memory:", "articles": len(everything), "bytes": size,
                "segments": segment_count(self._ix),
                "first_date": first.isoformat() if first else None,
                "last_date": last.isoformat() if last else None,
                "sources": sources, **self._analysis_meta()}

    # ------------------------------------------------------------ writing

    def add(self, articles: Iterable[Article | Mapping[str, Any]], *, strict: bool = False,
            workers: int | None = None) -> IngestReport:
        """Add or update articles given as :class:`Article` objects or dicts.

        An article whose id is already indexed is updated if its text changed
        and left alone if not; one whose text is already indexed under another
        id is skipped as a duplicate. Records that are not valid articles are
        reported in ``failed`` (``<records>:N``, N counting from 1).

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
                progress: ProgressFn | None = None, workers: int | None = None,
                verbatim: bool = False) -> IngestReport:
        """Ingest ``records``; ``verbatim``: every one is written (a rebuild
        copies articles that are already distinct, duplicates of text included)."""
        with self._write_lock, self._locked(), self._ix.searcher() as searcher:
            def stored(article_id: str) -> str | None:
                doc = searcher.document(id=article_id)
                return fingerprint(from_stored(doc)) if doc else None

            def holders(digest: str) -> list[str]:
                return [d["id"] for d in searcher.documents(digest=digest)]

            session = IngestSession(Committer(self._ix, self.path, workers or config.workers()),
                                    Identity(stored, holders, skip_duplicates=not verbatim),
                                    chunk_bytes=config.chunk_bytes(), strict=strict,
                                    progress=progress)
            return session.run(records)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the index's write lock (shared with other processes).

        The lock is an OS file lock, released when its holder dies, so a
        killed writer never blocks the next one; while held, a note says who
        holds it, for the error another writer gets after ``lock_timeout``.
        """
        lock = self._ix.lock("WRITELOCK")
        if not try_for(lock.acquire, timeout=self.lock_timeout, delay=0.05):
            raise IndexLockedError(self.path or ":memory:", self.lock_timeout,
                                   read_holder(self._ix))
        try:
            write_holder(self._ix)
            self._record_meta()
            yield
        finally:
            clear_holder(self._ix)
            lock.release()

    def delete(self, article_id: str | int) -> bool:
        """Delete the article with this id; True if there was one.

        Raises:
            UsageError: the id is not a string or an integer, or is empty.
        """
        key = _key(article_id)
        with self._write_lock, self._locked():
            if self._searcher().document_number(id=key) is None:
                return False
            writer = FastSegmentWriter(self._ix, _lk=False)
            writer.delete_by_term("id", key)
            writer.commit()
            return True

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
        with self._write_lock, self._locked():
            if self.path is not None:
                shutil.rmtree(rebuild_folder(self.path), ignore_errors=True)
            target = None if self.path is None else str(rebuild_folder(self.path))
            new = NewsIndex(create_whoosh(target, profile), target, self.lock_timeout, created=True)
            with self._ix.searcher() as old:
                articles = (from_stored(d) for d in old.all_stored_fields())
                report = new._ingest(records_from_objects(articles), strict=False, verbatim=True)
            new_ix = new._ix
            new.close()
            if self.path is not None:
                swap_in(self.path)
                new_ix = open_whoosh(self.path)
            self._ix = new_ix
            self.profile = profile
            self._epoch += 1
        return report

    def backup(self, dest: str | os.PathLike[str]) -> None:
        """Copy the index to folder ``dest`` (new or empty), consistently: the
        write lock is held meanwhile, so no commit happens half-copied.

        Raises:
            IndexExistsError: ``dest`` holds other files.
            IndexLockedError: a writer kept the lock past ``lock_timeout``.
        """
        if self.path is None:
            raise UsageError("an index in memory has no files to back up")
        target = Path(dest)
        if target.exists() and any(target.iterdir()):
            raise IndexExistsError(str(target), "it is not an empty folder")
        with self._write_lock, self._locked():
            shutil.copytree(self.path, target, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("*.tmp", "*_WRITELOCK", HOLDER_FILE))

    # ------------------------------------------------------------ searching

    def search(self, q: str, *, limit: int = 10, page: int = 1, sort: str = "relevance",
               date_from: Any = None, date_to: Any = None, source: str | None = None,
               category: str | None = None, facets: Sequence[str] = (),
               snippets: int = 3, snippet_size: int = 120) -> SearchResults:
        """Search the index.

        Args:
            q: the query (see :mod:`searchlib.query` for the language).
            limit: hits per page; page: which page, from 1.
            sort: ``"relevance"``, ``"newest"`` or ``"oldest"``.
            date_from, date_to: keep articles dated within (dates or ISO text; inclusive).
            source, category: keep articles of this source / category.
            facets: count matches by ``"source"``, ``"category"``, ``"year"``, ``"month"``.
            snippets: body fragments per hit; snippet_size: about how long each is.

        Returns:
            :class:`SearchResults` with the exact total and this page's hits.

        Raises:
            QuerySyntaxError: the query cannot be parsed.
            UsageError: an option has a bad value.
        """
        facets = _check_options(limit, page, sort, facets)
        q = scrub(q) if isinstance(q, str) else q
        query = parse_query(q)
        node = query.node
        filters = _filters(date_from, date_to, source, category)
        ex = self._executor()
        matches, relax = ex.run(node, filters, may_relax=query.plain)
        relaxed = relax is not None
        top = ex.top(matches, page * limit, sort)[(page - 1) * limit:]
        if relax is not None:  # the words, and the parts a relaxed query still requires
            words, required = relax
            patterns = highlight_patterns(required, words)
        else:
            patterns = highlight_patterns([node])
        hits = self._hits(ex, top, patterns, (page - 1) * limit + 1, snippets, snippet_size)
        counts = {name: dict(sorted(ex.facet_counts(matches, name).items(),
                                    key=lambda kv: (-kv[1], kv[0]))) for name in facets}
        suggestion = suggest(q, node, ex) if _wants_suggestion(node, matches, relaxed) else None
        return SearchResults(query=q, total=len(matches), hits=hits, page=page, limit=limit,
                             facets=counts, suggestion=suggestion, relaxed=relaxed)

    def keywords(self, article_id: str, n: int = 10) -> list[str]:
        """The article's key terms, best first, as the article writes them.

        Raises:
            ArticleNotFoundError: no article has this id.
        """
        ex = self._executor()
        return [surface for _, surface, _ in key_terms(self._article(article_id), ex, self.profile, n)]

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
        ex = self._executor()
        terms = key_terms(article, ex, self.profile, RELATED_TERMS)
        docnum = ex.searcher.document_number(id=article.id)
        matches = related(terms, ex, docnum)
        patterns = highlight_patterns([], [w for w, _, _ in terms])
        top = ex.top(matches, page * limit)[(page - 1) * limit:]
        hits = self._hits(ex, top, patterns, (page - 1) * limit + 1, snippets, snippet_size)
        return SearchResults(query=f"related:{article.id}", total=len(matches), hits=hits,
                             page=page, limit=limit)

    def _article(self, article_id: str) -> Article:
        article = self.get(article_id)
        if article is None:
            raise ArticleNotFoundError(str(article_id))
        return article

    def _hits(self, ex: Executor, top: list[tuple[int, float]], patterns: dict[str, Any],
              first_rank: int, snippets: int, snippet_size: int) -> list[Hit]:
        hits = []
        for rank, (docnum, score) in enumerate(top, first_rank):
            article = from_stored(ex.searcher.stored_fields(docnum))
            hits.append(Hit(
                id=article.id, score=round(score, 4), article=article, rank=rank,
                snippets=tuple(make_snippets(article.body, patterns["body"], snippets, snippet_size)),
                title=highlight_whole(article.title, patterns["title"])))
        return hits

    def _executor(self) -> Executor:
        searcher = self._searcher()
        ex: Executor | None = getattr(self._local, "executor", None)
        if ex is None or ex.searcher is not searcher:
            ex = self._local.executor = Executor(searcher, self.profile)
        return ex


def _wants_suggestion(node: Node, matches: dict[int, float], relaxed: bool) -> bool:
    """Nothing found (or only partial matches), or little for a short query.

    Typos are corrected in terms of a few characters; a long phrase or a
    question found rarely or only in part is not a typo."""
    lengths = [len(fold(t.text)) for t in positive_texts(node)]
    if not lengths or max(lengths) > MAX_SUGGEST_CHARS:
        return False
    if relaxed or not matches:
        return True
    return len(matches) < FEW_HITS and max(lengths) <= 4


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


def _filters(date_from: Any, date_to: Any, source: str | None, category: str | None) -> list[Node]:
    """The search() filter options as required query parts."""
    import datetime as dt

    parts: list[Node] = []
    if date_from is not None or date_to is not None:
        try:
            lo, hi = parse_date(date_from), parse_date(date_to)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        start = dt.datetime.combine(lo, dt.time()) if type(lo) is dt.date else lo
        end = dt.datetime.combine(hi, dt.time.max) if type(hi) is dt.date else hi
        parts.append(DateSpan(start, end))
    if source:
        parts.append(Match("source", source.strip()))
    if category:
        parts.append(Match("category", category.strip()))
    return parts
