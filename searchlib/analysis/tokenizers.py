"""Whoosh tokenizers for Chinese news text.

Both honour Whoosh's tokenizer contract: ``pos`` is the token's ordinal
position, ``startchar``/``endchar`` are character offsets into the value as
given (folding keeps one character per character), tokens come out in start
order, and ``fold(value[startchar:endchar]) == token.text``.

* :class:`WordTokenizer`: words. Runs of Han characters are cut by jieba (its
  accurate mode, the same at index and query time, so both sides agree);
  runs of letters and digits (``5g``, ``iphone``, ``2017``, ``covid``) are
  tokens of their own, whole and unstemmed; every punctuation mark or symbol
  is a token too (so words on either side of it are not adjacent); white
  space is skipped.
* :class:`BigramTokenizer`: every pair of adjacent characters, positions
  consecutive, so a phrase query of a text's bigrams matches exactly where the
  text occurs, whatever the segmenter made of it. The last character of the
  value also yields ``char + END`` so that single characters can be found.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from whoosh.analysis import Token, Tokenizer

from .fold import fold, fold_for_segmentation
from .segment import SegmenterProfile, get_segmenter

__all__ = ["WordTokenizer", "BigramTokenizer", "word_spans", "bigrams", "END"]

#: Marks the end of a field in the bigram index (``'x' + END`` is the last char x).
END = "\x03"

_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_RUNS = re.compile(rf"(?P<han>[{_HAN}]+)|(?P<word>[^\W_{_HAN}]+)|(?P<sym>[^\w\s]|_)")


def word_spans(text: str, profile: SegmenterProfile) -> Iterator[tuple[str, int, int]]:
    """Yield ``(folded word, start, end)`` for the words (and marks) of ``text``, in order."""
    seg = fold_for_segmentation(text)
    match = fold(text)
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


def bigrams(text: str) -> Iterator[tuple[str, int]]:
    """Yield ``(bigram, start)`` over ``fold(text)``, then ``(last + END, n - 1)``."""
    match = fold(text)
    n = len(match)
    for i in range(n - 1):
        yield match[i:i + 2], i
    if n:
        yield match[-1] + END, n - 1


class _ChineseTokenizer(Tokenizer):  # type: ignore[misc]
    def _token(self, positions: bool, chars: bool, removestops: bool, mode: str,
               kwargs: dict) -> Token:  # type: ignore[type-arg]
        return Token(positions, chars, removestops=removestops, mode=mode, **kwargs)


class WordTokenizer(_ChineseTokenizer):
    """Word tokens of Chinese (and mixed) text; see the module docstring."""

    def __init__(self, profile: SegmenterProfile | None = None) -> None:
        self.profile = profile or SegmenterProfile()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WordTokenizer) and other.profile == self.profile

    def __hash__(self) -> int:
        return hash(self.profile)

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 **kwargs: object) -> Iterator[Token]:
        t = self._token(positions, chars, removestops, mode, kwargs)
        if not tokenize:
            t.original = t.text = fold(value)
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        for pos, (word, start, end) in enumerate(word_spans(value, self.profile), start_pos):
            t.text = word
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[start:end]
            if positions:
                t.pos = pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t


class BigramTokenizer(_ChineseTokenizer):
    """Overlapping character bigrams with ordinal positions; see the module docstring."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BigramTokenizer)

    def __hash__(self) -> int:
        return hash(BigramTokenizer)

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 **kwargs: object) -> Iterator[Token]:
        t = self._token(positions, chars, removestops, mode, kwargs)
        for gram, start in bigrams(value):
            t.text = gram
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[start:start + len(gram.rstrip(END))]
            if positions:
                t.pos = start_pos + start
            if chars:
                t.startchar = start_char + start
                t.endchar = t.startchar + len(gram.rstrip(END))
            yield t
