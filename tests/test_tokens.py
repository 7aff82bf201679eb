"""Tokenizers honour Whoosh's contract; words and bigrams are what they should be."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from searchlib.analysis import END, SCRIPT, SegmenterProfile, bigrams, word_spans
from searchlib.backends.whoosh.tokenizers import BigramTokenizer, WordTokenizer

# Text drawn mostly from Chinese, Latin, digits, punctuation and odd space.
chinese_text = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.sampled_from(list("國務院新聞辦公室援疆干部5Gg iPhone-19，。！？「」\u3000\u00a0\n")),
        st.characters(),
    ),
    max_size=80,
)


def words(text, profile=None):
    return [w for w, _, _ in word_spans(text, profile or SegmenterProfile())]


def test_latin_and_digits_are_whole_unstemmed_tokens_and_marks_are_tokens():
    assert words("iPhone 15发布，COVID-19疫情，５Ｇ网络，2017年GDP") == [
        "iphone", "15", "发布", ",", "covid", "-", "19", "疫情", ",", "5g", "网络", ",",
        "2017", "年", "gdp"]


def test_a_whole_word_stays_whole():
    assert words("国务院新闻办公室发布") == ["国务院新闻办公室", "发布"]


def test_traditional_text_is_segmented_as_simplified():
    assert words("國務院新聞辦公室") == ["国务院新闻办公室"]


def test_user_words_change_segmentation():
    plain = words("援疆干部座谈")
    custom = words("援疆干部座谈", SegmenterProfile(user_words=["援疆干部"]))
    assert "援疆干部" not in plain
    assert custom[0] == "援疆干部"


def test_bigrams_cover_every_adjacent_pair_and_mark_the_end():
    assert list(bigrams("國務院")) == [("国务", 0), ("务院", 1), ("院" + END, 2)]
    assert list(bigrams("")) == []


def test_word_tokens_positions_are_ordinal_and_offsets_are_chars():
    text = "他说：援疆干部在2017年回到吉林。"
    toks = [(t.text, t.pos, t.startchar, t.endchar)
            for t in WordTokenizer()(text, positions=True, chars=True)]
    assert [t[1] for t in toks] == list(range(len(toks)))
    for word, _, start, end in toks:
        assert SCRIPT.word_form(text)[start:end] == word


@settings(max_examples=150, deadline=None)
@given(chinese_text)
def test_word_tokenizer_invariants(text):
    toks = [(t.text, t.pos, t.startchar, t.endchar)
            for t in WordTokenizer()(text, positions=True, chars=True, mode="index")]
    assert [p for _, p, _, _ in toks] == list(range(len(toks)))   # ordinal positions
    starts = [s for _, _, s, _ in toks]
    assert starts == sorted(starts)                               # in start order
    prev_end = 0
    for word, _, start, end in toks:
        assert word and SCRIPT.word_form(text)[start:end] == word  # offsets point at the token
        assert start >= prev_end                                  # words never overlap
        prev_end = end


@settings(max_examples=150, deadline=None)
@given(chinese_text, st.integers(0, 5), st.integers(0, 50))
def test_bigram_tokenizer_invariants(text, start_pos, start_char):
    toks = [(t.text, t.pos, t.startchar, t.endchar) for t in
            BigramTokenizer()(text, positions=True, chars=True, start_pos=start_pos,
                              start_char=start_char)]
    assert [p for _, p, _, _ in toks] == list(range(start_pos, start_pos + len(toks)))
    assert len(toks) == len(text)
    for gram, _, s, e in toks:
        assert SCRIPT.index_form(text)[s - start_char:e - start_char] == gram.rstrip(END)


def test_query_mode_segments_like_index_mode():
    text = "北京清华大学的援疆干部"
    index = [t.text for t in WordTokenizer()(text, mode="index")]
    query = [t.text for t in WordTokenizer()(text, mode="query")]
    assert index == query


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=()), max_size=60))
def test_offsets_hold_on_any_text_even_lone_surrogates(text):
    for tok in WordTokenizer()(text, positions=True, chars=True):
        assert SCRIPT.word_form(text)[tok.startchar:tok.endchar] == tok.text
    for tok in BigramTokenizer()(text, positions=True, chars=True):
        assert SCRIPT.index_form(text)[tok.startchar:tok.endchar] == tok.text.rstrip(END)
        tok.text.encode("utf-8")  # every term can be stored
