"""Executing plans over an index's segments, in bulk.

Whoosh's matchers score one document at a time through layers of Python
objects; with exact totals (every match visited) that costs a common term
over 100 ms on 12,000 articles. This module reads each needed posting list
once per segment, whole, into arrays, and evaluates a :class:`~searchlib.plan.Plan`
with array operations (:mod:`.scored`): exact text through character-bigram
positions, the whole-word bonus through word positions, BM25 per field on the
phrase frequencies, with the parameters of :mod:`searchlib.ranking`. A phrase's
later terms read only the posting blocks of the documents its rarer terms left. The tests build
the same semantics as a Whoosh query (``tests/whoosh_oracle.py``) and check
that both find the same articles.

Per-segment columns (field lengths, dates, facet values) are cached by
segment id: segments never change once written.
"""

from __future__ import annotations

import datetime as dt
import threading
from bisect import bisect_left, bisect_right
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from typing import Any, TypeVar, cast

import numpy as np
from whoosh.util.numeric import byte_to_length

from ...models import Article
from ...plan import Plan, Question
from ...query import All, Any_, DateSpan, Match, Node, Not, Text
from ...ranking import (
    COVERAGE_EXPONENT,
    EXACT_WEIGHT,
    GRAM_WEIGHT,
    K1,
    PAIR_WEIGHT,
    TITLE_BOOST,
    WHOLE_WORD_WEIGHT,
    B,
    idf,
)
from .formats import LONE
from .private import deleted_docs, length_bytes, posting_arrays, prefix_frequencies, term_info_or_none
from .schema import CHARS, GRAMS, from_stored, schema_folding
from .scored import Scored, as_docs, locate, union
from .vocabulary import iter_words

__all__ = ["Executor", "Terms", "Matches"]

#: Postings an executor keeps in memory (least recently used go first).
POSTINGS_CACHE = 500_000
#: A phrase's next term reads only the posting blocks of the candidate documents
#: when it is held by this many times more documents than there are candidates.
SKIP_READ = 8
#: Terms whose segment infos an executor remembers (all forgotten at once past this).
INFO_MEMO = 100_000
#: A phrase key is (candidate << _KEY_BITS) + start position.
_KEY_BITS = 32
_LENGTH = [byte_to_length(b) for b in range(256)]

_T = TypeVar("_T")

#: The matching (global) document numbers with their scores.
Matches = Scored


#: Per-document values the segment cache holds, over all its entries: about a dozen
#: columns of a 500,000-article index (an entry count would thrash as segments add up:
#: 64 entries kept 38 segments' date keys from one query to the next).
SEGMENT_CACHE_VALUES = 6_000_000


def _values_in(value: Any) -> int:
    """Per-document values in a cached entry (a list, or a tuple of lists)."""
    if isinstance(value, tuple):
        return sum(_values_in(v) for v in value)
    return len(value) if hasattr(value, "__len__") else 1


class _SegmentCache:
    """Column data per segment id, shared by all searchers (LRU, bounded by values held)."""

    def __init__(self, budget: int = SEGMENT_CACHE_VALUES) -> None:
        self._data: OrderedDict[tuple[str, str], tuple[Any, int]] = OrderedDict()
        self._budget = budget
        self._held = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str], make: Any) -> Any:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key][0]
        value = make()
        size = _values_in(value)
        with self._lock:
            if key not in self._data:
                self._data[key] = (value, size)
                self._held += size
            while self._held > self._budget and len(self._data) > 1:
                _, (_, old) = self._data.popitem(last=False)
                self._held -= old
        return value


_cache = _SegmentCache()


def _grams(pattern: Sequence[frozenset[str]]) -> tuple[list[int], list[tuple[str, ...]]]:
    """The bigrams that cover a text of two characters or more (a character set per
    position): their offsets, and each one's alternatives."""
    offsets = list(range(0, len(pattern) - 1, 2))
    if offsets[-1] != len(pattern) - 2:
        offsets.append(len(pattern) - 2)
    return offsets, [tuple(a + b for a in sorted(pattern[o]) for b in sorted(pattern[o + 1])) for o in offsets]


