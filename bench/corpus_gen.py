"""Deterministic larger corpora recombined from the real zh-Hans news.

    python bench/corpus_gen.py --docs 50000 --out /tmp/scale/corpus_50000.jsonl [--seed 14]

Article ``i`` of a corpus: the real articles first, in file order (so a corpus
of 12,353 articles or fewer is the real one, or its first part); after them,
synthetic articles, each a function of ``(seed, i)`` only, so every corpus is a
prefix of every larger one. A synthetic article takes a real *template*
article: its paragraph count (at least two), its first paragraph, and a date
within half a year of its date; the other paragraphs come from real articles
near the template in the file (the file is in date order, so neighbours share
a period and often a topic), and the title from one of those neighbours.
Every paragraph is real text, so character and word statistics stay those of
the news; no two articles have the same title and body (a repeat is drawn
again), so digests differ and no deduplication hides articles.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import HANS, read_news

#: How far (in articles, in file order) a synthetic article reaches for its paragraphs.
NEIGHBOURHOOD = 40
#: How far (days) a synthetic article's date strays from its template's.
DATE_SPREAD = 182


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


class Generator:
    """Articles of the recombined corpus, by index; deterministic for a seed."""

    def __init__(self, records: list[dict[str, Any]], seed: int) -> None:
        self.records = records
        self.paras = [paragraphs(r["content"]) or [r["content"]] for r in records]
        self.seed = seed
        self.seen: set[bytes] = set()
        lo = min(r["date"] for r in records)
        hi = max(r["date"] for r in records)
        self.date_lo, self.date_hi = dt.date.fromisoformat(lo), dt.date.fromisoformat(hi)

    def article(self, i: int) -> dict[str, Any]:
        """Article number ``i`` (call in increasing order for the uniqueness check)."""
        if i < len(self.records):
            r = self.records[i]
            art = {"id": r["id"], "date": r["date"], "title": r["title"], "content": r["content"]}
        else:
            attempt = 0
            while True:
                art = self._synthetic(i, attempt)
                key = hashlib.sha1((art["title"] + "\0" + art["content"]).encode()).digest()
                if key not in self.seen:
                    break
                attempt += 1
        self.seen.add(hashlib.sha1((art["title"] + "\0" + art["content"]).encode()).digest())
        return art

    def _synthetic(self, i: int, attempt: int) -> dict[str, Any]:
        rng = random.Random(f"{self.seed}:{i}:{attempt}")
        n = len(self.records)
        t = rng.randrange(n)
        k = max(2, len(self.paras[t]))
        lo, hi = max(0, t - NEIGHBOURHOOD), min(n - 1, t + NEIGHBOURHOOD)
        body = [self.paras[t][0]]
        for _ in range(k - 1):
            j = rng.randint(lo, hi)
            body.append(rng.choice(self.paras[j]))
        date = dt.date.fromisoformat(self.records[t]["date"]) + dt.timedelta(days=rng.randint(-DATE_SPREAD,
                                                                                              DATE_SPREAD))
        date = min(max(date, self.date_lo), self.date_hi)
        title = self.records[rng.randint(lo, hi)]["title"]
        return {"id": f"s{self.seed}-{i}", "date": date.isoformat(), "title": title, "content": "\n\n".join(body)}

    def articles(self, count: int) -> Iterator[dict[str, Any]]:
        for i in range(count):
            yield self.article(i)


def write_corpus(docs: int, out: Path, seed: int = 14, source: Path = HANS) -> tuple[int, int]:
    """Write ``docs`` articles as JSONL to ``out``; returns (articles, bytes of title + body text)."""
    gen = Generator(read_news(source), seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = 0
    tmp = out.with_suffix(".part")
    with open(tmp, "w", encoding="utf-8") as f:
        for art in gen.articles(docs):
            text += len(art["title"].encode()) + len(art["content"].encode())
            f.write(json.dumps(art, ensure_ascii=False) + "\n")
    tmp.rename(out)
    return docs, text


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=14)
    args = ap.parse_args(argv)
    n, text = write_corpus(args.docs, args.out, args.seed)
    print(f"{n} articles, {text / 1e6:.1f} MB of text -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
