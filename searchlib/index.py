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
from whoosh import query as wq
from whoosh import sorting
from whoosh.collectors import ScoredCollector
from whoosh.searching import Searcher
from whoosh.util import filelock

from ._version import __version__
from .analysis import SegmenterProfile, fold, fold_version, read_user_dict
from .dates import parse_date
from .errors import (AnalysisMismatchWarning, IndexLockedError, IndexNotFoundError, IngestError,
                     SearchlibError, UsageError)
from .highlight import highlight_whole, make_snippets
from .ingest import Record, iter_records, records_from_objects
from .models import Article, Failure, Hit, IngestReport, SearchResults
from .pipeline import CHUNK_BYTES, Committer, default_workers
from .writer import FastSegmentWriter
from .query import QueryPlan, compile_query, parse
from .schema import FACET_FIELDS, content_digest, from_stored
from .store import create_whoosh, open_whoosh, read_meta, rebuild_folder, swap_in, write_meta

__all__ = ["NewsIndex", "open_index", "DEFAULT_INDEX", "SORTS"]

DEFAULT_INDEX = "index_data/index"
SORTS = ("relevance", "newest", "oldest")
try_for = filelock.try_for
#: Articles written between commits during an ingest.
BATCH_DOCS = 1000
ProgressFn = Callable[[int, int], None]


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
        return NewsIndex(create_whoosh(None, profile), None, lock_timeout)
    folder = str(path)
    try:
        ix = open_whoosh(folder)
    except IndexNotFoundError:
        if not create:
            raise
        return NewsIndex(create_whoosh(folder, profile), folder, lock_timeout)
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

    def __init__(self, ix: windex.Index, path: str | None, lock_timeout: float = 10.0) -> None:
        self._ix = ix
        self.path = path
        self.lock_timeout = lock_timeout
        self.profile: SegmenterProfile = ix.schema["title"].analyzer.profile
        self._local = threading.local()
        self._searchers: weakref.WeakSet[Searcher] = weakref.WeakSet()
        self._write_lock = threading.Lock()
        self._closed = False
        self._epoch = 0  # bumped when rebuild() swaps in a new index
        self._check_meta()

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
        for s in list(self._searchers):
            s.close()
        self._searchers = weakref.WeakSet()

    def _analysis_meta(self) -> dict[str, Any]:
        return {"segmenter": "jieba", "segmenter_fingerprint": self.profile.fingerprint(),
                "user_words": len(self.profile.user_words), "fold": fold_version()}

    def _check_meta(self) -> None:
        current = self._analysis_meta()
        meta = read_meta(self._ix)
        if meta is None:
            write_meta(self._ix, {"format": 1, "created_by": f"searchlib {__version__}", **current})
            return
        changed = [k for k, v in current.items() if meta.get(k) != v]
        if changed:
            warnings.warn(
                f"the index at {self.path!r} was built with a different "
                f"{' and '.join(changed)} than this installation's; searches may miss "
                "articles until it is rebuilt: NewsIndex.rebuild() or `searchlib rebuild "
                f"--index {self.path or 'DIR'}`", AnalysisMismatchWarning, stacklevel=3)

    def _searcher(self) -> Searcher:
        if self._closed:
            raise SearchlibError("this NewsIndex is closed")
        s: Searcher | None = getattr(self._local, "searcher", None)
        if s is None or getattr(self._local, "epoch", None) != self._epoch:
            s = self._ix.searcher()
            self._local.epoch = self._epoch
            self._searchers.add(s)
        elif not s.up_to_date():
            fresh = s.refresh()
            if fresh is not s:
                self._searchers.add(fresh)
            s = fresh
        self._local.searcher = s
        return s

    # ------------------------------------------------------------ reading

    def count(self) -> int:
        """Number of articles in the index."""
        return int(self._searcher().doc_count())

    def get(self, article_id: str) -> Article | None:
        """The article with this id, or None."""
        stored = self._searcher().document(id=str(article_id))
        return from_stored(stored) if stored else None

    def __contains__(self, article_id: object) -> bool:
        return self._searcher().document_number(id=str(article_id)) is not None

    def ids(self) -> list[str]:
        """All article ids, in index order."""
        return [d["id"] for d in self._searcher().all_stored_fields()]

    def stats(self) -> dict[str, Any]:
        """Size, date range, sources and analysis settings of the index."""
        s = self._searcher()
        every = wq.Every()
        res = s.search(every, limit=1, groupedby={"source": sorting.FieldFacet("source", maptype=sorting.Count)})
        sources = {_facet_key(k): int(v) for k, v in sorted(res.groups("source").items(),
                                                              key=lambda kv: -kv[1]) if k}
        dates = []
        for newest in (False, True):
            top = s.search(wq.Every("date"), limit=1, sortedby=sorting.FieldFacet("date", reverse=newest))
            dates.append(from_stored(top[0].fields()).date.isoformat() if len(top) else None)
        storage = self._ix.storage
        size = sum(storage.file_length(name) for name in storage.list())
        return {"path": self.path or ":memory:", "articles": s.doc_count(), "bytes": size,
                "segments": len(self._ix._segments()), "first_date": dates[0], "last_date": dates[1],
                "sources": sources, **self._analysis_meta()}

    # ------------------------------------------------------------ writing

    def _writer(self) -> Any:
        try:
            return FastSegmentWriter(self._ix, timeout=self.lock_timeout)
        except windex.LockError:
            raise IndexLockedError(self.path or ":memory:", self.lock_timeout) from None

    def add(self, articles: Iterable[Article | Mapping[str, Any]], *, strict: bool = False,
            workers: int | None = None) -> IngestReport:
        """Add or update articles given as :class:`Article` objects or dicts.

        An article whose id is already indexed is updated if its text changed
        and left alone if not; one whose text is already indexed under another
        id is skipped as a duplicate. Records that are not valid articles are
        reported in ``failed`` (``<records>:N``, N counting from 1).

        Raises:
            IngestError: with ``strict``, at the first invalid record.
            IndexLockedError: another writer holds the index.
        """
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
        tally = _Tally()
        started = time.perf_counter()
        with self._write_lock, self._locked():
            committer = Committer(self._ix, self.path, workers or default_workers())
            searcher = self._ix.searcher()
            chunk: list[tuple[Article, str]] = []
            replaced: list[str] = []
            size = 0
            uncommitted: set[str] = set()  # ids written in chunks not committed yet
            try:
                for rec in records:
                    tally.bytes += rec.size
                    if progress:
                        progress(tally.done, tally.bytes)
                    if rec.skipped:
                        tally.skipped.append(rec.path)
                        continue
                    if rec.article is None:
                        tally.failed.append(Failure(rec.path, rec.error or "unreadable", rec.line))
                        if strict:
                            raise IngestError(rec.path, rec.error or "unreadable", rec.line)
                        continue
                    article = rec.article
                    digest = content_digest(article)
                    action = tally.classify(article.id, digest, searcher)
                    if action in ("unchanged", "duplicate"):
                        continue
                    if article.id in uncommitted:
                        # its earlier version must be committed before it can be replaced
                        committer.submit(chunk, replaced, last=False)
                        committer.flush()
                        chunk, replaced, size = [], [], 0
                        uncommitted.clear()
                    chunk.append((article, digest))
                    if action == "updated":
                        replaced.append(article.id)
                    uncommitted.add(article.id)
                    size += 3 * (len(article.title) + len(article.body))
                    if size >= CHUNK_BYTES:
                        committer.submit(chunk, replaced, last=False)
                        chunk, replaced, size = [], [], 0
                if chunk:
                    committer.submit(chunk, replaced, last=True)
                committer.finish()
            except BaseException:
                committer.close(kill=True)
                raise
            finally:
                committer.close()
                searcher.close()
        return tally.report(time.perf_counter() - started)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the index's write lock (shared with other processes)."""
        lock = self._ix.lock("WRITELOCK")
        if not try_for(lock.acquire, timeout=self.lock_timeout, delay=0.1):
            raise IndexLockedError(self.path or ":memory:", self.lock_timeout)
        try:
            yield
        finally:
            lock.release()

    def delete(self, article_id: str) -> bool:
        """Delete the article with this id; True if there was one."""
        with self._write_lock:
            if self._searcher().document_number(id=str(article_id)) is None:
                return False
            writer = self._writer()
            writer.delete_by_term("id", str(article_id))
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
            new = NewsIndex(create_whoosh(target, profile), target, self.lock_timeout)
            with self._ix.searcher() as old:
                articles = (from_stored(d) for d in old.all_stored_fields())
                report = new._ingest(records_from_objects(articles), strict=False)
            new_ix = new._ix
            new.close()
            if self.path is not None:
                swap_in(self.path)
                new_ix = open_whoosh(self.path)
            self._ix = new_ix
            self.profile = profile
            self._epoch += 1
        return report

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
        _check_options(limit, page, sort, facets)
        plan = compile_query(parse(q), self.profile)
        searcher = self._searcher()
        kwargs: dict[str, Any] = {"limit": page * limit}
        filt = _filter(date_from, date_to, source, category)
        if filt is not None:
            kwargs["filter"] = filt
        if sort != "relevance":
            kwargs["sortedby"] = [sorting.FieldFacet("date", reverse=sort == "newest"),
                                  sorting.ScoreFacet()]
        if facets:
            kwargs["groupedby"] = {name: sorting.FieldFacet(name, maptype=sorting.Count)
                                   for name in facets}
        results = _run(searcher, plan.strict, kwargs)
        relaxed = False
        if results.is_empty() and plan.relaxed is not None:
            partial = _run(searcher, plan.relaxed, kwargs)
            if not partial.is_empty():
                results, relaxed = partial, True
        return self._results(q, plan, results, relaxed, page, limit, facets, snippets, snippet_size)

    def _results(self, q: str, plan: QueryPlan, results: Any, relaxed: bool, page: int, limit: int,
                 facets: Sequence[str], snippets: int, snippet_size: int) -> SearchResults:
        patterns = plan.relaxed_highlight if relaxed else plan.highlight
        hits = []
        for rank, hit in enumerate(results[(page - 1) * limit: page * limit], (page - 1) * limit + 1):
            article = from_stored(hit.fields())
            score = hit.score
            if isinstance(score, tuple):  # sorted by date, then ScoreFacet (negated score)
                score = -score[-1]
            hits.append(Hit(
                id=article.id, score=round(float(score or 0.0), 4), article=article, rank=rank,
                snippets=tuple(make_snippets(article.body, patterns.get("body"), snippets, snippet_size)),
                title=highlight_whole(article.title, patterns.get("title"))))
        counts = {}
        for name in facets:
            groups = results.groups(name)
            counts[name] = {_facet_key(k): int(v) for k, v in
                            sorted(groups.items(), key=lambda kv: (-kv[1], str(kv[0]))) if k is not None}
        return SearchResults(query=q, total=len(results), hits=hits, page=page, limit=limit,
                             facets=counts, relaxed=relaxed)


