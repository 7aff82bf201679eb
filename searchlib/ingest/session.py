"""One ingest run: records in, decisions made, chunks written and committed in order.

An :class:`IngestSession` owns everything engine-neutral about an ingest:
what each record is (through :class:`~.identity.Identity`), which articles are
written and which older versions they replace, how they are grouped into
chunks of a few megabytes, the order of commits, progress and the report.
The engine (a :class:`ChunkWriter`) only writes and commits what it is given.

An input's last chunk is cut into one part per worker of the engine
(:attr:`ChunkWriter.parallel`) when each part still holds
:data:`MIN_PART_BYTES`: an input of a single chunk is then written on every
core, not one.

An article whose earlier version is still in a chunk not yet committed forces
a commit first: a commit deletes the old versions of the ids it replaces
before it adds its own segments, so both versions must not be in one commit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Protocol

from ..errors import IngestError
from ..models import Article, Failure, IngestReport
from .identity import Identity, content_digest
from .readers import Record

__all__ = ["IngestSession", "ChunkWriter", "Chunk", "ProgressFn", "MIN_PART_BYTES"]

#: The least text (in chunk-size units) worth a part of its own in a worker:
#: about half a second of analysis, what a worker's start-up costs.
MIN_PART_BYTES = 1 << 19

Chunk = list[tuple[Article, str]]
ProgressFn = Callable[[int, int], None]


class ChunkWriter(Protocol):
    """What an engine provides to an ingest session."""

    #: How many chunks it writes at once: an input's last chunk, when short, is
    #: cut in as many parts so that every worker has some of it.
    parallel: int

    def submit(self, chunk: Chunk, replaced: list[str], last: bool) -> None:
        """Queue a chunk of ``(article, content digest)`` to write; its commit
        deletes the stored versions of ``replaced``; ``last``: no chunk follows."""

    def flush(self) -> None:
        """Commit every queued chunk."""

    def finish(self) -> None:
        """Commit everything and tidy up (merges, leftovers of dead runs)."""

    def close(self, kill: bool = False) -> None:
        """Release resources (``kill``: at once, dropping uncommitted work)."""


class IngestSession:
    """Runs one ingest; see the module docstring.

    Args:
        writer: the engine's chunk writer.
        identity: decides what each record is.
        chunk_bytes: about how much text goes into each chunk.
        strict: raise :class:`IngestError` at the first bad record.
        progress: called as ``progress(articles_done, bytes_read)``.
    """

    def __init__(self, writer: ChunkWriter, identity: Identity, *, chunk_bytes: int,
                 strict: bool = False, progress: ProgressFn | None = None) -> None:
        self.writer = writer
        self.identity = identity
        self.chunk_bytes = chunk_bytes
        self.strict = strict
        self.progress = progress
        self.counts = dict.fromkeys(("added", "updated", "unchanged", "duplicate"), 0)
        self.failed: list[Failure] = []
        self.skipped: list[str] = []
        self.bytes = 0
        self._chunk: Chunk = []
        self._replaced: list[str] = []
        self._size = 0
        self._uncommitted: set[str] = set()  # ids written in chunks not committed yet

    def run(self, records: Iterable[Record]) -> IngestReport:
        """Ingest ``records``, commit, and say what happened."""
        started = time.perf_counter()
        try:
            for rec in records:
                self._take(rec)
            if self._chunk:
                self._submit_last()
            self.writer.finish()
        except BaseException:
            self.writer.close(kill=True)
            raise
        finally:
            self.writer.close()
        return IngestReport(added=self.counts["added"], updated=self.counts["updated"],
                            unchanged=self.counts["unchanged"],
                            duplicates=self.counts["duplicate"], failed=self.failed,
                            skipped=self.skipped, bytes_read=self.bytes,
                            seconds=round(time.perf_counter() - started, 3))

    def _take(self, rec: Record) -> None:
        self.bytes += rec.size
        if self.progress:
            self.progress(sum(self.counts.values()), self.bytes)
        if rec.skipped:
            self.skipped.append(rec.path)
            return
        if rec.article is None:
            reason = rec.error or "unreadable"
            self.failed.append(Failure(rec.path, reason, rec.line))
            if self.strict:
                raise IngestError(rec.path, reason, rec.line)
            return
        article = rec.article
        digest = content_digest(article)
        action = self.identity.classify(article, digest)
        self.counts[action] += 1
        if action in ("unchanged", "duplicate"):
            return
        if article.id in self._uncommitted:
            # its earlier version must be committed before it can be replaced
            self._submit(last=False)
            self.writer.flush()
            self._uncommitted.clear()
        self._chunk.append((article, digest))
        if action == "updated":
            self._replaced.append(article.id)
        self._uncommitted.add(article.id)
        self._size += 3 * (len(article.title) + len(article.body))
        if self._size >= self.chunk_bytes:
            self._submit(last=False)

    def _submit_last(self) -> None:
        """Submit the last chunk, cut in parts for the writer's workers when long enough."""
        parts = max(1, min(self.writer.parallel, self._size // MIN_PART_BYTES))
        if parts == 1:
            self._submit(last=True)
            return
        chunk, replaced = self._chunk, set(self._replaced)
        step = -(-len(chunk) // parts)
        for start in range(0, len(chunk), step):
            part = chunk[start:start + step]
            self._chunk, self._replaced = part, [a.id for a, _ in part if a.id in replaced]
            self._submit(last=start + step >= len(chunk))

    def _submit(self, last: bool) -> None:
        if self._chunk or self._replaced:
            self.writer.submit(self._chunk, self._replaced, last=last)
        self._chunk, self._replaced, self._size = [], [], 0
