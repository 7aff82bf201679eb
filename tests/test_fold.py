"""Character folding: one character per character, NFKC, case, scripts."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from searchlib.analysis import fold, fold_for_segmentation, fold_version


def test_full_width_and_case_fold_to_ascii_lowercase():
    assert fold("５Ｇ ＧＤＰ iPhone") == "5g gdp iphone"


def test_traditional_and_simplified_fold_to_the_same_text():
    assert fold("國務院新聞辦公室") == fold("国务院新闻办公室")
    assert fold_for_segmentation("國務院") == "国务院"


def test_variants_that_opencc_converts_in_context_share_a_class():
    # 規畫 is converted to 规划 by OpenCC's phrase table, so 画 and 划 must match
    assert fold("規畫") == fold("规划")
    assert fold("藉口") == fold("借口")
    assert fold("瞭解") == fold("了解")


def test_white_space_of_every_kind_becomes_one_space_each():
    assert fold("a\u00a0b\u3000c\td\ne") == "a b c d e"


def test_expanding_characters_are_kept_and_surrogates_replaced():
    assert fold("ﬁß") == "ﬁß"
    assert fold("x\ud800y") == "x\ufffdy"


def test_fold_version_names_the_table():
    assert fold_version().startswith("han:")


@settings(max_examples=300)
@given(st.text())
def test_fold_keeps_length_and_is_idempotent(text):
    folded = fold(text)
    assert len(folded) == len(text)
    assert fold(folded) == folded
    assert len(fold_for_segmentation(text)) == len(text)


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
