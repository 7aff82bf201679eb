"""Every private Whoosh name searchlib relies on, listed and checked in one place.

searchlib reads and writes Whoosh's W3 segments faster than Whoosh's public
API allows (whole posting blocks at once, term tables written in one go), and
that needs names Whoosh does not promise to keep. They are all listed in
:data:`PRIVATE`, and :func:`check` (run at import) fails loudly, naming what is
missing, on a Whoosh that lacks any of them: better than an ``AttributeError``
in the middle of a search. Attributes that only exist on live objects (set in
``__init__``) are in :data:`INSTANCE`; the test suite checks those on real
readers, matchers and writers.

The helpers below are the only code that touches the reading side's private
names; the writer subclasses (``writer.py``, ``pipeline.py``) use the names
listed for them.
"""

from __future__ import annotations

import importlib
from typing import Any

from ...errors import SearchlibError

__all__ = ["PRIVATE", "INSTANCE", "check", "WhooshCompatibilityError", "raw_postings", "posting_arrays",
           "term_info_or_none", "deleted_docs", "length_bytes", "segment_count", "prefix_frequencies",
           "field_term_infos", "terms_reader"]

#: "module:object" -> private attributes of it (class or module level).
PRIVATE: dict[str, tuple[str, ...]] = {
    # reading: whole posting blocks, field lengths
    "whoosh.codec.whoosh3:W3LeafMatcher": ("_read_ids", "_read_weights", "_read_values",
                                           "_next_block"),
    "whoosh.codec.whoosh3:W3PerDocReader": ("_cached_reader",),
    "whoosh.codec.whoosh3": ("_lenfield",),
    # reading segments written before the compact term table (termtable.py): document
    # frequencies of a run of terms from one scan of Whoosh's table, term infos of
    # compact inlined postings (inline.py)
    "whoosh.codec.whoosh3:W3TermInfo": ("_struct",),
    "whoosh.codec.whoosh3:W3TermsReader": ("_keycoder", "_keydecoder"),
    "whoosh.filedb.filetables:OrderedHashReader": ("items_from",),
    "whoosh.codec.whoosh3:W3FieldWriter": ("_create_file",),
    # writing: segments built elsewhere, committed in order
    "whoosh.writing:SegmentWriter": ("_check_state", "_merge_segments", "_finalize_segment",
                                     "_close_segment", "_flush_segment"),
    "whoosh.index:FileIndex": ("_segments",),
    # reading segment files in place (mapped.py): the folder's file paths, and a
    # BufferFile's reads by position, which slice its ``_buf``
    "whoosh.filedb.filestore:FileStorage": ("_fpath",),
}

#: Class name -> private attributes its instances carry (checked by the tests).
INSTANCE: dict[str, tuple[str, ...]] = {
    "SegmentReader": ("_terms", "_perdoc"),
    "W3TermsReader": ("_codec", "_postfile", "_tindex", "_fieldmap"),
    # termtable.py builds term infos field by field
    "W3TermInfo": ("_weight", "_df", "_minlength", "_maxlength", "_maxweight", "_minid", "_maxid",
                   "_inlined", "_offset", "_length"),
    "BufferFile": ("_buf", "_name"),
    "W3LeafMatcher": ("_ids", "_weights", "_values"),
    "W3Codec": ("_blocklimit", "_compression", "_inlinelimit"),
    "SegmentWriter": ("_added", "_tempstorage"),
}


class WhooshCompatibilityError(SearchlibError, ImportError):
    """The installed Whoosh lacks internals searchlib needs."""


def check() -> None:
    """Raise :class:`WhooshCompatibilityError` listing any name of :data:`PRIVATE` missing."""
    missing = []
    for where, names in PRIVATE.items():
        module_name, _, attr = where.partition(":")
        try:
            obj: Any = importlib.import_module(module_name)
            if attr:
                obj = getattr(obj, attr)
        except (ImportError, AttributeError):
            missing.append(where)
            continue
        missing += [f"{where}.{name}" for name in names if not hasattr(obj, name)]
    if missing:
        import whoosh

        raise WhooshCompatibilityError(
            f"the installed Whoosh {whoosh.versionstring()} lacks {', '.join(missing)}; "
            "searchlib needs Whoosh 2.7.4 (pip install 'Whoosh>=2.7.4,<2.8')")


check()

import zlib  # noqa: E402
from bisect import bisect_right  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from io import BytesIO  # noqa: E402
from pickle import load, loads  # noqa: E402
from struct import Struct  # noqa: E402

import numpy as np  # noqa: E402
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, _lenfield  # noqa: E402
from whoosh.reading import TermNotFound  # noqa: E402


