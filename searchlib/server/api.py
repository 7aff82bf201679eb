"""The read side of the JSON API under ``/v1``, plus ``/health`` and ``/ready``."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from starlette.concurrency import iterate_in_threadpool, run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from ..complete import MAX_PREFIX_CHARS
from ..errors import QuerySyntaxError
from ..fields import FACET_FIELDS
from .limits import read_body
from .params import SEARCH_KEYS, SearchParams, parse_search
from .problems import Problem
from .results import iter_export, json_response, results_body, run_search
from .state import ServerState

__all__ = ["ReadApi"]

NDJSON = "application/x-ndjson"


def _int_param(request: Request, name: str, default: int, lo: int, hi: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not lo <= int(raw) <= hi:
        raise Problem("invalid-parameter", f"{name}: must be a whole number from {lo} to {hi}, "
                      f"not {raw!r}", parameter=name)
    return int(raw)


async def json_object(request: Request, limit: int) -> dict[str, Any]:
    """The request body as a JSON object.

    Raises:
        Problem: 413 past ``limit``, 415 for another media type, 400 for bad JSON.
    """
    media = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    if media not in ("application/json", ""):
        raise Problem("unsupported-media-type", f"send application/json, not {media!r}")
    body = await read_body(request, limit)
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Problem("invalid-body", f"the body is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise Problem("invalid-body", f"the body must be a JSON object, not {type(data).__name__}")
    return data


class ReadApi:
    """Searches and lookups: each handler a method over the shared state."""

    def __init__(self, state: ServerState) -> None:
        self.state = state

    def routes(self) -> list[Route]:
        return [
            Route("/health", self.health, methods=["GET"]),
            Route("/ready", self.ready, methods=["GET"]),
            Route("/v1/search", self.search, methods=["GET", "POST"]),
            Route("/v1/facets", self.facets, methods=["GET"]),
            Route("/v1/suggest", self.suggest, methods=["GET"]),
            Route("/v1/stats", self.stats, methods=["GET"]),
            Route("/v1/export", self.export, methods=["GET"]),
            Route("/v1/articles/{id}", self.article, methods=["GET"]),
            Route("/v1/articles/{id}/related", self.related, methods=["GET"]),
            Route("/v1/articles/{id}/keywords", self.keywords, methods=["GET"]),
            Route("/v1/articles/{id}/similar", self.similar, methods=["GET"]),
        ]

    async def health(self, request: Request) -> Response:
        """Alive (the process answers)."""
        return json_response({"status": "ok"})

    async def ready(self, request: Request) -> Response:
        """Ready once the warm-up search has run."""
        self.state.start_warmup()
        if not self.state.ready.is_set():
            raise Problem("not-ready", "the warm-up search has not finished yet",
                          headers={"Retry-After": "1"})
        count = await run_in_threadpool(self.state.index.count)
        return json_response({"status": "ready", "articles": count})

    async def _params(self, request: Request, require_q: bool = True) -> SearchParams:
        if request.method == "POST":
            raw: dict[str, Any] = await json_object(request, self.state.limits.max_body_bytes)
        else:
            raw = dict(request.query_params)
        unknown = sorted(set(raw) - set(SEARCH_KEYS))
        if unknown and request.method == "POST":
            raise Problem("invalid-parameter", f"unknown parameter {unknown[0]!r}",
                          parameter=unknown[0])
        return parse_search(raw, self.state.limits, require_q=require_q)

    async def search(self, request: Request) -> Response:
        """``GET|POST /v1/search``: one page of hits."""
        params = await self._params(request)
        body = await run_in_threadpool(run_search, self.state.index, params)
        return json_response(body, request, etag=True)

    async def facets(self, request: Request) -> Response:
        """``GET /v1/facets``: counts only (every facet unless ``facets`` names some)."""
        params = await self._params(request)
        names = params.facets or FACET_FIELDS
        started = time.perf_counter()
        kwargs = {**params.search_kwargs(), "limit": 1, "page": 1, "snippets": 0, "facets": names}
        res = await run_in_threadpool(lambda: self.state.index.search(params.q, **kwargs))
        body = results_body(res, "codepoint", started)
        out = {k: body[k] for k in ("query", "total", "relaxed", "facets", "processing_time_ms")}
        return json_response(out, request, etag=True)

    async def suggest(self, request: Request) -> Response:
        """``GET /v1/suggest``: completions of the last term of ``q`` (``n`` of them, default
        10) and a corrected query (did-you-mean; ``did_you_mean=0`` skips it: the search page
        asks for completions only, at every keystroke)."""
        n = _int_param(request, "n", 10, 1, 50)
        did_you_mean = request.query_params.get("did_you_mean", "1") not in ("0", "false")
        raw = dict(request.query_params)
        params = parse_search({k: v for k, v in raw.items() if k == "q"}, self.state.limits)
        index = self.state.index

        def work() -> dict[str, Any]:
            # a query longer than a prefix can be is not being typed: nothing to complete
            completions = index.complete(params.q, n=n) if len(params.q) <= MAX_PREFIX_CHARS else []
            res = None
            if did_you_mean:
                try:
                    res = index.search(params.q, limit=1, snippets=0)
                except QuerySyntaxError:  # half-typed ("国务 OR): completions still help
                    pass
            return {"query": params.q, "total": res.total if res else None,
                    "suggestion": res.suggestion if res else None, "completions": completions}

        return json_response(await run_in_threadpool(work), request, etag=True)

    async def stats(self, request: Request) -> Response:
        """``GET /v1/stats``: size, dates, sources, analysis (never a server path)."""
        info = await run_in_threadpool(self.state.index.stats)
        info.pop("path", None)
        info["sources"] = [{"value": v, "count": n} for v, n in info.get("sources", {}).items()]
        info["read_only"] = self.state.read_only or self.state.admin_key is None
        return json_response(info, request, etag=True)

    async def export(self, request: Request) -> Response:
        """``GET /v1/export``: every matching article, one JSON object a line, streamed."""
        params = await self._params(request)
        matches = iter_export(self.state.index, params)
        # the first match is fetched before answering, so a bad query is a 400, not a cut stream
        first = await run_in_threadpool(next, matches, None)

        def lines() -> Iterator[bytes]:
            batch: list[str] = []
            for article in ([] if first is None else [first]):
                batch.append(json.dumps(article.to_dict(), ensure_ascii=False))
            for article in matches:
                batch.append(json.dumps(article.to_dict(), ensure_ascii=False))
                if len(batch) >= 100:
                    yield ("\n".join(batch) + "\n").encode("utf-8")
                    batch = []
            if batch:
                yield ("\n".join(batch) + "\n").encode("utf-8")

        async def stream() -> AsyncIterator[bytes]:
            async for chunk in iterate_in_threadpool(lines()):
                yield chunk

        return StreamingResponse(stream(), media_type=NDJSON,
                                 headers={"Content-Disposition": 'inline; filename="export.ndjson"'})

    async def article(self, request: Request) -> Response:
        """``GET /v1/articles/{id}``: the whole article."""
        article_id = request.path_params["id"]
        article = await run_in_threadpool(self.state.index.get, article_id)
        if article is None:
            raise Problem("article-not-found", f"no article with id {article_id!r} in the index",
                          id=article_id)
        return json_response(article.to_dict(), request, etag=True)

    async def related(self, request: Request) -> Response:
        """``GET /v1/articles/{id}/related``: articles sharing its key terms."""
        limits = self.state.limits
        raw = dict(request.query_params, q="related")
        params = parse_search(raw, limits)
        started = time.perf_counter()
        res = await run_in_threadpool(
            lambda: self.state.index.more_like_this(
                request.path_params["id"], limit=params.hits_per_page, page=params.page,
                snippets=params.snippets, snippet_size=params.snippet_size))
        body = results_body(res, params.offsets, started)
        body["hits_per_page"] = body.pop("limit")
        return json_response(body, request, etag=True)

    async def similar(self, request: Request) -> Response:
        """``GET /v1/articles/{id}/similar``: its near-duplicates (reposts), most similar first."""
        params = parse_search(dict(request.query_params, q="similar"), self.state.limits)
        started = time.perf_counter()
        res = await run_in_threadpool(lambda: self.state.index.similar(
            request.path_params["id"], limit=params.hits_per_page, page=params.page))
        body = results_body(res, params.offsets, started)
        body["hits_per_page"] = body.pop("limit")
        return json_response(body, request, etag=True)

    async def keywords(self, request: Request) -> Response:
        """``GET /v1/articles/{id}/keywords``: its key terms, best first."""
        n = _int_param(request, "n", 10, 1, 50)
        article_id = request.path_params["id"]
        words = await run_in_threadpool(self.state.index.keywords, article_id, n)
        return json_response({"id": article_id, "keywords": words}, request, etag=True)
