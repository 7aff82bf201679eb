"""Date parsing for the formats news records use."""

from __future__ import annotations

import datetime as dt

import pytest

from searchlib.dates import date_span, parse_date


@pytest.mark.parametrize("text, expected", [
    ("2017-02-10", dt.date(2017, 2, 10)),
    ("2017/2/10", dt.date(2017, 2, 10)),
    ("2017年2月10日", dt.date(2017, 2, 10)),
    ("10.02.2017 \u00a000:33", dt.datetime(2017, 2, 10, 0, 33)),
    ("2017-02-10 00:33", dt.datetime(2017, 2, 10, 0, 33)),
    ("2017-02-10T00:33:05+08:00", dt.datetime(2017, 2, 10, 0, 33, 5)),
    ("2017年02月10日 10:33", dt.datetime(2017, 2, 10, 10, 33)),
    ("", None),
    (None, None),
])
def test_accepted_formats(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2017-13-01", "31.02.2017", "yesterday", "2017-02-10 25:00"])
def test_bad_dates_raise_value_error_naming_the_value(text):
    with pytest.raises(ValueError, match="2017|yesterday"):
        parse_date(text)


@pytest.mark.parametrize("text, expected", [
    ("2017年2月10日00:33", dt.datetime(2017, 2, 10, 0, 33)),
    ("2017年2月10日 00时33分", dt.datetime(2017, 2, 10, 0, 33)),
    ("2017年2月10日 00时33分05秒", dt.datetime(2017, 2, 10, 0, 33, 5)),
    ("2017年2月10日 15时", dt.datetime(2017, 2, 10, 15, 0)),
    ("2017年2月10日 星期五", dt.date(2017, 2, 10)),
    ("2017年2月10日 周五", dt.date(2017, 2, 10)),
    ("2017年2月10日（星期日）", dt.date(2017, 2, 10)),  # the weekday is ignored, not checked
    ("2017年2月10日 礼拜五 10:33", dt.datetime(2017, 2, 10, 10, 33)),
    ("2017-02-10 星期五 10:33", dt.datetime(2017, 2, 10, 10, 33)),
    ("2017年2月10日 下午3:05", dt.datetime(2017, 2, 10, 15, 5)),
    ("2017年2月10日 晚上9:05", dt.datetime(2017, 2, 10, 21, 5)),
    ("2017年2月10日 上午9:05", dt.datetime(2017, 2, 10, 9, 5)),
    ("2017年2月10日 早上7:30", dt.datetime(2017, 2, 10, 7, 30)),
    ("2017年2月10日 中午12:30", dt.datetime(2017, 2, 10, 12, 30)),
    ("2017年2月10日 中午1:30", dt.datetime(2017, 2, 10, 13, 30)),
    ("2017年2月10日 下午15:05", dt.datetime(2017, 2, 10, 15, 5)),
    ("2017年2月10日 星期五 下午3点05分", dt.datetime(2017, 2, 10, 15, 5)),
    ("106年2月10日", dt.date(2017, 2, 10)),
    ("民國106年2月10日", dt.date(2017, 2, 10)),
    ("民国106年2月10日 下午3:05", dt.datetime(2017, 2, 10, 15, 5)),
    ("民國 99 年 1 月 1 日", dt.date(2010, 1, 1)),
    ("1999年2月10日", dt.date(1999, 2, 10)),  # four digits: always a Gregorian year
    ("0106年2月10日", dt.date(106, 2, 10)),
    ("２０１７年２月１０日", dt.date(2017, 2, 10)),
    ("２０１７－０２－１０　００：３３", dt.datetime(2017, 2, 10, 0, 33)),
])
def test_chinese_forms(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["106年2月30日", "2017年2月10日 下午25:00", "民國0年1月1日",
                                  "民國2017年1月1日", "2017年13月1日 星期五", "２０１７年２月３０日"])
def test_impossible_chinese_dates_raise_value_error_naming_the_value(text):
    with pytest.raises(ValueError) as info:
        parse_date(text)
    assert repr(text) in str(info.value)


@pytest.mark.parametrize("text, span", [
    ("发布时间：2017-02-10 08:01  来源：新华社", (5, 21)),
    ("民國106年2月10日 星期五 來源：中央社", (0, 16)),
    ("２０１７年２月１０日", (0, 10)),
    ("第12017-02-10号", None),
    ("没有日期", None),
])
def test_date_span_finds_a_date_in_a_line(text, span):
    assert date_span(text) == span
