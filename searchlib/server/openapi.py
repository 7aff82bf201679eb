"""The OpenAPI 3.1 document of the JSON API, served at ``/openapi.json``."""

from __future__ import annotations

from typing import Any

from .._version import __version__
from ..fields import FACET_FIELDS
from ..index import SORTS
from .limits import Limits
from .params import MAX_SNIPPETS, OFFSET_UNITS, SNIPPET_SIZES
from .problems import PROBLEMS

__all__ = ["openapi_document"]

STR: dict[str, Any] = {"type": "string"}
INT: dict[str, Any] = {"type": "integer"}
NUM: dict[str, Any] = {"type": "number"}
BOOL: dict[str, Any] = {"type": "boolean"}
OPT_STR: dict[str, Any] = {"type": ["string", "null"]}
STRS: dict[str, Any] = {"type": "array", "items": STR}
SPANS: dict[str, Any] = {"type": "array", "items": {"type": "array", "items": INT,
                                                    "minItems": 2, "maxItems": 2}}


def ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(props: dict[str, Any], required: list[str] | None = None, extra: bool = False) -> dict[str, Any]:
    return {"type": "object", "properties": props,
            "required": list(props) if required is None else required,
            "additionalProperties": extra}


ARTICLE_META = {"date": OPT_STR, "source": OPT_STR, "author": OPT_STR, "editor": OPT_STR,
                "url": OPT_STR, "category": OPT_STR, "tags": STRS, "contributors": STRS}
FACETS = {"type": "object", "additionalProperties": {"type": "array", "items": ref("FacetValue")}}


def schemas() -> dict[str, Any]:
    """The component schemas: the library's ``to_dict()`` shapes."""
    return {
        "Snippet": obj({"text": STR, "spans": SPANS, "html": STR}),
        "FacetValue": obj({"value": STR, "count": INT}),
        "Hit": obj({"id": STR, "rank": INT, "score": NUM, "title": STR, **ARTICLE_META,
                    "title_spans": SPANS, "title_html": STR,
                    "snippets": {"type": "array", "items": ref("Snippet")},
                    "duplicates": {**INT, "minimum": 0,
                                   "description": "with collapse: other matches that are reposts of this one"}}),
        "SearchResults": obj({
            "query": STR, "total": {**INT, "minimum": 0}, "page": INT, "hits_per_page": INT,
            "pages": INT, "relaxed": BOOL, "suggestion": OPT_STR, "facets": FACETS,
            "pinyin": {"type": "object", "additionalProperties": STRS,
                       "description": "each term read as pinyin -> the Han words it was searched as"},
            "hits": {"type": "array", "items": ref("Hit")},
            "offsets": {"enum": list(OFFSET_UNITS)}, "processing_time_ms": NUM}),
        "FacetCounts": obj({"query": STR, "total": INT, "relaxed": BOOL, "facets": FACETS,
                            "processing_time_ms": NUM}),
        "Suggestions": obj({"query": STR, "total": {"type": ["integer", "null"]}, "suggestion": OPT_STR,
                            "completions": STRS}),
        "Keywords": obj({"id": STR, "keywords": STRS}),
        "Article": obj({"id": STR, "title": STR, "body": STR, **ARTICLE_META}),
        "ArticleInput": obj({"id": {"type": ["string", "integer"]}, "title": STR, "body": STR,
                             "content": STR, **ARTICLE_META}, required=[], extra=True),
        "Failure": obj({"source": STR, "path": STR, "line": {"type": ["integer", "null"]},
                        "reason": STR}),
        "IngestReport": obj({"added": INT, "updated": INT, "unchanged": INT, "duplicates": INT,
                             "failed": {"type": "array", "items": ref("Failure")},
                             "skipped": STRS, "bytes_read": INT, "seconds": NUM}),
        "Stats": obj({"articles": INT, "bytes": INT, "segments": INT, "first_date": OPT_STR,
                      "last_date": OPT_STR, "sources": {"type": "array", "items": ref("FacetValue")},
                      "read_only": BOOL}, required=["articles", "sources", "read_only"], extra=True),
        "Health": obj({"status": STR, "articles": INT}, required=["status"]),
        "Problem": obj({"type": {"enum": [f"/problems/{s}" for s in PROBLEMS]}, "title": STR,
                        "status": INT, "detail": STR, "instance": STR},
                       required=["type", "title", "status", "detail"], extra=True),
        "SearchRequest": obj(_search_props(), required=["q"]),
        "Synonyms": obj({"groups": {"type": "array", "items": {
            "type": "array", "items": {**STR, "minLength": 1}, "minItems": 2},
            "description": "groups of terms that find each other; [] clears them"}}),
    }


