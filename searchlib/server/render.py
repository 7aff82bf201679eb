"""HTML for the search page, rendered on the server (it works without JavaScript).

Article text only ever enters the page escaped: the library's ``html`` and
``title_html`` escape it and add ``<mark>``; everything else goes through
:func:`esc`.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from html import escape
from urllib.parse import quote, urlencode

from ..models import Article, Hit, SearchResults

__all__ = ["PAGE_PARAMS", "esc", "link", "layout", "results_html", "error_html", "article_html",
           "month_range"]

#: The page's own parameters (its URLs are shareable: /?q=...&source=...).
PAGE_PARAMS = ("q", "page", "sort", "from", "to", "source", "category")
SORT_LABELS = {"relevance": "相关度", "newest": "最新", "oldest": "最早"}


def esc(text: object) -> str:
    """Text escaped for HTML content and attributes."""
    return escape(str(text), quote=True)


def link(params: Mapping[str, str], **changes: str | None) -> str:
    """``?query`` for the page with ``changes`` made and every other parameter kept."""
    merged = {k: v for k, v in params.items() if k in PAGE_PARAMS and v}
    for key, value in changes.items():
        key = key.rstrip("_")  # from_ -> from
        if value:
            merged[key] = value
        else:
            merged.pop(key, None)
    if "page" in merged and merged["page"] == "1":
        del merged["page"]
    return "?" + urlencode(merged)


def month_range(month: str) -> tuple[str, str]:
    """``2026-03`` -> (``2026-03-01``, ``2026-03-31``)."""
    year, mon = int(month[:4]), int(month[5:7])
    return f"{month}-01", f"{month}-{calendar.monthrange(year, mon)[1]:02d}"


def layout(title: str, body: str, *, base: str, query: str = "", params: Mapping[str, str] | None = None,
           api: str = "") -> str:
    """The whole document around ``body``: header with the search form, footer, assets."""
    p = params or {}
    sort = p.get("sort") or "relevance"
    options = "".join(f'<option value="{k}"{" selected" if k == sort else ""}>{v}</option>'
                      for k, v in SORT_LABELS.items())
    hidden = "".join(f'<input type="hidden" name="{k}" value="{esc(p[k])}">'
                     for k in ("source", "category") if p.get(k))
    return f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<link rel="stylesheet" href="{base}/static/page.css">
</head>
<body>
<header class="top">
<h1 class="brand"><a href="{base}/">searchlib 新闻搜索</a></h1>
<form id="search-form" role="search" method="get" action="{base}/" data-api="{esc(api)}">
<label for="q">搜索新闻</label>
<div class="box">
<div class="combo">
<input id="q" name="q" type="search" value="{esc(query)}" autocomplete="off" spellcheck="false"
 aria-describedby="search-hint" enterkeyhint="search" role="combobox" aria-autocomplete="list"
 aria-expanded="false" aria-controls="completions" data-suggest="{esc(api.rsplit("/", 1)[0])}/suggest">
<ul id="completions" class="completions" role="listbox" aria-label="补全建议" hidden></ul>
</div>
<button type="submit">搜索</button>
</div>
<p id="search-hint" class="hint">按 <kbd>/</kbd> 键跳到搜索框；支持 "精确短语"、OR、-排除、title:标题</p>
<div class="options">
<label for="sort">排序</label>
<select id="sort" name="sort">{options}</select>
<label for="from">从</label>
<input id="from" name="from" type="date" value="{esc(p.get("from", ""))}">
<label for="to">到</label>
<input id="to" name="to" type="date" value="{esc(p.get("to", ""))}">
{hidden}
</div>
</form>
</header>
<main id="main">
{body}
</main>
<footer class="bottom"><p>searchlib · <a href="{base}/openapi.json">API (OpenAPI)</a></p></footer>
<script src="{base}/static/page.js" defer></script>
</body>
</html>
"""


def _meta(article: Article) -> str:
    parts = [str(article.date)[:10] if article.date else "", article.source or "",
             f"记者 {article.author}" if article.author else ""]
    return " · ".join(esc(p) for p in parts if p)


def _hit(hit: Hit, base: str, query: str) -> str:
    href = f"{base}/articles/{quote(hit.id, safe='')}" + ("?" + urlencode({"q": query}) if query else "")
    snippets = "".join(f'<p class="snippet">{s.html}</p>' for s in hit.snippets)
    return (f'<li class="hit"><h2 class="title"><a href="{esc(href)}">{hit.title_html}</a></h2>'
            f'<p class="meta">{_meta(hit.article)}</p>{snippets}</li>')


def _facet_list(name: str, label: str, items: Sequence[tuple[str, int, str, bool]]) -> str:
    if not items:
        return ""
    current = ' aria-current="true"'
    lis = "".join(f'<li><a href="{esc(href)}"{current if on else ""}>'
                  f'{esc(value)} <span class="count">({count})</span></a></li>'
                  for value, count, href, on in items)
    return f'<section class="facet" data-facet="{name}"><h2>{label}</h2><ul>{lis}</ul></section>'


