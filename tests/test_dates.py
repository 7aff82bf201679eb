"""Date parsing for the formats news records use."""

from __future__ import annotations

import datetime as dt

import pytest

from searchlib.dates import parse_date


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
