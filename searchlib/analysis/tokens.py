"""Tokens of Chinese news text, as searchlib indexes and queries it (no engine here).

* :func:`word_spans`: words. Runs of Han characters are cut by jieba (its
  accurate mode, the same at index and query time, so both sides agree);
  runs of letters and digits (``5g``, ``iphone``, ``2017``, ``covid``) are
  tokens of their own, whole and unstemmed; every punctuation mark or symbol
  is a token too (so words on either side of it are not adjacent); white
  space is skipped.
* :func:`bigrams`: every pair of adjacent characters, positions consecutive,
  so a phrase of a text's bigrams matches exactly where the text occurs,
  whatever the segmenter made of it. The last character of the value also
  yields ``char + END`` so that single characters can be found.

Offsets are character offsets into the text as given (folding keeps one
character per character); a token is its span of the whole value's folded
form: :meth:`~searchlib.analysis.folding.Folding.word_form` for words,
:meth:`~searchlib.analysis.folding.Folding.index_form` for bigrams.
Engines adapt these to their own token types (``backends/whoosh/tokenizers.py``;
the OpenSearch backend sends them pre-analysed).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .folding import SCRIPT, Folding
from .segment import SegmenterProfile, get_segmenter

__all__ = ["word_spans", "bigrams", "END"]

#: Marks the end of a field in the bigram index (``'x' + END`` is the last char x).
END = "\x03"

_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_RUNS = re.compile(rf"(?P<han>[{_HAN}]+)|(?P<word>[^\W_{_HAN}]+)|(?P<sym>[^\w\s]|_)")


def word_spans(text: str, profile: SegmenterProfile,
               folding: Folding = SCRIPT) -> Iterator[tuple[str, int, int]]:
    """Yield ``(folded word, start, end)`` for the words (and marks) of ``text``, in order."""
    seg = folding.segmentation_form(text)
    match = folding.word_form(text)
    runs = list(_RUNS.finditer(seg))
    han = [m.group() for m in runs if m.lastgroup == "han"]
    cuts = iter(get_segmenter(profile).cut_many(han) if han else ())
    for m in runs:
        start, end = m.span()
        if m.lastgroup != "han":
            yield match[start:end], start, end
            continue
        for word in next(cuts):
            stop = start + len(word)
            yield match[start:stop], start, stop
            start = stop


def bigrams(text: str, folding: Folding = SCRIPT) -> Iterator[tuple[str, int]]:
    """Yield ``(bigram, start)`` over the text's index form, then ``(last + END, n - 1)``."""
    match = folding.index_form(text)
    n = len(match)
    for i in range(n - 1):
        yield match[i:i + 2], i
    if n:
        yield match[-1] + END, n - 1
