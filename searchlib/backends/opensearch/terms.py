"""Statistics of an OpenSearch index's text (:class:`~searchlib.backends.base.TermStats`).

Frequencies are counts of matching articles (exact: one request each); the
characters that follow a character come from a terms aggregation over the
``body_pairs`` keyword field (distinct bigrams ending in a letter or digit).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from typing import Any

from ...analysis import Folding
from ...models import Article
from . import dsl
from .documents import GRAMS, PAIRS, VOCAB, WORDS, from_source, token, word_token

#: Runs a search request body on the index; returns the answer.
Search = Callable[[dict[str, Any]], dict[str, Any]]
#: Counts the articles matching a query (None: all of them).
Count = Callable[[dict[str, Any] | None], int]
#: Runs several search request bodies at once; returns their answers in order.
MultiSearch = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]

__all__ = ["Terms"]

_MAX_NEXT = 10_000
#: Words a prefix's terms aggregation returns at most (past it, the vocabulary is paged).
_MAX_PREFIX_WORDS = 30_000
_PAGE = 10_000
#: Counting filters sent in one request (a filters aggregation: one bucket each).
_FILTERS_PER_REQUEST = 500


class Terms:
    """:class:`~searchlib.backends.base.TermStats` of one OpenSearch index."""

    def __init__(self, search: Search, count: Count, folding: Folding,
                 msearch: MultiSearch | None = None) -> None:
        self._search = search
        self._msearch = msearch or (lambda bodies: [search(b) for b in bodies])
        self._counter = count
        self.folding = folding
        self._frequencies: dict[str, int] = {}
        self._after: dict[str, dict[str, int]] = {}
        self._before: dict[str, set[str]] = {}
        self._prefix_answers: dict[str, list[list[tuple[str, int]] | None]] = {}

    def _count(self, query: dict[str, Any]) -> int:
        return self._counter(query)

    def doc_count(self) -> int:
        return self._counter(None)

    def word_frequency(self, word: str) -> int:
        return max(self._count({"term": {f: word_token(word)}}) for f in WORDS.values())

    def word_frequencies(self, words: Sequence[str]) -> dict[str, int]:
        wanted = list(dict.fromkeys(words))
        counts = self._counts([{"term": {f: word_token(w)}} for w in wanted for f in WORDS.values()])
        n = len(WORDS)
        return {w: max(counts[i * n:(i + 1) * n]) for i, w in enumerate(wanted)}

    def text_frequencies(self, texts: Sequence[str]) -> dict[str, int]:
        wanted = [t for t in dict.fromkeys(texts) if t not in self._frequencies]
        for text, n in zip(wanted, self._counts([self._text(t) for t in wanted])):
            self._frequencies[text] = n
        return {t: self._frequencies[t] for t in dict.fromkeys(texts)}

    def text_frequency_bounds(self, texts: Sequence[str]) -> dict[str, int] | None:
        return None  # one filters aggregation counts them all: cheaper than bounding

    def _counts(self, queries: list[dict[str, Any]]) -> list[int]:
        """Articles matching each of ``queries``: a ``filters`` aggregation, a few hundred a request."""
        out: list[int] = []
        for at in range(0, len(queries), _FILTERS_PER_REQUEST):
            chunk = queries[at:at + _FILTERS_PER_REQUEST]
            body = {"size": 0, "track_total_hits": False,
                    "aggs": {"n": {"filters": {"filters": {str(i): q for i, q in enumerate(chunk)}}}}}
            buckets = self._search(body)["aggregations"]["n"]["buckets"]
            out += [int(buckets[str(i)]["doc_count"]) for i in range(len(chunk))]
        return out

    def _text(self, text: str) -> dict[str, Any]:
        folding = self.folding
        return {"bool": {"should": [dsl.exact(f, text, folding) for f in GRAMS.values()],
                         "minimum_should_match": 1}}

    def text_frequency(self, text: str) -> int:
        if text not in self._frequencies:
            self._frequencies[text] = self._count(self._text(text))
        return self._frequencies[text]

    def _pairs(self, include: str) -> list[tuple[str, int]]:
        """(pair, articles) of the body's pairs matching the regex ``include``."""
        body = {"size": 0, "track_total_hits": False,
                "aggs": {"pairs": {"terms": {"field": PAIRS, "include": include, "size": _MAX_NEXT}}}}
        buckets = self._search(body)["aggregations"]["pairs"]["buckets"]
        return [(str(b["key"]), int(b["doc_count"])) for b in buckets]

    def next_chars(self, char: str) -> dict[str, int]:
        if char not in self._after:
            out: dict[str, int] = {}
            for pair, n in self._pairs(_literal(char) + "."):
                if len(pair) == 2 and pair[0] == char and pair[1].isalnum():
                    out[pair[1]] = out.get(pair[1], 0) + n
            self._after[char] = out
        return self._after[char]

    def has_pair(self, pair: str) -> bool:
        if len(pair) != 2 or not pair[1].isalnum():
            return self._count({"term": {GRAMS["body"]: token(pair)}}) > 0
        if pair[1] not in self._before:  # one request for every pair that ends so
            self._before[pair[1]] = {p[0] for p, _ in self._pairs("." + _literal(pair[1])) if len(p) == 2}
        return pair[0] in self._before[pair[1]]

    def example(self, text: str) -> Article | None:
        body = {"query": {"bool": {"filter": [dsl.exact(GRAMS["body"], text, self.folding)]}},
                "size": 1, "sort": [{"id": "asc"}], "_source": ["id", "stored"], "track_total_hits": False}
        hits = self._search(body)["hits"]["hits"]
        return from_source(hits[0]["_source"]) if hits else None

    def iter_words(self, prefix: str = "") -> Iterator[tuple[str, int, int]]:
        counts: dict[str, list[int]] = {}
        for i, field in enumerate(VOCAB.values()):
            for word, n in self._vocabulary(field, prefix, i):
                counts.setdefault(word, [0, 0])[i] += n
        for word, (title, body) in counts.items():
            yield word, title, body

    def _prefixed(self, prefix: str) -> list[list[tuple[str, int]] | None]:
        """Per vocabulary field, (word, articles) of its words starting with ``prefix`` (one
        request for both); None for a field with more such words than one answer holds."""
        if prefix not in self._prefix_answers:
            aggs = {str(i): {"terms": {"field": f, "include": _literal(prefix) + ".*", "size": _MAX_PREFIX_WORDS}}
                    for i, f in enumerate(VOCAB.values())}
            found = self._search({"size": 0, "track_total_hits": False, "aggs": aggs})["aggregations"]
            self._prefix_answers[prefix] = [
                [(str(b["key"]), int(b["doc_count"])) for b in found[str(i)]["buckets"]]
                if len(found[str(i)]["buckets"]) < _MAX_PREFIX_WORDS else None for i in range(len(VOCAB))]
        return self._prefix_answers[prefix]

    def _vocabulary(self, field: str, prefix: str, i: int) -> Iterator[tuple[str, int]]:
        """(word, articles) of one vocabulary field's words starting with ``prefix``."""
        if prefix:
            words = self._prefixed(prefix)[i]
            if words is not None:
                yield from words
                return
        after: dict[str, Any] | None = None
        while True:  # every word, a page at a time
            comp: dict[str, Any] = {"size": _PAGE, "sources": [{"w": {"terms": {"field": field}}}]}
            if after is not None:
                comp["after"] = after
            body = {"size": 0, "track_total_hits": False, "aggs": {"v": {"composite": comp}}}
            found = self._search(body)["aggregations"]["v"]
            for b in found["buckets"]:
                word = str(b["key"]["w"])
                if word.startswith(prefix):
                    yield word, int(b["doc_count"])
            after = found.get("after_key")
            if not found["buckets"] or after is None:
                return

    def word_examples(self, words: Sequence[str], k: int) -> dict[str, list[tuple[str, str]]]:
        bodies = [{"query": {"bool": {"should": [{"term": {f: word_token(w)}} for f in WORDS.values()],
                                      "minimum_should_match": 1}},
                   "size": k, "sort": ["_doc"], "_source": ["stored.title", "stored.body"],
                   "track_total_hits": False}
                  for w in words]
        answers = self._msearch(bodies) if bodies else []
        return {w: [(h["_source"]["stored"].get("title") or "", h["_source"]["stored"].get("body") or "")
                    for h in a["hits"]["hits"]] for w, a in zip(words, answers)}

    def state(self) -> Hashable:
        body = {"size": 1, "_source": False, "track_total_hits": True, "sort": ["_doc"],
                "aggs": {"max": {"max": {"field": "_seq_no"}}, "sum": {"sum": {"field": "_seq_no"}}}}
        found = self._search(body)
        hits = found["hits"]
        aggs = found["aggregations"]
        return (hits["hits"][0]["_index"] if hits["hits"] else None, hits["total"]["value"],
                aggs["max"]["value"], aggs["sum"]["value"])


def _literal(text: str) -> str:
    """``text`` as a Lucene regular expression that matches just it."""
    return "".join(c if c.isalnum() else "\\" + c for c in text)
