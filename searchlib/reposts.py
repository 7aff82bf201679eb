"""Reposts: near-duplicate articles, recognised by MinHash over character shingles.

Engine-neutral. Each article gets a **signature** that depends on its own
text only: the body (the title when the body is empty), folded as the index
folds it (NFKC, case, traditional -> simplified), with everything but letters,
digits and Han characters dropped, cut into overlapping shingles of
:data:`SHINGLE` characters; each shingle is hashed once (CRC-32, mixed) and
one-permutation MinHash keeps the smallest hash in each of :data:`BINS` bins
(empty bins of short texts are filled from the next bin, "densified").

Two articles are **near-duplicates** when their signatures share a band
(:data:`ROWS` consecutive bins equal: :func:`band_keys`, stored by the backends
as indexed keywords, so candidates are found by a term lookup) and agree in at
least :data:`THRESHOLD` of the bins (an estimate of the shingles' Jaccard
similarity). The relation is symmetric and needs no stored cluster ids:
updates and deletes have nothing to repair.

Collapsing (:func:`collapse`) walks ranked matches: a match becomes a
representative unless it is a near-duplicate of one already kept, in which
case it counts towards the first such representative's duplicates.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any
from zlib import crc32

from .analysis import SCRIPT

__all__ = ["signature", "band_keys", "similarity", "near", "collapse", "Cluster",
           "SHINGLE", "BINS", "ROWS", "THRESHOLD"]

#: Characters per shingle.
SHINGLE = 5
#: MinHash bins (values) per signature.
BINS = 64
#: Bins per LSH band; bands cover bins 0 .. BANDS * ROWS - 1.
ROWS = 4
BANDS = BINS // ROWS
#: Share of equal bins from which two articles are near-duplicates.
THRESHOLD = 0.5

_VALUE_SHIFT = 64 - 6              # a 64-bit shingle hash: bin = top 6 bits (BINS == 64), value = next 32
_EMPTY = 0xFFFFFFFF
_DROP = re.compile(r"[\W_]+")


@lru_cache(maxsize=1)
def _constants() -> tuple[Any, Any, Any, Any]:
    """numpy's constants of the shingle hash (numpy loads at the first signature)."""
    import numpy as np

    return (np.uint64(0x100000001B3), np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB),
            np.arange(BINS, dtype=np.uint64) << np.uint64(_VALUE_SHIFT))


Signature = bytes
#: One collapsed cluster: (position of its representative in the ranked list, duplicates).
Cluster = tuple[int, int]


def _shingle_text(title: str, body: str) -> str:
    text = _DROP.sub("", SCRIPT.index_form(body)) if body else ""
    if not text and title:
        text = _DROP.sub("", SCRIPT.index_form(title))
    return text


def signature(title: str, body: str) -> Signature:
    """The article's MinHash signature: :data:`BINS` 32-bit values as bytes,
    or ``b""`` for an article with no letters, digits or Han characters."""
    text = _shingle_text(title, body)
    if not text:
        return b""
    import numpy as np  # lazily: only writers sign articles

    poly, mix1, mix2, bin_starts = _constants()

    chars = np.frombuffer(text.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    if len(chars) < SHINGLE:
        chars = np.pad(chars, (0, SHINGLE - len(chars)))
    n = len(chars) - SHINGLE + 1
    h = chars[:n].copy()
    for k in range(1, SHINGLE):      # a polynomial hash of each shingle (wrapping at 2**64)
        h *= poly
        h ^= chars[k:k + n]
    h ^= h >> np.uint64(30)          # splitmix64's finalizer: every bit depends on every char
    h *= mix1
    h ^= h >> np.uint64(27)
    h *= mix2
    h ^= h >> np.uint64(31)
    h.sort()                         # the smallest hash of each bin (its top bits) comes first
    starts = np.searchsorted(h, bin_starts)
    mins = [_EMPTY] * BINS
    for b, i in enumerate(starts.tolist()):
        if i < n and int(h[i]) >> _VALUE_SHIFT == b:
            mins[b] = (int(h[i]) >> (_VALUE_SHIFT - 32)) & 0xFFFFFFFF
    if _EMPTY in mins:
        mins = _densify(mins)
    return array("I", mins).tobytes()


def _densify(mins: list[int]) -> list[int]:
    """Fill each empty bin from the next filled one (circularly), mixed with the distance."""
    out = list(mins)
    for i, v in enumerate(mins):
        if v != _EMPTY:
            continue
        for d in range(1, BINS):
            w = mins[(i + d) % BINS]
            if w != _EMPTY:
                out[i] = (w ^ (d * 0x9E3779B1)) & 0xFFFFFFFE  # never _EMPTY
                break
    return out


def band_keys(sig: Signature) -> list[str]:
    """The signature's LSH band keys (indexed as keywords): ``band number + hash of its bins``."""
    if len(sig) != 4 * BINS:
        return []
    width = 4 * ROWS
    return [f"{b:02x}{crc32(sig[b * width:(b + 1) * width]):08x}" for b in range(BANDS)]


def similarity(a: Signature, b: Signature) -> float:
    """Share of equal bins of two signatures (an estimate of their shingles' Jaccard similarity)."""
    if len(a) != 4 * BINS or len(b) != 4 * BINS:
        return 0.0
    return sum(x == y for x, y in zip(memoryview(a).cast("I"), memoryview(b).cast("I"))) / BINS


def near(a: Signature, b: Signature) -> bool:
    """Whether two signatures are near-duplicates: a shared band and :data:`THRESHOLD` equal bins."""
    return bool(set(band_keys(a)) & set(band_keys(b))) and similarity(a, b) >= THRESHOLD


def collapse(signatures: Sequence[Signature | None]) -> list[Cluster]:
    """Collapse ranked matches into clusters, best first.

    Args:
        signatures: the matches' signatures in rank order.

    Returns:
        ``(position, duplicates)`` per representative, in rank order: each
        match is a representative unless it is a near-duplicate of one
        earlier in the list, and then counts towards the first such one.
    """
    clusters: list[list[int]] = []            # [position, duplicates]
    buckets: dict[str, list[int]] = {}        # band key -> clusters holding it
    for pos, sig in enumerate(signatures):
        keys = band_keys(sig) if sig else []
        owner = _first_near(sig, keys, buckets, clusters, signatures) if keys else None
        if owner is not None:
            clusters[owner][1] += 1
            continue
        for key in keys:
            buckets.setdefault(key, []).append(len(clusters))
        clusters.append([pos, 0])
    return [(pos, dups) for pos, dups in clusters]


def _first_near(sig: Signature | None, keys: Iterable[str], buckets: dict[str, list[int]],
                clusters: list[list[int]], signatures: Sequence[Signature | None]) -> int | None:
    """The earliest representative sharing a band with ``sig`` and similar enough to it."""
    candidates = sorted({c for key in keys for c in buckets.get(key, ())})
    for c in candidates:
        rep = signatures[clusters[c][0]]
        if rep and sig and similarity(sig, rep) >= THRESHOLD:
            return c
    return None
