"""Readers: every format, encodings, and bad input reported with file, line and reason."""

from __future__ import annotations

import csv
import datetime as dt
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


# --- encodings guessed from the first non-ASCII text ------------------------

ASCII_ROWS = [{"id": f"en{i}", "title": "English title", "body": "The quick brown fox. " * 60}
              for i in range(80)]  # about 100 KB of ASCII: more than the first 64 KB


def _legacy_rows(hans_articles, hant_articles, encoding):
    rows = hans_articles if encoding == "gb18030" else hant_articles
    return [r for r in rows if _encodable(r, encoding)][:6]


def _csv(rows, body="content", header=True):
    out = io.StringIO()
    csv.writer(out).writerows([*([["id", "title", "body"]] if header else []),
                               *([r["id"], r["title"], r[body]] for r in rows)])
    return out.getvalue()


def _ascii_then(encoding, rows):
    """JSONL: ASCII lines for more than 64 KB, then ``rows`` in ``encoding``."""
    head = "".join(json.dumps(r) + "\n" for r in ASCII_ROWS).encode("ascii")
    assert len(head) > 1 << 16
    return head + "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode(encoding)


@pytest.mark.parametrize("encoding", ["gb18030", "big5"])
def test_jsonl_ascii_for_64_kb_then_a_legacy_encoding(tmp_path, hans_articles, hant_articles, encoding):
    rows = _legacy_rows(hans_articles, hant_articles, encoding)
    path = tmp_path / "late.jsonl"
    path.write_bytes(_ascii_then(encoding, rows))
    recs = list(iter_records([path]))
    assert failures(recs) == []
    assert [a.body for a in articles(recs)] == [r["body"] for r in ASCII_ROWS] + [r["content"] for r in rows]


@pytest.mark.parametrize("encoding", ["gb18030", "big5"])
def test_csv_ascii_for_64_kb_then_a_legacy_encoding(tmp_path, hans_articles, hant_articles, encoding):
    rows = _legacy_rows(hans_articles, hant_articles, encoding)
    path = tmp_path / "late.csv"
    path.write_bytes(_csv(ASCII_ROWS, "body").encode("ascii") + _csv(rows, header=False).encode(encoding))
    recs = list(iter_records([path]))
    assert failures(recs) == []
    assert [a.body for a in articles(recs)][len(ASCII_ROWS):] == [r["content"] for r in rows]


@pytest.mark.parametrize("encoding", ["gb18030", "big5"])
def test_raw_text_mostly_ascii_then_a_legacy_encoding(tmp_path, hans_articles, hant_articles, encoding):
    # an English page (or crawled script) with a short Chinese paragraph at the end
    for n, row in enumerate(_legacy_rows(hans_articles, hant_articles, encoding)):
        body = row["content"][:60].strip()
        text = "Title\n\n2017-02-10\n\n" + "The quick brown fox jumps over the lazy dog.\n\n" * 1600 + body
        path = tmp_path / f"late{n}.txt"
        path.write_bytes(text.encode(encoding))
        (rec,) = iter_records([path])
        assert rec.error is None
        assert rec.article.body.endswith(body.split("\n")[-1]), row["id"]


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8"])
@pytest.mark.parametrize("ascii_first", [True, False])
def test_an_undecodable_line_costs_its_own_record_only(tmp_path, hans_articles, encoding, ascii_first):
    rows = _legacy_rows(hans_articles, [], "gb18030")
    data = _ascii_then(encoding, rows).split(b"\n")
    if not ascii_first:
        data = data[len(ASCII_ROWS):]
    bad = len(data) - 4  # 0-based index of a line in the legacy encoding
    data[bad] = data[bad][:40] + b"\xff\xff" + data[bad][40:]
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"\n".join(data))
    recs = list(iter_records([path]))
    ((p, line, reason),) = failures(recs)
    assert (p, line) == (str(path), bad + 1) and encoding in reason and "byte 40" in reason
    got = articles(recs)[-len(rows) + 1:]
    assert [a.body for a in got] == [r["content"] for r in rows if str(r["id"]) in {a.id for a in got}]
    assert len(got) == len(rows) - 1


