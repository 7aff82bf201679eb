"""A faster Whoosh segment writer producing standard Whoosh (W3 codec) segments.

Whoosh's own writer spends most of its time per posting: each one goes through
Token objects, a sorting pool that pickles to temporary files, and a field
writer that looks up a field length per posting. Here:

* analysis yields each text field's token list directly (:func:`field_tokens`),
  bypassing Token objects: exactly the terms and positions Whoosh's
  ``field.index()`` would produce (a test checks it);
* tokens go straight into per-term posting lists in memory (documents come in
  docnum order, so each list is already sorted) instead of Whoosh's external
  sort; positions are encoded once, when written, in the compact format of
  :mod:`.formats`;
* each term's postings are written at once, straight to W3's byte format:
  short posting lists are inlined in the term table (Whoosh's own inlining
  has a typo that disables it), blocks are pickled with protocol 4 rather
  than 2, and only blocks large enough to shrink are compressed;
* the term table is searchlib's compact one (:mod:`.termtable`), under a
  third of the size of Whoosh's.

Postings, stored fields and columns are W3's; Whoosh's segment readers read
them as usual, the term table through :meth:`FastCodec.terms_reader`.
"""

from __future__ import annotations

import zlib
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterator
from pickle import dumps
from typing import Any

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3FieldWriter, W3Segment
from whoosh.filedb.filestore import OverlayStorage
from whoosh.reading import SegmentReader
from whoosh.system import emptybytes, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from ...analysis import SCRIPT, Folding, SegmenterProfile, bigrams, word_spans
from .formats import _SINGLE, CompactPositions, encode_positions, frequencies
from .inline import TermsReader as LegacyTermsReader
from .inline import encode as encode_inline
from .merge import Postings, SegmentSource, Term, merge_field
from .schema import CHARS
from .termtable import EXT as TERMS_EXT
from .termtable import TermsReader, TermTableWriter, pack_info

__all__ = ["FastCodec", "FastSegmentWriter", "field_tokens", "TEXT_FIELDS"]

#: Fields whose postings are built from token lists; their terms stay str until written.
TEXT_FIELDS = frozenset({"title", "body", "title_ng", "body_ng"})
INLINE_LIMIT = 12
COMPRESS_MIN = 96
#: Whoosh pickles postings with protocol 2, which stores every bytes value
#: through a codecs call; its readers unpickle any protocol, and protocol 4
#: writes (and reads) those postings several times faster and smaller.
PICKLE_PROTOCOL = 4


def field_tokens(kind: str, text: str, profile: SegmenterProfile, folding: Folding = SCRIPT) -> list[str]:
    """The terms of a words (``kind="words"``) or bigram field value, the
    i-th at position i: what Whoosh's ``field.index(text)`` would index with
    searchlib's tokenizers (a test checks it)."""
    if kind == "words":
        return [w for w, _, _ in word_spans(text, profile, folding)]
    return [gram for gram, _ in bigrams(text, folding)]


#: Each character-count field and the bigram field its characters are read from.
_CHAR_TWINS = {chars: grams for grams, chars in CHARS.items()}


def char_counts(grams: list[str]) -> list[tuple[bytes, int, float, bytes]]:
    """The character-count postings of a field value from its bigram terms (each bigram's
    first character is the character at its position): what ``CharCounts`` would index."""
    counts = Counter(g[0] for g in grams)
    return [(ch.encode("utf-8"), n, float(n), b"") for ch, n in counts.items()]


_ID_CHARS = "0123456789abcdefghijklmnopqrstuvwxyz"


def segment_id() -> str:
    """A new segment name, 16 characters as Whoosh's, from the OS's random source."""
    import secrets

    return "".join(secrets.choice(_ID_CHARS) for _ in range(16))
_POSITIONS = CompactPositions()


def _mini_weights(weights: list[float]) -> Any:
    # W3's block reader: None = all 1.0, a float = all that value, else a sequence
    first = weights[0]
    if all(w == first for w in weights):
        return None if first == 1 else float(first)
    return tuple(weights)


