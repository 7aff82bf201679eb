"""The compact term table: every key found with its value, ranges in key order, term
infos exact, and a fraction of the size of Whoosh's table for the same terms."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh.filedb.filestore import RamStorage

from searchlib.analysis import SegmenterProfile
from searchlib.backends.whoosh import termtable
from searchlib.backends.whoosh.inline import encode as encode_inline
from searchlib.backends.whoosh.schema import news_schema
from searchlib.backends.whoosh.store import PrivateRamStorage
from searchlib.backends.whoosh.termtable import TermTable, TermTableWriter, pack_info, unpack_info
from searchlib.backends.whoosh.writer import FastSegmentWriter

from .earlier import write_earlier
from .test_writer import articles, prepared  # noqa: F401  (the fixture)


def table_of(pairs):
    storage = RamStorage()
    writer = TermTableWriter(storage.create_file("t"))
    writer.extras["fieldmap"] = {"f": 0}
    for key, value in pairs:
        writer.add(key, value)
    writer.close()
    return TermTable(storage.open_file("t"), storage.file_length("t"))


# keys share prefixes (as a field's terms do) and some are long enough for two-byte lengths
_keys = st.lists(st.one_of(st.binary(max_size=6), st.binary(min_size=120, max_size=300)).map(
    lambda b: b"\x00\x01" + b), unique=True, max_size=300)


@given(_keys, st.data())
def test_every_key_is_found_with_its_value_and_ranges_come_in_key_order(keys, data):
    keys.sort()
    values = [data.draw(st.binary(max_size=200)) for _ in keys]
    table = table_of(zip(keys, values))
    assert table.extras == {"fieldmap": {"f": 0}}
    for key, value in zip(keys, values):
        assert table.get(key) == value and key in table
    probes = data.draw(st.lists(st.binary(max_size=8), max_size=10)) + [b"", b"\xff"]
    for probe in probes:
        if probe not in keys:
            assert table.get(probe) is None
        want = [(k, v) for k, v in zip(keys, values) if k >= probe]
        assert list(table.items_from(probe)) == want


def test_keys_out_of_order_are_refused():
    storage = RamStorage()
    writer = TermTableWriter(storage.create_file("t"))
    writer.add(b"b", b"1")
    with pytest.raises(ValueError, match="out of order"):
        writer.add(b"a", b"2")
    with pytest.raises(ValueError, match="out of order"):
        writer.add(b"b", b"3")


_ids = st.lists(st.integers(0, 1 << 31), min_size=1, max_size=12, unique=True).map(sorted)


@given(_ids, st.sampled_from(["ones", "ints", "floats"]), st.integers(0, 255), st.integers(0, 255),
       st.booleans(), st.integers(0, 1 << 40), st.integers(1, 1 << 32), st.data())
def test_term_infos_round_trip(ids, weighting, minl, maxl, inlined, offset, length, data):
    n = len(ids)
    weights = None
    if weighting != "ones":
        element = (st.integers(1, 1000).map(float) if weighting == "ints"
                   else st.floats(0.125, 1e6, allow_nan=False, width=32))
        weights = data.draw(st.lists(element, min_size=n, max_size=n))
    weight, top = (float(n), 1.0) if weights is None else (sum(weights), max(weights))
    values = tuple(data.draw(st.lists(st.binary(max_size=20), min_size=n, max_size=n)))
    if inlined:
        info = unpack_info(pack_info(n, weight, top, minl, maxl, ids[0], ids[-1],
                                     inline=encode_inline(ids, weights, values)))
        assert info.inlined_postings() == (tuple(ids), tuple(weights or ()), values)
    else:
        info = unpack_info(pack_info(n, weight, top, minl, maxl, ids[0], ids[-1], extent=(offset, length)))
        assert info.extent() == (offset, length) and not info.is_inlined()
    assert info.doc_frequency() == n and info.min_id() == ids[0] and info.max_id() == ids[-1]
    if weighting == "floats":  # kept as 32-bit floats, as Whoosh's own table keeps them
        assert info.weight() == pytest.approx(weight, rel=1e-6)
        assert info.max_weight() == pytest.approx(top, rel=1e-6)
    else:
        assert (info.weight(), info.max_weight()) == (weight, top)
    from whoosh.util.numeric import byte_to_length

    assert (info.min_length(), info.max_length()) == (byte_to_length(minl), byte_to_length(maxl))


def test_the_compact_table_is_a_fraction_of_whooshs_for_the_same_terms(articles, monkeypatch):  # noqa: F811
    """The same 300 real articles as one segment, once with each table: the same terms and
    infos (the writer tests check every posting), in under a third of the bytes."""
    profile = SegmenterProfile()
    sizes = {}
    for name, ext in (("whoosh", ".trm"), ("compact", termtable.EXT)):
        ix = PrivateRamStorage().create_index(news_schema(profile))

        def write(ix=ix):
            fw = FastSegmentWriter(ix)
            for a in articles:
                fw.add_prepared(*prepared(a, profile, ix.schema))
            fw.commit(merge=False)

        if name == "whoosh":
            write_earlier(monkeypatch, 2, write)
        else:
            write()
        (segment,) = ix._segments()
        parts = segment.open_compound_file(ix.storage)
        sizes[name] = parts.file_length(segment.make_filename(ext))
        with ix.reader() as r:
            sizes[name + " terms"] = len(list(r.all_terms()))
    assert sizes["whoosh terms"] == sizes["compact terms"] > 50_000
    assert sizes["compact"] * 3 < sizes["whoosh"], sizes


def test_a_missing_term_counts_zero_and_has_no_info(articles):  # noqa: F811
    from whoosh.reading import TermNotFound

    profile = SegmenterProfile()
    ix = PrivateRamStorage().create_index(news_schema(profile))
    fw = FastSegmentWriter(ix)
    for a in articles[:20]:
        fw.add_prepared(*prepared(a, profile, ix.schema))
    fw.commit(merge=False)
    with ix.reader() as r:
        present = next(t for f, t in r.all_terms() if f == "body_ng")
        assert r.doc_frequency("body_ng", present) >= 1 and r.frequency("body_ng", present) >= 1
        for field, term in [("body_ng", "𪚥𪚥".encode()), ("title", b""), ("body_ng", present + b"\x00")]:
            assert r.doc_frequency(field, term) == 0 and r.frequency(field, term) == 0
            assert (field, term) not in r
            with pytest.raises(TermNotFound):
                r.term_info(field, term)
