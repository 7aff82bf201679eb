"""NewsIndex: opening, adding, identity, deleting."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import searchlib
from searchlib import (Article, IndexExistsError, IndexNotFoundError, IngestError,
                       SearchlibError)

from .conftest import HANS, SEED, read_jsonl


def test_open_missing_index_says_how_to_create_it(tmp_path):
    with pytest.raises(IndexNotFoundError, match="create=True") as err:
        searchlib.open_index(tmp_path / "nothing")
    assert isinstance(err.value, FileNotFoundError)


def test_refuses_to_create_an_index_among_other_files(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(IndexExistsError):
        searchlib.open_index(tmp_path, create=True)


def test_index_persists_and_reopens(tmp_path):
    path = tmp_path / "ix"
    with searchlib.open_index(path, create=True) as ix:
        ix.add([{"id": "a1", "title": "援疆干部", "body": "援疆干部座谈会在吉林召开。", "date": "2017-02-10"}])
    with searchlib.open_index(path) as ix:
        assert ix.count() == 1
        got = ix.get("a1")
        assert got == Article(id="a1", title="援疆干部", body="援疆干部座谈会在吉林召开。",
                              date=dt.date(2017, 2, 10))
    with pytest.raises(SearchlibError, match="closed"):
        ix.count()


def test_get_round_trips_every_field(mem_index):
    a = Article(id="x", title="标题", body="正文。", date=dt.datetime(2017, 2, 10, 0, 33),
                source="江城日报", author="彭亚娟", editor="李波", url="https://e.x/1",
                category="时政", tags=("援疆", "吉林"))
    mem_index.add([a])
    assert mem_index.get("x") == a
    assert mem_index.get("missing") is None
    assert "x" in mem_index and "missing" not in mem_index


def test_identity_added_unchanged_updated_duplicate(mem_index):
    rows = read_jsonl(HANS)[:4]
    r1 = mem_index.add(rows)
    assert (r1.added, r1.updated, r1.unchanged, r1.duplicates) == (4, 0, 0, 0)
    r2 = mem_index.add(rows)                                   # same input again: no change
    assert (r2.added, r2.updated, r2.unchanged) == (0, 0, 4)
    changed = dict(rows[0], content=rows[0]["content"] + "\n\n更正：本文已更新。")
    r3 = mem_index.add([changed])
    assert (r3.added, r3.updated) == (0, 1)
    assert mem_index.get(str(rows[0]["id"])).body.endswith("本文已更新。")
    copy = dict(rows[1], id="copy-of-" + str(rows[1]["id"]))   # same text, other id
    r4 = mem_index.add([copy])
    assert (r4.added, r4.duplicates) == (0, 1)
    assert mem_index.count() == 4


def test_same_id_twice_in_one_input_keeps_the_last_version_once(mem_index):
    r = mem_index.add([{"id": "a", "title": "t", "body": "第一版"},
                       {"id": "a", "title": "t", "body": "第二版"}])
    assert (r.added, r.updated) == (1, 1)
    assert mem_index.count() == 1 and mem_index.get("a").body == "第二版"


def test_jsonl_with_a_broken_line_and_a_bodyless_record(tmp_path, mem_index):
    rows = read_jsonl(HANS)[:6]
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    lines.insert(1, '{"id": 1, "title": ')                          # line 2: broken JSON
    lines.insert(4, json.dumps({"id": "empty", "title": "只有标题"}))  # line 5: no body
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    report = mem_index.ingest(path)
    assert report.added == 6 and mem_index.count() == 6
    assert [(f.path, f.line) for f in report.failed] == [(str(path), 2), (str(path), 5)]
    assert "broken JSON" in report.failed[0].reason
    assert "no body" in report.failed[1].reason
    source, reason = report.failed[1]
    assert source == f"{path}:5"


def test_strict_ingest_stops_at_the_first_bad_record(tmp_path, mem_index):
    path = tmp_path / "feed.jsonl"
    path.write_text('{"id": "ok", "title": "t", "body": "b"}\nnot json\n', encoding="utf-8")
    with pytest.raises(IngestError) as err:
        mem_index.ingest(path, strict=True)
    assert (err.value.source, err.value.line) == (str(path), 2)


def test_same_raw_file_under_two_names_is_stored_once(tmp_path, mem_index):
    (tmp_path / "a.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "b.txt").write_bytes(SEED.read_bytes())
    report = mem_index.ingest(tmp_path)
    assert (report.added, report.duplicates, mem_index.count()) == (1, 1, 1)


def test_delete(mem_index):
    mem_index.add([{"id": "a", "title": "t", "body": "援疆"}, {"id": "b", "title": "t", "body": "干部"}])
    assert mem_index.delete("a") is True
    assert mem_index.delete("a") is False
    assert mem_index.count() == 1 and mem_index.get("a") is None
    assert mem_index.search("援疆").total == 0


def test_import_does_not_load_jieba():
    import subprocess
    import sys

    code = "import searchlib, sys; print('jieba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_every_kind_of_bad_record_is_reported_and_the_rest_go_in(tmp_path, mem_index):
    (tmp_path / "a.jsonl").write_text(
        '{"id": "ok1", "title": "t", "body": "正文一"}\n'
        '{"id": "baddate", "title": "t", "body": "正文", "date": "2017-02-30"}\n'
        '{"id": "nobody", "title": "t"}\n'
        '[1, 2, 3]\n'
        '{"id": "ok2", "title": "t", "body": "正文二"}\n', encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\xff\xfe\x00\xd8" * 100)     # not text
    (tmp_path / "c.txt").write_text("标题\n2017-13-45\n正文", encoding="utf-8")  # bad date line
    report = mem_index.ingest(tmp_path)
    assert report.added == 2 and mem_index.count() == 2
    reasons = {f.source.rsplit("/", 1)[-1]: f.reason for f in report.failed}
    assert set(reasons) == {"a.jsonl:2", "a.jsonl:3", "a.jsonl:4", "b.txt", "c.txt"}
    assert "2017-02-30" in reasons["a.jsonl:2"] and "no body" in reasons["a.jsonl:3"]
    assert "object" in reasons["a.jsonl:4"] and "decode" in reasons["b.txt"]
    assert "date" in reasons["c.txt"]
