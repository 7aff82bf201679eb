"""The query language: parsing, errors a person can act on, and what each form matches."""

from __future__ import annotations

import pytest

import searchlib
from searchlib import QuerySyntaxError, SearchlibError
from searchlib.query import All, Any_, DateSpan, Match, Not, Text, parse


def test_terms_phrases_operators_and_fields_parse():
    node = parse('援疆 "工作 总结" OR 干部 -新疆 NOT 上海 title:吉林 source:江城日报')
    assert node == Any_((
        All((Text("援疆"), Text("工作 总结", quoted=True))),
        All((Text("干部"), Not(Text("新疆")), Not(Text("上海")),
             Text("吉林", fields=("title",)), Match("source", "江城日报"))),
    ))


def test_hyphen_inside_a_term_is_text_and_chinese_quotes_quote():
    assert parse("COVID-19") == Text("COVID-19")
    assert parse("“幸福吉林”") == Text("幸福吉林", quoted=True)


def test_date_ranges():
    import datetime as dt

    span = parse("date:2017-01-01..2017-03-31")
    assert span == DateSpan(dt.datetime(2017, 1, 1), dt.datetime(2017, 3, 31, 23, 59, 59, 999999))
    assert parse("date:2017..").end is None
    assert parse("date:..2016-12").start is None
    assert parse("date:2017-02").start == dt.datetime(2017, 2, 1)


@pytest.mark.parametrize("query, position, words", [
    ('援疆 "干部', 3, "never closed"),
    ("(援疆 干部", 0, "never closed"),
    ("援疆 干部)", 5, "closes no"),
    ("OR 援疆", 0, "expected a search term"),
    ("援疆 OR", 3, "needs a search term after"),
    ("援疆 NOT", 3, "needs a search term after"),
    ("title:", 0, "needs a value"),
    ("date:2017-13-01", 5, "bad date"),
    ("date:2018..2017", 5, "ends before it starts"),
    ('""', 0, "empty quotes"),
    ("()", 0, "empty parentheses"),
    ("   ", None, "empty"),
])
def test_malformed_queries_say_what_and_where(query, position, words):
    with pytest.raises(QuerySyntaxError) as err:
        parse(query)
    assert err.value.position == position
    assert words in str(err.value)
    assert isinstance(err.value, SearchlibError) and isinstance(err.value, ValueError)


def test_limits_on_size_and_nesting():
    with pytest.raises(QuerySyntaxError, match="limit"):
        parse("援" * 5000)
    with pytest.raises(QuerySyntaxError, match="nested"):
        parse("(" * 100 + "援疆" + ")" * 100)


@pytest.mark.parametrize("query, expected", [
    ("援疆干部", 1),
    ("援疆干部 新疆", 1),
    ("援疆干部 -阿勒泰", 0),
    ("援疆干部 OR 国防", None),   # union: at least the seed plus the 国防 articles
    ("source:江城日报", 1),
    ("author:彭亚娟 editor:李波", 1),
    ("title:援疆", 1),
    ("title:总结座谈会", 0),        # only in the body
    ("date:2017-02-10 援疆", 1),
    ("date:2017-02-11.. 援疆", 0),
])
def test_query_forms_on_real_articles(hans_index, query, expected):
    res = hans_index.search(query, limit=50)
    if expected is None:
        assert res.total > 1 and any(h.article.source == "江城日报" for h in res.hits)
    else:
        assert res.total == expected, query


def test_not_alone_matches_everything_else(hans_index):
    everything = hans_index.count()
    assert hans_index.search("-援疆").total == everything - 1


def test_questions_rank_by_their_topical_words_and_explicit_queries_stay_exact(hans_index):
    assert hans_index.search("援疆干部 -阿勒泰").total == 0
    res = hans_index.search("援疆干部在阿勒泰做了哪些工作")    # a question: ranked, not relaxed
    assert not res.relaxed and res.hits[0].article.source == "江城日报"
    res = hans_index.search("赵鹏的职业是什么？")             # two topical words are enough
    assert res.total > 0 and not res.relaxed
    res = hans_index.search("援疆干部 阿勒泰 冥王星")          # keywords without a full match
    assert res.relaxed and res.hits[0].article.source == "江城日报"


@pytest.mark.parametrize("query, question", [
    ("赵鹏的职业是什么？", True), ("环氧氯丙烷有什么用途", True), ("两岸关系如何发展", True),
    ("总统出访了吗", True), ("台湾经济，两岸关系", True), ("援疆干部", False), ("经济 发展", False),
    ('"什么"', False), ("title:什么", False), ("什么 OR 哪里", False),
    ("为什么学生小组被称为“卫理公会”？", True), ("阿波罗太空服包含什么内衣（如果有的话）?", True),
    ('"国家安全" "两岸关系"', False), ('"，国家安全。"', False), ("(台风) 上海", False),
    ("总统 -经济 是什么", False),
])
def test_the_question_rule(hans_index, query, question):
    from searchlib.plan import is_question
    from searchlib.query import parse_query

    assert is_question(parse_query(query), hans_index.profile) is question


