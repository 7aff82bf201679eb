"""Repost signatures in a Whoosh index (see :mod:`searchlib.reposts`).

Two fields: ``lsh``, the signature's band keys as indexed keywords (candidates
are a term lookup), and ``repost``, a column holding each document's signature
and id (so ranked matches are clustered without loading stored fields).
Indexes built before these fields existed have neither until rebuilt.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from whoosh import columns, fields
from whoosh.reading import IndexReader

from ...models import Article
from ...reposts import Signature, band_keys, signature

__all__ = ["schema_fields", "signed", "repost_fields", "signed_ids", "band_holders"]

def schema_fields() -> dict[str, fields.FieldType]:
    """The schema fields of repost signatures (new objects for each schema)."""
    return {"lsh": fields.KEYWORD(), "repost": fields.COLUMN(columns.VarBytesColumn())}


def signed(schema: fields.Schema) -> bool:
    """Whether an index of ``schema`` stores repost signatures."""
    return "repost" in schema and "lsh" in schema


def repost_fields(article: Article) -> dict[str, Any]:
    """The document fields of ``article``'s signature."""
    sig = signature(article.title, article.body)
    doc: dict[str, Any] = {"repost": _pack(sig, article.id)}
    keys = band_keys(sig)
    if keys:
        doc["lsh"] = " ".join(keys)
    return doc


def _pack(sig: Signature, article_id: str) -> bytes:
    return bytes([len(sig) // 4]) + sig + article_id.encode("utf-8")


def _unpack(value: bytes) -> tuple[str, Signature]:
    end = 1 + 4 * value[0]
    return value[end:].decode("utf-8"), bytes(value[1:end])


def signed_ids(reader: IndexReader, docnums: Iterable[int]) -> list[tuple[str, Signature]]:
    """``(id, signature)`` of each of ``docnums``, in order."""
    column = reader.column_reader("repost")
    return [_unpack(column[d]) for d in docnums]


def band_holders(reader: IndexReader, keys: Iterable[str]) -> list[tuple[str, Signature]]:
    """``(id, signature)`` of the live documents holding any of the band ``keys``."""
    docnums: set[int] = set()
    for key in keys:
        if ("lsh", key) in reader:
            docnums.update(reader.postings("lsh", key).all_ids())
    live = sorted(d for d in docnums if not reader.is_deleted(d))
    return signed_ids(reader, live)
