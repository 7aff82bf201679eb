"""Scale benchmark: searchlib, the naive baseline and two peers, at growing corpus sizes, one run.

    python -u bench/scale.py --work /tmp/scale [--sizes 3000,12353,24000,50000,100000,250000]
        [--naive-max 24000] [--fts5-max 100000] [--queries 30] [--json FILE] [--plot FILE]
    python bench/scale.py --work /tmp/scale --report       # tables and plot again, from the JSON

Corpora come from bench/corpus_gen.py (the real zh-Hans articles first, then articles
recombined from their paragraphs), written under ``--work`` (never in the repository), as
are the indexes. At each size, for each engine (bench/engines.py: searchlib; the naive
baseline; tantivy-py over jieba cuts; SQLite FTS5 trigram), in this order:

- ingest in a fresh process of its own: wall time from the first record read to the last
  commit (dictionaries loaded before the clock starts, worker start-up included), MB/s of
  title + body text, peak resident memory of the process tree (sampled every 0.2 s) and
  index size over text size;
- cold start, in fresh interpreters (median of 3): import, open, first page of highlighted
  results;
- p50/p95 per query kind, top 10 with highlights, every engine's queries interleaved
  (query by query) in one process after a warm-up, so that machine noise hits all alike.

The queries are the same at every size, cut from the first 3,000 (real) articles: ``char``
(one Han character, drawn by frequency), ``common`` (one of the 100 commonest 2-character
words), ``word`` (a jieba word of an article: bench/query.py's reference kind), ``rare``
(a word in 2-3 of those 3,000 articles), ``phrase`` (a quoted 4-8 character span),
``two-words``, ``question`` (two words in a question form), ``filter-facets`` (a word in a
5-year date range, counts by year and month), ``sort`` (a common word, newest first),
``deep`` (a common word, page 50). At ``--recall-at`` (the real corpus), bench/recall.py's
simplified-index kinds judge every engine's full result sets against its exact-text oracle.

Figures are from a shared 2-core machine: compare ratios within one run, not across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import HANS, HANT, folder_size, read_news, report
from corpus_gen import write_corpus
from engines import COLD, ENGINES, build, cut, open_engine
from ingest import run_child

KINDS = ("char", "common", "word", "rare", "phrase", "two-words", "question", "filter-facets", "sort", "deep")
QUESTION_FORMS = ("{a}的{b}是什么？", "{a}为什么{b}？", "{a}和{b}有什么关系", "谁在{a}{b}？")
HAN_WORD = re.compile(r"[\u4e00-\u9fff]{2,4}")
SAMPLE = 3000
BENCH = Path(__file__).resolve().parent


# ---------------------------------------------------------------- queries


def make_queries(per_kind: int, seed: int) -> list[tuple[str, str, dict[str, Any]]]:
    """(kind, query, search options), ``per_kind`` of each kind, kinds interleaved."""
    records = read_news(HANS, SAMPLE)
    rng = random.Random(seed)
    words_of = [[w for w in cut(r["content"]) if HAN_WORD.fullmatch(w)] for r in records]
    df = Counter(w for ws in words_of for w in set(ws))
    common = [w for w, _ in df.most_common() if len(w) == 2][:100]
    rare = sorted(w for w, n in df.items() if 2 <= n <= 3)
    by_kind: dict[str, list[tuple[str, dict[str, Any]]]] = {k: [] for k in KINDS}
    while min(len(v) for v in by_kind.values()) < per_kind:
        i = rng.randrange(len(records))
        rec, words = records[i], words_of[i]
        if len(words) < 2:
            continue
        w1, w2 = rng.sample(words, 2)
        text = rec["content"]
        hans = [c for c in text if "\u4e00" <= c <= "\u9fff"]
        by_kind["char"].append((rng.choice(hans), {}))
        by_kind["common"].append((rng.choice(common), {}))
        by_kind["word"].append((w1, {}))
        by_kind["rare"].append((rng.choice(rare), {}))
        runs = [r for r in re.findall(r"[\u4e00-\u9fff，、]{4,}", text)]
        if runs:
            run = rng.choice(runs)
            k = rng.randint(4, min(8, len(run)))
            j = rng.randrange(len(run) - k + 1)
            by_kind["phrase"].append((f'"{run[j:j + k]}"', {}))
        by_kind["two-words"].append((f"{w1} {w2}", {}))
        by_kind["question"].append((rng.choice(QUESTION_FORMS).format(a=w1, b=w2), {}))
        year = int(rec["date"][:4])
        by_kind["filter-facets"].append((w2, {"date_from": f"{year - 2}-01-01", "date_to": f"{year + 2}-12-31",
                                              "facets": ("year", "month")}))
        by_kind["sort"].append((rng.choice(common), {"sort": "newest"}))
        by_kind["deep"].append((rng.choice(common[:20]), {"page": 50}))
    return [(k, *by_kind[k][n]) for n in range(per_kind) for k in KINDS]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# ---------------------------------------------------------------- one size


def ingest(engine: str, corpus: Path, folder: Path) -> dict[str, Any]:
    """Build one engine's index in a child process, sampling its tree's memory."""
    if folder.exists():
        shutil.rmtree(folder)
    cmd = [sys.executable, __file__, "--child", engine, "--corpus", str(corpus), "--index", str(folder)]
    r, peak = run_child(cmd, f"{engine} ingest")
    r["peak_mb"] = round(peak / 1024, 1)
    r["index_mb"] = round(folder_size(folder) / 1e6, 2)
    r["mb_s"] = round(r["mb"] / r["seconds"], 3)
    r["index_x_text"] = round(r["index_mb"] / r["mb"], 2)
    return r


def child(engine: str, corpus: Path, folder: Path) -> None:
    """Ingest (in this fresh process); print the timing as JSON."""
    if engine in ("searchlib",):
        from searchlib.analysis import SegmenterProfile, get_segmenter

        get_segmenter(SegmenterProfile()).cut("预热")
    elif engine == "naive":
        import jieba

        jieba.setLogLevel(60)
        jieba.initialize()
    elif engine == "tantivy":
        from engines import cut

        cut("预热")
    start = time.perf_counter()
    docs, size = build(engine, corpus, folder)
    seconds = time.perf_counter() - start
    print(json.dumps({"engine": engine, "seconds": round(seconds, 2), "docs": docs, "mb": round(size / 1e6, 2)}))


def cold_start(engine: str, folder: Path, q: str, repeats: int = 3) -> dict[str, float]:
    """Median (over fresh interpreters) of import, open and first-results seconds."""
    code = ("import time\nt0 = time.perf_counter()\n"
            f"FOLDER, Q, BENCH = {str(folder)!r}, {q!r}, {str(BENCH)!r}\n" + COLD[engine] +
            "t3 = time.perf_counter()\nprint(t1 - t0, t2 - t1, t3 - t2)\n")
    runs = []
    for _ in range(repeats):
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONWARNINGS": "ignore"}).stdout
        wall = time.perf_counter() - t
        imp, opn, first = (float(x) for x in out.split())
        runs.append({"import_s": imp, "open_s": opn, "first_s": first, "total_s": imp + opn + first,
                     "process_s": wall})
    return {k: round(statistics.median(r[k] for r in runs), 3) for k in runs[0]}


def time_queries(engines: dict[str, Any], mix: list[tuple[str, str, dict[str, Any]]]
                 ) -> dict[str, dict[str, list[float]]]:
    """Milliseconds per engine and kind, queries interleaved across engines."""
    times: dict[str, dict[str, list[float]]] = {e: {k: [] for k in KINDS} for e in engines}
    for _, q, opts in mix[:len(KINDS)]:  # warm-up: file caches, dictionaries
        for e in engines.values():
            e.search(q, opts)
    for n, (kind, q, opts) in enumerate(mix):
        order = list(engines.items())
        if n % 2:
            order.reverse()
        for name, e in order:
            t = time.perf_counter()
            e.search(q, opts)
            times[name][kind].append(1000 * (time.perf_counter() - t))
    return times


def summarize(times: dict[str, list[float]]) -> dict[str, list[float]]:
    out = {k: [round(percentile(v, 50), 2), round(percentile(v, 95), 2)] for k, v in times.items() if v}
    pooled = [t for v in times.values() for t in v]
    out["mix"] = [round(percentile(pooled, 50), 2), round(percentile(pooled, 95), 2)]
    return out


def recall_run(n: int, folders: dict[str, Path], per_kind: int, seed: int) -> dict[str, dict[str, float]]:
    """bench/recall.py's simplified-index kinds, every engine's full result sets against its oracle."""
    from recall import FROM_HANT, ON_HANS, Oracle, score
    from recall import make_queries as recall_queries

    hans = read_news(HANS, n)
    hant = {r["id"]: r for r in read_news(HANT)}
    kinds = recall_queries(random.Random(seed), hans, hant, per_kind)
    oracles = {"hans": Oracle(hans), "hant": Oracle([hant[r["id"]] for r in hans])}
    truth = {(kind, needle): oracles["hant" if kind in FROM_HANT else "hans"].find(needle)
             for kind in ON_HANS for _, needle in kinds[kind]}
    out: dict[str, dict[str, float]] = {}
    for name, folder in folders.items():
        e = open_engine(name, folder)
        for kind in ON_HANS:
            rs, ps = [], []
            for q, needle in kinds[kind]:
                r, p = score(e.all_ids(q), truth[kind, needle])
                rs.append(r)
                ps.append(p)
            out.setdefault(kind, {})[name] = round(sum(rs) / len(rs), 3)
            out[kind][name + "/precision"] = round(sum(ps) / len(ps), 3)
        e.close()
        print(f"  recall: {name} done", flush=True)
    return out


def run_size(n: int, args: argparse.Namespace, mix: list[tuple[str, str, dict[str, Any]]],
             before: dict[str, Any] | None = None) -> dict[str, Any]:
    corpus = args.work / f"corpus_{n}.jsonl"
    if not corpus.exists():
        t = time.perf_counter()
        write_corpus(n, corpus, args.seed)
        print(f"  corpus of {n} written in {time.perf_counter() - t:.0f} s", flush=True)
    limits = {"naive": args.naive_max, "fts5": args.fts5_max, "tantivy": args.tantivy_max,
              "searchlib": args.searchlib_max}
    names = [e for e in args.engines if n <= limits[e]]
    out: dict[str, Any] = {"docs": n, "engines": names, "ingest": {}, "cold": {}}
    folders = {e: args.work / f"ix_{e}_{n}" for e in names}
    for e in names:
        kept = (before or {}).get("ingest", {}).get(e)
        if args.reuse and kept and folders[e].exists():  # the index of an earlier --keep run
            out["ingest"][e] = kept
            print(f"  {e} index reused; its ingest as measured then: {kept}", flush=True)
            continue
        out["ingest"][e] = r = ingest(e, corpus, folders[e])
        print(f"  {e} ingest: {r}", flush=True)
    for e in names:
        out["cold"][e] = cold_start(e, folders[e], mix[2][1])
    print(f"  cold: {out['cold']}", flush=True)
    engines = {e: open_engine(e, folders[e]) for e in names}
    sub = [m for m in mix if m[0] in args.kinds]
    t = time.perf_counter()
    times = time_queries(engines, sub)
    print(f"  {len(sub)} queries x {len(names)} engines in {time.perf_counter() - t:.0f} s", flush=True)
    for e in engines.values():
        e.close()
    out["latency"] = {e: summarize(times[e]) for e in names}
    if n == args.recall_at:
        out["recall"] = recall_run(n, folders, args.recall_queries, args.seed)
    if not args.keep:
        for f in folders.values():
            shutil.rmtree(f, ignore_errors=True)
    return out


# ---------------------------------------------------------------- reporting


def at(results: dict[str, Any], n: int) -> dict[str, Any] | None:
    return results["sizes"].get(str(n))


def targets(results: dict[str, Any], whole: int) -> list[tuple[str, ...]]:
    """The issue's targets: (what, target, figure, ratio, met)."""
    rows: list[tuple[str, ...]] = [("target", "wanted", "searchlib", "naive", "ratio", "met")]

    def add(what: str, wanted: str, sl: float | None, nv: float | None, ratio: float | None, ok: bool | None,
            unit: str = "") -> None:
        fmt = (lambda v: "-" if v is None else f"{v:g}{unit}")
        rows.append((what, wanted, fmt(sl), fmt(nv), "-" if ratio is None else f"x{ratio:.2f}",
                     "n/a" if ok is None else ("met" if ok else "NOT met")))

    w = at(results, whole)
    if w and "naive" in w["ingest"]:
        s, nv = w["ingest"]["searchlib"], w["ingest"]["naive"]
        r = s["mb_s"] / nv["mb_s"]
        add(f"ingest, {whole} articles, all cores", ">= 5x", s["mb_s"], nv["mb_s"], r, r >= 5, " MB/s")
        r = s["index_mb"] / nv["index_mb"]
        add(f"index size, {whole} articles", "<= 1.5x", s["index_mb"], nv["index_mb"], r, r <= 1.5, " MB")
        lat = w["latency"]
        ref = lat["naive"]["word"][1]
        worst = max((k for k in lat["searchlib"] if k != "mix"), key=lambda k: lat["searchlib"][k][1])
        r = lat["searchlib"][worst][1] / ref
        add(f"p95 of every kind (worst: {worst}) vs naive word p95", "<= 0.25x", lat["searchlib"][worst][1], ref,
            r, r <= 0.25, " ms")
        c = w["cold"]
        r = c["searchlib"]["total_s"] / c["naive"]["total_s"]
        add("cold start (import + open + first results)", "<= 0.3x", c["searchlib"]["total_s"],
            c["naive"]["total_s"], r, r <= 0.3, " s")
        r = s["peak_mb"] / nv["peak_mb"]
        add(f"peak ingest memory, {os.cpu_count()} workers", "<= 1.2x", s["peak_mb"], nv["peak_mb"], r, r <= 1.2,
            " MB")
    three = at(results, 3000)
    if three and "naive" in three["ingest"]:
        s, nv = three["ingest"]["searchlib"], three["ingest"]["naive"]
        r = s["mb_s"] / nv["mb_s"]
        add("ingest, 3000-article input", ">= 2.5x", s["mb_s"], nv["mb_s"], r, r >= 2.5, " MB/s")
    big = at(results, 24000)
    if three and big:
        s = big["latency"]["searchlib"]["mix"][1] / three["latency"]["searchlib"]["mix"][1]
        nv = None
        if "naive" in big["latency"] and "naive" in three["latency"]:
            nv = round(big["latency"]["naive"]["mix"][1] / three["latency"]["naive"]["mix"][1], 2)
        add("growth of query-mix p95, 3k -> 24k articles (8x data)", "<= 4x", round(s, 2), nv, s, s <= 4)
    top = at(results, 250000)
    if top:
        lat = top["latency"]["searchlib"]
        add("250k: p95 of the query mix", "<= 100 ms", lat["mix"][1], None, None, lat["mix"][1] <= 100, " ms")
        add("250k: p95 of single characters", "<= 50 ms", lat["char"][1], None, None, lat["char"][1] <= 50, " ms")
    return rows


