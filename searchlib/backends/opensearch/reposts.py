"""Repost signatures in an OpenSearch index (see :mod:`searchlib.reposts`).

Two fields: ``lsh``, the signature's band keys (a keyword field: candidates
are a ``terms`` lookup), and ``repost``, the signature itself (``binary``:
kept in ``_source``, read only by collapsed searches and ``similar()``).
Indexes created before these fields existed have neither until rebuilt.
"""

from __future__ import annotations

import base64
from typing import Any

from ...models import Article
from ...reposts import Signature, band_keys, signature
from .cluster import call

__all__ = ["MAPPING", "repost_fields", "signed_hit", "mapping_signed"]

#: The mapping of the repost fields.
MAPPING: dict[str, Any] = {"lsh": {"type": "keyword"}, "repost": {"type": "binary"}}


def repost_fields(article: Article) -> dict[str, Any]:
    """The document fields of ``article``'s signature."""
    sig = signature(article.title, article.body)
    return {"lsh": band_keys(sig), "repost": base64.b64encode(sig).decode("ascii")}


def signed_hit(hit: dict[str, Any]) -> tuple[str, Signature]:
    """``(id, signature)`` of a hit read with ``_source: ["repost"]``."""
    encoded = (hit.get("_source") or {}).get("repost") or ""
    return str(hit["_id"]), base64.b64decode(encoded)


def mapping_signed(client: Any, name: str, location: str) -> bool:
    """Whether the index (or alias) ``name`` maps the repost fields."""
    found = call(location, client.indices.get_mapping, index=name, params={"ignore": 404})
    if not found or "error" in found:
        return False
    properties = next(iter(found.values()))["mappings"].get("properties", {})
    return all(field in properties for field in MAPPING)
