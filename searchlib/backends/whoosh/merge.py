"""Merging segments term by term, streamed from their readers.

Whoosh merges a segment by copying every one of its postings into the new
segment's pool, so a merge holds all the postings of the segments it merges in
memory at once (merging most of a 24,000-article index took 4 GB). Here each
segment being merged is a :class:`SegmentSource`: its reader stays open until
the new segment is written, and :func:`merge_field` walks the sources' term
lists side by side, in term order, reading one term's posting lists at a time
and joining them. Memory is that of the largest posting list, whatever the
size of the merge. A term only one segment holds, inlined in a compact term
table (:mod:`.termtable`) of a segment without deletions, is copied as it is,
its docnums moved (most terms of a news index: names, numbers, rare bigrams).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from typing import Any

from whoosh.system import pack_uint

from .formats import frequencies
from .private import deleted_docs, field_term_infos, raw_postings, terms_reader
from .termtable import TermsReader, shift_inlined, unpack_info

__all__ = ["SegmentSource", "merge_field", "join", "Postings", "Term"]

#: A term's posting list: docnums, weights (None: every one weighs 1), values.
Postings = tuple[Sequence[int], list[Any] | None, list[bytes]]
#: A term's postings for the new segment: a posting list, or its packed info as it
#: goes into the term table (a term copied from one segment).
Term = Postings | bytes


class SegmentSource:
    """One segment being merged into a writer's new segment.

    Args:
        reader: a reader of the segment, owned from now on (closed by :meth:`close`).
        startdoc: the new docnum of its first document, if it has no deletions.
        docmap: old docnum -> new docnum of the live documents, if there are deletions.
        schema: the writer's schema; fields outside it are dropped, as Whoosh does.
        base: the segment's first docnum in ``docmap`` (a segment of a multi-segment reader).
    """

    def __init__(self, reader: Any, startdoc: int, docmap: dict[int, int] | None, schema: Any,
                 base: int = 0) -> None:
        self.reader = reader
        self.startdoc = startdoc
        self.docmap = docmap
        self.base = base
        self.deleted = deleted_docs(reader)
        self.fields = {f for f in reader.indexed_field_names() if f in schema}
        terms = terms_reader(reader)
        self._packed = terms if isinstance(terms, TermsReader) else None

    def terms(self, fieldname: str) -> Iterator[tuple[bytes, Any]]:
        """``(term, info)`` of the segment's terms of ``fieldname``, in order, read in
        one pass over its term table; ``info`` as :meth:`copy` and :meth:`postings` take it."""
        if fieldname not in self.fields:
            return iter(())
        if self._packed is not None:
            return self._packed.packed_items(fieldname)
        return field_term_infos(self.reader, fieldname)

    def copy(self, info: Any) -> bytes | None:
        """The term's packed info for the new segment, if it can be copied as it is."""
        if self.deleted or self.docmap is not None or not isinstance(info, bytes):
            return None
        return shift_inlined(info, self.startdoc)

    def postings(self, fieldname: str, btext: bytes, text_field: bool, info: Any = None) -> Postings:
        """The term's live postings, renumbered as in the new segment."""
        if isinstance(info, bytes):
            info = unpack_info(info)
        ids, weights, values = raw_postings(self.reader, fieldname, btext, info, self.deleted)
        fmt = self.reader.schema[fieldname].format
        fixed = fmt.fixed_value_size()
        if fixed and fixed > 0 and any(len(v) != fixed for v in values):
            # frequencies of segments written before they were stored as Whoosh reads them
            boost = fmt.field_boost or 1.0
            values = [v if len(v) == fixed else pack_uint(max(1, round(w / boost)))
                      for v, w in zip(values, weights)]
        if self.docmap is not None:
            docmap, base = self.docmap, self.base
            ids = [docmap[base + d] for d in ids]
        else:
            start = self.startdoc
            ids = [start + d for d in ids] if start else list(ids)
        if text_field:  # weights are the frequencies the positions hold, None if all are 1
            return ids, (frequencies(values) if weights.count(1) != len(weights) else None), values
        return ids, list(weights), values

    def close(self) -> None:
        self.reader.close()


def merge_field(fieldname: str, own: Iterator[tuple[bytes, Postings]], sources: Sequence[SegmentSource],
                text_field: bool) -> Iterator[tuple[bytes, Term]]:
    """``(term, postings)`` of one field over the writer's own postings (``own``, in
    term order) and every source's, in term order, each term's lists joined."""
    streams = [_tagged(own, 0)] + [_tagged(source.terms(fieldname), i)
                                   for i, source in enumerate(sources, 1)]
    group: list[tuple[int, Any]] = []  # (stream, payload) of the current term
    current = b""
    for btext, i, payload in heapq.merge(*streams):
        if btext != current and group:
            term = _term(fieldname, current, group, sources, text_field)
            if term is not None:
                yield current, term
            group = []
        current = btext
        group.append((i, payload))
    if group:
        term = _term(fieldname, current, group, sources, text_field)
        if term is not None:
            yield current, term


def _term(fieldname: str, btext: bytes, group: list[tuple[int, Any]], sources: Sequence[SegmentSource],
          text_field: bool) -> Term | None:
    """One term's postings from the streams that hold it; None if none are live."""
    if len(group) == 1 and group[0][0]:
        copied = sources[group[0][0] - 1].copy(group[0][1])
        if copied is not None:
            return copied
    parts = []
    for i, payload in group:
        part = payload if i == 0 else sources[i - 1].postings(fieldname, btext, text_field, payload)
        if part[0]:
            parts.append(part)
    return join(parts) if parts else None


def _tagged(terms: Iterator[tuple[bytes, Any]], i: int) -> Iterator[tuple[bytes, int, Any]]:
    return ((t, i, p) for t, p in terms)


def join(parts: list[Postings]) -> Postings:
    """One posting list from several, in docnum order."""
    if len(parts) == 1:
        ids, weights, values = parts[0]
        return list(ids), weights, values
    parts.sort(key=lambda p: p[0][0])
    all_ids: list[int] = []
    all_values: list[bytes] = []
    ordered = True
    for p in parts:
        if all_ids and p[0][0] <= all_ids[-1]:
            ordered = False
        all_ids.extend(p[0])
        all_values.extend(p[2])
    all_weights: list[float] | None = None
    if any(p[1] is not None for p in parts):
        all_weights = []
        for p in parts:
            all_weights.extend(p[1] if p[1] is not None else [1.0] * len(p[0]))
    if ordered:
        return all_ids, all_weights, all_values
    # documents added to the writer after a segment was merged in
    order = sorted(range(len(all_ids)), key=all_ids.__getitem__)
    return ([all_ids[k] for k in order], [all_weights[k] for k in order] if all_weights is not None else None,
            [all_values[k] for k in order])
