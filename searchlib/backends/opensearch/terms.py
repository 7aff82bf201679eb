"""Statistics of an OpenSearch index's text (:class:`~searchlib.backends.base.TermStats`).

Frequencies are counts of matching articles (exact: one request each); the
characters that follow a character come from a terms aggregation over the
``body_pairs`` keyword field (distinct bigrams ending in a letter or digit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...models import Article
from . import dsl
from .documents import GRAMS, PAIRS, WORDS, from_source, token, word_token

if TYPE_CHECKING:
    from .backend import OpenSearchBackend

__all__ = ["Terms"]

_MAX_NEXT = 10_000


class Terms:
    """:class:`~searchlib.backends.base.TermStats` of one OpenSearch index."""

    def __init__(self, backend: OpenSearchBackend) -> None:
        self.backend = backend

    def _count(self, query: dict[str, Any]) -> int:
        b = self.backend
        return int(b._call(b.client.count, index=b.name, body={"query": query})["count"])

    def doc_count(self) -> int:
        return self.backend.count()

    def word_frequency(self, word: str) -> int:
        return max(self._count({"term": {f: word_token(word)}}) for f in WORDS.values())

    def _text(self, text: str) -> dict[str, Any]:
        folding = self.backend.folding
        return {"bool": {"should": [dsl.exact(f, text, folding) for f in GRAMS.values()],
                         "minimum_should_match": 1}}

    def text_frequency(self, text: str) -> int:
        return self._count(self._text(text))

    def next_chars(self, char: str) -> dict[str, int]:
        b = self.backend
        include = "".join(f"\\{c}" if not c.isalnum() else c for c in char) + "."
        body = {"size": 0, "track_total_hits": False,
                "aggs": {"next": {"terms": {"field": PAIRS, "include": include, "size": _MAX_NEXT}}}}
        answer = b._search(body)
        out: dict[str, int] = {}
        for bucket in answer["aggregations"]["next"]["buckets"]:
            pair = str(bucket["key"])
            if len(pair) == 2 and pair[0] == char and pair[1].isalnum():
                out[pair[1]] = out.get(pair[1], 0) + int(bucket["doc_count"])
        return out

    def has_pair(self, pair: str) -> bool:
        return self._count({"term": {GRAMS["body"]: token(pair)}}) > 0

    def example(self, text: str) -> Article | None:
        b = self.backend
        body = {"query": {"bool": {"filter": [dsl.exact(GRAMS["body"], text, b.folding)]}},
                "size": 1, "sort": [{"id": "asc"}], "_source": ["id", "stored"], "track_total_hits": False}
        hits = b._search(body)["hits"]["hits"]
        return from_source(hits[0]["_source"]) if hits else None

