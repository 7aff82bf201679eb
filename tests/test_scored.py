"""The executor's array sets (scored.py) and bulk posting reads (private.posting_arrays)
behave as the dicts and the per-block reads they replaced."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import searchlib
from searchlib.backends.whoosh.private import posting_arrays, raw_postings
from searchlib.backends.whoosh.scored import Scored

from .conftest import HANS, HANT, read_jsonl

scores = st.dictionaries(st.integers(0, 60), st.floats(-1e3, 1e3, allow_nan=False), max_size=40)
steps = st.lists(st.tuples(st.sampled_from(["plus", "both", "added", "within", "without", "scaled"]),
                           scores), max_size=12)


def approx(a: dict[int, float], b: dict[int, float]) -> bool:
    return a.keys() == b.keys() and all(abs(a[k] - b[k]) <= 1e-9 * max(1.0, abs(a[k])) for k in a)


@settings(max_examples=300, deadline=None)
@given(scores, steps)
def test_a_history_of_set_operations_matches_dicts(start, history):
    got, want = Scored.from_dict(start), dict(start)
    for op, other in history:
        o = Scored.from_dict(other)
        if op == "plus":
            got, want = got.plus(o), {d: want.get(d, 0.0) + other.get(d, 0.0) for d in want.keys() | other}
        elif op == "both":
            got, want = got.both(o), {d: s + other[d] for d, s in want.items() if d in other}
        elif op == "added":
            got, want = got.added(o), {d: s + other.get(d, 0.0) for d, s in want.items()}
        elif op == "within":
            got, want = got.within(o.docs), {d: s for d, s in want.items() if d in other}
        elif op == "without":
            got, want = got.without(o.docs), {d: s for d, s in want.items() if d not in other}
        else:
            got, want = got.scaled(0.5), {d: s * 0.5 for d, s in want.items()}
        assert np.all(np.diff(got.docs) > 0)  # still sorted and distinct
        assert approx(got.as_dict(), want)
    assert len(got) == len(want) and set(got) == set(want)


@pytest.fixture(scope="module")
def editions():
    """The sample articles in four editions each (960 articles): postings of many blocks."""
    records = [dict(r, id=f"{r['id']}-{n}", content=f"{r['content']}（第{n}版）")
               for path in (HANS, HANT) for r in read_jsonl(path) for n in range(4)]
    with searchlib.open_index(None) as ix:
        ix.add(records)
        yield ix


def test_bulk_posting_reads_equal_whoosh_block_reads_on_real_segments(editions):
    """Every term of a sample, in every field kind, with and without values, with
    deleted documents left out, and with only some documents wanted."""
    rng = random.Random(3)
    reader = editions.backend._searcher().reader().leaf_readers()[0][0]
    n_docs = reader.doc_count_all()
    deleted = frozenset(rng.sample(range(n_docs), n_docs // 10))
    checked = long = 0
    for field in ("body", "body_ng", "body_ch", "title", "title_ng", "title_ch", "source"):
        terms = list(reader.lexicon(field))
        common = sorted(terms, key=lambda t: -reader.doc_frequency(field, t))[:20]
        for term in rng.sample(terms, min(150, len(terms))) + common:
            ids, weights, values = raw_postings(reader, field, term, deleted=deleted)
            docs, w, v = posting_arrays(reader, field, term, deleted)
            assert docs.tolist() == ids and w.tolist() == [float(x) for x in weights]
            assert v == list(values)
            _, _, none = posting_arrays(reader, field, term, with_values=False)
            assert none is None
            all_ids, _, _ = raw_postings(reader, field, term)
            wanted = sorted(rng.sample(range(n_docs), 5))
            part, _, _ = posting_arrays(reader, field, term, wanted=wanted)
            assert set(part.tolist()) <= set(all_ids)  # whole blocks of the real postings
            assert set(all_ids) & set(wanted) <= set(part.tolist())  # every wanted one
            checked += 1
            long += len(all_ids) > 128  # more than one block
    assert checked > 500 and long > 20


def test_executor_matches_whoosh_where_postings_span_blocks(editions):
    """The oracle check of test_execute on an index whose common terms span many posting
    blocks, so that phrases read only the blocks of their candidates (SKIP_READ)."""
    from searchlib.backends.whoosh import executor as ex_module
    from searchlib.backends.whoosh.executor import Executor
    from searchlib.plan import plan_search
    from searchlib.query import parse_query

    from .test_execute import FIXED, random_queries
    from .whoosh_oracle import whoosh_query

    searcher = editions.backend._searcher()
    queries = FIXED + random_queries(40, seed=11) + ['"中华民国总统"', '"台湾的"', "总统 的 发展"]
    skipped = 0
    real = ex_module.posting_arrays

    def counting(*args, **kwargs):
        nonlocal skipped
        skipped += args[-1] is not None if len(args) == 7 else 0
        return real(*args, **kwargs)

    ex_module.posting_arrays = counting
    try:
        for q in queries:
            plan = plan_search(parse_query(q), [], editions.profile)
            matches, relaxed = Executor(searcher).run(plan)
            expected = {h.docnum for h in searcher.search(whoosh_query(plan, plan.ask or relaxed), limit=None)}
            assert set(matches) == expected, q
    finally:
        ex_module.posting_arrays = real
    assert skipped > 0  # some phrase read only its candidates' blocks


def test_bulk_reads_of_segments_whooshs_own_writer_wrote_equal_its_block_reads():
    """Whoosh's writer pickles block infos with protocol 2 (no frame stating their size)
    and compresses every block: the direct block reader reads those as Whoosh does."""
    from whoosh import fields

    from searchlib.backends.whoosh.store import PrivateRamStorage

    storage = PrivateRamStorage()  # Whoosh's RamStorage spills to the one /tmp/MAIN.tmp
    schema = fields.Schema(body=fields.TEXT(phrase=True), tag=fields.KEYWORD, n=fields.NUMERIC(stored=True))
    ix = storage.create_index(schema)
    rng = random.Random(5)
    words = [f"w{i}" for i in range(40)]
    with ix.writer() as w:
        for n in range(700):
            w.add_document(body=" ".join(rng.choice(words) for _ in range(rng.randint(1, 30))),
                           tag=rng.choice(["a", "b", "c"]), n=n)
    with ix.searcher() as searcher:
        reader = searcher.reader()
        checked = 0
        for field in ("body", "tag"):
            for term in reader.lexicon(field):
                ids, weights, values = raw_postings(reader, field, term)
                docs, wts, vals = posting_arrays(reader, field, term)
                assert docs.tolist() == ids and wts.tolist() == [float(x) for x in weights], (field, term)
                if field == "body":
                    assert vals == list(values)
                wanted = sorted(rng.sample(range(700), 3))
                part, _, _ = posting_arrays(reader, field, term, wanted=wanted)
                assert set(ids) & set(wanted) <= set(part.tolist()) <= set(ids)
                checked += len(ids) > 128
        assert checked > 30  # postings of several (compressed, protocol-2) blocks
