"""The Whoosh vocabulary (backends/whoosh/vocabulary.py): term tables and segment tables agree,
deleted articles never count."""

from __future__ import annotations

import time

import searchlib
from searchlib.backends.whoosh import vocabulary

from .backends.test_contract import _vocabulary
from .conftest import HANS, read_jsonl

ROWS = read_jsonl(HANS)[:40]


def _words(ix, prefix):
    return {w: (t, b) for w, t, b in ix.backend.terms().iter_words(prefix)}


def test_both_ways_of_reading_words_count_live_articles_exactly(tmp_path, monkeypatch):
    with searchlib.open_index(tmp_path / "ix", create=True) as ix:
        ix.add(ROWS[:20])
        ix.add(ROWS[20:])  # two segments at least
        for article_id in [str(r["id"]) for r in ROWS[::5]]:
            ix.delete(article_id)
        live = [r for r in ROWS if r["id"] not in {r["id"] for r in ROWS[::5]}]
        started: list[str] = []
        monkeypatch.setattr(vocabulary, "_read_later", lambda reader, segid: started.append(segid))
        monkeypatch.setattr(vocabulary, "_segments", vocabulary._Cache(128))  # no table read yet
        for prefix in ("总", "台湾", "经"):
            assert _words(ix, prefix) == _vocabulary(live, prefix)  # from Whoosh's term tables
        assert started  # each segment would be read in the background
        monkeypatch.undo()
        assert _words(ix, "") == _vocabulary(live, "")  # every word: reads the segment tables
        for prefix in ("总", "台湾", "经"):
            assert _words(ix, prefix) == _vocabulary(live, prefix)  # from the tables


def test_a_background_read_fills_the_tables(tmp_path):
    with searchlib.open_index(tmp_path / "ix", create=True) as ix:
        ix.add(ROWS[:10])
        before = _words(ix, "总")
        deadline = time.monotonic() + 30
        segids = [str(r.segment().segment_id()) for r, _ in ix.backend._executor().leaves]
        while not all(vocabulary._segments.peek(s) for s in segids):
            assert time.monotonic() < deadline, "the background thread never read the segments"
            time.sleep(0.05)
        assert _words(ix, "总") == before == _vocabulary(ROWS[:10], "总")
