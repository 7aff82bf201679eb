"""Pinyin queries: Latin letters read as the Han words of the index they spell.

A query term of Latin letters only (``xijinping``, ``xjp``) that no article
holds as a word of its own, or any value of an explicit ``pinyin:`` term, is
read as pinyin: it matches the index's Han words (two characters or more) whose
reading, without tones and spaces, is the term (full pinyin), or, when no
word reads so in full, whose syllables start with its letters (initials:
the likeliest :data:`INITIALS_LIMIT`, each in at least :data:`INITIALS_SHARE`
of the articles of the first). A full pinyin reads as at most
:data:`FULL_LIMIT` words, the most frequent. The term becomes "any of those words, or the letters as typed" (an
explicit ``pinyin:`` term: those words only), so the text a query found
before it was read as pinyin is still found (``xjp`` inside a URL); a
Latin word that articles hold (``taiwan``, ``apec``, ``tw`` in ``gov.tw``)
means itself: ``pinyin:taiwan`` reads it as 台湾. The words are what is
ranked and highlighted, and :attr:`~searchlib.SearchResults.pinyin` says how each term
was read.

Readings come from pypinyin's dictionaries: a word's phrases (longest first)
take their dictionary reading, so polyphones read as the word reads them
(重庆 ``chongqing``, 银行 ``yinhang``, 长江 ``changjiang``); other characters
take their usual reading. Only those readings count, never a character's rare
ones, so a typed pinyin finds the words it spells and no others (``jingdian``
is 经典 and 景点, both spelled so; ``yiwan`` is never 台湾). ``ü`` is typed
``v`` (``lvse``: 绿色). Queries in Han characters are never read as pinyin.

The words to read come from the index's own vocabulary
(:meth:`~searchlib.backends.base.TermStats.iter_words`), indexed once per
index state (:meth:`~searchlib.backends.base.TermStats.state`) and rebuilt
after any change; the readings of words are remembered across rebuilds.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Hashable, Iterator
from functools import lru_cache
from typing import Any

import attrs

from .analysis import Folding
from .backends.base import TermStats
from .query import All, Any_, Match, Node, Not, Query, Text

__all__ = ["PinyinIndex", "Readings", "read_pinyin", "reading", "FULL_LIMIT", "INITIALS_LIMIT",
           "PINYIN_FIELD"]

#: The query field that reads its value as pinyin: ``pinyin:xjp``.
PINYIN_FIELD = "pinyin"
#: Words a full pinyin is read as at most (the most frequent homophones).
FULL_LIMIT = 8
#: Words initials are read as at most (initials are far more ambiguous)...
INITIALS_LIMIT = 3
#: ...each in at least this share of the articles of the likeliest one (``tw``: 台湾, not 提问).
INITIALS_SHARE = 0.2
#: Longest phrase looked up in pypinyin's phrase dictionary.
_LONGEST_PHRASE = 8
_LATIN = re.compile(r"[a-z]{2,}")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f]{2,}")
_UMLAUT = str.maketrans({c: "v" for c in "üǖǘǚǜ"})

#: term as typed -> the Han words it was read as (as articles write them)
Readings = dict[str, tuple[str, ...]]


@lru_cache(maxsize=1)
def _dictionaries() -> tuple[dict[str, Any], dict[int, str]]:
    from pypinyin.constants import PHRASES_DICT, PINYIN_DICT  # loads 0.8 s of tables: only when needed
    return PHRASES_DICT, PINYIN_DICT


@lru_cache(maxsize=4096)
def _plain(syllable: str) -> str:
    """A toned pinyin syllable without its tone (``lǜ`` -> ``lv``)."""
    text = unicodedata.normalize("NFKD", syllable.translate(_UMLAUT))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


@lru_cache(maxsize=500_000)
def reading(word: str) -> tuple[str, ...] | None:
    """The syllables of a Han word as it reads (None if a character has no reading)."""
    phrases, chars = _dictionaries()
    out: list[str] = []
    i = 0
    while i < len(word):
        for j in range(min(len(word), i + _LONGEST_PHRASE), i + 1, -1):
            found = phrases.get(word[i:j])
            if found is not None and len(found) == j - i:
                out += [_plain(s[0]) for s in found]
                i = j
                break
        else:
            readings = chars.get(ord(word[i]))
            if not readings:
                return None
            out.append(_plain(readings.split(",")[0]))
            i += 1
    return tuple(out)


class PinyinIndex:
    """Full pinyin and initials -> the index's Han words, for one index state."""

    def __init__(self, terms: TermStats) -> None:
        self.full: dict[str, list[tuple[int, str]]] = {}
        self.initials: dict[str, list[tuple[int, str]]] = {}
        for word, title, body in terms.iter_words(""):
            if not _HAN.fullmatch(word):
                continue
            syllables = reading(word)
            if syllables is None:
                continue
            score = title + body
            self.full.setdefault("".join(syllables), []).append((score, word))
            self.initials.setdefault("".join(s[0] for s in syllables), []).append((score, word))

    def words(self, typed: str) -> list[str]:
        """The words ``typed`` (lower-case letters) spells, most frequent first."""
        found = self.full.get(typed)
        if found:
            return [w for _, w in sorted(found, key=lambda sw: (-sw[0], sw[1]))[:FULL_LIMIT]]
        ranked = sorted(self.initials.get(typed, ()), key=lambda sw: (-sw[0], sw[1]))[:INITIALS_LIMIT]
        return [w for score, w in ranked if score >= INITIALS_SHARE * ranked[0][0]]


