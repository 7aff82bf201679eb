"""NewsIndex.complete (searchlib/complete.py) on the bundled news, against counts made from the articles."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import cache

import pytest

import searchlib
from searchlib.analysis import SCRIPT, SegmenterProfile, word_spans
from searchlib.complete import TITLE_WEIGHT, variants

from .conftest import HANS, HANT, read_jsonl

_WORD = re.compile(r"[^\W_]")


@cache
def _words(text: str, profile: SegmenterProfile) -> frozenset[str]:
    return frozenset(w for w, _, _ in word_spans(text, profile, SCRIPT) if len(w) >= 2 and _WORD.search(w))


def expected(rows: Iterable[dict], prefix: str, n: int, profile: SegmenterProfile | None = None) -> list[str]:
    """The folded words a completion of ``prefix`` must give, counted from the articles themselves."""
    profile = profile or SegmenterProfile()
    score: Counter[str] = Counter()
    starts = variants(prefix, SCRIPT)
    for r in rows:
        for text, weight in ((r.get("title") or "", TITLE_WEIGHT), (r.get("content") or r.get("body") or "", 1)):
            for w in _words(text, profile):
                if any(w.startswith(p) for p in starts):
                    score[w] += weight
    return sorted(score, key=lambda w: (-score[w], w))[:n]


def spells(surface: str, word: str, folding=SCRIPT) -> bool:
    """Whether ``surface`` (as an article writes it) may be the folded ``word``: alone, 象徵
    stays 象徵 (徵 is simplified too), in a traditional article it folds to 象征."""
    sets = folding.query_pattern(surface)
    return len(surface) == len(word) and all(c in s or c == f for c, s, f in
                                             zip(word, sets, folding.word_form(surface)))


def stored(ix: searchlib.NewsIndex) -> list[dict]:
    return [{"title": a.title, "body": a.body} for a in map(ix.get, ix.ids()) if a is not None]


@pytest.fixture(scope="module")
def hant_index():
    with searchlib.open_index(None) as ix:
        assert ix.ingest([HANT]).added == 120
        yield ix


@pytest.mark.parametrize("prefix", ["总", "总统", "台", "经济", "国", "民主", "2", "a"])
def test_completions_are_the_words_most_articles_hold(hans_index, prefix):
    rows = stored(hans_index)  # the 120 articles and the raw seed, as the index holds them
    got = hans_index.complete(prefix, n=10)
    want = expected(rows, prefix, 10)
    assert want, prefix
    assert [SCRIPT.word_form(c) for c in got] == want


def test_a_traditional_prefix_completes_like_a_simplified_one(hans_index):
    assert hans_index.complete("總統") == hans_index.complete("总统")
    assert hans_index.complete("總統")[:2] == ["总统", "总统府"]
    assert hans_index.complete("臺灣")[0] == hans_index.complete("台湾")[0] == "台湾"


def test_completions_are_shown_as_the_articles_write_them(hant_index):
    rows = read_jsonl(HANT)
    text = " ".join(r["title"] + r["content"] for r in rows)
    for prefix in ("总统", "總統", "经", "国"):
        got = hant_index.complete(prefix, n=10)
        assert got and got == hant_index.complete(SCRIPT.word_form(prefix), n=10)
        assert all(c in text for c in got), got  # written so in the articles (traditional)
        assert [SCRIPT.word_form(c) for c in got] == expected(rows, prefix, 10)
    assert hant_index.complete("总统")[:2] == ["總統", "總統府"]


def test_the_last_term_is_completed_after_the_text_before_it(hans_index):
    got = hans_index.complete("台湾 民", n=5)
    assert got == ["台湾 " + c for c in hans_index.complete("民", n=5)]
    assert hans_index.complete("台湾  ") == []


def test_n_limits_and_order_is_stable(hans_index):
    ten = hans_index.complete("总", n=10)
    assert hans_index.complete("总", n=3) == ten[:3]
    assert len(hans_index.complete("的", n=100)) <= 100


@pytest.mark.parametrize("prefix", ["", " ", "！", "。", "zzzzqqq", "\x00", "总 "])
def test_nothing_to_complete_gives_no_completion(hans_index, prefix):
    assert hans_index.complete(prefix) == []


@pytest.mark.parametrize("prefix, n", [(None, 10), (12, 10), (b"\xe6\x80\xbb", 10), ("总" * 101, 10),
                                       ("总", 0), ("总", 101), ("总", "5"), ("总", True)])
def test_bad_input_is_a_usage_error(hans_index, prefix, n):
    with pytest.raises(searchlib.UsageError):
        hans_index.complete(prefix, n=n)


def test_completions_follow_adds_and_deletes(tmp_path):
    rows = read_jsonl(HANS)[:40]
    with searchlib.open_index(tmp_path / "ix", create=True) as ix:
        ix.add(rows[:20])
        assert [SCRIPT.word_form(c) for c in ix.complete("总")] == expected(rows[:20], "总", 10)
        ix.add(rows[20:])
        assert [SCRIPT.word_form(c) for c in ix.complete("总")] == expected(rows, "总", 10)
        gone = {r["id"] for r in rows[::3]}
        for article_id in gone:
            ix.delete(article_id)
        live = [r for r in rows if r["id"] not in gone]
        for prefix in ("总", "台", "经"):
            assert [SCRIPT.word_form(c) for c in ix.complete(prefix)] == expected(live, prefix, 10)


def test_the_command_line_completes_and_reads_pinyin(tmp_path, capsys):
    import json

    from searchlib.cli import main

    path = str(tmp_path / "cli")
    assert main(["ingest", "--index", path, "--quiet", str(HANT)]) == 0
    capsys.readouterr()
    with searchlib.open_index(path) as ix:
        want = ix.complete("总统", n=4)
    assert main(["complete", "--index", path, "-n", "4", "总统"]) == 0
    assert capsys.readouterr().out.splitlines() == want == ["總統", "總統府", "總統大選", "總統制"][:len(want)]
    assert main(["complete", "--index", path, "--json", "總統府"]) == 0
    assert json.loads(capsys.readouterr().out)[0] == "總統府"
    assert main(["complete", "--index", path, "-n", "0", "总"]) == 2
    assert "n must be a whole number" in capsys.readouterr().err
    assert main(["search", "--index", path, "zongtongfu"]) == 0
    assert capsys.readouterr().out.startswith("Read zongtongfu as pinyin: 總統府\n")
