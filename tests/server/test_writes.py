"""Writes through the API: the admin key, the one-writer rule, bodies, limits, uploads."""

from __future__ import annotations

import gzip
import io
import json
import threading

import pytest
from starlette.testclient import TestClient

import searchlib
from searchlib.server import create_app
from searchlib.server.auth import load_admin_key

from .conftest import AUTH, KEY, wait_ready
from .test_api import problem

NEW = [{"id": "n1", "title": "台风登陆", "body": "台风在福建登陆。", "date": "2024-07-25"},
       {"id": "n2", "title": "台风过境", "body": "台风过境上海。", "date": "2024-07-26"}]


def test_without_a_configured_key_every_write_is_403(client):
    for r in (client.post("/v1/articles", json=NEW, headers=AUTH),
              client.put("/v1/articles/n1", json=NEW[0], headers=AUTH),
              client.delete("/v1/articles/22735", headers=AUTH),
              client.post("/v1/ingest", files={"file": ("a.jsonl", b"{}")}, headers=AUTH)):
        assert "admin key" in problem(r, 403, "writes-disabled")["detail"]
    assert client.get("/v1/articles/22735").status_code == 200


def test_read_only_refuses_writes_even_with_the_key(writable):
    with TestClient(create_app(writable, admin_key=KEY, read_only=True)) as c:
        problem(c.post("/v1/articles", json=NEW, headers=AUTH), 403, "writes-disabled")
    assert writable.count() == 1


@pytest.mark.parametrize("header", [None, "Bearer wrong-key-0123456789abcdef", f"Basic {KEY}",
                                    f"Bearer {KEY}x", "Bearer"])
def test_a_missing_or_wrong_key_is_401(admin, writable, header):
    headers = {"Authorization": header} if header else {}
    r = admin.post("/v1/articles", json=NEW, headers=headers)
    problem(r, 401, "unauthorized")
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert writable.count() == 1


def test_post_a_json_array_gives_the_ingest_report(admin, writable):
    r = admin.post("/v1/articles", json=NEW + [{"id": "bad", "title": "no body"}], headers=AUTH)
    assert r.status_code == 200
    report = r.json()
    assert report["added"] == 2 and report["failed"][0]["reason"]
    assert writable.get("n1").title == "台风登陆"
    assert admin.get("/v1/search", params={"q": "台风"}).json()["total"] == 2
    again = admin.post("/v1/articles", json=NEW, headers=AUTH).json()
    assert again["unchanged"] == 2 and again["added"] == 0


def test_post_ndjson(admin, writable):
    body = "\n".join(json.dumps(a, ensure_ascii=False) for a in NEW) + "\n\n"
    r = admin.post("/v1/articles", content=body.encode(), headers={**AUTH, "content-type": "application/x-ndjson"})
    assert r.json()["added"] == 2 and writable.count() == 3


def test_a_broken_ndjson_line_writes_nothing_and_names_the_line(admin, writable):
    body = json.dumps(NEW[0]) + "\n{broken\n"
    r = admin.post("/v1/articles", content=body.encode(), headers={**AUTH, "content-type": "application/x-ndjson"})
    assert problem(r, 400, "invalid-body")["line"] == 2
    assert writable.count() == 1


def test_bad_write_bodies(admin):
    problem(admin.post("/v1/articles", json={"id": "x"}, headers=AUTH), 400, "invalid-body")
    problem(admin.post("/v1/articles", content=b"id=x", headers={**AUTH, "content-type": "text/csv"}),
            415, "unsupported-media-type")
    problem(admin.post("/v1/articles", content=b"[", headers={**AUTH, "content-type": "application/json"}),
            400, "invalid-body")


def test_limits_on_body_size_and_article_count(admin, writable):
    big = [{"id": "big", "title": "大", "body": "字" * 70_000}]
    body = problem(admin.post("/v1/articles", json=big, headers=AUTH), 413, "body-too-large")
    assert body["limit"] == 64 * 1024
    many = [{"id": f"m{i}", "title": "多", "body": f"第{i}篇"} for i in range(51)]
    assert problem(admin.post("/v1/articles", json=many, headers=AUTH), 413, "too-many-articles")["limit"] == 50
    assert writable.count() == 1

    def chunks():  # no Content-Length: the limit holds while reading
        for _ in range(20):
            yield b" " * 8192

    r = admin.post("/v1/articles", content=chunks(), headers={**AUTH, "content-type": "application/json"})
    problem(r, 413, "body-too-large")


