"""Compact inlined postings: the term table's copy of a rare term's postings.

Whoosh keeps the postings of a term held by few documents (up to the codec's
inline limit) in the term table itself, as a pickled ``(ids, weights,
values)`` tuple: about 40 bytes for one posting, and most terms of a news
index (the bigrams of names, numbers, rare words) have one or two. The fast
writer stores them as varints instead (ids as gaps, integral weights as
integers, values with their lengths: 4-8 bytes for one posting), marked by an
inlined flag of 2 in the term info where Whoosh writes 1; :class:`TermsReader`
reads both, so segments written before stay readable.

The term info's fixed head is unchanged, so Whoosh's own readers of it
(document frequency, weight, lengths) work as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pickle import dumps, loads
from struct import calcsize, unpack_from
from typing import Any

from whoosh.codec.whoosh3 import W3TermInfo, W3TermsReader
from whoosh.reading import TermNotFound

__all__ = ["COMPACT", "encode", "decode", "TermsReader", "TermInfo", "write_varints", "read_varints",
           "prefix_run"]

#: The term info's inlined flag for postings in this encoding.
COMPACT = 2
#: Bytes of a term key's field number (before the term's own bytes).
_FIELD_NUMBER = 2
#: Where a W3 term info holds its document frequency (after the inlined flag and the weight).
_DF_AT = calcsize("!Bf")
assert W3TermInfo._struct.format.lstrip("!").startswith("BfI"), W3TermInfo._struct.format
_PICKLE = 4
#: weights: none stored (all 1.0), integers; or weights and values pickled together
_W_NONE, _W_INT, _PICKLED = 0, 1, 2
#: values: all empty, byte strings
_V_EMPTY, _V_BYTES = 0, 1


def write_varints(out: bytearray, numbers: Iterator[int] | Sequence[int]) -> None:
    """Append each of ``numbers`` (>= 0) to ``out``, 7 bits a byte, low bits first."""
    for n in numbers:
        while n > 0x7F:
            out.append((n & 0x7F) | 0x80)
            n >>= 7
        out.append(n)


def read_varints(data: bytes, at: int, count: int) -> tuple[list[int], int]:
    """``count`` numbers written by :func:`write_varints` at ``data[at:]``, and where they end."""
    out: list[int] = []
    for _ in range(count):
        n = shift = 0
        while True:
            b = data[at]
            at += 1
            n |= (b & 0x7F) << shift
            if b < 0x80:
                break
            shift += 7
        out.append(n)
    return out, at


def encode(ids: Sequence[int], weights: Sequence[float] | None, values: Sequence[Any]) -> bytes:
    """The compact form of a term's postings (``weights`` None or empty: all 1.0)."""
    out = bytearray()
    write_varints(out, (ids[i] - (ids[i - 1] if i else 0) for i in range(len(ids))))
    integral = not weights or all(w >= 0 and w == int(w) and w < 1 << 32 for w in weights)
    plain = all(isinstance(v, bytes) for v in values)
    if not (integral and plain):  # not met in a news index; kept exact all the same
        out.append(_PICKLED)
        out += dumps((tuple(weights or ()), tuple(values)), _PICKLE)
        return bytes(out)
    if weights:
        out.append(_W_INT)
        write_varints(out, (int(w) for w in weights))
    else:
        out.append(_W_NONE)
    if all(v == b"" for v in values):
        out.append(_V_EMPTY)
    else:
        out.append(_V_BYTES)
        write_varints(out, (len(v) for v in values))
        for v in values:
            out += v
    return bytes(out)


def decode(data: bytes, at: int, count: int) -> tuple[tuple[int, ...], tuple[float, ...], tuple[Any, ...]]:
    """``(ids, weights, values)`` of ``count`` postings encoded at ``data[at:]``, in the
    shapes of Whoosh's inlined postings (no weights: an empty tuple)."""
    gaps, at = read_varints(data, at, count)
    ids = []
    last = 0
    for g in gaps:
        last += g
        ids.append(last)
    kind = data[at]
    at += 1
    if kind == _PICKLED:
        pickled_weights, pickled_values = loads(data[at:])
        return tuple(ids), pickled_weights, pickled_values
    weights: tuple[float, ...] = ()
    if kind == _W_INT:
        ints, at = read_varints(data, at, count)
        weights = tuple(map(float, ints))
    kind = data[at]
    at += 1
    if kind == _V_EMPTY:
        return tuple(ids), weights, (b"",) * count
    lengths, at = read_varints(data, at, count)
    parts = []
    for n in lengths:
        parts.append(data[at:at + n])
        at += n
    return tuple(ids), weights, tuple(parts)


def prefix_run(pairs: Iterator[tuple[bytes, bytes]], key: bytes,
               doc_frequency: Callable[[bytes], int]) -> Iterator[tuple[bytes, int]]:
    """``(term, document frequency)`` of a term table's ``(key, info)`` pairs from ``key``
    on, while the keys start with it (``key``: a field number and a term prefix)."""
    for k, v in pairs:
        if not k.startswith(key):
            return
        yield k[_FIELD_NUMBER:], doc_frequency(v)


def _doc_frequency(info: bytes) -> int:
    return int(unpack_from("!I", info, _DF_AT)[0])


class TermInfo(W3TermInfo):
    """Whoosh's W3 term info, with inlined postings in either encoding."""

    @classmethod
    def from_bytes(cls, s: bytes) -> W3TermInfo:
        if s[0] != COMPACT:
            return W3TermInfo.from_bytes(s)
        head = cls._struct.size
        # the head read as Whoosh does (as a pointer's, then the pointer dropped)
        info = W3TermInfo.from_bytes(b"\x00" + s[1:head] + bytes(12))
        info._offset = info._length = None
        info._inlined = decode(s, head, info._df)
        return info


class TermsReader(W3TermsReader):
    """Whoosh's W3 terms reader, reading term infos through :class:`TermInfo`."""

    def items(self) -> Iterator[tuple[Any, W3TermInfo]]:
        keydecoder, tidecoder = self._keydecoder, TermInfo.from_bytes
        return ((keydecoder(k), tidecoder(v)) for k, v in self._tindex.items())

    def items_from(self, fieldname: str, prefix: bytes) -> Iterator[tuple[Any, W3TermInfo]]:
        keydecoder, tidecoder = self._keydecoder, TermInfo.from_bytes
        return ((keydecoder(k), tidecoder(v))
                for k, v in self._tindex.items_from(self._keycoder(fieldname, prefix)))

    def prefix_frequencies(self, fieldname: str, prefix: bytes) -> Iterator[tuple[bytes, int]]:
        """``(term, document frequency)`` of the field's terms starting with ``prefix``."""
        if fieldname not in self._fieldmap:
            return iter(())
        key = self._keycoder(fieldname, prefix)
        return prefix_run(self._tindex.items_from(key), key, _doc_frequency)

    def term_info(self, fieldname: str, tbytes: bytes) -> W3TermInfo:
        try:
            return TermInfo.from_bytes(self._tindex[self._keycoder(fieldname, tbytes)])
        except KeyError:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}") from None
