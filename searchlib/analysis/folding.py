"""Character folding: the normalization under which searchlib matches text.

Two per-character foldings, both mapping every character to exactly one
character, so that an offset in folded text is the same offset in the original:

* :func:`fold_for_segmentation` (what the segmenter sees): NFKC (full-width
  ``５Ｇ`` -> ``5G``, ideographic space -> space), case folding, every kind of
  white space -> one space, and OpenCC's standard traditional->simplified
  character conversion (``國務院`` -> ``国务院``), so jieba reads ordinary
  simplified text.
* :func:`fold` (what is matched): the above, then every Han character to the
  representative of its variant class: characters that OpenCC converts into
  each other in some context (``划/劃/画/畫`` from ``規畫 -> 规划``) match each
  other, so a traditional query finds simplified text and the reverse.

Characters whose NFKC or case folding would expand to several characters (``ﬁ``,
``ß``) are left as they are; lone surrogates become U+FFFD.
"""

from __future__ import annotations

import hashlib
import unicodedata
from functools import lru_cache
from importlib import resources

__all__ = ["fold", "fold_for_segmentation", "fold_version"]

_DATA = "han_fold.tsv"


class _CharTable(dict):
    """A ``str.translate`` table filled on first sight of each code point."""

    def __init__(self, han: dict[str, str]) -> None:
        super().__init__()
        self._han = han

    def __missing__(self, cp: int) -> int | str:
        ch = chr(cp)
        out = ch
        for _ in range(4):  # to a fixed point; NFKC/casefold/han rarely chain
            nxt = _fold_char(out, self._han)
            if nxt == out:
                break
            out = nxt
        value: int | str = cp if out == ch else out
        self[cp] = value
        return value


def _fold_char(ch: str, han: dict[str, str]) -> str:
    if "\ud800" <= ch <= "\udfff":
        return "\ufffd"
    if ch.isspace():
        return " "
    norm = unicodedata.normalize("NFKC", ch)
    if len(norm) == 1:
        ch = norm
    low = ch.casefold()
    if len(low) == 1:
        ch = low
    return han.get(ch, ch)


@lru_cache(maxsize=1)
def _han_tables() -> tuple[dict[str, str], dict[str, str], str]:
    text = resources.files(__package__).joinpath("data").joinpath(_DATA).read_text(encoding="utf-8")
    t2s: dict[str, str] = {}
    rep: dict[str, str] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        ch, simp, klass = line.split("\t")
        if simp != ch:
            t2s[ch] = simp
        if klass != ch:
            rep[ch] = klass
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
    return t2s, rep, digest


@lru_cache(maxsize=1)
def _seg_table() -> _CharTable:
    return _CharTable(_han_tables()[0])


@lru_cache(maxsize=1)
def _match_table() -> _CharTable:
    return _CharTable(_han_tables()[1])


def fold_for_segmentation(text: str) -> str:
    """Normalize ``text`` for the word segmenter (same length as ``text``)."""
    return text.translate(_seg_table())


def fold(text: str) -> str:
    """Normalize ``text`` for matching (same length as ``text``).

    ``fold(a) in fold(b)`` is searchlib's definition of "b contains a".
    """
    return text.translate(_match_table())


def fold_version() -> str:
    """Identifies the Han folding table (changes mean indexes must be rebuilt).

    NFKC and case folding come from the running Python's Unicode database;
    its version changes only rare characters and is recorded separately.
    """
    return f"han:{_han_tables()[2]}"