def print_report(results: dict[str, Any]) -> None:
    sizes = sorted(results["sizes"].values(), key=lambda r: r["docs"])
    rows = [("articles", "engine", "MB text", "seconds", "MB/s", "x naive", "peak MB", "index MB", "index/text")]
    for r in sizes:
        nv = r["ingest"].get("naive")
        for e, g in r["ingest"].items():
            rows.append((r["docs"], e, g["mb"], g["seconds"], g["mb_s"],
                         f"x{g['mb_s'] / nv['mb_s']:.2f}" if nv else "-", g["peak_mb"], g["index_mb"],
                         g["index_x_text"]))
    report("ingest (fresh process per engine; peak RSS of its process tree)", rows)
    for r in sizes:
        names = r["engines"]
        rows = [("kind", *(f"{e} p50/p95 ms" for e in names))]
        for k in (*KINDS, "mix"):
            if k in r["latency"][names[0]]:
                rows.append((k, *(f"{r['latency'][e][k][0]:.1f} / {r['latency'][e][k][1]:.1f}" for e in names)))
        report(f"query latency, {r['docs']} articles, top 10 with highlights, {results['queries']} queries a kind",
               rows)
        rows = [("engine", "import s", "open s", "first results s", "total s", "process wall s")]
        for e, c in r["cold"].items():
            rows.append((e, c["import_s"], c["open_s"], c["first_s"], c["total_s"], c["process_s"]))
        report(f"cold start, {r['docs']} articles (median of 3 fresh interpreters)", rows)
        if "recall" in r:
            rows = [("kind", *(f"{e} recall/precision" for e in names))]
            for kind, v in r["recall"].items():
                rows.append((kind, *(f"{v[e]:.3f} / {v[e + '/precision']:.3f}" for e in names)))
            report(f"exact-text recall, {r['docs']} articles, {results['recall_queries']} queries a kind "
                   "(bench/recall.py's oracle)", rows)
    report("issue 14 targets (ratios against naive in this run)", targets(results, results["whole"]))
    three, big = at(results, 3000), at(results, 24000)
    if three and big:
        for e in ("searchlib", "tantivy", "fts5"):
            if e in three["latency"] and e in big["latency"]:
                a, b = three["latency"][e], big["latency"][e]
                print(f"  growth 3k -> 24k, {e}: mix p95 x{b['mix'][1] / a['mix'][1]:.2f}, "
                      f"one character p95 x{b['char'][1] / a['char'][1]:.2f}")
        print("  (tantivy is the control: far from x1, the machine's load differed between the two sizes)")


