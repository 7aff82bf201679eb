"""Character folding: the normalization under which searchlib matches text.

Every folding maps each character to exactly one character, so that an offset
in folded text is the same offset in the original.

* :func:`fold`: NFKC (full-width ``５Ｇ`` -> ``5G``, ideographic space -> space),
  case folding, every kind of white space -> one space; lone surrogates become
  U+FFFD. No Han character is changed: distinct simplified characters (画 and
  划, 沉 and 沈, 着 and 著, 干 and 乾) never match each other.
* :data:`SCRIPT` (a :class:`ScriptFolding`), what an index matches by:
  a text written in traditional characters (more traditional-only than
  simplified-only characters) is converted to simplified by context, the way
  OpenCC's t2s does it (its character table, and its phrase table where a
  character has several readings: 乾燥 -> 干燥, 乾隆 stays); simplified text
  is left as it is. A query becomes one set of characters per position
  (:meth:`ScriptFolding.query_pattern`): a traditional-only character stands
  for every simplified reading it has (畫 -> 画 or 划), so traditional queries
  find simplified text and the reverse, while a simplified query on simplified
  text means exactly its characters.
* :func:`fold_key`: :func:`fold` plus OpenCC's standard character conversion,
  for values compared whole (sources, categories, tags: 江城日報 = 江城日报) and
  content digests.

The tables come from OpenCC (``data/han_script.tsv``, made by :mod:`.foldgen`).
Indexes of the first release folded every Han character to a representative of
its variant class (:data:`CLASSES`, ``data/han_fold.tsv``); they keep folding
that way until rebuilt.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from functools import cached_property, lru_cache
from importlib import resources

__all__ = ["fold", "fold_key", "contains", "Folding", "ScriptFolding", "ClassFolding", "SCRIPT", "CLASSES",
           "folding_for", "fold_version", "Pattern", "pattern_regex"]

#: One set of acceptable characters per position of a query.
Pattern = tuple[frozenset[str], ...]
#: The first tag symbol (plane 15, private use): see ``ScriptFolding._tags``.
TAG_BASE = 0xF0000


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


_BASE = _CharTable({})


def fold(text: str) -> str:
    """NFKC, case and white space folding (same length as ``text``); no Han changes."""
    return text.translate(_BASE)


def _data(name: str) -> str:
    return resources.files(__package__).joinpath("data").joinpath(name).read_text(encoding="utf-8")


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


class Folding:
    """How an index turns text into what it matches (see the module docstring)."""

    version: str

    def index_form(self, text: str) -> str:
        """The text as indexed and as highlights search it (same length)."""
        raise NotImplementedError

    def segmentation_form(self, text: str) -> str:
        """The text as the word segmenter reads it (same length)."""
        return self.index_form(text)

    def word_form(self, text: str) -> str:
        """The text that words are cut from (same length)."""
        return self.segmentation_form(text)

    def query_pattern(self, text: str) -> Pattern:
        """The characters a match may hold at each position of ``text``."""
        raise NotImplementedError

    def key(self, text: str) -> str:
        """A value compared whole: sources, categories, tags (same length)."""
        raise NotImplementedError

    def matches(self, query: str, text: str) -> bool:
        """Whether ``text`` holds ``query``: the definition every search meets."""
        pattern = self.query_pattern(query)
        return bool(pattern) and pattern_regex(pattern).search(self.index_form(text)) is not None


@lru_cache(maxsize=4096)
def _regex_cached(pattern: Pattern) -> re.Pattern[str]:
    return re.compile(pattern_source(pattern))


def pattern_source(pattern: Pattern) -> str:
    """A regular expression (source) matching the pattern's strings."""
    return "".join(re.escape(next(iter(s))) if len(s) == 1
                   else "[" + "".join(re.escape(c) for c in sorted(s)) + "]" for s in pattern)


def pattern_regex(pattern: Pattern) -> re.Pattern[str]:
    """A compiled regular expression matching the pattern's strings."""
    return _regex_cached(pattern)


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class _CharSet:
    """Finds the characters of a set in text, fast: a regular expression class
    holding a character beyond the BMP is matched by a linear scan of the class
    (40 ms on a 9,000-character article), so those few are looked up apart."""

    def __init__(self, chars: Iterable[str]) -> None:
        self.chars = frozenset(chars)
        bmp = "".join(sorted(c for c in self.chars if c <= "\uffff"))
        self._bmp = re.compile(f"[{re.escape(bmp)}]") if bmp else None
        self._astral = any(c > "\uffff" for c in self.chars)

    def positions(self, text: str) -> list[int]:
        """Offsets in ``text`` of the set's characters, in order."""
        out = [m.start() for m in self._bmp.finditer(text)] if self._bmp else []
        if self._astral:
            extra = [m.start() for m in _ASTRAL.finditer(text) if m.group() in self.chars]
            if extra:
                out = sorted(out + extra)
        return out

    def count(self, text: str, enough: int | None = None) -> int:
        """How many of ``text``'s characters are in the set (counting stops at ``enough``)."""
        if enough is None:
            n = len(self._bmp.findall(text)) if self._bmp else 0
            if self._astral:
                n += sum(1 for m in _ASTRAL.finditer(text) if m.group() in self.chars)
            return n
        n = 0
        if enough <= 0:
            return 0
        for rx in (self._bmp, _ASTRAL if self._astral else None):
            if rx is None:
                continue
            for m in rx.finditer(text):
                if rx is self._bmp or m.group() in self.chars:
                    n += 1
                    if n == enough:
                        return n
        return n


