"""NewsIndex.iter_search: every match, streamed, from one commit."""

from __future__ import annotations

import pytest

import searchlib

from .conftest import HANS, read_jsonl


def all_pages(ix, q, **kw):
    ids, page = [], 1
    while True:
        res = ix.search(q, limit=7, page=page, snippets=0, **kw)
        ids += [h.id for h in res.hits]
        if page >= res.pages:
            return ids, res.total
        page += 1


@pytest.mark.parametrize("q", ["总统", "的", "两岸 OR 经济", "总统 -台湾", "date:2010..", "赵鹏的职业是什么？"])
@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_iter_search_yields_every_match_in_the_order_of_search(hans_index, q, sort):
    ids, total = all_pages(hans_index, q, sort=sort)
    streamed = [a.id for a in hans_index.iter_search(q, sort=sort)]
    assert streamed == ids and len(streamed) == total


def test_iter_search_takes_the_filters_of_search(hans_index):
    kw = {"date_from": "2016-01-01", "date_to": "2020-12-31"}
    streamed = list(hans_index.iter_search("总统", sort="oldest", **kw))
    ids, total = all_pages(hans_index, "总统", sort="oldest", **kw)
    assert [a.id for a in streamed] == ids and total == len(streamed) > 0
    assert all(2016 <= a.date.year <= 2020 for a in streamed)
    assert [a.date for a in streamed] == sorted(a.date for a in streamed)


def test_iter_search_reads_one_commit_while_the_index_changes(tmp_path):
    rows = read_jsonl(HANS)
    with searchlib.open_index(tmp_path / "ix", create=True) as ix:
        ix.add([{"id": str(r["id"]), "title": r["title"], "body": r["content"]} for r in rows[:60]])
        expected = [h.id for h in ix.search("总统", limit=1000, snippets=0).hits]
        stream = ix.iter_search("总统")
        first = next(stream)
        ix.add([{"id": str(r["id"]), "title": r["title"], "body": r["content"]} for r in rows[60:]])
        ix.delete(expected[-1])
        assert ix.search("总统").total != len(expected)   # this thread's searcher moved on
        assert [first.id] + [a.id for a in stream] == expected


def test_iter_search_errors_are_raised_at_the_call(hans_index):
    with pytest.raises(searchlib.QuerySyntaxError):
        hans_index.iter_search('"unclosed')
    with pytest.raises(searchlib.UsageError):
        hans_index.iter_search("总统", sort="random")