class _FastFieldWriter(W3FieldWriter):
    """Writes each term's whole posting list at once, in W3's format."""

    def __init__(self, codec: Any, storage: Any, segment: Any) -> None:
        self._codec = codec
        self._storage = storage
        self._segment = segment
        self._fieldname = self._fieldid = self._btext = self._fieldobj = self._format = None
        self._tindex = TermTableWriter(self._create_file(TERMS_EXT))
        self._fieldmap: dict[str, int] = {}
        self._tindex.extras["fieldmap"] = self._fieldmap
        self._postfile = self._create_file(W3Codec.POSTS_EXT)
        self._postwriter = None
        self._infield = False
        self.is_closed = False

    def add_terms(self, schema: Any, lengths: dict[str, array],
                  terms: Iterator[tuple[str, bytes, Term]]) -> None:
        """Write whole posting lists (or packed infos copied as they are, :mod:`.merge`),
        sorted by (field name, term)."""
        codec = self._codec
        inline, blocklimit, comp = codec._inlinelimit, codec._blocklimit, codec._compression
        postfile = self._postfile
        tadd = self._tindex.add
        fieldmap = self._fieldmap
        lastfn = None
        prefix = b""
        flen: array | None = None
        for fieldname, btext, postings in terms:
            if fieldname != lastfn:
                fieldmap.setdefault(fieldname, len(fieldmap))
                prefix = pack_ushort(fieldmap[fieldname])
                flen = lengths.get(fieldname)
                fixedsize = schema[fieldname].format.fixed_value_size()
                lastfn = fieldname
            if isinstance(postings, bytes):
                tadd(prefix + btext, postings)
                continue
            ids, weights, values = postings
            df = len(ids)
            if flen is not None:
                ls = [flen[i] for i in ids]
                minl, maxl = length_to_byte(min(ls)), length_to_byte(max(ls))
            else:
                minl = maxl = 0
            if weights is None:  # every posting weighs 1
                weight, maxweight = float(df), 1.0
            else:
                weight, maxweight = sum(weights), max(weights)
            if df <= inline:
                # no weights stored means weight 1.0 for Whoosh's ListMatcher
                info = pack_info(df, weight, maxweight, minl, maxl, ids[0], ids[-1],
                                 inline=encode_inline(ids, weights, values))
            else:
                start = postfile.tell()
                postfile.write(WHOOSH3_HEADER_MAGIC)
                for b in range(0, df, blocklimit):
                    _write_block(postfile, ids, weights, values, b, min(b + blocklimit, df),
                                 flen, comp, last=b + blocklimit >= df, fixedsize=fixedsize)
                info = pack_info(df, weight, maxweight, minl, maxl, ids[0], ids[-1],
                                 extent=(start, postfile.tell() - start))
            tadd(prefix + btext, info)


def _write_block(postfile: Any, ids: Any, weights: list[float] | None, values: list[bytes], a: int,
                 b: int, flen: array | None, comp: int, last: bool, fixedsize: int | None) -> None:
    """One W3 posting block: a pickled (info, data) pair, data compressed if it pays.

    Values are kept as Whoosh's block reader expects them for the field's format
    (``W3PostingsWriter._mini_values``): a tuple, nothing for a format of no
    values, one byte string for values of a fixed size (frequencies)."""
    bids = ids[a:b]
    bweights = weights[a:b] if weights is not None else None
    deltas = [bids[0]] + [bids[i] - bids[i - 1] for i in range(1, len(bids))]
    bvalues: Any
    if fixedsize is None or fixedsize < 0:
        bvalues = tuple(values[a:b])
    elif fixedsize == 0:
        bvalues = None
    else:
        bvalues = b"".join(values[a:b])
    data = dumps((tuple(deltas), _mini_weights(bweights) if bweights else None, bvalues),
                 PICKLE_PROTOCOL)
    level = comp if len(data) >= COMPRESS_MIN else 0
    if level:
        data = zlib.compress(data, level)
    if flen is not None:
        ls = [flen[i] for i in bids]
        minl, maxl = length_to_byte(min(ls)), length_to_byte(max(ls))
    else:
        minl = maxl = 0
    info = dumps((len(bids), bids[-1], max(bweights) if bweights else 1.0, level, minl, maxl),
                 PICKLE_PROTOCOL)
    size = len(info) + len(data)
    postfile.write_int(-size if last else size)
    postfile.write(info)
    postfile.write(data)


