"""``GET /v1/synonyms`` and ``PUT /v1/synonyms``: the index's synonym groups.

Reading is open; replacing needs the admin key, as every write does. The
body of a PUT is ``{"groups": [["新冠", "COVID-19"], ...]}`` (``[]`` clears
them), or a synonyms file as ``text/plain`` (one group a line, see
:func:`searchlib.read_synonyms`). The answer is the groups as stored.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..errors import UsageError
from ..synonyms import check_groups, parse_synonyms
from .api import json_object
from .limits import read_body
from .problems import Problem
from .results import json_response
from .writes import WriteApi

__all__ = ["SynonymsApi"]


class SynonymsApi(WriteApi):
    """The synonym groups of the served index."""

    def routes(self) -> list[Route]:
        return [Route("/v1/synonyms", self.show, methods=["GET"]),
                Route("/v1/synonyms", self.replace, methods=["PUT"])]

    async def show(self, request: Request) -> Response:
        """``GET /v1/synonyms``: ``{"groups": [...]}``, with an ETag."""
        groups = await run_in_threadpool(self.state.index.synonyms)
        return json_response({"groups": groups}, request, etag=True)

    async def replace(self, request: Request) -> Response:
        """``PUT /v1/synonyms``: replace every group; the groups as stored back."""
        self._authorize(request)
        limit = self.state.limits.max_body_bytes
        media = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
        index = self.state.index
        try:
            if media == "text/plain":
                body = await read_body(request, limit)
                try:
                    text = body.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise Problem("invalid-body", f"the body is not UTF-8: {exc}") from None
                groups = parse_synonyms(text, index.backend.folding, "body")
            else:
                data = await json_object(request, limit)
                if set(data) != {"groups"}:
                    raise Problem("invalid-body", 'send {"groups": [["term", "term", ...], ...]} '
                                  "and nothing else ([] clears the groups)")
                groups = check_groups(data["groups"], index.backend.folding)
            stored = await self._write(lambda: index.set_synonyms(groups))
        except UsageError as exc:
            raise Problem("invalid-body", str(exc)) from None
        return json_response({"groups": stored})
