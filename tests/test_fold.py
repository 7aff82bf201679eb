"""Character folding: one character per character, NFKC, case, scripts."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searchlib.analysis import CLASSES, SCRIPT, fold, fold_key, fold_version, folding_for

from .conftest import HANS, HANT, read_jsonl

#: Characters whose traditional form has two simplified readings that OpenCC's
#: tables cannot tell apart in every context (README, "Traditional and simplified").
AMBIGUOUS = set("於夥徵甦瞭著乾")


def test_full_width_and_case_fold_to_ascii_lowercase():
    assert fold("５Ｇ ＧＤＰ iPhone") == "5g gdp iphone"


def test_fold_changes_no_han_character():
    for a, b in ("画划", "沉沈", "着著", "干乾", "国國"):
        assert fold(a) != fold(b)


def test_keys_fold_traditional_characters_one_for_one():
    assert fold_key("江城日報") == fold_key("江城日报") == "江城日报"
    assert fold_key("國務院") == "国务院"
    assert fold_key("画") != fold_key("划")


def test_white_space_of_every_kind_becomes_one_space_each():
    assert fold("a\u00a0b\u3000c\td\ne") == "a b c d e"


def test_expanding_characters_are_kept_and_surrogates_replaced():
    assert fold("ﬁß") == "ﬁß"
    assert fold("x\ud800y") == "x\ufffdy"


def test_versions_name_the_tables():
    assert fold_version().startswith("script:")
    assert folding_for(fold_version()) is SCRIPT
    assert folding_for(None) is CLASSES and folding_for(CLASSES.version) is CLASSES


@pytest.mark.parametrize(("query", "text"), [
    ("画", "规划面积"), ("画面", "规划面积"), ("划", "画面"), ("沈", "沉没"), ("沉", "沈阳"),
    ("着", "著作"), ("著", "看着"), ("干", "乾隆"), ("乾", "干部"), ("于", "於是"),
])
def test_distinct_simplified_characters_never_match(query, text):
    assert not SCRIPT.matches(query, text)
    assert SCRIPT.matches(query, query) and SCRIPT.matches(text, text)


@pytest.mark.parametrize(("query", "text"), [
    ("國務院", "国务院新闻办公室"), ("国务院", "國務院新聞辦公室"), ("畫面", "画面很美"),
    ("计划", "計畫經濟"), ("計畫", "计划经济"), ("干燥", "天氣乾燥"), ("乾燥", "天气干燥"),
    ("干部", "幹部會議"), ("幹部", "干部会议"), ("頭髮", "头发"), ("头发", "頭髮長了"),
    ("５Ｇ", "5g網路"), ("乾清宮", "乾清宫"),
])
def test_traditional_queries_find_simplified_text_and_the_reverse(query, text):
    assert SCRIPT.matches(query, text)


def test_ambiguous_traditional_characters_match_by_what_they_are_and_what_they_read():
    # 乾 reads 乾 in 乾清宮 and 干 in 乾燥; either way a query in either script finds it
    for query in ("乾清宫", "乾清宮", "干清宫"):
        assert SCRIPT.matches(query, "參觀乾清宮的遊客")
    assert SCRIPT.matches("干燥", "今年夏天氣候乾燥") and SCRIPT.matches("乾燥", "今年夏天氣候乾燥")
    # 於 alone, copied from a traditional article, finds it (and 于 does too)
    assert SCRIPT.matches("於", "教授於六月十八日訪問臺灣") and SCRIPT.matches("于", "教授於六月十八日訪問臺灣")
    # while simplified text keeps its characters apart
    assert not SCRIPT.matches("于", "於姓人家") and not SCRIPT.matches("干", "乾隆年间的事")


def test_script_of_a_text_is_decided_by_its_evidence():
    assert SCRIPT.script("中華民國總統府") == "T"
    assert SCRIPT.script("中华民国总统府") == "S"
    assert SCRIPT.script("2017") == "S"


@settings(max_examples=300)
@given(st.text())
def test_folds_keep_length_and_fold_is_idempotent(text):
    folded = fold(text)
    assert len(folded) == len(text)
    assert fold(folded) == folded
    assert len(fold_key(text)) == len(text)
    assert len(SCRIPT.index_form(text)) == len(text)
    assert len(SCRIPT.query_pattern(text)) == len(text)


@settings(max_examples=200)
@given(st.text(), st.text(), st.text())
def test_containment_survives_folding(a, b, c):
    # fold works character by character, so a substring stays a substring
    assert fold(b) in fold(a + b + c)


def test_every_bmp_character_folds_to_a_fixed_point():
    bad = [cp for cp in range(0x10000)
           if not 0xD800 <= cp <= 0xDFFF and fold(fold(chr(cp))) != fold(chr(cp))]
    assert bad == []


def test_nfkc_agrees_with_unicodedata_for_single_char_results():
    for ch in "０９ＡＺａｚ！？（）：；，":
        assert fold(ch) == unicodedata.normalize("NFKC", ch).casefold()


# ------------------------------------------------ on the aligned articles of tests/data

HAN = re.compile(r"[\u4e00-\u9fff]+")


def _aligned():
    hans = {str(r["id"]): r["title"] + "\n" + r["content"] for r in read_jsonl(HANS)}
    hant = {str(r["id"]): r["title"] + "\n" + r["content"] for r in read_jsonl(HANT)}
    ids = sorted(set(hans) & set(hant))
    return [hans[i] for i in ids], [hant[i] for i in ids]


def _cuts(texts, n, seed):
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        i = rng.randrange(len(texts))
        runs = HAN.findall(texts[i])
        run = rng.choice(runs)
        k = rng.randint(1, min(6, len(run)))
        start = rng.randrange(len(run) - k + 1)
        out.append((i, start, run[start:start + k]))
    return out


def test_cross_script_recall_and_simplified_precision_on_real_articles():
    hans, hant = _aligned()
    assert len(hans) >= 100
    forms = {"S": [SCRIPT.index_form(t) for t in hans], "T": [SCRIPT.index_form(t) for t in hant]}
    misses = []
    # a piece of an article, typed in either script, finds that article in the other
    for (src, dst) in (("S", "T"), ("T", "S")):
        texts = hans if src == "S" else hant
        for i, _, q in _cuts(texts, 300, seed=len(src + dst) + ord(src)):
            rx = re.compile(_source(q))
            if not rx.search(forms[dst][i]) and not set(q) & AMBIGUOUS:
                misses.append((src, dst, q))
    assert misses == []
    # a simplified query on simplified text finds exactly the articles holding it
    for _, _, q in _cuts(hans, 300, seed=11):
        rx = re.compile(_source(q))
        found = {i for i, f in enumerate(forms["S"]) if rx.search(f)}
        assert found == {i for i, t in enumerate(hans) if fold(q) in fold(t)}, q


def _source(query):
    from searchlib.analysis.folding import pattern_source

    return pattern_source(SCRIPT.query_pattern(query))


def test_suggestions_on_traditional_text_never_show_tag_symbols():
    import searchlib

    rows = read_jsonl(HANT)
    texts = [r["content"] for r in rows]
    # typos of a character that traditional text indexes as a tag (於, 藉, 乾...)
    tagged = {c for t in texts for c, f in zip(t, SCRIPT.index_form(t)) if ord(f) >= 0xF0000}
    typos = sorted({m.group(1) + "的" + m.group(3) for t in texts
                    for m in re.finditer(f"([\u4e00-\u9fff]{{2}})([{''.join(tagged)}])([\u4e00-\u9fff])", t)})
    assert len(typos) > 20
    with searchlib.open_index(None) as ix:
        ix.add([{"id": str(r["id"]), "title": r["title"], "body": r["content"]} for r in rows])
        suggestions = [s for s in (ix.search(q).suggestion for q in typos[:80]) if s]
        assert suggestions
        assert [s for s in suggestions if any(ord(c) >= 0xF0000 for c in s)] == []
