"""Pages past OpenSearch's from+size window come through a point in time and search_after.

The window is 10,000 hits; here it is lowered to 7 so that 60 articles reach
past it, and every page must equal the same page read within the window.
"""

from __future__ import annotations

import pytest

import searchlib
from searchlib.backends.opensearch import backend as os_backend

from ..conftest import HANS, read_jsonl

pytestmark = pytest.mark.opensearch


def test_deep_pages_equal_pages_within_the_window(opensearch_index, monkeypatch):
    with searchlib.open_index(opensearch_index(), create=True) as ix:
        ix.add(read_jsonl(HANS)[:60])
        for sort in ("relevance", "newest"):
            shallow = [[h.id for h in ix.search("总统", limit=5, page=p, sort=sort).hits] for p in range(1, 13)]
            everything = ix.search("总统", limit=100, sort=sort)
            monkeypatch.setattr(os_backend, "WINDOW", 7)
            deep = [ix.search("总统", limit=5, page=p, sort=sort, facets=("year",)) for p in range(1, 13)]
            monkeypatch.undo()
            assert [[h.id for h in r.hits] for r in deep] == shallow
            assert sum(shallow, []) == [h.id for h in everything.hits]
            assert all(r.total == everything.total for r in deep)
            assert sum(deep[-1].facets["year"].values()) == everything.total - sum(
                1 for h in everything.hits if h.article.date is None)


def test_facets_with_more_values_than_one_request_counts(opensearch_index, monkeypatch):
    with searchlib.open_index(opensearch_index(), create=True) as ix:
        ix.add(read_jsonl(HANS)[:60])
        whole = ix.search("总统", facets=("year", "month"))
        monkeypatch.setattr(os_backend, "FACET_VALUES", 3)  # read page by page, 3 values a page
        paged = ix.search("总统", facets=("year", "month"))
        assert paged.facets == whole.facets and len(whole.facets["month"]) > 10
