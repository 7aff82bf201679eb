"""Parsing the dates found in news records and crawled articles."""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["parse_date", "DateLike"]

DateLike = dt.date | dt.datetime

_SPACE = re.compile(r"[\s\u00a0\u3000]+")
_TIME = r"(?:[ T]+(?P<H>\d{1,2})[:时](?P<M>\d{1,2})(?:[:分](?P<S>\d{1,2})(?:\.\d+)?秒?)?)?"
_TZ = r"(?P<tz>Z|[+-]\d{2}:?\d{2})?"
_PATTERNS = [
    # 2017-02-10, 2017/02/10, 2017.02.10, with optional time and zone
    re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})" + _TIME + _TZ),
    # 10.02.2017 00:33 (day.month.year, as on many crawled sites)
    re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})" + _TIME),
    # 2017年2月10日 00:33
    re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?" + _TIME),
]


def parse_date(value: object) -> DateLike | None:
    """Turn a date given in one of the common news formats into a date or datetime.

    Accepted: ``date``/``datetime`` objects, ISO 8601 (``2017-02-10``,
    ``2017-02-10T00:33:00+08:00``), ``2017/02/10``, ``10.02.2017  00:33`` and
    ``2017年2月10日 00:33``. A value with a time of day gives a ``datetime``
    (naive, in the time of day as written), one without gives a ``date``.
    Empty values give None.

    Raises:
        ValueError: the value is not a date in any accepted format, or names
            a day that does not exist.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"a date must be a string, date or datetime, not {type(value).__name__}")
    text = _SPACE.sub(" ", value).strip()
    if not text:
        return None
    for pattern in _PATTERNS:
        m = pattern.fullmatch(text)
        if m:
            break
    else:
        raise ValueError(f"unrecognised date {value!r} (expected e.g. 2017-02-10, "
                         "10.02.2017 00:33 or 2017年2月10日)")
    try:
        day = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
        if m["H"] is None:
            return day
        return dt.datetime(day.year, day.month, day.day, int(m["H"]), int(m["M"]),
                           int(m["S"] or 0))
    except ValueError as exc:
        raise ValueError(f"invalid date {value!r}: {exc}") from None
