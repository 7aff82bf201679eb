"""Building one segment from a chunk of articles: analysis, then the fast writer.

Runs in worker processes (:mod:`.workers`) or, for small inputs, in the
ingesting process itself (:mod:`.commit`).
"""

from __future__ import annotations

from typing import Any

from whoosh import index as windex

from ...analysis import SCRIPT, Folding, SegmenterProfile
from ...ingest.session import Chunk
from ...models import Article
from .reposts import repost_fields, signed
from .schema import GRAMS, char_fields, schema_folding, to_document
from .writer import FastCodec, FastSegmentWriter, field_tokens

__all__ = ["write_segment", "analyse"]


def analyse(article: Article, digest: str, profile: SegmenterProfile, folding: Folding = SCRIPT
            ) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """An article's Whoosh document and the token lists of its text fields."""
    doc = to_document(article, digest)
    tokens = {}
    for field, grams in GRAMS.items():
        text = getattr(article, field)
        tokens[field] = field_tokens("words", text, profile, folding)
        tokens[grams] = field_tokens("ng", text, profile, folding)
    return doc, tokens


def write_segment(ix: windex.Index, segment: Any, chunk: Chunk) -> Any:
    """Analyse ``chunk`` and write it as ``segment`` (not committed); returns the segment."""
    writer = FastSegmentWriter(ix, _lk=False, codec=FastCodec(segment=segment))
    profile, folding = ix.schema["title"].analyzer.profile, schema_folding(ix.schema)
    sign = signed(ix.schema)  # indexes built before repost signatures get none until rebuilt
    try:
        for article, digest in chunk:
            doc, tokens = analyse(article, digest, profile, folding)
            if sign:
                doc.update(repost_fields(article))
            doc.update(char_fields(article, ix.schema))
            writer.add_prepared(doc, tokens)
        return writer._finalize_segment()
    except BaseException:
        writer._close_segment()
        raise
