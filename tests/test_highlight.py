"""Highlights mark exactly what matched; snippets follow sentences."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from searchlib.analysis import SCRIPT
from searchlib.highlight import find_spans, make_snippets, sentences


def test_a_long_match_is_one_span_not_its_words():
    text = "国务院新闻办公室今天举行发布会。"
    assert find_spans(text, re.compile("国务院新闻办公室")) == [(0, 8)]


def test_traditional_text_is_highlighted_for_a_simplified_query():
    text = "國務院新聞辦公室今天舉行發布會。"
    (span,) = find_spans(text, re.compile("国务院"))
    assert text[span[0]:span[1]] == "國務院"


def test_touching_matches_merge():
    assert find_spans("援疆干部", re.compile("援疆|干部")) == [(0, 4)]


def test_sentences_break_at_chinese_and_ascii_ends_and_lines():
    text = "第一句。第二句！第三句?\n第四句；“引号。”第五句"
    got = [text[s:e] for s, e in sentences(text)]
    assert got == ["第一句。", "第二句！", "第三句?", "第四句；", "“引号。”", "第五句"]


def test_snippets_are_sentences_containing_matches_best_first():
    text = "无关的开头。援疆干部回到吉林。又一句无关。援疆干部和援疆工作都提到援疆。结尾。"
    snips = make_snippets(text, re.compile("援疆干部|援疆"), count=2, size=60)
    assert [s.text for s in snips] == ["援疆干部和援疆工作都提到援疆。", "援疆干部回到吉林。"]
    for s in snips:
        assert text[s.start:s.start + len(s.text)] == s.text
        assert all(s.text[a:b] in ("援疆", "援疆干部") for a, b in s.spans)


def test_long_sentences_are_windowed_around_the_match_without_cutting_it():
    text = ("，".join(["这是一段很长的没有句号的文字"] * 20) + "，关键词国务院新闻办公室在这里，"
            + "后面还有很多文字" * 20 + "。")
    (snip,) = make_snippets(text, re.compile("国务院新闻办公室"), count=1, size=50)
    assert len(snip.text) <= 60
    assert [snip.text[a:b] for a, b in snip.spans] == ["国务院新闻办公室"]


def test_no_match_gives_the_opening():
    (snip,) = make_snippets("第一句话。第二句话。", None)
    assert (snip.text, snip.spans) == ("第一句话。", ())


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["援疆", "国务院", "a", "。", "干部"]),
       st.integers(1, 4), st.integers(10, 200))
def test_snippet_invariants(text, word, count, size):
    text = text.replace("X", word)
    pattern = re.compile(re.escape(word))
    for snip in make_snippets(text, pattern, count=count, size=size):
        assert text[snip.start:snip.start + len(snip.text)] == snip.text
        for a, b in snip.spans:
            assert 0 <= a < b <= len(snip.text)
            got = SCRIPT.index_form(text)[snip.start + a:snip.start + b]
            assert word in got or got in word
        assert "<" not in snip.html.replace("<mark>", "").replace("</mark>", "")
