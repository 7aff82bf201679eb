"""Chinese-aware highlighting: exact match spans and sentence-shaped snippets.

Matches are found by searching the query's pattern (:mod:`searchlib.plan`) in
the article text's index form (:mod:`searchlib.analysis.folding`); folding
keeps one character per character, so offsets there are offsets in the
original. Spans cover whole matches (``国务院新闻办公室`` is one span), never
text that did not match; touching or overlapping spans merge.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from .analysis import SCRIPT, fold
from .models import Snippet

__all__ = ["find_spans", "make_snippets", "highlight_whole", "sentences"]

_SENTENCE_END = re.compile(r"[。！？；!?;…]+[”’」』）)\"']*|\n+")
_CLAUSE = "，,、：:"


@lru_cache(maxsize=256)
def _overlapping(pattern: str) -> re.Pattern[str]:
    return re.compile(f"(?=({pattern}))")


def find_spans(text: str, pattern: re.Pattern[str] | None,
               form: Callable[[str], str] = SCRIPT.index_form) -> list[tuple[int, int]]:
    """Character spans of ``pattern``'s matches in ``form(text)``, merged.

    Matches may overlap (``些都有`` and ``都有待`` in ``这些都有待``): every
    position where some alternative matches counts.
    """
    if pattern is None or not text:
        return []
    spans: list[tuple[int, int]] = []
    for m in _overlapping(pattern.pattern).finditer(form(text)):
        start, end = m.span(1)
        if end <= start:
            continue
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text`` (ends kept, blanks dropped)."""
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end() if m.group()[0] != "\n" else m.start()
        if text[start:end].strip():
            out.append(_strip(text, start, end))
        start = m.end()
    if text[start:].strip():
        out.append(_strip(text, start, len(text)))
    return out


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def highlight_whole(text: str, pattern: re.Pattern[str] | None,
                    form: Callable[[str], str] = SCRIPT.index_form) -> Snippet:
    """The whole of ``text`` (a title) as one snippet with its matches marked."""
    return Snippet(text, find_spans(text, pattern, form), 0)


def make_snippets(text: str, pattern: re.Pattern[str] | None, count: int = 3,
                  size: int = 120, form: Callable[[str], str] = SCRIPT.index_form) -> list[Snippet]:
    """Up to ``count`` fragments of about ``size`` characters, best first.

    Fragments are whole sentences where they fit, or a window of a long
    sentence centred on its first match, widened to keep matches whole.
    Without matches, the opening of the text is returned.
    """
    if not text.strip() or count < 1:
        return []
    spans = find_spans(text, pattern, form)
    sents = sentences(text)
    if not spans:
        start, end = sents[0] if sents else (0, len(text))
        end = min(end, start + size)
        return [Snippet(text[start:end], (), start)]
    ranked = []
    for idx, (s, e) in enumerate(sents):
        inside = [sp for sp in spans if sp[0] < e and sp[1] > s]
        if inside:
            distinct = len({fold(text[a:b]) for a, b in inside})
            ranked.append((-distinct, -len(inside), idx))
    ranked.sort()
    picked: dict[str, int] = {}  # sentence text -> index; articles repeat their lead
    for _, _, idx in ranked:
        picked.setdefault(text[sents[idx][0]:sents[idx][1]], idx)
        if len(picked) == count:
            break
    chosen = sorted(picked.values())
    fragments = _merge_neighbours(text, [_cover(sents[i], spans) for i in chosen], size)
    out = []
    for s, e in fragments:
        s, e = _window(text, s, e, spans, size)
        local = [(max(a, s) - s, min(b, e) - s) for a, b in spans if a < e and b > s]
        out.append((Snippet(text[s:e], local, s), len(local)))
    # best first: most matches, then earliest
    out.sort(key=lambda item: (-item[1], item[0].start))
    return [snip for snip, _ in out]


def _cover(frag: tuple[int, int], spans: list[tuple[int, int]]) -> tuple[int, int]:
    """Widen a sentence to hold whole every match that overlaps it."""
    s, e = frag
    for a, b in spans:
        if a < e and b > s:
            s, e = min(s, a), max(e, b)
    return s, e


def _merge_neighbours(text: str, frags: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """Join fragments that overlap, or follow each other within a paragraph up to ``size``."""
    merged: list[tuple[int, int]] = []
    for s, e in frags:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
            continue
        gap = text[merged[-1][1]:s] if merged else "\n"
        if "\n" not in gap and len(gap) <= 2 and e - merged[-1][0] <= size:
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _window(text: str, s: int, e: int, spans: list[tuple[int, int]], size: int) -> tuple[int, int]:
    """Shrink sentence ``[s, e)`` to about ``size`` chars around its first match."""
    if e - s <= size:
        return s, e
    first = next(sp for sp in spans if sp[0] < e and sp[1] > s)
    start = max(s, first[0] - size // 3)
    # prefer starting just after a clause break
    for i in range(start, first[0]):
        if text[i] in _CLAUSE:
            start = i + 1
            break
    end = min(e, max(start + size, first[1]))
    # never cut a match in two
    for a, b in spans:
        if a < start < b:
            start = a
        if a < end < b:
            end = b
    return _strip(text, start, end)
