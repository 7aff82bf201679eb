"""Synonyms and export on real news: what groups add, what they cost, how fast export streams.

    python bench/synonyms.py [--docs 3000] [--queries 200] [--groups 1000]
                             [--url opensearch://127.0.0.1:9200 --os-docs 500]

Articles: an even sample of the zh-Hans corpus (every k-th article, so every
year is in it), indexed locally (Whoosh, a temporary folder).

- recall: for real synonym groups of this corpus (names of one thing), the
  articles each member finds alone and the group finds from any member,
  checked against the union of the members' own searches;
- latency: a mix of single words of the articles (none a member), top 10
  with highlights, with no groups, with the real groups, and with
  ``--groups`` more synthetic groups of corpus words (each search reads the
  index's record and looks its terms up); then the members themselves,
  expanded;
- export: every article holding 的 written as CSV and as JSON Lines to a
  counting sink: articles/s, MB/s, and (tracemalloc, separate passes) the
  peak memory of the streaming once the query is evaluated, after the
  first 100 and 1,000 articles and after all of them;
- with ``--url``: the same latency comparison on an OpenSearch cluster
  (``--os-docs`` articles in a fresh index, dropped afterwards).
"""

from __future__ import annotations

import argparse
import io
import itertools
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import HANS, read_news, report

import searchlib
from searchlib.analysis import SCRIPT, SegmenterProfile, word_spans
from searchlib.export import write_export

