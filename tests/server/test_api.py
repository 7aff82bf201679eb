"""The read side of the JSON API, through Starlette's test client on real data."""

from __future__ import annotations

import json

import pytest

from .conftest import wait_ready

PROBLEM = "application/problem+json"


def problem(response, status: int, slug: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["type"] == f"/problems/{slug}" and body["status"] == status
    assert body["title"] and body["detail"]
    assert "Traceback" not in response.text
    return body


def test_search_answers_the_shared_results_shape_with_exact_total(client, news_index):
    r = client.get("/v1/search", params={"q": "援疆干部", "facets": "source,month"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = r.json()
    expected = news_index.search("援疆干部", facets=("source", "month")).to_dict()
    assert body["total"] == expected["total"] == 3
    assert [h["id"] for h in body["hits"]] == [h["id"] for h in expected["hits"]]
    assert body["hits"][0]["snippets"] == expected["hits"][0]["snippets"]
    assert body["facets"]["month"] == expected["facets"]["month"]
    assert {"value": "江城日报", "count": 1} in body["facets"]["source"]
    assert body["hits_per_page"] == 10 and body["offsets"] == "codepoint"
    assert isinstance(body["processing_time_ms"], float) and body["processing_time_ms"] >= 0


def test_post_search_takes_the_same_parameters_as_get(client):
    params = {"q": "总统", "page": 2, "hits_per_page": 5, "sort": "newest", "from": "2000-01-01",
              "to": "2020-12-31", "facets": ["year"], "snippets": 1, "snippet_size": 60}
    got = client.get("/v1/search", params={**params, "facets": "year"}).json()
    posted = client.post("/v1/search", json=params).json()
    for body in (got, posted):
        body.pop("processing_time_ms")
    assert got == posted
    assert got["page"] == 2 and len(got["hits"]) == 5 and set(got["facets"]) == {"year"}
    dates = [h["date"] for h in got["hits"]]
    assert dates == sorted(dates, reverse=True) and all("2000" <= d[:4] <= "2020" for d in dates)
    assert all(len(h["snippets"]) <= 1 for h in got["hits"])


def test_filters_by_source_and_category(client):
    assert client.get("/v1/search", params={"q": "援疆干部", "source": "江城日报"}).json()["total"] == 1
    assert client.get("/v1/search", params={"q": "援疆干部", "category": "体育"}).json()["total"] == 0


@pytest.mark.parametrize("params, name", [
    ({"q": "总统", "hits_per_page": "101"}, "hits_per_page"),
    ({"q": "总统", "hits_per_page": "0"}, "hits_per_page"),
    ({"q": "总统", "page": "abc"}, "page"),
    ({"q": "总统", "page": "101", "hits_per_page": "100"}, "page"),      # past the 10,000-hit window
    ({"q": "总统", "sort": "random"}, "sort"),
    ({"q": "总统", "facets": "colour"}, "facets"),
    ({"q": "总统", "snippets": "11"}, "snippets"),
    ({"q": "总统", "offsets": "utf32"}, "offsets"),
    ({"q": ""}, "q"),
    ({}, "q"),
])
def test_bad_parameters_are_400_problems_naming_the_parameter(client, params, name):
    body = problem(client.get("/v1/search", params=params), 400, "invalid-parameter")
    assert body["parameter"] == name


def test_a_bad_date_is_a_400_problem(client):
    problem(client.get("/v1/search", params={"q": "总统", "from": "2017-13-01"}), 400, "invalid-parameter")


def test_the_window_allows_exactly_10000_hits(client):
    assert client.get("/v1/search", params={"q": "总统", "page": "100", "hits_per_page": "100"}).status_code == 200


def test_a_syntax_error_carries_the_query_and_the_position(client):
    body = problem(client.get("/v1/search", params={"q": '总统 "援疆'}), 400, "query-syntax")
    assert body["query"] == '总统 "援疆' and body["position"] == 3 and "quote" in body["reason"]
    assert body["instance"] == "/v1/search"


def test_a_long_query_is_400(client):
    body = problem(client.get("/v1/search", params={"q": "援" * 1001}), 400, "query-too-long")
    assert body["limit"] == 1000


def test_post_search_rejects_bad_bodies(client):
    problem(client.post("/v1/search", content=b"{not json", headers={"content-type": "application/json"}),
            400, "invalid-body")
    problem(client.post("/v1/search", json=["q"]), 400, "invalid-body")
    problem(client.post("/v1/search", content=b"q=x", headers={"content-type": "text/plain"}),
            415, "unsupported-media-type")
    assert problem(client.post("/v1/search", json={"q": "x", "colour": 1}), 400,
                   "invalid-parameter")["parameter"] == "colour"
    problem(client.post("/v1/search", json={"q": 5}), 400, "invalid-parameter")


@pytest.mark.parametrize("unit", ["codepoint", "utf16", "utf8"])
def test_highlight_offsets_in_the_declared_unit(client, unit):
    body = client.get("/v1/search", params={"q": "援疆干部", "offsets": unit, "source": ""}).json()
    hit = next(h for h in body["hits"] if h["id"] == "astral")
    assert body["offsets"] == unit

    def cut(text: str, span: list[int]) -> str:
        if unit == "codepoint":
            return text[span[0]:span[1]]
        codec = "utf-16-le" if unit == "utf16" else "utf-8"
        width = 2 if unit == "utf16" else 1
        return text.encode(codec)[span[0] * width:span[1] * width].decode(codec)

    assert [cut(hit["title"], sp) for sp in hit["title_spans"]] == ["援疆干部"]
    snippet = hit["snippets"][0]
    assert [cut(snippet["text"], sp) for sp in snippet["spans"]] == ["援疆干部"]
    starts = {"codepoint": 6, "utf16": 8, "utf8": 16}  # 𠮷野家 😀 援...: two astral characters
    assert hit["title_spans"][0][0] == starts[unit]


def test_searches_have_etags_and_answer_304(client):
    r = client.get("/v1/search", params={"q": "援疆"})
    tag = r.headers["etag"]
    again = client.get("/v1/search", params={"q": "援疆"}, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.headers["etag"] == tag and again.content == b""
    other = client.get("/v1/search", params={"q": "援疆", "page": "2", "hits_per_page": "1"})
    assert other.headers["etag"] != tag
    assert client.get("/v1/search", params={"q": "援疆"}, headers={"If-None-Match": '"x"'}).status_code == 200


def test_article_lookup_related_and_keywords(client, news_index):
    r = client.get("/v1/articles/22735")
    assert r.status_code == 200 and r.json() == news_index.get("22735").to_dict()
    tag = r.headers["etag"]
    assert client.get("/v1/articles/22735", headers={"If-None-Match": tag}).status_code == 304
    related = client.get("/v1/articles/22735/related", params={"hits_per_page": 3}).json()
    assert related["total"] > 0 and len(related["hits"]) == 3
    assert "22735" not in [h["id"] for h in related["hits"]]
    kw = client.get("/v1/articles/22735/keywords", params={"n": 5}).json()
    assert kw == {"id": "22735", "keywords": news_index.keywords("22735", n=5)}


def test_unknown_articles_are_404_problems(client):
    assert problem(client.get("/v1/articles/nope"), 404, "article-not-found")["id"] == "nope"
    problem(client.get("/v1/articles/nope/related"), 404, "article-not-found")
    problem(client.get("/v1/articles/nope/keywords"), 404, "article-not-found")
    problem(client.get("/v1/articles/22735/keywords", params={"n": "0"}), 400, "invalid-parameter")


def test_facets_only(client, news_index):
    body = client.get("/v1/facets", params={"q": "总统"}).json()
    assert set(body) == {"query", "total", "relaxed", "facets", "processing_time_ms"}
    assert set(body["facets"]) == {"source", "category", "year", "month"}
    expected = news_index.search("总统", facets=("year",)).facets["year"]
    assert {f["value"]: f["count"] for f in body["facets"]["year"]} == expected
    assert sum(f["count"] for f in body["facets"]["year"]) == body["total"]


def test_suggest_gives_did_you_mean(client):
    body = client.get("/v1/suggest", params={"q": "半导休"}).json()
    assert body["suggestion"] == "半导体" and isinstance(body["completions"], list)


def test_stats_never_show_a_server_path(client, news_dir):
    r = client.get("/v1/stats")
    body = r.json()
    assert body["articles"] == 123 and body["read_only"] is True
    assert str(news_dir) not in r.text and "path" not in body
    assert {"value": "江城日报", "count": 1} in body["sources"]


def test_export_streams_every_match_as_ndjson(client, news_index):
    with client.stream("GET", "/v1/export", params={"q": "总统", "sort": "oldest"}) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
        assert "content-length" not in r.headers  # streamed
        rows = [json.loads(line) for line in r.iter_lines() if line]
    assert len(rows) == news_index.search("总统").total == len({row["id"] for row in rows})
    assert all("body" in row for row in rows)
    dates = [row["date"] for row in rows]
    assert dates == sorted(dates)


def test_export_of_a_bad_query_is_a_problem_not_a_cut_stream(client):
    problem(client.get("/v1/export", params={"q": "(总统"}), 400, "query-syntax")


def test_health_and_ready(client):
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/ready").json() == {"status": "ready", "articles": 123}


def test_ready_is_503_until_the_warm_up_search_has_run(news_index):
    from starlette.testclient import TestClient

    from searchlib.server import create_app

    app = create_app(news_index)
    state = app.state.searchlib
    state._warming.join()
    state.ready.clear()  # as before the warm-up finished
    with TestClient(app) as c:
        r = c.get("/ready")
        problem(r, 503, "not-ready")
        assert r.headers["retry-after"] == "1"
        state.ready.set()
        wait_ready(c)


def test_unknown_paths_and_methods_are_problems(client):
    problem(client.get("/v2/search"), 404, "not-found")
    problem(client.delete("/v1/search"), 405, "method-not-allowed")
    assert client.get("/problems/query-syntax").status_code == 200
    problem(client.get("/problems/nothing"), 404, "not-found")


def test_an_unexpected_error_is_a_500_problem_without_a_traceback(news_index, monkeypatch):
    from starlette.testclient import TestClient

    from searchlib.server import create_app

    app = create_app(news_index)

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals /srv/index")

    monkeypatch.setattr(app.state.searchlib.index, "search", broken)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/v1/search", params={"q": "总统"})
    problem(r, 500, "internal")
    assert "secret" not in r.text and "/srv" not in r.text


def test_cors_allows_the_configured_origin_only(news_index):
    from starlette.testclient import TestClient

    from searchlib.server import create_app

    with TestClient(create_app(news_index, cors_origins=["https://news.example"])) as c:
        ok = c.get("/v1/search", params={"q": "总统"}, headers={"Origin": "https://news.example"})
        assert ok.headers["access-control-allow-origin"] == "https://news.example"
        assert "ETag" in ok.headers["access-control-expose-headers"]
        other = c.get("/v1/search", params={"q": "总统"}, headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        pre = c.options("/v1/articles", headers={"Origin": "https://news.example",
                                                 "Access-Control-Request-Method": "POST",
                                                 "Access-Control-Request-Headers": "Authorization"})
        assert pre.status_code == 200 and "POST" in pre.headers["access-control-allow-methods"]


def test_collapse_and_similar_over_http(tmp_path):
    from starlette.testclient import TestClient

    import searchlib
    from searchlib.server import create_app

    from ..conftest import HANS, read_jsonl
    from ..reposts_oracle import edited

    rows = read_jsonl(HANS)[:20]
    copies = [edited(rows[2], "credit"), edited(rows[2], "drop+paragraph")]
    with searchlib.open_index(tmp_path / "ix", create=True) as ix:
        ix.add(rows + copies)
        expected = ix.search("-冥王星", limit=100, collapse=True).to_dict()
        with TestClient(create_app(ix), raise_server_exceptions=False) as c:
            wait_ready(c)
            plain = c.get("/v1/search", params={"q": "-冥王星", "hits_per_page": 100}).json()
            assert plain["total"] == 22 and all(h["duplicates"] == 0 for h in plain["hits"])
            for collapsed in (c.get("/v1/search", params={"q": "-冥王星", "hits_per_page": 100,
                                                          "collapse": "true"}).json(),
                              c.post("/v1/search", json={"q": "-冥王星", "hits_per_page": 100,
                                                         "collapse": True}).json()):
                assert collapsed["total"] == expected["total"] == 20
                assert [(h["id"], h["duplicates"]) for h in collapsed["hits"]] == \
                    [(h["id"], h["duplicates"]) for h in expected["hits"]]
                assert sum(1 + h["duplicates"] for h in collapsed["hits"]) == 22
            similar = c.get(f"/v1/articles/{rows[2]['id']}/similar").json()
            assert {h["id"] for h in similar["hits"]} == {copy["id"] for copy in copies}
            assert similar["total"] == 2 and similar["hits_per_page"] == 10
            assert all(0.5 <= h["score"] <= 1 for h in similar["hits"])
            body = problem(c.get("/v1/search", params={"q": "总统", "collapse": "maybe"}), 400,
                           "invalid-parameter")
            assert body["parameter"] == "collapse"
            problem(c.get("/v1/articles/nope/similar"), 404, "article-not-found")
            spec = c.get("/openapi.json").json()
            assert "/v1/articles/{id}/similar" in spec["paths"]
            assert "duplicates" in spec["components"]["schemas"]["Hit"]["properties"]
