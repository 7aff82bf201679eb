"""Repost recognition: precision and recall of the near-duplicate relation, and its cost.

    python bench/reposts.py [DATA] [--originals 400] [--index-docs 3000] [--seed 15]

DATA is the folder holding president_news/ (default $SEARCHLIB_BENCH_DATA or
/work/shared/data). Four measurements:

1. Cost: ``signature()`` per article over the whole zh-Hans corpus, and an ingest
   of the same articles into an in-memory index with and without signing.
2. Generated reposts: edited copies of real articles (a new headline, an added
   credit line, a dropped sentence, an added paragraph, combinations). Recall:
   the copy is a near-duplicate of its original. Precision: of the pairs the
   relation finds among originals + copies, those that are an original and its
   copy, or two articles whose exact shingle Jaccard similarity is at least the
   threshold (the definition the MinHash estimates).
3. Real reposts in the corpus: pairs found by the relation over all 12,353
   articles, judged by their exact shingle Jaccard; identical bodies under two
   ids; and the hard negatives: every pair of articles of the same day (same
   topic, often the same template), with the exact Jaccard as truth.
4. Through an index: ``similar()`` and ``search(collapse=True)`` on
   ``--index-docs`` articles plus the copies of those among them, and latency.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import read_news, report

import searchlib
from searchlib import reposts
from searchlib.analysis import SCRIPT

SENTENCE = re.compile(r"(?<=[。！？])")
CREDITS = ["（中央社记者王小明台北电）", "【本报讯】", "（来源：总统府新闻稿）", "新华社台北电　"]
TAILS = ["\n\n（责任编辑：李四）", "\n\n（本文转载自总统府网站）", "\n\n（完）"]
KINDS = ["headline", "credit", "drop", "paragraph", "headline+credit", "credit+drop",
         "headline+credit+drop+paragraph"]


def shingles(title: str, body: str) -> set[str]:
    """The exact shingle set the signature estimates."""
    text = reposts._shingle_text(title, body)
    n = max(len(text) - reposts.SHINGLE + 1, 1) if text else 0
    return {text[i:i + reposts.SHINGLE] for i in range(n)}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def edit(row: dict, kind: str, rng: random.Random, same_day: list[dict]) -> tuple[dict, float]:
    """An edited copy of ``row``; returns it and the size of an added paragraph relative to the body."""
    title, body = row["title"], row["content"]
    added = 0.0
    if "headline" in kind:
        title = (rng.choice(["【转载】", "快讯：", ""]) + title[len(title) // 3:]
                 + rng.choice(["", "（图）", "，各界关注"]))
    if "credit" in kind:
        body = rng.choice(CREDITS) + body + rng.choice(TAILS)
    if "drop" in kind:
        sentences = [s for s in SENTENCE.split(body) if s]
        if len(sentences) > 1:
            del sentences[rng.randrange(len(sentences))]
        body = "".join(sentences)
    if "paragraph" in kind:
        pool = [p for r in same_day if r["id"] != row["id"] for p in r["content"].split("\n\n") if p.strip()]
        paragraph = rng.choice(pool) if pool else "记者了解到，相关单位表示将持续关注后续发展，并适时对外说明。"
        paragraphs = body.split("\n\n")
        paragraphs.insert(rng.randrange(len(paragraphs) + 1), paragraph)
        body = "\n\n".join(paragraphs)
        added = len(paragraph) / max(len(row["content"]), 1)
    return {"id": f"{row['id']}~{kind}", "title": title, "content": body, "date": row.get("date")}, added


def signed(rows: list[dict]) -> dict[str, tuple[bytes, frozenset[str]]]:
    out = {}
    for r in rows:
        sig = reposts.signature(r["title"], r["content"])
        out[r["id"]] = (sig, frozenset(reposts.band_keys(sig)))
    return out


def near_pairs(sigs: dict[str, tuple[bytes, frozenset[str]]]) -> set[tuple[str, str]]:
    """Every near-duplicate pair (LSH buckets, then the relation's own test)."""
    buckets: dict[str, list[str]] = defaultdict(list)
    for i, (_, keys) in sigs.items():
        for k in keys:
            buckets[k].append(i)
    candidates = {tuple(sorted(p)) for ids in buckets.values() if len(ids) > 1 for p in combinations(ids, 2)}
    return {(a, b) for a, b in candidates
            if reposts.similarity(sigs[a][0], sigs[b][0]) >= reposts.THRESHOLD}


def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def cost(rows: list[dict], sample: int) -> None:
    SCRIPT._forms.cache_clear()
    started = time.perf_counter()
    for r in rows:
        reposts.signature(r["title"], r["content"])
    per = (time.perf_counter() - started) / len(rows)
    # ingest of the same articles, in memory and in this process, with and without signing
    part = rows[:sample]
    times = {}
    import searchlib.backends.whoosh.segments as segments
    signing = segments.repost_fields
    for label in ("with signatures", "without", "with signatures", "without"):
        segments.repost_fields = signing if label.startswith("with ") else (lambda article: {})
        ix = searchlib.open_index(None)
        t = time.perf_counter()
        ix.add(part, workers=1)
        times.setdefault(label, []).append(time.perf_counter() - t)
        ix.close()
    segments.repost_fields = signing
    best = {k: min(v) for k, v in times.items()}
    report(f"cost (signature over {len(rows):,} articles; ingest of {len(part):,} in memory, 1 process, best of 2)", [
        ("what", "figure"),
        ("signature() per article (folding included)", f"{per * 1000:.2f} ms"),
        ("ingest with signatures", f"{best['with signatures']:.1f} s"),
        ("ingest without", f"{best['without']:.1f} s"),
        ("difference", pct(best["with signatures"] / best["without"] - 1)),
    ])


def generated(rows: list[dict], n: int, rng: random.Random) -> None:
    by_day: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_day[r.get("date") or ""].append(r)
    originals = rng.sample([r for r in rows if len(r["content"]) >= 200], n)
    copies: dict[str, list[tuple[dict, float]]] = {k: [] for k in KINDS}
    for r in originals:
        for k in KINDS:
            copies[k].append(edit(r, k, rng, by_day[r.get("date") or ""]))
    every = originals + [c for k in KINDS for c, _ in copies[k]]
    sigs = signed(every)
    table = [("edit", "copies", "recall", "median estimated similarity")]
    for k in KINDS:
        found = [reposts.near(sigs[c["id"].split("~")[0]][0], sigs[c["id"]][0]) for c, _ in copies[k]]
        sims = [reposts.similarity(sigs[c["id"].split("~")[0]][0], sigs[c["id"]][0]) for c, _ in copies[k]]
        table.append((k, str(len(found)), pct(sum(found) / len(found)), f"{statistics.median(sims):.2f}"))
    report(f"generated reposts of {n} real articles (zh-Hans, bodies of 200+ characters)", table)
    # recall of an added paragraph by its size
    sized = [(a, reposts.near(sigs[c["id"].split("~")[0]][0], sigs[c["id"]][0])) for c, a in copies["paragraph"]]
    bands = [(0, 0.25), (0.25, 0.5), (0.5, 1.0), (1.0, 1e9)]
    rows_ = [("added paragraph / original body", "copies", "recall")]
    for lo, hi in bands:
        hit = [f for a, f in sized if lo <= a < hi]
        if hit:
            rows_.append((f"{lo:g} .. {hi:g}" if hi < 1e9 else f"{lo:g} and more", str(len(hit)),
                          pct(sum(hit) / len(hit))))
    report("an added paragraph (from an article of the same day), by its length", rows_)
    # precision: every pair the relation finds among originals and copies
    texts = {r["id"]: shingles(r["title"], r["content"]) for r in every}
    pairs = near_pairs(sigs)
    same_story = [p for p in pairs if p[0].split("~")[0] == p[1].split("~")[0]]
    other = [p for p in pairs if p[0].split("~")[0] != p[1].split("~")[0]]
    true_other = [p for p in other if jaccard(texts[p[0]], texts[p[1]]) >= reposts.THRESHOLD]
    precision = (len(same_story) + len(true_other)) / len(pairs) if pairs else 1.0
    report("precision over every pair found among the originals and their copies", [
        ("pairs found", "original and its copy (or two copies of it)", "other pairs",
         "of which exact Jaccard >= threshold", "precision"),
        (str(len(pairs)), str(len(same_story)), str(len(other)), str(len(true_other)), f"{100 * precision:.2f}%"),
    ])


def real(rows: list[dict]) -> None:
    sigs = signed(rows)
    pairs = near_pairs(sigs)
    texts: dict[str, set[str]] = {}

    def text(i: str) -> set[str]:
        if i not in texts:
            r = by_id[i]
            texts[i] = shingles(r["title"], r["content"])
        return texts[i]

    by_id = {r["id"]: r for r in rows}
    exact = [jaccard(text(a), text(b)) for a, b in pairs]
    true = sum(e >= reposts.THRESHOLD for e in exact)
    identical: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        identical[reposts._shingle_text("", r["content"])].append(r["id"])
    same_body = [ids for body, ids in identical.items() if body and len(ids) > 1]
    report(f"real reposts among all {len(rows):,} zh-Hans articles", [
        ("what", "figure"),
        ("near-duplicate pairs found", f"{len(pairs):,}"),
        ("of which exact Jaccard >= threshold (precision)",
         f"{true:,} ({pct(true / max(len(pairs), 1))})"),
        ("of which exact Jaccard >= 0.3", f"{sum(e >= 0.3 for e in exact):,}"),
        ("groups of identical bodies under different ids",
         f"{len(same_body):,} ({sum(map(len, same_body)):,} articles)"),
        ("identical-body pairs found", pct(_found_share(same_body, pairs))),
    ])
    examples = sorted(pairs, key=lambda p: -reposts.similarity(sigs[p[0]][0], sigs[p[1]][0]))
    shown = [p for p in examples if by_id[p[0]]["title"] != by_id[p[1]]["title"]][:4]
    shown += [p for p in examples if reposts.similarity(sigs[p[0]][0], sigs[p[1]][0]) < 0.7][:4]
    print("  examples (id, id, estimated / exact similarity, titles):")
    for a, b in shown:
        print(f"    {a} {b} {reposts.similarity(sigs[a][0], sigs[b][0]):.2f} / {jaccard(text(a), text(b)):.2f}  "
              f"{by_id[a]['title'][:24]} | {by_id[b]['title'][:24]}")
    # hard negatives and positives: every pair of the same day
    by_day: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        if r.get("date"):
            by_day[r["date"]].append(r["id"])
    tp = fp = fn = tn = 0
    for ids in by_day.values():
        for a, b in combinations(ids, 2):
            truth = jaccard(text(a), text(b)) >= reposts.THRESHOLD
            found = tuple(sorted((a, b))) in pairs
            tp += truth and found
            fp += found and not truth
            fn += truth and not found
            tn += not truth and not found
    report("every pair of articles of the same day (truth: exact shingle Jaccard >= threshold)", [
        ("pairs", "true near-duplicates", "found", "precision", "recall", "false positives"),
        (f"{tp + fp + fn + tn:,}", f"{tp + fn:,}", f"{tp + fp:,}", pct(tp / max(tp + fp, 1)),
         pct(tp / max(tp + fn, 1)), f"{fp:,} of {fp + tn:,} non-duplicates"),
    ])


def _found_share(groups: list[list[str]], pairs: set[tuple[str, str]]) -> float:
    wanted = [tuple(sorted(p)) for ids in groups for p in combinations(ids, 2)]
    return sum(p in pairs for p in wanted) / len(wanted) if wanted else 1.0


def through_index(rows: list[dict], docs: int, copies_of: int, rng: random.Random) -> None:
    base = rows[:docs]
    by_day: dict[str, list[dict]] = defaultdict(list)
    for r in base:
        by_day[r.get("date") or ""].append(r)
    originals = rng.sample([r for r in base if len(r["content"]) >= 200], copies_of)
    copies = [edit(r, k, rng, by_day[r.get("date") or ""])[0] for r in originals
              for k in ("headline+credit", "credit+drop", "drop")]
    ix = searchlib.open_index(None)
    ix.add(base + copies, workers=1)
    found = times = 0.0
    lat = []
    for r in originals:
        t = time.perf_counter()
        got = {h.id for h in ix.similar(r["id"], limit=100).hits}
        lat.append(time.perf_counter() - t)
        found += sum(f"{r['id']}~{k}" in got for k in ("headline+credit", "credit+drop", "drop"))
    plain, collapsed, folded = [], [], 0
    for r in originals[:30]:
        q = r["title"][:4]
        t = time.perf_counter()
        everything = ix.search(q, limit=10)
        plain.append(time.perf_counter() - t)
        t = time.perf_counter()
        res = ix.search(q, limit=10, collapse=True)
        collapsed.append(time.perf_counter() - t)
        folded += everything.total - res.total
        times += 1
    ix.close()
    ms = lambda xs: f"{statistics.median(xs) * 1000:.1f} ms"
    report(f"through an index ({docs:,} articles + {len(copies):,} copies of {copies_of}, Whoosh in memory)", [
        ("what", "figure"),
        ("copies listed by similar(original)", pct(found / len(copies))),
        ("similar() median latency", ms(lat)),
        ("search(q) median latency (q: 4 title characters)", ms(plain)),
        ("search(q, collapse=True) median latency", ms(collapsed)),
        ("matches folded into clusters per search (mean)", f"{folded / times:.1f}"),
    ])


def main() -> None:
    default = os.environ.get("SEARCHLIB_BENCH_DATA", "/work/shared/data")
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("data", nargs="?", default=default, help=f"folder holding president_news/ (default {default})")
    p.add_argument("--originals", type=int, default=400, help="articles to make edited copies of")
    p.add_argument("--index-docs", type=int, default=3000, help="articles in the index of part 4")
    p.add_argument("--ingest-docs", type=int, default=600, help="articles of the ingest cost comparison")
    p.add_argument("--seed", type=int, default=15)
    args = p.parse_args()
    rows = read_news(Path(args.data) / "president_news" / "president_news.zh-Hans.jsonl.gz")
    print(f"{len(rows):,} articles; shingles of {reposts.SHINGLE} characters, {reposts.BINS} MinHash values, "
          f"bands of {reposts.ROWS}, threshold {reposts.THRESHOLD}")
    rng = random.Random(args.seed)
    cost(rows, args.ingest_docs)
    generated(rows, args.originals, rng)
    real(rows)
    through_index(rows, args.index_docs, min(100, args.index_docs // 10), rng)


if __name__ == "__main__":
    main()
