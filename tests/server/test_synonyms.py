"""GET and PUT /v1/synonyms: open to read, the admin key to replace; every worker of a
running server uses new groups at its next search."""

from __future__ import annotations

import json
import shutil
import urllib.parse
import urllib.request

import pytest
from starlette.testclient import TestClient

from searchlib import contains
from searchlib.server import create_app

from ..conftest import HANS, read_jsonl
from .conftest import AUTH, KEY, Served
from .test_api import problem

ROWS = read_jsonl(HANS)[:60]
LEE = ["李登辉", "李总统"]


def holding(*texts: str) -> set[str]:
    return {str(r["id"]) for r in ROWS if any(contains(r["title"], t) or contains(r["content"], t)
                                              for t in texts)}


@pytest.fixture
def news_admin(writable):
    writable.add([{"id": str(r["id"]), "title": r["title"], "body": r["content"]} for r in ROWS])
    with TestClient(create_app(writable, admin_key=KEY), raise_server_exceptions=False) as c:
        yield c


def ids(client, q: str) -> set[str]:
    body = client.get("/v1/search", params={"q": q, "hits_per_page": 100}).json()
    assert body["total"] == len(body["hits"])
    return {h["id"] for h in body["hits"]}


def test_put_replaces_the_groups_and_the_next_search_uses_them(news_admin):
    c = news_admin
    assert c.get("/v1/synonyms").json() == {"groups": []}
    assert ids(c, "李登辉") == holding("李登辉")
    r = c.put("/v1/synonyms", json={"groups": [[" 李登辉", "李总统 "]]}, headers=AUTH)
    assert r.status_code == 200 and r.json() == {"groups": [LEE]}
    got = c.get("/v1/synonyms")
    assert got.json() == {"groups": [LEE]} and got.headers["etag"]
    assert ids(c, "李登辉") == holding(*LEE) != holding("李登辉")
    body = c.get("/v1/search", params={"q": "李登辉", "hits_per_page": 100}).json()
    assert any("<mark>李总统</mark>" in s["html"] for h in body["hits"] for s in h["snippets"])
    assert c.put("/v1/synonyms", json={"groups": []}, headers=AUTH).json() == {"groups": []}
    assert ids(c, "李登辉") == holding("李登辉")


def test_put_takes_a_synonyms_file_as_plain_text(news_admin):
    r = news_admin.put("/v1/synonyms", content="# 人名\n李登辉, 李总统\n大陆 中共\n".encode(),
                       headers={**AUTH, "Content-Type": "text/plain; charset=utf-8"})
    assert r.status_code == 200 and r.json() == {"groups": [LEE, ["大陆", "中共"]]}


@pytest.mark.parametrize("body, words", [
    ({"groups": [["李登辉"]]}, "one member"),
    ({"groups": [["李登辉", 3]]}, "must be text"),
    ({"groups": "李登辉,李总统"}, "list of groups"),
    ({"groups": [["a", "b"]], "extra": 1}, '{"groups"'),
    ({"synonyms": []}, '{"groups"'),
    ({"groups": [["新冠", "COVID-19"], ["covid-19", "武汉肺炎"]]}, "merge"),
])
def test_bad_groups_are_400_problems_and_change_nothing(news_admin, body, words):
    news_admin.put("/v1/synonyms", json={"groups": [LEE]}, headers=AUTH)
    detail = problem(news_admin.put("/v1/synonyms", json=body, headers=AUTH), 400, "invalid-body")["detail"]
    assert words in detail
    assert news_admin.get("/v1/synonyms").json() == {"groups": [LEE]}


def test_bad_bodies_and_media_types(news_admin):
    c = news_admin
    problem(c.put("/v1/synonyms", content=b"\xff\xfe", headers={**AUTH, "Content-Type": "text/plain"}),
            400, "invalid-body")
    problem(c.put("/v1/synonyms", content=b"{", headers={**AUTH, "Content-Type": "application/json"}),
            400, "invalid-body")
    problem(c.put("/v1/synonyms", content=b"x", headers={**AUTH, "Content-Type": "image/png"}),
            415, "unsupported-media-type")
    text = "李登辉 => 李总统\n".encode()
    assert "one-way" in problem(c.put("/v1/synonyms", content=text, headers={
        **AUTH, "Content-Type": "text/plain"}), 400, "invalid-body")["detail"]


def test_replacing_needs_the_admin_key(news_admin, writable):
    problem(news_admin.put("/v1/synonyms", json={"groups": [LEE]}), 401, "unauthorized")
    with TestClient(create_app(writable, admin_key=KEY, read_only=True)) as ro:
        problem(ro.put("/v1/synonyms", json={"groups": [LEE]}, headers=AUTH), 403, "writes-disabled")
        assert ro.get("/v1/synonyms").status_code == 200
    assert writable.synonyms() == []


def test_the_openapi_document_describes_both(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths["/v1/synonyms"]) == {"get", "put"}
    put = paths["/v1/synonyms"]["put"]
    assert put["security"] == [{"admin": []}]
    assert set(put["requestBody"]["content"]) == {"application/json", "text/plain"}


def test_every_worker_of_a_running_server_uses_new_groups_at_its_next_search(news_dir, tmp_path):
    index = tmp_path / "copy"
    shutil.copytree(news_dir, index)
    served = Served(index, "--workers", "2", env={"SEARCHLIB_ADMIN_KEY": KEY})
    q = "/v1/search?hits_per_page=100&q=" + urllib.parse.quote("李登辉")
    all_rows = read_jsonl(HANS)

    def expected(*texts: str) -> set[str]:
        return {str(r["id"]) for r in all_rows if any(contains(r["title"], t) or contains(r["content"], t)
                                                      for t in texts)}

    def search_ids() -> set[str]:
        with urllib.request.urlopen(served.url + q) as r:
            return {h["id"] for h in json.load(r)["hits"]}

    try:
        served.wait_ready()
        before = [search_ids() for _ in range(8)]  # both workers have searched (and opened the index)
        assert all(b == expected("李登辉") for b in before)
        req = urllib.request.Request(served.url + "/v1/synonyms", method="PUT",
                                     data=json.dumps({"groups": [LEE]}).encode(),
                                     headers={"Content-Type": "application/json",
                                              "Authorization": f"Bearer {KEY}"})
        with urllib.request.urlopen(req) as r:
            assert json.load(r) == {"groups": [LEE]}
        after = [search_ids() for _ in range(8)]  # new connections: spread over the workers
        assert all(a == expected(*LEE) for a in after) and expected(*LEE) != expected("李登辉")
    finally:
        served.stop()


def test_answers_match_the_documented_schema(news_admin):
    jsonschema = pytest.importorskip("jsonschema")
    schemas = news_admin.get("/openapi.json").json()["components"]["schemas"]
    schema = {**schemas["Synonyms"], "components": {"schemas": schemas}}
    put = news_admin.put("/v1/synonyms", json={"groups": [LEE]}, headers=AUTH).json()
    for body in (put, news_admin.get("/v1/synonyms").json()):
        jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"groups": [["一"]]}, schema, cls=jsonschema.Draft202012Validator)
