"""Readers: every format, encodings, and bad input reported with file, line and reason."""

from __future__ import annotations

import csv
import gzip
import io
import json

import pytest

from searchlib.ingest import iter_records, sniff_encoding

from .conftest import HANS, SEED, read_jsonl


def articles(records):
    return [r.article for r in records if r.article is not None]


def failures(records):
    return [(r.path, r.line, r.error) for r in records if r.error and not r.skipped]


@pytest.fixture(scope="module")
def sample():
    return read_jsonl(HANS)[:5]


def _encodable(row, encoding):
    try:
        json.dumps(row, ensure_ascii=False).encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def write_jsonl(path, rows, encoding="utf-8"):
    path.write_bytes("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode(encoding))


def test_jsonl_bad_lines_are_reported_and_the_rest_read(tmp_path, sample):
    path = tmp_path / "news.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in sample]
    lines.insert(2, '{"id": "broken", "title": "x", "body": ')               # line 3
    lines.insert(4, json.dumps({"id": "nobody", "title": "无正文"}))          # line 5
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    recs = list(iter_records([path]))
    assert [a.id for a in articles(recs)] == [str(r["id"]) for r in sample]
    fails = failures(recs)
    assert [(p, line) for p, line, _ in fails] == [(str(path), 3), (str(path), 5)]
    assert "broken JSON" in fails[0][2] and "no body" in fails[1][2]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "big5", "utf-16"])
def test_jsonl_in_legacy_encodings(tmp_path, hant_articles, encoding):
    rows = [r for r in hant_articles if _encodable(r, "big5")][:8]
    path = tmp_path / f"news-{encoding}.jsonl"
    write_jsonl(path, rows, encoding)
    got = articles(iter_records([path]))
    assert [a.body for a in got] == [r["content"] for r in rows]


@pytest.mark.parametrize("encoding", ["gb18030", "big5", "utf-16", "utf-8-sig"])
def test_raw_text_in_legacy_encodings(tmp_path, encoding):
    text = SEED.read_text(encoding="utf-8").replace("\u00a0", " ")
    if encoding == "big5":  # Big5 has no simplified characters: use a traditional article
        text = "總統出席國防會議\n\n2026-03-27 10:00\n\n總統今日表示，國防自主是國家安全的基礎。\n"
    path = tmp_path / f"article-{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    (rec,) = iter_records([path])
    assert rec.article is not None, rec.error
    assert rec.article.title == text.split("\n")[0].strip()


def test_undecodable_and_binary_files_fail_cleanly(tmp_path):
    (tmp_path / "noise.txt").write_bytes(bytes(range(256)) * 8)
    recs = list(iter_records([tmp_path / "noise.txt"]))
    assert len(recs) == 1 and recs[0].article is None and "decode" in recs[0].error


def test_csv_with_header_row(tmp_path, sample):
    path = tmp_path / "news.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["ID", "Title", "Content", "Date", "Source"])
        for r in sample:
            w.writerow([r["id"], r["title"], r["content"], r["date"], "总统府"])
        w.writerow(["x1", "无正文", "", "2020-01-01", "总统府"])
    recs = list(iter_records([path]))
    got = articles(recs)
    assert [a.body for a in got] == [r["content"] for r in sample]  # multi-line cells intact
    assert got[0].source == "总统府"
    (fail,) = failures(recs)
    with open(path, encoding="utf-8") as f:  # the line where the bad row starts
        assert f.read().split("\n")[fail[1] - 1].startswith("x1,")
    assert "no body" in fail[2]


def test_gzip_and_folders_recursively(tmp_path, sample):
    (tmp_path / "a" / "b").mkdir(parents=True)
    with gzip.open(tmp_path / "a" / "b" / "news.jsonl.gz", "wt", encoding="utf-8") as f:
        for r in sample:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    (tmp_path / "a" / "seed.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "a" / "README.md").write_text("not news")
    (tmp_path / ".hidden.jsonl").write_text("garbage")
    recs = list(iter_records([tmp_path]))
    assert len(articles(recs)) == len(sample) + 1
    assert failures(recs) == []
    assert [r.path for r in recs if r.skipped] == [str(tmp_path / "a" / "README.md")]


def test_truncated_gzip_keeps_what_was_read_and_reports_the_rest(tmp_path, sample):
    buf = io.BytesIO()
    with gzip.open(buf, "wt", encoding="utf-8") as f:
        for r in sample:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    data = buf.getvalue()
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) * 2 // 3])
    recs = list(iter_records([path]))
    assert 1 <= len(articles(recs)) < len(sample)
    assert "cannot read" in failures(recs)[-1][2]


def test_missing_path_empty_file_and_unknown_type(tmp_path):
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    recs = list(iter_records([tmp_path / "nope.jsonl", tmp_path / "empty.jsonl",
                              tmp_path / "empty.txt", tmp_path / "image.png"]))
    reasons = {p.rsplit("/", 1)[1]: e for p, _, e in failures(recs)}
    assert reasons["nope.jsonl"] == "no such file or folder"
    assert "no text" in reasons["empty.txt"]
    assert "unsupported file type" in reasons["image.png"]
    assert "empty.jsonl" not in reasons  # an empty JSONL file simply has no records


def test_sniff_encoding_prefers_bom_then_utf8():
    assert sniff_encoding("援疆".encode("utf-16")) == "utf-16"
    assert sniff_encoding("援疆".encode()) == "utf-8"
    assert sniff_encoding(("援疆干部" * 50).encode("gb18030")) in ("gb18030", "gbk", "gb2312")
