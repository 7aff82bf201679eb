"""The raw crawled-article format (the seed article and its variants)."""

from __future__ import annotations

import datetime as dt

import pytest

from searchlib import InvalidArticleError
from searchlib.ingest import parse_raw_article

from .conftest import SEED


@pytest.fixture(scope="module")
def seed():
    return parse_raw_article(SEED.read_text(encoding="utf-8"))


def test_seed_title_date_and_credits(seed):
    assert seed.title == "发扬援疆精神 为“幸福吉林”建设作出新贡献"
    assert seed.date == dt.datetime(2017, 2, 10, 0, 33)
    assert (seed.source, seed.author, seed.editor) == ("江城日报", "彭亚娟", "李波")


def test_seed_body_has_no_boilerplate_credit_or_crawl_debris(seed):
    assert "版权声明" not in seed.body and "转载" not in seed.body
    assert "彭亚娟" not in seed.body and "编辑/" not in seed.body
    assert "\u00a0" not in seed.body
    assert seed.body.startswith("2月8日,市委召开全市援疆工作总结座谈会。")
    assert seed.body.endswith("援疆工作专家组成员参加会议。")
    assert seed.body.count("\n\n") >= 10  # paragraphs kept


def test_seed_id_is_derived_from_content_and_stable(seed):
    again = parse_raw_article(SEED.read_text(encoding="utf-8"))
    assert seed.id == again.id and seed.id.startswith("sha1-")


@pytest.mark.parametrize("date_line, expected", [
    ("2017-02-10 00:33", dt.datetime(2017, 2, 10, 0, 33)),
    ("2017年2月10日", dt.date(2017, 2, 10)),
    ("发布时间：2017-02-10 08:01  来源：新华社", dt.datetime(2017, 2, 10, 8, 1)),
])
def test_common_date_line_variants(date_line, expected):
    a = parse_raw_article(f"标题一\n\n{date_line}\n\n第一段正文。\n\n第二段正文。")
    assert a.date == expected
    assert a.body == "第一段正文。\n\n第二段正文。"


def test_header_fields_and_url_line():
    a = parse_raw_article("标题\n2017-02-10 08:01 来源：新华社 编辑：王五\n正文。\n原文链接：https://example.com/a/1")
    assert (a.source, a.editor, a.url) == ("新华社", "王五", "https://example.com/a/1")
    assert a.id.startswith("url-") and a.body == "正文。"


def test_html_debris_is_cleaned():
    a = parse_raw_article("<h1>标题&amp;副题</h1>\n<p>第一段&nbsp;正文<br>第二段</p><script>x()</script>")
    assert a.title == "标题&副题"
    assert a.body == "第一段 正文\n\n第二段"


def test_credit_on_its_own_line_with_full_width_brackets():
    a = parse_raw_article("标题\n2017-01-01\n正文。\n（记者 张三 责任编辑：李四）")
    assert (a.author, a.editor, a.body) == ("张三", "李四", "正文。")


@pytest.mark.parametrize("text", ["", "   \n\n", "只有标题\n\n版权声明：本网所有"])
def test_articles_without_body_are_rejected(text):
    with pytest.raises(InvalidArticleError):
        parse_raw_article(text)


def test_impossible_date_line_is_an_error_not_body_text():
    with pytest.raises(InvalidArticleError, match="date"):
        parse_raw_article("标题\n2017-02-30 10:00\n正文。")