class ScriptFolding(Folding):
    """Simplified text as it is, traditional text converted by context (:data:`SCRIPT`)."""

    @cached_property
    def _tables(self) -> tuple[dict[str, str], dict[str, frozenset[str]], dict[str, str], dict[str, str], str]:
        text = _data("han_script.tsv")
        default: dict[str, str] = {}
        readings: dict[str, frozenset[str]] = {}
        flags: dict[str, str] = {}
        phrases: dict[str, str] = {}
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            kind, *cols = line.split("\t")
            if kind == "P":
                phrases[cols[0]] = cols[1]
                continue
            ch, simp, outs, flag = cols
            if simp != ch:
                default[ch] = simp
            if outs:
                readings[ch] = frozenset(outs)
            if flag:
                flags[ch] = flag
        return default, readings, flags, phrases, _digest(text)

    @property
    def version(self) -> str:  # type: ignore[override]
        return f"script:{self._tables[4]}"

    @cached_property
    def _default_plain(self) -> dict[int, str]:
        return {ord(k): v for k, v in self._tables[0].items()}

    @cached_property
    def _evidence(self) -> tuple[_CharSet, _CharSet]:
        flags = self._tables[2]
        return (_CharSet(c for c, f in flags.items() if "T" in f),
                _CharSet(c for c, f in flags.items() if "s" in f))

    def script(self, text: str) -> str:
        """``"T"`` for text with more traditional-only than simplified-only
        characters (after :func:`fold`), else ``"S"``."""
        trad, simp = self._evidence
        nt = trad.count(text)
        return "T" if nt > simp.count(text, enough=nt) else "S"

    @cached_property
    def _phrase_index(self) -> tuple[_CharSet, dict[str, list[int]], int]:
        """(characters a phrase converts unlike their default, phrase lengths by
        first character, longest phrase)."""
        default, _, _, phrases, _ = self._tables
        trigger = {a for k, v in phrases.items() for a, b in zip(k, v) if default.get(a, a) != b}
        lengths: dict[str, set[int]] = {}
        for k in phrases:
            lengths.setdefault(k[0], set()).add(len(k))
        return (_CharSet(trigger), {c: sorted(ls, reverse=True) for c, ls in lengths.items()},
                max(map(len, phrases), default=1))

    def to_simplified(self, text: str, folded: bool = False) -> str:
        """``fold(text)`` converted to simplified by context (OpenCC's t2s);
        ``folded``: ``text`` is folded already."""
        base = text if folded else fold(text)
        out = base.translate(self._default_plain)
        triggers, lengths, longest = self._phrase_index
        phrases = self._tables[3]
        res: list[str] | None = None
        done = 0  # greedy longest match, left to right, only around trigger characters
        for t in triggers.positions(base):
            if t < done:
                continue
            p = max(done, t - longest + 1)
            while p <= t:
                hit = None
                for n in lengths.get(base[p], ()):
                    if base[p:p + n] in phrases:
                        hit = base[p:p + n]
                        break
                if hit:
                    conv = phrases[hit]
                    if conv != out[p:p + len(hit)]:
                        if res is None:
                            res = list(out)
                        res[p:p + len(hit)] = conv
                    p += len(hit)
                else:
                    p += 1
            done = p
        return out if res is None else "".join(res)

    @cached_property
    def _tags(self) -> tuple[_CharSet, dict[tuple[str, str], str], dict[str, frozenset[str]]]:
        """(characters tagged in traditional text, (char, reading) -> tag, query
        char -> the tags it matches).

        A traditional text's character with several possible readings (畫: 画
        or 划; 乾: 干 or 乾) is indexed as a tag, a private-use symbol for the
        character and its reading in context, so that queries match it by
        what it is as much as by what it reads as, while simplified text,
        which holds no tags, is matched literally.
        """
        _, readings, flags, _, _ = self._tables
        tagged = sorted(c for c, outs in readings.items()
                        if len(outs | {c}) > 1 and (len(outs - {c}) > 1 or "T" not in flags.get(c, "")))
        tag: dict[tuple[str, str], str] = {}
        for c in tagged:
            for r in sorted(readings[c] | {c}):
                tag[(c, r)] = chr(TAG_BASE + len(tag))
        broad: dict[str, set[str]] = {}
        for (c, _r), symbol in tag.items():
            for q in readings[c] | {c}:
                broad.setdefault(q, set()).add(symbol)
        return _CharSet(tagged), tag, {q: frozenset(v) for q, v in broad.items()}

    def segmentation_form(self, text: str) -> str:
        return self._forms(text)[0]

    def index_form(self, text: str) -> str:
        return self._forms(text)[1]

    @lru_cache(maxsize=32)  # noqa: B019 (one instance per folding, kept for good)
    def _forms(self, text: str) -> tuple[str, str]:
        """(segmentation form, index form) of ``text``: a field value is asked
        for both, by its words and its bigrams, one after the other."""
        base = fold(text)
        if self.script(base) != "T":
            return base, base
        conv = self.to_simplified(base, folded=True)
        tagged, tag, _ = self._tags
        positions = tagged.positions(base)
        if not positions:
            return conv, conv
        out = list(conv)
        for i in positions:
            out[i] = tag.get((base[i], conv[i]), conv[i])
        return conv, "".join(out)

    @cached_property
    def _continuations(self) -> dict[str, list[tuple[str, str, int]]]:
        """shared char -> (phrase, its reading there, offset) where a phrase reads it
        unlike its default: a query cut inside the phrase still takes that reading."""
        default, _, flags, phrases, _ = self._tables
        out: dict[str, list[tuple[str, str, int]]] = {}
        for k, v in phrases.items():
            for j, (a, r) in enumerate(zip(k, v)):
                if r != default.get(a, a) and "S" in flags.get(a, ""):
                    out.setdefault(a, []).append((k, r, j))
        return out

    def query_pattern(self, text: str) -> Pattern:
        """One set per character of ``fold(text)``.

        A traditional-only character stands for all its simplified readings
        (畫 -> 画 or 划). A shared character (乾, 於, 沈: valid simplified too) is
        widened to its readings only when the query is traditional (more
        traditional-only than simplified-only characters); in a query with no
        evidence either way it takes the reading its context in the query
        gives (乾燥 -> 干燥 too); in a simplified query it is itself.
        """
        base = fold(text)
        _, readings, flags, _, _ = self._tables
        trad_set, simp_set = self._evidence
        nt, ns = trad_set.count(base), simp_set.count(base)
        trad, simp = nt > ns, ns > nt
        context = self.to_simplified(base, folded=True) if not simp and len(base) > 1 else base
        n = len(base)
        out: list[frozenset[str]] = []
        for i, (x, y) in enumerate(zip(base, context)):
            flag = flags.get(x, "")
            if "T" in flag:
                out.append(readings.get(x, frozenset()) | {x, y})
            elif "S" in flag and trad:
                out.append(readings[x] | {x})
            elif "S" in flag and not simp and n > 1:
                s = {x}
                if "A" in flag:
                    s.add(y)
                for k, r, j in self._continuations.get(x, ()):
                    st = i - j  # the phrase would start here: cut by the query's edge
                    if (st < 0 or st + len(k) > n) and all(
                            k[p - st] == base[p] for p in range(max(0, st), min(n, st + len(k)))):
                        s.add(r)
                out.append(frozenset(s))
            else:
                out.append(frozenset(x))
        broad = self._tags[2]
        return tuple(s | broad[x] if x in broad else s for x, s in zip(base, out))

    def key(self, text: str) -> str:
        return fold_key(text)


