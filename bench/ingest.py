"""Ingest speed, memory and index size: searchlib vs the naive baseline, one run.

    python bench/ingest.py [--docs N] [--input FILE.jsonl.gz] [--rounds 1]

Both engines read the same gzipped JSONL file (the zh-Hans corpus by default)
in a fresh process of their own, end to end: decompress, parse, analyse,
write, commit. Reported per engine: wall time, MB/s of article text (title +
body, UTF-8), documents/s, peak resident memory of the whole process tree
(workers included) and index size. The naive baseline is jieba's
ChineseAnalyzer on Whoosh's default writer, title and body stored. Each
process loads its dictionaries before the clock starts.

Also reported: the segmenter's own throughput on all cores (jieba-rs cutting
the same text, no indexing): the ceiling for any jieba-based ingest here.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import HANS, folder_size, need, report


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as f:
                status = f.read()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        p = int(entry)
        children.setdefault(int(fields.get("PPid", "0").strip()), []).append(p)
        rss[p] = int(fields.get("VmRSS", "0 kB").split()[0]) if "VmRSS" in fields else 0
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        stack += children.get(p, [])
    return total


def run_child(cmd: list[str], what: str) -> tuple[dict, int]:
    """Run ``cmd`` (a benchmark child printing a JSON line last), sampling its process
    tree's memory; returns (that JSON, peak kB). Exits naming ``what`` if it fails."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_kb(proc.pid))
            time.sleep(0.2)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    out, _ = proc.communicate()
    done.set()
    t.join()
    if proc.returncode:
        raise SystemExit(f"{what} failed")
    return json.loads(out.strip().splitlines()[-1]), peak


def run_engine(engine: str, input_path: Path, docs: int, index_dir: Path) -> dict:
    """Run one engine in a child process; sample its tree's memory meanwhile."""
    cmd = [sys.executable, __file__, "--child", engine, "--input", str(input_path),
           "--docs", str(docs), "--index", str(index_dir)]
    result, peak = run_child(cmd, engine)
    result["peak_mb"] = round(peak / 1024, 1)
    result["index_mb"] = round(folder_size(index_dir) / 1e6, 1)
    return result


def read_records(path: Path, docs: int):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for n, line in enumerate(f):
            if docs and n >= docs:
                return
            yield json.loads(line)


def child(engine: str, input_path: Path, docs: int, index_dir: Path) -> None:
    """Index the input with one engine; print timings as JSON."""
    text_bytes = 0
    count = 0
    if engine == "naive":
        import jieba
        from common import naive_schema
        from whoosh.filedb.filestore import FileStorage

        jieba.setLogLevel(60)
        jieba.initialize()
        index_dir.mkdir(parents=True)
        ix = FileStorage(str(index_dir)).create_index(naive_schema())
        start = time.perf_counter()
        w = ix.writer()
        for rec in read_records(input_path, docs):
            title, body = rec.get("title") or "", rec.get("content") or rec.get("body") or ""
            w.add_document(id=str(rec["id"]), title=title, body=body)
            text_bytes += len(title.encode()) + len(body.encode())
            count += 1
        w.commit()
    else:
        import searchlib
        from searchlib.analysis import SegmenterProfile, get_segmenter

        get_segmenter(SegmenterProfile()).cut("预热")  # dictionary load, as for naive
        ix = searchlib.open_index(index_dir, create=True)
        records = list(read_records(input_path, docs)) if docs else None
        start = time.perf_counter()
        if records is not None:  # a slice: stream the records themselves
            report = ix.add(records)
        else:  # the whole file: searchlib reads it (gzip, JSON, validation)
            report = ix.ingest(input_path)
        count = report.added + report.duplicates
        for rec in records or read_records(input_path, 0):
            text_bytes += len((rec.get("title") or "").encode()) + len((rec.get("content") or "").encode())
        ix.close()
    seconds = time.perf_counter() - start
    print(json.dumps({"engine": engine, "seconds": round(seconds, 2), "docs": count,
                      "mb": round(text_bytes / 1e6, 2)}))


def segmenter_ceiling(input_path: Path, docs: int) -> float:
    """MB/s of jieba-rs alone on the corpus text, one process per core."""
    code = (
        "import gzip,json,sys,time,rjieba\n"
        "from searchlib.analysis import SCRIPT\n"
        "j=rjieba.Jieba(); j.cut('预热', True)\n"
        "k,n,docs=int(sys.argv[2]),int(sys.argv[3]),int(sys.argv[4])\n"
        "texts=[]\n"
        "for i,l in enumerate(gzip.open(sys.argv[1],'rt',encoding='utf-8')):\n"
        "    if docs and i>=docs: break\n"
        "    if i%n==k: r=json.loads(l); texts.append(SCRIPT.segmentation_form(r['title']+'\\n'+r['content']))\n"
        "b=sum(len(t.encode()) for t in texts); t=time.perf_counter()\n"
        "for x in texts: j.cut(x, True)\n"
        "print(b, time.perf_counter()-t)\n")
    n = os.cpu_count() or 1
    procs = [subprocess.Popen([sys.executable, "-c", code, str(input_path), str(k), str(n), str(docs)],
                              stdout=subprocess.PIPE, text=True) for k in range(n)]
    outs = [p.communicate()[0].split() for p in procs]
    total = sum(int(b) for b, _ in outs)
    return total / 1e6 / max(float(s) for _, s in outs)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", type=Path, default=HANS)
    ap.add_argument("--docs", type=int, default=0, help="first N articles (default: all)")
    ap.add_argument("--rounds", type=int, default=1, help="alternating runs of both engines")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--child", choices=("naive", "searchlib"), help=argparse.SUPPRESS)
    ap.add_argument("--index", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child, args.input, args.docs, args.index)
        return 0
    need(args.input)
    results: dict[str, list[dict]] = {"naive": [], "searchlib": []}
    for _ in range(args.rounds):
        for engine in ("naive", "searchlib"):
            with tempfile.TemporaryDirectory() as tmp:
                results[engine].append(run_engine(engine, args.input, args.docs, Path(tmp) / "ix"))
    best = {e: min(rs, key=lambda r: r["seconds"]) for e, rs in results.items()}
    rows = [("engine", "seconds", "MB/s", "docs/s", "peak MB", "index MB", "index/text")]
    for e in ("naive", "searchlib"):
        r = best[e]
        rows.append((e, r["seconds"], round(r["mb"] / r["seconds"], 3), round(r["docs"] / r["seconds"], 1),
                     r["peak_mb"], r["index_mb"], round(r["index_mb"] / r["mb"], 1)))
    report(f"ingest of {best['naive']['docs']} articles, {best['naive']['mb']} MB of text "
           f"({os.cpu_count()} cores; best of {args.rounds})", rows)
    ratio = best["naive"]["seconds"] / best["searchlib"]["seconds"]
    ceiling = segmenter_ceiling(args.input, args.docs)
    print(f"\nsearchlib / naive speed: x{ratio:.2f}")
    print(f"segmenter alone (jieba-rs, all cores): {ceiling:.1f} MB/s; searchlib reaches "
          f"{100 * best['searchlib']['mb'] / best['searchlib']['seconds'] / ceiling:.0f}% of it")
    if args.json:
        args.json.write_text(json.dumps({"runs": results, "ratio": ratio, "segmenter_mb_s": ceiling}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