def test_full_width_operators_typed_with_an_ime_act_as_ascii_ones():
    assert parse("（北京 OR 上海） －台风 ＋援疆") == parse("(北京 OR 上海) -台风 +援疆")
    assert parse("title：吉林") == Text("吉林", fields=("title",))
    assert parse("＂工作 总结＂") == Text("工作 总结", quoted=True)


def test_a_word_colon_that_names_no_field_is_text():
    assert parse("https://news.example/a?id=1") == Text("https://news.example/a?id=1")
    assert parse("10:30 会议") == All((Text("10:30"), Text("会议")))
    assert parse("foo:bar") == Text("foo:bar")


def test_lower_case_and_or_not_are_words_and_plus_means_required():
    assert parse("援疆 and 干部") == All((Text("援疆"), Text("and"), Text("干部")))
    assert parse("援疆 or 干部") == All((Text("援疆"), Text("or"), Text("干部")))
    assert parse("+援疆 干部") == parse("援疆 干部")
    assert parse("C++ 5+2") == All((Text("C++"), Text("5+2")))


@pytest.mark.parametrize("query, plain", [
    ("援疆干部在阿勒泰做了哪些工作", True), ("援疆 干部 工作", True),
    ("援疆 AND 干部 AND 工作", False), ('"援疆" "干部" 工作', False), ("援疆 干部 -工作", False),
    ("title:援疆 干部 工作", False), ("(援疆 干部 工作)", False), ("援疆 OR 干部", False),
])
def test_only_plain_free_text_counts_as_plain(query, plain):
    from searchlib.query import parse_query

    assert parse_query(query).plain is plain


@pytest.mark.parametrize("query", [
    "援疆干部 AND 半导体 AND 晶片",
    '"援疆干部" "半导体" 晶片',
    "援疆干部 半导体 晶片 -台湾",
    "title:援疆干部 半导体 晶片",
    "(援疆干部 半导体 晶片)",
])
def test_explicit_operators_never_fall_back_to_partial_matches(hans_index, query):
    plain = hans_index.search("援疆干部 半导体 晶片")
    assert plain.relaxed and plain.total > 0       # the same words, typed plainly, relax
    res = hans_index.search(query)
    assert res.total == 0 and not res.relaxed and res.hits == []


def test_facet_values_fold_like_filters(mem_index):
    mem_index.add([{"id": str(i), "title": "t", "body": "援疆干部", "source": src}
                   for i, src in enumerate(["江城日报", "江城日報", "江城日报", "新华社"])])
    res = mem_index.search("援疆", facets=("source",))
    assert res.facets["source"] == {"江城日报": 3, "新华社": 1}
    assert mem_index.search("援疆", source="江城日報").total == 3
    assert mem_index.search("援疆 source:江城日报").total == 3
    assert mem_index.stats()["sources"] == {"江城日报": 3, "新华社": 1}


def test_a_tag_held_by_many_articles_is_searchable(tmp_path):
    # a KEYWORD field's postings past Whoosh's inline limit are blocks whose values
    # its reader cannot decode: they must be read without them
    from .conftest import HANS, read_jsonl

    rows = read_jsonl(HANS)
    arts = [{"id": f"{k}-{r['id']}", "title": r["title"], "body": r["content"],
             "tags": ["两岸", "x"] if i % 3 else []} for k in range(3) for i, r in enumerate(rows)]
    with searchlib.open_index(tmp_path / "ix", create=True) as ix:
        ix.add(arts)
        tagged = {a["id"] for a in arts if a["tags"]}
        assert {a.id for a in ix.iter_search("tags:两岸")} == tagged
        both = {a["id"] for a in arts if a["tags"] and ("两岸" in a["title"] or "两岸" in a["body"])}
        assert {a.id for a in ix.iter_search("两岸 tags:两岸")} == both and both


def test_a_question_that_quotes_a_name_ranks_like_a_question(hans_index):
    res = hans_index.search("为什么“援疆干部”要去冥王星？")
    plain = hans_index.search("为什么援疆干部要去冥王星？")
    assert res.total == plain.total > 0 and not res.relaxed
    assert [h.id for h in res.hits[:3]] == [h.id for h in plain.hits[:3]]
    assert hans_index.search('"援疆干部" "冥王星"').total == 0   # quoted keywords stay exact