class ClassFolding(Folding):
    """The first release's folding: every Han character to the representative
    of its variant class (画 = 划 = 畫 = 劃). Kept for its indexes until rebuilt."""

    @cached_property
    def _tables(self) -> tuple[_CharTable, _CharTable, str]:
        text = _data("han_fold.tsv")
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
        return _CharTable(t2s), _CharTable(rep), _digest(text)

    @property
    def version(self) -> str:  # type: ignore[override]
        return f"han:{self._tables[2]}"

    def index_form(self, text: str) -> str:
        return text.translate(self._tables[1])

    def segmentation_form(self, text: str) -> str:
        return text.translate(self._tables[0])

    def word_form(self, text: str) -> str:
        return self.index_form(text)

    def query_pattern(self, text: str) -> Pattern:
        return tuple(frozenset(c) for c in self.index_form(text))

    def key(self, text: str) -> str:
        return self.index_form(text)


#: The folding of new indexes.
SCRIPT = ScriptFolding()
#: The folding of indexes built by searchlib 0.1.
CLASSES = ClassFolding()


def folding_for(version: str | None) -> Folding:
    """The folding an index records by ``version`` (None: the first release's)."""
    if version is None or version.startswith("han:"):
        return CLASSES
    return SCRIPT


@lru_cache(maxsize=1)
def _key_table() -> _CharTable:
    return _CharTable(SCRIPT._tables[0])


def fold_key(text: str) -> str:
    """:func:`fold` plus OpenCC's standard traditional->simplified character
    conversion (國 -> 国, 報 -> 报; same length): for values compared whole."""
    return text.translate(_key_table())


def contains(text: str, query: str) -> bool:
    """Whether ``text`` holds ``query`` as a new index matches it: the
    definition every search of a text meets (see the module docstring)."""
    return SCRIPT.matches(query, text)


def fold_version() -> str:
    """Identifies the folding of new indexes (changes mean indexes must be rebuilt).

    NFKC and case folding come from the running Python's Unicode database;
    its version changes only rare characters and is recorded separately.
    """
    return SCRIPT.version
