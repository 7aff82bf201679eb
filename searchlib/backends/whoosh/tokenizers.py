"""Whoosh tokenizers over searchlib's tokens (:mod:`searchlib.analysis.tokens`).

Both honour Whoosh's tokenizer contract: ``pos`` is the token's ordinal
position, ``startchar``/``endchar`` are character offsets into the value as
given, tokens come out in start order, and a token's text is its span of the value's
index form. Their module path is pickled into every index's schema: keep them
here. Each records the folding it was made with (``fold_scheme``, a
:func:`~searchlib.analysis.folding_for` version); tokenizers unpickled from a
first-release index have none and fold as that release did.
"""

from __future__ import annotations

from collections.abc import Iterator

from whoosh.analysis import Token, Tokenizer

from ...analysis import SCRIPT, Folding, SegmenterProfile, folding_for
from ...analysis.tokens import END, bigrams, word_spans

__all__ = ["WordTokenizer", "BigramTokenizer", "CharTokenizer"]


class _ChineseTokenizer(Tokenizer):
    fold_scheme: str | None = None  # the class default: what first-release pickles lack

    @property
    def folding(self) -> Folding:
        return folding_for(self.fold_scheme)

    def _token(self, positions: bool, chars: bool, removestops: bool, mode: str,
               kwargs: dict) -> Token:
        return Token(positions, chars, removestops=removestops, mode=mode, **kwargs)


class WordTokenizer(_ChineseTokenizer):
    """Word tokens of Chinese (and mixed) text; see the module docstring."""

    def __init__(self, profile: SegmenterProfile | None = None, fold_scheme: str | None = SCRIPT.version) -> None:
        self.profile = profile or SegmenterProfile()
        self.fold_scheme = fold_scheme

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, WordTokenizer) and other.profile == self.profile
                and other.fold_scheme == self.fold_scheme)

    def __hash__(self) -> int:
        return hash((self.profile, self.fold_scheme))

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 **kwargs: object) -> Iterator[Token]:
        t = self._token(positions, chars, removestops, mode, kwargs)
        if not tokenize:
            t.original = t.text = self.folding.word_form(value)
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        for pos, (word, start, end) in enumerate(word_spans(value, self.profile, self.folding), start_pos):
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


class _CharacterTokenizer(_ChineseTokenizer):
    """Tokens cut from the folded text at character offsets (no segmenter): :meth:`_spans`
    gives each token with its offset and the length of text it covers."""

    def __init__(self, fold_scheme: str | None = SCRIPT.version) -> None:
        self.fold_scheme = fold_scheme

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.fold_scheme == self.fold_scheme

    def __hash__(self) -> int:
        return hash((type(self), self.fold_scheme))

    def _spans(self, value: str) -> Iterator[tuple[str, int, int]]:
        raise NotImplementedError

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 **kwargs: object) -> Iterator[Token]:
        t = self._token(positions, chars, removestops, mode, kwargs)
        for text, start, length in self._spans(value):
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[start:start + length]
            if positions:
                t.pos = start_pos + start
            if chars:
                t.startchar = start_char + start
                t.endchar = t.startchar + length
            yield t


class BigramTokenizer(_CharacterTokenizer):
    """Overlapping character bigrams with ordinal positions; see the module docstring."""

    def _spans(self, value: str) -> Iterator[tuple[str, int, int]]:
        for gram, start in bigrams(value, self.folding):
            yield gram, start, len(gram.rstrip(END))


class CharTokenizer(_CharacterTokenizer):
    """Each character of the index form (the first of each bigram), for one-character search."""

    def _spans(self, value: str) -> Iterator[tuple[str, int, int]]:
        for start, ch in enumerate(self.folding.index_form(value)):
            yield ch, start, 1
