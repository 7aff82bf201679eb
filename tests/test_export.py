"""`searchlib export` and searchlib/export.py: every match of a search, streamed as
JSON Lines or CSV, on an index of real news with more than 1,000 matches."""

from __future__ import annotations

import csv
import io
import itertools
import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

import searchlib
from searchlib import contains
from searchlib.cli import main
from searchlib.export import BOM, CSV_COLUMNS, write_export

from .conftest import HANS, HANT, read_jsonl

SOURCES = ["总统府", "中央社", None]


def paragraphs() -> list[dict]:
    """Every paragraph of the 120 test articles, in both scripts, as an article of its
    own (2,476 real texts): enough for queries with over 1,000 matches."""
    out = []
    for path, script in ((HANS, "hans"), (HANT, "hant")):
        for r in read_jsonl(path):
            paras = [p for p in r["content"].split("\n") if p.strip()]
            for n, p in enumerate(paras, 1):
                rec = {"id": f"{r['id']}-{script}-{n}", "title": f"{r['title']}（{n}）", "body": p,
                       "date": r["date"], "source": SOURCES[n % 3]}
                if n == 1:
                    rec["tags"] = ["两岸", "经济"]
                if n == 2:
                    rec["date"] = r["date"] + " 08:30"
                out.append(rec)
    return out


ROWS = paragraphs()


def holding(text: str) -> list[dict]:
    return [r for r in ROWS if contains(r["title"], text) or contains(r["body"], text)]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "ix"
    with searchlib.open_index(path, create=True) as ix:
        # one segment: a segment's stored-text reader opens when the stream first reads
        # from it (a cost per segment, not per match), which the memory test would count
        report = ix.add(ROWS, workers=1)
        assert report.added == len(ROWS) and not report.failed
        assert len(ix.backend._ix._segments()) == 1
    return path


@pytest.fixture(scope="module")
def ix(index_dir: Path):
    with searchlib.open_index(index_dir) as ix:
        yield ix


def test_jsonl_holds_every_match_past_the_page_limit_in_search_order(ix, index_dir, tmp_path, capsys):
    out = tmp_path / "all.jsonl"
    assert main(["export", "--index", str(index_dir), "--format", "jsonl", "--output", str(out), "的"]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    expected = holding("的")
    assert len(expected) > 1000 and len(lines) == len(expected)
    records = [json.loads(line) for line in lines]
    assert {r["id"] for r in records} == {r["id"] for r in expected}
    assert [r["id"] for r in records] == [a.id for a in ix.iter_search("的")]
    for rec in records[:50] + records[-50:]:
        assert rec == ix.get(rec["id"]).to_dict()
    assert f"exported {len(expected):,} articles to {out}" in capsys.readouterr().err
    assert not out.with_name("all.jsonl.part").exists()


def test_csv_opens_in_a_spreadsheet_utf8_with_a_bom_iso_dates_and_joined_tags(ix, index_dir, tmp_path):
    out = tmp_path / "all.csv"
    assert main(["export", "--index", str(index_dir), "--format", "csv", "-o", str(out),
                 "--sort", "oldest", "总统"]) == 0
    raw = out.read_bytes()
    assert raw.startswith(BOM.encode("utf-8")) and b"\r\n" in raw
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    expected = holding("总统")
    assert len(expected) > 1000 and len(rows) == len(expected)
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert [r["id"] for r in rows] == [a.id for a in ix.iter_search("总统", sort="oldest")]
    by_id = {r["id"]: r for r in expected}
    for row in rows:
        given = by_id[row["id"]]
        assert row["title"] == given["title"] and row["body"] == given["body"]
        assert row["source"] == (given.get("source") or "")
        assert row["tags"] == "; ".join(given.get("tags", []))
        date = given["date"]
        assert row["date"] == (f"{date[:10]} {date[11:]}:00" if len(date) > 10 else date)


def test_no_bom_when_asked_and_never_in_json_lines(index_dir, tmp_path, capsys):
    out = tmp_path / "plain.csv"
    assert main(["export", "--index", str(index_dir), "--format", "csv", "--no-bom", "-o", str(out),
                 "援疆 OR 大陆"]) == 0
    assert out.read_bytes().startswith(b"id,title,")
    bad = tmp_path / "bad.jsonl"
    assert main(["export", "--index", str(index_dir), "--format", "jsonl", "--bom", "-o", str(bad),
                 "大陆"]) == 2
    err = capsys.readouterr().err
    assert "for CSV only" in err and "Traceback" not in err and not bad.exists()


def test_filters_are_those_of_search(ix, index_dir, tmp_path):
    out = tmp_path / "f.jsonl"
    args = ["--from", "2000-01-01", "--to", "2010-12-31", "--source", "中央社"]
    assert main(["export", "--index", str(index_dir), "--format", "jsonl", "-o", str(out), *args,
                 "总统"]) == 0
    got = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    expected = [a.id for a in ix.iter_search("总统", date_from="2000-01-01", date_to="2010-12-31",
                                             source="中央社")]
    assert got == expected and got
    assert {r["id"] for r in holding("总统") if r.get("source") == "中央社"
            and "2000" <= r["date"][:4] <= "2010"} == set(got)


def test_bad_queries_and_missing_indexes_are_one_line_errors(index_dir, tmp_path, capsys):
    out = tmp_path / "x.csv"
    assert main(["export", "--index", str(index_dir), "--format", "csv", "-o", str(out), '"unclosed']) == 2
    assert main(["export", "--index", str(tmp_path / "none"), "--format", "csv", "-o", str(out), "x"]) == 1
    err = capsys.readouterr().err
    assert "invalid query" in err and "no searchlib index" in err and "Traceback" not in err
    assert not out.exists()


def test_stdout_streams_utf8_whatever_the_locale_and_stops_quietly_when_the_reader_does(index_dir):
    cmd = [sys.executable, "-m", "searchlib.cli", "export", "--index", str(index_dir),
           "--format", "jsonl", "的"]
    env = {"PYTHONIOENCODING": "ascii", "LC_ALL": "C", "PATH": "/usr/bin:/bin",
           **{k: v for k, v in __import__("os").environ.items() if k == "PYTHONPATH"}}
    done = subprocess.run(cmd, capture_output=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.decode("utf-8").splitlines()
    assert len(lines) == len(holding("的")) and "的" in json.loads(lines[0])["body"]
    head = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    first = head.stdout.readline()
    head.stdout.close()  # as `| head -1` does
    assert head.wait(60) == 0 and json.loads(first)["id"]
    assert b"Traceback" not in head.stderr.read()


def test_streaming_memory_does_not_grow_with_the_matches(ix):
    """Measured with tracemalloc: once the query is evaluated (its posting lists
    are read), writing the articles holds only a few of them at a time."""
    def stream_peak(limit: int | None) -> tuple[int, int]:
        out = io.StringIO()
        articles = ix.iter_search("的")
        first = next(articles)  # the evaluation
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        n = write_export(itertools.islice(articles, limit), _Discard(), "csv")
        peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
        assert first and n and not out.getvalue()
        return peak, _Discard.written

    few, few_bytes = stream_peak(100)
    many, many_bytes = stream_peak(None)
    assert many_bytes > 10 * few_bytes
    assert many < many_bytes / 3
    assert many - few < (many_bytes - few_bytes) / 4


class _Discard(io.TextIOBase):
    """A text stream that counts the UTF-8 bytes written to it and keeps none."""

    written = 0

    def __init__(self) -> None:
        type(self).written = 0

    def write(self, text: str) -> int:
        type(self).written += len(text.encode("utf-8"))
        return len(text)