def _search_props() -> dict[str, Any]:
    limits = Limits()
    return {
        "q": {**STR, "minLength": 1, "maxLength": limits.max_query_chars,
              "description": "the query (searchlib's query language)"},
        "page": {**INT, "minimum": 1, "maximum": limits.max_window, "default": 1},
        "hits_per_page": {**INT, "minimum": 1, "maximum": limits.max_hits_per_page, "default": 10,
                          "description": f"page * hits_per_page may not pass {limits.max_window}"},
        "sort": {"enum": list(SORTS), "default": "relevance"},
        "from": {**STR, "description": "only articles dated on or after (e.g. 2017-02-10)"},
        "to": {**STR, "description": "only articles dated on or before"},
        "source": STR, "category": STR,
        "facets": {**STR, "description": f"comma-separated: {', '.join(FACET_FIELDS)}"},
        "snippets": {**INT, "minimum": 0, "maximum": MAX_SNIPPETS, "default": 3},
        "snippet_size": {**INT, "minimum": SNIPPET_SIZES[0], "maximum": SNIPPET_SIZES[1],
                         "default": 120},
        "offsets": {"enum": list(OFFSET_UNITS), "default": "codepoint",
                    "description": "unit of every span: code points, UTF-16 code units (JavaScript) "
                                   "or UTF-8 bytes"},
        "collapse": {**BOOL, "default": False,
                     "description": "one hit per cluster of reposts (near-duplicates); total counts clusters"},
    }


def _query_params(names: list[str]) -> list[dict[str, Any]]:
    props = _search_props()
    return [{"name": n, "in": "query", "required": n == "q", "schema": props[n]} for n in names]


ID_PARAM = {"name": "id", "in": "path", "required": True, "schema": {**STR, "minLength": 1}}
N_PARAM = {"name": "n", "in": "query", "schema": {**INT, "minimum": 1, "maximum": 50}}
DID_YOU_MEAN_PARAM = {"name": "did_you_mean", "in": "query", "schema": {"enum": ["0", "1", "false", "true"]},
                      "description": "0: completions only (no search)"}
SEARCH_PARAMS = list(_search_props())
FILTERS = ["q", "sort", "from", "to", "source", "category"]


def _json(schema: dict[str, Any], description: str, etag: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"description": description,
                           "content": {"application/json": {"schema": schema}}}
    if etag:
        out["headers"] = {"ETag": {"schema": STR}}
    return out


def _problems(*statuses: int) -> dict[str, Any]:
    problem = {"content": {"application/problem+json": {"schema": ref("Problem")}}}
    out = {str(s): {"description": "a problem (RFC 9457)", **problem} for s in statuses}
    out["default"] = {"description": "a problem (RFC 9457)", **problem}
    return out


def _op(summary: str, ok: dict[str, Any], *problems: int, params: list[dict[str, Any]] | None = None,
        body: dict[str, Any] | None = None, admin: bool = False, etag: bool = False,
        ok_status: str = "200") -> dict[str, Any]:
    responses = {ok_status: ok, **_problems(*problems)}
    if etag:
        responses["304"] = {"description": "not modified (If-None-Match matched the ETag)"}
    op: dict[str, Any] = {"summary": summary, "responses": responses}
    if params:
        op["parameters"] = params
    if body:
        op["requestBody"] = {"required": True, "content": body}
    if admin:
        op["security"] = [{"admin": []}]
        op["responses"].update(_problems(401, 403, 503))
        op["responses"].pop("default")
        op["responses"]["default"] = _problems()["default"]
    return op


