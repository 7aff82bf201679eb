"""2,000+ articles made from the news inside the repository, and a mix of queries of every kind.

The articles: the 120 simplified and 120 traditional test articles and the
500 recent samples, plus articles cut from them (a few sentences each, with
their own titles, dates, sources, categories, tags and authors), so that
filters, facets and dates have something to tell apart. The queries are
sampled from those articles with a fixed seed.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from typing import Any

from ..conftest import HANS, HANT, SAMPLES, read_jsonl

SOURCES = ["总统府", "總統府", "中央社", "联合报", "聯合報", None]
CATEGORIES = ["时政", "经济", "外交", "國防", None]
TAGS = ["两岸", "民主", "经济", "外交", "国防", "教育"]
AUTHORS = ["张三", "李四", "王五", None]
_SENTENCE = re.compile(r"[^。！？]+[。！？]?")
_SPAN = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]{2,}")


def articles(n: int = 2400) -> list[dict[str, Any]]:
    """``n`` articles (dicts as a JSONL reader gives them)."""
    base = ([dict(r, id=f"s{r['id']}") for r in read_jsonl(HANS)]
            + [dict(r, id=f"t{r['id']}") for r in read_jsonl(HANT)]
            + [dict(r, id=f"r{r['id']}") for r in read_jsonl(SAMPLES / "president_news_recent.jsonl")])
    rng = random.Random(13)
    out: list[dict[str, Any]] = []
    for i, r in enumerate(base):
        out.append(_meta(dict(r), i, rng))
    pieces: list[dict[str, Any]] = []
    for r in base:
        sentences = [s for s in _SENTENCE.findall(r["content"]) if s.strip()]
        for k in range(0, len(sentences), 4):
            body = "".join(sentences[k:k + 4]).strip()
            if len(body) < 20:
                continue
            date = dt.date.fromisoformat(r["date"]) + dt.timedelta(days=37 * (k // 4))
            pieces.append({"id": f"{r['id']}-{k // 4}", "title": body[:18], "content": body,
                           "date": date.isoformat() if k % 12 else None})
    rng.shuffle(pieces)
    for i, p in enumerate(pieces[:max(0, n - len(out))]):
        out.append(_meta(p, i + 7, rng))
    return out


def _meta(row: dict[str, Any], i: int, rng: random.Random) -> dict[str, Any]:
    for name, values in (("source", SOURCES), ("category", CATEGORIES), ("author", AUTHORS)):
        value = values[i % len(values)]
        if value is None:
            row.pop(name, None)
        else:
            row[name] = value
    row["tags"] = rng.sample(TAGS, i % 3)
    if row.get("date") is None:
        row.pop("date", None)
    return row


def _span(rng: random.Random, text: str, lo: int, hi: int) -> str | None:
    runs = [m.group() for m in _SPAN.finditer(text) if len(m.group()) >= lo]
    if not runs:
        return None
    run = rng.choice(runs)
    k = rng.randint(lo, min(hi, len(run)))
    i = rng.randrange(len(run) - k + 1)
    return run[i:i + k]


def _words(text: str) -> list[str]:
    import jieba

    jieba.setLogLevel(60)
    return [w for w in jieba.cut(text) if re.fullmatch(r"[\u4e00-\u9fff]{2,4}", w)]


def queries(rows: list[dict[str, Any]], per_kind: int = 30, seed: int = 7) -> list[tuple[str, str, dict[str, Any]]]:
    """``(kind, query, search options)`` for every kind, ``per_kind`` of most."""
    rng = random.Random(seed)
    simplified = [r for r in rows if not r["id"].startswith("t")]
    traditional = [r for r in rows if r["id"].startswith("t")]
    mix: list[tuple[str, str, dict[str, Any]]] = []

    def add(kind: str, make: Any, count: int = per_kind) -> None:
        made = 0
        while made < count:
            got = make(rng.choice(traditional if kind.startswith("traditional") else simplified))
            if got:
                q, options = got if isinstance(got, tuple) else (got, {})
                mix.append((kind, q, options))
                made += 1

    def pair(r: dict[str, Any]) -> tuple[str, str] | None:
        words = _words(r["content"])
        return tuple(rng.sample(words, 2)) if len(words) >= 2 else None  # type: ignore[return-value]

    add("substring", lambda r: _span(rng, r["content"], 2, 5), 2 * per_kind)
    add("phrase", lambda r: (s := _span(rng, r["content"], 4, 10)) and f'"{s}"')
    add("single-char", lambda r: _span(rng, r["content"], 1, 1), per_kind // 2)
    add("traditional", lambda r: _span(rng, r["content"], 2, 4))
    add("traditional-phrase", lambda r: (s := _span(rng, r["content"], 4, 8)) and f'"{s}"', per_kind // 2)
    add("terms", lambda r: (p := pair(r)) and " ".join(p))
    add("or", lambda r: (p := pair(r)) and f"{p[0]} OR {p[1]}", per_kind // 2)
    add("not", lambda r: (p := pair(r)) and f"{p[0]} -{p[1]}")
    add("title", lambda r: (s := _span(rng, r["title"], 2, 4)) and f"title:{s}")
    add("field", lambda r: (p := pair(r)) and rng.choice(
        [f"{p[0]} source:总统府", f"{p[0]} category:经济", f"{p[0]} author:张三",
         f"{p[0]} -source:中央社", f"body:{p[0]}"]))
    add("date", lambda r: (p := pair(r)) and rng.choice(
        [f"{p[0]} date:{r.get('date', '2017')[:4]}", f"{p[0]} date:..2010-12-31", f"{p[0]} date:2016.."]))
    add("filters", lambda r: (p := pair(r)) and (p[0], rng.choice(
        [{"date_from": "2010-01-01", "date_to": "2019-12-31"}, {"source": "總統府"},
         {"category": "时政"}, {"source": "联合报", "date_from": "2000-01-01"}])))
    add("question", lambda r: (p := pair(r)) and rng.choice([f"{p[0]}是什么？", f"谁{p[0]}{p[1]}？"]), per_kind // 2)
    add("relaxed", lambda r: (p := pair(r)) and f"{p[0]} {p[1]} 冥王星晶圆", per_kind // 2)
    return mix
