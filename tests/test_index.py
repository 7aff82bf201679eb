"""NewsIndex: opening, adding, identity, deleting."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import searchlib
from searchlib import Article, IndexExistsError, IndexNotFoundError, IngestError, SearchlibError

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
    # the same text with no id of its own (nor a URL) is an exact duplicate: skipped
    anonymous = {"title": rows[1]["title"], "content": rows[1]["content"]}
    r4 = mem_index.add([anonymous])
    assert (r4.added, r4.duplicates) == (0, 1)
    assert mem_index.count() == 4


def test_a_record_with_its_own_id_is_stored_under_it_even_when_its_text_is_known(mem_index):
    rows = read_jsonl(HANS)[:2]
    mem_index.add(rows)
    copy = dict(rows[1], id="copy-of-" + str(rows[1]["id"]))   # same text, its own id
    r = mem_index.add([copy])
    assert (r.added, r.duplicates) == (1, 0)
    assert mem_index.get("copy-of-" + str(rows[1]["id"])).body == rows[1]["content"]
    assert mem_index.count() == 3


@pytest.mark.parametrize("field, value", [
    ("date", "2001-01-01"), ("source", "新华社"), ("author", "张三"), ("editor", "李四"),
    ("url", "https://example.org/a"), ("category", "时政"), ("tags", ["两岸"]),
    ("contributors", ["王五"]),
])
def test_a_metadata_only_change_updates_the_article(mem_index, field, value):
    row = {"id": "m1", "title": "标题", "body": "正文不变。", "date": "2017-02-10"}
    mem_index.add([row])
    r = mem_index.add([dict(row, **{field: value})])
    assert (r.added, r.updated, r.unchanged) == (0, 1, 0)
    got = getattr(mem_index.get("m1"), field)
    assert str(got) == value if isinstance(value, str) else list(got) == value
    again = mem_index.add([dict(row, **{field: value})])
    assert (again.updated, again.unchanged) == (0, 1)
    assert mem_index.count() == 1


def test_same_id_twice_in_one_input_keeps_the_last_version_once(mem_index):
    r = mem_index.add([{"id": "a", "title": "t", "body": "第一版"},
                       {"id": "a", "title": "t", "body": "第二版"}])
    assert (r.added, r.updated) == (1, 1)
    assert mem_index.count() == 1 and mem_index.get("a").body == "第二版"


def test_same_record_twice_in_one_input_is_counted_once_added_once_unchanged(mem_index):
    row = {"id": "a", "title": "t", "body": "正文"}
    r = mem_index.add([row, row])
    assert (r.added, r.unchanged, r.duplicates) == (1, 1, 0)
    r = mem_index.add([row, row])                      # both already stored
    assert (r.added, r.unchanged, r.duplicates) == (0, 2, 0)
    assert mem_index.count() == 1


def test_a_corrected_recrawl_of_the_same_url_updates_the_article(tmp_path, mem_index):
    first = tmp_path / "a.jsonl"
    first.write_text(json.dumps({"url": "https://news.example/1", "title": "标题",
                                 "body": "错别字的正文。"}, ensure_ascii=False), encoding="utf-8")
    mem_index.ingest(first)
    first.write_text(json.dumps({"url": "https://news.example/1", "title": "标题",
                                 "body": "改正后的正文。"}, ensure_ascii=False), encoding="utf-8")
    r = mem_index.ingest(first)
    assert (r.added, r.updated) == (0, 1) and mem_index.count() == 1
    assert mem_index.search("改正").total == 1 and mem_index.search("错别字").total == 0


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


def test_regression_delete_of_a_bulk_ingested_article_then_every_search_works(tmp_path):
    """The first release raised AttributeError: 'FilterMatcher' object has no
    attribute '_read_ids' on every text search once an article written by a
    bulk ingest was deleted or updated, even after re-opening."""
    from .conftest import SAMPLES

    path = tmp_path / "ix"
    with searchlib.open_index(path, create=True) as ix:
        ix.ingest([SAMPLES])
        before = ix.search("国防").total
        assert ix.delete("39929") is True
        assert ix.search("国防").total == before - 1          # 39929 is about 国防
        assert "39929" not in {h.id for h in ix.search("国防", limit=1000)}
        rows = read_jsonl(SAMPLES / "president_news_recent.jsonl")
        ix.add([dict(rows[1], content=rows[1]["content"] + "更新。")])      # an in-place update
        assert ix.search('"更新。"').total >= 1
    with searchlib.open_index(path) as ix:
        assert "39929" not in {h.id for h in ix.search("国防", limit=1000)}
        assert ix.search("总统 -国防").total > 0


def test_two_in_memory_indexes_at_once_write_nothing_outside(tmp_path):
    """Whoosh's RamStorage shares one scratch folder (MAIN.tmp in the temp dir)
    between all in-memory indexes; two at once deleted each other's files."""
    import subprocess
    import sys

    from .conftest import ROOT

    code = """
import sys, threading, searchlib
rows = [{"id": str(i), "title": "标题", "body": f"援疆干部第{i}次座谈会。"} for i in range(60)]
errors = []
def work(n):
    try:
        with searchlib.open_index(None) as ix:
            for i in range(0, 60, 6):
                ix.add(rows[i:i + 6])
                ix.delete(str(i))
            assert ix.count() == 50 and ix.search("援疆干部").total == 50, ix.count()
    except BaseException as exc:
        errors.append(repr(exc))
threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
[t.start() for t in threads]
[t.join() for t in threads]
print(errors)
"""
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    env = dict(__import__("os").environ, TMPDIR=str(private_tmp), PYTHONPATH=str(ROOT),
               SEARCHLIB_CHUNK_BYTES="2000")
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                              env=env) for _ in range(2)]
    for proc in procs:
        out, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0 and out.strip() == "[]", out
    assert list(private_tmp.iterdir()) == []


