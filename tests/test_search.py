"""Searching: the end-to-end promises on real articles."""

from __future__ import annotations

import datetime as dt

import pytest

from searchlib import UsageError, contains
from searchlib.ingest import parse_raw_article

from .conftest import SEED


def test_seed_article_found_by_its_words_with_exact_highlight(hans_index):
    res = hans_index.search("援疆干部")
    assert res.total == 1
    hit = res.hits[0]
    a = hit.article
    assert a.title == "发扬援疆精神 为“幸福吉林”建设作出新贡献"
    assert a.date == dt.datetime(2017, 2, 10, 0, 33)
    assert (a.author, a.editor) == ("彭亚娟", "李波")
    assert "版权声明" not in a.body
    assert hit.snippets
    for snippet in hit.snippets:
        assert snippet.spans
        assert all(snippet.text[s:e] == "援疆干部" for s, e in snippet.spans)
        assert "<mark>援疆干部</mark>" in snippet.html


def test_quoted_phrase_finds_the_seed(hans_index):
    res = hans_index.search('"援疆工作总结座谈会"')
    assert [h.article.author for h in res.hits] == ["彭亚娟"]
    assert {s.text[a:b] for s in res.hits[0].snippets for a, b in s.spans} == {"援疆工作总结座谈会"}


def test_every_article_containing_the_text_is_found(hans_index, hans_articles):
    # "总统府" occurs inside many jieba words; count the articles that contain it
    articles = [(str(r["id"]), r["title"], r["content"]) for r in hans_articles]
    seed = parse_raw_article(SEED.read_text(encoding="utf-8"))
    articles.append((seed.id, seed.title, seed.body))
    for text in ["总统府", "经济", "台湾", "国防部长", "民主", "会议"]:
        expected = {i for i, title, body in articles if contains(title, text) or contains(body, text)}
        res = hans_index.search(text, limit=1000)
        assert {h.id for h in res.hits} == expected, text
        assert res.total == len(expected)


def test_traditional_query_finds_simplified_text(hans_index):
    assert hans_index.search("援疆幹部").total == 1
    assert hans_index.search('"援疆工作總結座談會"').total == 1


def test_top_hits_do_not_depend_on_the_page_size(hans_index):
    for q in ["总统", "经济 发展", '"国家安全"']:
        top50 = [h.id for h in hans_index.search(q, limit=50).hits]
        for k in (1, 3, 7):
            assert [h.id for h in hans_index.search(q, limit=k).hits] == top50[:k], (q, k)


def test_total_is_exact_and_pages_partition_the_results(hans_index):
    first = hans_index.search("总统", limit=7)
    ids = []
    for page in range(1, first.pages + 1):
        res = hans_index.search("总统", limit=7, page=page)
        assert res.total == first.total
        ids += [h.id for h in res.hits]
    assert len(ids) == len(set(ids)) == first.total
    assert hans_index.search("总统", limit=7, page=first.pages + 1).hits == []


def test_scores_descend_and_ranks_count_from_one(hans_index):
    res = hans_index.search("经济 发展", limit=20)
    scores = [h.score for h in res.hits]
    assert scores == sorted(scores, reverse=True)
    assert [h.rank for h in res.hits] == list(range(1, len(res.hits) + 1))


def test_whole_word_matches_rank_above_matches_inside_words(mem_index):
    mem_index.add([
        {"id": "inside", "title": "新闻", "body": "中华人民共和国成立。人民大会堂里人民大会堂外。"},
        {"id": "whole", "title": "新闻", "body": "人民的生活改善了。"},
    ])
    res = mem_index.search("人民")
    assert [h.id for h in res.hits] == ["whole", "inside"]


def test_html_of_snippets_is_escaped(mem_index):
    mem_index.add([{"id": "x", "title": "<b>标题</b>",
                    "body": "攻击<script>alert('援疆')</script>结束。"}])
    hit = mem_index.search("援疆").hits[0]
    assert "<script>" not in hit.snippets[0].html
    assert "&lt;script&gt;alert(&#x27;<mark>援疆</mark>&#x27;)&lt;/script&gt;" in hit.snippets[0].html
    assert hit.title_html == "&lt;b&gt;标题&lt;/b&gt;"


def test_latin_digits_and_full_width_forms(mem_index):
    mem_index.add([{"id": "t", "title": "科技", "body": "新款iPhone 15支持5G网络，COVID-19后GDP回升。"}])
    for q in ["iphone", "５Ｇ", "5G网络", "COVID-19", '"iPhone 15"', "gdp"]:
        assert mem_index.search(q).total == 1, q
    assert mem_index.search('"iPhone15"').total == 0  # a phrase is the exact text


@pytest.mark.parametrize("kwargs", [{"limit": 0}, {"page": 0}, {"sort": "random"},
                                    {"facets": ("colour",)}, {"date_from": "someday"}])
def test_bad_options_raise_usage_error(hans_index, kwargs):
    with pytest.raises(UsageError):
        hans_index.search("总统", **kwargs)


def test_sort_filters_and_facets(hans_index):
    res = hans_index.search("总统", sort="newest", limit=50, facets=("year",))
    dates = [h.article.date for h in res.hits]
    keys = [d if isinstance(d, dt.datetime) else dt.datetime.combine(d, dt.time()) for d in dates]
    assert keys == sorted(keys, reverse=True)
    assert sum(res.facets["year"].values()) == res.total
    in_1990s = hans_index.search("总统", date_from="1990-01-01", date_to="1999-12-31", limit=100)
    assert in_1990s.total == sum(v for k, v in res.facets["year"].items() if k.startswith("199"))
    assert all(h.article.date.year < 2000 for h in in_1990s.hits)


def test_phrases_with_stopwords_match(mem_index):
    mem_index.add([{"id": "s", "title": "讲话", "body": "这是我们的国家的未来，也是你的和我的责任。"}])
    for q in ['"我们的国家的未来"', '"也是你的和我的"', '"的"']:
        assert mem_index.search(q).total == 1, q


def test_title_match_ranks_above_body_match(mem_index):
    body = "政府今天公布了新的预算安排，各部会将依照规划推动。"
    mem_index.add([{"id": "body", "title": "今日要闻", "body": body + "国防预算增加。"},
                   {"id": "title", "title": "国防预算增加", "body": body + "国防预算增加。"}])
    assert [h.id for h in mem_index.search("国防预算").hits] == ["title", "body"]


def test_cross_script_both_ways(hant_articles, hans_articles):
    import searchlib

    with searchlib.open_index(None) as hant_ix:
        hant_ix.add(hant_articles[:40])
        for simp, trad in zip(hans_articles[:40], hant_articles[:40]):
            # the first six characters of the simplified title find the traditional article
            assert str(trad["id"]) in {h.id for h in hant_ix.search(f'"{simp["title"][:6]}"', limit=50).hits}
