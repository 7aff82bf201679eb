"""Shared pieces of the benchmarks: corpora and the naive baseline.

The naive baseline is what a Python developer gets today: jieba's own
``ChineseAnalyzer`` on Whoosh's TEXT fields, the default writer, and Whoosh's
``MultifieldParser`` (terms ANDed) for queries. Every benchmark runs it in
the same process and run as searchlib, and reports ratios.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("SEARCHLIB_BENCH_DATA", ROOT.parent / "shared" / "data"))
HANS = DATA / "president_news" / "president_news.zh-Hans.jsonl.gz"
HANT = DATA / "president_news" / "president_news.zh-Hant.jsonl.gz"
DRCD = DATA / "drcd_retrieval"


def need(path: Path) -> Path:
    if not path.exists():
        sys.exit(f"benchmark data not found: {path}\n(set SEARCHLIB_BENCH_DATA to the folder "
                 "holding president_news/ and drcd_retrieval/)")
    return path


def read_news(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """Records of a president_news file (``id`` as str), in file order."""
    out = []
    with gzip.open(need(path), "rt", encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            rec["id"] = str(rec["id"])
            out.append(rec)
            if limit and len(out) >= limit:
                break
    return out


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with open(need(path), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def text_bytes(records: list[dict[str, Any]]) -> int:
    return sum(len((r.get("title") or "").encode()) + len((r.get("content") or r.get("body") or "").encode())
               for r in records)


def naive_schema() -> Any:
    from jieba.analyse import ChineseAnalyzer
    from whoosh import fields

    ana = ChineseAnalyzer()
    return fields.Schema(id=fields.ID(stored=True, unique=True),
                         title=fields.TEXT(stored=True, analyzer=ana),
                         body=fields.TEXT(stored=True, analyzer=ana))


def build_naive(records: list[dict[str, Any]], folder: Path | None) -> tuple[Any, float]:
    """The naive index (jieba ChineseAnalyzer + Whoosh default writer); returns (index, seconds)."""
    import jieba
    from whoosh.filedb.filestore import FileStorage, RamStorage

    jieba.setLogLevel(60)
    jieba.initialize()  # dictionary load is not indexing time, for either side
    if folder is None:  # Whoosh's writer spills to $TMPDIR/<indexname>.tmp and removes it
        # when done: a name of its own, or two benchmarks at once break each other's commit
        ix = RamStorage().create_index(naive_schema(), indexname=f"naive{os.getpid()}x{time.time_ns()}")
    else:
        folder.mkdir(parents=True, exist_ok=True)
        ix = FileStorage(str(folder)).create_index(naive_schema())
    start = time.perf_counter()
    w = ix.writer()
    for r in records:
        w.add_document(id=r["id"], title=r.get("title") or "", body=r.get("content") or r.get("body") or "")
    w.commit()
    return ix, time.perf_counter() - start


def naive_search(ix: Any, q: str, limit: int | None = None) -> list[str]:
    """Ids the naive setup returns for a search-box query (all of them by default)."""
    from whoosh.qparser import MultifieldParser

    parser = MultifieldParser(["title", "body"], ix.schema)
    with ix.searcher() as s:
        return [h["id"] for h in s.search(parser.parse(q), limit=limit)]


def naive_index(records: Iterable[dict[str, Any]], folder: Path) -> Any:
    """The naive index with a date, a year and a month field, so it can filter, sort and facet."""
    import datetime as dt

    from jieba.analyse import ChineseAnalyzer
    from whoosh import fields
    from whoosh.filedb.filestore import FileStorage

    ana = ChineseAnalyzer()
    schema = fields.Schema(id=fields.ID(stored=True, unique=True),
                           title=fields.TEXT(stored=True, analyzer=ana),
                           body=fields.TEXT(stored=True, analyzer=ana),
                           date=fields.DATETIME(sortable=True), year=fields.ID(sortable=True),
                           month=fields.ID(sortable=True))
    folder.mkdir(parents=True)
    ix = FileStorage(str(folder)).create_index(schema)
    w = ix.writer()
    for r in records:
        d = dt.datetime.strptime(r["date"], "%Y-%m-%d")
        w.add_document(id=r["id"], title=r["title"], body=r["content"], date=d,
                       year=r["date"][:4], month=r["date"][:7])
    w.commit()
    return ix


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def report(title: str, rows: list[tuple[str, ...]]) -> None:
    """Print a small aligned table."""
    print(f"\n{title}")
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  " + "  ".join(str(c).ljust(w) for c, w in zip(r, widths)))


def naive_options(opts: dict[str, Any]) -> dict[str, Any]:
    """Whoosh ``searcher.search`` keywords for a query's date filter and facets (naive baseline)."""
    import datetime as dt

    from whoosh import query as wq
    from whoosh import sorting

    kwargs: dict[str, Any] = {}
    if "date_from" in opts:
        lo = dt.datetime.fromisoformat(opts["date_from"])
        hi = dt.datetime.fromisoformat(opts["date_to"]) + dt.timedelta(days=1)
        kwargs["filter"] = wq.DateRange("date", lo, hi)
    if "facets" in opts:
        kwargs["groupedby"] = {f: sorting.FieldFacet(f, maptype=sorting.Count) for f in opts["facets"]}
    return kwargs