def test_searchlib_json_is_written_atomically_and_a_damaged_one_says_how_to_recover(tmp_path):
    path = tmp_path / "ix"
    with searchlib.open_index(path, create=True) as ix:
        ix.add([{"id": "a", "title": "t", "body": "援疆"}])
    meta = path / "searchlib.json"
    assert json.loads(meta.read_text(encoding="utf-8"))["segmenter"] == "jieba"
    assert not list(path.glob("*.json.tmp"))
    meta.write_text('{"segmenter": "jie', encoding="utf-8")          # damaged
    with pytest.raises(searchlib.IndexCorruptError, match="delete it") as err:
        searchlib.open_index(path)
    assert "searchlib.json" in str(err.value)
    assert meta.read_text(encoding="utf-8") == '{"segmenter": "jie'  # never rewritten by a read
    meta.unlink()                                                     # the recovery it names
    with searchlib.open_index(path) as ix:
        assert ix.count() == 1
        assert not meta.exists()                                      # a read writes nothing
        ix.add([{"id": "b", "title": "t", "body": "干部"}])
    assert json.loads(meta.read_text(encoding="utf-8"))["segmenter"] == "jieba"


def test_a_library_that_prints_in_a_worker_does_not_corrupt_an_ingest(tmp_path):
    import os
    import subprocess
    import sys

    from .conftest import ROOT, SAMPLES

    chatty = tmp_path / "chatty"
    chatty.mkdir()
    marker = tmp_path / "a-worker-printed"
    (chatty / "sitecustomize.py").write_text(
        "import pathlib, sys\n"
        "if 'searchlib.backends.whoosh.workers' in sys.orig_argv:\n"
        f"    pathlib.Path({str(marker)!r}).touch()\n"
        "    print('hello from a chatty library ' * 50, flush=True)\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(chatty), str(ROOT)]),
               SEARCHLIB_CHUNK_BYTES="200000", SEARCHLIB_WORKERS="2")
    proc = subprocess.run([sys.executable, "-m", "searchlib.cli", "ingest", "--index",
                           str(tmp_path / "ix"), "-q", str(SAMPLES)], capture_output=True,
                          text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "added 501" in proc.stdout and "failed 0" in proc.stdout
    assert marker.exists()                                   # the workers did the writing
    with searchlib.open_index(tmp_path / "ix") as ix:
        assert ix.count() == 501 and ix.search("援疆干部").total == 1


def test_lone_surrogates_never_reach_the_index(mem_index):
    mem_index.add([{"id": "x\ud83d", "title": "标题\udc00", "body": "援疆\ud83d干部",
                    "source": "江城\ud800日报", "tags": ["\udfff"]}])
    article = mem_index.get("x\ufffd")
    assert article is not None and mem_index.get("x\ud83d") == article  # ids scrubbed alike
    assert article.title == "标题\ufffd" and article.body == "援疆\ufffd干部"
    assert article.source == "江城\ufffd日报" and article.tags == ("\ufffd",)
    res = mem_index.search("援疆\ud83d")
    assert res.query == "援疆\ufffd" and res.total == 1
    for snippet in res.hits[0].snippets:
        snippet.html.encode("utf-8")                     # never fails


def test_ids_are_normalized_alike_on_get_delete_and_ingest(mem_index):
    mem_index.add([{"id": 39929, "title": "t", "body": "援疆"}, {"id": " a1 ", "title": "t", "body": "干部"}])
    assert mem_index.get("39929") is not None and mem_index.get(39929) is not None
    assert mem_index.get(" 39929 ") == mem_index.get("39929")
    assert "a1" in mem_index and " a1" in mem_index and None not in mem_index
    with pytest.raises(searchlib.UsageError, match="empty"):
        mem_index.get("  ")
    with pytest.raises(searchlib.UsageError, match="string or an integer"):
        mem_index.delete(["a1"])
    assert mem_index.delete(" a1") is True and mem_index.count() == 1


def test_add_of_one_article_instead_of_a_list_says_how_to_fix_it(mem_index):
    with pytest.raises(TypeError, match=r"wrap it in a list: add\(\[article\]\)"):
        mem_index.add({"id": "a", "title": "t", "body": "援疆"})
    with pytest.raises(TypeError, match="wrap it"):
        mem_index.add(Article(id="a", title="t", body="援疆"))
    assert mem_index.count() == 0


@pytest.mark.parametrize("options, message", [
    ({"limit": True}, "limit must be"), ({"limit": 0}, "limit must be"),
    ({"page": False}, "page must be"), ({"limit": 2.5}, "limit must be"),
    ({"facets": "weekday"}, "unknown facet 'weekday'"), ({"facets": 3}, "facets must be"),
    ({"sort": "best"}, "sort must be"),
])
def test_bad_search_options_fail_clearly(mem_index, options, message):
    with pytest.raises(searchlib.UsageError, match=message):
        mem_index.search("援疆", **options)


def test_facets_may_be_one_name(mem_index):
    mem_index.add([{"id": "a", "title": "t", "body": "援疆", "date": "2017-02-10"}])
    assert mem_index.search("援疆", facets="year").facets == {"year": {"2017": 1}}