def markdown(results: dict[str, Any]) -> str:
    """The README's table: one row per size and engine."""
    lines = ["| articles (MB of text) | engine | ingest MB/s (x naive) | peak MB | index MB (x text) | "
             "query mix p50 / p95 ms | slowest kind p95 ms | 1 char p95 ms | cold start s |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in sorted(results["sizes"].values(), key=lambda r: r["docs"]):
        nv = r["ingest"].get("naive")
        for e in r["engines"]:
            g, lat = r["ingest"][e], r["latency"][e]
            worst = max((k for k in lat if k != "mix"), key=lambda k: lat[k][1])
            speed = f"{g['mb_s']:.2f}" + (f" (x{g['mb_s'] / nv['mb_s']:.1f})" if nv else "")
            lines.append(f"| {r['docs']:,} ({g['mb']:.0f}) | {e} | {speed} | {g['peak_mb']:.0f} | "
                         f"{g['index_mb']:.0f} ({g['index_x_text']:.1f}x) | "
                         f"{lat['mix'][0]:.0f} / {lat['mix'][1]:.0f} | "
                         f"{lat[worst][1]:.0f} ({worst}) | {lat['char'][1]:.0f} | {r['cold'][e]['total_s']:.2f} |")
    return "\n".join(lines)


def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(results["sizes"].values(), key=lambda r: r["docs"])
    colours = {"searchlib": "tab:blue", "naive": "tab:red", "tantivy": "tab:green", "fts5": "tab:orange"}
    fig, axes = plt.subplots(1, 3, figsize=(13, 4.2))
    for e in ENGINES:
        pts = [(r["docs"], r) for r in sizes if e in r["engines"]]
        if not pts:
            continue
        xs = [x for x, _ in pts]
        axes[0].plot(xs, [r["latency"][e]["mix"][1] for _, r in pts], "o-", color=colours[e], label=f"{e} mix p95")
        if e == "searchlib":
            axes[0].plot(xs, [r["latency"][e]["char"][1] for _, r in pts], "s--", color=colours[e],
                         label="searchlib 1-char p95")
        axes[1].plot(xs, [r["ingest"][e]["index_mb"] for _, r in pts], "o-", color=colours[e], label=e)
        axes[2].plot(xs, [r["ingest"][e]["mb_s"] for _, r in pts], "o-", color=colours[e], label=e)
    axes[1].plot([r["docs"] for r in sizes], [r["ingest"][r["engines"][0]]["mb"] for r in sizes], "kx:",
                 label="the text itself")
    axes[0].axhline(100, color="grey", lw=0.8, ls=":")
    titles = ("query p95, top 10 + highlights (ms)", "index size (MB)", "ingest (MB of text / s)")
    ticks = [r["docs"] for r in sizes]
    for ax, title in zip(axes, titles):
        ax.set_xscale("log")
        ax.set_xticks(ticks, [f"{t / 1000:.3g}k" for t in ticks])
        ax.minorticks_off()
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("articles")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    from matplotlib.ticker import FuncFormatter

    for ax in axes:
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: f"{v:g}" if f"{v:g}"[0] in "25" else ""))
    fig.suptitle(f"bench/scale.py on {os.cpu_count()} shared cores", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


# ---------------------------------------------------------------- main


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", type=Path, default=Path("/tmp/searchlib-scale"), help="corpora and indexes")
    ap.add_argument("--sizes", default="3000,12353,24000,50000,100000,250000")
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--naive-max", type=int, default=24000, help="largest size the naive baseline runs at")
    ap.add_argument("--fts5-max", type=int, default=100000)
    ap.add_argument("--tantivy-max", type=int, default=10**9)
    ap.add_argument("--searchlib-max", type=int, default=10**9)
    ap.add_argument("--queries", type=int, default=30, help="queries per kind")
    ap.add_argument("--recall-at", type=int, default=12353, help="size whose (real) corpus is judged for recall")
    ap.add_argument("--recall-queries", type=int, default=100)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--json", type=Path, help="results (default: WORK/results.json); merged size by size")
    ap.add_argument("--plot", type=Path, help="PNG of latency, index size and ingest against corpus size")
    ap.add_argument("--keep", action="store_true", help="keep the indexes")
    ap.add_argument("--reuse", action="store_true",
                    help="query the indexes an earlier --keep run left (same --work and --json) instead of "
                         "ingesting again; their ingest figures are that run's")
    ap.add_argument("--markdown", action="store_true", help="also print the README's table")
    ap.add_argument("--report", action="store_true", help="only print the tables (and plot) from the JSON")
    ap.add_argument("--child", choices=ENGINES, help=argparse.SUPPRESS)
    ap.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--index", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child, args.corpus, args.index)
        return 0
    args.engines = [e for e in args.engines.split(",") if e]
    args.kinds = [k for k in args.kinds.split(",") if k]
    json_path = args.json or args.work / "results.json"
    results: dict[str, Any] = json.loads(json_path.read_text()) if json_path.exists() else {"sizes": {}}
    if not args.report:
        args.work.mkdir(parents=True, exist_ok=True)
        results.update({"queries": args.queries, "recall_queries": args.recall_queries, "seed": args.seed,
                        "whole": args.recall_at, "cores": os.cpu_count()})
        t = time.perf_counter()
        mix = make_queries(args.queries, args.seed)
        print(f"{len(mix)} queries made in {time.perf_counter() - t:.0f} s", flush=True)
        for n in (int(s) for s in args.sizes.split(",") if s):
            t = time.perf_counter()
            print(f"size {n}: {time.strftime('%H:%M:%S')}", flush=True)
            results["sizes"][str(n)] = run_size(n, args, mix, results["sizes"].get(str(n)))
            json_path.write_text(json.dumps(results, ensure_ascii=False, indent=1))
            print(f"size {n} done in {time.perf_counter() - t:.0f} s", flush=True)
    print_report(results)
    if args.markdown:
        print("\n" + markdown(results))
    if args.plot:
        plot(results, args.plot)
        print(f"\nplot: {args.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
