"""Pinyin queries (searchlib/pinyin.py) on the bundled news: what they read as, and what they never touch."""

from __future__ import annotations

import re

import pytest

import searchlib
from searchlib import contains
from searchlib.pinyin import FULL_LIMIT, INITIALS_LIMIT, reading
from searchlib.plan import plan_search
from searchlib.query import parse_query

from .conftest import HANS, read_jsonl

ROWS = read_jsonl(HANS)


def holding(ix: searchlib.NewsIndex, words) -> set[str]:
    """Ids of the articles whose title or body holds any of ``words`` (no index)."""
    out = set()
    for a in map(ix.get, ix.ids()):
        if a is not None and any(contains(a.title, w) or contains(a.body, w) for w in words):
            out.add(a.id)
    return out


@pytest.mark.parametrize("word, syllables", [
    ("重庆", "chong qing"), ("银行", "yin hang"), ("行长", "hang zhang"), ("长江", "chang jiang"),
    ("重要", "zhong yao"), ("重新", "chong xin"), ("绿色", "lv se"), ("习近平", "xi jin ping"),
    ("中华民国", "zhong hua min guo"), ("蔡英文", "cai ying wen")])
def test_words_read_as_their_phrases_read(word, syllables):
    assert reading(word) == tuple(syllables.split())


@pytest.mark.parametrize("typed", ["xijinping", "xjp", "XiJinPing"])
def test_a_name_typed_in_pinyin_finds_it(hans_index, typed):
    res = hans_index.search(typed, limit=100)
    assert "习近平" in res.pinyin[typed]
    # any of the words, or the letters as typed
    assert {h.id for h in res.hits} == holding(hans_index, [*res.pinyin[typed], typed])
    assert holding(hans_index, ["习近平"]) <= {h.id for h in res.hits}
    marked = {s.text[a:b] for h in res.hits for s in h.snippets for a, b in s.spans}
    assert "习近平" in marked and marked <= set(res.pinyin[typed])


def test_polyphones_read_as_the_word_does(hans_index):
    assert hans_index.search("yinhang").pinyin == {"yinhang": ("银行",)}
    assert "银行" not in hans_index.search("yinxing").pinyin.get("yinxing", ())
    assert hans_index.search("zhongyao").pinyin["zhongyao"][0] == "重要"
    assert "重要" not in hans_index.search("chongyao").pinyin.get("chongyao", ())


def test_no_homophone_noise(hans_index):
    """Every title word is found by its pinyin, and every word a pinyin query reads as
    spells exactly what was typed (or, for initials, starts its syllables so)."""
    from searchlib.analysis import word_spans

    def spelled(w: str) -> tuple[str, ...]:  # words are shown as written (禮 may be U+F9B6)
        return reading(hans_index.backend.folding.word_form(w)) or ()

    full_of: dict[str, str] = {}
    for r in ROWS[:40]:
        for w, _, _ in word_spans(r["title"], hans_index.profile):
            if re.fullmatch(r"[\u4e00-\u9fff]{2,}", w) and reading(w):
                full_of[w] = "".join(reading(w) or ())
    assert len(full_of) > 100
    for word, typed in sorted(full_of.items()):
        words = hans_index.search("pinyin:" + typed, limit=1).pinyin[typed]  # taiwan is text too
        assert word in words or len(words) == FULL_LIMIT, (typed, words)
        assert {"".join(spelled(w)) for w in words} == {typed}, (typed, words)
        initials = "".join(s[0] for s in spelled(word))
        short = hans_index.search("pinyin:" + initials, limit=1).pinyin.get(initials, ())
        assert len(short) <= INITIALS_LIMIT
        assert all("".join(s[0] for s in spelled(w)) == initials or "".join(spelled(w)) == initials
                   for w in short), (initials, short)


@pytest.mark.parametrize("q", ["总统", "經濟 發展", "台湾 民主", '"中华民国"', "总统 -经济", "title:总统",
                               "APEC", "covid", "tw", "AIT 总统", "两岸 OR 大陆"])
def test_ordinary_queries_are_never_read_as_pinyin(hans_index, q):
    res = hans_index.search(q, limit=50)
    assert res.pinyin == {}
    plan = plan_search(parse_query(q), [], hans_index.profile, hans_index.backend.folding)
    found = hans_index.backend.search(plan, sort="relevance", start=0, stop=50)
    assert res.total == found.total and [h.id for h in res.hits] == [a.id for a, _ in found.hits]


