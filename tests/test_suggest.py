"""Did-you-mean candidates (searchlib/suggest.py) on real news: the lazy search for
substitutions finds exactly the candidates of the plain definition."""

from __future__ import annotations

import random

from searchlib.suggest import MAX_CANDIDATES, _substitutions

from .conftest import HANS, read_jsonl


def plain(terms, m: str) -> list[str]:
    """Every substitution the index shows on both sides, likeliest first (the definition)."""
    scored = []
    for i in range(1, len(m)):
        for c, df in terms.next_chars(m[i - 1]).items():
            if c != m[i] and (i + 1 == len(m) or terms.has_pair(c + m[i + 1])):
                scored.append((df, m[:i] + c + m[i + 1:]))
    scored.sort(key=lambda t: -t[0])
    return [cand for _, cand in scored[:MAX_CANDIDATES]]


def test_substitutions_are_those_of_the_definition(hans_index):
    terms = hans_index.backend.terms()
    rng = random.Random(3)
    texts = [r["title"] + r["content"] for r in read_jsonl(HANS)]
    tried = 0
    for _ in range(150):
        text = rng.choice(texts)
        at = rng.randrange(len(text) - 6)
        m = text[at:at + rng.randint(2, 5)]
        if not all("\u4e00" <= ch <= "\u9fff" for ch in m):
            continue
        if rng.random() < 0.5:  # a typo: one character replaced by a common one
            i = rng.randrange(len(m))
            m = m[:i] + rng.choice("的是在有和了") + m[i + 1:]
        m = hans_index.backend.folding.word_form(m)
        assert _substitutions(terms, m) == plain(terms, m), m
        tried += 1
    assert tried > 60


def test_bounds_hold_and_the_pruned_search_picks_what_counting_all_picks(hans_index):
    """Frequency bounds are never below the count; choosing the likeliest candidate from
    the highest bound down picks what counting every candidate picks (ties: the earliest)."""
    from searchlib.suggest import _most_frequent

    terms = hans_index.backend.terms()
    rng = random.Random(11)
    texts = [r["title"] + r["content"] for r in read_jsonl(HANS)]
    for _ in range(40):
        text = rng.choice(texts)
        at = rng.randrange(len(text) - 6)
        m = hans_index.backend.folding.word_form(text[at:at + rng.randint(2, 4)])
        candidates = _substitutions(terms, m) + [m, m[:1], "国"]
        counts = terms.text_frequencies(candidates)
        bounds = terms.text_frequency_bounds(candidates)
        assert all(bounds[c] >= counts[c] for c in candidates), m
        for need in (1, 3, 30, 10_000):
            want = None
            for c in candidates:
                if counts[c] >= need and (want is None or counts[c] > want[1]):
                    want = (c, counts[c])
            assert _most_frequent(terms, candidates, need) == want, (m, need)