def raw_postings(reader: Any, field: str, btext: bytes, info: Any = None,
                 deleted: frozenset[int] = frozenset()) -> tuple[list[int], list[Any], list[bytes]]:
    """All ``(docnums, weights, values)`` of a term in one segment but those of ``deleted``
    documents (:func:`deleted_docs`; by default none are dropped).

    Reads the term's posting blocks whole, from a fresh leaf matcher (an
    inlined ``ListMatcher`` or a ``W3LeafMatcher``), never through the
    wrappers Whoosh adds for deletions. ``info``: the term's info, if the caller
    has it already (a merge walking the term table in order), to spare the lookup.
    """
    ids, weights, values = _all_postings(reader, field, btext, info)
    if deleted and ids:
        keep = [i for i, d in enumerate(ids) if d not in deleted]
        if len(keep) != len(ids):
            return [ids[i] for i in keep], [weights[i] for i in keep], [values[i] for i in keep]
    return ids, weights, values


def term_info_or_none(reader: Any, field: str, btext: bytes) -> Any:
    """A segment's info of a term, or None where it lacks the term (or the field)."""
    try:
        return reader.term_info(field, btext)
    except (TermNotFound, KeyError):
        return None


def _all_postings(reader: Any, field: str, btext: bytes, info: Any) -> tuple[list[int], list[Any], list[bytes]]:
    if info is None:
        info = term_info_or_none(reader, field, btext)
        if info is None:
            return [], [], []
    if info.is_inlined():
        ids, weights, values = info.inlined_postings()
        n = len(ids)
        return list(ids), list(weights or [1.0] * n), list(values or [b""] * n)
    fmt = reader.schema[field].format
    terms = reader._terms
    m = terms._codec.postings_reader(terms._postfile, info, fmt, term=(field, btext))  # a W3LeafMatcher
    # only position formats carry values worth reading; the frequencies of KEYWORD
    # fields equal their weights, and segments written before the fast writer kept
    # them as Whoosh's block reader expects hold them in a form it cannot decode
    with_values = fmt.supports("positions")
    ids_out: list[int] = []
    weights_out: list[Any] = []
    values_out: list[bytes] = []
    while m.is_active():
        m._read_ids()
        m._read_weights()
        ids_out.extend(m._ids)
        weights_out.extend(m._weights)
        if with_values:
            m._read_values()
        values = m._values if with_values and m._values is not None else None
        values_out.extend(values if values is not None else [b""] * len(m._ids))
        m._next_block()
    return ids_out, weights_out, values_out


def posting_arrays(reader: Any, field: str, btext: bytes, deleted: frozenset[int] = frozenset(),
                   with_values: bool = True, info: Any = None,
                   wanted: list[int] | None = None) -> tuple[np.ndarray, np.ndarray, list[bytes] | None]:
    """:func:`raw_postings` as arrays: ``(docnums, weights, values)``, docnums int64 and
    weights float64; values only if ``with_values`` (else None).

    Blocks are decoded in bulk: each block's pickled gaps go into one list, and
    one cumulative sum, corrected at block starts, turns them into docnums.
    ``info``: the term's info if the caller has it; ``wanted``: sorted docnums,
    the only ones the caller needs: blocks holding none of them are skipped
    unread (the postings returned are then those of the blocks read).
    """
    if info is None:
        info = term_info_or_none(reader, field, btext)
        if info is None:
            return _NO_IDS, _NO_WEIGHTS, [] if with_values else None
    fmt = reader.schema[field].format
    values_out: list[Any] | None = [] if with_values else None
    if info.is_inlined():
        ids, weights, values = info.inlined_postings()
        docs = np.array(ids, np.int64)
        w = np.array(weights, np.float64) if weights else np.ones(len(docs), np.float64)
        if values_out is not None:
            values_out = list(values or [b""] * len(docs))
    else:
        positional = fmt.supports("positions")
        gaps: list[int] = []
        lengths: list[int] = []
        wl: list[float] = []
        after, at = -1, 0  # the last docnum of the block before; the next wanted docnum's index
        for count, maxid, data in _blocks(reader._terms._postfile, info):
            if wanted is not None:
                at = bisect_right(wanted, after, at)
                if at == len(wanted):
                    break
                after = maxid
                if wanted[at] > maxid:  # no wanted document in this block
                    continue
            bgaps, bweights, bvalues = loads(data())
            gaps.extend(bgaps)
            lengths.append(count)
            if bweights is None:
                wl.extend([1.0] * count)
            elif isinstance(bweights, float):
                wl.extend([bweights] * count)
            else:
                wl.extend(bweights)
            if values_out is not None:
                values_out.extend(bvalues if positional and bvalues is not None else [b""] * count)
        summed = np.cumsum(np.array(gaps, np.int64))
        if len(lengths) > 1:  # each block's first gap is its first docnum
            starts = np.cumsum(lengths)[:-1]
            summed -= np.repeat(np.concatenate(([0], summed[starts - 1])), lengths)
        docs, w = summed, np.array(wl, np.float64)
    return _filter(docs, w, values_out, deleted)


