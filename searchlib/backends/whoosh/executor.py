"""Executing plans over an index's segments, in bulk.

Whoosh's matchers score one document at a time through layers of Python
objects; with exact totals (every match visited) that costs a common term
over 100 ms on 12,000 articles. This module reads each needed posting list
once per segment, whole, and evaluates a :class:`~searchlib.plan.Plan` with
set and dict operations: exact text through character-bigram positions, the
whole-word bonus through word positions, BM25 per field on the phrase
frequencies, with the parameters of :mod:`searchlib.ranking`. The tests build
the same semantics as a Whoosh query (``tests/whoosh_oracle.py``) and check
that both find the same articles.

Per-segment columns (field lengths, dates, facet values) are cached by
segment id: segments never change once written.
"""

from __future__ import annotations

import datetime as dt
import heapq
import threading
from bisect import bisect_left, bisect_right
from collections import Counter, OrderedDict
from collections.abc import Hashable, Iterable, Iterator, Sequence
from typing import Any

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
from .formats import CompactPositions
from .private import deleted_docs, length_bytes, prefix_frequencies, raw_postings
from .schema import CHARS, GRAMS, from_stored, schema_folding
from .vocabulary import iter_words

__all__ = ["Executor", "Terms", "Matches"]

#: Postings an executor keeps in memory (least recently used go first).
POSTINGS_CACHE = 500_000
_decode = CompactPositions().decode_positions
_LENGTH = [byte_to_length(b) for b in range(256)]

#: doc -> score. Keys are the matching (global) document numbers.
Matches = dict[int, float]


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