class FastCodec(W3Codec):
    """Whoosh's W3 codec with the faster field writer above.

    ``segment``: a segment made beforehand (by the process that will commit
    it) for the next writer to fill, so that process knows its name.
    """

    def __init__(self, blocklimit: int = 128, compression: int = 3,
                 inlinelimit: int = INLINE_LIMIT, segment: Any = None) -> None:
        super().__init__(blocklimit, compression, inlinelimit)
        self._next_segment = segment

    def new_segment(self, storage: Any, indexname: str) -> Any:
        segment, self._next_segment = getattr(self, "_next_segment", None), None
        if segment is not None:
            return segment
        # Whoosh names segments with the `random` module: a program that seeds
        # it (random.seed(0)) would make two writers pick the same segment names
        return W3Segment(self, indexname, segid=segment_id())

    def field_writer(self, storage: Any, segment: Any) -> _FastFieldWriter:
        return _FastFieldWriter(self, storage, segment)

    def terms_reader(self, storage: Any, segment: Any) -> TermsReader | LegacyTermsReader:
        """The segment's compact term table (:mod:`.termtable`), or for a segment written
        before it, Whoosh's table read with compact inlined postings (:mod:`.inline`)."""
        postings = segment.open_file(storage, self.POSTS_EXT)
        name = segment.make_filename(TERMS_EXT)
        if storage.file_exists(name):
            return TermsReader(self, storage.open_file(name), storage.file_length(name), postings)
        name = segment.make_filename(self.TERMS_EXT)
        return LegacyTermsReader(self, storage.open_file(name), storage.file_length(name), postings)



class _TermPool:
    """Postings grouped per (field, term) in memory; replaces Whoosh's sorting pool.

    Fields of :data:`TEXT_FIELDS` take whole token lists (:meth:`add_tokens`)
    and keep, per term, the docnums and encoded positions; the frequency is
    read back from the encoding when written. Their terms stay str until then
    (str order is UTF-8 byte order, which Whoosh's term table needs). Other
    fields take Whoosh's ``(term, freq, weight, value)`` items.
    """

    def __init__(self) -> None:
        # term -> [docnum, value, docnum, value, ...]: one list per term
        self.text: dict[str, dict[str, list[Any]]] = defaultdict(dict)
        # terms occurring more than once in some document (others weigh 1 everywhere)
        self.repeated: dict[str, set[str]] = defaultdict(set)
        self.other: dict[str, dict[bytes, tuple[array, list[float], list[bytes]]]] = defaultdict(dict)
        #: segments being merged in, read term by term as the segment is written
        self.sources: list[SegmentSource] = []

    def add_tokens(self, fieldname: str, docnum: int, terms: list[str]) -> None:
        """Add one document's field value: ``terms[i]`` is at position i."""
        positions: dict[str, Any] = {}
        get = positions.get
        for pos, term in enumerate(terms):
            p = get(term)
            if p is None:
                positions[term] = pos  # an int while the term occurs once
            elif p.__class__ is int:
                positions[term] = [p, pos]
            else:
                p.append(pos)
        if len(terms) > len(_SINGLE):  # positions beyond the table: no ints
            positions = {t: p if p.__class__ is list else [p] for t, p in positions.items()}
        single = _SINGLE
        fterms = self.text[fieldname]
        fget = fterms.get
        repeated = self.repeated[fieldname].add
        for term, p in positions.items():
            if p.__class__ is int:
                value = single[p]
            else:
                value = encode_positions(p)
                repeated(term)
            entry = fget(term)
            if entry is None:
                fterms[term] = [docnum, value]
            else:
                entry += (docnum, value)

    def add_items(self, fieldname: str, docnum: int, items: list[tuple[Any, ...]]) -> None:
        """Add one document's postings for one field: ``(term, freq, weight, value)``."""
        fterms = self.other[fieldname]
        for term, _freq, weight, value in items:
            entry = fterms.get(term)
            if entry is None:
                entry = fterms[term] = (array("I"), [], [])
            entry[0].append(docnum)
            entry[1].append(weight)
            entry[2].append(value or emptybytes)

    def add_source(self, source: SegmentSource) -> None:
        """Merge a segment in (its postings are read as the new segment is written)."""
        self.sources.append(source)

    def iter_terms(self) -> Iterator[tuple[str, bytes, Term]]:
        fields = set(self.text) | set(self.other)
        for source in self.sources:
            fields |= source.fields
        for fieldname in sorted(fields):
            own = self._own_terms(fieldname)
            merged: Iterator[tuple[bytes, Term]] = (
                merge_field(fieldname, own, self.sources, fieldname in TEXT_FIELDS) if self.sources else own)
            for btext, postings in merged:
                yield fieldname, btext, postings

    def _own_terms(self, fieldname: str) -> Iterator[tuple[bytes, Postings]]:
        # every document added has a higher docnum than the ones before it,
        # so each list is already in docnum order
        if fieldname in self.text:
            fterms = self.text[fieldname]
            repeated = self.repeated[fieldname]
            for term in sorted(fterms):
                entry = fterms[term]
                values = entry[1::2]
                weights = frequencies(values) if term in repeated else None
                yield term.encode("utf-8"), (entry[0::2], weights, values)
        elif fieldname in self.other:
            oterms = self.other[fieldname]
            for btext in sorted(oterms):
                yield btext, oterms[btext]

    def cleanup(self) -> None:
        self.text.clear()
        self.repeated.clear()
        self.other.clear()
        for source in self.sources:
            source.close()
        self.sources.clear()


