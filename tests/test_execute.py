"""The bulk executor finds exactly the articles Whoosh's own evaluation of the
same plan finds (tests/whoosh_oracle.py), on real news."""

from __future__ import annotations

import random
import re

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
