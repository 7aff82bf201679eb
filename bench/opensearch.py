"""OpenSearch (3 nodes on this machine) beside the local index: ingest MB/s and query latency.

    scripts/opensearch-cluster start --home /tmp/os      # or --start below
    python bench/opensearch.py [--docs 3000] [--queries 300] [--url opensearch://127.0.0.1:9200,...]

Both indexes get the same zh-Hans articles through ``NewsIndex.add``; then
bench/query.py's query mix runs on both, interleaved, each timed end to end
(top 10 with highlights and exact totals). Where the time goes:

- ingest: Python's analysis (jieba words + bigrams + JSON documents, timed
  alone), the cluster indexing the pre-analysed documents (the same bulk
  requests into a fresh index, timed alone), and the rest (identity look-ups:
  one GET per article, refreshes);
- queries: the share of each search spent waiting for the cluster's answers
  (every request timed), the rest being planning, highlighting and parsing
  in Python.

The nodes and this process share the machine's cores: on 2 cores the
cluster's three copies of every document compete with the analysis.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import HANS, read_news, report, text_bytes
from query import KINDS, make_mix, percentile

import searchlib
from searchlib.analysis import SCRIPT, SegmenterProfile
from searchlib.backends.opensearch import backend as os_backend
from searchlib.backends.opensearch import parse_location
from searchlib.backends.opensearch.documents import to_document
from searchlib.backends.opensearch.writer import BATCH, bulk
from searchlib.models import Article

DEFAULT_URL = "opensearch://127.0.0.1:9200,127.0.0.1:9201,127.0.0.1:9202"


class RequestClock:
    """Seconds spent in the OpenSearch backend's requests (all of them go through ``_call``)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.requests = 0
        original = os_backend.OpenSearchBackend._call

        def timed(backend: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return original(backend, fn, *args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - t
                self.requests += 1

        os_backend.OpenSearchBackend._call = timed  # type: ignore[method-assign]


def drop(url: str, name: str) -> None:
    client = parse_location(f"{url}/{name}").connect()
    client.indices.delete(index=f"{name}--*,{name}-searchlib-lock,{name}-raw", params={"ignore": 404})
    client.close()


def ingest_split(url: str, records: list[dict], name: str) -> tuple[float, float]:
    """(seconds of analysis alone, seconds of bulk indexing of the analysed documents alone)."""
    articles = [Article(id=r["id"], title=r.get("title") or "", body=r["content"], date=r.get("date"))
                for r in records]
    profile = SegmenterProfile()
    t = time.perf_counter()
    docs = [to_document(a, profile, SCRIPT) for a in articles]
    analysis = time.perf_counter() - t
    cluster = parse_location(f"{url}/{name}-raw")
    client = cluster.connect()
    from searchlib.backends.opensearch.documents import index_body

    body = index_body(1, 2, {})
    client.indices.create(index=f"{name}-raw", body=body)
    t = time.perf_counter()
    for i in range(0, len(docs), BATCH):
        bulk(client, f"{name}-raw", docs[i:i + BATCH], cluster.location)
    client.indices.refresh(index=f"{name}-raw")
    indexing = time.perf_counter() - t
    client.close()
    return analysis, indexing


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--url", default=os.environ.get("SEARCHLIB_OPENSEARCH_URL", DEFAULT_URL))
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)

    records = read_news(HANS, args.docs)
    mb = text_bytes(records) / 1e6
    mix = make_mix(records, args.queries, args.seed)
    name = f"bench-{os.getpid()}"
    clock = RequestClock()
    times: dict[str, dict[str, list[float]]] = {e: {k: [] for k in KINDS} for e in ("local", "opensearch")}
    in_cluster = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        local = searchlib.open_index(Path(tmp) / "ix", create=True)
        t = time.perf_counter()
        local.add(records)
        local_s = time.perf_counter() - t
        remote = searchlib.open_index(f"{args.url}/{name}", create=True)
        try:
            t = time.perf_counter()
            remote.add(records)
            remote_s = time.perf_counter() - t
            for _, q, opts in mix[:20]:  # warm up both
                local.search(q, **opts)
                remote.search(q, **opts)
            for kind, q, opts in mix:
                t = time.perf_counter()
                a = local.search(q, **opts)
                times["local"][kind].append(1000 * (time.perf_counter() - t))
                before = clock.seconds
                t = time.perf_counter()
                b = remote.search(q, **opts)
                times["opensearch"][kind].append(1000 * (time.perf_counter() - t))
                in_cluster += clock.seconds - before
                if a.total != b.total:
                    print(f"totals differ for {q!r} {opts}: local {a.total}, opensearch {b.total}")
            stats = remote.stats()
        finally:
            remote.close()
            local.close()
            analysis_s, indexing_s = ingest_split(args.url, records, name)
            drop(args.url, name)

    rows = [("ingest", "seconds", "MB/s")]
    rows.append(("local (Whoosh, folder)", f"{local_s:.1f}", f"{mb / local_s:.2f}"))
    rows.append(("opensearch (3 nodes, 1 shard x 3 copies)", f"{remote_s:.1f}", f"{mb / remote_s:.2f}"))
    rows.append(("  analysis in Python alone", f"{analysis_s:.1f}", f"{mb / analysis_s:.2f}"))
    rows.append(("  cluster indexing analysed docs alone", f"{indexing_s:.1f}", f"{mb / indexing_s:.2f}"))
    report(f"ingest of {len(records)} articles, {mb:.1f} MB of text ({stats['bytes'] / 1e6:.0f} MB "
           f"in the cluster's primary)", rows)
    rows = [("kind", "engine", "p50 ms", "p95 ms", "mean ms")]
    summary: dict[str, Any] = {}
    for kind in (*KINDS, "all"):
        for engine in ("local", "opensearch"):
            ts = [t for k in KINDS for t in times[engine][k]] if kind == "all" else times[engine][kind]
            row = (round(percentile(ts, 50), 1), round(percentile(ts, 95), 1), round(statistics.mean(ts), 1))
            rows.append((kind, engine, *row))
            summary[f"{kind}/{engine}"] = row
    report(f"query latency, top 10 with highlights, {len(records)} articles, {len(mix)} queries", rows)
    total_os = sum(t for k in KINDS for t in times["opensearch"][k]) / 1000
    print(f"\nopensearch queries: {100 * in_cluster / total_os:.0f}% of the time waiting for the cluster, "
          f"the rest in Python (planning, highlights); {clock.requests} requests in all")
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "ingest": {
            "mb": mb, "local_s": local_s, "opensearch_s": remote_s, "analysis_s": analysis_s,
            "indexing_s": indexing_s}, "times": times}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
