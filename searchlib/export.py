"""Writing every match of a search for analysts: JSON Lines or CSV, streamed.

Articles come from :meth:`searchlib.NewsIndex.iter_search` (a few hundred at
a time, from one commit) and are written as they come, so memory stays
bounded whatever the number of matches.

- ``jsonl``: one :meth:`Article.to_dict` a line (UTF-8, no BOM).
- ``csv``: one row per article under a header row (:data:`CSV_COLUMNS`),
  RFC 4180 quoting and ``\\r\\n`` line ends; UTF-8 with a byte-order mark by
  default, so that a spreadsheet (Excel, Numbers, LibreOffice) reads the
  Chinese text right when the file is opened by double-click; dates in ISO
  8601 (``2017-02-10`` or ``2017-02-10 00:33:00``); tags and contributors
  joined by ``; ``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable
from typing import TextIO

from .errors import UsageError
from .models import Article

__all__ = ["FORMATS", "CSV_COLUMNS", "LIST_SEPARATOR", "BOM", "write_export", "csv_row"]

FORMATS = ("jsonl", "csv")
#: The CSV header, in order.
CSV_COLUMNS = ("id", "title", "date", "source", "author", "editor", "category", "tags",
               "contributors", "url", "body")
LIST_SEPARATOR = "; "
BOM = "\ufeff"


def csv_row(article: Article) -> list[str]:
    """One article as CSV cells (see :data:`CSV_COLUMNS`)."""
    date = article.date
    day = date.isoformat(sep=" ") if isinstance(date, dt.datetime) else date.isoformat() if date else ""
    values = {"id": article.id, "title": article.title, "date": day,
              "source": article.source, "author": article.author, "editor": article.editor,
              "category": article.category, "tags": LIST_SEPARATOR.join(article.tags),
              "contributors": LIST_SEPARATOR.join(article.contributors), "url": article.url,
              "body": article.body}
    return [values[c] or "" for c in CSV_COLUMNS]


def write_export(articles: Iterable[Article], out: TextIO, fmt: str, *, bom: bool | None = None) -> int:
    """Write ``articles`` to the text stream ``out`` (opened with ``newline=""``
    and UTF-8); returns how many were written.

    Args:
        fmt: ``"jsonl"`` or ``"csv"``.
        bom: start with a UTF-8 byte-order mark (default: for CSV only).

    Raises:
        UsageError: an unknown format, or a BOM asked for JSON Lines.
    """
    if fmt not in FORMATS:
        raise UsageError(f"export format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if bom and fmt == "jsonl":
        raise UsageError("a byte-order mark is for CSV only: JSON Lines readers reject it")
    if bom if bom is not None else fmt == "csv":
        out.write(BOM)
    n = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for article in articles:
            writer.writerow(csv_row(article))
            n += 1
        return n
    for article in articles:
        out.write(json.dumps(article.to_dict(), ensure_ascii=False))
        out.write("\n")
        n += 1
    return n
