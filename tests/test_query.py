"""The query language: parsing, errors a person can act on, and what each form matches."""

from __future__ import annotations

import pytest

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
    ("foo:bar", 0, "unknown field 'foo'; known fields: title"),
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


def test_short_queries_are_never_relaxed_but_questions_are(hans_index):
    assert hans_index.search("援疆干部 -阿勒泰").total == 0
    res = hans_index.search("援疆干部在阿勒泰做了哪些工作")
    assert res.relaxed and res.hits[0].article.source == "江城日报"
