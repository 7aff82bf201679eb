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
