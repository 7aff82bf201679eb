"""The bulk executor finds exactly the articles Whoosh's own evaluation of the
same plan finds (tests/whoosh_oracle.py), on real news."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from searchlib.backends.whoosh.executor import Executor
from searchlib.plan import plan_search
from searchlib.query import parse_query

from .conftest import HANS, read_jsonl
from .whoosh_oracle import whoosh_query

FIXED = [
    "总统", "援疆干部", '"国家安全"', "经济 发展", "两岸 OR 大陆", "总统 -经济", "NOT 总统",
    "(台湾 OR 中华民国) 民主", "title:总统", "body:经济", "date:1995..1996 总统", "date:..1993",
    "source:江城日报", "的", "國家", "援疆干部在阿勒泰做了哪些工作", "台湾经济发展与两岸关系的未来展望",
    "总统 date:2010..", "iPhone", "2017年", "“中华民国”", "经济 -date:1990..2000",
    "赵鹏的职业是什么？", "两岸关系如何发展？", "总统 半导体 冥王星",
]


def random_queries(n, seed=5):
    rng = random.Random(seed)
    texts = [r["content"] for r in read_jsonl(HANS)]
    out = []
    while len(out) < n:
        body = rng.choice(texts)
        runs = re.findall(r"[\u4e00-\u9fff]{2,}", body)
        run = rng.choice(runs)
        k = rng.randint(1, min(6, len(run)))
        i = rng.randrange(len(run) - k + 1)
        piece = run[i:i + k]
        out.append(rng.choice([piece, f'"{piece}"', f"{piece} 总统", f"{piece} -台湾", f"{piece} OR 经济"]))
    return out


@pytest.mark.parametrize("q", FIXED + random_queries(60))
def test_executor_matches_whoosh(hans_index, q):
    plan = plan_search(parse_query(q), [], hans_index.profile)
    searcher = hans_index.backend._searcher()
    matches, relaxed = Executor(searcher).run(plan)
    expected = {h.docnum for h in searcher.search(whoosh_query(plan, plan.ask or relaxed), limit=None)}
    assert set(matches) == expected


def _occurrences(text: str, piece: str) -> int:
    return sum(text.startswith(piece, i) for i in range(len(text) - len(piece) + 1))


def test_exact_text_counts_every_occurrence(hans_index):
    """A text's frequency in each article (the bigram phrase behind every unquoted term)
    is how often the article holds it, overlapping occurrences included, in title and body."""
    searcher = hans_index.backend._searcher()
    ex = Executor(searcher)
    fold = ex.folding.index_form
    docs = {searcher.document_number(id=i): hans_index.get(i) for i in hans_index.ids()}
    rng = random.Random(11)
    bodies = [a.body for a in docs.values()]
    pieces = ["总统", "两岸关系", "中华民国", "经济发展", "台湾", "的", "国家安全", "发展与"]
    while len(pieces) < 60:
        body = fold(rng.choice(bodies))
        k, i = rng.randint(2, 6), rng.randrange(len(body))
        if re.fullmatch(r"[\u4e00-\u9fff]{2,}", body[i:i + k]):
            pieces.append(body[i:i + k])
    repeated = 0
    for piece in pieces:
        for field, attr in (("title_ng", "title"), ("body_ng", "body")):
            want = {d: n for d, a in docs.items() if (n := _occurrences(fold(getattr(a, attr)), piece))}
            assert ex.exact_tf(field, piece) == want, (field, piece)
            repeated += sum(n > 1 for n in want.values())
    assert repeated > 100  # articles holding a text several times were checked too


def test_one_character_reads_its_counts_and_finds_what_the_bigrams_find(hans_index):
    """Every character of the real articles (and a traditional and a full-width form): the
    character-count fields give each article the count its bigrams give, in title and body."""
    searcher = hans_index.backend._searcher()
    ex = Executor(searcher)
    fold = ex.folding.index_form
    articles = [hans_index.get(i) for i in hans_index.ids()]
    chars = {ch for a in articles for ch in fold(a.title + a.body)} | set("國Ａ")
    starting: dict[tuple[str, str], list[str]] = {}  # (field, first character) -> its bigrams
    for field in ("title_ng", "body_ng"):
        for t in searcher.lexicon(field):
            gram = t.decode("utf-8")
            starting.setdefault((field, gram[0]), []).append(gram)
    assert len(chars) > 1000
    for field, twin in (("title_ng", "title_ch"), ("body_ng", "body_ch")):
        assert twin in searcher.schema  # so exact_tf reads the counts, not the bigrams
        totals = Counter(ch for a in articles for ch in fold(a.title if field == "title_ng" else a.body))
        for ch in sorted(chars):
            want: dict[int, int] = {}
            for folded in ex.folding.query_pattern(ch)[0]:
                for g in starting.get((field, folded), ()):
                    for d, n in ex.phrase_tf(field, [g]).items():
                        want[d] = want.get(d, 0) + n
            assert ex.exact_tf(field, ch) == want, (field, ch)
            if "\u4e00" <= ch <= "\u9fff":  # and as often as the articles hold it
                forms = ex.folding.query_pattern(ch)[0]
                assert sum(want.values()) == sum(totals[f] for f in forms), (field, ch)


def test_segment_cache_is_bounded_by_the_values_it_holds_not_its_entries():
    # an entry count thrashed once an index had dozens of segments (each query
    # recomputed every segment's date keys); the budget counts per-document values
    from searchlib.backends.whoosh.executor import _SegmentCache

    cache = _SegmentCache(budget=100)
    made = Counter()

    def column(key, n):
        def make():
            made[key] += 1
            return list(range(n)) if key[1] != "dates" else (list(range(n)), list(range(n)))
        return cache.get(key, make)

    for seg in range(40):  # 40 segments of two small entries each: 120 values
        column((str(seg), "col:date"), 1)
        column((str(seg), "dates"), 1)
    for seg in range(8, 40):  # the 64 most recent entries (96 values) are still there
        column((str(seg), "col:date"), 1)
        column((str(seg), "dates"), 1)
    assert all(made[(str(seg), "dates")] == 1 for seg in range(8, 40))
    column(("big", "col:date"), 90)  # past the budget: the least recently used go
    assert made[("big", "col:date")] == 1
    column(("9", "col:date"), 1)
    assert made[("9", "col:date")] == 2  # evicted for the big one
    assert column(("big", "col:date"), 90) == list(range(90)) and made[("big", "col:date")] == 1


def test_position_values_of_every_width_decode_in_bulk_as_one_by_one():
    from searchlib.backends.whoosh.executor import _by_type_code, _positions_of_type
    from searchlib.backends.whoosh.formats import CompactPositions, encode_positions

    rng = random.Random(3)
    lists = [sorted(rng.sample(range(top), rng.randint(2, 9))) for top in (200, 255, 256, 60000, 65536, 10**6)
             for _ in range(20)]
    values = [encode_positions(p) for p in lists]
    assert {v[:1] for v in values} == {b"B", b"H", b"I"}
    for code, group in _by_type_code(values, list(range(len(values)))).items():
        counts, found = _positions_of_type(code, [values[n] for n in group])
        assert counts.tolist() == [len(lists[n]) for n in group]
        assert found.tolist() == [p for n in group for p in CompactPositions().decode_positions(values[n])]