def facets_html(res: SearchResults, params: Mapping[str, str]) -> str:
    """Source and month filters as links (each keeps the other parameters)."""
    sources = [(v, n, link(params, source=None if params.get("source") == v else v, page=None),
                params.get("source") == v) for v, n in list(res.facets.get("source", {}).items())[:15]]
    months = []
    for v, n in sorted(res.facets.get("month", {}).items(), reverse=True)[:24]:
        lo, hi = month_range(v)
        on = params.get("from") == lo and params.get("to") == hi
        months.append((v, n, link(params, from_=None if on else lo, to=None if on else hi,
                                  page=None), on))
    chips = []
    for key, label in (("source", "来源"), ("category", "分类"), ("from", "从"), ("to", "到")):
        if params.get(key):
            chips.append(f'<li><a href="{esc(link(params, **{key: None, "page": None}))}">'
                         f'{label}：{esc(params[key])} <span aria-hidden="true">×</span>'
                         f'<span class="visually-hidden">（取消）</span></a></li>')
    active = f'<ul class="chips" aria-label="已选筛选">{"".join(chips)}</ul>' if chips else ""
    return (f'<nav id="facets" class="facets" aria-label="筛选">{active}'
            f'{_facet_list("source", "来源", sources)}{_facet_list("month", "月份", months)}</nav>')


def pager_html(res: SearchResults, params: Mapping[str, str], window: int) -> str:
    """Previous, numbered and next page links."""
    last = min(res.pages, max(1, window // max(res.limit, 1)))
    if last <= 1:
        return '<nav id="pager" class="pager" aria-label="分页"></nav>'
    items = []
    if res.page > 1:
        items.append(f'<a rel="prev" href="{esc(link(params, page=str(res.page - 1)))}">上一页</a>')
    for n in range(max(1, res.page - 4), min(last, res.page + 4) + 1):
        if n == res.page:
            items.append(f'<span aria-current="page">{n}</span>')
        else:
            items.append(f'<a href="{esc(link(params, page=str(n)))}" aria-label="第 {n} 页">{n}</a>')
    if res.page < last:
        items.append(f'<a rel="next" href="{esc(link(params, page=str(res.page + 1)))}">下一页</a>')
    return f'<nav id="pager" class="pager" aria-label="分页">{"".join(items)}</nav>'


def results_html(res: SearchResults, params: Mapping[str, str], base: str, window: int) -> str:
    """The count (a live region), notices, results, facets and pager."""
    if res.total:
        status = f"找到 {res.total:,} 条结果，第 {res.page} / {res.pages} 页"
    else:
        status = f"没有找到与「{res.query}」相关的文章"
    notices = []
    if res.suggestion:
        href = esc(link(params, q=res.suggestion, page=None))
        notices.append(f'<p class="suggestion">您是不是要找：<a href="{href}">{esc(res.suggestion)}</a></p>')
    if res.relaxed:
        notices.append('<p class="relaxed">没有文章包含全部词语，以下是部分匹配的结果。</p>')
    notices += [f'<p class="pinyin">按拼音 {esc(typed)} 显示：{esc("、".join(words))}</p>'
                for typed, words in res.pinyin.items()]
    hits = "".join(_hit(h, base, res.query) for h in res.hits)
    return (f'<p id="status" class="status" role="status" aria-live="polite">{esc(status)}</p>'
            f'<div id="notices">{"".join(notices)}</div>'
            f'<div class="layout"><ol id="results" class="results" start="{(res.page - 1) * res.limit + 1}">'
            f'{hits}</ol>{facets_html(res, params)}</div>{pager_html(res, params, window)}')


def error_html(detail: str, query: str = "", position: int | None = None) -> str:
    """A problem with the query, pointing at the position when there is one."""
    where = ""
    if query and position is not None and 0 <= position <= len(query):
        at = query[position:position + 1] or " "
        where = (f'<p class="where"><code>{esc(query[:position])}<mark class="error-at">{esc(at)}</mark>'
                 f'{esc(query[position + 1:])}</code><span class="visually-hidden">'
                 f'（第 {position + 1} 个字符）</span></p>')
    return (f'<p id="status" class="status" role="status" aria-live="polite">查询有误</p>'
            f'<div id="notices"><div class="error" role="alert"><p>{esc(detail)}</p>{where}</div></div>'
            f'<div class="layout"><ol id="results" class="results"></ol></div>')


def article_html(article: Article, related: SearchResults, keywords: list[str], base: str,
                 query: str) -> str:
    """An article page: the text, its key terms and related articles."""
    paragraphs = "".join(f"<p>{esc(p)}</p>" for p in article.body.split("\n") if p.strip())
    back = f'{base}/' + ("?" + urlencode({"q": query}) if query else "")
    terms = "".join(f'<li><a href="{esc(base + "/?" + urlencode({"q": k}))}">{esc(k)}</a></li>'
                    for k in keywords)
    items = "".join(_hit(h, base, query) for h in related.hits)
    source = (f'<p class="origin"><a href="{esc(article.url)}" rel="noopener noreferrer">原文链接</a></p>'
              if article.url and article.url.startswith(("http://", "https://")) else "")
    return (f'<p><a href="{esc(back)}">← 返回搜索</a></p><article class="article">'
            f'<h2 class="article-title">{esc(article.title)}</h2><p class="meta">{_meta(article)}</p>'
            f'{paragraphs}{source}</article>'
            f'<section aria-labelledby="kw"><h2 id="kw">关键词</h2><ul class="keywords">{terms}</ul></section>'
            f'<section aria-labelledby="rel"><h2 id="rel">相关文章</h2>'
            f'<ol class="results related">{items}</ol></section>')
