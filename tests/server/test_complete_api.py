"""Completions and pinyin through the HTTP API and the server-rendered page (bundled news)."""

from __future__ import annotations

from .test_page import Doc


def test_suggest_gives_the_library_s_completions(client, news_index):
    body = client.get("/v1/suggest", params={"q": "总", "n": "8"}).json()
    assert body["completions"] == news_index.complete("总", n=8)
    assert body["completions"][:2] == ["总统", "总统府"]
    assert body["total"] == news_index.search("总").total
    # completions only: no search, and a half-typed query is no error
    quick = client.get("/v1/suggest", params={"q": '"总统 OR 台', "did_you_mean": "0"})
    assert quick.status_code == 200
    assert quick.json() == {"query": '"总统 OR 台', "total": None, "suggestion": None,
                            "completions": news_index.complete('"总统 OR 台')}
    assert quick.json()["completions"][0].startswith('"总统 OR 台')
    assert client.get("/v1/suggest", params={"q": "总", "n": "0"}).status_code == 400
    long = client.get("/v1/suggest", params={"q": "总统" * 60, "did_you_mean": "0"})
    assert long.status_code == 200 and long.json()["completions"] == []


def test_a_pinyin_query_says_what_it_was_read_as(client, news_index):
    body = client.get("/v1/search", params={"q": "xijinping"}).json()
    assert body["pinyin"] == {"xijinping": ["习近平"]}
    assert body["total"] == news_index.search("习近平").total >= 1
    assert {s["text"][a:b] for h in body["hits"] for s in h["snippets"] for a, b in s["spans"]} == {"习近平"}
    assert client.get("/v1/search", params={"q": "总统"}).json()["pinyin"] == {}


def test_the_page_shows_the_pinyin_reading(client):
    r = client.get("/", params={"q": "xjp"})
    doc = Doc(r.text)
    assert r.status_code == 200
    notice = [t for t in doc.text if t.startswith("按拼音 xjp 显示")]
    assert notice and "习近平" in notice[0]
    assert "习近平" in doc.marks
    combo = next(a for _, a in doc.elements if a.get("id") == "q")
    assert combo["role"] == "combobox" and combo["aria-controls"] == "completions"
    assert combo["data-suggest"] == "/v1/suggest"
