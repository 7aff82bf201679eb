"""Parsing the dates found in news records and crawled articles.

Recognised forms (full-width digits and punctuation, NBSP and ideographic
spaces are read as their ASCII equivalents):

- ISO 8601 and its relatives: ``2017-02-10``, ``2017/02/10``, ``2017.02.10``,
  ``2017-02-10T00:33:05+08:00`` (the zone is dropped: times stay as written);
- day first, as on many crawled sites: ``10.02.2017  00:33``;
- Chinese: ``2017年2月10日``, ``2017年02月10号``, ``2017年2月10日00:33``,
  ``2017年2月10日 00时33分(05秒)``, ``2017年2月10日 下午3:05`` (上午 早上 早晨
  凌晨 as written; 中午 下午 傍晚 晚上 move 1-11 o'clock past noon),
  ``2017年2月10日 3点05分``;
- Republic-of-China years: ``106年2月10日``, ``民國106年2月10日``, ``民国106年2月10日``
  are 2017-02-10 (a year of one to three digits is a 民國 year; four digits
  are always a Gregorian year);
- a weekday after the date (or after the time) is ignored: ``星期五``, ``周五``,
  ``週五``, ``礼拜五``, ``禮拜天``, also in brackets ``（星期五）``.
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["parse_date", "date_span", "DateLike"]

DateLike = dt.date | dt.datetime

#: One-to-one folds (so offsets into the folded text are offsets into the original).
_FOLD = str.maketrans("０１２３４５６７８９：／－．　\u00a0（）", "0123456789:/-.  ()")
_ROC_EPOCH = 1911  # 民國 1 is 1912

_WEEKDAY = r"(?:\s*\(?\s*(?:星期|禮拜|礼拜|周|週)[一二三四五六日天]\s*\)?)?"
_EARLY = ("上午", "早上", "早晨", "凌晨")
_LATE = ("下午", "傍晚", "晚上")
_MERIDIEM = "|".join((*_EARLY, "中午", *_LATE))


def _time(sep: str) -> str:
    """An optional time of day after a date, ``sep`` between the two."""
    return (rf"(?:{sep}(?:(?P<ap>{_MERIDIEM})\s*)?(?P<H>\d{{1,2}})(?:"
            r":(?P<M>\d{1,2})(?::(?P<S>\d{1,2})(?:\.\d+)?)?"
            r"|\s*[时時点點]\s*(?:(?P<M2>\d{1,2})\s*分?\s*(?:(?P<S2>\d{1,2})\s*秒)?)?))?")


_TZ = r"(?:\s*(?:Z|[+-]\d{2}:?\d{2}))?"
_PATTERNS = [re.compile(r"(?<!\d)" + p) for p in (
    # 2017-02-10, 2017/02/10, 2017.02.10, with optional time and zone
    r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)" + _WEEKDAY + _time(r"(?:\s+|T)")
    + _WEEKDAY + _TZ,
    # 10.02.2017 00:33 (day.month.year)
    r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})(?!\d)" + _WEEKDAY + _time(r"\s+") + _WEEKDAY,
    # 2017年2月10日 00:33, 民國106年2月10日
    r"(?:(?P<y>\d{4})|(?:(?:民國|民国)\s*)?(?P<roc>\d{1,3}))\s*年\s*(?P<m>\d{1,2})\s*月\s*"
    r"(?P<d>\d{1,2})\s*[日号號]?" + _WEEKDAY + _time(r"\s*") + _WEEKDAY,
)]


def _search(text: str) -> re.Match[str] | None:
    """The first (then longest) date in ``text``, already folded."""
    found = [m for m in (p.search(text) for p in _PATTERNS) if m]
    return min(found, key=lambda m: (m.start(), -m.end()), default=None)


def date_span(text: str) -> tuple[int, int] | None:
    """Where the first date in a line of text is, as ``(start, end)`` offsets.

    The span may name a day that does not exist: :func:`parse_date` of it
    says so.
    """
    m = _search(text.translate(_FOLD))
    return (m.start(), m.end()) if m else None


def _hour(m: re.Match[str]) -> int:
    hour = int(m["H"])
    if m["ap"] in _LATE and hour < 12 or m["ap"] == "中午" and hour < 11:
        hour += 12
    return hour


def _build(m: re.Match[str]) -> DateLike:
    if m["y"]:
        year = int(m["y"])
    elif int(m["roc"]) > 0:
        year = int(m["roc"]) + _ROC_EPOCH
    else:
        raise ValueError("民國 years start at 1")
    day = dt.date(year, int(m["m"]), int(m["d"]))
    if m["H"] is None:
        return day
    return dt.datetime(day.year, day.month, day.day, _hour(m),
                       int(m["M"] or m["M2"] or 0), int(m["S"] or m["S2"] or 0))


def parse_date(value: object) -> DateLike | None:
    """Turn a date given in one of the common news formats into a date or datetime.

    Accepted: ``date``/``datetime`` objects and the strings listed in the
    module docstring. A value with a time of day gives a ``datetime`` (naive,
    in the time of day as written), one without gives a ``date``. Empty
    values give None.

    Raises:
        ValueError: the value is not a date in any accepted format, or names
            a day or time that does not exist.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"a date must be a string, date or datetime, not {type(value).__name__}")
    text = value.translate(_FOLD).strip()
    if not text:
        return None
    m = next((m for m in (p.fullmatch(text) for p in _PATTERNS) if m), None)
    if m is None:
        raise ValueError(f"unrecognised date {value!r} (expected e.g. 2017-02-10, "
                         "10.02.2017 00:33 or 2017年2月10日)")
    try:
        return _build(m)
    except ValueError as exc:
        raise ValueError(f"invalid date {value!r}: {exc}") from None
