"""The query executor of an earlier revision against this one, on the same index, interleaved.

    python -u bench/executor_ab.py --index /tmp/scale/ix_searchlib_50000 --old fda5f20~1 [--queries 12]

bench/scale.py's query kinds (same generator, same seed) are planned once by this
revision's ``NewsIndex.search`` and then evaluated by both executors, each kept for
the whole run as a searcher's executor is (its caches warm as they would be), in
alternating order: run, top page, facets. Only the executor's time is counted (no
stored fields, no snippets). Prints p50/p95 per kind and checks that both return
the same top page.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale import make_queries, percentile

import searchlib
from searchlib.backends.whoosh import executor as current

ROOT = Path(__file__).resolve().parent.parent
MODULE = "searchlib/backends/whoosh/executor.py"


def load_old(rev: str) -> Any:
    """The executor module of revision ``rev``, loaded beside the current one."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:{MODULE}"], check=True,
                            capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "executor_old.py"
    path.write_text(source, encoding="utf-8")
    name = "searchlib.backends.whoosh._executor_old"  # its relative imports resolve in the package
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def plan_of(ix: searchlib.NewsIndex, q: str, opts: dict[str, Any]) -> Any:
    """The plan ``NewsIndex.search`` gives the backend for this query."""
    backend: Any = ix.backend
    captured: dict[str, Any] = {}
    real = backend.search

    def grab(plan: Any, **kw: Any) -> Any:
        captured["plan"] = plan
        return real(plan, **kw)

    backend.search = grab
    try:
        ix.search(q, snippets=0, **opts)
    finally:
        backend.search = real
    return captured["plan"]


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", required=True, help="a searchlib index folder")
    ap.add_argument("--old", required=True, help="git revision of the executor to compare with")
    ap.add_argument("--queries", type=int, default=12, help="queries per kind")
    ap.add_argument("--seed", type=int, default=14)
    args = ap.parse_args(argv)
    old = load_old(args.old)
    ix = searchlib.open_index(args.index)
    searcher = ix.backend._searcher()  # type: ignore[attr-defined]
    executors = {"old": old.Executor(searcher), "new": current.Executor(searcher)}
    times: dict[str, dict[str, list[float]]] = {"old": {}, "new": {}}
    differ = 0
    for n, (kind, q, opts) in enumerate(make_queries(args.queries, args.seed)):
        plan = plan_of(ix, q, opts)
        sort = "newest" if opts.get("sort") == "newest" else "relevance"
        pages: dict[str, list[int]] = {}
        for name in ("old", "new") if n % 2 else ("new", "old"):
            ex = executors[name]
            t = time.perf_counter()
            matches, _ = ex.run(plan)
            top = ex.top(matches, 10 * opts.get("page", 1), sort)
            for facet in opts.get("facets", ()):
                ex.facet_counts(matches, facet)
            times[name].setdefault(kind, []).append(1000 * (time.perf_counter() - t))
            pages[name] = [d for d, _ in top]
        if pages["old"] != pages["new"]:
            differ += 1
            print(f"  different top page: {kind} {q!r}")
    print(f"executor {args.old} (old) against the working tree (new), {args.index}, "
          f"{args.queries} queries a kind, ms")
    print(f"  {'kind':14s} {'old p50':>8s} {'old p95':>8s} {'new p50':>8s} {'new p95':>8s}  p95 new/old")
    every_old: list[float] = []
    every_new: list[float] = []
    for kind in times["old"]:
        a, b = times["old"][kind], times["new"][kind]
        every_old += a
        every_new += b
        print(f"  {kind:14s} {percentile(a, 50):8.1f} {percentile(a, 95):8.1f} {percentile(b, 50):8.1f} "
              f"{percentile(b, 95):8.1f}  x{percentile(b, 95) / percentile(a, 95):.2f}")
    print(f"  {'mix':14s} {percentile(every_old, 50):8.1f} {percentile(every_old, 95):8.1f} "
          f"{percentile(every_new, 50):8.1f} {percentile(every_new, 95):8.1f}  "
          f"x{percentile(every_new, 95) / percentile(every_old, 95):.2f}")
    print(f"  top pages that differ: {differ}")
    ix.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