def test_latin_words_of_the_articles_mean_themselves_unless_asked(hans_index):
    assert hans_index.search("tw").pinyin == {}  # president.gov.tw
    assert hans_index.search("taiwan").pinyin == {}  # Taiwan Medical Program
    assert hans_index.search("tw").total == len(holding(hans_index, ["tw"]))
    explicit = hans_index.search("pinyin:tw")
    assert explicit.pinyin == {"tw": ("台湾",)}
    assert explicit.total == len(holding(hans_index, ["台湾"]))
    nothing = hans_index.search("pinyin:qxzv")
    assert nothing.pinyin == {} and nothing.total == 0


def test_pinyin_terms_combine_with_others(hans_index):
    res = hans_index.search("mayingjiu 总统府", limit=100)
    assert res.pinyin == {"mayingjiu": ("马英九",)}
    assert {h.id for h in res.hits} == (holding(hans_index, ["马英九", "mayingjiu"])
                                        & holding(hans_index, ["总统府"]))
    assert hans_index.search("zongtong -zongtongfu").pinyin == {"zongtong": ("总统",), "zongtongfu": ("总统府",)}


def test_the_words_follow_the_index(tmp_path):
    with_name = [r for r in ROWS if "习近平" in r["title"] + r["content"]]
    others = [r for r in ROWS if "习近平" not in r["title"] + r["content"]][:20]
    with searchlib.open_index(tmp_path / "ix", create=True) as ix:
        ix.add(others)
        assert "习近平" not in ix.search("xijinping").pinyin.get("xijinping", ())
        ix.add(with_name)
        assert ix.search("xijinping").pinyin == {"xijinping": ("习近平",)}
        for r in with_name:
            ix.delete(str(r["id"]))
        assert "习近平" not in ix.search("xijinping").pinyin.get("xijinping", ())


def test_traditional_articles_are_read_and_shown_as_written(tmp_path):
    from .conftest import HANT

    with searchlib.open_index(tmp_path / "t", create=True) as ix:
        ix.ingest([HANT])
        res = ix.search("zongtongfu")
        assert res.pinyin == {"zongtongfu": ("總統府",)}
        assert res.total == len(holding(ix, ["總統府", "zongtongfu"])) > 0


def test_every_match_of_a_pinyin_query_streams(hans_index):
    res = hans_index.search("xjp", limit=1000)
    assert {a.id for a in hans_index.iter_search("xjp")} == {h.id for h in res.hits} != set()
    assert {a.id for a in hans_index.iter_search("pinyin:tw")} == holding(hans_index, ["台湾"])


def test_homophones_in_han_stay_apart_and_pinyin_spells_both():
    """经典 and 景点 both read jingdian: typed in Han each finds only itself (no pinyin
    folding of Chinese queries, the noise Meilisearch had); typed as jingdian, both."""
    from .conftest import SAMPLES

    rows = [r for r in read_jsonl(SAMPLES / "president_news_recent.jsonl")
            if "经典" in r["title"] + r["content"] or "景点" in r["title"] + r["content"]]
    with searchlib.open_index(None) as ix:
        ix.add(rows)
        classic, sights = holding(ix, ["经典"]), holding(ix, ["景点"])
        assert classic and sights and classic != sights
        for word, want in (("经典", classic), ("景点", sights)):
            res = ix.search(word, limit=100)
            assert res.pinyin == {} and {h.id for h in res.hits} == want
        res = ix.search("jingdian", limit=100)
        assert set(res.pinyin["jingdian"]) == {"经典", "景点"}
        assert {h.id for h in res.hits} == classic | sights


def test_a_pinyin_word_that_reads_as_a_question_word_is_still_a_keyword(hans_index):
    """weihe reads as 为何 (why): the query is still the one word typed, matching every
    article that holds it, not a question whose topical words would exclude it (a
    lifecycle history found no hits at all for it)."""
    res = hans_index.search("weihe", limit=1000)
    assert "为何" in res.pinyin["weihe"]
    assert not res.relaxed
    assert {h.id for h in res.hits} == holding(hans_index, [*res.pinyin["weihe"], "weihe"]) != set()
    asked = hans_index.search("为何 xijinping", limit=1000)  # a question typed with a pinyin name
    assert "习近平" in asked.pinyin["xijinping"] and asked.total > 0
