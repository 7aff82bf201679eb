"""Quickstart: index the bundled sample news (once) and run a few searches.

    python examples/quickstart.py [QUERY ...]

The index goes to index_data/index/ (or $SEARCHLIB_INDEX); it is built from
index_data/samples/ the first time and reused afterwards.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import searchlib

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "index_data" / "samples"
INDEX = Path(os.environ.get("SEARCHLIB_INDEX", ROOT / "index_data" / "index"))
QUERIES = [
    "援疆干部",                      # words the seed article contains
    '"援疆工作总结座谈会"',           # an exact phrase
    "國防預算",                      # traditional script finds simplified text
    "半导体 OR 晶片",                # either term
    "总统 出访 date:2026-01..2026-03",  # terms within a date range
]

COLOR = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
MARK = ("\x1b[1;31m", "\x1b[0m") if COLOR else ("【", "】")


def build_if_missing(ix: searchlib.NewsIndex) -> None:
    if ix.count():
        return
    print(f"Building the index from {SAMPLES} ...")
    report = ix.ingest([SAMPLES])
    print(f"  {report.summary()} in {report.seconds:.1f} s\n")


def show(ix: searchlib.NewsIndex, query: str) -> None:
    res = ix.search(query, limit=3, snippets=1)
    print(f"=== {query}  ({res.total} match{'es' if res.total != 1 else ''})")
    for hit in res:
        title = hit.title.markup(*MARK) if hit.title else hit.article.title
        print(f"{hit.rank}. {title}  [{hit.article.date or ''}]")
        for snippet in hit.snippets:
            print("   " + snippet.markup(*MARK).replace("\n", " "))
    print()


def main(argv: list[str]) -> int:
    with searchlib.open_index(INDEX, create=True) as ix:
        build_if_missing(ix)
        for query in argv or QUERIES:
            try:
                show(ix, query)
            except searchlib.QuerySyntaxError as exc:
                print(f"=== {query}\n  {exc}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
