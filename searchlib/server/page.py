"""The search page at ``/`` and article pages at ``/articles/{id}``: server-rendered HTML
(shareable URLs, no JavaScript needed); ``static/page.js`` adds search as you type."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from ..errors import QuerySyntaxError, SearchlibError
from .params import parse_search
from .problems import Problem, from_error
from .render import PAGE_PARAMS, article_html, error_html, layout, results_html
from .state import ServerState

__all__ = ["Page", "HITS_PER_PAGE"]

HITS_PER_PAGE = 10
#: The page's answers may not be framed or run scripts from elsewhere.
HEADERS = {"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                                      "frame-ancestors 'none'; base-uri 'none'",
           "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}


def _base(request: Request) -> str:
    """Where this app is mounted (empty at the root)."""
    return str(request.scope.get("root_path", "")).rstrip("/")


class Page:
    """The people's side of the server."""

    def __init__(self, state: ServerState) -> None:
        self.state = state

    def routes(self) -> list[Route]:
        return [Route("/", self.search, methods=["GET"]),
                Route("/articles/{id}", self.article, methods=["GET"])]

    def _html(self, title: str, body: str, request: Request, *, query: str = "",
              params: dict[str, str] | None = None, status: int = 200) -> Response:
        base = _base(request)
        text = layout(title, body, base=base, query=query, params=params, api=f"{base}/v1/search")
        return HTMLResponse(text, status_code=status, headers=HEADERS)

    async def search(self, request: Request) -> Response:
        """``/?q=...``: the form, and the results when there is a query."""
        params = {k: v for k, v in request.query_params.items() if k in PAGE_PARAMS}
        q = params.get("q", "").strip()
        if not q:
            intro = ('<p id="status" class="status" role="status" aria-live="polite"></p>'
                     '<div id="notices"></div><div class="layout"><ol id="results" class="results">'
                     '</ol></div><p id="intro" class="intro">'
                     '输入词语开始搜索，例如：援疆干部、"国防预算"、台风 -上海</p>')
            return self._html("searchlib 新闻搜索", intro, request, params=params)
        limits = self.state.limits
        try:
            checked = parse_search({**params, "hits_per_page": str(HITS_PER_PAGE),
                                    "facets": "source,month"}, limits)
            res = await run_in_threadpool(
                lambda: self.state.index.search(checked.q, **checked.search_kwargs()))
        except QuerySyntaxError as exc:
            body = error_html(f"查询语法错误：{exc.reason}", exc.query, exc.position)
            return self._html(f"{q} – searchlib", body, request, query=q, params=params, status=400)
        except (Problem, SearchlibError) as exc:
            problem = from_error(exc)
            if problem.status >= 500:
                raise
            return self._html(f"{q} – searchlib", error_html(problem.detail), request, query=q,
                              params=params, status=problem.status)
        body = results_html(res, params, _base(request), limits.max_window)
        return self._html(f"{q} – searchlib", body, request, query=q, params=params)

    async def article(self, request: Request) -> Response:
        """One article with its key terms and related articles."""
        article_id = request.path_params["id"]
        q = request.query_params.get("q", "")[:self.state.limits.max_query_chars]
        index = self.state.index
        article = await run_in_threadpool(index.get, article_id)
        if article is None:
            body = error_html(f"没有 id 为 {article_id} 的文章")
            return self._html("找不到文章 – searchlib", body, request, query=q, status=404)
        related = await run_in_threadpool(lambda: index.more_like_this(article.id, limit=5, snippets=1))
        keywords = await run_in_threadpool(index.keywords, article.id, 8)
        body = article_html(article, related, keywords, _base(request), q)
        return self._html(f"{article.title} – searchlib", body, request, query=q)
