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


def test_searching_loads_neither_jieba_nor_rjiebas_default_tokenizer(tmp_path):
    """A search with the rjieba engine cuts with its own tokenizer only: jieba is not
    imported (its import loads pkg_resources) and rjieba's package, which builds a
    default tokenizer at import, is not run; importing rjieba afterwards still works."""
    pytest.importorskip("rjieba")
    import subprocess
    import sys

    code = """if True:
        import sys, searchlib
        with searchlib.open_index(sys.argv[1], create=True) as ix:
            ix.add([{"id": "a", "title": "援疆干部", "body": "我来到北京清华大学"}])
            assert ix.search("清华大学").total == 1
        print("jieba" in sys.modules, "rjieba" in sys.modules, "rjieba.rjieba" in sys.modules)
        import rjieba
        print(rjieba.Jieba is sys.modules["rjieba.rjieba"].Jieba, rjieba.cut("我来到北京清华大学"))
    """
    env = {k: v for k, v in __import__("os").environ.items() if k != "SEARCHLIB_SEGMENTER"}
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "ix")], capture_output=True,
                         text=True, env=env, check=True).stdout.splitlines()
    assert out == ["False False True", "True ['我', '来到', '北京', '清华大学']"]


def test_the_fingerprint_reads_the_dictionary_jieba_loads():
    import hashlib
    from pathlib import Path

    import jieba

    from searchlib.analysis import segment

    expected = hashlib.sha1(Path(jieba.__file__).with_name("dict.txt").read_bytes()).hexdigest()[:16]
    assert segment._main_dict_digest() == expected
