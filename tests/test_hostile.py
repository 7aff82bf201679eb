"""Hostile input: any query string, any text, any bytes. The answer is results or
a SearchlibError, a correct article or a clear failure entry; never a crash."""

from __future__ import annotations

import gzip
import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import searchlib
from searchlib import SearchlibError
from searchlib.ingest import iter_records

from .conftest import SEED

any_char = st.characters(blacklist_categories=())  # surrogates and controls included
query_text = st.one_of(
    st.text(any_char, max_size=60),
    st.text(st.sampled_from(list('援疆干部國防"“”()（）-:：OR NOT AND title:date:..2017 \x00\t\n')), max_size=40),
    st.builds(lambda n, w: "(" * n + w + ")" * n, st.integers(0, 200), st.text(max_size=5)),
)


@pytest.fixture(scope="module")
def small_index():
    with searchlib.open_index(None) as ix:
        ix.ingest([SEED])
        ix.add([{"id": "html", "title": "<b>标题</b>", "body": "攻击<script>alert(1)</script>援疆"}])
        yield ix


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query_text)
def test_any_query_gives_results_or_a_searchlib_error(small_index, q):
    try:
        res = small_index.search(q)
    except SearchlibError:
        return
    assert res.total == len({h.id for h in res.hits}) or res.total > len(res.hits)
    for hit in res.hits:
        for snip in hit.snippets:
            assert "<script>" not in snip.html
            for a, b in snip.spans:
                assert 0 <= a < b <= len(snip.text)


def test_huge_and_nested_queries_are_refused_cleanly(small_index):
    for q in ["援" * 1_000_000, "(" * 5000 + "援疆" + ")" * 5000, "\ud800\udfff援疆", "\x00" * 10]:
        try:
            small_index.search(q)
        except SearchlibError as exc:
            assert str(exc)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=3000), st.sampled_from(["a.txt", "a.jsonl", "a.csv", "a.json",
                                                   "a.jsonl.gz", "a.txt.gz"]))
def test_random_bytes_in_any_format_never_crash_a_reader(tmp_path_factory, data, name):
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_bytes(data)
    for rec in iter_records([path]):
        assert (rec.article is None) != (rec.error is None)
        if rec.error:
            assert rec.path == str(path) and rec.error.strip()


def test_a_50_mb_article_is_a_clear_failure_and_the_rest_goes_in(tmp_path):
    path = tmp_path / "feed.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write(json.dumps({"id": "huge", "title": "巨大", "body": "援疆干部。" * 10_500_000},
                           ensure_ascii=False) + "\n")
        f.write(json.dumps({"id": "ok", "title": "正常", "body": "援疆干部座谈会。"}, ensure_ascii=False) + "\n")
    assert os.path.getsize(path) < 5_000_000  # (it compresses well; 50 MB of text inside)
    with searchlib.open_index(None) as ix:
        report = ix.ingest(path)
        assert report.added == 1 and ix.get("ok") is not None
        (failure,) = report.failed
        assert failure.line == 1 and "limit" in failure.reason


def test_empty_and_truncated_inputs(tmp_path):
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "cut.jsonl.gz").write_bytes(gzip.compress(b'{"id": "1", "title": "t", "body": "b"}\n' * 50)[:60])
    (tmp_path / "notgz.jsonl.gz").write_bytes(b"this is not gzip")
    with searchlib.open_index(None) as ix:
        report = ix.ingest(tmp_path)
        sources = {f.source.rsplit("/", 1)[-1] for f in report.failed}
        assert {"empty.csv", "cut.jsonl.gz", "notgz.jsonl.gz"} <= sources
        assert all(f.reason for f in report.failed)


@pytest.mark.parametrize("text", ["𠀀𠀁援疆𠀂干部", "援疆🇨🇳干部👍🏽", "e\u0301援疆"])
def test_spans_never_split_a_character(text):
    with searchlib.open_index(None) as ix:
        ix.add([{"id": "1", "title": "t", "body": text + "。"}])
        snip = ix.search("援疆").hits[0].snippets[0]
        (a, b), = snip.spans
        assert snip.text[a:b] == "援疆"
