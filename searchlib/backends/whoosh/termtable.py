"""The compact term table: a segment's terms in sorted, front-coded blocks.

Whoosh's term table (an ordered hash file, ``.trm``) costs about 80 bytes a
term: a pair of lengths, the key, a 23-byte fixed term info, two hash slots
and an order slot. A news index has millions of terms (character bigrams of
names and numbers, rare words), most held by one or two documents, so that
table was most of the index. This one (``.trs``) keeps the terms in key order,
in blocks of :data:`BLOCK`: each key stores only what it adds to the one
before it, each term info is a few varints (:func:`pack_info`), and a sparse
index of every block's first key, read once per reader, finds a term's block
by bisection. The 300 bundled test articles' 94,888 terms take 2.3 MB instead
of 7.7 MB (~25 bytes a term, inlined postings and their positions included).

:class:`TermsReader` reads it with the methods of Whoosh's terms readers;
segments written before keep their ``.trm`` table and Whoosh's reader
(:meth:`FastCodec.terms_reader <.writer.FastCodec.terms_reader>` picks by file).
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterator
from pickle import dumps, loads
from struct import Struct
from typing import Any

from whoosh.codec.base import FieldCursor
from whoosh.codec.base import TermsReader as _WhooshTermsReader
from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from .inline import decode as decode_inline
from .inline import prefix_run, read_varints, write_varints

__all__ = ["EXT", "BLOCK", "TermTableWriter", "TermTable", "TermsReader", "pack_info", "unpack_info"]

#: The file extension of the compact table inside a segment.
EXT = ".trs"
#: Terms per block: a lookup decodes at most this many keys.
BLOCK = 32
_MAGIC = b"STT1"
_TAIL = Struct("!Q")
_FLOATS = Struct("!ff")
_FIELD = Struct("!H")
#: bits of an info's first varint under the document frequency
_INLINED, _FLOAT_WEIGHTS = 1, 2


def _entry_head(data: bytes, at: int) -> tuple[int, int, int, int]:
    """An entry's head at ``data[at:]``: where its key suffix starts, the length of the key
    it shares with the previous one, the suffix's length, the value's length."""
    (shared, grown, size), at = read_varints(data, at, 3)
    return at, shared, grown, size


def pack_info(df: int, weight: float, maxweight: float, minl: int, maxl: int, minid: int, maxid: int,
              inline: bytes | None = None, extent: tuple[int, int] = (0, 0)) -> bytes:
    """A term's info: document frequency, total and highest weight, the field-length
    bytes of its shortest and longest document, then its postings (``inline``, in
    :mod:`.inline`'s encoding) or their first and last document and ``extent``
    (offset, length) in the postings file."""
    out = bytearray()
    integral = (weight == int(weight) and maxweight == int(maxweight)
                and weight >= df and maxweight >= 1)
    head = df << 2 | (0 if integral else _FLOAT_WEIGHTS) | (_INLINED if inline is not None else 0)
    if integral:
        write_varints(out, (head, int(weight) - df, int(maxweight) - 1))
    else:
        write_varints(out, (head,))
        out += _FLOATS.pack(weight, maxweight)
    out.append(minl)
    out.append(maxl)
    if inline is not None:
        out += inline
    else:
        write_varints(out, (minid, maxid - minid, *extent))
    return bytes(out)


def info_doc_frequency(value: bytes) -> int:
    """The document frequency in a packed info, nothing else decoded."""
    return read_varints(value, 0, 1)[0][0] >> 2


def shift_inlined(value: bytes, offset: int) -> bytes | None:
    """A packed info of inlined postings with every docnum moved by ``offset``, or
    None if its postings are in the postings file (only the first gap changes)."""
    (head,), at = read_varints(value, 0, 1)
    if not head & _INLINED:
        return None
    if head & _FLOAT_WEIGHTS:
        at += _FLOATS.size
    else:
        _, at = read_varints(value, at, 2)
    at += 2  # the field-length bytes
    (first,), end = read_varints(value, at, 1)
    out = bytearray(value[:at])
    write_varints(out, (first + offset,))
    out += value[end:]
    return bytes(out)


def unpack_info(value: bytes) -> W3TermInfo:
    """The Whoosh term info of :func:`pack_info`'s bytes."""
    (head,), at = read_varints(value, 0, 1)
    df = head >> 2
    if head & _FLOAT_WEIGHTS:
        weight, maxweight = _FLOATS.unpack_from(value, at)
        at += _FLOATS.size
    else:
        (extra, top), at = read_varints(value, at, 2)
        weight, maxweight = float(df + extra), float(top + 1)
    info = W3TermInfo()
    info._weight, info._df, info._maxweight = weight, df, maxweight
    info._minlength = byte_to_length(value[at])
    info._maxlength = byte_to_length(value[at + 1])
    at += 2
    if head & _INLINED:
        postings = decode_inline(value, at, df)
        info._inlined = postings
        info._minid, info._maxid = postings[0][0], postings[0][-1]
        info._offset = info._length = None
    else:
        (minid, span, info._offset, info._length), _ = read_varints(value, at, 4)
        info._minid, info._maxid = minid, minid + span
    return info


class TermTableWriter:
    """Writes ``(key, value)`` pairs, added in increasing key order, as a compact table."""

    def __init__(self, dbfile: Any) -> None:
        self.dbfile = dbfile
        #: pickled with the index (Whoosh's tables keep the field map here)
        self.extras: dict[str, Any] = {}
        self._buf = bytearray(_MAGIC)
        self._pos = dbfile.tell()
        self._firsts: list[bytes] = []
        self._offsets = array("Q")
        self._last = b""
        self._in_block = BLOCK

    def add(self, key: bytes, value: bytes) -> None:
        last = self._last
        if key <= last and self._firsts:
            raise ValueError(f"term table keys out of order: {key!r} after {last!r}")
        buf = self._buf
        if self._in_block == BLOCK:
            self._firsts.append(key)
            self._offsets.append(self._pos + len(buf))
            self._in_block = 0
            shared = 0
        else:
            shared = 0
            limit = min(len(key), len(last))
            while shared < limit and key[shared] == last[shared]:
                shared += 1
        self._in_block += 1
        write_varints(buf, (shared, len(key) - shared, len(value)))
        buf += key[shared:]
        buf += value
        self._last = key
        if len(buf) > 1 << 20:
            self._flush()

    def _flush(self) -> None:
        self.dbfile.write(bytes(self._buf))
        self._pos += len(self._buf)
        self._buf.clear()

    def close(self) -> None:
        self._flush()
        index_at = self._pos
        self.dbfile.write(dumps((self.extras, self._firsts, self._offsets), 4))
        self.dbfile.write(_TAIL.pack(index_at))
        self.dbfile.close()


class TermTable:
    """Reads a table written by :class:`TermTableWriter` (from a Whoosh file of ``length`` bytes)."""

    def __init__(self, dbfile: Any, length: int) -> None:
        self._dbfile = dbfile
        self._end = _TAIL.unpack(bytes(dbfile.get(length - _TAIL.size, _TAIL.size)))[0]
        extras, self._firsts, self._offsets = loads(bytes(dbfile.get(self._end, length - _TAIL.size
                                                                      - self._end)))
        self.extras: dict[str, Any] = extras

    def _block(self, i: int) -> bytes:
        start = self._offsets[i]
        end = self._offsets[i + 1] if i + 1 < len(self._offsets) else self._end
        return bytes(self._dbfile.get(start, end - start))

    def _entries(self, i: int) -> Iterator[tuple[bytes, int, int, bytes]]:
        """``(key, value start, value end, block bytes)`` of block ``i``'s entries."""
        data = self._block(i)
        at, n, key = 0, len(data), b""
        while at < n:
            shared, grown, size = data[at], data[at + 1], data[at + 2]
            if (shared | grown | size) < 0x80:  # one byte each: nearly every entry
                at += 3
            else:
                at, shared, grown, size = _entry_head(data, at)
            key = key[:shared] + data[at:at + grown]
            at += grown
            yield key, at, at + size, data
            at += size

    def get(self, key: bytes) -> bytes | None:
        """The value of ``key``, or None."""
        i = bisect_right(self._firsts, key) - 1
        if i < 0:
            return None
        data = self._block(i)
        at, n, k = 0, len(data), b""
        while at < n:  # _entries, inlined: this is every term lookup
            shared, grown, size = data[at], data[at + 1], data[at + 2]
            if (shared | grown | size) < 0x80:
                at += 3
            else:
                at, shared, grown, size = _entry_head(data, at)
            k = k[:shared] + data[at:at + grown]
            at += grown
            if k >= key:
                return data[at:at + size] if k == key else None
            at += size
        return None

    def __contains__(self, key: bytes) -> bool:
        return self.get(key) is not None

    def items_from(self, key: bytes) -> Iterator[tuple[bytes, bytes]]:
        """Every ``(key, value)`` from the first key at or after ``key``, in key order."""
        first = max(bisect_right(self._firsts, key) - 1, 0)
        for i in range(first, len(self._offsets)):
            for k, a, b, data in self._entries(i):
                if i > first or k >= key:  # later blocks' keys all come after it
                    yield k, data[a:b]

    def keys_from(self, key: bytes) -> Iterator[bytes]:
        return (k for k, _ in self.items_from(key))

    def close(self) -> None:
        self._dbfile.close()


class _Cursor(FieldCursor):
    """A field's terms in order (what Whoosh's fuzzy matching walks)."""

    def __init__(self, reader: TermsReader, fieldname: str, fieldobj: Any) -> None:
        self._reader, self._fieldname, self._fieldobj = reader, fieldname, fieldobj
        self.find(b"")

    def first(self) -> Any:
        return self.find(b"")

    def find(self, string: Any) -> Any:
        if not isinstance(string, bytes):
            string = self._fieldobj.to_bytes(string)
        self._items = self._reader.items_from(self._fieldname, string)
        return self.next()

    def next(self) -> Any:
        for (fieldname, btext), info in self._items:
            if fieldname == self._fieldname:
                self._text, self._info = self._fieldobj.from_bytes(btext), info
                return self._text
            break
        self._text = self._info = None
        return None

    def text(self) -> Any:
        return self._text

    def term_info(self) -> Any:
        return self._info

    def is_valid(self) -> bool:
        return self._text is not None


class TermsReader(_WhooshTermsReader):
    """The terms of one segment from its compact table, with Whoosh's terms-reader methods."""

    def __init__(self, codec: Any, dbfile: Any, length: int, postfile: Any) -> None:
        self._codec = codec
        self._table = TermTable(dbfile, length)
        self._fieldmap: dict[str, int] = self._table.extras["fieldmap"]
        self._fieldunmap = {num: name for name, num in self._fieldmap.items()}
        self._postfile = postfile

    def _key(self, fieldname: str, tbytes: bytes) -> bytes:
        return _FIELD.pack(self._fieldmap.get(fieldname, 65535)) + tbytes

    def _term(self, key: bytes) -> tuple[str, bytes]:
        return self._fieldunmap[_FIELD.unpack_from(key)[0]], key[_FIELD.size:]

    def _value(self, fieldname: str, tbytes: bytes) -> bytes:
        """The term's packed info; KeyError if absent (what Whoosh's segment reader
        catches in ``frequency`` and ``doc_frequency``)."""
        value = self._table.get(self._key(fieldname, tbytes))
        if value is None:
            raise KeyError((fieldname, tbytes))
        return value

    def __contains__(self, term: Any) -> bool:
        return self._key(*term) in self._table

    def indexed_field_names(self) -> Any:
        return self._fieldmap.keys()

    def cursor(self, fieldname: str, fieldobj: Any) -> _Cursor:
        return _Cursor(self, fieldname, fieldobj)

    def terms(self) -> Iterator[tuple[str, bytes]]:
        return (self._term(k) for k in self._table.keys_from(b""))

    def terms_from(self, fieldname: str, prefix: bytes) -> Iterator[tuple[str, bytes]]:
        return (self._term(k) for k in self._table.keys_from(self._key(fieldname, prefix)))

    def items(self) -> Iterator[tuple[tuple[str, bytes], W3TermInfo]]:
        return ((self._term(k), unpack_info(v)) for k, v in self._table.items_from(b""))

    def items_from(self, fieldname: str, prefix: bytes) -> Iterator[tuple[tuple[str, bytes], W3TermInfo]]:
        return ((self._term(k), unpack_info(v))
                for k, v in self._table.items_from(self._key(fieldname, prefix)))

    def prefix_frequencies(self, fieldname: str, prefix: bytes) -> Iterator[tuple[bytes, int]]:
        """``(term, document frequency)`` of the field's terms starting with ``prefix``."""
        if fieldname not in self._fieldmap:
            return iter(())
        key = self._key(fieldname, prefix)
        return prefix_run(self._table.items_from(key), key, info_doc_frequency)

    def packed_items(self, fieldname: str) -> Iterator[tuple[bytes, bytes]]:
        """``(term, packed info)`` of the field's terms in order, nothing decoded
        (:func:`unpack_info` and :func:`shift_inlined` read them)."""
        if fieldname not in self._fieldmap:
            return
        key = self._key(fieldname, b"")
        for k, v in self._table.items_from(key):
            if not k.startswith(key):
                return
            yield k[_FIELD.size:], v

    def term_info(self, fieldname: str, tbytes: bytes) -> W3TermInfo:
        try:
            return unpack_info(self._value(fieldname, tbytes))
        except KeyError:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}") from None

    def frequency(self, fieldname: str, tbytes: bytes) -> float:
        return float(unpack_info(self._value(fieldname, tbytes)).weight())

    def doc_frequency(self, fieldname: str, tbytes: bytes) -> int:
        return info_doc_frequency(self._value(fieldname, tbytes))

    def matcher(self, fieldname: str, tbytes: bytes, format_: Any, scorer: Any = None) -> Any:
        return self._codec.postings_reader(self._postfile, self.term_info(fieldname, tbytes), format_,
                                           term=(fieldname, tbytes), scorer=scorer)

    def close(self) -> None:
        self._table.close()
        self._postfile.close()
