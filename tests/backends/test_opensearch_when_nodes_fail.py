"""Faults on a real cluster: a node killed during an ingest, then the whole cluster stopped.

Runs after the other OpenSearch tests (file order): it leaves the cluster
restarted as it found it.
"""

from __future__ import annotations

import json
import os
import time

import pytest

import searchlib
from searchlib.backends.opensearch import parse_location
from searchlib.errors import ClusterError

from . import cluster
from .corpus import articles

pytestmark = [pytest.mark.opensearch, pytest.mark.timeout(900)]


@pytest.fixture(scope="module")
def own_cluster(opensearch_url):
    if os.environ.get("SEARCHLIB_OPENSEARCH_URL"):
        pytest.skip("node faults need the cluster of scripts/opensearch-cluster, not $SEARCHLIB_OPENSEARCH_URL")
    yield opensearch_url
    if cluster.run("status", timeout=60).returncode != 0:  # leave a cluster as the session expects
        cluster.run("stop", timeout=120)
        started = cluster.run("start", "--nodes", str(cluster.NODES), "--heap", "256m", "--timeout", "240",
                              timeout=400)
        assert started.returncode == 0, started.stderr


def _wait_for(client, index: str, status: str, seconds: float = 90) -> None:
    """Wait until the index's health is ``status`` or better."""
    good = {"green": ("green",), "yellow": ("green", "yellow")}[status]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if client.cluster.health(index=index)["status"] in good:
                return
        except Exception:  # a cluster still electing a manager answers with errors
            pass
        time.sleep(0.5)
    raise AssertionError(f"{index} not {status} after {seconds} s")


def _primary_node(client, index: str) -> int:
    shards = client.cat.shards(index=index, params={"format": "json"})
    name = next(s["node"] for s in shards if s["prirep"] == "p")
    return int(name.rsplit("-", 1)[1])


def test_a_node_killed_during_an_ingest_loses_nothing_after_a_rerun(own_cluster, opensearch_index, monkeypatch,
                                                                    tmp_path):
    monkeypatch.setenv("SEARCHLIB_CHUNK_BYTES", "60000")  # many small chunks: the kill lands mid-ingest
    rows = articles(900)
    source = tmp_path / "news.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    url = opensearch_index()
    ix = searchlib.open_index(url, create=True)
    client = parse_location(url).connect()
    try:
        concrete = next(iter(client.indices.get(index=url.rsplit("/", 1)[1])))
        _wait_for(client, concrete, "green")
        victim = _primary_node(client, concrete)
        killed_at: list[int] = []

        def progress(done: int, _bytes: int) -> None:
            if done >= 300 and not killed_at:
                cluster.kill_node(victim)
                killed_at.append(done)

        first: searchlib.IngestReport | None = None
        error: searchlib.SearchlibError | None = None
        started = time.monotonic()
        try:
            first = ix.ingest(source, progress=progress)
        except searchlib.SearchlibError as exc:  # failing is allowed, if clearly
            error = exc
            assert isinstance(exc, ClusterError) and "failed" in str(exc)
        took = time.monotonic() - started
        assert killed_at, "the node was never killed"
        assert took < 300, f"the ingest neither finished nor failed for {took:.0f} s"
        survivor = parse_location(url).connect()
        _wait_for(survivor, concrete, "yellow")
        again = ix.ingest(source)
        assert not again.failed
        if first is not None:
            assert first.added == len(rows) and again.unchanged == len(rows)
        assert ix.count() == len(rows)
        assert sorted(ix.ids()) == sorted(r["id"] for r in rows)
        for r in rows[::97]:
            stored = ix.get(r["id"])
            assert stored is not None and stored.title == r["title"].strip()
            phrase = r["content"].strip()[:12]
            assert r["id"] in {a.id for a in ix.iter_search(f'"{phrase}"')}, phrase
        print(f"node-{victim} killed after {killed_at[0]} articles; first run "
              f"{'failed: ' + str(error) if error else 'completed'} in {took:.1f} s")
        survivor.close()
    finally:
        client.close()
        ix.close()


def test_a_stopped_cluster_gives_a_clear_error_quickly(own_cluster, opensearch_index):
    url = opensearch_index()
    ix = searchlib.open_index(url, create=True)
    ix.add(articles(20))
    cluster.stop()
    try:
        for action in (lambda: ix.search("总统"), lambda: ix.count(), lambda: ix.get("x"),
                       lambda: ix.add([{"id": "n1", "title": "t", "body": "b"}]),
                       lambda: searchlib.open_index(url)):
            started = time.monotonic()
            with pytest.raises(ClusterError, match="no node answered") as caught:
                action()
            assert time.monotonic() - started < 30
            assert isinstance(caught.value, ConnectionError) and url.rsplit("/", 1)[1] in str(caught.value)
    finally:
        ix.close()
