"""Where searchlib's time goes: sampling profile of an ingest, cProfile of the slow query kinds.

    python -u bench/scale_profile.py --work /tmp/scale [--docs 3000] [--kinds char,phrase] [--queries 15]

Ingest: ``py-spy record --subprocesses`` (pip install py-spy) samples bench/scale.py's
searchlib ingest child and its worker processes; printed are the functions with the most
samples of their own (self time) and those with the most samples under them (inclusive),
as shares of all samples, all processes together. Queries: the query kinds of
bench/scale.py (same generator, same seed) on the searchlib index of that corpus, each
kind under cProfile: the top functions by own time and by cumulative time, as shares of the
kind's total.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_gen import write_corpus
from engines import SearchlibEngine
from scale import make_queries

FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")


def short(frame: str) -> str:
    """``func (path/to/mod.py:12)`` -> ``mod.py:func``."""
    m = FRAME.match(frame.strip())
    if not m:
        return frame.strip()
    path = m.group("file")
    if path.startswith("searchlib/") or "/searchlib/" in path:
        keep = "searchlib/" + path.rsplit("searchlib/", 1)[1]
    elif "site-packages/" in path:
        keep = path.split("site-packages/")[-1]
    else:
        keep = "/".join(path.split("/")[-2:])
    return f"{keep}:{m.group('func')}"


def profile_ingest(corpus: Path, folder: Path, out: Path, top: int) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    cmd = [spy, "record", "--subprocesses", "--rate", "50", "--format", "raw", "--output", str(out), "--",
           sys.executable, str(Path(__file__).with_name("scale.py")), "--child", "searchlib", "--corpus",
           str(corpus), "--index", str(folder)]
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(f"ingest of {corpus.name} under py-spy: {time.perf_counter() - t:.0f} s")
    summarize_samples(out, top)


def summarize_samples(out: Path, top: int) -> None:
    """Own and inclusive shares of py-spy's raw (collapsed) stacks."""
    own: Counter[str] = Counter()
    incl: Counter[str] = Counter()
    total = 0
    for line in out.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        frames = [short(f) for f in stack.split(";") if not f.startswith("process ")]
        if not frames:
            continue
        total += n
        own[frames[-1]] += n
        for f in set(frames):
            incl[f] += n
    print(f"\ningest: top functions by own samples ({total} samples, all processes)")
    for f, n in own.most_common(top):
        print(f"  {100 * n / total:5.1f}%  {f}")
    print("\ningest: top functions by inclusive samples")
    for f, n in incl.most_common(top * 2):
        print(f"  {100 * n / total:5.1f}%  {f}")


def profile_queries(folder: Path, kinds: list[str], per_kind: int, seed: int, top: int) -> None:
    mix = make_queries(per_kind, seed)
    eng = SearchlibEngine(folder)
    for _, q, opts in mix[:10]:
        eng.search(q, opts)
    for kind in kinds:
        qs = [(q, o) for k, q, o in mix if k == kind]
        prof = cProfile.Profile()
        t = time.perf_counter()
        prof.enable()
        for q, o in qs:
            eng.search(q, o)
        prof.disable()
        wall = time.perf_counter() - t
        st = pstats.Stats(prof)
        total = sum(v[2] for v in st.stats.values())  # type: ignore[attr-defined]
        rows = sorted(st.stats.items(), key=lambda kv: -kv[1][2])  # type: ignore[attr-defined]
        print(f"\nquery kind {kind}: {len(qs)} queries, {1000 * wall / len(qs):.0f} ms each under cProfile; "
              "top functions by own time")
        for (file, line, func), v in rows[:top]:
            print(f"  {100 * v[2] / total:5.1f}%  {short(f'{func} ({file}:{line})')}")
        print("  by cumulative time")
        cum = sorted(st.stats.items(), key=lambda kv: -kv[1][3])  # type: ignore[attr-defined]
        shown = 0
        for (file, line, func), v in cum:
            if "searchlib" not in file and "whoosh" not in file:
                continue
            print(f"  {100 * v[3] / total:5.1f}%  {short(f'{func} ({file}:{line})')}")
            shown += 1
            if shown >= top:
                break
    eng.close()


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", type=Path, default=Path("/tmp/searchlib-scale"))
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--kinds", default="char,phrase,two-words,filter-facets")
    ap.add_argument("--queries", type=int, default=15)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--top", type=int, default=12)
    ap.add_argument("--skip-ingest", action="store_true", help="reuse the profiled index and its samples")
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    corpus = args.work / f"corpus_{args.docs}.jsonl"
    if not corpus.exists():
        write_corpus(args.docs, corpus, args.seed)
    folder = args.work / f"profile_ix_{args.docs}"
    samples = args.work / f"ingest_{args.docs}.pyspy.txt"
    if not args.skip_ingest:
        profile_ingest(corpus, folder, samples, args.top)
    else:
        summarize_samples(samples, args.top)
    profile_queries(folder, [k for k in args.kinds.split(",") if k], args.queries, args.seed, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
