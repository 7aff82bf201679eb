"""Where an OpenSearch index is: URLs, a Cluster with a client, tokens that stay one term.

The URL tests need no cluster (they run in the default suite); the ones
marked ``opensearch`` open indexes on the real one.
"""

from __future__ import annotations

import pytest

import searchlib
from searchlib.analysis import SCRIPT, SegmenterProfile, bigrams
from searchlib.backends.opensearch import Cluster, is_location, parse_location
from searchlib.backends.opensearch.documents import _JAVA_SPACE, to_document, token


def test_urls_name_the_nodes_the_index_the_login_and_the_options():
    c = parse_location("opensearch://admin:s%40cret@a.example:9201,b.example/news?verify_certs=false&timeout=5")
    assert c.index == "news" and c.hosts == ("http://a.example:9201", "http://b.example:9200")
    assert c.auth == ("admin", "s@cret") and c.verify_certs is False and c.timeout == 5.0
    assert "s@cret" not in c.location and parse_location(c.location).hosts == c.hosts
    assert parse_location("opensearchs://h:443/news").hosts == ("https://h:443",)
    assert parse_location("opensearch://h/news?shards=3&replicas=1").shards == 3
    assert is_location("opensearch://h/x") and is_location(c) and not is_location("index_data/index")


@pytest.mark.parametrize("url", ["opensearch://h:9200", "opensearch://h:9200/News", "opensearch://h/a/b",
                                 "opensearch://h/news?colour=red", "opensearch://h/news?timeout=soon"])
def test_bad_urls_say_what_is_wrong(url):
    with pytest.raises(searchlib.UsageError):
        parse_location(url)


def test_every_token_is_one_whitespace_term_and_escapes_are_a_prefix_code():
    text = "总统 府\u3000a\u00a0b\tc\x1cd\ue000e\u2007f"
    for gram, _ in bigrams(text, SCRIPT):
        assert token(gram) and not any(ch in _JAVA_SPACE for ch in token(gram))
    assert token("\ue000") != token(" ") and not token(" x").startswith(token("\ue000"))
    doc = to_document(searchlib.Article(id="1", title="t", body=text), SegmenterProfile(), SCRIPT)
    assert len(doc["body_ng"].split(" ")) == len(list(bigrams(text, SCRIPT)))


@pytest.mark.opensearch
def test_a_cluster_with_a_ready_client(opensearch_url, opensearch_index):
    url = opensearch_index()
    given = parse_location(url)
    client = given.connect()
    try:
        with searchlib.open_index(Cluster(index=given.index, client=client), create=True) as ix:
            ix.add([{"id": "a", "title": "总统府", "body": "總統府開放參觀 \u3000 两岸 关系"}])
            assert ix.search('"总统府开放"').total == 1 and ix.search('"两岸 关系"').total == 1
            assert ix.search('"岸 关"').total == 1 and ix.search('"岸关"').total == 0
        with searchlib.open_index(url) as again:  # the same index by URL; the client still open
            assert again.count() == 1 and client.ping()
    finally:
        client.close()


@pytest.mark.opensearch
def test_a_missing_index_is_not_created_unless_asked(opensearch_url):
    with pytest.raises(searchlib.IndexNotFoundError):
        searchlib.open_index(f"{opensearch_url}/never-created-here")
