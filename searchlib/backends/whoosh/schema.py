"""The Whoosh schema for news articles, and Article <-> document conversion.

Searchable text lives twice: as words (``title``, ``body``: ranking, whole-word
matches) and as character bigrams (``title_ng``, ``body_ng``: exact matching of
any text, whatever the segmenter did), and as character counts (``title_ch``,
``body_ch``: one-character search reads one posting list, not every bigram
the character starts; indexes built before them have none and read the
bigrams). Filters and facets use folded ID fields;
what an article looked like on the way in is kept in stored fields.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from whoosh import fields
from whoosh.analysis import Filter, IDTokenizer, RegexTokenizer, StripFilter

from ...analysis import SCRIPT, Folding, SegmenterProfile, folding_for
from ...fields import year_month
from ...ingest.identity import content_digest
from ...models import Article
from .formats import CharCounts, CompactPositions
from .reposts import schema_fields
from .tokenizers import BigramTokenizer, CharTokenizer, WordTokenizer

__all__ = ["news_schema", "to_document", "char_fields", "from_stored", "schema_folding", "GRAMS", "CHARS"]

#: Each searchable text field and its twin of character bigrams (exact text).
GRAMS = {"title": "title_ng", "body": "body_ng"}
#: Each bigram field and its twin of character counts.
CHARS = {"title_ng": "title_ch", "body_ng": "body_ch"}


class FoldFilter(Filter):
    """Folds each token's text as a whole value (NFKC, case, traditional/simplified
    characters: :meth:`~searchlib.analysis.Folding.key`)."""

    fold_scheme: str | None = None  # first-release pickles have none

    def __init__(self, fold_scheme: str | None = SCRIPT.version) -> None:
        self.fold_scheme = fold_scheme

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FoldFilter) and other.fold_scheme == self.fold_scheme

    def __call__(self, tokens):  # type: ignore[no-untyped-def]
        key = folding_for(self.fold_scheme).key
        for t in tokens:
            t.text = key(t.text)
            yield t


def _folded_id() -> Any:
    return IDTokenizer() | StripFilter() | FoldFilter()


def schema_folding(schema: fields.Schema) -> Folding:
    """The folding an index's schema was built with."""
    return folding_for(getattr(schema["body_ng"].analyzer, "fold_scheme", None))


def _text(analyzer: Any, stored: bool) -> fields.TEXT:
    field = fields.TEXT(analyzer=analyzer, stored=stored, phrase=True)
    field.format = CompactPositions()
    return field


def _chars() -> fields.FieldType:
    return fields.FieldType(CharCounts(), CharTokenizer(), scorable=False, stored=False)


def news_schema(profile: SegmenterProfile | None = None) -> fields.Schema:
    """The schema of a news index whose words are segmented with ``profile``."""
    words = WordTokenizer(profile or SegmenterProfile())
    grams = BigramTokenizer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=_text(words, stored=True),
        body=_text(words, stored=True),
        title_ng=_text(grams, stored=False),
        body_ng=_text(grams, stored=False),
        title_ch=_chars(),
        body_ch=_chars(),
        date=fields.DATETIME(sortable=True),
        year=fields.ID(sortable=True),
        month=fields.ID(sortable=True),
        source=fields.ID(sortable=True, analyzer=_folded_id()),
        category=fields.ID(sortable=True, analyzer=_folded_id()),
        author=fields.ID(analyzer=_folded_id()),
        editor=fields.ID(analyzer=_folded_id()),
        tags=fields.KEYWORD(analyzer=RegexTokenizer(r"[^,]+") | StripFilter() | FoldFilter()),
        digest=fields.ID(stored=True),
        meta=fields.STORED(),
        **schema_fields(),
    )


def char_fields(article: Article, schema: fields.Schema) -> dict[str, str]:
    """The character-count fields of ``article``'s document (none for an index built before them)."""
    if "body_ch" not in schema:
        return {}
    return {"title_ch": article.title, "body_ch": article.body}


def _as_datetime(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime(value.year, value.month, value.day)


def to_document(article: Article, digest: str | None = None) -> dict[str, Any]:
    """The Whoosh document (field -> value) for ``article``."""
    doc: dict[str, Any] = {
        "id": article.id,
        "title": article.title,
        "body": article.body,
        "title_ng": article.title,
        "body_ng": article.body,
        "digest": digest or content_digest(article),
        "meta": {
            "date": article.date.isoformat() if article.date else None,
            "source": article.source, "author": article.author, "editor": article.editor,
            "url": article.url, "category": article.category, "tags": list(article.tags),
            "contributors": list(article.contributors),
        },
    }
    if article.date:
        doc["date"] = _as_datetime(article.date)
        doc["year"], doc["month"] = year_month(article.date)
    for name in ("source", "category", "author", "editor"):
        value = getattr(article, name)
        if value:
            doc[name] = value
    if article.tags:
        doc["tags"] = ",".join(article.tags)
    return doc


def from_stored(stored: dict[str, Any]) -> Article:
    """Rebuild the Article from a document's stored fields."""
    meta = stored.get("meta") or {}
    return Article(id=stored["id"], title=stored.get("title", ""), body=stored["body"],
                   date=meta.get("date"), source=meta.get("source"), author=meta.get("author"),
                   editor=meta.get("editor"), url=meta.get("url"), category=meta.get("category"),
                   tags=tuple(meta.get("tags") or ()),
                   contributors=tuple(meta.get("contributors") or ()))