def _run(searcher: Searcher, q: wq.Query, kwargs: dict[str, Any]) -> Any:
    """Search without Whoosh's pruning: it drops sub-queries by score bounds
    that are not exact (lossy field lengths, our whole-word bonus), which
    changes the top hits with the page size. Every match is scored instead;
    the exact total needs every match visited anyway."""
    collector = searcher.collector(optimize=False, **kwargs)
    node = collector
    while node is not None:
        if isinstance(node, ScoredCollector):
            node.replace = 0
        node = getattr(node, "child", None)
    searcher.search_with_collector(q, collector)
    return collector.results()


def _facet_key(key: Any) -> str:
    return key.decode("utf-8") if isinstance(key, bytes) else str(key)


def _check_options(limit: int, page: int, sort: str, facets: Sequence[str]) -> None:
    if not isinstance(limit, int) or not 1 <= limit <= 1000:
        raise UsageError(f"limit must be a whole number from 1 to 1000, not {limit!r}")
    if not isinstance(page, int) or page < 1:
        raise UsageError(f"page must be a whole number from 1, not {page!r}")
    if sort not in SORTS:
        raise UsageError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    unknown = [f for f in facets if f not in FACET_FIELDS]
    if unknown:
        raise UsageError(f"unknown facet {unknown[0]!r}; facets: {', '.join(FACET_FIELDS)}")


