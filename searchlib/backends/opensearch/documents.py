"""The OpenSearch index of news articles: settings, mapping, Article <-> document.

Text is analysed in Python (:mod:`searchlib.analysis`), exactly as for the
local index, and sent as tokens joined by spaces to fields with OpenSearch's
built-in ``whitespace`` analyzer: ``title_w``/``body_w`` hold the words
(BM25, whole-word matches), ``title_ng``/``body_ng`` the character bigrams
(exact text by phrases of bigrams). Tokens are written through
:func:`token`, which escapes every character Java's tokenizer would split on
(bigrams hold spaces), so that one Python token is one Lucene term. Filters
and facets use keyword fields of folded values; the article as it came in is
kept in ``_source`` under ``stored`` (the analysed fields are left out of it).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ...analysis import Folding, SegmenterProfile
from ...analysis.tokens import END, bigrams, word_spans
from ...fields import year_month
from ...ingest.identity import content_digest
from ...models import Article
from .reposts import MAPPING as REPOST_MAPPING

__all__ = ["token", "word_token", "index_body", "to_document", "from_source", "date_key", "WORDS", "GRAMS",
           "PAIRS", "VOCAB", "VOCAB_MAPPING", "MAX_WORD"]

#: Each searchable text field -> its field of words and its field of bigrams.
WORDS = {"title": "title_w", "body": "body_w"}
GRAMS = {"title": "title_ng", "body": "body_ng"}
#: Distinct bigrams of the body that end in a letter or digit (a keyword field
#: with doc values: the "which character follows" statistics of suggestions).
PAIRS = "body_pairs"
#: Each searchable text field -> a keyword field of its distinct words (no marks):
#: the vocabulary that completion and pinyin read (terms aggregations).
VOCAB = {"title": "title_vocab", "body": "body_vocab"}
VOCAB_MAPPING = {f: {"type": "keyword", "index": False, "doc_values": True} for f in VOCAB.values()}
#: Words longer than this are cut (Lucene's whitespace tokenizer splits tokens
#: of more than 255 UTF-16 units, which would shift positions).
MAX_WORD = 100

_WORDLIKE = re.compile(r"[^\W_]")
#: Characters Java's ``Character.isWhitespace`` is true for (Lucene splits on them).
_JAVA_SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \u1680" + "".join(map(chr, range(0x2000, 0x2007))) + \
    "\u2008\u2009\u200a\u2028\u2029\u205f\u3000"
_ESC = "\ue000"
#: A prefix code: an escaped character is ESC + a code character, ESC itself ESC ESC,
#: so a prefix query for a character's code finds exactly the bigrams starting with it.
_ESCAPES = str.maketrans({_ESC: _ESC + _ESC,
                          **{ch: _ESC + chr(0xE001 + i) for i, ch in enumerate(_JAVA_SPACE)}})


def token(text: str) -> str:
    """``text`` as one whitespace-analyzer term (no character Java splits on)."""
    return text.translate(_ESCAPES)


def word_token(word: str) -> str:
    """A (folded) word as the term the word fields hold."""
    return token(word[:MAX_WORD])


def date_key(value: dt.date | dt.datetime) -> int:
    """Microseconds since 1970 of a date (midnight) or a datetime (its zone dropped)."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    value = value.replace(tzinfo=None)
    return (value - dt.datetime(1970, 1, 1)) // dt.timedelta(microseconds=1)


def index_body(shards: int, replicas: int, meta: dict[str, Any]) -> dict[str, Any]:
    """The settings and mapping of a new news index."""
    text = {"type": "text", "analyzer": "whitespace", "similarity": "BM25"}
    keyword = {"type": "keyword"}
    return {
        "settings": {"index": {"number_of_shards": shards, "number_of_replicas": replicas,
                               "refresh_interval": "1s", "max_result_window": 10000}},
        "mappings": {
            "dynamic": "strict",
            "_meta": meta,
            "_source": {"excludes": [*WORDS.values(), *GRAMS.values(), PAIRS, *VOCAB.values()]},
            "properties": {
                "id": keyword, "digest": keyword,
                **{f: text for f in (*WORDS.values(), *GRAMS.values())},
                PAIRS: {"type": "keyword", "index": False, "doc_values": True},
                **VOCAB_MAPPING,
                "date": {"type": "long"}, "year": keyword, "month": keyword,
                **{f: keyword for f in ("source", "category", "author", "editor", "tags")},
                "source_raw": keyword, "category_raw": keyword,
                "stored": {"type": "object", "enabled": False},
                **REPOST_MAPPING,
            },
        },
    }


def _words(text: str, profile: SegmenterProfile, folding: Folding) -> tuple[str, list[str]]:
    words = [w for w, _, _ in word_spans(text, profile, folding)]
    return (" ".join(map(word_token, words)),
            sorted({w[:MAX_WORD] for w in words if _WORDLIKE.search(w)}))


def _grams(text: str, folding: Folding) -> tuple[str, list[str]]:
    grams = [g for g, _ in bigrams(text, folding)]
    pairs = sorted({g for g in grams if not g.endswith(END) and g[1].isalnum()})
    return " ".join(token(g) for g in grams), pairs


def to_document(article: Article, profile: SegmenterProfile, folding: Folding,
                digest: str | None = None) -> dict[str, Any]:
    """The OpenSearch document for ``article`` (its ``_id`` is the article id)."""
    title_ng, _ = _grams(article.title, folding)
    title_w, title_vocab = _words(article.title, profile, folding)
    body_w, body_vocab = _words(article.body, profile, folding)
    body_ng, pairs = _grams(article.body, folding)
    doc: dict[str, Any] = {
        "id": article.id,
        "digest": digest or content_digest(article),
        "title_w": title_w, "body_w": body_w,
        VOCAB["title"]: title_vocab, VOCAB["body"]: body_vocab,
        "title_ng": title_ng, "body_ng": body_ng, PAIRS: pairs,
        "stored": article.to_dict(),
    }
    if article.date:
        doc["date"] = date_key(article.date)
        doc["year"], doc["month"] = year_month(article.date)
    for name in ("source", "category", "author", "editor"):
        value = getattr(article, name)
        if value:
            doc[name] = folding.key(value.strip())
    for name in ("source", "category"):
        if getattr(article, name):
            doc[name + "_raw"] = getattr(article, name)
    if article.tags:
        tags = [folding.key(t.strip()) for t in ",".join(article.tags).split(",")]
        doc["tags"] = [t for t in tags if t]
    return doc


def from_source(source: dict[str, Any]) -> Article:
    """Rebuild the Article from a document's ``_source``."""
    return Article(**source["stored"])
