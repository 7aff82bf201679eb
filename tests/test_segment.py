"""The segmenter: jieba and rjieba cut alike; user dictionaries; batching."""

from __future__ import annotations

import pytest

from searchlib.analysis import SCRIPT, SegmenterProfile
from searchlib.analysis.segment import Segmenter
from searchlib.analysis.tokens import _RUNS

from .conftest import HANS, HANT, SAMPLES, read_jsonl

USER_WORDS = ("援疆干部", "赖清德总统", "台湾之盾", "国防自主", ("健康台湾", 5))


@pytest.fixture(scope="module")
def han_runs():
    runs = []
    for path in (SAMPLES / "president_news_recent.jsonl", HANS, HANT):
        for r in read_jsonl(path):
            text = SCRIPT.segmentation_form(r["title"] + "\n" + r["content"])
            runs += [m.group() for m in _RUNS.finditer(text) if m.lastgroup == "han"]
    assert sum(map(len, runs)) > 500_000
    return runs


@pytest.mark.parametrize("user_words", [(), USER_WORDS], ids=["plain", "user-words"])
def test_rjieba_cuts_exactly_like_jieba(han_runs, user_words):
    pytest.importorskip("rjieba")
    profile = SegmenterProfile(user_words=user_words)
    jieba_cuts = Segmenter(profile, "jieba").cut_many(han_runs)
    rjieba_cuts = Segmenter(profile, "rjieba").cut_many(han_runs)
    differing = [run for run, a, b in zip(han_runs, jieba_cuts, rjieba_cuts) if a != b]
    assert differing == []


@pytest.mark.parametrize("engine", ["jieba", "rjieba"])
def test_batched_cuts_equal_one_by_one(han_runs, engine):
    if engine == "rjieba":
        pytest.importorskip("rjieba")
    seg = Segmenter(SegmenterProfile(), engine)
    sample = han_runs[:3000]
    assert seg.cut_many(sample) == [seg.cut(r) for r in sample]


def test_user_words_are_folded_and_sorted():
    a = SegmenterProfile(user_words=["國防自主", "援疆干部"])
    b = SegmenterProfile(user_words=["援疆干部", "国防自主"])
    assert a == b and a.fingerprint() == b.fingerprint()
    assert a.fingerprint() != SegmenterProfile().fingerprint()
