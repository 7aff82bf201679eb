"""The words of a Whoosh index with their article counts, for completion and pinyin.

Whoosh's term tables hand out terms one at a time (about 10 µs each), too
slowly for completion over a whole index. Each segment's words are read
once, merged over the title and body fields into one sorted table, and kept
by segment id (segments never change once written): a new commit only reads
its new segment. A prefix is then a slice of each segment's table. Until a
segment's table is ready (it is read in a background thread the first time
a prefix is asked of the segment: seconds for a segment of thousands of
articles), its words are read from the term tables, the prefix's only.

Term tables count deleted documents until their segment is merged; a
segment's deleted articles are read back (their stored text stays in the
segment), analysed again with the field's own analyzer, and their words
subtracted, so counts are exact.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import Any

from .private import prefix_frequencies

__all__ = ["SegmentWords", "iter_words"]

#: The word fields, in the order of the counts.
FIELDS = ("title", "body")
#: A word (not a mark or a symbol).
_WORD = re.compile(r"[^\W_]")
_END = "\U0010ffff"


class SegmentWords:
    """One segment's words, sorted, with the documents holding each in its title and body."""

    __slots__ = ("words", "title", "body")

    def __init__(self, reader: Any) -> None:
        counts: dict[str, list[int]] = {}
        for i, field in enumerate(FIELDS):
            if field not in reader.schema:
                continue
            for btext, df in prefix_frequencies(reader, field, b""):
                word = btext.decode("utf-8")
                if _WORD.search(word):
                    counts.setdefault(word, [0, 0])[i] = df
        self.words = sorted(counts)
        self.title = [counts[w][0] for w in self.words]
        self.body = [counts[w][1] for w in self.words]

    def span(self, prefix: str) -> range:
        """Indexes of the words that start with ``prefix``."""
        if not prefix:
            return range(len(self.words))
        return range(bisect_left(self.words, prefix), bisect_left(self.words, prefix + _END))


def _live(reader: Any, prefix: str) -> dict[str, list[int]]:
    """word -> [titles, bodies] of a segment's words starting with ``prefix``, from its term tables."""
    out: dict[str, list[int]] = {}
    bprefix = prefix.encode("utf-8")
    for i, field in enumerate(FIELDS):
        if field not in reader.schema:
            continue
        for btext, df in prefix_frequencies(reader, field, bprefix):
            word = btext.decode("utf-8")
            if _WORD.search(word):
                out.setdefault(word, [0, 0])[i] = df
    return out


class _Cache:
    """Values per segment (LRU), shared by every searcher of the process."""

    def __init__(self, size: int) -> None:
        self._data: OrderedDict[Any, Any] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()
        self._building: dict[Any, threading.Lock] = {}

    def peek(self, key: Any) -> Any:
        """The value kept for ``key``, or None."""
        with self._lock:
            return self._data.get(key)

    def get(self, key: Any, make: Any) -> Any:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
            building = self._building.setdefault(key, threading.Lock())
        with building:  # one thread reads a segment; the others wait for it
            with self._lock:
                if key in self._data:
                    return self._data[key]
            value = make()
            with self._lock:
                self._data[key] = value
                self._building.pop(key, None)
                while len(self._data) > self._size:
                    self._data.popitem(last=False)
        return value


_segments = _Cache(128)
_deletions = _Cache(128)
_reading: dict[str, Any] = {}  # segment id -> a reader of it, waiting to be read
_reading_lock = threading.Lock()


def _read_later(reader: Any, segid: str) -> None:
    """Have a segment's table read by the background thread (one thread, one segment at a time,
    so that searches meanwhile share the interpreter with one reader only)."""
    with _reading_lock:
        if segid in _reading:
            return
        start = not _reading
        _reading[segid] = reader
    if start:
        threading.Thread(target=_read_waiting, name="searchlib-words", daemon=True).start()


def _read_waiting() -> None:
    while True:
        with _reading_lock:
            if not _reading:
                return
            segid, reader = next(iter(_reading.items()))
        try:
            _segments.get(segid, lambda r=reader: SegmentWords(r))
        except Exception:  # the reader was closed by a newer commit: the next prefix asks again
            pass
        finally:
            with _reading_lock:
                _reading.pop(segid, None)


def _deleted_counts(reader: Any, deleted: frozenset[int]) -> dict[str, list[int]]:
    """word -> [titles, bodies] among a segment's deleted documents."""
    out: dict[str, list[int]] = {}
    schema = reader.schema
    for doc in deleted:
        stored = reader.stored_fields(doc)
        for i, field in enumerate(FIELDS):
            words = {w for w in schema[field].process_text(stored.get(field) or "", mode="index")
                     if _WORD.search(w)}
            for w in words:
                out.setdefault(w, [0, 0])[i] += 1
    return out


def iter_words(leaves: Sequence[tuple[Any, int]], deleted: Sequence[frozenset[int]],
               prefix: str) -> Iterator[tuple[str, int, int]]:
    """``(word, titles, bodies)`` of every word starting with ``prefix``, over live documents."""
    totals: dict[str, list[int]] = {}
    for (reader, _), gone in zip(leaves, deleted):
        segid = str(reader.segment().segment_id())
        table: SegmentWords | None = _segments.peek(segid)
        if table is None and not prefix:
            table = _segments.get(segid, lambda r=reader: SegmentWords(r))
        if table is None:
            _read_later(reader, segid)
            for w, (t, b) in _live(reader, prefix).items():
                counts = totals.setdefault(w, [0, 0])
                counts[0] += t
                counts[1] += b
        else:
            span = table.span(prefix)
            words, title, body = table.words, table.title, table.body
            if len(totals) == 0 and not gone:
                totals = {words[i]: [title[i], body[i]] for i in span}
            else:
                for i in span:
                    found = totals.get(words[i])
                    if found is None:
                        totals[words[i]] = [title[i], body[i]]
                    else:
                        found[0] += title[i]
                        found[1] += body[i]
        if gone:
            minus = _deletions.get((segid, gone), lambda r=reader, g=gone: _deleted_counts(r, g))
            for w, (dt, db) in minus.items():
                if w.startswith(prefix) and w in totals:
                    totals[w][0] -= dt
                    totals[w][1] -= db
    for w, (nt, nb) in totals.items():
        if nt > 0 or nb > 0:
            yield w, nt, nb