def _put(op: dict[str, Any], report: dict[str, Any]) -> dict[str, Any]:
    """PUT answers 201 when the article is new, 200 when it replaced one."""
    op["responses"]["201"] = {**report, "description": "added (the article is new)"}
    return op


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 description of every endpoint."""
    results = _json(ref("SearchResults"), "one page of hits", etag=True)
    article_in = {"application/json": {"schema": ref("ArticleInput")}}
    many_in = {"application/json": {"schema": {"type": "array", "items": ref("ArticleInput")}},
               "application/x-ndjson": {"schema": STR}}
    upload = {"multipart/form-data": {"schema": obj({"file": {"type": "array", "items": {
        **STR, "contentMediaType": "application/octet-stream"}}}, required=["file"])}}
    report = _json(ref("IngestReport"), "what the write did")
    return {
        "openapi": "3.1.0",
        "info": {"title": "searchlib", "version": __version__,
                 "description": "Full-text search over Chinese news. Errors are RFC 9457 "
                                "application/problem+json with a stable type."},
        "paths": {
            "/v1/search": {
                "get": _op("Search", results, 400, params=_query_params(SEARCH_PARAMS), etag=True),
                "post": _op("Search (parameters as a JSON object)", results, 400, 413, 415,
                            body={"application/json": {"schema": ref("SearchRequest")}}),
            },
            "/v1/facets": {"get": _op("Facet counts only", _json(ref("FacetCounts"), "counts"), 400,
                                      params=_query_params([*FILTERS, "facets"]), etag=True)},
            "/v1/suggest": {"get": _op("Did-you-mean and completions",
                                       _json(ref("Suggestions"), "suggestions"), 400,
                                       params=[*_query_params(["q"]), N_PARAM, DID_YOU_MEAN_PARAM],
                                       etag=True)},
            "/v1/stats": {"get": _op("About the index", _json(ref("Stats"), "statistics"), etag=True)},
            "/v1/export": {"get": _op("Every matching article, streamed as NDJSON", {
                "description": "one Article a line",
                "content": {"application/x-ndjson": {"schema": STR}}}, 400,
                params=_query_params(FILTERS))},
            "/v1/articles": {"post": _op("Add or update articles", report, 400, 413, 415,
                                         body=many_in, admin=True)},
            "/v1/articles/{id}": {
                "parameters": [ID_PARAM],
                "get": _op("One article", _json(ref("Article"), "the article", etag=True), 400, 404,
                           etag=True),
                "put": _put(_op("Add or replace one article", report, 400, 413, 415, body=article_in,
                                admin=True), report),
                "delete": _op("Delete one article", {"description": "deleted"}, 400, 404,
                              admin=True, ok_status="204"),
            },
            "/v1/articles/{id}/related": {"parameters": [ID_PARAM], "get": _op(
                "Related articles", results, 400, 404, etag=True,
                params=_query_params(["page", "hits_per_page", "snippets", "snippet_size", "offsets"]))},
            "/v1/articles/{id}/similar": {"parameters": [ID_PARAM], "get": _op(
                "Near-duplicates (reposts) of an article, most similar first (score: similarity)",
                results, 400, 404, etag=True, params=_query_params(["page", "hits_per_page"]))},
            "/v1/articles/{id}/keywords": {"parameters": [ID_PARAM], "get": _op(
                "Key terms of an article", _json(ref("Keywords"), "key terms"), 400, 404,
                params=[N_PARAM], etag=True)},
            "/v1/ingest": {"post": _op("Ingest uploaded files (JSONL, JSON, CSV, raw text, .gz)",
                                       report, 400, 413, 415, body=upload, admin=True)},
            "/v1/synonyms": {
                "get": _op("The synonym groups", _json(ref("Synonyms"), "the groups", etag=True),
                           etag=True),
                "put": _op("Replace the synonym groups (query-time: no rebuild)",
                           _json(ref("Synonyms"), "the groups as stored"), 400, 413, 415, admin=True,
                           body={"application/json": {"schema": ref("Synonyms")},
                                 "text/plain": {"schema": {
                                     **STR, "description": "one group a line, members separated "
                                     "by commas (, ， 、) or spaces; # starts a comment"}}}),
            },
            "/health": {"get": _op("Alive", _json(ref("Health"), "alive"))},
            "/ready": {"get": _op("Ready (after a warm-up search)", _json(ref("Health"), "ready"), 503)},
        },
        "components": {
            "schemas": schemas(),
            "securitySchemes": {"admin": {"type": "http", "scheme": "bearer",
                                          "description": "the server's admin key"}},
        },
    }
