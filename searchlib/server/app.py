"""``create_app(index)``: the whole server as one ASGI app another app can mount."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import SearchlibError
from ..index import NewsIndex, open_index
from .api import ReadApi
from .limits import Limits
from .openapi import openapi_document
from .page import Page
from .problems import PROBLEMS, Problem, handle_exception, handle_http_exception, type_uri
from .results import json_response
from .state import ServerState
from .synonyms import SynonymsApi
from .writes import WriteApi

__all__ = ["create_app", "STATIC"]

STATIC = Path(__file__).resolve().parent / "static"
#: How long a writer waits for another process's writer before answering 503.
LOCK_TIMEOUT = 2.0


def create_app(index: NewsIndex | str | os.PathLike[str], *, admin_key: str | None = None,
               read_only: bool = False, cors_origins: Sequence[str] = (),
               limits: Limits | None = None, threads: int | None = None) -> Starlette:
    """The search server (JSON API under ``/v1``, the search page at ``/``) as an ASGI app.

    Args:
        index: an open :class:`NewsIndex` (left open: the caller owns it), or
            the folder of one (opened here, closed when the app shuts down).
        admin_key: the key writes must present as ``Authorization: Bearer``;
            None refuses every write (403).
        read_only: refuse every write, key or not.
        cors_origins: origins allowed to call the API from a browser.
        limits: request limits (:class:`Limits` defaults: 10 MiB bodies...).
        threads: at most this many requests use the index at once (each thread
            holds a searcher); None leaves the event loop's pool as it is (set
            by the host app). Applied when the app's lifespan starts.

    Raises:
        IndexNotFoundError: ``index`` is a folder without an index.
    """
    owns = not isinstance(index, NewsIndex)
    ix = index if isinstance(index, NewsIndex) else open_index(index, lock_timeout=LOCK_TIMEOUT)
    state = ServerState(index=ix, owns_index=owns, admin_key=admin_key, read_only=read_only,
                        limits=limits or Limits())
    document = openapi_document()

    async def openapi(request: Request) -> Response:
        return json_response(document)

    async def problem_doc(request: Request) -> Response:
        slug = request.path_params["slug"]
        if slug not in PROBLEMS:
            raise Problem("not-found", f"no problem type {slug!r}")
        status, title = PROBLEMS[slug]
        return HTMLResponse(f"<!doctype html><title>{title}</title><h1>{status} {title}</h1>"
                            f"<p>Problem type <code>{type_uri(slug)}</code> of the searchlib API.</p>")

    async def favicon(request: Request) -> Response:
        return Response(status_code=204)  # no icon; and no 404 in every browser's log

    page = Page(state)
    routes: list[BaseRoute] = [
        *page.routes(),
        *ReadApi(state).routes(),
        *WriteApi(state).routes(),
        *SynonymsApi(state).routes(),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/favicon.ico", favicon, methods=["GET"]),
        Route("/problems/{slug}", problem_doc, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    middleware = []
    if cors_origins:
        middleware.append(Middleware(
            CORSMiddleware, allow_origins=list(cors_origins),
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "If-None-Match"],
            expose_headers=["ETag", "Retry-After"], max_age=600))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if threads is not None:
            import anyio.to_thread

            anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        state.start_warmup()
        try:
            yield
        finally:
            state.close()

    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={HTTPException: handle_http_exception,
                                        Exception: handle_exception, Problem: handle_exception,
                                        SearchlibError: handle_exception})
    app.state.searchlib = state
    state.start_warmup()  # also when mounted in a host app, whose lifespan does not reach ours
    return app
