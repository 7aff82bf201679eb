"""Completions of what someone is typing: the index's words that start with it, likeliest first.

A completion is a word of the index (jieba's words of titles and bodies, as
the index folds them) that starts with the last term typed, ranked by how
many articles hold it: an article holding it in its title counts
:data:`TITLE_WEIGHT` times, one holding it in its body once. Folding makes a
traditional prefix complete like a simplified one (``總統`` and ``总统`` give
the same words); each word is shown as the articles write it, the spelling
most of a few articles holding it use (:data:`EXAMPLES`), not converted to
the prefix's script (simplified to traditional is ambiguous: 发 is 發 or 髮).
Words of one character and marks are never completions.

Engine-neutral: the words and their counts come from the backend's
:meth:`~searchlib.backends.base.TermStats.iter_words`.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Hashable, Iterable, Sequence
from functools import lru_cache

from .analysis import Folding
from .backends.base import TermStats
from .errors import UsageError

__all__ = ["complete", "Surfaces", "MAX_PREFIX_CHARS", "MAX_COMPLETIONS", "TITLE_WEIGHT", "EXAMPLES"]

#: A prefix longer than this is not something being typed into a search box.
MAX_PREFIX_CHARS = 100
#: complete(n=...) allows at most this many.
MAX_COMPLETIONS = 100
#: An article holding the word in its title counts this many times.
TITLE_WEIGHT = 3
#: Articles read to see how a word is written.
EXAMPLES = 3
#: Prefixes whose ranked words are remembered (for one index state).
REMEMBERED = 20_000
#: Spellings of the last term tried at most (folding readings of its characters).
_MAX_VARIANTS = 16
_TAGS = 0xF0000  # the folding's private tag characters (never in a word) start here
_LAST_TERM = re.compile(r"^(.*\s)?(\S*)$", re.S)


class Surfaces:
    """What completion remembers for one index state: how articles write its
    words, and the last :data:`REMEMBERED` prefixes' ranked words (many people
    type the same first characters)."""

    def __init__(self) -> None:
        self._state: Hashable = None
        self._known: dict[str, str] = {}
        self._ranked: OrderedDict[tuple[str, ...], list[str]] = OrderedDict()
        self._lock = threading.Lock()

    def _current(self, state: Hashable) -> None:
        """Forget everything of another state (the caller holds the lock)."""
        if state != self._state:
            self._state, self._known, self._ranked = state, {}, OrderedDict()

    def ranked(self, terms: TermStats, prefixes: list[str], n: int, state: Hashable) -> list[str]:
        """:func:`ranked_words` of ``prefixes``, remembered for this state."""
        key = (str(n), *prefixes)
        with self._lock:
            self._current(state)
            if key in self._ranked:
                self._ranked.move_to_end(key)
                return self._ranked[key]
        words = ranked_words(terms, prefixes, n)
        with self._lock:
            if state == self._state:
                self._ranked[key] = words
                while len(self._ranked) > REMEMBERED:
                    self._ranked.popitem(last=False)
        return words

    def get(self, terms: TermStats, words: Sequence[str], folding: Folding,
            state: Hashable = None) -> list[str]:
        """Each (folded) word as the articles holding it most often write it."""
        if state is None:
            state = terms.state()
        with self._lock:
            self._current(state)
            known = {w: self._known[w] for w in words if w in self._known}
        missing = [w for w in words if w not in known]
        if missing:
            found = {w: _spelling(w, texts, folding)
                     for w, texts in terms.word_examples(missing, EXAMPLES).items()}
            known.update(found)
            with self._lock:
                if state == self._state:
                    self._known.update(found)
        return [known.get(w, w) for w in words]


_RANGES = ((0x20, 0x250), (0x3000, 0x3040), (0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00),
           (0xFF00, 0xFFF0))


@lru_cache(maxsize=8)
def _spellings_of(folding: Folding) -> dict[str, str]:
    """folded character -> every character that folds to it (itself included)."""
    out: dict[str, str] = {}
    for lo, hi in _RANGES:
        for cp in range(lo, hi):
            ch = chr(cp)
            folded = folding.word_form(ch)
            if len(folded) == 1 and folded != ch:
                out[folded] = out.get(folded, folded) + ch
    return out


def _finder(word: str, folding: Folding) -> re.Pattern[str]:
    """A regex over unfolded text matching what may fold to ``word``."""
    chars = _spellings_of(folding)
    return re.compile("".join("[" + re.escape(chars.get(c, c)) + "]" for c in word))


def _spelling(word: str, texts: Iterable[tuple[str, str]], folding: Folding) -> str:
    """The commonest spelling of ``word`` in these (title, body) texts (the word itself if none holds it)."""
    seen: Counter[str] = Counter()
    finder = _finder(word, folding)
    for title, body in texts:
        m = finder.search(title) or finder.search(body)
        if m is not None:
            seen[m.group()] += 1
            continue
        for text in (title, body):  # a spelling only its context folds so (計畫 -> 计划)
            at = folding.word_form(text).find(word)
            if at >= 0:
                seen[text[at:at + len(word)]] += 1
                break
    return min(seen, key=lambda s: (-seen[s], s)) if seen else word


def check_prefix(prefix: object, n: object) -> None:
    """Raise :class:`UsageError` for a prefix that is not text or too long, or a bad ``n``."""
    if not isinstance(prefix, str):
        raise UsageError(f"a prefix to complete must be a string, not {type(prefix).__name__}")
    if len(prefix) > MAX_PREFIX_CHARS:
        raise UsageError(f"the prefix is {len(prefix)} characters long; completion takes at most "
                         f"{MAX_PREFIX_CHARS}")
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= MAX_COMPLETIONS:
        raise UsageError(f"n must be a whole number from 1 to {MAX_COMPLETIONS}, not {n!r}")


def variants(text: str, folding: Folding) -> list[str]:
    """The folded spellings ``text`` may stand for (one per reading of its characters)."""
    base = folding.word_form(text)
    sets = [sorted({c for c in chars if ord(c) < _TAGS and folding.word_form(c) == c} | {b})
            for chars, b in zip(folding.query_pattern(text), base)]
    out = []
    for chars in itertools.product(*sets):
        out.append("".join(chars))
        if len(out) >= _MAX_VARIANTS:
            break
    return out


def ranked_words(terms: TermStats, prefixes: Iterable[str], n: int) -> list[str]:
    """The ``n`` likeliest words starting with any of ``prefixes`` (best first)."""
    scores: dict[str, int] = {}
    for prefix in prefixes:
        for word, title, body in terms.iter_words(prefix):
            if len(word) >= 2:
                scores[word] = body + TITLE_WEIGHT * title
    return sorted(scores, key=lambda w: (-scores[w], w))[:n]


def complete(terms: TermStats, prefix: str, n: int, folding: Folding, surfaces: Surfaces) -> list[str]:
    """Completions of ``prefix``'s last term, best first, each with the text
    before that term kept as typed (``习近平 访`` -> ``习近平 访问``...).

    An empty prefix, or one ending in a space (no term being typed), has none.
    """
    check_prefix(prefix, n)
    m = _LAST_TERM.match(prefix)
    head, last = (m.group(1) or "", m.group(2)) if m else ("", "")
    if not last:
        return []
    state = terms.state()
    words = surfaces.ranked(terms, variants(last, folding), n, state)
    return [head + s for s in surfaces.get(terms, words, folding, state)]