def test_put_adds_then_replaces_one_article(admin, writable):
    r = admin.put("/v1/articles/p1", json={"title": "初稿", "body": "正文一"}, headers=AUTH)
    assert r.status_code == 201 and r.json()["added"] == 1
    r = admin.put("/v1/articles/p1", json={"id": "p1", "title": "改稿", "body": "正文二"}, headers=AUTH)
    assert r.status_code == 200 and r.json()["updated"] == 1
    assert writable.get("p1").title == "改稿"
    problem(admin.put("/v1/articles/p1", json={"id": "other", "title": "x", "body": "y"}, headers=AUTH),
            400, "invalid-article")
    assert problem(admin.put("/v1/articles/p2", json={"title": "没有正文"}, headers=AUTH),
                   400, "invalid-article")["report"]["failed"]
    assert writable.get("p2") is None


def test_delete(admin, writable):
    assert admin.delete("/v1/articles/a1", headers=AUTH).status_code == 204
    assert writable.get("a1") is None
    problem(admin.delete("/v1/articles/a1", headers=AUTH), 404, "article-not-found")
    problem(admin.get("/v1/articles/a1"), 404, "article-not-found")


def test_upload_files_to_ingest_without_showing_server_paths(admin, writable):
    jsonl = ("\n".join(json.dumps(a, ensure_ascii=False) for a in NEW) + "\nnot json\n").encode()
    csv = "id,title,body\nc1,地震,地震发生在花莲。\n".encode()
    gz = gzip.compress(json.dumps([{"id": "g1", "title": "压缩", "body": "压缩文件里的文章"}]).encode())
    files = [("file", ("../../etc/news.jsonl", io.BytesIO(jsonl))), ("file", ("more.csv", io.BytesIO(csv))),
             ("file", ("z.json.gz", io.BytesIO(gz)))]
    r = admin.post("/v1/ingest", files=files, headers=AUTH)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["added"] == 4 and writable.get("c1").title == "地震" and writable.get("g1")
    assert [f["source"] for f in report["failed"]] == ["news.jsonl:3"]
    assert "searchlib-upload" not in r.text and "/tmp" not in r.text and "etc" not in r.text


def test_upload_errors(admin):
    problem(admin.post("/v1/ingest", files={"file": ("evil.exe", b"MZ")}, headers=AUTH), 415,
            "unsupported-media-type")
    problem(admin.post("/v1/ingest", data={"other": "x"}, files={"x": ("a.jsonl", b"{}")}, headers=AUTH),
            400, "invalid-body")
    problem(admin.post("/v1/ingest", json=NEW, headers=AUTH), 415, "unsupported-media-type")


def test_one_writer_at_a_time_in_this_process(admin, writable):
    state = admin.app.state.searchlib
    with state.write_lock:  # a write under way
        r = admin.post("/v1/articles", json=NEW, headers=AUTH)
    problem(r, 503, "index-locked")
    assert r.headers["retry-after"].isdigit()
    assert admin.post("/v1/articles", json=NEW, headers=AUTH).json()["added"] == 2


def test_a_writer_in_another_process_makes_writes_503(tmp_path):
    path = tmp_path / "shared"
    searchlib.open_index(path, create=True).close()
    app = create_app(path, admin_key=KEY)  # opened by path: its writers give up after 2 s
    holder = searchlib.open_index(path)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with holder.backend.write_lock():  # the OS lock another process would hold
            held.set()
            release.wait(30)

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(10)
    try:
        with TestClient(app, raise_server_exceptions=False) as c:
            wait_ready(c)
            r = c.post("/v1/articles", json=NEW, headers=AUTH)
            problem(r, 503, "index-locked")
            assert r.headers["retry-after"].isdigit()
            release.set()
            thread.join()
            assert c.post("/v1/articles", json=NEW, headers=AUTH).json()["added"] == 2
    finally:
        release.set()
        holder.close()


def test_admin_key_from_a_file_or_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("SEARCHLIB_ADMIN_KEY", raising=False)
    assert load_admin_key() is None
    monkeypatch.setenv("SEARCHLIB_ADMIN_KEY", f"  {KEY}\n")
    assert load_admin_key() == KEY
    key_file = tmp_path / "key"
    key_file.write_text("from-the-file-0123456789\nignored\n")
    assert load_admin_key(key_file) == "from-the-file-0123456789"
    key_file.write_text("short")
    with pytest.raises(ValueError, match="shorter than 16"):
        load_admin_key(key_file)
    with pytest.raises(ValueError, match="cannot read"):
        load_admin_key(tmp_path / "missing")