def _flat_positions(parts: Sequence[_Postings], candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every position of the candidates in a term's postings (or its alternatives'):
    (the candidate's index in ``candidates``, the position), as two aligned arrays."""
    held_at: list[np.ndarray] = []
    positions: list[np.ndarray] = []
    for p in parts:
        at, hit = locate(p.docs, candidates)
        which = np.flatnonzero(hit)
        values = [p.values[i] for i in at[which].tolist()]
        lone = np.fromiter((LONE.get(v, -1) for v in values), np.int64, len(values))  # most hold one
        several = np.flatnonzero(lone < 0)
        if len(several):
            keep = lone >= 0
            held_at.append(which[keep])
            positions.append(lone[keep])
            for code, group in _by_type_code(values, several.tolist()).items():
                counts, found = _positions_of_type(code, [values[n] for n in group])
                held_at.append(np.repeat(which[group], counts))
                positions.append(found)
        else:
            held_at.append(which)
            positions.append(lone)
    if len(held_at) == 1:
        return held_at[0], positions[0]
    return np.concatenate(held_at), np.concatenate(positions)


#: The typed arrays of compact positions: type code -> (item size, NumPy type).
_POSITION_TYPES = {ord(t): (np.dtype(f"={t}").itemsize, np.dtype(f"={t}")) for t in "BHI"}


def _by_type_code(values: list[bytes], which: list[int]) -> dict[int, list[int]]:
    groups: dict[int, list[int]] = {}
    for n in which:
        groups.setdefault(values[n][0], []).append(n)
    return groups


def _positions_of_type(code: int, values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """(how many positions each value holds, all of them in order) of compact position
    values of one type code (:class:`.formats.CompactPositions`), decoded in one go."""
    size, dtype = _POSITION_TYPES[code]
    lengths = np.fromiter(map(len, values), np.int64, len(values))
    raw = np.frombuffer(b"".join(values), np.uint8)
    body = np.ones(len(raw), bool)
    body[np.cumsum(lengths) - lengths] = False  # each value's type code
    return (lengths - 1) // size, np.frombuffer(raw[body].tobytes(), dtype).astype(np.int64)


class Executor:
    """Evaluates :mod:`searchlib.query` syntax trees against one searcher."""

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        self.schema = searcher.schema
        self.folding = schema_folding(searcher.schema)
        # an empty index has one EmptyReader, with no segment: no leaves at all
        self.leaves = [(r, base) for r, base in searcher.reader().leaf_readers()
                       if r.doc_count_all()]
        #: deleted (segment-local) docnums of each leaf: never part of any result
        self.deleted = [deleted_docs(reader) for reader, _ in self.leaves]
        self.n_docs = max(1, searcher.doc_count())
        self._avg = {f: searcher.avg_field_length(f, 1.0) or 1.0
                     for names in GRAMS.items() for f in names}
        self._global: dict[str, list[Any]] = {}
        self._arrays: dict[str, Any] = {}  # per-document arrays over all segments
        self._info_memo: dict[tuple[str, str], list[Any]] = {}  # term infos per segment
        self._lock = threading.Lock()
        # posting lists read by this executor (its searcher's segments never change)
        self._postings_cache: OrderedDict[tuple[str, str], _Postings] = OrderedDict()
        self._cached_postings = 0

    def _concat(self, key: str, per_segment: Any) -> list[Any]:
        """A per-segment list joined over all segments, indexed by global docnum."""
        found = self._global.get(key)
        if found is None:
            found = []
            for reader, _ in self.leaves:  # leaves are in docnum order
                found.extend(per_segment(reader))
            with self._lock:
                self._global[key] = found
        return found

    def lengths(self, field: str) -> list[int]:
        return self._concat("len:" + field, lambda r: self._lengths(r, field))

    def values(self, field: str) -> list[Any]:
        return self._concat("col:" + field, lambda r: self.column(r, field))

    # ------------------------------------------------------------ columns

    def _segid(self, reader: Any) -> str:
        return str(reader.segment().segment_id())

    def _lengths(self, reader: Any, field: str) -> list[int]:
        def make() -> list[int]:
            column = length_bytes(reader, field)
            if column is None:
                return [0] * reader.doc_count_all()
            return [_LENGTH[b] if b else 0 for b in column]
        return _cache.get((self._segid(reader), "len:" + field), make)

    def column(self, reader: Any, field: str) -> list[Any]:
        """Raw column values of ``field`` for every document of a segment."""
        def make() -> list[Any]:
            if not reader.has_column(field):
                return [None] * reader.doc_count_all()
            return list(reader.column_reader(field, translate=False))
        return _cache.get((self._segid(reader), "col:" + field), make)

    def _dates(self, reader: Any) -> tuple[list[Any], list[int]]:
        """(sorted date keys, docnums in that order) of documents with a date."""
        def make() -> tuple[list[Any], list[int]]:
            years = self.column(reader, "year")
            keyed = sorted((key, d) for d, key in enumerate(self.column(reader, "date")) if years[d])
            return [k for k, _ in keyed], [d for _, d in keyed]
        return _cache.get((self._segid(reader), "dates"), make)

    def _array(self, key: str, make: Callable[[], _T]) -> _T:
        """A per-document array over all segments, made once per executor."""
        if key not in self._arrays:
            self._arrays[key] = make()
        return cast(_T, self._arrays[key])

    def live_docs(self) -> np.ndarray:
        """Every document not deleted (global docnums, sorted)."""
        def make() -> np.ndarray:
            parts = []
            for (reader, base), deleted in zip(self.leaves, self.deleted):
                docs = np.arange(base, base + reader.doc_count_all(), dtype=np.int64)
                if deleted:
                    docs = docs[np.isin(docs - base, np.fromiter(deleted, np.int64), invert=True)]
                parts.append(docs)
            return np.concatenate(parts) if parts else np.empty(0, np.int64)
        return self._array("live", make)

    # ------------------------------------------------------------ postings

    def _infos(self, field: str, term: str) -> list[Any]:
        """The term's info in each segment (None where absent), looked up once."""
        key = (field, term)
        found = self._info_memo.get(key)
        if found is None:
            if len(self._info_memo) >= INFO_MEMO:
                self._info_memo.clear()
            btext = term.encode("utf-8")
            found = [term_info_or_none(reader, field, btext) for reader, _ in self.leaves]
            self._info_memo[key] = found
        return found

    def _postings(self, field: str, term: str, wanted: np.ndarray | None = None) -> _Postings:
        """(docnums, weights, values) of a term over all segments, deleted documents left out.

        ``wanted``: the only documents needed (sorted): posting blocks holding
        none of them are not read, and what is read is not kept.
        """
        key = (field, term)
        cache = self._postings_cache
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
        btext = term.encode("utf-8")
        docs: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        values: list[bytes] = []
        positional = field in self.schema and self.schema[field].format.supports("positions")
        for (reader, base), deleted, info in zip(self.leaves, self.deleted, self._infos(field, term)):
            if info is None:
                continue
            local = None
            if wanted is not None:
                lo, hi = np.searchsorted(wanted, (base, base + reader.doc_count_all()))
                if lo == hi:
                    continue
                local = (wanted[lo:hi] - base).tolist()
            d, w, v = posting_arrays(reader, field, btext, deleted, positional, info, local)
            if len(d):
                docs.append(d + base if base else d)
                weights.append(w)
                values.extend(v or ())
        if not docs:
            found = _Postings(np.empty(0, np.int64), np.empty(0, np.float64), [])
        elif len(docs) == 1:
            found = _Postings(docs[0], weights[0], values)
        else:
            found = _Postings(np.concatenate(docs), np.concatenate(weights), values)
        if wanted is not None:
            return found
        cache[key] = found
        self._cached_postings += len(found.docs)
        while self._cached_postings > POSTINGS_CACHE and len(cache) > 1:
            _, old = cache.popitem(last=False)
            self._cached_postings -= len(old.docs)
        return found

    def doc_frequency(self, field: str, term: str) -> int:
        """Documents containing ``term`` (from the term tables; no postings read)."""
        return sum(info.doc_frequency() for info in self._infos(field, term) if info is not None)

    def _prefix_terms(self, field: str, prefix: str) -> list[str]:
        terms: set[str] = set()
        for reader, _ in self.leaves:
            for t in reader.expand_prefix(field, prefix):
                terms.add(t.decode("utf-8") if isinstance(t, bytes) else t)
        return sorted(terms)

    def phrase_tf(self, field: str, terms: list[str], step: list[int] | None = None,
                  within: Iterable[int] | None = None) -> dict[int, int]:
        """doc -> how often ``terms`` occur at consecutive positions in ``field``.

        ``step``: the offset of each term from the phrase start (default 0, 1,
        2...); ``within``: only these documents need be considered.
        """
        found = self._phrase(field, [(t,) for t in terms], step, _docs_or_none(within))
        return dict(zip(found.docs.tolist(), map(int, found.values.tolist())))

    def exact_tf(self, grams_field: str, text: str, within: Iterable[int] | None = None) -> dict[int, int]:
        """doc -> occurrences of the text in a bigram field, as the index's folding
        matches it (only documents ``within``, if given)."""
        found = self._exact(grams_field, text, _docs_or_none(within))
        return dict(zip(found.docs.tolist(), map(int, found.values.tolist())))

    def _frequency(self, field: str, alternatives: tuple[str, ...]) -> int:
        return sum(self.doc_frequency(field, t) for t in alternatives)

    def _term_tf(self, field: str, alternatives: tuple[str, ...], within: np.ndarray | None) -> Scored:
        """doc -> summed frequency of any of the terms (their weights)."""
        found = Scored.empty()
        for term in alternatives:
            p = self._postings(field, term)
            found = found.plus(Scored(p.docs, p.weights))
        return found if within is None else found.within(within)

    def _phrase(self, field: str, terms: list[tuple[str, ...]], step: list[int] | None = None,
                within: np.ndarray | None = None) -> Scored:
        """doc -> phrase frequency, where each position may hold any of several terms."""
        if len(terms) == 1:
            return self._term_tf(field, terms[0], within)
        offsets = step or list(range(len(terms)))
        # rarest term first: each narrows the candidates before the next is read
        order = sorted(range(len(terms)), key=lambda i: self._frequency(field, terms[i]))
        if self._frequency(field, terms[order[0]]) == 0:
            return Scored.empty()
        candidates = within
        lists: list[list[_Postings]] = [[] for _ in terms]
        for i in order:
            few = candidates is not None and len(candidates) * SKIP_READ < self._frequency(field, terms[i])
            wanted = candidates if few else None
            parts = [p for p in (self._postings(field, t, wanted) for t in terms[i]) if len(p.docs)]
            held = union([p.docs for p in parts])
            candidates = held if candidates is None else np.intersect1d(candidates, held, assume_unique=True)
            if not len(candidates):
                return Scored.empty()
            lists[i] = parts
        assert candidates is not None
        # each term's occurrences as keys (candidate, where the phrase would start):
        # the phrase occurs where every term has the same key
        shift = max(offsets)
        keys: np.ndarray | None = None
        for i in order:
            held_at, position = _flat_positions(lists[i], candidates)
            mine = (held_at << _KEY_BITS) + (position - offsets[i] + shift)  # distinct: one term a position
            if len(mine) > 1 and not (mine[1:] > mine[:-1]).all():
                mine.sort()
            if keys is None:
                keys = mine
            else:
                keys = keys[locate(mine, keys)[1]]
            if not len(keys):
                return Scored.empty()
        assert keys is not None
        found, tf = np.unique(keys >> _KEY_BITS, return_counts=True)
        return Scored(candidates[found], tf.astype(np.float64))

    def _exact(self, grams_field: str, text: str, within: np.ndarray | None = None) -> Scored:
        """doc -> occurrences of the text in a bigram field (see :meth:`exact_tf`)."""
        pattern = self.folding.query_pattern(text)
        if not pattern:
            return Scored.empty()
        if len(pattern) == 1:
            chars = self._counts_field(grams_field)
            if chars is not None:  # one posting list per character
                return self._term_tf(chars, tuple(sorted(pattern[0])), within)
            # an index built before character counts: every bigram the character starts
            grams = [g for ch in sorted(pattern[0]) for g in self._prefix_terms(grams_field, ch)]
            return self._term_tf(grams_field, tuple(grams), within)
        offsets, alternatives = _grams(pattern)
        return self._phrase(grams_field, alternatives, offsets, within)

    def _counts_field(self, grams_field: str) -> str | None:
        """The character-count twin of a bigram field, None in an index built before them."""
        chars = CHARS[grams_field]
        return chars if chars in self.schema else None

    def exact_bound(self, grams_field: str, text: str) -> int:
        """At least as many documents as :meth:`exact_tf` finds, from term tables alone."""
        pattern = self.folding.query_pattern(text)
        if not pattern:
            return 0
        if len(pattern) == 1:
            chars = self._counts_field(grams_field)
            if chars is not None:
                return self._frequency(chars, tuple(sorted(pattern[0])))
            return self.searcher.doc_count_all()
        return min(self._frequency(grams_field, alts) for alts in _grams(pattern)[1])

    # ------------------------------------------------------------ scoring

    def _length_array(self, field: str) -> np.ndarray:
        return self._array("len:" + field, lambda: np.array(self.lengths(field), np.float64))

    def bm25(self, field: str, tf: Scored, boost: float, df: int | None = None) -> Scored:
        """BM25 of each document for a term (or phrase) with frequencies ``tf``
        (held by ``df`` documents; default: by those of ``tf``)."""
        if not tf:
            return tf
        scale = boost * idf(len(tf) if df is None else df, self.n_docs) * (K1 + 1)
        a, b = K1 * (1 - B), K1 * B / self._avg.get(field, 1.0)
        f = tf.values
        return Scored(tf.docs, scale * f / (f + a + b * self._length_array(field)[tf.docs]))

    # ------------------------------------------------------------ nodes

    def evaluate(self, node: Node, plan: Plan) -> Scored:
        """The documents the node matches, with their scores."""
        if isinstance(node, Text):
            return self.text(node, plan)
        if isinstance(node, Match):
            value = node.value if node.field == "id" else self.folding.key(node.value)
            return Scored.constant(self._phrase(node.field, [(value,)]).docs)
        if isinstance(node, DateSpan):
            return Scored.constant(self.date_span(node.start, node.end))
        if isinstance(node, Not):
            return Scored.constant(self.live_docs()).without(self.evaluate(node.child, plan).docs)
        if isinstance(node, All):
            positives = [c for c in node.children if not isinstance(c, Not)]
            negatives = [c.child for c in node.children if isinstance(c, Not)]
            if positives:
                result = self.evaluate(positives[0], plan)
                for child in positives[1:]:
                    if not result:
                        return result
                    result = result.both(self.evaluate(child, plan))
            else:
                result = Scored.constant(self.live_docs())
            for negated in negatives:
                if not result:
                    break
                result = result.without(self.evaluate(negated, plan).docs)
            return result
        if isinstance(node, Any_):
            either = Scored.empty()
            for part in node.children:
                either = either.plus(self.evaluate(part, plan))
            return either
        raise TypeError(node)  # pragma: no cover

    def text(self, node: Text, plan: Plan) -> Scored:
        """Exact text in the node's fields, scored as text and, where it stands as
        whole words, as words too (see :mod:`searchlib.ranking`)."""
        scores = Scored.empty()
        for field in node.fields:
            grams = GRAMS[field]
            boost = TITLE_BOOST if field == "title" else 1.0
            scores = scores.plus(self.bm25(grams, self._exact(grams, node.text), boost))
        if not scores:
            return scores
        words = list(plan.words.get(node, ()))
        if words:
            within = scores.docs  # whole words are exact text too: no document is lost
            for field in node.fields:
                boost = WHOLE_WORD_WEIGHT * (TITLE_BOOST if field == "title" else 1.0)
                tf = self._phrase(field, [(w,) for w in words], within=within)
                scores = scores.added(self.bm25(field, tf, boost))
        return scores

    def question(self, q: Question) -> Scored:
        """Articles holding any of the question's topical words, scored by evidence
        (see :mod:`searchlib.ranking`)."""
        scores = held = Scored.empty()
        total = 0.0
        for word in q.words:
            found = Scored.empty()
            for field, grams in GRAMS.items():
                boost = TITLE_BOOST if field == "title" else 1.0
                found = found.plus(self.bm25(field, self._term_tf(field, (word,), None), boost))
                if len(word) > 1:
                    found = found.plus(self.bm25(grams, self._exact(grams, word), EXACT_WEIGHT * boost))
                for alt in q.others(word):
                    found = found.plus(self.bm25(grams, self._exact(grams, alt), boost))
            weight = idf(len(found), self.n_docs)
            total += weight
            scores = scores.plus(found)
            held = held.plus(Scored.constant(found.docs, weight))
        if not scores:
            return scores
        within = scores.docs
        for pair in q.pairs:
            scores = scores.added(self.bm25("body_ng", self._exact("body_ng", pair, within), PAIR_WEIGHT))
        for gram in q.grams:
            tf = self._term_tf("body_ng", (gram,), within)
            df = self.doc_frequency("body_ng", gram)
            scores = scores.added(self.bm25("body_ng", tf, GRAM_WEIGHT, df=df))
        if total > 0:  # held has the documents of scores: the same unions
            scores = scores.scaled((held.values / total) ** COVERAGE_EXPONENT)
        return scores

    def weighted_words(self, weighted: Iterable[tuple[str, float]]) -> Scored:
        """Articles scored by the weight of the words they hold (related articles)."""
        scores = Scored.empty()
        for word, weight in weighted:
            for field in GRAMS:
                scores = scores.plus(self.bm25(field, self._term_tf(field, (word,), None), weight))
        return scores

    def date_span(self, start: dt.datetime | None, end: dt.datetime | None) -> np.ndarray:
        """The documents dated from ``start`` to ``end`` (either open), sorted."""
        field = self.schema["date"]
        lo = field.to_column_value(start) if start else None
        hi = field.to_column_value(end) if end else None
        out: list[int] = []
        for (reader, base), deleted in zip(self.leaves, self.deleted):
            keys, docs = self._dates(reader)
            i = bisect_left(keys, lo) if lo is not None else 0
            j = bisect_right(keys, hi) if hi is not None else len(keys)
            out.extend(base + d for d in docs[i:j] if d not in deleted)
        return np.sort(np.array(out, np.int64))

    # ------------------------------------------------------------ whole queries

    def run(self, plan: Plan) -> tuple[Scored, bool]:
        """(every match with its score, whether the keywords' fallback was used).

        A question is ranked by its topical words at once; keywords are
        matched exactly, and when no article holds every term, the plan's
        question ranks the articles that hold some of them instead (relaxed).
        """
        if plan.node is None:
            return self._filtered(self.weighted_words(plan.weighted), plan), False
        if plan.ask and plan.question is not None:
            return self._filtered(self.question(plan.question), plan), False
        node = All((plan.node, *plan.filters)) if plan.filters else plan.node
        found = self.evaluate(node, plan)
        if not found and plan.question is not None:
            fallback = self._filtered(self.question(plan.question), plan)
            return fallback, bool(fallback)
        return self._filtered(found, plan, filters=False), False

    def _filtered(self, found: Scored, plan: Plan, filters: bool = True) -> Scored:
        """``found`` within the plan's filters, without its excluded article."""
        for req in plan.filters if filters else ():
            if not found:
                break
            found = found.within(self.evaluate(req, plan).docs)
        if plan.exclude is not None:
            docnum = self.searcher.document_number(id=plan.exclude)
            if docnum is not None:
                found = found.without(np.array([docnum], np.int64))
        return found

    def top(self, matches: Scored, k: int, sort: str = "relevance") -> list[tuple[int, float]]:
        """The best ``k`` (doc, score) pairs: by score (then docnum), or by date then score."""
        docs, scores = matches.docs, matches.values
        if k <= 0 or not len(docs):
            return []
        if sort == "relevance":
            if len(docs) > k:  # the k-th best score first: only scores at or above it are sorted
                floor = np.partition(scores, len(scores) - k)[len(scores) - k]
                keep = scores >= floor
                docs, scores = docs[keep], scores[keep]
            order = np.lexsort((docs, -scores))[:k]
        else:
            dated, keys = self._date_order()
            sign = -1 if sort == "newest" else 1
            order = np.lexsort((docs, -scores, sign * keys[docs], ~dated[docs]))[:k]
        return list(zip(docs[order].tolist(), scores[order].tolist()))

    def _date_order(self) -> tuple[np.ndarray, np.ndarray]:
        """(whether each document has a date, its date's rank among all dates)."""
        def make() -> tuple[np.ndarray, np.ndarray]:
            dates, years = self.values("date"), self.values("year")
            dated = np.array([bool(y) for y in years], bool)
            keys = np.zeros(len(dates), np.int64)
            where = np.flatnonzero(dated)
            if len(where):  # ranks, not the values: they may not fit 64 bits
                distinct = sorted({dates[i] for i in where.tolist()})
                rank = {v: n for n, v in enumerate(distinct)}
                keys[where] = [rank[dates[i]] for i in where.tolist()]
            return dated, keys
        return self._array("date-order", make)

    def facet_counts(self, matches: Scored, field: str) -> Counter[str]:
        """Matches per value of ``field``. Values that fold alike (江城日报 and
        江城日報, as a ``source:`` filter matches them) are one value, shown as
        its most frequent spelling."""
        codes, distinct = self._codes(field)
        counts = np.bincount(codes[matches.docs], minlength=len(distinct)).tolist()
        groups: dict[str, Counter[str]] = {}
        for value, n in zip(distinct, counts):
            if not value or not n:
                continue
            text = value.decode("utf-8") if isinstance(value, bytes) else str(value)
            groups.setdefault(self.folding.key(text).strip(), Counter())[text] += n
        return Counter({min(v, key=lambda t: (-v[t], t)): sum(v.values()) for v in groups.values()})

    def _codes(self, field: str) -> tuple[np.ndarray, list[Any]]:
        """(each document's value as a number, the distinct values it numbers) of a column."""
        def make() -> tuple[np.ndarray, list[Any]]:
            number: dict[Any, int] = {}
            codes = np.array([number.setdefault(v, len(number)) for v in self.values(field)], np.int64)
            return codes, list(number)
        return self._array("codes:" + field, make)


class _Postings:
    """A term's postings over all segments: global docnums (sorted), weights, values."""

    __slots__ = ("docs", "weights", "values")

    def __init__(self, docs: np.ndarray, weights: np.ndarray, values: list[bytes]) -> None:
        self.docs, self.weights, self.values = docs, weights, values


def _docs_or_none(docs: Iterable[int] | None) -> np.ndarray | None:
    return None if docs is None else as_docs(docs)


class Terms:
    """:class:`~searchlib.backends.base.TermStats` over one executor's searcher."""

    _GRAMS = "body_ng"

    def __init__(self, ex: Executor) -> None:
        self.ex = ex
        self._after: dict[str, dict[str, int]] = {}  # next_chars, per character

    def doc_count(self) -> int:
        return int(self.ex.searcher.doc_count())

    def word_frequency(self, word: str) -> int:
        return max(self.ex.doc_frequency(field, word) for field in GRAMS)

    def text_frequency(self, text: str) -> int:
        return len(union([self.ex._exact(grams, text).docs for grams in GRAMS.values()]))

    def word_frequencies(self, words: Sequence[str]) -> dict[str, int]:
        return {w: self.word_frequency(w) for w in dict.fromkeys(words)}

    def text_frequencies(self, texts: Sequence[str]) -> dict[str, int]:
        return {t: self.text_frequency(t) for t in dict.fromkeys(texts)}

    def text_frequency_bounds(self, texts: Sequence[str]) -> dict[str, int]:
        return {t: sum(self.ex.exact_bound(grams, t) for grams in GRAMS.values())
                for t in dict.fromkeys(texts)}

    def next_chars(self, char: str) -> dict[str, int]:
        found = self._after.get(char)
        if found is None:
            found = {}
            for reader, _ in self.ex.leaves:
                for btext, df in prefix_frequencies(reader, self._GRAMS, char.encode("utf-8")):
                    gram = btext.decode("utf-8")
                    if len(gram) == 2 and gram[1].isalnum():
                        found[gram[1]] = found.get(gram[1], 0) + df
            self._after[char] = found
        return found

    def has_pair(self, pair: str) -> bool:
        btext = pair.encode("utf-8")
        return any((self._GRAMS, btext) in reader for reader, _ in self.ex.leaves)

    def example(self, text: str) -> Article | None:
        docs = self.ex._exact(self._GRAMS, text).docs
        return from_stored(self.ex.searcher.stored_fields(int(docs[0]))) if len(docs) else None

    def iter_words(self, prefix: str = "") -> Iterator[tuple[str, int, int]]:
        return iter_words(self.ex.leaves, self.ex.deleted, prefix)

    def word_examples(self, words: Sequence[str], k: int) -> dict[str, list[tuple[str, str]]]:
        out: dict[str, list[tuple[str, str]]] = {}
        searcher = self.ex.searcher
        for word in words:
            docs: list[int] = []
            btext = word.encode("utf-8")
            for field in GRAMS:
                for (reader, base), deleted in zip(self.ex.leaves, self.ex.deleted):
                    if len(docs) >= k or (field, btext) not in reader:
                        continue
                    for d in reader.postings(field, btext).all_ids():
                        if d not in deleted and base + d not in docs:
                            docs.append(base + d)
                            if len(docs) >= k:
                                break
            stored = [searcher.stored_fields(d) for d in docs]
            out[word] = [(f.get("title") or "", f.get("body") or "") for f in stored]
        return out

    def state(self) -> Hashable:
        return tuple((self.ex._segid(reader), len(deleted))
                     for (reader, _), deleted in zip(self.ex.leaves, self.ex.deleted))
