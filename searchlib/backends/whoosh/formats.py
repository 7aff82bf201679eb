"""Compact posting formats: positions, and character counts.

Whoosh's ``Positions`` format pickles each posting's position list (about 14
bytes for one position) and unpickles it to read it back. ``CompactPositions``
stores the positions as a typed array (unsigned 8, 16 or 32 bits, the
narrowest that fits) behind a one-byte type code: a position takes 1-2 bytes
in news articles, and encoding and decoding are single C-level calls. It
answers every question ``Positions`` answers (frequency, weight, positions,
position boosts), so Whoosh's phrase queries work on it unchanged.

``CharCounts`` keeps no value at all: a posting's weight is how often the
term (one character) occurs in the field, which is all a one-character
search needs (which articles, how often).
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from typing import Any

from whoosh.formats import Format, Positions, tokens

__all__ = ["CharCounts", "CompactPositions", "encode_positions", "single_position", "frequencies", "LONE"]

_B, _H, _I = ord("B"), ord("H"), ord("I")
#: Encodings of a lone position (most postings), made once: 256 one-byte and
#: 65,280 two-byte ones.
_SINGLE: list[bytes] = ([b"B" + bytes([p]) for p in range(256)]
                        + [b"H" + array("H", [p]).tobytes() for p in range(256, 65536)])
#: A lone position's encoding -> the position (what a one-position value decodes to).
LONE: dict[bytes, int] = {value: position for position, value in enumerate(_SINGLE)}


def single_position(p: int) -> bytes:
    """The encoding of the one-position list ``[p]``."""
    return _SINGLE[p] if p < 65536 else b"I" + array("I", [p]).tobytes()


def frequencies(values: list[bytes]) -> list[int]:
    """Frequency (number of positions) of each encoded value."""
    lone = LONE
    return [1 if v in lone else _frequency(v) for v in values]


def _frequency(value: bytes) -> int:
    code = value[0]
    return (len(value) - 1) // (1 if code == _B else 2 if code == _H else 4)


def encode_positions(poslist: list[int]) -> bytes:
    """Type code + the ascending positions as a typed array."""
    top = poslist[-1]
    if len(poslist) == 1:
        return single_position(top)
    if top < 256:
        return b"B" + bytes(poslist)
    if top < 65536:
        return b"H" + array("H", poslist).tobytes()
    return b"I" + array("I", poslist).tobytes()


class CompactPositions(Positions):
    """Positions stored as typed delta arrays (see the module docstring)."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        fb = self.field_boost
        poses: dict[str, list[int]] = defaultdict(list)
        kwargs["positions"] = True
        for t in tokens(value, analyzer, kwargs):
            poses[t.text].append(t.pos)
        for w, poslist in poses.items():
            yield (w, len(poslist), len(poslist) * fb, encode_positions(poslist))

    def encode(self, poslist: list[int]) -> bytes:
        return encode_positions(poslist)

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return array(chr(valuestring[0]), valuestring[1:]).tolist()

    def decode_frequency(self, valuestring: bytes) -> int:
        return _frequency(valuestring)

    def decode_weight(self, valuestring: bytes) -> float:
        return float(self.decode_frequency(valuestring) * self.field_boost)

    def decode_position_boosts(self, valuestring: bytes) -> list[tuple[int, float]]:
        return [(pos, 1.0) for pos in self.decode_positions(valuestring)]

    def combine(self, vs: list[bytes]) -> bytes:
        merged: set[int] = set()
        for v in vs:
            merged.update(self.decode_positions(v))
        return encode_positions(sorted(merged))


class CharCounts(Format):
    """Weights only: each posting's weight is the term's count in the field."""

    posting_size = 0

    def __init__(self, field_boost: float = 1.0, **options: Any) -> None:
        self.field_boost = field_boost
        self.options = options

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        counts: dict[str, int] = defaultdict(int)
        for t in tokens(value, analyzer, kwargs):
            counts[t.text] += 1
        for w, n in counts.items():
            yield (w, n, float(n), b"")
