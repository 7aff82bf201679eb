"""Parity: the same 2,400 articles in Whoosh and on OpenSearch find the same things.

For 300+ sampled queries of every kind (substrings, phrases, single
characters, traditional script, several terms, OR, NOT, fields, dates,
filters, questions, partial matches): the same total, the same set of
matching ids, the same facet counts and the same relaxed flag.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

import searchlib

from .corpus import articles, queries

pytestmark = [pytest.mark.opensearch, pytest.mark.timeout(900)]
FACETS = ("source", "category", "year", "month")


@pytest.fixture(scope="module")
def pair(tmp_path_factory, opensearch_url):
    rows = articles(2400)
    local = searchlib.open_index(tmp_path_factory.mktemp("parity") / "ix", create=True)
    remote = searchlib.open_index(f"{opensearch_url}/parity", create=True)
    try:
        for ix in (local, remote):
            report = ix.add(rows)
            assert report.added + report.duplicates == len(rows) and not report.failed
        assert sorted(local.ids()) == sorted(remote.ids())
        yield local, remote, rows
    finally:
        local.close()
        remote.close()
        from . import cluster

        cluster.drop("parity", opensearch_url)


def _answer(ix: searchlib.NewsIndex, q: str, options: dict) -> dict:
    res = ix.search(q, limit=10, facets=FACETS, **options)
    ids = {a.id for a in ix.iter_search(q, **options)}
    return {"total": res.total, "relaxed": res.relaxed, "facets": res.facets, "ids": ids,
            "page": [h.id for h in res.hits]}


def test_the_same_articles_for_every_kind_of_query(pair, tmp_path):
    local, remote, rows = pair
    mix = queries(rows)
    assert len(mix) >= 300
    kinds: Counter[str] = Counter()
    differences = []
    matched = 0
    for kind, q, options in mix:
        kinds[kind] += 1
        a, b = _answer(local, q, options), _answer(remote, q, options)
        matched += bool(a["total"])
        for key in ("total", "relaxed", "facets", "ids"):
            if a[key] != b[key]:
                differences.append({"kind": kind, "query": q, "options": options, "what": key,
                                    "whoosh": sorted(a[key]) if key == "ids" else a[key],
                                    "opensearch": sorted(b[key]) if key == "ids" else b[key]})
        assert a["total"] == len(a["ids"]), (q, "Whoosh's total and iter_search disagree")
    summary = {"queries": len(mix), "with_matches": matched, "kinds": dict(kinds),
               "differences": len(differences)}
    print("parity:", json.dumps(summary, ensure_ascii=False))
    assert matched > len(mix) * 0.9
    assert not differences, json.dumps(differences[:5], ensure_ascii=False, default=str)[:4000]


def test_facets_over_everything_agree(pair):
    local, remote, _ = pair
    a = local.search("-冥王星", facets=FACETS, limit=1)
    b = remote.search("-冥王星", facets=FACETS, limit=1)
    assert a.total == b.total == local.count() == remote.count()
    assert a.facets == b.facets and len(a.facets["month"]) > 100
    # 总统府 and 總統府 fold alike: one value, shown as its more frequent spelling
    office = [name for name in a.facets["source"] if name in ("总统府", "總統府")]
    assert len(office) == 1 and b.facets["source"][office[0]] > 0
