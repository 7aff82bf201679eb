"""Value classes: conversion and validation at the edge."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from searchlib import Article, Failure, IngestReport, InvalidArticleError, Snippet


def test_article_from_dict_accepts_content_alias_and_int_id():
    a = Article.from_dict({"id": 42, "title": "标题", "content": "正文", "date": "2017-02-10",
                           "tags": "政治, 外交", "extra": "ignored"})
    assert (a.id, a.body, a.date, a.tags) == ("42", "正文", dt.date(2017, 2, 10), ("政治", "外交"))


def test_article_without_id_gets_a_stable_content_id():
    a = Article.from_dict({"title": "t", "body": "b"})
    b = Article.from_dict({"title": "t", "body": "b"})
    assert a.id == b.id and a.id.startswith("sha1-")


@pytest.mark.parametrize("record, field", [
    ({"id": "1", "title": "t"}, "body"),
    ({"id": "1", "title": "t", "body": "   "}, "body"),
    ({"id": "1", "title": "t", "body": "b", "date": "someday"}, "date"),
    ({"id": ["x"], "title": "t", "body": "b"}, "id"),
    ({"id": "1", "title": 3, "body": "b"}, "title"),
])
def test_invalid_records_name_the_field(record, field):
    with pytest.raises(InvalidArticleError) as err:
        Article.from_dict(record)
    assert err.value.field == field
    assert isinstance(err.value, ValueError)


def test_article_is_frozen():
    a = Article(id="1", title="t", body="b")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        a.title = "x"  # type: ignore[misc]


def test_snippet_html_escapes_and_marks():
    s = Snippet("<b>援疆</b>&干部", [(3, 5), (10, 12)])
    assert s.html == "&lt;b&gt;<mark>援疆</mark>&lt;/b&gt;&amp;<mark>干部</mark>"
    assert s.matches == ["援疆", "干部"]


def test_failure_unpacks_as_source_and_reason():
    source, reason = Failure("news.jsonl", "broken JSON", 3)
    assert (source, reason) == ("news.jsonl:3", "broken JSON")
    assert IngestReport(failed=[Failure("x", "y")]).ok is False


def test_reprs_are_concise(hans_index):
    res = hans_index.search("总统", limit=3)
    text = repr(res)
    assert text.startswith("<SearchResults '总统': ") and "page 1 of" in text and len(text) < 120
    hit = res[0]
    assert repr(hit) == f"Hit(id={hit.id!r}, score={hit.score!r}, rank=1)"
    article = max((h.article for h in res), key=lambda a: len(a.body))
    assert len(article.body) > 100 and article.body not in repr(article)
    assert len(repr(article)) < 400 and f"({len(article.body):,} chars)" in repr(article)


def test_search_results_support_len_iteration_and_indexing(hans_index):
    res = hans_index.search("总统", limit=5)
    assert len(res) == 5 and list(res) == res.hits
    assert res[0] is res.hits[0] and res[-1] is res.hits[4] and res[1:3] == res.hits[1:3]


def test_one_json_shape_for_results_hits_snippets_and_reports(hans_index):
    import json

    res = hans_index.search("总统", limit=3, facets=("year",))
    data = json.loads(json.dumps(res.to_dict(), ensure_ascii=False))
    assert {"query", "total", "page", "limit", "pages", "relaxed", "suggestion", "facets",
            "hits"} <= set(data)
    assert data["facets"]["year"] == [{"value": k, "count": v} for k, v in res.facets["year"].items()]
    hit, first = data["hits"][0], res.hits[0]
    assert "body" not in hit and hit["title"] == first.article.title and hit["rank"] == 1
    assert hit["title_html"] == first.title_html
    assert [hit["title"][a:b] for a, b in hit["title_spans"]] == first.title.matches
    assert hit["snippets"][0] == {"text": first.snippets[0].text, "html": first.snippets[0].html,
                                  "spans": [list(s) for s in first.snippets[0].spans]}
    report = hans_index.add([{"id": "bad"}]).to_dict()
    assert report["added"] == 0 and report["failed"][0]["source"] == "<records>:1"
    assert "no body" in report["failed"][0]["reason"]
