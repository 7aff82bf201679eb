"""Turning library results into API answers: offsets in the asked unit, timings, ETags."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ..index import NewsIndex
from ..models import Article, SearchResults
from .params import SearchParams

__all__ = ["run_search", "json_response", "convert_offsets", "iter_export", "EXPORT_BATCH"]

#: Matches fetched per round while exporting without NewsIndex.iter_search.
EXPORT_BATCH = 1000


def _unit_lengths(text: str, unit: str) -> list[int]:
    """Offsets of each code point boundary of ``text`` in ``unit`` (len(text) + 1 of them)."""
    out = [0]
    total = 0
    for ch in text:
        cp = ord(ch)
        if unit == "utf16":
            total += 2 if cp > 0xFFFF else 1
        else:  # utf8
            total += 1 if cp < 0x80 else 2 if cp < 0x800 else 3 if cp < 0x10000 else 4
        out.append(total)
    return out


def convert_spans(text: str, spans: list[list[int]], unit: str) -> list[list[int]]:
    """Code point spans within ``text`` as ``unit`` offsets."""
    if unit == "codepoint" or not spans:
        return spans
    table = _unit_lengths(text, unit)
    return [[table[a], table[b]] for a, b in spans]


def convert_offsets(results: dict[str, Any], unit: str) -> dict[str, Any]:
    """A results dict (``SearchResults.to_dict()``) with every span counted in ``unit``."""
    results["offsets"] = unit
    if unit == "codepoint":
        return results
    for hit in results["hits"]:
        hit["title_spans"] = convert_spans(hit["title"] or "", hit["title_spans"], unit)
        for snippet in hit["snippets"]:
            snippet["spans"] = convert_spans(snippet["text"], snippet["spans"], unit)
    return results


def results_body(res: SearchResults, unit: str, started: float) -> dict[str, Any]:
    """The API's search answer."""
    body = convert_offsets(res.to_dict(), unit)
    body["processing_time_ms"] = round((time.perf_counter() - started) * 1000, 2)
    return body


def run_search(index: NewsIndex, params: SearchParams) -> dict[str, Any]:
    """One search, as the API answers it (``processing_time_ms`` included).

    Raises:
        QuerySyntaxError, UsageError: from the library.
    """
    started = time.perf_counter()
    res = index.search(params.q, **params.search_kwargs())
    body = results_body(res, params.offsets, started)
    body["hits_per_page"] = body.pop("limit")
    return body


def _etag(body: dict[str, Any]) -> str:
    """A strong ETag over the answer, leaving out what changes on every request."""
    stable = {k: v for k, v in body.items() if k != "processing_time_ms"}
    digest = hashlib.sha256(json.dumps(stable, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    return '"' + digest.hexdigest()[:32] + '"'


def _matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return "*" in tags or etag in tags


def json_response(body: Any, request: Request | None = None, *, status: int = 200,
                  etag: bool = False, headers: dict[str, str] | None = None) -> Response:
    """JSON (UTF-8, not ASCII-escaped); with ``etag``, an ETag and 304 on If-None-Match."""
    extra = dict(headers or {})
    if etag and isinstance(body, dict):
        tag = _etag(body)
        extra["ETag"] = tag
        extra.setdefault("Cache-Control", "no-cache")
        if request is not None and request.method in ("GET", "HEAD") \
                and _matches(request.headers.get("if-none-match"), tag):
            return Response(status_code=304, headers=extra)
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return Response(data, status_code=status, media_type="application/json", headers=extra)


def iter_export(index: NewsIndex, params: SearchParams) -> Iterator[Article]:
    """Every article matching the search, in the asked order.

    Uses ``NewsIndex.iter_search`` where the library has it; else pages
    through ``search`` (a commit in between may shift an article across pages).
    """
    kwargs = {k: v for k, v in params.search_kwargs().items()
              if k in ("sort", "date_from", "date_to", "source", "category")}
    iter_search = getattr(index, "iter_search", None)
    if iter_search is not None:
        for hit in iter_search(params.q, **kwargs):
            yield hit.article if hasattr(hit, "article") else hit
        return
    page = 1
    while True:
        res = index.search(params.q, limit=EXPORT_BATCH, page=page, snippets=0, **kwargs)
        for hit in res.hits:
            yield hit.article
        if page >= res.pages:
            return
        page += 1