#: Names of one thing in these press releases.
GROUPS = [["新冠", "武汉肺炎", "COVID-19"], ["李登辉", "李总统"], ["蔡英文", "蔡总统"],
          ["马英九", "马总统"], ["世界卫生组织", "世卫", "WHO"], ["亚太经合会", "APEC"],
          ["大陆", "中共"]]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def sample(docs: int) -> list[dict[str, Any]]:
    everything = read_news(HANS)
    step = max(1, len(everything) // docs)
    return [{"id": r["id"], "title": r["title"], "body": r["content"], "date": r["date"]}
            for r in everything[::step][:docs]]


def words_of(rows: list[dict[str, Any]], rng: random.Random, n: int, avoid: set[str]) -> list[str]:
    profile = SegmenterProfile()
    pool: list[str] = []
    for r in rng.sample(rows, min(len(rows), 400)):
        pool += [w for w, _, _ in word_spans(r["body"][:400], profile, SCRIPT)
                 if len(w) >= 2 and w.isalnum() and w not in avoid]
    pool = list({SCRIPT.word_form(w): w for w in pool}.values())
    rng.shuffle(pool)
    return pool[:n]


def timed(ix: searchlib.NewsIndex, queries: list[str]) -> list[float]:
    out = []
    for q in queries:
        t = time.perf_counter()
        ix.search(q, limit=10)
        out.append((time.perf_counter() - t) * 1000)
    return out


def row(name: str, ms: list[float]) -> tuple[str, ...]:
    return (name, f"{statistics.median(ms):.1f}", f"{percentile(ms, 95):.1f}", f"{statistics.mean(ms):.1f}")


def latency(ix: searchlib.NewsIndex, words: list[str], synthetic: list[list[str]], title: str) -> None:
    members = [m for g in GROUPS for m in g]
    timed(ix, words[:20])  # warm caches
    rows = [("setting", "p50 ms", "p95 ms", "mean ms")]
    ix.set_synonyms([])
    rows.append(row("no groups", timed(ix, words)))
    ix.set_synonyms(GROUPS)
    rows.append(row(f"{len(GROUPS)} real groups", timed(ix, words)))
    ix.set_synonyms(GROUPS + synthetic)
    rows.append(row(f"{len(GROUPS) + len(synthetic)} groups", timed(ix, words)))
    rows.append(row(f"reading {len(GROUPS) + len(synthetic)} groups alone", read_times(ix)))
    ix.set_synonyms([])
    rows.append(row("members, no groups", timed(ix, members * 3)))
    ix.set_synonyms(GROUPS)
    rows.append(row("members, expanded", timed(ix, members * 3)))
    rows.append(row(f"reading {len(GROUPS)} groups alone", read_times(ix)))
    ix.set_synonyms([])
    report(title, rows)


def read_times(ix: searchlib.NewsIndex) -> list[float]:
    """Milliseconds to read the index's record (what each search does first)."""
    out = []
    for _ in range(100):
        t = time.perf_counter()
        ix.synonyms()
        out.append((time.perf_counter() - t) * 1000)
    return out


def recall(ix: searchlib.NewsIndex) -> None:
    rows = [("group", "each member alone", "any member (group)", "= union")]
    for group in GROUPS:
        ix.set_synonyms([])
        alone = {m: {a.id for a in ix.iter_search(f'"{m}"')} for m in group}
        ix.set_synonyms([group])
        together = {a.id for a in ix.iter_search(group[0])}
        union = set().union(*alone.values())
        rows.append((" / ".join(group), " / ".join(str(len(v)) for v in alone.values()),
                     str(len(together)), "yes" if together == union else "NO"))
    ix.set_synonyms([])
    report("recall: articles found", rows)


class Sink(io.TextIOBase):
    """Counts UTF-8 bytes written; keeps nothing."""

    def __init__(self) -> None:
        self.bytes = 0

    def write(self, text: str) -> int:
        self.bytes += len(text.encode("utf-8"))
        return len(text)


def stream_peak(ix: searchlib.NewsIndex, fmt: str, limit: int | None) -> float:
    """Peak MB allocated while writing the first ``limit`` matches, once the query is evaluated."""
    articles = ix.iter_search("的", sort="newest")
    next(articles)
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    write_export(itertools.islice(articles, limit), Sink(), fmt)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return peak / 1e6


def export(ix: searchlib.NewsIndex) -> None:
    marks = (100, 1000, None)
    rows = [("format", "articles", "MB", "seconds", "articles/s", "MB/s",
             "stream peak MB after 100 / 1,000 / all")]
    for fmt in ("csv", "jsonl"):
        sink = Sink()
        t = time.perf_counter()
        n = write_export(ix.iter_search("的", sort="newest"), sink, fmt)
        seconds = time.perf_counter() - t
        peaks = " / ".join(f"{stream_peak(ix, fmt, m):.2f}" for m in marks)
        rows.append((fmt, f"{n:,}", f"{sink.bytes / 1e6:.1f}", f"{seconds:.2f}", f"{n / seconds:,.0f}",
                     f"{sink.bytes / 1e6 / seconds:.1f}", peaks))
    report("export: every article holding 的 (sort newest)", rows)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--groups", type=int, default=1000, help="synthetic groups for the cost")
    ap.add_argument("--url", help="also an OpenSearch cluster, e.g. opensearch://127.0.0.1:9200")
    ap.add_argument("--os-docs", type=int, default=500)
    args = ap.parse_args(argv)
    rng = random.Random(15)
    rows = sample(args.docs)
    members = {m for g in GROUPS for m in g}
    words = words_of(rows, rng, args.queries + 2 * args.groups, members)
    queries, spare = words[:args.queries], words[args.queries:]
    synthetic = [spare[i:i + 2] for i in range(0, 2 * args.groups, 2) if len(spare[i:i + 2]) == 2]
    with tempfile.TemporaryDirectory(prefix="bench-synonyms-") as tmp:
        t = time.perf_counter()
        with searchlib.open_index(Path(tmp) / "ix", create=True) as ix:
            ix.add(rows)
            print(f"{ix.count():,} articles indexed in {time.perf_counter() - t:.0f} s")
            recall(ix)
            latency(ix, queries, synthetic, f"latency, local index ({len(queries)} one-word queries, "
                    "top 10 with highlights)")
            export(ix)
    if args.url:
        name = f"bench-synonyms-{int(time.time())}"
        url = f"{args.url.rstrip('/')}/{name}"
        ix = searchlib.open_index(url, create=True)
        try:
            ix.add(rows[:args.os_docs])
            latency(ix, queries[:100], synthetic, f"latency, OpenSearch ({args.os_docs} articles, "
                    "100 one-word queries)")
        finally:
            client = ix.backend.client
            client.indices.delete(index=f"{name}--*,{name}-searchlib-lock", params={"ignore": 404})
            ix.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
