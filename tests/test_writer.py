"""The fast writer writes exactly what Whoosh's own writer would, in a format
Whoosh reads; merged segments and the compact positions format round-trip."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh.reading import SegmentReader

from searchlib import Article
from searchlib.analysis import SegmenterProfile
from searchlib.backends.whoosh.formats import CompactPositions, encode_positions
from searchlib.backends.whoosh.schema import char_fields, news_schema, to_document
from searchlib.backends.whoosh.segments import analyse
from searchlib.backends.whoosh.store import PrivateRamStorage
from searchlib.backends.whoosh.writer import FastSegmentWriter
from searchlib.ingest.identity import content_digest

from .conftest import SAMPLES, read_jsonl
from .earlier import write_earlier


def prepared(a, profile, schema):
    """What write_segment gives the fast writer for ``a``."""
    doc, tokens = analyse(a, content_digest(a), profile)
    return {**doc, **char_fields(a, schema)}, tokens


def postings(ix, fields=None):
    """Every posting of every field (or of ``fields``): {(field, term): [(docid, weight, positions|None)]}."""
    out = {}
    with ix.searcher() as s:
        r = s.reader()
        ids = {n: s.stored_fields(n)["id"] for n in range(s.doc_count_all())}
        for field, term in r.all_terms():
            if fields is not None and field not in fields:
                continue
            fmt = ix.schema[field].format
            m = r.postings(field, term)
            rows = []
            while m.is_active():
                pos = m.value_as("positions") if fmt.supports("positions") else None
                rows.append((ids[m.id()], round(m.weight(), 4), pos))
                m.next()
            out[(field, term)] = sorted(rows)
    return out


@pytest.fixture(scope="module")
def articles():
    # 300 articles: common terms span several 128-posting blocks
    return [Article.from_dict(r) for r in read_jsonl(SAMPLES / "president_news_recent.jsonl")[:300]]


def test_fast_writer_matches_whooshs_own_writer(articles):
    profile = SegmenterProfile()
    slow = PrivateRamStorage().create_index(news_schema(profile))
    w = slow.writer()
    for a in articles:
        w.add_document(**to_document(a, content_digest(a)), **char_fields(a, slow.schema))
    w.commit()
    fast = PrivateRamStorage().create_index(news_schema(profile))
    fw = FastSegmentWriter(fast)
    for a in articles:
        fw.add_prepared(*prepared(a, profile, fast.schema))
    fw.commit()
    expected, got = postings(slow), postings(fast)
    assert len(expected) > 50_000
    assert got.keys() == expected.keys()
    bad = [k for k in expected if got[k] != expected[k]]
    assert bad == []
    # posting lists long enough to span several blocks were compared too
    assert max(len(v) for v in expected.values()) > 2 * 128


def test_merging_fast_segments_keeps_every_posting(articles):
    profile = SegmenterProfile()
    ix = PrivateRamStorage().create_index(news_schema(profile))
    for part in (articles[:100], articles[100:200], articles[200:]):
        fw = FastSegmentWriter(ix)
        for a in part:
            fw.add_prepared(*prepared(a, profile, ix.schema))
        fw.commit(merge=False)
    before = postings(ix)
    fw = FastSegmentWriter(ix)
    fw.commit(optimize=True)  # merge the three segments through the fast pool
    assert len(ix._segments()) == 1
    assert postings(ix) == before


def _one_writer(articles, profile):
    ix = PrivateRamStorage().create_index(news_schema(profile))
    fw = FastSegmentWriter(ix)
    for a in articles:
        fw.add_prepared(*prepared(a, profile, ix.schema))
    fw.commit()
    return ix


def test_a_merge_streams_segments_with_deletions_beside_new_documents(articles):
    # segments merged term by term from their readers (merge.py), some of their
    # documents deleted, documents added to the merging writer itself before and after;
    # the last segment keeps all its documents, so its own terms are copied as they are
    profile = SegmenterProfile()
    ix = PrivateRamStorage().create_index(news_schema(profile))
    for part in (articles[:90], articles[90:180], articles[180:260]):
        fw = FastSegmentWriter(ix)
        for a in part:
            fw.add_prepared(*prepared(a, profile, ix.schema))
        fw.commit(merge=False)
    gone = {a.id for a in articles[:180:7]}
    fw = FastSegmentWriter(ix)
    for a in articles[260:280]:
        fw.add_prepared(*prepared(a, profile, ix.schema))
    for article_id in sorted(gone):
        fw.delete_by_term("id", article_id)
    own_terms = sum(len(t) for t in fw.pool.text.values())
    for segment in fw.segments:  # as Whoosh's merge policies do: each reader closed at once
        with SegmentReader(ix.storage, ix.schema, segment) as r:
            fw.add_reader(r)  # its deletions mapped away
    assert sum(len(t) for t in fw.pool.text.values()) == own_terms  # nothing copied into memory
    for a in articles[280:]:
        fw.add_prepared(*prepared(a, profile, ix.schema))
    fw.commit(mergetype=lambda writer, segments: [])  # every old segment is merged in
    kept = [a for a in articles if a.id not in gone]
    with ix.searcher() as s:
        assert s.doc_count() == len(kept)
    assert len(ix._segments()) == 1
    assert postings(ix) == postings(_one_writer(kept, profile))


@given(st.lists(st.integers(0, 200_000), min_size=1, max_size=40, unique=True))
def test_compact_positions_round_trip(positions):
    positions.sort()
    fmt = CompactPositions()
    value = encode_positions(positions)
    assert fmt.decode_positions(value) == positions
    assert fmt.decode_frequency(value) == len(positions)
    assert fmt.decode_weight(value) == float(len(positions))


def test_keyword_postings_past_one_block_read_and_merge_like_whooshs_own(articles):
    # KEYWORD fields (tags, repost band keys) store a frequency per posting: in a block
    # Whoosh's reader wants them as one byte string; merging such segments crashed
    from searchlib.backends.whoosh.reposts import repost_fields

    profile = SegmenterProfile()
    tagged = [attrs.evolve(a, tags=("两岸", f"t{i % 4}")) for i, a in enumerate(articles)]
    slow = PrivateRamStorage().create_index(news_schema(profile))
    w = slow.writer()
    for a in tagged:
        w.add_document(**to_document(a, content_digest(a)), **repost_fields(a), **char_fields(a, slow.schema))
    w.commit()
    fast = PrivateRamStorage().create_index(news_schema(profile))
    for part in (tagged[:140], tagged[140:]):
        fw = FastSegmentWriter(fast)
        for a in part:
            doc, tokens = prepared(a, profile, fast.schema)
            fw.add_prepared({**doc, **repost_fields(a)}, tokens)
        fw.commit(merge=False)
    # the keyword fields, a character-count field (weights, no values), and one text
    # field to show the merge keeps positions too
    wanted = ("tags", "lsh", "body_ch", "title")
    expected = postings(slow, wanted)
    assert len(expected[("tags", "两岸".encode())]) == len(tagged) > 2 * 128
    assert any(k[0] == "lsh" for k in expected)
    before = postings(fast, wanted)
    assert before == expected
    fw = FastSegmentWriter(fast)
    fw.commit(optimize=True)  # Whoosh reads every posting of both segments to merge them
    assert len(fast._segments()) == 1 and postings(fast, wanted) == before
    with fast.searcher() as s:
        from whoosh.query import Term
        assert len(s.search(Term("tags", "两岸"), limit=None)) == len(tagged)


@given(st.lists(st.integers(0, 1 << 31), min_size=1, max_size=12, unique=True),
       st.one_of(st.none(), st.lists(st.floats(0, 1e6, allow_nan=False), min_size=12, max_size=12),
                 st.lists(st.integers(1, 1000).map(float), min_size=12, max_size=12)),
       st.lists(st.binary(max_size=300), min_size=12, max_size=12))
def test_compact_inlined_postings_round_trip(ids, weights, values):
    from searchlib.backends.whoosh import inline

    ids.sort()
    n = len(ids)
    weights, values = (weights[:n] if weights else None), values[:n]
    assert inline.decode(inline.encode(ids, weights, values), 0, n) == (
        tuple(ids), tuple(weights or ()), tuple(values))


def test_segments_of_every_term_table_read_and_merge_into_the_compact_one(articles, monkeypatch):
    """Segments of earlier releases keep Whoosh's term table, with postings inlined as
    Whoosh does (pickled, flag 1) or compact (flag 2): an index holding such segments and
    a compact-table one reads them all alike, and merging them keeps every posting in
    one compact table."""
    from searchlib.backends.whoosh.inline import TermsReader as EarlierReader
    from searchlib.backends.whoosh.termtable import TermsReader

    profile = SegmenterProfile()
    ix = PrivateRamStorage().create_index(news_schema(profile))

    def write(part):
        def run():
            fw = FastSegmentWriter(ix)
            for a in part:
                fw.add_prepared(*prepared(a, profile, ix.schema))
            fw.commit(merge=False)
        return run

    write_earlier(monkeypatch, 1, write(articles[:100]))
    write_earlier(monkeypatch, 2, write(articles[100:200]))
    write(articles[200:])()
    flags = set()
    with ix.reader() as r:
        kinds = [type(sub._terms) for sub, _ in r.leaf_readers()]
        for sub, _ in r.leaf_readers():
            if isinstance(sub._terms, EarlierReader):
                flags |= {v[0] for _, v in sub._terms._tindex.items()}
    assert sorted(k.__name__ for k in kinds) == ["TermsReader"] * 3
    assert kinds.count(TermsReader) == 1 and flags == {0, 1, 2}  # pointers, pickled, compact
    before = postings(ix)
    assert len(before) > 30_000
    fw = FastSegmentWriter(ix)
    fw.commit(optimize=True)
    assert len(ix._segments()) == 1 and postings(ix) == before
    with ix.reader() as r:
        assert [type(sub._terms) for sub, _ in r.leaf_readers()] == [TermsReader]
