"""Merge benchmark: what merging an index's segments costs, and what it buys its queries.

    python -u bench/merge.py --index /tmp/scale/ix_searchlib_50000 [--segments N] [--work DIR]
        [--queries 24]

Copies the index (an index bench/scale.py kept with ``--keep``) to ``--work`` and merges its
first ``--segments`` segments (default: all) into one with searchlib's writer, in this
process (the streaming merge of ``searchlib/backends/whoosh/merge.py``): wall time, documents
per second and peak resident memory (which counts the pages of the memory-mapped segment
files read). Then bench/scale.py's query mix runs on the original and the merged copy, query
by query interleaved in one process, and the table gives p50/p95 per kind and their ratio
(merged / original). Figures are from a shared 2-core machine: compare within one run.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from common import folder_size, report
from engines import SearchlibEngine
from scale import KINDS, make_queries, summarize, time_queries


def merge(folder: Path, count: int | None) -> dict[str, Any]:
    """Merge the first ``count`` segments (None: all) of the Whoosh index in ``folder``."""
    from whoosh import index as windex
    from whoosh.reading import SegmentReader

    from searchlib.backends.whoosh.writer import FastSegmentWriter

    ix = windex.open_dir(str(folder))
    before = ix._segments()
    chosen = before if count is None else before[:count]
    docs = sum(s.doc_count() for s in chosen)

    def policy(writer: Any, segments: list[Any]) -> list[Any]:
        for seg in segments[:len(chosen)]:
            reader = SegmentReader(writer.storage, writer.schema, seg)
            writer.add_reader(reader)
            reader.close()
        return segments[len(chosen):]

    t = time.perf_counter()
    FastSegmentWriter(ix).commit(mergetype=policy)
    seconds = time.perf_counter() - t
    return {"segments_before": len(before), "merged": len(chosen), "segments_after": len(ix._segments()),
            "docs": docs, "seconds": round(seconds, 1), "docs_per_s": round(docs / seconds, 1),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, required=True, help="a searchlib index folder (kept by bench/scale.py)")
    ap.add_argument("--segments", type=int, help="merge this many of the first segments (default: all)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/searchlib-merge"))
    ap.add_argument("--queries", type=int, default=24, help="queries per kind")
    ap.add_argument("--seed", type=int, default=14)
    args = ap.parse_args(argv)
    copy = args.work / "merged"
    shutil.rmtree(copy, ignore_errors=True)
    args.work.mkdir(parents=True, exist_ok=True)
    shutil.copytree(args.index, copy)
    result = merge(copy, args.segments)
    report("merge", [tuple(result), tuple(str(v) for v in result.values())])
    report("index size", [("original MB", "merged MB"),
                          (f"{folder_size(args.index) / 1e6:.0f}", f"{folder_size(copy) / 1e6:.0f}")])
    mix = make_queries(args.queries, args.seed)
    engines = {"original": SearchlibEngine(args.index), "merged": SearchlibEngine(copy)}
    times = time_queries(engines, mix)
    for e in engines.values():
        e.close()
    lat = {name: summarize(times[name]) for name in engines}
    rows: list[tuple[str, ...]] = [("kind", "original p50/p95 ms", "merged p50/p95 ms", "ratio p50/p95")]
    for kind in (*KINDS, "mix"):
        o, m = lat["original"][kind], lat["merged"][kind]
        rows.append((kind, f"{o[0]} / {o[1]}", f"{m[0]} / {m[1]}",
                     f"x{m[0] / o[0]:.2f} / x{m[1] / o[1]:.2f}"))
    report(f"query latency, top 10 with highlights, {args.queries} queries a kind", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
