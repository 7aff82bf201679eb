"""RFC 9457 problem details: every error the server answers, one stable ``type`` each.

A handler raises :class:`Problem`; :func:`problem_response` turns it (or a
:class:`~searchlib.SearchlibError`, or anything unexpected) into an
``application/problem+json`` answer. Tracebacks never reach a client.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ..errors import (
    ArticleNotFoundError,
    IndexLockedError,
    InvalidArticleError,
    QuerySyntaxError,
    SearchlibError,
    UsageError,
)

__all__ = ["Problem", "PROBLEMS", "problem_response", "handle_exception", "handle_http_exception"]

log = logging.getLogger("searchlib.server")

MEDIA_TYPE = "application/problem+json"

#: slug -> (status, title). The ``type`` of a problem is ``/problems/<slug>``.
PROBLEMS: dict[str, tuple[int, str]] = {
    "invalid-parameter": (400, "A parameter has a value the server cannot use"),
    "query-syntax": (400, "The query cannot be parsed"),
    "query-too-long": (400, "The query is longer than the server accepts"),
    "invalid-body": (400, "The request body cannot be read"),
    "invalid-article": (400, "A record is not a valid article"),
    "unauthorized": (401, "A valid admin key is needed"),
    "writes-disabled": (403, "This server does not accept writes"),
    "not-found": (404, "No such resource"),
    "article-not-found": (404, "No article has this id"),
    "method-not-allowed": (405, "This method is not allowed here"),
    "body-too-large": (413, "The request body is too large"),
    "too-many-articles": (413, "Too many articles in one request"),
    "unsupported-media-type": (415, "The request body's media type is not supported"),
    "index-locked": (503, "Another writer holds the index"),
    "not-ready": (503, "The server is still warming up"),
    "internal": (500, "Internal server error"),
}


def type_uri(slug: str) -> str:
    """The problem ``type`` for a slug (a path on this server that describes it)."""
    return f"/problems/{slug}"


class Problem(Exception):
    """An error answer: a slug from :data:`PROBLEMS`, a detail for people, and extra members."""

    def __init__(self, slug: str, detail: str, *, headers: dict[str, str] | None = None,
                 **extra: Any) -> None:
        if slug not in PROBLEMS:
            raise KeyError(slug)
        self.slug = slug
        self.status, self.title = PROBLEMS[slug]
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra
        super().__init__(detail)

    def body(self, instance: str | None = None) -> dict[str, Any]:
        """The problem document."""
        out: dict[str, Any] = {"type": type_uri(self.slug), "title": self.title,
                               "status": self.status, "detail": self.detail}
        if instance:
            out["instance"] = instance
        out.update(self.extra)
        return out


def problem_response(problem: Problem, instance: str | None = None) -> Response:
    """The problem as an ``application/problem+json`` response."""
    data = json.dumps(problem.body(instance), ensure_ascii=False).encode("utf-8")
    return Response(data, status_code=problem.status, media_type=MEDIA_TYPE, headers=problem.headers)


def from_error(exc: BaseException) -> Problem:
    """The problem for a searchlib error (or any other exception: ``internal``)."""
    if isinstance(exc, Problem):
        return exc
    if isinstance(exc, QuerySyntaxError):
        return Problem("query-syntax", str(exc), query=exc.query, position=exc.position,
                       reason=exc.reason)
    if isinstance(exc, ArticleNotFoundError):
        return Problem("article-not-found", str(exc), id=exc.article_id)
    if isinstance(exc, IndexLockedError):
        return Problem("index-locked", "another writer holds the index; try again shortly",
                       headers={"Retry-After": "2"})
    if isinstance(exc, InvalidArticleError):
        return Problem("invalid-article", str(exc), field=exc.field)
    if isinstance(exc, UsageError):
        return Problem("invalid-parameter", str(exc))
    if isinstance(exc, SearchlibError):
        log.error("searchlib error: %s", exc)
        return Problem("internal", "the index could not answer this request")
    log.exception("unexpected error", exc_info=exc)
    return Problem("internal", "the server failed to answer this request; see its log")


async def handle_exception(request: Request, exc: Exception) -> Response:
    """Starlette exception handler: any exception as a problem."""
    return problem_response(from_error(exc), request.url.path)


_HTTP_SLUGS = {404: "not-found", 405: "method-not-allowed", 413: "body-too-large",
               400: "invalid-body", 415: "unsupported-media-type"}


async def handle_http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own HTTP errors (unknown route, wrong method...) as problems."""
    assert isinstance(exc, HTTPException)
    slug = _HTTP_SLUGS.get(exc.status_code, "internal" if exc.status_code >= 500 else "invalid-body")
    detail = exc.detail if isinstance(exc.detail, str) else PROBLEMS[slug][1]
    headers = dict(exc.headers or {})
    problem = Problem(slug, detail, headers=headers)
    if problem.status != exc.status_code:  # keep Starlette's status for codes we do not list
        problem.status = exc.status_code
    return problem_response(problem, request.url.path)
