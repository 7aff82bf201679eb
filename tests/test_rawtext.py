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


# --- blank lines before the title -------------------------------------------

@pytest.mark.parametrize("lead", ["\n", "\n\n  \n", " \t\n\u00a0\n\u3000\u3000\n", "\ufeff\r\n\r\n",
                                  "\x0c\n", "\u2028\u202f\u2007\n", "\u205f\n\u2000\u200a\n\u200b\n"])
def test_blank_and_whitespace_lines_before_the_title_are_skipped(lead):
    a = parse_raw_article(f"{lead}标题一\n2017-02-10\n正文。")
    assert (a.title, a.date, a.body) == ("标题一", dt.date(2017, 2, 10), "正文。")


# --- credits ----------------------------------------------------------------

BODY = "第一段正文。\n\n最后一段正文。"


def _fields(a):
    return a.source, a.author, a.editor, a.contributors


@pytest.mark.parametrize("credit, expected", [
    ("来源：新华社", ("新华社", None, None, ())),
    ("來源：中央社", ("中央社", None, None, ())),
    ("作者：张三", (None, "张三", None, ())),
    ("责任编辑：李四", (None, None, "李四", ())),
    ("責任編輯：李四", (None, None, "李四", ())),
    ("【责任编辑：李四】", (None, None, "李四", ())),
    ("（文/张三 编辑/李四）", (None, "张三", "李四", ())),
    ("（记者 张三 通讯员 李四）", (None, "张三", None, ("李四",))),
    ("（本报记者 张三 实习生 李四）", (None, "张三", None, ("李四",))),
    ("（记者 张三 摄影 李四 编辑 王五）", (None, "张三", "王五", ("李四",))),
    ("（记者 张三 李四）", (None, "张三", None, ("李四",))),
    ("（记者 张三、李四、王五）", (None, "张三", None, ("李四", "王五"))),
    ("(江城日报记者/彭亚娟 编辑/李波)", ("江城日报", "彭亚娟", "李波", ())),
    ("（新华社记者张三）", ("新华社", "张三", None, ())),
    ("（記者 張三 通訊員 李四 實習生 王五 攝影 趙六 編輯 孫七）",
     (None, "張三", "孫七", ("李四", "王五", "趙六"))),
    ("（记者 张三 报道）", (None, "张三", None, ())),
])
def test_credit_forms_at_the_end_of_the_body(credit, expected):
    for text in (f"标题\n{BODY}{credit}", f"标题\n{BODY}\n{credit}"):  # ending the paragraph / own line
        a = parse_raw_article(text)
        assert _fields(a) == expected, text
        assert a.body == BODY, text


@pytest.mark.parametrize("credit, expected", [
    ("来源：新华社", ("新华社", None, None, ())),
    ("作者：张三", (None, "张三", None, ())),
    ("来源：新华社  作者：张三 | 责任编辑：李四", ("新华社", "张三", "李四", ())),
    ("（记者 张三 通讯员 李四）", (None, "张三", None, ("李四",))),
    ("記者 張三 攝影 李四", (None, "張三", None, ("李四",))),
])
def test_credit_forms_in_header_lines(credit, expected):
    a = parse_raw_article(f"标题\n2017年2月10日 星期五\n{credit}\n{BODY}")
    assert _fields(a) == expected
    assert (a.date, a.body) == (dt.date(2017, 2, 10), BODY)


def test_labelled_credits_after_the_last_sentence_and_several_in_a_row():
    a = parse_raw_article(f"标题\n{BODY}（记者 张三）\n来源：人民网 责任编辑：李四")
    assert _fields(a) == ("人民网", "张三", "李四", ())
    assert a.body == BODY
    a = parse_raw_article("标题\n正文。责任编辑：李四")
    assert (a.editor, a.body) == ("李四", "正文。")


@pytest.mark.parametrize("paragraph", [
    "他说（记者 张三）我们都很好。",      # in the middle of a sentence
    "会见了来访的外宾（图）",             # a role word alone
    "出席会议的市长张三（左）",
    "这份报告来自（编辑部）",             # 编辑 inside a word
    "全年增长百分之五（同比）",
    "正文。新华社记者 张三",              # unlabelled after a sentence: could be prose
    "他认为。记者/编辑都要努力工作",
])
def test_text_that_is_not_a_credit_stays_in_the_body(paragraph):
    a = parse_raw_article(f"标题\n{paragraph}")
    assert a.body == paragraph
    assert _fields(a) == (None, None, None, ())


# --- dates in header lines --------------------------------------------------

@pytest.mark.parametrize("date_line, expected", [
    ("2017年2月10日00:33", dt.datetime(2017, 2, 10, 0, 33)),
    ("2017年2月10日 00时33分", dt.datetime(2017, 2, 10, 0, 33)),
    ("2017年2月10日 星期五", dt.date(2017, 2, 10)),
    ("2017年2月10日 下午3:05 来源：新华社", dt.datetime(2017, 2, 10, 15, 5)),
    ("发布时间：106年2月10日", dt.date(2017, 2, 10)),
    ("民國106年2月10日 週五", dt.date(2017, 2, 10)),
    ("２０１７年２月１０日　１０：３３", dt.datetime(2017, 2, 10, 10, 33)),
])
def test_date_line_forms(date_line, expected):
    a = parse_raw_article(f"标题\n{date_line}\n第一段正文。")
    assert (a.date, a.body) == (expected, "第一段正文。")


# --- HTML entities ----------------------------------------------------------

@pytest.mark.parametrize("raw, clean", [
    ("A&amp;B &lt;p&gt;", "A&B <p>"),
    ("&#20013;&#x4e2d;&#X56FD;", "中中国"),
    ("一&nbsp;二", "一 二"),
    ("见 http://e.com/?a=1&copy=2&reg=3", "见 http://e.com/?a=1&copy=2&reg=3"),
    ("A & B, AT&T, &copy 2017, &#20013 &notanentity;", "A & B, AT&T, &copy 2017, &#20013 &notanentity;"),
])
def test_only_well_formed_entities_are_decoded(raw, clean):
    assert parse_raw_article(f"标题\n{raw}").body == clean