def _blocks(postfile: Any, info: Any) -> Iterator[tuple[int, int, Callable[[], bytes]]]:
    """``(postings, last docnum, its data read when called)`` of each W3 posting block of a
    term, read straight from the term's bytes in the postings file (what Whoosh's
    ``W3LeafMatcher`` reads, without a file object's seek and read per step).

    A block is a length (negative for the last block), a pickled info tuple and the
    pickled ``(docnum gaps, weights, values)``, zlib-compressed if the info says so.
    An info pickled with protocol 4 (searchlib's writer) states its own size in its
    frame; one of protocol 2 (Whoosh's writer) is read from a stream to find its end.
    """
    offset, length = info.extent()
    if isinstance(length, tuple):  # Whoosh's own table unpacks it as a 1-tuple
        length = length[0]
    raw = postfile.get(offset, length)
    if raw[:4] != WHOOSH3_HEADER_MAGIC:
        raise WhooshCompatibilityError(f"posting block tag error at {offset}: {bytes(raw[:4])!r}")
    pos, end = 4, len(raw)
    last = False
    while pos < end and not last:
        size = _BLOCK_LENGTH.unpack_from(raw, pos)[0]
        last, size = size < 0, abs(size)
        pos += _BLOCK_LENGTH.size
        stop = pos + size
        if raw[pos:pos + 3] == _FRAMED:
            head = pos + 11 + int.from_bytes(raw[pos + 3:pos + 11], "little")
            count, maxid, _, compression = loads(raw[pos:head])[:4]
        else:
            stream = BytesIO(raw[pos:stop])
            count, maxid, _, compression = load(stream)[:4]
            head = pos + stream.tell()

        def data(a: int = head, b: int = stop, c: int = compression) -> bytes:
            return zlib.decompress(raw[a:b]) if c else raw[a:b]

        yield count, maxid, data
        pos = stop


#: A block's signed length; a protocol-4 pickle's start: PROTO 4, then FRAME and its size.
_BLOCK_LENGTH = Struct("!i")
_FRAMED = b"\x80\x04\x95"

_NO_IDS = np.empty(0, np.int64)
_NO_WEIGHTS = np.empty(0, np.float64)


def _filter(docs: np.ndarray, weights: np.ndarray, values: list[Any] | None,
            deleted: frozenset[int]) -> tuple[np.ndarray, np.ndarray, list[Any] | None]:
    if not deleted or not len(docs):
        return docs, weights, values
    keep = np.isin(docs, np.fromiter(deleted, np.int64, len(deleted)), invert=True)
    if keep.all():
        return docs, weights, values
    if values is not None:
        values = [v for v, k in zip(values, keep.tolist()) if k]
    return docs[keep], weights[keep], values


def field_term_infos(reader: Any, field: str) -> Iterator[tuple[bytes, Any]]:
    """``(term, term info)`` of a segment's terms of ``field``, in term order, from
    one pass over its term table (Whoosh's ``iter_field`` parses its prefix as a
    field value, which fails for dates)."""
    for (fieldname, btext), info in reader._terms.items_from(field, b""):
        if fieldname != field:
            return
        yield btext, info


def terms_reader(reader: Any) -> Any:
    """A segment reader's terms reader (Whoosh's, :mod:`.inline`'s or :mod:`.termtable`'s)."""
    return reader._terms


def prefix_frequencies(reader: Any, field: str, prefix: bytes) -> Iterator[tuple[bytes, int]]:
    """``(term, document frequency)`` of a segment's terms of ``field`` that start with
    ``prefix``, in term order, read in one scan of the term table (no term info
    decoded, no lookup per term); deleted documents are counted, as Whoosh does."""
    return reader._terms.prefix_frequencies(field, prefix)


def deleted_docs(reader: Any) -> frozenset[int]:
    """Segment-local numbers of the deleted documents of a segment reader."""
    if not reader.has_deletions():
        return frozenset()
    return frozenset(reader.segment().deleted_docs())


def length_bytes(reader: Any, field: str) -> Any:
    """The per-document field-length column of a segment (bytes), or None."""
    return reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)


def segment_count(ix: Any) -> int:
    """Number of segments of a Whoosh index."""
    return len(ix._segments())
