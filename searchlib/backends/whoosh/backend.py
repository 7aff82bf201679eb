"""The Whoosh backend: a folder on disk, or memory.

Reads go through one Whoosh searcher per thread (searchers are not shared
safely), renewed when the index has a new commit; writes hold an OS file lock
shared with other processes. Plans are executed by :mod:`.executor`, articles
written by :mod:`.commit`, the folder kept by :mod:`.store`.
"""

from __future__ import annotations

import os
import shutil
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh.searching import Searcher
from whoosh.util import filelock

from ...analysis import Folding, SegmenterProfile
from ...backends.base import Found
from ...errors import IndexExistsError, IndexLockedError, SearchlibError, UsageError
from ...models import Article, IngestReport
from ...plan import Plan
from .commit import Committer, merge_small
from .executor import Executor, Terms
from .private import segment_count
from .reposts import band_holders, signed, signed_ids
from .schema import from_stored, schema_folding
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
from .writer import FastSegmentWriter

__all__ = ["WhooshBackend"]

#: Matches hydrated per step when every match is streamed.
_STREAM_PAGE = 500


class WhooshBackend:
    """A searchlib index in a Whoosh folder (or in memory); see :class:`~searchlib.backends.base.Backend`."""

    def __init__(self, ix: windex.Index, path: str | None, lock_timeout: float) -> None:
        self._ix = ix
        self.path = path
        self.location = path or ":memory:"
        self.lock_timeout = lock_timeout
        schema = ix.schema  # read from the table of contents: once
        self.profile: SegmenterProfile = schema["title"].analyzer.profile
        #: how this index folds text (the first release's folding until rebuilt)
        self.folding: Folding = schema_folding(schema)
        #: whether the index stores repost signatures (older indexes have none until rebuilt)
        self.signed = signed(schema)
        self._local = threading.local()
        self._searchers: weakref.WeakSet[Searcher] = weakref.WeakSet()
        self._searchers_lock = threading.Lock()
        self._closed = False
        self._epoch = 0  # bumped when rebuild() swaps in a new index

    @classmethod
    def open(cls, path: str, lock_timeout: float) -> WhooshBackend:
        """The index in folder ``path`` (raises ``IndexNotFoundError``, ``IndexCorruptError``)."""
        return cls(open_whoosh(path), path, lock_timeout)

    @classmethod
    def create(cls, path: str | None, profile: SegmenterProfile, lock_timeout: float) -> WhooshBackend:
        """A new, empty index in folder ``path`` (new or empty), or in memory."""
        return cls(create_whoosh(path, profile), path, lock_timeout)

    # ------------------------------------------------------------ searchers

    def _searcher(self) -> Searcher:
        """This thread's searcher, renewed when the index has a new commit.

        A stale one is closed and replaced rather than "refreshed": Whoosh's
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

    def _executor(self) -> Executor:
        searcher = self._searcher()
        ex: Executor | None = getattr(self._local, "executor", None)
        if ex is None or ex.searcher is not searcher:
            ex = self._local.executor = Executor(searcher)
        return ex

    def close(self) -> None:
        self._closed = True
        with self._searchers_lock:
            searchers, self._searchers = list(self._searchers), weakref.WeakSet()
        for s in searchers:
            if not s.is_closed:
                s.close()

    # ------------------------------------------------------------ reading

    def count(self) -> int:
        return int(self._searcher().doc_count())

    def ids(self) -> list[str]:
        return [d["id"] for d in self._searcher().all_stored_fields()]

    def get(self, article_id: str) -> Article | None:
        stored = self._searcher().document(id=article_id)
        return from_stored(stored) if stored else None

    def get_many(self, article_ids: Sequence[str]) -> dict[str, Article]:
        searcher = self._searcher()
        found = {key: searcher.document(id=key) for key in dict.fromkeys(article_ids)}
        return {key: from_stored(stored) for key, stored in found.items() if stored}

    def holders(self, digest: str) -> list[str]:
        return [d["id"] for d in self._searcher().documents(digest=digest)]

    def search(self, plan: Plan, *, sort: str, start: int, stop: int,
               facets: Sequence[str] = ()) -> Found:
        ex = self._executor()
        matches, relaxed = ex.run(plan)
        top = ex.top(matches, stop, sort)[start:]
        hits = [(from_stored(ex.searcher.stored_fields(d)), score) for d, score in top]
        counts = {name: dict(sorted(ex.facet_counts(matches, name).items(),
                                    key=lambda kv: (-kv[1], kv[0]))) for name in facets}
        return Found(total=len(matches), hits=hits, facets=counts, relaxed=relaxed,
                     max_score=matches.max())

    def iter_matches(self, plan: Plan, *, sort: str) -> Iterator[Article]:
        # a searcher of its own: the thread's may be replaced (and closed) by
        # a search after a commit while this stream is still being read
        if self._closed:
            raise SearchlibError("this NewsIndex is closed")
        searcher = self._ix.searcher()
        try:
            ex = Executor(searcher)
            matches, _ = ex.run(plan)
            order = [d for d, _ in ex.top(matches, len(matches), sort)]
            del matches
            for i in range(0, len(order), _STREAM_PAGE):
                for d in order[i:i + _STREAM_PAGE]:
                    yield from_stored(searcher.stored_fields(d))
        finally:
            searcher.close()

    def ranked_signatures(self, plan: Plan, *, sort: str) -> list[tuple[str, float, bytes]]:
        ex = self._executor()
        matches, _ = ex.run(plan)
        top = ex.top(matches, len(matches), sort)
        signed_top = signed_ids(ex.searcher.reader(), [d for d, _ in top])
        return [(article_id, score, sig) for (article_id, sig), (_, score) in zip(signed_top, top)]

    def band_holders(self, keys: Sequence[str]) -> list[tuple[str, bytes]]:
        return band_holders(self._searcher().reader(), keys)

    def terms(self) -> Terms:
        return Terms(self._executor())

    def stats(self) -> dict[str, Any]:
        storage = self._ix.storage
        size = sum(storage.file_length(name) for name in storage.list())
        return {"engine": "whoosh", "bytes": size, "segments": segment_count(self._ix)}

    # ------------------------------------------------------------ writing

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """Hold the index's write lock (shared with other processes).

        The lock is an OS file lock, released when its holder dies, so a
        killed writer never blocks the next one; while held, a note says who
        holds it, for the error another writer gets after ``lock_timeout``.
        """
        lock = self._ix.lock("WRITELOCK")
        if not filelock.try_for(lock.acquire, timeout=self.lock_timeout, delay=0.05):
            raise IndexLockedError(self.location, self.lock_timeout, read_holder(self._ix))
        try:
            write_holder(self._ix)
            yield
        finally:
            clear_holder(self._ix)
            lock.release()

    def chunk_writer(self, workers: int) -> Committer:
        return Committer(self._ix, self.path, workers)

    def delete(self, article_id: str) -> bool:
        if self._searcher().document_number(id=article_id) is None:
            return False
        writer = FastSegmentWriter(self._ix, _lk=False)
        writer.delete_by_term("id", article_id)
        writer.commit(mergetype=merge_small)  # Whoosh's default policy may merge the whole index
        return True

    def rebuild(self, profile: SegmenterProfile,
                fill: Callable[[Any], IngestReport]) -> IngestReport:
        if self.path is not None:
            shutil.rmtree(rebuild_folder(self.path), ignore_errors=True)
        target = None if self.path is None else str(rebuild_folder(self.path))
        new = WhooshBackend.create(target, profile, self.lock_timeout)
        try:
            with new.write_lock():
                report = fill(new)
        finally:
            new.close()
        new_ix = new._ix
        if self.path is not None:
            swap_in(self.path)
            new_ix = open_whoosh(self.path)
        self._ix = new_ix
        self.profile = profile
        self.folding = schema_folding(new_ix.schema)
        self.signed = signed(new_ix.schema)
        self._epoch += 1
        return report

    def backup(self, dest: str | os.PathLike[str]) -> None:
        if self.path is None:
            raise UsageError("an index in memory has no files to back up")
        target = Path(dest)
        if target.exists() and any(target.iterdir()):
            raise IndexExistsError(str(target), "it is not an empty folder")
        shutil.copytree(self.path, target, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("*.tmp", "*_WRITELOCK", HOLDER_FILE))

    # ------------------------------------------------------------ analysis record

    def read_meta(self) -> dict[str, Any] | None:
        return read_meta(self._ix)

    def write_meta(self, meta: dict[str, Any]) -> None:
        write_meta(self._ix, meta)
