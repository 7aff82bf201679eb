"""The private Whoosh names searchlib relies on are all listed, and a Whoosh
without one of them fails loudly at import, not in the middle of a search."""

from __future__ import annotations

import pytest

import searchlib
from searchlib.backends.whoosh import private as whoosh_private
from searchlib.backends.whoosh.private import INSTANCE, WhooshCompatibilityError, check

from .conftest import HANS, read_jsonl
from .earlier import write_earlier


def test_the_installed_whoosh_has_every_listed_name():
    check()


def test_a_whoosh_lacking_a_name_is_refused_with_the_names_missing(monkeypatch):
    from whoosh.codec.whoosh3 import W3LeafMatcher

    monkeypatch.delattr(W3LeafMatcher, "_read_ids")
    with pytest.raises(WhooshCompatibilityError) as err:
        check()
    assert "W3LeafMatcher._read_ids" in str(err.value) and "Whoosh 2.7.4" in str(err.value)
    assert isinstance(err.value, ImportError) and isinstance(err.value, searchlib.SearchlibError)


def test_live_objects_carry_the_listed_instance_attributes(tmp_path, monkeypatch):
    from whoosh.codec.whoosh3 import W3LeafMatcher

    from searchlib.backends.whoosh.inline import TermsReader as EarlierReader
    from searchlib.backends.whoosh.writer import FastCodec, FastSegmentWriter

    with searchlib.open_index(tmp_path / "ix", create=True) as ix:
        # the first segment with the term table of earlier releases (Whoosh's), read by
        # Whoosh's terms reader; the second with searchlib's
        write_earlier(monkeypatch, 2, lambda: ix.add([{"id": "0", "title": "旧", "body": "旧的"}]))
        ix.add([{"id": str(i), "title": "标题", "body": "援疆干部" * 5} for i in range(1, 121)])  # not merged
        ix.delete("3")
        earlier, reader = [r for r, _ in ix.backend._searcher().reader().leaf_readers()]
        assert isinstance(earlier._terms, EarlierReader)
        objects = {"SegmentReader": reader, "W3TermsReader": earlier._terms, "W3Codec": FastCodec()}
        matcher = reader._terms.matcher("body_ng", "援疆".encode(), reader.schema["body_ng"].format)
        assert isinstance(matcher, W3LeafMatcher)  # 40 postings: not inlined
        matcher._read_ids()
        objects["W3LeafMatcher"] = matcher
        writer = FastSegmentWriter(ix.backend._ix, _lk=False)
        objects["SegmentWriter"] = writer
        objects["W3TermInfo"] = reader.term_info("body_ng", "援疆".encode())
        from whoosh.filedb.structfile import BufferFile

        objects["BufferFile"] = BufferFile(b"bytes", name="x")
        for name, attrs in INSTANCE.items():
            for attr in attrs:
                assert hasattr(objects[name], attr), f"{name}.{attr}"
        writer.cancel()


def test_raw_postings_include_deleted_documents_and_the_executor_drops_them(tmp_path):
    with searchlib.open_index(tmp_path / "ix", create=True) as ix:
        ix.add([{"id": str(i), "title": "标题", "body": f"援疆干部第{i}篇"} for i in range(40)])
        ix.delete("7")
        reader = ix.backend._searcher().reader().leaf_readers()[0][0]
        ids, _, _ = whoosh_private.raw_postings(reader, "body_ng", "援疆".encode())
        assert len(ids) == 40 and len(whoosh_private.deleted_docs(reader)) == 1
        assert ix.search("援疆").total == 39


def check_prefix_frequencies(reader):
    from searchlib.backends.whoosh.private import prefix_frequencies

    for field in ("body_ng", "title", "body_ch"):
        every = list(reader.lexicon(field))
        assert len(every) > 500
        for prefix in [b"", "国".encode(), "总统".encode(), every[0], every[-1], b"\xff"]:
            want = [(t, reader.doc_frequency(field, t)) for t in every if t.startswith(prefix)]
            assert list(prefix_frequencies(reader, field, prefix)) == want, (field, prefix)
    assert list(prefix_frequencies(reader, "no_such_field", b"")) == []


def test_prefix_frequencies_are_whooshs_own_term_counts(hans_index):
    """One scan of the term table gives each term and the document frequency Whoosh's
    own lookup gives, for prefixes of every kind (none, one character, a whole term)."""
    check_prefix_frequencies(hans_index.backend._searcher().reader().leaf_readers()[0][0])


def test_prefix_frequencies_on_a_segment_of_whooshs_term_table(monkeypatch):
    """The same on a segment written with the term table of earlier releases."""
    from searchlib.backends.whoosh.inline import TermsReader as EarlierReader

    with searchlib.open_index(None) as ix:
        write_earlier(monkeypatch, 2, lambda: ix.add(read_jsonl(HANS)))
        ((reader, _),) = ix.backend._searcher().reader().leaf_readers()
        assert isinstance(reader._terms, EarlierReader)
        check_prefix_frequencies(reader)
