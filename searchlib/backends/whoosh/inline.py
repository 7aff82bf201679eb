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

from collections.abc import Iterator, Sequence
from pickle import dumps, loads
from typing import Any

from whoosh.codec.whoosh3 import W3TermInfo, W3TermsReader
from whoosh.reading import TermNotFound

__all__ = ["COMPACT", "encode", "decode", "TermsReader", "TermInfo"]

#: The term info's inlined flag for postings in this encoding.
COMPACT = 2
_PICKLE = 4
#: weights: none stored (all 1.0), integers; or weights and values pickled together
_W_NONE, _W_INT, _PICKLED = 0, 1, 2
#: values: all empty, byte strings
_V_EMPTY, _V_BYTES = 0, 1


def _varints(out: bytearray, numbers: Iterator[int] | Sequence[int]) -> None:
    for n in numbers:
        while n > 0x7F:
            out.append((n & 0x7F) | 0x80)
            n >>= 7
        out.append(n)


def _read_varints(data: bytes, at: int, count: int) -> tuple[list[int], int]:
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
    _varints(out, (ids[i] - (ids[i - 1] if i else 0) for i in range(len(ids))))
    integral = not weights or all(w >= 0 and w == int(w) and w < 1 << 32 for w in weights)
    plain = all(isinstance(v, bytes) for v in values)
    if not (integral and plain):  # not met in a news index; kept exact all the same
        out.append(_PICKLED)
        out += dumps((tuple(weights or ()), tuple(values)), _PICKLE)
        return bytes(out)
    if weights:
        out.append(_W_INT)
        _varints(out, (int(w) for w in weights))
    else:
        out.append(_W_NONE)
    if all(v == b"" for v in values):
        out.append(_V_EMPTY)
    else:
        out.append(_V_BYTES)
        _varints(out, (len(v) for v in values))
        for v in values:
            out += v
    return bytes(out)


def decode(data: bytes, at: int, count: int) -> tuple[tuple[int, ...], tuple[float, ...], tuple[Any, ...]]:
    """``(ids, weights, values)`` of ``count`` postings encoded at ``data[at:]``, in the
    shapes of Whoosh's inlined postings (no weights: an empty tuple)."""
    gaps, at = _read_varints(data, at, count)
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
        ints, at = _read_varints(data, at, count)
        weights = tuple(map(float, ints))
    kind = data[at]
    at += 1
    if kind == _V_EMPTY:
        return tuple(ids), weights, (b"",) * count
    lengths, at = _read_varints(data, at, count)
    parts = []
    for n in lengths:
        parts.append(data[at:at + n])
        at += n
    return tuple(ids), weights, tuple(parts)


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

    def term_info(self, fieldname: str, tbytes: bytes) -> W3TermInfo:
        try:
            return TermInfo.from_bytes(self._tindex[self._keycoder(fieldname, tbytes)])
        except KeyError:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}") from None
