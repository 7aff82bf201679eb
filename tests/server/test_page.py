"""The search page without JavaScript: server-rendered, escaped, links that keep the other parameters."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from starlette.testclient import TestClient

from searchlib.server import create_app


class Doc(HTMLParser):
    """The parts of a page the tests look at: elements with attributes, text, marks."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.marks: list[str] = []
        self.scripts: list[dict[str, str]] = []
        self.text: list[str] = []
        self._in_mark = 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        self.elements.append((tag, a))
        if tag == "mark":
            self._in_mark += 1
            self.marks.append("")
        if tag == "script":
            self.scripts.append(a)

    def handle_endtag(self, tag):
        if tag == "mark":
            self._in_mark -= 1

    def handle_data(self, data):
        self.text.append(data)
        if self._in_mark:
            self.marks[-1] += data

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.elements if t == tag and all(a.get(k.rstrip("_")) == v
                                                               for k, v in attrs.items())]

    def links(self) -> list[str]:
        return [a["href"] for a in self.find("a") if "href" in a]


def page(client, **params) -> tuple[int, Doc, str]:
    r = client.get("/", params=params)
    assert r.headers["content-type"].startswith("text/html")
    return r.status_code, Doc(r.text), r.text


def query_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def test_the_empty_page_has_a_labelled_search_form(client):
    status, doc, _ = page(client)
    assert status == 200
    form = doc.find("form", role="search")[0]
    assert form["method"] == "get" and form["data-api"] == "/v1/search"
    assert doc.find("label", for_="q") and doc.find("input", id="q", name="q")
    assert doc.find("html")[0]["lang"] == "zh-CN"
    assert doc.find("p", id="status")[0]["aria-live"] == "polite"
    assert all(not s.get("src", "/").startswith(("http:", "https:", "//")) for s in doc.scripts)
    assert all(not h.startswith(("http:", "https:", "//")) for h in (a.get("href", "") for _, a in doc.elements
                                                                      if _ == "link"))


def test_results_are_rendered_with_marks_and_a_count(client, news_index):
    status, doc, _ = page(client, q="援疆干部")
    assert status == 200
    total = news_index.search("援疆干部").total
    assert f"找到 {total} 条结果" in "".join(doc.text)
    assert len(doc.find("li", class_="hit")) == total
    assert doc.marks and set(doc.marks) == {"援疆干部"}
    assert doc.find("input", id="q")[0]["value"] == "援疆干部"


def test_article_text_holding_markup_is_escaped(client):
    status, doc, text = page(client, q="援疆")
    assert status == 200
    assert len(doc.scripts) == 1 and doc.scripts[0]["src"] == "/static/page.js"  # only our own
    assert "<script>alert" not in text and "&lt;script&gt;alert(&#x27;标题&#x27;)&lt;/script&gt;" in text
    assert not doc.find("b") and not doc.find("i")
    assert "<i>测试</i>报" in "".join(doc.text)  # shown as text


def test_facet_and_page_links_keep_the_other_parameters(client):
    status, doc, _ = page(client, q="总统", sort="newest", page="2")
    assert status == 200
    month_links = [h for h in doc.links() if "from" in query_of(h)]
    assert month_links
    for href in month_links:
        q = query_of(href)
        assert q["q"] == ["总统"] and q["sort"] == ["newest"] and "page" not in q  # a new filter: page 1
        assert q["from"][0][:7] == q["to"][0][:7]
    pages = [h for h in doc.links() if "page" in query_of(h)]
    assert pages and all(query_of(h)["q"] == ["总统"] and query_of(h)["sort"] == ["newest"] for h in pages)
    assert doc.find("a", rel="prev") and doc.find("a", rel="next")
    assert doc.find("span", **{"aria-current": "page"})
    assert doc.find("ol", id="results")[0]["start"] == "11"


def test_a_facet_filter_narrows_and_shows_a_removable_chip(client):
    _, doc, _ = page(client, q="援疆干部")
    source_link = next(h for h in doc.links() if "source" in query_of(h))
    r = client.get("/" + source_link)
    narrowed = Doc(r.text)
    assert "找到 1 条结果" in "".join(narrowed.text)
    chip = [h for h in narrowed.links() if "source" not in query_of(h) and query_of(h).get("q") == ["援疆干部"]]
    assert chip  # the link that removes the filter keeps the query
    assert narrowed.find("input", type="hidden", name="source")


def test_did_you_mean_and_partial_matches(client, news_index):
    _, doc, _ = page(client, q="半导休")
    assert any(query_of(h).get("q") == ["半导体"] for h in doc.links())
    partial = "援疆干部 台风 学者"  # no article has all three
    assert news_index.search(partial).relaxed
    _, doc, _ = page(client, q=partial)
    assert doc.find("p", class_="relaxed") and doc.find("li", class_="hit")
    _, doc, _ = page(client, q="援疆干部")
    assert not doc.find("p", class_="relaxed")


def test_a_syntax_error_points_at_the_position(client):
    status, doc, _ = page(client, q='总统 "援疆')
    assert status == 400
    assert doc.find("div", class_="error", role="alert")
    assert doc.marks == ['"']  # the character at position 3
    assert "quote" in "".join(doc.text)


def test_a_bad_parameter_is_shown_not_crashed(client):
    status, doc, _ = page(client, q="总统", page="0")
    assert status == 400 and doc.find("div", class_="error")


def test_the_article_page_shows_the_text_keywords_and_related_articles(client, news_index):
    r = client.get("/articles/22735", params={"q": "学者"})
    assert r.status_code == 200
    doc = Doc(r.text)
    article = news_index.get("22735")
    assert article.title in "".join(doc.text)
    assert any(query_of(h).get("q") == ["学者"] for h in doc.links())  # back to the search
    related = doc.find("li", class_="hit")
    assert related and len(related) <= 5
    assert doc.find("ul", class_="keywords")
    assert client.get("/articles/nope").status_code == 404


def test_the_page_works_when_mounted_under_a_prefix(news_index):
    from starlette.applications import Starlette
    from starlette.routing import Mount

    host = Starlette(routes=[Mount("/news", app=create_app(news_index))])
    with TestClient(host) as c:
        r = c.get("/news/", params={"q": "援疆干部"})
        doc = Doc(r.text)
        assert doc.find("form")[0]["data-api"] == "/news/v1/search"
        assert doc.scripts[0]["src"] == "/news/static/page.js"
        assert any(h.startswith("/news/articles/") for h in doc.links())
        assert c.get("/news/static/page.js").status_code == 200
        assert c.get("/news/v1/search", params={"q": "援疆干部"}).json()["total"] == 3


def test_static_assets_are_served_from_the_package(client):
    js = client.get("/static/page.js")
    assert js.status_code == 200 and "compositionstart" in js.text
    assert ".innerHTML" not in js.text and "insertAdjacentHTML" not in js.text
    css = client.get("/static/page.css")
    assert "Noto Sans CJK SC" in css.text and "@import" not in css.text and "url(" not in css.text
