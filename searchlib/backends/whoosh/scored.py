"""Documents with numbers attached, as sorted arrays: what the executor computes with.

A :class:`Scored` is a set of (global) document numbers, sorted and distinct,
with one number each: a score, a term frequency, a weight. Unions, intersections
and sums over them run in NumPy, so a query's cost per posting is a few array
operations instead of a Python dict entry per document per step.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

__all__ = ["Scored", "as_docs", "locate", "union"]

_NO_DOCS = np.empty(0, np.int64)


def as_docs(docs: Any) -> np.ndarray:
    """Sorted distinct document numbers (int64) from any iterable of them."""
    if isinstance(docs, np.ndarray):
        return docs
    return np.unique(np.fromiter(docs, np.int64))


def locate(sorted_docs: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of ``docs`` is in ``sorted_docs``: (indexes, whether it is there at all)."""
    at = np.searchsorted(sorted_docs, docs)
    hit = at < len(sorted_docs)
    hit[hit] = sorted_docs[at[hit]] == docs[hit]
    return at, hit


def union(arrays: list[np.ndarray]) -> np.ndarray:
    """The sorted distinct documents of any of ``arrays`` (each sorted, distinct)."""
    if not arrays:
        return _NO_DOCS
    return arrays[0] if len(arrays) == 1 else np.unique(np.concatenate(arrays))


class Scored:
    """Sorted distinct ``docs`` (int64) and their ``values`` (float64), aligned."""

    __slots__ = ("docs", "values")

    def __init__(self, docs: np.ndarray, values: np.ndarray) -> None:
        self.docs = docs
        self.values = values

    @classmethod
    def empty(cls) -> Scored:
        return cls(_NO_DOCS, np.empty(0, np.float64))

    @classmethod
    def constant(cls, docs: np.ndarray, value: float = 0.0) -> Scored:
        return cls(docs, np.full(len(docs), value, np.float64))

    @classmethod
    def from_dict(cls, found: dict[int, float]) -> Scored:
        docs = np.fromiter(found, np.int64, len(found))
        values = np.fromiter(found.values(), np.float64, len(found))
        order = np.argsort(docs, kind="stable")
        return cls(docs[order], values[order])

    def __len__(self) -> int:
        return len(self.docs)

    def __bool__(self) -> bool:
        return len(self.docs) > 0

    def __iter__(self) -> Iterator[int]:
        return iter(self.docs.tolist())

    def items(self) -> Iterator[tuple[int, float]]:
        return zip(self.docs.tolist(), self.values.tolist())

    def as_dict(self) -> dict[int, float]:
        return dict(self.items())

    def max(self) -> float:
        return float(self.values.max()) if len(self.values) else 0.0

    def plus(self, other: Scored) -> Scored:
        """Every document of either, the values of both summed."""
        if not len(other):
            return self
        if not len(self):
            return other
        joined = np.concatenate((self.docs, other.docs))
        order = np.argsort(joined, kind="stable")  # two sorted runs: merged in linear time
        ordered = joined[order]
        first = np.empty(len(ordered), bool)
        first[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
        slot = np.cumsum(first) - 1
        values = np.bincount(slot, np.concatenate((self.values, other.values))[order])
        return Scored(ordered[first], values)

    def both(self, other: Scored) -> Scored:
        """The documents of both, the values summed."""
        docs, i, j = np.intersect1d(self.docs, other.docs, assume_unique=True, return_indices=True)
        return Scored(docs, self.values[i] + other.values[j])

    def added(self, other: Scored) -> Scored:
        """These documents, with ``other``'s values added where it has them."""
        if not len(other) or not len(self):
            return self
        at, hit = locate(self.docs, other.docs)
        values = self.values.copy()
        values[at[hit]] += other.values[hit]
        return Scored(self.docs, values)

    def within(self, docs: np.ndarray) -> Scored:
        """Only the documents also in ``docs`` (sorted, distinct)."""
        keep = np.isin(self.docs, docs, assume_unique=True)
        return Scored(self.docs[keep], self.values[keep])

    def without(self, docs: np.ndarray) -> Scored:
        """Only the documents not in ``docs`` (sorted, distinct)."""
        if not len(docs):
            return self
        keep = np.isin(self.docs, docs, assume_unique=True, invert=True)
        return Scored(self.docs[keep], self.values[keep])

    def scaled(self, factors: np.ndarray | float) -> Scored:
        return Scored(self.docs, self.values * factors)
