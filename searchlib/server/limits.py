"""Limits on what one request may ask: body size, articles per write, query length, paging."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from .problems import Problem

__all__ = ["Limits", "read_body"]


@dataclass(frozen=True)
class Limits:
    """What one request may ask of the server.

    Attributes:
        max_body_bytes: largest request body (413 beyond).
        max_articles: most articles in one write (413 beyond).
        max_query_chars: longest query (400 beyond).
        max_hits_per_page: largest page of hits.
        max_window: deepest hit reachable by paging (page * hits_per_page).
    """

    max_body_bytes: int = 10 * 1024 * 1024
    max_articles: int = 10_000
    max_query_chars: int = 1_000
    max_hits_per_page: int = 100
    max_window: int = 10_000


def _too_large(limit: int) -> Problem:
    return Problem("body-too-large", f"the request body is larger than {limit:,} bytes",
                   limit=limit)


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, read no further than ``limit`` bytes.

    Raises:
        Problem: ``body-too-large`` (413), from the Content-Length or while reading.
    """
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)
