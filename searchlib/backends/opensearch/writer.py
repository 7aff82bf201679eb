"""Writing an ingest to OpenSearch: chunks -> analysed documents -> bulk requests.

Articles are analysed in this process (the same words and bigrams as the
local index) and sent by a background thread while the next chunk is being
analysed. Each bulk request is retried with exponential backoff when the
cluster is busy (429), a shard is unavailable (5xx: a node going away, a
replica being promoted), a request times out or a node cannot be reached:
writes are by article id, so repeating one is harmless. When the retries
are spent the ingest fails with a :class:`~searchlib.errors.ClusterError`;
everything acknowledged before stays, and running the same ingest again
completes it (unchanged articles are recognised and skipped).
"""

from __future__ import annotations

import random
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from ...analysis import Folding, SegmenterProfile
from ...errors import ClusterError
from ...ingest.session import Chunk
from .documents import to_document
from .reposts import repost_fields

__all__ = ["BulkWriter", "bulk"]

#: Documents per bulk request.
BATCH = 250
#: Seconds of retrying a bulk request before the ingest fails.
RETRY_FOR = 120.0
_RETRY_STATUS = {429, 500, 502, 503, 504}


def bulk(client: Any, index: str, docs: list[dict[str, Any]], location: str,
         retry_for: float = RETRY_FOR) -> None:
    """Index ``docs`` (by id) into ``index``, retrying what failed for a passing reason."""
    from opensearchpy.exceptions import ConnectionError as OSConnectionError
    from opensearchpy.exceptions import TransportError

    pending = docs
    deadline = time.monotonic() + retry_for
    delay = 0.5
    while pending:
        body: list[Any] = []
        for doc in pending:
            body += [{"index": {"_index": index, "_id": doc["id"]}}, doc]
        reason = ""
        try:
            answer = client.bulk(body=body, params={"request_timeout": max(60.0, retry_for / 2)})
            failed = []
            for doc, item in zip(pending, answer["items"]):
                result = item["index"]
                status = result.get("status", 500)
                if status < 300:
                    continue
                if status not in _RETRY_STATUS:
                    raise ClusterError(location, f"article {doc['id']!r} was refused: {result.get('error')}")
                failed.append(doc)
                reason = f"HTTP {status}: {result.get('error')}"
            pending = failed
        except OSConnectionError as exc:
            reason = f"{exc.__class__.__name__}: {exc.info or exc}"
        except TransportError as exc:
            if exc.status_code not in _RETRY_STATUS:
                raise ClusterError(location, f"HTTP {exc.status_code}: {exc.error}") from exc
            reason = f"HTTP {exc.status_code}: {exc.error}"
        if not pending:
            return
        if time.monotonic() + delay > deadline:
            raise ClusterError(location, f"{len(pending)} articles not written after {retry_for:g} s "
                               f"of retries ({reason}); ingest again to complete it")
        time.sleep(delay * (0.5 + random.random()))
        delay = min(delay * 2, 10.0)


class BulkWriter:
    """:class:`~searchlib.ingest.session.ChunkWriter` for an OpenSearch index.

    Replaced articles need no delete: a new version is indexed under the same id.
    """

    #: chunks are analysed in this process, one at a time
    parallel = 1

    def __init__(self, client: Any, index: str, location: str, profile: SegmenterProfile,
                 folding: Folding, on_close: Callable[[], None] | None = None, signed: bool = True) -> None:
        self.client = client
        #: write repost signatures (an index created before they existed cannot take them)
        self.signed = signed
        self.index = index
        self.location = location
        self.profile = profile
        self.folding = folding
        self._sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="searchlib-bulk")
        self._inflight: deque[Future[None]] = deque()
        self.written = 0
        #: ids and content digests of every article submitted
        self.ids: set[str] = set()
        self.digests: set[str] = set()
        self._on_close = on_close

    def submit(self, chunk: Chunk, replaced: list[str], last: bool) -> None:
        docs = [to_document(article, self.profile, self.folding, digest) for article, digest in chunk]
        if self.signed:
            for doc, (article, _) in zip(docs, chunk):
                doc.update(repost_fields(article))
        self.ids.update(article.id for article, _ in chunk)
        self.digests.update(digest for _, digest in chunk)
        for i in range(0, len(docs), BATCH):
            self._inflight.append(self._sender.submit(bulk, self.client, self.index, docs[i:i + BATCH],
                                                      self.location))
        while len(self._inflight) > 2:
            self._inflight.popleft().result()
        self.written += len(docs)

    def flush(self) -> None:
        while self._inflight:
            self._inflight.popleft().result()
        self.refresh()

    def refresh(self) -> None:
        """Make everything written visible to searches."""
        from .cluster import call

        call(self.location, self.client.indices.refresh, index=self.index)

    def finish(self) -> None:
        self.flush()

    def close(self, kill: bool = False) -> None:
        if kill:
            for f in self._inflight:
                f.cancel()
        self._sender.shutdown(wait=True)
        self._inflight.clear()
        if self._on_close is not None:
            self._on_close()
            self._on_close = None