class PinyinCache:
    """The :class:`PinyinIndex` of an index's current state (rebuilt when it changes)."""

    def __init__(self) -> None:
        self._state: Hashable = None
        self._index: PinyinIndex | None = None
        self._lock = threading.Lock()

    def get(self, terms: TermStats) -> PinyinIndex:
        state = terms.state()
        with self._lock:
            if self._index is None or state != self._state:
                self._index, self._state = PinyinIndex(terms), state
            return self._index


@attrs.frozen
class _Term:
    text: str
    explicit: bool


def _candidates(node: Node) -> Iterator[_Term]:
    """Terms that may be pinyin: ``pinyin:`` values, and unquoted Latin-letter terms."""
    if isinstance(node, Match) and node.field == PINYIN_FIELD:
        yield _Term(node.value, True)
    elif isinstance(node, Text) and not node.quoted and _LATIN.fullmatch(node.text.lower()):
        yield _Term(node.text, False)
    elif isinstance(node, Not):
        yield from _candidates(node.child)
    elif isinstance(node, (All, Any_)):
        for child in node.children:
            yield from _candidates(child)


def _rewrite(node: Node, words: dict[str, tuple[str, ...]]) -> Node:
    """The tree with each term read as pinyin replaced by "any of its words"."""
    if isinstance(node, Match) and node.field == PINYIN_FIELD:
        found = words.get(node.value)
        return _any(found, node.value) if found else Text(node.value)
    if isinstance(node, Text) and not node.quoted and node.text in words:
        return _any(words[node.text], node.text, node.fields, keep=True)
    if isinstance(node, Not):
        return Not(_rewrite(node.child, words))
    if isinstance(node, All):
        return All(tuple(_rewrite(c, words) for c in node.children))
    if isinstance(node, Any_):
        return Any_(tuple(_rewrite(c, words) for c in node.children))
    return node


def _any(found: tuple[str, ...], typed: str, fields: tuple[str, ...] = ("title", "body"),
         keep: bool = False) -> Node:
    """Any of the words (``keep``: or the text as typed)."""
    texts = tuple(Text(w, fields=fields) for w in found) + ((Text(typed, fields=fields),) if keep else ())
    return texts[0] if len(texts) == 1 else Any_(texts)


def read_pinyin(query: Query, terms: TermStats, cache: PinyinCache, folding: Folding,
                spell: Any = None) -> tuple[Query, Readings]:
    """``query`` with its pinyin terms read as Han words, and what each was read as.

    Args:
        spell: ``spell(words) -> spellings`` shows folded words as articles write them.
    """
    chosen: dict[str, tuple[str, ...]] = {}
    for term in _candidates(query.node):
        typed = term.text.lower()
        if term.text in chosen or not _LATIN.fullmatch(typed):
            continue
        if not term.explicit and terms.word_frequency(folding.word_form(term.text)):
            continue  # a Latin word of the articles: it means itself
        found = tuple(cache.get(terms).words(typed))
        if found:
            chosen[term.text] = found
    if not chosen:
        if any(t.explicit for t in _candidates(query.node)):
            return attrs.evolve(query, node=_rewrite(query.node, {})), {}
        return query, {}
    node = _rewrite(query.node, chosen)
    shown = {t: tuple(spell(list(ws)) if spell else ws) for t, ws in chosen.items()}
    return attrs.evolve(query, node=node), shown
