"""Ranking quality on question sets: searchlib's default search against plain BM25.

    python bench/relevance.py [--sets drcd-tune,drcd-held,drcd,xquad-sent,xquad-para]
                              [--queries N] [--json FILE] [--opensearch URL]

For each set, in one run: MRR@10, Recall@10, how many questions get no result
at all, and p50/p95 milliseconds per question, for

- ``searchlib``: ``NewsIndex.search(question, limit=10)``, as a search box sends it;
- ``bm25-or``: Whoosh BM25F over jieba search-mode tokens (jieba's ``ChineseAnalyzer``),
  any token may match (the data README's floor);
- ``bm25-and``: the same, every token must match;
- ``opensearch`` (with ``--opensearch opensearch://127.0.0.1:9200``): searchlib's default
  search on an OpenSearch index of the same records (a fresh index, deleted afterwards):
  its ranking follows the local one as closely as OpenSearch's BM25 allows.

Sets (``$SEARCHLIB_BENCH_DATA``, default ``../shared/data``):

- ``drcd-tune`` / ``drcd-held``: the two halves of DRCD's 7,017 questions (traditional
  Wikipedia paragraphs), split by a hash of the question id. Ranking is tuned on
  ``drcd-tune`` only; the other sets are reported, never tuned on.
- ``drcd``: all of DRCD.
- ``xquad-sent`` / ``xquad-para``: XQuAD-R Chinese (simplified, translated), 1,190 questions
  over 1,144 sentences or over 240 paragraphs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DATA, build_naive, read_jsonl, report

import searchlib

DRCD = DATA / "drcd_retrieval"
XQUAD = DATA / "xquad_r_zh"
SETS = ("drcd-tune", "drcd-held", "drcd", "xquad-sent", "xquad-para")
ENGINES = ("searchlib", "bm25-or", "bm25-and")


def qrels(path: Path) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for line in open(path, encoding="utf-8"):
        qid, _, did, rel = line.split()
        if int(rel) > 0:
            out.setdefault(qid, set()).add(did)
    return out


def half(qid: str) -> str:
    """``tune`` or ``held``: a fixed split of question ids."""
    return "tune" if hashlib.sha1(qid.encode()).digest()[0] % 2 == 0 else "held"


def load(name: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, set[str]]]:
    """(records, questions, relevant ids per question) of a set."""
    if name.startswith("drcd"):
        corpus, queries, rel = DRCD / "corpus.jsonl", DRCD / "queries.jsonl", DRCD / "qrels.trec"
    elif name == "xquad-sent":
        corpus, queries, rel = XQUAD / "corpus.jsonl", XQUAD / "queries.jsonl", XQUAD / "qrels.trec"
    else:
        corpus, queries = XQUAD / "corpus.paragraphs.jsonl", XQUAD / "queries.jsonl"
        rel = XQUAD / "qrels.paragraphs.trec"
    records = [{"id": d["id"], "title": d.get("title") or "", "content": d["text"]}
               for d in read_jsonl(corpus)]
    questions = list(read_jsonl(queries))
    if name in ("drcd-tune", "drcd-held"):
        questions = [q for q in questions if half(q["id"]) == name.split("-")[1]]
    return records, questions, qrels(rel)


def evaluate(name: str, n_queries: int, seed: int, cluster: str | None = None) -> dict[str, Any]:
    from whoosh.qparser import AndGroup, OrGroup, QueryParser

    records, questions, rel = load(name)
    if n_queries and n_queries < len(questions):
        questions = random.Random(seed).sample(questions, n_queries)
    naive, _ = build_naive(records, None)
    parsers = {"bm25-or": QueryParser("body", naive.schema, group=OrGroup),
               "bm25-and": QueryParser("body", naive.schema, group=AndGroup)}
    out: dict[str, Any] = {"documents": len(records), "questions": len(questions)}
    engines = engines_of(cluster)
    remote = searchlib.open_index(f"{cluster.rstrip('/')}/relevance-{name}-{time.time_ns()}", create=True) \
        if cluster else None
    with searchlib.open_index(None) as ix, naive.searcher() as searcher:
        ix.add(records)
        if remote is not None:
            remote.add(records)
        for engine in engines:
            rr, found10, empty, ms = [], 0, 0, []
            ranked_by_q: dict[str, list[str]] = {}
            for q in questions:
                t0 = time.perf_counter()
                if engine in ("searchlib", "opensearch"):
                    on = ix if engine == "searchlib" else remote
                    assert on is not None
                    ranked = [h.id for h in on.search(q["text"], limit=10, snippets=0).hits]
                else:
                    query = parsers[engine].parse(q["text"])
                    ranked = [h["id"] for h in searcher.search(query, limit=10)]
                ms.append(1000 * (time.perf_counter() - t0))
                ranked_by_q[q["id"]] = ranked
                relevant = rel.get(q["id"], set())
                rank = next((i for i, d in enumerate(ranked, 1) if d in relevant), None)
                rr.append(1.0 / rank if rank else 0.0)
                found10 += rank is not None
                empty += not ranked
            out[engine] = {"mrr@10": round(sum(rr) / len(rr), 4),
                           "recall@10": round(found10 / len(rr), 4), "empty": empty,
                           "p50_ms": round(statistics.median(ms), 2),
                           "p95_ms": round(sorted(ms)[int(0.95 * (len(ms) - 1))], 2),
                           "_ranked": ranked_by_q}
    if remote is not None:
        drop(remote)
    base = out["bm25-or"]["_ranked"]
    for engine in engines:
        out[engine]["empty_where_bm25_or_finds"] = sum(
            1 for qid, ranked in out[engine]["_ranked"].items() if not ranked and base[qid])
    if remote is not None:
        local, other = out["searchlib"]["_ranked"], out["opensearch"]["_ranked"]
        out["opensearch"]["same_top10_order"] = sum(local[q] == other[q] for q in local)
        out["opensearch"]["same_top1"] = sum(local[q][:1] == other[q][:1] for q in local)
    for engine in engines:
        del out[engine]["_ranked"]
    return out


def engines_of(cluster: str | None) -> tuple[str, ...]:
    return (*ENGINES, "opensearch") if cluster else ENGINES


def drop(ix: searchlib.NewsIndex) -> None:
    """Delete the benchmark's OpenSearch index (and what stands behind its alias)."""
    backend: Any = ix.backend
    name = backend.cluster.index
    backend.client.indices.delete(index=f"{name}--*,{name}-searchlib-lock", params={"ignore": 404})
    ix.close()


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default=",".join(SETS), help=f"comma-separated, of {', '.join(SETS)}")
    ap.add_argument("--queries", type=int, default=0, help="questions per set (default: all)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--opensearch", metavar="URL",
                    help="also rank on an OpenSearch cluster (opensearch://127.0.0.1:9200)")
    args = ap.parse_args(argv)
    names = [s.strip() for s in args.sets.split(",") if s.strip()]
    unknown = [s for s in names if s not in SETS]
    if unknown:
        ap.error(f"unknown set {unknown[0]!r}; sets: {', '.join(SETS)}")
    results = {}
    for name in names:
        results[name] = evaluate(name, args.queries, args.seed, args.opensearch)
        print(f"  {name}: done", flush=True)
    rows = [("set", "engine", "MRR@10", "R@10", "empty", "p50 ms", "p95 ms")]
    for name, r in results.items():
        for engine in engines_of(args.opensearch):
            e = r[engine]
            rows.append((f"{name} ({r['questions']} q)", engine, e["mrr@10"], e["recall@10"],
                         e["empty"], e["p50_ms"], e["p95_ms"]))
    report("question retrieval (top 10)", rows)
    for name, r in results.items():
        print(f"  {name}: searchlib empty where bm25-or finds something: "
              f"{r['searchlib']['empty_where_bm25_or_finds']}")
        if args.opensearch:
            o = r["opensearch"]
            print(f"  {name}: opensearch empty where bm25-or finds something: "
                  f"{o['empty_where_bm25_or_finds']}; same top 10 as local: {o['same_top10_order']} "
                  f"of {r['questions']}; same first hit: {o['same_top1']}")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