def _filter(date_from: Any, date_to: Any, source: str | None, category: str | None) -> wq.Query | None:
    import datetime as dt

    parts: list[wq.Query] = []
    if date_from is not None or date_to is not None:
        try:
            lo, hi = parse_date(date_from), parse_date(date_to)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        start = dt.datetime.combine(lo, dt.time()) if type(lo) is dt.date else lo
        end = dt.datetime.combine(hi, dt.time.max) if type(hi) is dt.date else hi
        parts.append(wq.DateRange("date", start, end))
    if source:
        parts.append(wq.Term("source", fold(source.strip())))
    if category:
        parts.append(wq.Term("category", fold(category.strip())))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


class _Tally:
    """Counts what an ingest does and decides what each record means."""

    def __init__(self) -> None:
        self.added = self.updated = self.unchanged = self.duplicates = 0
        self.failed: list[Failure] = []
        self.skipped: list[str] = []
        self.bytes = 0
        self.seen_ids: dict[str, str] = {}     # id -> digest, this run
        self.seen_digests: dict[str, str] = {}  # digest -> id, this run

    @property
    def done(self) -> int:
        return self.added + self.updated + self.unchanged + self.duplicates

    def classify(self, article_id: str, digest: str, searcher: Searcher) -> str:
        """``added``, ``updated``, ``unchanged`` or ``duplicate`` (and count it)."""
        action = self._classify(article_id, digest, searcher)
        setattr(self, action if action != "duplicate" else "duplicates",
                getattr(self, action if action != "duplicate" else "duplicates") + 1)
        self.seen_ids[article_id] = digest
        self.seen_digests.setdefault(digest, article_id)
        return action

    def _classify(self, article_id: str, digest: str, searcher: Searcher) -> str:
        if article_id in self.seen_ids:
            return "duplicate" if self.seen_ids[article_id] == digest else "updated"
        stored = searcher.document(id=article_id)
        if stored is not None:
            return "unchanged" if stored.get("digest") == digest else "updated"
        if digest in self.seen_digests:
            return "duplicate"
        if searcher.document_number(digest=digest) is not None:
            return "duplicate"
        return "added"

    def report(self, seconds: float) -> IngestReport:
        return IngestReport(added=self.added, updated=self.updated, unchanged=self.unchanged,
                            duplicates=self.duplicates, failed=self.failed, skipped=self.skipped,
                            bytes_read=self.bytes, seconds=round(seconds, 3))
