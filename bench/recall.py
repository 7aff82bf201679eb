"""Exact-text recall and precision, searchlib vs the naive baseline.

    python bench/recall.py [--docs N] [--queries N] [--json FILE]

Queries are sampled from the corpus itself; an exact-text oracle says which
articles contain each one: a plain substring search (NFKC and case only, no
Han folding) over the articles as written in the query's own script. The two
scripts of ``president_news`` are the same articles, so a query cut from the
traditional text is judged by the traditional articles, whichever index is
searched: the truth owes nothing to searchlib's folding. For every query kind
both engines' result sets are compared to the oracle:

- ``substring``: unquoted 2-4 Han characters (what people type in a search box)
- ``phrase``: quoted 5-8 characters of running text (punctuation, digits included)
- ``two-term``: two unquoted 2-4 character substrings of one article
- ``hant->hans`` / ``hans->hant``: 2-6 characters in one script on the other script's index
- ``hant-char->hans``: one traditional character on the simplified index
- ``hant``: traditional queries on the traditional index
- ``char`` / ``word``: one Han character, or one jieba word, of the simplified text, on the
  simplified index: simplified queries on simplified text must find exactly the articles that
  hold those characters, never ones holding another simplified character that traditional
  script writes alike (画/划)

Highlights are checked on every searchlib hit: each span covers only text the
query matches (``searchlib.contains``), and every whole match in a snippet is
highlighted.
(Ranking quality on question sets is bench/relevance.py.)
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    HANS,
    HANT,
    build_naive,
    folder_size,
    naive_search,
    read_news,
    report,
    text_bytes,
)

import searchlib
from searchlib.analysis import SCRIPT, pattern_regex

HAN = re.compile(r"[\u4e00-\u9fff]+")
KINDS = ("substring", "phrase", "two-term", "hant->hans", "hant-char->hans", "hans->hant", "hant",
         "char", "word")
#: Kinds searched on the simplified index; the others on the traditional one.
ON_HANS = ("substring", "phrase", "two-term", "hant->hans", "hant-char->hans", "char", "word")
#: Kinds whose queries are cut from the traditional articles (and judged by them).
FROM_HANT = ("hant->hans", "hant-char->hans", "hant")


# ---------------------------------------------------------------- sampling


def sample_substring(rng: random.Random, text: str, lo: int, hi: int, han_only: bool) -> str | None:
    if han_only:
        runs = [m.group() for m in HAN.finditer(text) if len(m.group()) >= lo]
        if not runs:
            return None
        run = rng.choice(runs)
        n = rng.randint(lo, min(hi, len(run)))
        start = rng.randrange(len(run) - n + 1)
        return run[start:start + n]
    for _ in range(20):
        n = rng.randint(lo, hi)
        if len(text) < n:
            return None
        start = rng.randrange(len(text) - n + 1)
        piece = text[start:start + n]
        if not re.search(r"[\s\"“”＂]", piece) and HAN.search(piece):
            return piece
    return None


def make_queries(rng: random.Random, hans: list[dict], hant: dict[str, dict], n: int
                 ) -> dict[str, list[tuple[str, str]]]:
    """kind -> [(query string, text to look for)]"""
    kinds: dict[str, list[tuple[str, str]]] = {k: [] for k in KINDS}
    while min(len(v) for v in kinds.values()) < n:
        rec = rng.choice(hans)
        trad = hant[rec["id"]]
        body, tbody = rec["content"], trad["content"]
        if len(kinds["substring"]) < n and (s := sample_substring(rng, body, 2, 4, True)):
            kinds["substring"].append((s, s))
        if len(kinds["phrase"]) < n and (s := sample_substring(rng, body, 5, 8, False)):
            kinds["phrase"].append((f'"{s}"', s))
        if len(kinds["two-term"]) < n:
            a, b = sample_substring(rng, body, 2, 4, True), sample_substring(rng, body, 2, 4, True)
            if a and b:
                kinds["two-term"].append((f"{a} {b}", f"{a}\t{b}"))
        if len(kinds["hant->hans"]) < n and (s := sample_substring(rng, tbody, 2, 6, True)):
            kinds["hant->hans"].append((s, s))
        if len(kinds["hant-char->hans"]) < n and (s := sample_substring(rng, tbody, 1, 1, True)):
            kinds["hant-char->hans"].append((s, s))
        if len(kinds["hans->hant"]) < n and (s := sample_substring(rng, body, 2, 6, True)):
            kinds["hans->hant"].append((s, s))
        if len(kinds["hant"]) < n and (s := sample_substring(rng, tbody, 2, 4, True)):
            kinds["hant"].append((s, s))
        if len(kinds["char"]) < n and (s := sample_substring(rng, body, 1, 1, True)):
            kinds["char"].append((s, s))
        if len(kinds["word"]) < n and (s := sample_word(rng, body)):
            kinds["word"].append((s, s))
    return kinds


def sample_word(rng: random.Random, text: str) -> str | None:
    """A jieba word of 2-4 Han characters from ``text``."""
    import jieba

    start = rng.randrange(max(1, len(text) - 200))
    words = [w for w in jieba.lcut(text[start:start + 200]) if 2 <= len(w) <= 4 and HAN.fullmatch(w)]
    return rng.choice(words) if words else None


# ---------------------------------------------------------------- oracle and engines


class Oracle:
    """Which articles contain a text, by plain substring search over normalized text.

    NFKC and case folding only, every Han character itself.
    """

    def __init__(self, records: list[dict]) -> None:
        self.norm = plain_fold
        self.docs = [(r["id"], self.norm(r.get("title") or ""), self.norm(r["content"]))
                     for r in records]

    def find(self, needle: str) -> set[str]:
        parts = [self.norm(p) for p in needle.split("\t")]
        return {i for i, t, b in self.docs if all(p in t or p in b for p in parts)}


def plain_fold(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", text).casefold()


def searchlib_ids(ix: searchlib.NewsIndex, q: str) -> tuple[set[str], list[Any]]:
    ids: set[str] = set()
    hits = []
    page = 1
    while True:
        res = ix.search(q, limit=1000, page=page, snippets=3 if page == 1 else 0)
        ids.update(h.id for h in res.hits)
        if page == 1:
            hits = res.hits[:50]
        if page >= res.pages:
            return ids, hits
        page += 1


def check_highlights(hits: list[Any], needle: str) -> tuple[int, int]:
    """(spans checked, spans or matches that break the rules)."""
    patterns = [pattern_regex(SCRIPT.query_pattern(p)) for p in needle.split("\t")]
    checked = bad = 0
    for hit in hits:
        body = SCRIPT.index_form(hit.article.body)  # matched as the whole field is
        for snip in hit.snippets:
            folded = body[snip.start:snip.start + len(snip.text)]
            covered = [False] * len(folded)
            for rx in patterns:
                for m in re.finditer(f"(?=({rx.pattern}))", folded):
                    p = m.group(1)
                    for i in range(m.start(), m.start() + len(p)):
                        covered[i] = True
                    # whole occurrence must lie inside one span
                    if not any(a <= m.start() and m.start() + len(p) <= b for a, b in snip.spans):
                        bad += 1
            for a, b in snip.spans:
                checked += 1
                if not all(covered[a:b]):
                    bad += 1
    return checked, bad


def score(found: set[str], truth: set[str]) -> tuple[float, float]:
    inter = len(found & truth)
    recall = inter / len(truth) if truth else 1.0
    precision = inter / len(found) if found else (1.0 if not truth else 0.0)
    return recall, precision


def run_kind(name: str, queries: list[tuple[str, str]], oracle: Oracle, ix: searchlib.NewsIndex,
             naive: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"queries": len(queries)}
    for engine in ("searchlib", "naive"):
        recalls, precisions, full, missed = [], [], 0, []
        spans_checked = spans_bad = 0
        t0 = time.perf_counter()
        for q, needle in queries:
            truth = oracle.find(needle)
            if engine == "searchlib":
                found, hits = searchlib_ids(ix, q)
                c, b = check_highlights(hits, needle)
                spans_checked += c
                spans_bad += b
            else:
                try:
                    found = set(naive_search(naive, q))
                except Exception:  # the naive parser rejects some strings
                    found = set()
            r, p = score(found, truth)
            recalls.append(r)
            precisions.append(p)
            full += r == 1.0
            if r < 1.0 and len(missed) < 5:
                missed.append(q)
        out[engine] = {
            "recall": round(sum(recalls) / len(recalls), 4),
            "queries_full_recall": round(full / len(recalls), 4),
            "precision": round(sum(precisions) / len(precisions), 4),
            "queries_full_precision": round(sum(p == 1.0 for p in precisions) / len(precisions), 4),
            "seconds": round(time.perf_counter() - t0, 1),
            "missed_examples": missed,
        }
        if engine == "searchlib":
            out[engine]["highlight_spans_checked"] = spans_checked
            out[engine]["highlight_violations"] = spans_bad
    return out


# ---------------------------------------------------------------- main


def build_words_only(records: list[dict], folder: Path) -> float:
    """searchlib's schema without the bigram fields, same writer, one process:
    what the exact-match design costs over a word index."""
    from whoosh.filedb.filestore import FileStorage

    from searchlib.analysis import SegmenterProfile
    from searchlib.backends.whoosh.schema import news_schema
    from searchlib.backends.whoosh.segments import analyse
    from searchlib.backends.whoosh.writer import FastSegmentWriter
    from searchlib.config import chunk_bytes
    from searchlib.ingest.identity import content_digest

    profile = SegmenterProfile()
    schema = news_schema(profile)
    for name in ("title_ng", "body_ng"):
        schema.remove(name)
    folder.mkdir(parents=True)
    ix = FileStorage(str(folder)).create_index(schema)
    start = time.perf_counter()
    writer, size = None, 0
    for r in records:
        a = searchlib.Article(id=r["id"], title=r["title"], body=r["content"], date=r["date"])
        doc, tokens = analyse(a, content_digest(a), profile)
        for name in ("title_ng", "body_ng"):
            doc.pop(name), tokens.pop(name)
        writer = writer or FastSegmentWriter(ix)
        writer.add_prepared(doc, tokens)
        size += 3 * (len(a.title) + len(a.body))
        if size >= chunk_bytes():
            writer.commit(merge=False)
            writer, size = None, 0
    if writer:
        writer.commit(merge=False)
    return time.perf_counter() - start


def build_searchlib(records: list[dict], folder: Path, workers: int | None = None
                    ) -> tuple[searchlib.NewsIndex, float]:
    ix = searchlib.open_index(folder, create=True)
    rows = [{"id": r["id"], "title": r["title"], "content": r["content"], "date": r["date"]} for r in records]
    ix.add(rows[:1])  # load the dictionary outside the timing, as for the baseline
    start = time.perf_counter()
    ix.add(rows[1:], workers=workers)
    return ix, time.perf_counter() - start


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=0, help="articles to index (default: all)")
    ap.add_argument("--queries", type=int, default=300, help="queries per kind (default 300)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)

    hans = read_news(HANS, args.docs or None)
    hant_all = {r["id"]: r for r in read_news(HANT, args.docs or None)}
    hant = [hant_all[r["id"]] for r in hans]
    mb = text_bytes(hans) / 1e6
    print(f"corpus: {len(hans)} articles, {mb:.1f} MB of text per script")
    rng = random.Random(args.seed)
    kinds = make_queries(rng, hans, hant_all, args.queries)
    results: dict[str, Any] = {"articles": len(hans), "mb": round(mb, 2)}

    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        sl_hans, t_sl = build_searchlib(hans, tmpd / "sl_hans")
        naive_hans, t_nv = build_naive(hans, tmpd / "nv_hans")
        one, t_one = build_searchlib(hans, tmpd / "sl_one", workers=1)
        one.close()
        t_wo = build_words_only(hans, tmpd / "wo_hans")
        results["build"] = {"searchlib_s": round(t_sl, 1), "naive_s": round(t_nv, 1),
                            "searchlib_1proc_s": round(t_one, 1), "words_only_s": round(t_wo, 1),
                            "searchlib_mb": round(folder_size(tmpd / "sl_hans") / 1e6, 1),
                            "searchlib_1proc_mb": round(folder_size(tmpd / "sl_one") / 1e6, 1),
                            "naive_mb": round(folder_size(tmpd / "nv_hans") / 1e6, 1),
                            "words_only_mb": round(folder_size(tmpd / "wo_hans") / 1e6, 1)}
        oracle_hans, oracle_hant = Oracle(hans), Oracle(hant)
        for kind in ON_HANS:
            oracle = oracle_hant if kind in FROM_HANT else oracle_hans
            results[kind] = run_kind(kind, kinds[kind], oracle, sl_hans, naive_hans)
            print(f"  {kind}: done")
        sl_hans.close()
        sl_hant, _ = build_searchlib(hant, tmpd / "sl_hant")
        naive_hant, _ = build_naive(hant, tmpd / "nv_hant")
        for kind in ("hant", "hans->hant"):
            oracle = oracle_hant if kind in FROM_HANT else oracle_hans
            results[kind] = run_kind(kind, kinds[kind], oracle, sl_hant, naive_hant)
            print(f"  {kind}: done")
        sl_hant.close()

    rows = [("kind", "engine", "recall", "q@recall=1", "precision", "q@prec=1", "seconds")]
    for kind in KINDS:
        for engine in ("searchlib", "naive"):
            r = results[kind][engine]
            rows.append((kind, engine, r["recall"], r["queries_full_recall"], r["precision"],
                         r["queries_full_precision"], r["seconds"]))
    report(f"exact-text recall, {args.queries} queries per kind", rows)
    viol = sum(results[k]["searchlib"]["highlight_violations"] for k in kinds)
    checked = sum(results[k]["searchlib"]["highlight_spans_checked"] for k in kinds)
    print(f"\nhighlights: {checked} spans checked, {viol} violations")
    b = results["build"]
    report(f"index build ({mb:.1f} MB of text)", [
        ("index", "MB", "x text", "seconds", "MB/s"),
        *((name, b[f"{key}_mb"], round(b[f"{key}_mb"] / mb, 1), b[f"{key}_s"], round(mb / b[f"{key}_s"], 2))
          for name, key in (("searchlib (words+bigrams), all cores", "searchlib"),
                            ("searchlib (words+bigrams), 1 process", "searchlib_1proc"),
                            ("searchlib words only, 1 process", "words_only"),
                            ("naive (jieba ChineseAnalyzer), 1 process", "naive")))])
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