class FastSegmentWriter(SegmentWriter):
    """A SegmentWriter that takes pre-analysed documents (:meth:`add_prepared`)."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        kwargs.setdefault("codec", FastCodec())
        super().__init__(ix, **kwargs)
        self.pool = _TermPool()

    def add_postings_to_pool(self, reader: Any, startdoc: int, docmap: Any) -> None:
        """Merging segments: their postings are streamed term by term into the new
        segment as it is written (:mod:`.merge`), each from a reader of its own
        (Whoosh's merge policies close theirs at once)."""
        for leaf, base in reader.leaf_readers():
            if not leaf.doc_count_all():
                continue
            storage = leaf.storage()  # a compound segment's files over its index's storage
            if isinstance(storage, OverlayStorage):
                storage = storage.b
            own = SegmentReader(storage, leaf.schema, leaf.segment())
            self.pool.add_source(SegmentSource(own, startdoc + base, docmap, self.schema, base))

    def add_prepared(self, doc: dict[str, Any], tokens: dict[str, list[str]]) -> None:
        """Add a document whose text fields are already tokenized.

        Args:
            doc: field name -> value, as for ``add_document``.
            tokens: field name -> term list from :func:`field_tokens`, for
                fields of :data:`TEXT_FIELDS`.
        """
        self._check_state()
        schema = self.schema
        docnum = self.docnum
        perdoc = self.perdocwriter
        pool = self.pool
        perdoc.start_doc(docnum)
        for fieldname in sorted(doc):
            value = doc[fieldname]
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if fieldname in tokens:
                terms = tokens[fieldname]
                length = len(terms)
                pool.add_tokens(fieldname, docnum, terms)
            elif fieldname in _CHAR_TWINS and _CHAR_TWINS[fieldname] in tokens:
                pool.add_items(fieldname, docnum, char_counts(tokens[_CHAR_TWINS[fieldname]]))
            elif field.indexed:
                items = list(field.index(value))
                if field.scorable:
                    length = sum(item[1] for item in items)
                pool.add_items(fieldname, docnum, items)
            perdoc.add_field(fieldname, field, value if field.stored else None, length)
            if field.column_type is not None:
                perdoc.add_column_value(fieldname, field.column_type, field.to_column_value(value))
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        # Field lengths per posting only feed Whoosh's block-quality shortcuts,
        # which searchlib never uses (they change results; see index._run), so
        # terms and blocks record none and the length columns are not re-read.
        self.perdocwriter.close()
        self.fieldwriter.add_terms(self.schema, {}, self.pool.iter_terms())
        self.fieldwriter.close()