def _add_into(scores: Matches, more: Matches) -> None:
    """Add ``more``'s scores to ``scores`` (into an empty one: a copy, the same sums)."""
    if not scores:
        scores.update(more)
        return
    get = scores.get
    for d, s in more.items():
        scores[d] = get(d, 0.0) + s


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
        self._lock = threading.Lock()
        # posting lists read by this executor (its searcher's segments never change)
        self._postings_cache: OrderedDict[tuple[str, str], list[Any]] = OrderedDict()
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

    def live_docs(self) -> set[int]:
        """Every document not deleted (global docnums)."""
        out: set[int] = set()
        for (reader, base), deleted in zip(self.leaves, self.deleted):
            out.update(base + d for d in range(reader.doc_count_all()) if d not in deleted)
        return out

    # ------------------------------------------------------------ postings

    def _postings(self, field: str, term: str) -> list[tuple[int, list[int], list[Any], list[bytes]]]:
        """(docnum base, docnums, weights, values) of a term in each segment that has it."""
        key = (field, term)
        cache = self._postings_cache
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
        btext = term.encode("utf-8")
        out = []
        for (reader, base), deleted in zip(self.leaves, self.deleted):
            ids, weights, values = raw_postings(reader, field, btext, deleted=deleted)  # empty if absent
            if ids:
                out.append((base, ids, weights, values))
        size = sum(len(part[1]) for part in out)
        cache[key] = out
        self._cached_postings += size
        while self._cached_postings > POSTINGS_CACHE and len(cache) > 1:
            _, old = cache.popitem(last=False)
            self._cached_postings -= sum(len(part[1]) for part in old)
        return out

    def doc_frequency(self, field: str, term: str) -> int:
        """Documents containing ``term`` (from the term tables; no postings read)."""
        btext = term.encode("utf-8")
        return sum(reader.doc_frequency(field, btext) for reader, _ in self.leaves)

    def _prefix_terms(self, field: str, prefix: str) -> list[str]:
        terms: set[str] = set()
        for reader, _ in self.leaves:
            for t in reader.expand_prefix(field, prefix):
                terms.add(t.decode("utf-8") if isinstance(t, bytes) else t)
        return sorted(terms)

    def phrase_tf(self, field: str, terms: list[str], step: list[int] | None = None,
                  within: set[int] | None = None) -> dict[int, int]:
        """doc -> how often ``terms`` occur at consecutive positions in ``field``.

        ``step``: the offset of each term from the phrase start (default 0, 1,
        2...); ``within``: only these documents need be considered.
        """
        return self.phrase_tf_any(field, [(t,) for t in terms], step, within)

    def _frequency(self, field: str, alternatives: tuple[str, ...]) -> int:
        return sum(self.doc_frequency(field, t) for t in alternatives)

    def _positions(self, field: str, alternatives: tuple[str, ...]) -> dict[int, Any]:
        """doc -> encoded positions (one term) or sorted positions (several)."""
        if len(alternatives) == 1:
            found: dict[int, Any] = {}
            for base, ids, _weights, values in self._postings(field, alternatives[0]):
                found.update(zip((base + d for d in ids), values))
            return found
        merged: dict[int, list[int]] = {}
        for term in alternatives:
            for base, ids, _weights, values in self._postings(field, term):
                for d, v in zip(ids, values):
                    merged.setdefault(base + d, []).extend(_decode(v))
        return {d: sorted(p) for d, p in merged.items()}

    def phrase_tf_any(self, field: str, terms: list[tuple[str, ...]], step: list[int] | None = None,
                      within: set[int] | None = None) -> dict[int, int]:
        """:meth:`phrase_tf` where each position may hold any of several terms."""
        offsets = step or list(range(len(terms)))
        if len(terms) == 1:
            tf: dict[int, int] = {}
            for n, term in enumerate(terms[0]):
                for base, ids, weights, _values in self._postings(field, term):
                    docs = map(base.__add__, ids) if base else ids
                    if n == 0 and within is None:  # each document once: no sums
                        tf.update(zip(docs, map(int, weights)))
                        continue
                    for g, w in zip(docs, weights):
                        if within is None or g in within:
                            tf[g] = tf.get(g, 0) + int(w)
            return tf
        # rarest term first; stop reading posting lists once no document is left
        order = sorted(range(len(terms)), key=lambda i: self._frequency(field, terms[i]))
        if self._frequency(field, terms[order[0]]) == 0:
            return {}
        per_term: list[dict[int, Any]] = [{} for _ in terms]
        candidates: set[int] | None = set(within) if within is not None else None
        for i in order:
            found = self._positions(field, terms[i])
            candidates = set(found) if candidates is None else candidates & found.keys()
            if not candidates:
                return {}
            per_term[i] = found
        assert candidates is not None
        tf = {}
        first, rest = order[0], order[1:]
        first_off = offsets[first]
        for doc in candidates:
            lists = [p if isinstance(p := per_term[i][doc], list) else _decode(p) for i in order]
            if all(len(p) == 1 for p in lists):  # the usual case: one occurrence each
                start = lists[0][0] - first_off
                if all(p[0] - offsets[i] == start for p, i in zip(lists[1:], rest)):
                    tf[doc] = 1
                continue
            starts = {p - first_off for p in lists[0]}
            for p, i in zip(lists[1:], rest):
                off = offsets[i]
                starts.intersection_update([q - off for q in p])
                if not starts:
                    break
            if starts:
                tf[doc] = len(starts)
        return tf

    def exact_tf(self, grams_field: str, text: str, within: set[int] | None = None) -> dict[int, int]:
        """doc -> occurrences of the text in a bigram field, as the index's folding
        matches it (only documents ``within``, if given)."""
        pattern = self.folding.query_pattern(text)
        if not pattern:
            return {}
        if len(pattern) == 1:
            chars = self._counts_field(grams_field)
            if chars is not None:  # one posting list per character
                return self.phrase_tf_any(chars, [tuple(sorted(pattern[0]))], within=within)
            # an index built before character counts: every bigram the character starts
            grams = [g for ch in sorted(pattern[0]) for g in self._prefix_terms(grams_field, ch)]
            return self.phrase_tf_any(grams_field, [tuple(grams)], within=within)
        offsets, alternatives = _grams(pattern)
        return self.phrase_tf_any(grams_field, alternatives, offsets, within=within)

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

    def bm25(self, field: str, tf: dict[int, int], boost: float, df: int | None = None) -> Matches:
        """BM25 of each document for a term (or phrase) with frequencies ``tf``
        (held by ``df`` documents; default: by those of ``tf``)."""
        if not tf:
            return {}
        scale = boost * idf(len(tf) if df is None else df, self.n_docs) * (K1 + 1)
        a, b = K1 * (1 - B), K1 * B / self._avg.get(field, 1.0)
        lengths = self.lengths(field)
        return {doc: scale * f / (f + a + b * lengths[doc]) for doc, f in tf.items()}

    # ------------------------------------------------------------ nodes

    def evaluate(self, node: Node, plan: Plan) -> Matches:
        """doc -> score of every document the node matches."""
        if isinstance(node, Text):
            return self.text(node, plan)
        if isinstance(node, Match):
            value = node.value if node.field == "id" else self.folding.key(node.value)
            return dict.fromkeys(self.phrase_tf(node.field, [value]), 0.0)
        if isinstance(node, DateSpan):
            return dict.fromkeys(self.date_span(node.start, node.end), 0.0)
        if isinstance(node, Not):
            excluded = self.evaluate(node.child, plan)
            return {d: 0.0 for d in self.live_docs() if d not in excluded}
        if isinstance(node, All):
            positives = [c for c in node.children if not isinstance(c, Not)]
            negatives = [c.child for c in node.children if isinstance(c, Not)]
            if positives:
                result = self.evaluate(positives[0], plan)
                for child in positives[1:]:
                    if not result:
                        return {}
                    other = self.evaluate(child, plan)
                    result = {d: s + other[d] for d, s in result.items() if d in other}
            else:
                result = dict.fromkeys(self.live_docs(), 0.0)
            for negated in negatives:
                if not result:
                    break
                excluded = self.evaluate(negated, plan)
                result = {d: s for d, s in result.items() if d not in excluded}
            return result
        if isinstance(node, Any_):
            either: Matches = {}
            for part in node.children:
                _add_into(either, self.evaluate(part, plan))
            return either
        raise TypeError(node)  # pragma: no cover

    def text(self, node: Text, plan: Plan) -> Matches:
        """Exact text in the node's fields, scored as text and, where it stands as
        whole words, as words too (see :mod:`searchlib.ranking`)."""
        scores: Matches = {}
        for field in node.fields:
            grams = GRAMS[field]
            boost = TITLE_BOOST if field == "title" else 1.0
            _add_into(scores, self.bm25(grams, self.exact_tf(grams, node.text), boost))
        if not scores:
            return scores
        words = list(plan.words.get(node, ()))
        if words:
            within = set(scores)  # whole words are exact text too: no document is lost
            for field in node.fields:
                boost = WHOLE_WORD_WEIGHT * (TITLE_BOOST if field == "title" else 1.0)
                for d, s in self.bm25(field, self.phrase_tf(field, words, within=within), boost).items():
                    scores[d] += s
        return scores

    def question(self, q: Question) -> Matches:
        """Articles holding any of the question's topical words, scored by evidence
        (see :mod:`searchlib.ranking`)."""
        scores: Matches = {}
        held: dict[int, float] = {}
        total = 0.0
        for word in q.words:
            found: Matches = {}
            for field, grams in GRAMS.items():
                boost = TITLE_BOOST if field == "title" else 1.0
                parts = [self.bm25(field, self.phrase_tf(field, [word]), boost)]
                if len(word) > 1:
                    parts.append(self.bm25(grams, self.exact_tf(grams, word), EXACT_WEIGHT * boost))
                parts += [self.bm25(grams, self.exact_tf(grams, alt), boost) for alt in q.others(word)]
                for part in parts:
                    _add_into(found, part)
            weight = idf(len(found), self.n_docs)
            total += weight
            if not scores:  # the first word: nothing to add to
                scores, held = dict(found), dict.fromkeys(found, weight)
                continue
            for d, s in found.items():
                scores[d] = scores.get(d, 0.0) + s
                held[d] = held.get(d, 0.0) + weight
        if not scores:
            return scores
        within = set(scores)
        for pair in q.pairs:
            for d, s in self.bm25("body_ng", self.exact_tf("body_ng", pair), PAIR_WEIGHT).items():
                if d in within:
                    scores[d] += s
        for gram in q.grams:
            tf = self.phrase_tf("body_ng", [gram], within=within)
            df = self.doc_frequency("body_ng", gram)
            for d, s in self.bm25("body_ng", tf, GRAM_WEIGHT, df=df).items():
                scores[d] += s
        if total > 0:
            for d in scores:
                scores[d] *= (held[d] / total) ** COVERAGE_EXPONENT
        return scores

    def weighted_words(self, weighted: Iterable[tuple[str, float]]) -> Matches:
        """Articles scored by the weight of the words they hold (related articles)."""
        scores: Matches = {}
        for word, weight in weighted:
            for field in GRAMS:
                _add_into(scores, self.bm25(field, self.phrase_tf(field, [word]), weight))
        return scores

    def date_span(self, start: dt.datetime | None, end: dt.datetime | None) -> set[int]:
        field = self.schema["date"]
        lo = field.to_column_value(start) if start else None
        hi = field.to_column_value(end) if end else None
        out: set[int] = set()
        for (reader, base), deleted in zip(self.leaves, self.deleted):
            keys, docs = self._dates(reader)
            i = bisect_left(keys, lo) if lo is not None else 0
            j = bisect_right(keys, hi) if hi is not None else len(keys)
            out.update(base + d for d in docs[i:j] if d not in deleted)
        return out

    # ------------------------------------------------------------ whole queries

    def run(self, plan: Plan) -> tuple[Matches, bool]:
        """(doc -> score of every match, whether the keywords' fallback was used).

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

    def _filtered(self, found: Matches, plan: Plan, filters: bool = True) -> Matches:
        """``found`` within the plan's filters, without its excluded article."""
        for req in plan.filters if filters else ():
            if not found:
                break
            allowed = self.evaluate(req, plan)
            found = {d: s for d, s in found.items() if d in allowed}
        if plan.exclude is not None:
            docnum = self.searcher.document_number(id=plan.exclude)
            found.pop(docnum, None)
        return found

    def top(self, matches: Matches, k: int, sort: str = "relevance") -> list[tuple[int, float]]:
        """The best ``k`` (doc, score) pairs: by score, or by date then score."""
        if sort == "relevance":
            if len(matches) > k > 0:  # the k-th best score first, found without a key function
                floor = heapq.nlargest(k, matches.values())[-1]
                best = [(d, s) for d, s in matches.items() if s >= floor]
            else:
                best = list(matches.items())
            best.sort(key=lambda ds: (-ds[1], ds[0]))
            return best[:k]
        sign = -1 if sort == "newest" else 1
        dates, years = self.values("date"), self.values("year")

        def key(ds: tuple[int, float]) -> tuple[Any, ...]:
            d = ds[0]
            if not years[d]:  # undated articles last
                return (1, 0, -ds[1], d)
            return (0, sign * dates[d], -ds[1], d)
        return heapq.nsmallest(k, matches.items(), key=key)

    def facet_counts(self, matches: Matches, field: str) -> Counter[str]:
        """Matches per value of ``field``. Values that fold alike (江城日报 and
        江城日報, as a ``source:`` filter matches them) are one value, shown as
        its most frequent spelling."""
        col = self.values(field)
        raw = Counter(col[d] for d in matches)
        groups: dict[str, Counter[str]] = {}
        for value, n in raw.items():
            if not value:
                continue
            text = value.decode("utf-8") if isinstance(value, bytes) else str(value)
            groups.setdefault(self.folding.key(text).strip(), Counter())[text] += n
        return Counter({min(v, key=lambda t: (-v[t], t)): sum(v.values()) for v in groups.values()})


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
        docs: set[int] = set()
        for grams in GRAMS.values():
            docs.update(self.ex.exact_tf(grams, text))
        return len(docs)

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
        for doc in self.ex.exact_tf(self._GRAMS, text):
            return from_stored(self.ex.searcher.stored_fields(doc))
        return None

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
