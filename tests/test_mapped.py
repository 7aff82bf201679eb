"""Segment files are read in place (searchlib/backends/whoosh/mapped.py): a searcher
copies no part of the index, and the cursor over a view reads as BytesIO does."""

from __future__ import annotations

import io
import os
import tracemalloc

from hypothesis import given
from hypothesis import strategies as st

import searchlib
from searchlib.backends.whoosh.mapped import _Cursor

from .conftest import SAMPLES


def test_searching_copies_no_part_of_the_index(tmp_path):
    path = tmp_path / "ix"
    with searchlib.open_index(path, create=True) as ix:
        ix.ingest([SAMPLES])
    size = sum(f.stat().st_size for f in path.iterdir() if f.suffix == ".seg")
    assert size > 5_000_000
    tracemalloc.start()
    try:
        with searchlib.open_index(path) as ix:
            for q in ("总统", "国防 预算", '"援疆干部"', "台", "经济 -美国", "为什么要访问美国"):
                assert ix.search(q, facets=("year",)).total > 0
            peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # Whoosh's own compound reader copied each part of a segment into a BytesIO as it
    # opened it: the term table and postings alone are most of the index
    assert peak < size / 4, (peak, size)


@given(st.binary(max_size=300), st.lists(st.tuples(
    st.sampled_from(["read", "readline", "seek", "seek_cur", "seek_end", "tell"]),
    st.integers(-5, 320)), max_size=25))
def test_the_cursor_reads_as_bytesio_does(data, ops):
    view, plain = _Cursor(memoryview(data)), io.BytesIO(data)
    for op, n in ops:
        if op == "read":
            assert view.read(n) == plain.read(n)
        elif op == "readline":
            assert view.readline(n) == plain.readline(n)
        elif op == "seek" and n >= 0:
            assert view.seek(n) == plain.seek(n)
        elif op == "seek_cur" and plain.tell() + n >= 0:
            assert view.seek(n, os.SEEK_CUR) == plain.seek(n, os.SEEK_CUR)
        elif op == "seek_end" and len(data) + n >= 0:
            assert view.seek(n, os.SEEK_END) == plain.seek(n, os.SEEK_END)
        assert view.tell() == plain.tell()
