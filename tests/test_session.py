"""The ingest session cuts an input's last, short chunk into one part per worker."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import searchlib
from searchlib.ingest.identity import Identity
from searchlib.ingest.readers import records_from_objects
from searchlib.ingest.session import MIN_PART_BYTES, Chunk, IngestSession

from .conftest import HANS, ROOT, SAMPLES, read_jsonl

RECENT = SAMPLES / "president_news_recent.jsonl"


class Recorder:
    """A chunk writer that keeps what it is given (beside the real ingests below)."""

    def __init__(self, parallel: int) -> None:
        self.parallel = parallel
        self.submitted: list[tuple[list[str], list[str], bool]] = []

    def submit(self, chunk: Chunk, replaced: list[str], last: bool) -> None:
        self.submitted.append(([a.id for a, _ in chunk], replaced, last))

    def flush(self) -> None: ...
    def finish(self) -> None: ...
    def close(self, kill: bool = False) -> None: ...


def run(rows: list[dict], parallel: int, chunk_bytes: int, stored: set[str] = frozenset()) -> Recorder:
    writer = Recorder(parallel)
    identity = Identity(lambda i: "old" if i in stored else None, lambda d: ())
    IngestSession(writer, identity, chunk_bytes=chunk_bytes).run(records_from_objects(rows))
    return writer


def size(rows: list[dict]) -> int:
    return sum(3 * (len(r["title"]) + len(r.get("content") or r["body"])) for r in rows)


@pytest.mark.parametrize("parallel", [2, 3])
def test_a_single_chunk_input_is_cut_in_one_part_per_worker(parallel):
    rows = read_jsonl(RECENT)
    assert size(rows) >= 3 * MIN_PART_BYTES  # 1.9 MiB: enough for three parts
    parts = parallel
    updated = {str(r["id"]) for r in rows[::7]}  # stored already, with other text
    writer = run(rows, parallel, chunk_bytes=64 << 20, stored=updated)
    assert len(writer.submitted) == parts
    assert [last for _, _, last in writer.submitted] == [False] * (parts - 1) + [True]
    ids = [i for chunk, _, _ in writer.submitted for i in chunk]
    assert ids == [str(r["id"]) for r in rows]  # every article once, in input order
    lengths = [len(chunk) for chunk, _, _ in writer.submitted]
    assert max(lengths) - min(lengths) <= 1
    for chunk, replaced, _ in writer.submitted:  # each commit deletes what it replaces, only that
        assert set(replaced) == updated & set(chunk)


def test_short_inputs_and_one_worker_stay_one_chunk():
    small = read_jsonl(HANS)  # 120 articles, less than two parts' worth
    assert size(small) < 2 * MIN_PART_BYTES
    assert [s[2] for s in run(small, 2, chunk_bytes=64 << 20).submitted] == [True]
    assert [s[2] for s in run(read_jsonl(RECENT), 1, chunk_bytes=64 << 20).submitted] == [True]


def test_only_the_last_chunk_is_cut():
    rows = read_jsonl(RECENT)
    writer = run(rows, 2, chunk_bytes=size(rows) * 2 // 3)
    full, *rest = writer.submitted
    assert not full[2] and len(full[0]) > len(rows) / 2
    assert size(rows) // 3 < 2 * MIN_PART_BYTES  # what remains is under two parts' worth
    assert len(rest) == 1 and rest[0][2]


def test_a_single_chunk_ingest_is_written_by_every_worker_and_finds_the_same(tmp_path):
    """A real ingest in a subprocess, two workers, the default chunk size: both workers
    write (each leaves a mark), and the index holds and finds what a one-process index does."""
    marks = tmp_path / "marks"
    marks.mkdir()
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        "import os, pathlib, sys\n"
        "if 'searchlib.backends.whoosh.workers' in sys.orig_argv:\n"
        f"    pathlib.Path({str(marks)!r}, str(os.getpid())).touch()\n")
    env = {k: v for k, v in os.environ.items() if k != "SEARCHLIB_CHUNK_BYTES"}
    env.update(PYTHONPATH=os.pathsep.join([str(site), str(ROOT)]), SEARCHLIB_WORKERS="2")
    proc = subprocess.run([sys.executable, "-m", "searchlib.cli", "ingest", "--index",
                           str(tmp_path / "ix"), "-q", str(RECENT)], capture_output=True,
                          text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert len(list(marks.iterdir())) == 2
    with searchlib.open_index(tmp_path / "ix") as ix, searchlib.open_index(None) as one:
        one.ingest([RECENT])
        assert len(ix.backend._ix._segments()) == 2
        assert sorted(ix.ids()) == sorted(one.ids())
        for q in ("总统", "经济 发展", '"国家安全"', "台", "疫情 -美国"):
            a, b = ix.search(q, limit=1000, snippets=0), one.search(q, limit=1000, snippets=0)
            assert a.total == b.total > 0 and {h.id for h in a.hits} == {h.id for h in b.hits}, q


def test_an_ingest_merges_only_small_segments(tmp_path, monkeypatch):
    """The final commit merges the segments of few documents and keeps the others: Whoosh's
    MERGE_SMALL merged a whole index of about 19 segments or more in one process, in memory."""
    from whoosh.writing import MERGE_SMALL

    from searchlib.backends.whoosh import commit

    from .test_export import ROWS

    monkeypatch.setattr(commit, "SMALL_SEGMENT_DOCS", 12)
    monkeypatch.setattr(commit, "FULL_SEGMENT_DOCS", 12)  # every other segment is full here
    monkeypatch.setenv("SEARCHLIB_CHUNK_BYTES", str(size(ROWS[:800]) // 30))
    with searchlib.open_index(tmp_path / "ix", create=True) as ix:
        ix.add(ROWS[:800], workers=1)
        segments = ix.backend._ix._segments()
        assert len(segments) >= 19 and all(s.doc_count_all() >= 12 for s in segments)
        for start in (800, 805, 810):  # three small inputs
            ix.add(ROWS[start:start + 5], workers=1)
        counts = sorted(s.doc_count_all() for s in ix.backend._ix._segments())
        assert counts[0] == 15 and counts[1:] == sorted(s.doc_count_all() for s in segments)
        assert ix.count() == 815 and ix.search('"' + ROWS[812]["body"][:12] + '"').total >= 1
        ix.delete(ROWS[3]["id"])  # a delete keeps the large segments too
        assert len(ix.backend._ix._segments()) == len(counts)
        # what Whoosh's own policy would have done with these segments: merge most of them
        writer = commit.FastSegmentWriter(ix.backend._ix, _lk=False)
        try:
            policy = _Counting(writer)
            kept = MERGE_SMALL(policy, ix.backend._ix._segments())
            assert policy.read >= 5 and len(kept) + policy.read == len(counts)
        finally:
            writer.cancel()


class _Counting:
    """Stands in for a writer to see which segments a merge policy would read."""

    def __init__(self, writer) -> None:
        self.storage, self.schema, self.read = writer.storage, writer.schema, 0

    def add_reader(self, reader) -> None:
        self.read += 1


def test_the_merge_policy_merges_ten_short_inputs_and_never_a_full_segment(monkeypatch):
    """merge_small on segments of every size (stand-ins for Whoosh's, beside the real
    ingest above): two small ones or more are merged, short inputs' segments ten at a
    time (the smallest first), full ones never."""
    from searchlib.backends.whoosh import commit

    class Seg:
        def __init__(self, n: int) -> None:
            self.n = n

        def doc_count_all(self) -> int:
            return self.n

    class Reader:
        def __init__(self, storage, schema, seg) -> None:
            self.seg = seg

        def close(self) -> None: ...

    class Writer:
        storage = schema = None

        def __init__(self) -> None:
            self.merged: list[int] = []

        def add_reader(self, reader) -> None:
            self.merged.append(reader.seg.n)

    monkeypatch.setattr(commit, "SegmentReader", Reader)
    full = [Seg(1500), Seg(3000), Seg(1000)]
    medium = [Seg(n) for n in (900, 100, 550, 300, 120, 800, 260, 400, 999, 150, 700, 640)]
    for small, merged_small in (([Seg(5)], []), ([Seg(5), Seg(99)], [5, 99])):
        w = Writer()
        kept = commit.merge_small(w, full + medium + small)
        ten = sorted(s.n for s in medium)[:10]
        assert sorted(w.merged) == sorted(merged_small + ten)
        assert sorted(s.n for s in kept) == sorted(s.n for s in full + medium + small
                                                    if s.n not in merged_small + ten)
    w = Writer()
    assert commit.merge_small(w, full + medium[:9]) == full + medium[:9] and w.merged == []
