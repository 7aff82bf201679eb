"""Query latency, searchlib vs the naive baseline, one run, whole zh-Hans corpus.

    python bench/query.py [--docs N] [--queries 300]

Both engines index the same articles (searchlib's own ingest; the naive one
jieba's ChineseAnalyzer + Whoosh's default writer, with a date and a year
field so it can filter and facet too). A mix of queries sampled from the
corpus runs on both, interleaved, each timed end to end for the top 10 with
highlighted snippets (searchlib: its own snippets; naive: Whoosh's
highlighter on the stored body):

- ``word``: one jieba word of an article;      ``phrase``: a quoted 4-8 character span
- ``two-words``: two words of one article;      ``filter``: a word within a date range
- ``facets``: a word, with counts by year and month
- ``question``: two words of an article in a question (``{a}的{b}是什么？``...), ranked as
  a question by searchlib; the naive parser requires every token

Reported: p50, p95 and mean milliseconds per kind and overall, and the
ratio of the p95s. searchlib's totals are exact; the naive ones are whatever
Whoosh counts.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import HANS, naive_index, naive_options, read_news, report

import searchlib

KINDS = ("word", "phrase", "two-words", "filter", "facets", "question")
QUESTION_FORMS = ("{a}的{b}是什么？", "{a}为什么{b}？", "{a}和{b}有什么关系", "谁在{a}{b}？")


def make_mix(records: list[dict], n: int, seed: int) -> list[tuple[str, str, dict]]:
    import jieba

    jieba.setLogLevel(60)
    rng = random.Random(seed)
    mix: list[tuple[str, str, dict]] = []
    while len(mix) < n:
        rec = rng.choice(records)
        words = [w for w in jieba.cut(rec["content"]) if re.fullmatch(r"[\u4e00-\u9fff]{2,4}", w)]
        if len(words) < 2:
            continue
        kind = KINDS[len(mix) % len(KINDS)]
        w1, w2 = rng.sample(words, 2)
        if kind == "word":
            mix.append((kind, w1, {}))
        elif kind == "phrase":
            runs = [r for r in re.findall(r"[\u4e00-\u9fff，、]{4,}", rec["content"]) if len(r) >= 4]
            run = rng.choice(runs)
            k = rng.randint(4, min(8, len(run)))
            i = rng.randrange(len(run) - k + 1)
            mix.append((kind, f'"{run[i:i + k]}"', {}))
        elif kind == "two-words":
            mix.append((kind, f"{w1} {w2}", {}))
        elif kind == "filter":
            year = int(rec["date"][:4])
            mix.append((kind, w1, {"date_from": f"{year - 2}-01-01", "date_to": f"{year + 2}-12-31"}))
        elif kind == "facets":
            mix.append((kind, w1, {"facets": ("year", "month")}))
        else:
            mix.append((kind, rng.choice(QUESTION_FORMS).format(a=w1, b=w2), {}))
    return mix


class Naive:
    """The baseline's way to answer the same requests with Whoosh's own tools."""

    def __init__(self, ix: Any) -> None:
        from whoosh.qparser import MultifieldParser

        self.ix = ix
        self.searcher = ix.searcher()
        self.parser = MultifieldParser(["title", "body"], ix.schema)

    def search(self, q: str, opts: dict) -> int:
        kwargs: dict[str, Any] = {"limit": 10, **naive_options(opts)}
        results = self.searcher.search(self.parser.parse(q), **kwargs)
        for hit in results[:10]:
            hit.highlights("body", top=3)
        if "facets" in opts:
            for f in opts["facets"]:
                results.groups(f)
        return len(results)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=0, help="first N articles (default: all)")
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)

    records = read_news(HANS, args.docs or None)
    mix = make_mix(records, args.queries, args.seed)
    times: dict[str, dict[str, list[float]]] = {e: {k: [] for k in KINDS} for e in ("searchlib", "naive")}
    with tempfile.TemporaryDirectory() as tmp:
        sl = searchlib.open_index(Path(tmp) / "sl", create=True)
        sl.add(records)
        naive = Naive(naive_index(records, Path(tmp) / "nv"))
        for _, q, opts in mix[:20]:  # warm up both (file caches, dictionaries)
            sl.search(q, **opts)
            naive.search(q, opts)
        for kind, q, opts in mix:
            t = time.perf_counter()
            sl.search(q, **opts)
            times["searchlib"][kind].append(1000 * (time.perf_counter() - t))
            t = time.perf_counter()
            naive.search(q, opts)
            times["naive"][kind].append(1000 * (time.perf_counter() - t))
        sl.close()

    rows = [("kind", "engine", "p50 ms", "p95 ms", "mean ms")]
    summary: dict[str, Any] = {}
    for kind in (*KINDS, "all"):
        for engine in ("searchlib", "naive"):
            ts = [t for k in KINDS for t in times[engine][k]] if kind == "all" else times[engine][kind]
            row = (round(percentile(ts, 50), 1), round(percentile(ts, 95), 1), round(statistics.mean(ts), 1))
            rows.append((kind, engine, *row))
            summary[f"{kind}/{engine}"] = row
    report(f"query latency, top 10 with highlights, {len(records)} articles, {len(mix)} queries", rows)
    ratio = summary["all/naive"][1] / summary["all/searchlib"][1]
    print(f"\np95: searchlib {summary['all/searchlib'][1]} ms, naive {summary['all/naive'][1]} ms "
          f"(naive / searchlib = x{ratio:.2f})")
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "times": times}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
