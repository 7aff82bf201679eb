"""Committing an ingest: chunks of articles -> segments (in workers) -> commits, in order.

The ingest session (:mod:`searchlib.ingest.session`) decides what each record
is and hands chunks of a few megabytes to :class:`Committer`. Each chunk
becomes one Whoosh segment, built by :func:`.segments.write_segment` in worker
processes, one per core (:mod:`.workers`). Finished segments are committed
in input order, each commit a new index generation: a process killed at any
moment leaves every committed chunk readable, and running the same ingest
again completes it. While workers are writing, commits leave unknown segment
files alone; the last commit removes whatever a dead run left behind.
"""

from __future__ import annotations

import warnings
from collections import deque
from typing import Any

from whoosh import index as windex
from whoosh.index import TOC, clean_files
from whoosh.reading import SegmentReader
from whoosh.writing import NO_MERGE

from ...ingest.session import Chunk
from .segments import write_segment
from .workers import WorkerError, WorkerPool
from .writer import FastCodec, FastSegmentWriter

__all__ = ["Committer", "merge_small", "SMALL_SEGMENT_DOCS", "FULL_SEGMENT_DOCS", "MERGE_FACTOR"]

#: Segments of fewer documents (small updates, leftovers of deletions) are merged
#: into one at the end of an ingest whenever there are two of them...
SMALL_SEGMENT_DOCS = 100
#: ...those of fewer than this (short inputs) once there are MERGE_FACTOR of them;
#: larger segments (a chunk's) are never merged by an ingest.
FULL_SEGMENT_DOCS = 1000
MERGE_FACTOR = 10


def merge_small(writer: Any, segments: list[Any]) -> list[Any]:
    """A merge policy: small segments merged into the writer's new segment, every
    other segment kept as it is (see :data:`SMALL_SEGMENT_DOCS`): the cost of a
    merge stays that of a few thousand documents, whatever the index's size.

    Whoosh's MERGE_SMALL merges every segment up to a "merge point" found by a
    Fibonacci rule that an index of about 19 full segments meets: it then merged
    most of the index in this one process, in memory (24,000 articles: 5 GB).
    """
    small = [s for s in segments if s.doc_count_all() < SMALL_SEGMENT_DOCS]
    medium = sorted((s for s in segments if SMALL_SEGMENT_DOCS <= s.doc_count_all() < FULL_SEGMENT_DOCS),
                    key=lambda s: s.doc_count_all())
    merged = (small if len(small) >= 2 else []) + (medium[:MERGE_FACTOR] if len(medium) >= MERGE_FACTOR else [])
    if not merged:
        return segments
    for seg in merged:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()
    return [s for s in segments if s not in merged]


class Committer:
    """Turns chunks of articles into committed segments, in order.

    The caller holds the index's write lock for the whole run.
    """

    def __init__(self, ix: windex.Index, path: str | None, workers: int) -> None:
        self.ix = ix
        self.path = path
        self.workers = workers if path is not None else 1
        self.parallel = self.workers  # ChunkWriter: chunks written at once
        self._pooled: bool | None = None  # decided at the first chunk
        self._pool: WorkerPool | None = None
        self._inflight: deque[tuple[bool, Any, list[str]]] = deque()  # (in a worker?, segment, ids)

    def submit(self, chunk: Chunk, replaced_ids: list[str], last: bool) -> None:
        """Queue ``chunk`` for writing; ``replaced_ids`` are ids whose old
        versions its commit must delete; ``last`` says no chunk follows.
        Commits what is finished."""
        if self._pooled is None:
            self._pooled = self.workers > 1 and not last and self._start_pool()
        segment = FastCodec().new_segment(self.ix.storage, self.ix.indexname)
        if self._pool is None:
            self._inflight.append((False, write_segment(self.ix, segment, chunk), replaced_ids))
        else:
            self._pool.submit((segment, chunk))
            self._inflight.append((True, None, replaced_ids))
        # keep at most two chunks per worker in flight (bounded memory)
        while len(self._inflight) > 2 * self.workers:
            self._commit_oldest(1)

    def _start_pool(self) -> bool:
        try:
            self._pool = WorkerPool(self.path, self.workers)  # type: ignore[arg-type]
        except (OSError, WorkerError) as exc:
            warnings.warn(f"ingesting in one process: worker processes did not start ({exc})",
                          RuntimeWarning, stacklevel=4)
            return False
        return True

    def flush(self) -> None:
        """Wait for every queued chunk and commit it."""
        self._commit_oldest(len(self._inflight))

    def finish(self) -> None:
        """Final commit: merge small segments (:func:`merge_small`), remove leftovers of dead runs."""
        self.flush()
        self._commit([], [], final=True)

    def close(self, kill: bool = False) -> None:
        """Stop the workers (``kill``: at once, dropping their work)."""
        if self._pool is not None:
            self._pool.close(kill=kill)
            self._pool = None

    def _commit_oldest(self, n: int) -> None:
        segments: list[Any] = []
        replaced: list[str] = []
        for _ in range(n):
            in_worker, segment, ids = self._inflight.popleft()
            if in_worker:
                assert self._pool is not None
                segment = self._pool.result()
            segments.append(segment)
            replaced += ids
        if segments:
            self._commit(segments, replaced, final=False)

    def _commit(self, segments: list[Any], replaced: list[str], final: bool) -> None:
        writer = FastSegmentWriter(self.ix, _lk=False)
        try:
            for article_id in replaced:
                writer.delete_by_term("id", article_id)
            kept = writer._merge_segments(merge_small if final else NO_MERGE, None, None)
            if writer._added:
                kept.append(writer._finalize_segment())
            else:
                writer._close_segment()
            kept += segments
            TOC(writer.schema, kept, writer.generation).write(writer.storage, writer.indexname)
            if final:
                clean_files(writer.storage, writer.indexname, writer.generation, kept)
        finally:
            if final:
                writer._tempstorage.destroy()
            writer.is_closed = True