def test_an_undecodable_csv_row_fails_alone(tmp_path, hans_articles):
    rows = _legacy_rows(hans_articles, [], "gb18030")
    data = _csv(rows).encode("gb18030")
    cut = data.index(str(rows[2]["id"]).encode()) + len(str(rows[2]["id"])) + 5  # in row 3's title
    path = tmp_path / "bad.csv"
    path.write_bytes(data[:cut] + b"\x80\x20" + data[cut:])
    recs = list(iter_records([path]))
    ((_, line, reason),) = failures(recs)
    assert "invalid gb18030" in reason
    assert data[:cut].count(b"\n") + 1 == line  # the line the bad row starts on
    assert [a.id for a in articles(recs)] == [str(r["id"]) for i, r in enumerate(rows) if i != 2]


def test_binary_data_after_ascii_lines_is_one_failure_and_the_lines_before_are_kept(tmp_path):
    path = tmp_path / "tail.jsonl"
    good = "".join(json.dumps(r) + "\n" for r in ASCII_ROWS[:3]).encode()
    path.write_bytes(good + bytes(range(256)) * 4)
    recs = list(iter_records([path]))
    assert len(articles(recs)) == 3
    ((_, line, reason),) = failures(recs)
    assert line == 4 and "binary" in reason


class _Counting(io.BytesIO):
    """A byte stream that records how far it has been read."""

    def read(self, n=-1):
        data = super().read(n)
        self.high = self.tell()
        return data


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_readers_stream_whatever_the_encoding(hans_articles, fmt):
    from searchlib.ingest import readers

    rows = [r for r in hans_articles if _encodable(r, "gb18030")][:3] * 400  # ~ 3 MB
    if fmt == "jsonl":
        data = _ascii_then("gb18030", rows)
        read = readers.read_jsonl
    else:
        data = _csv(rows).encode("gb18030")
        read = readers.read_csv
    assert len(data) > 2_000_000
    stream = _Counting(data)
    recs = read("x", stream)
    for _ in range(len(ASCII_ROWS) + 2 if fmt == "jsonl" else 2):
        assert next(recs).article is not None
    assert stream.high < 400_000  # read ahead: 64 KB chunks and a 64 KB sample, not the file
    assert sum(1 for r in recs if r.article is not None) > 1000


def test_utf16_jsonl_is_read_as_a_stream_and_splits_lines_only_at_line_ends(tmp_path):
    rows = [{"id": "a", "title": "t", "body": "第一行\u2028仍是第一行"}, {"id": "b", "title": "t", "body": "二"}]
    path = tmp_path / "wide.jsonl"
    write_jsonl(path, rows, "utf-16")
    recs = list(iter_records([path]))
    assert failures(recs) == [] and [a.body for a in articles(recs)] == [r["body"] for r in rows]


def test_line_endings_split_between_chunks():
    from searchlib.ingest.encoding import split_lines

    chunks = [b"a\r", b"\nb\r", b"c\n", b"", b"\r", b"\r\n", b"long", b"er\nlast"]
    assert list(split_lines(chunks)) == [b"a\r\n", b"b\r", b"c\n", b"\r", b"\r\n", b"longer\n", b"last"]
    assert list(split_lines([b"x\r"])) == [b"x\r"]


# --- dates in JSONL and CSV records ----------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("2017年2月10日 下午3:05", dt.datetime(2017, 2, 10, 15, 5)),
    ("106年2月10日", dt.date(2017, 2, 10)),
    ("民國106年2月10日 星期五", dt.date(2017, 2, 10)),
    ("２０１７年２月１０日00:33", dt.datetime(2017, 2, 10, 0, 33)),
])
def test_record_dates_in_chinese_forms(tmp_path, value, expected):
    write_jsonl(tmp_path / "d.jsonl", [{"id": "1", "title": "t", "body": "正文", "date": value}])
    with open(tmp_path / "d.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["id", "title", "body", "date"], ["1", "t", "正文", value]])
    for name in ("d.jsonl", "d.csv"):
        (rec,) = iter_records([tmp_path / name])
        assert rec.article is not None and rec.article.date == expected, (name, rec.error)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_undecodable_utf16_keeps_the_records_before_it(tmp_path, encoding):
    rows = [{"id": str(i), "title": "t", "body": f"正文{i}"} for i in range(3)]
    path = tmp_path / "wide.jsonl"
    write_jsonl(path, rows, encoding)
    bad = b"\x00\xd8\x00\xd8" if encoding == "utf-16" else b"\xff\xff\xff\xff"  # a lone surrogate
    path.write_bytes(path.read_bytes() + '{"id": "x"'.encode(encoding + "-le") + bad)
    recs = list(iter_records([path]))
    assert [a.id for a in articles(recs)] == ["0", "1", "2"]
    ((_, line, reason),) = failures(recs)
    assert line == 4 and "invalid" in reason and "rest of file skipped" in reason
