"""A secured cluster: HTTPS with the cluster's own CA, logins, and roles that may only read.

One node with OpenSearch's security plugin and its demo configuration
(``scripts/opensearch-cluster start --security``): TLS on the HTTP port, the
user ``admin``, and users made here through the plugin's REST API with a
reader role and a writer role, as a newsroom would deploy them. Every refusal
(a wrong password, an unknown certificate, a missing permission) is one
:class:`searchlib.ClusterError` that says what to do, in Python and on the
command line, and costs no data.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import quote

import pytest

import searchlib
from searchlib.backends.opensearch import parse_location

from . import cluster
from .corpus import articles, queries

pytestmark = [pytest.mark.opensearch, pytest.mark.timeout(900)]

HOST = f"127.0.0.1:{cluster.SECURED_PORT}"
READER = ("newsdesk", "Kiosk-Reads-2026!")
WRITER = ("ingester", "Night-Shift-2026!")


def url(user: str, password: str, index: str, **options: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in options.items())
    return f"opensearchs://{quote(user)}:{quote(password, safe='')}@{HOST}/{index}" + (f"?{query}" if query else "")


@pytest.fixture(scope="module")
def ca() -> Iterator[str]:
    path = cluster.start_secured()
    try:
        admin = parse_location(url("admin", cluster.SECURED_PASSWORD, "x", ca_certs=path)).connect()
        roles = {
            "searchlib_reader": {"cluster_permissions": ["cluster_composite_ops_ro"], "index_permissions": [
                {"index_patterns": ["news*"], "allowed_actions": ["read", "indices:admin/mappings/get"]}]},
            "searchlib_writer": {"cluster_permissions": ["cluster_composite_ops"], "index_permissions": [
                {"index_patterns": ["news*"], "allowed_actions": ["indices_all"]}]},
        }
        for name, role in roles.items():
            admin.transport.perform_request("PUT", f"/_plugins/_security/api/roles/{name}", body=role)
        for (user, password), role in ((READER, "searchlib_reader"), (WRITER, "searchlib_writer")):
            admin.transport.perform_request("PUT", f"/_plugins/_security/api/internalusers/{user}",
                                            body={"password": password, "opendistro_security_roles": [role]})
        admin.close()
        yield path
    finally:
        cluster.stop_secured()


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return articles(300)


@pytest.fixture(scope="module")
def news(ca, rows) -> str:
    """The index ``news``, written by the admin over HTTPS."""
    with searchlib.open_index(url("admin", cluster.SECURED_PASSWORD, "news", ca_certs=ca), create=True) as ix:
        report = ix.add(rows)
        assert report.added == len(rows) and not report.failed
    return "news"


def test_https_with_a_login_finds_what_the_local_index_finds(ca, rows, news):
    sampled = queries(rows, per_kind=2)
    with searchlib.open_index(None) as local, \
            searchlib.open_index(url("admin", cluster.SECURED_PASSWORD, news, ca_certs=ca)) as remote:
        local.add(rows)
        assert remote.count() == local.count() == len(rows)
        for _kind, q, options in sampled:
            mine, theirs = local.search(q, limit=1000, **options), remote.search(q, limit=1000, **options)
            assert theirs.total == mine.total, q
            assert {h.id for h in theirs.hits} == {h.id for h in mine.hits}, q
        first = rows[0]
        assert remote.get(first["id"]).title == local.get(first["id"]).title


def test_the_command_line_reaches_a_secured_cluster(ca, rows, news):
    where = url("admin", cluster.SECURED_PASSWORD, news, ca_certs=ca)
    word = rows[0]["title"][:2]
    done = subprocess.run([sys.executable, "-m", "searchlib.cli", "search", "--index", where, "--json", word],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with searchlib.open_index(None) as local:
        local.add(rows)
        assert json.loads(done.stdout)["total"] == local.search(word).total > 0


def test_a_wrong_password_is_one_clear_error(ca, news):
    bad = url("admin", "not-the-password", news, ca_certs=ca)
    with pytest.raises(searchlib.ClusterError) as refused:
        searchlib.open_index(bad)
    assert "401" in str(refused.value) and "password" in str(refused.value)
    assert "not-the-password" not in str(refused.value)
    done = subprocess.run([sys.executable, "-m", "searchlib.cli", "search", "--index", bad, "总统"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("searchlib: error:") and len(done.stderr.strip().splitlines()) == 1


def test_tls_needs_the_clusters_ca_or_verify_certs_false(ca, rows, news):
    with pytest.raises(searchlib.ClusterError, match="ca_certs"):
        searchlib.open_index(url("admin", cluster.SECURED_PASSWORD, news))  # the system's CAs only
    with searchlib.open_index(url("admin", cluster.SECURED_PASSWORD, news, verify_certs="false")) as ix:
        assert ix.count() == len(rows)
    with pytest.raises(searchlib.ClusterError):  # plain HTTP to the HTTPS port
        searchlib.open_index(f"opensearch://{HOST}/{news}")


def test_a_read_only_login_reads_everything_and_writes_nothing(ca, rows, news):
    word = rows[1]["title"][:2]
    with searchlib.open_index(url(*READER, news, ca_certs=ca)) as ix:
        res = ix.search(word, facets=("year", "month"))
        assert res.total > 0 and res.hits and sum(res.facets["year"].values()) == res.total
        assert len(list(ix.iter_search(word))) == res.total
        assert ix.get(rows[1]["id"]) is not None and ix.complete(word[:1])
        for write in (lambda: ix.add([{"id": "new", "title": "标题", "body": "正文"}]),
                      lambda: ix.delete(rows[1]["id"])):
            with pytest.raises(searchlib.ClusterError, match="403"):
                write()
        assert ix.count() == len(rows) and ix.get(rows[1]["id"]) is not None and ix.get("new") is None


def test_a_writer_role_on_the_index_names_ingests_deletes_and_rebuilds(ca, rows):
    with searchlib.open_index(url(*WRITER, "news-desk", ca_certs=ca), create=True) as ix:
        assert ix.add(rows[:40]).added == 40
        assert ix.delete(rows[0]["id"]) and ix.count() == 39
        ix.rebuild()
        assert ix.count() == 39 and ix.get(rows[0]["id"]) is None and ix.get(rows[1]["id"]) is not None
