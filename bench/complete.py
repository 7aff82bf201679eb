"""Completion latency (and the cost of pinyin queries) on a whole president_news index.

    searchlib ingest --index /tmp/pn-hant DATA/president_news/president_news.zh-Hant.jsonl.gz
    python bench/complete.py --index /tmp/pn-hant [--corpus hant] [--prefixes 300]

Prefixes are 1-3 characters cut from real titles of the corpus, where a word
of the title starts (what someone types into a search box; a fixed seed), or,
with ``--anywhere``, at any Han character. Reported, in milliseconds:

- ``first call``: the first ``complete()`` after opening the index (it reads
  each segment's words once);
- ``cold``: each prefix asked for the first time (the spellings of its
  completions not yet seen);
- ``warm``: the same prefixes again (what a server answering many people sees:
  the ranked words of recent prefixes are remembered for the index state).

With ``--pinyin``, also the first pinyin query (it indexes the readings of
the vocabulary) and later ones, for the full pinyin and the initials of
words of real titles: ``reading`` is the time to read the query as Han words,
``search`` the whole search (top 10 with snippets) of that query.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import searchlib

DATA = Path(os.environ.get("SEARCHLIB_BENCH_DATA", "/work/shared/data"))
_HAN = re.compile(r"[\u4e00-\u9fff]")


def titles(corpus: str) -> list[str]:
    path = DATA / "president_news" / f"president_news.zh-{corpus.capitalize()}.jsonl.gz"
    if not path.exists():
        sys.exit(f"benchmark data not found: {path} (set SEARCHLIB_BENCH_DATA)")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line)["title"] for line in f if line.strip()]


def prefixes(heads: list[str], count: int, rng: random.Random, anywhere: bool,
             profile: Any) -> list[str]:
    """``count`` prefixes of 1-3 characters from real titles, starting at a Han character
    (where a word starts, unless ``anywhere``)."""
    from searchlib.analysis import word_spans

    out: list[str] = []
    while len(out) < count:
        title = rng.choice(heads)
        if anywhere:
            starts = [i for i, ch in enumerate(title) if _HAN.match(ch)]
        else:
            starts = [a for _, a, _ in word_spans(title, profile) if _HAN.match(title[a])]
        if not starts:
            continue
        i = rng.choice(starts)
        piece = title[i:i + rng.randint(1, 3)]
        if all(_HAN.match(ch) for ch in piece):
            out.append(piece)
    return out


def timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    return (time.perf_counter() - start) * 1000, value


def summary(name: str, ms: list[float]) -> dict[str, Any]:
    ordered = sorted(ms)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    row = {"phase": name, "n": len(ms), "p50_ms": round(statistics.median(ms), 2),
           "p95_ms": round(p95, 2), "max_ms": round(ordered[-1], 2)}
    print(f"  {name:<10} n={row['n']:<4} p50 {row['p50_ms']:>7.2f} ms   p95 {row['p95_ms']:>7.2f} ms   "
          f"max {row['max_ms']:>8.2f} ms")
    return row


def pinyin_bench(ix: searchlib.NewsIndex, heads: list[str], rng: random.Random, count: int) -> list[dict[str, Any]]:
    from searchlib.analysis import word_spans
    from searchlib.pinyin import reading

    words = []
    for title in rng.sample(heads, min(len(heads), count * 4)):
        words += [w for w, _, _ in word_spans(title, ix.profile) if re.fullmatch(r"[\u4e00-\u9fff]{2,}", w)]
    queries = []
    for w in dict.fromkeys(words):
        syllables = reading(w)
        if syllables:
            queries.append("".join(syllables))
            queries.append("".join(s[0] for s in syllables))
        if len(queries) >= count:
            break
    first, res = timed(ix.search, "xijinping", limit=10)
    print(f"  first pinyin query (xijinping -> {res.pinyin}): {first:.1f} ms")
    reads, searches, read = [], [], 0
    for q in queries:
        t, (_, _, readings) = timed(ix._parse, q)  # what the pinyin adds to a search
        reads.append(t)
        t, res = timed(ix.search, q, limit=10)
        searches.append(t)
        read += bool(res.pinyin)
    print(f"  {read} of {len(queries)} pinyin queries read as Han words (the others are Latin words of the articles)")
    return [{"phase": "pinyin first", "ms": round(first, 1)}, summary("reading", reads),
            summary("search", searches)]


def wait_for_tables(ix: searchlib.NewsIndex) -> None:
    """Until the background thread has read every segment's words (Whoosh indexes)."""
    try:
        from searchlib.backends.whoosh import vocabulary
    except ImportError:
        return
    while True:
        with vocabulary._reading_lock:
            if not vocabulary._reading:
                return
        time.sleep(0.05)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", required=True, help="an index of the whole corpus (searchlib ingest)")
    ap.add_argument("--corpus", choices=("hant", "hans"), default="hant")
    ap.add_argument("--prefixes", type=int, default=300)
    ap.add_argument("--n", type=int, default=10)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--pinyin", action="store_true", help="also time pinyin queries")
    ap.add_argument("--anywhere", action="store_true", help="cut prefixes at any Han character")
    ap.add_argument("--json", help="write the figures to this file")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    heads = titles(args.corpus)
    ix = searchlib.open_index(args.index)
    asked = prefixes(heads, args.prefixes, rng, args.anywhere, ix.profile)
    print(f"{ix.count():,} articles in {args.index}; {len(asked)} prefixes "
          f"({len(set(asked))} distinct) from real titles, n={args.n}")
    first, _ = timed(ix.complete, "的", n=args.n)
    print(f"  first call: {first:.0f} ms")
    rows: list[dict[str, Any]] = [{"phase": "first call", "ms": round(first, 1)}]
    if ix.backend.stats().get("engine") == "whoosh":
        waited, _ = timed(wait_for_tables, ix)
        print(f"  segment word tables read in the background: {waited:.0f} ms more")
        rows.append({"phase": "background tables", "ms": round(waited, 1)})
    cold, warm, empty = [], [], 0
    for p in asked:
        t, got = timed(ix.complete, p, n=args.n)
        cold.append(t)
        empty += not got
    for p in asked:
        warm.append(timed(ix.complete, p, n=args.n)[0])
    rows += [summary("cold", cold), summary("warm", warm)]
    print(f"  {empty} prefixes had no completion; e.g. " +
          "; ".join(f"{p} -> {' '.join(ix.complete(p, n=5))}" for p in asked[:4]))
    if args.pinyin:
        rows += pinyin_bench(ix, heads, rng, args.prefixes)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    ix.close()


if __name__ == "__main__":
    main()
