"""The command line: a thin layer with clean errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from searchlib.cli import main

from .conftest import SEED


@pytest.fixture(scope="module")
def cli_index(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "index"
    assert main(["ingest", "--index", str(path), "--quiet", str(SEED)]) == 0
    return str(path)


def test_search_json_shape_and_exact_span(cli_index, capsys):
    assert main(["search", "--index", cli_index, "--json", "援疆干部"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"query", "total", "hits"} and out["total"] == 1
    hit = out["hits"][0]
    assert set(hit) >= {"id", "title", "date", "score", "snippets"}
    assert hit["title"] == "发扬援疆精神 为“幸福吉林”建设作出新贡献"
    assert hit["date"] == "2017-02-10T00:33:00"
    for snip in hit["snippets"]:
        assert set(snip) == {"text", "spans", "html"}
        assert [snip["text"][a:b] for a, b in snip["spans"]] == ["援疆干部"] * len(snip["spans"])


def test_phrase_through_the_cli(cli_index, capsys):
    assert main(["search", "--index", cli_index, "--json", '"援疆工作总结座谈会"']) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 1


def test_people_output_has_title_and_no_ansi_when_piped(cli_index, capsys):
    assert main(["search", "--index", cli_index, "援疆", "干部"]) == 0
    out = capsys.readouterr().out
    assert "1 results for 援疆 干部" in out and "发扬援疆精神" in out and "\x1b[" not in out
    assert main(["search", "--index", cli_index, "--color", "always", "援疆干部"]) == 0
    assert "\x1b[1;31m援疆干部\x1b[0m" in capsys.readouterr().out


def test_stats(cli_index, capsys):
    assert main(["stats", "--index", cli_index, "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["articles"] == 1 and info["sources"] == {"江城日报": 1}


@pytest.mark.parametrize("argv, message, status", [
    (["search", '"援疆'], "never closed", 2),
    (["search", "date:2017-13-01"], "bad date", 2),
    (["search", "--limit", "0", "援疆"], "limit must be", 2),
    (["search", "--related", "no-such-id"], "no article with id", 1),
])
def test_errors_are_one_line_and_nonzero(cli_index, capsys, argv, message, status):
    argv = argv[:1] + ["--index", cli_index] + argv[1:]
    assert main(argv) == status
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("searchlib: error: ") and message in err


def test_missing_index_is_a_clean_error(tmp_path, capsys):
    assert main(["search", "--index", str(tmp_path / "none"), "援疆"]) == 1
    assert "no searchlib index" in capsys.readouterr().err


def test_ingest_reports_failures_and_exits_nonzero(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1", "title": "t", "body": "援疆"}\n{oops\n', encoding="utf-8")
    assert main(["ingest", "--index", str(tmp_path / "ix"), "-q", str(bad)]) == 3
    captured = capsys.readouterr()
    assert "added 1" in captured.out and "failed 1" in captured.out
    assert f"{bad}:2: broken JSON" in captured.err


def test_console_script_runs_without_traceback(cli_index):
    exe = shutil.which("searchlib") or None
    cmd = [exe] if exe else [sys.executable, "-m", "searchlib.cli"]
    ok = subprocess.run(cmd + ["search", "--index", cli_index, "--json", "援疆干部"],
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0 and json.loads(ok.stdout)["total"] == 1
    bad = subprocess.run(cmd + ["search", "--index", cli_index, "(援疆"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "never closed" in bad.stderr


def test_progress_line_shows_articles_speed_and_eta():
    import io

    from searchlib.cli import _Progress

    out = io.StringIO()
    progress = _Progress(out, total_bytes=10_000_000)
    progress.start -= 2.0          # pretend two seconds have passed
    progress(1234, 2_000_000)
    line = out.getvalue()
    assert "1,234 articles" in line and "2.0 MB" in line and "MB/s" in line and "ETA 0:0" in line
    progress.done()
    assert out.getvalue().endswith("\r")


def test_no_progress_when_piped(tmp_path):
    data = tmp_path / "n.jsonl"
    data.write_text('{"id": "1", "title": "t", "body": "援疆"}\n', encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "searchlib.cli", "ingest", "--index",
                          str(tmp_path / "ix"), str(data)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "\r" not in out.stderr and "MB/s" not in out.stderr
    assert out.stdout.startswith("added 1, updated 0, unchanged 0, duplicates 0, failed 0")


def test_search_options_on_the_command_line(tmp_path, capsys):
    from .conftest import SAMPLES

    index = str(tmp_path / "ix")
    assert main(["ingest", "--index", index, "-q", str(SAMPLES)]) == 0
    capsys.readouterr()
    args = ["search", "--index", index, "--json", "国防"]
    assert main(args + ["--sort", "oldest", "--limit", "5", "--page", "2"]) == 0
    out = json.loads(capsys.readouterr().out)
    dates = [h["date"] for h in out["hits"]]
    assert out["page"] == 2 and len(dates) == 5 and dates == sorted(dates)
    assert main(args + ["--from", "2026-03-01", "--to", "2026-03-31", "--facet", "month",
                        "--facet", "year"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["facets"]["month"] == [{"value": "2026-03", "count": out["total"]}]
    assert out["facets"]["year"] == [{"value": "2026", "count": out["total"]}]
    assert main(["search", "--index", index, "--json", "--source", "江城日报", "援疆"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["total"] == 1 and out["hits"][0]["source"] == "江城日报"


def run_cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "searchlib.cli", *args], capture_output=True,
                          text=True, timeout=120, **kw)


def one_clean_line(proc, status, words):
    assert proc.returncode == status, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("searchlib: error: ")
    assert words in proc.stderr


def test_an_index_path_that_cannot_be_created_is_one_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    one_clean_line(run_cli("ingest", "--index", str(blocker / "ix"), str(SEED)), 1, str(blocker))


def test_a_missing_user_dictionary_is_one_line(tmp_path):
    proc = run_cli("ingest", "--index", str(tmp_path / "ix"), "--user-dict",
                   str(tmp_path / "missing.txt"), str(SEED))
    one_clean_line(proc, 1, "missing.txt")
    assert not (tmp_path / "ix").exists()


def test_an_ingest_where_everything_fails_leaves_no_empty_index(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n", encoding="utf-8")
    assert main(["ingest", "--index", str(tmp_path / "ix"), "-q", str(bad)]) == 3
    assert not (tmp_path / "ix").exists()
    assert main(["ingest", "--index", str(tmp_path / "ix"), "-q", str(tmp_path / "none.jsonl")]) == 3
    assert not (tmp_path / "ix").exists()
    assert "no such file" in capsys.readouterr().err


def test_ingest_of_a_folder_skips_the_index_inside_it(tmp_path, capsys):
    shutil.copy(SEED, tmp_path / "a.txt")
    assert main(["ingest", "--index", str(tmp_path / "ix"), "-q", str(tmp_path)]) == 0
    assert main(["ingest", "--index", str(tmp_path / "ix"), "-q", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "unchanged 1, duplicates 0, failed 0, skipped 1" in out


def test_all_failures_flag_lists_every_failure(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "ok", "title": "t", "body": "援疆"}\n' + "{oops\n" * 14, encoding="utf-8")
    assert main(["ingest", "--index", str(tmp_path / "ix"), "-q", str(bad)]) == 3
    err = capsys.readouterr().err
    assert err.count("broken JSON") == 10 and "4 more failures" in err
    assert main(["ingest", "--index", str(tmp_path / "ix2"), "-q", "--all-failures", str(bad)]) == 3
    err = capsys.readouterr().err
    assert err.count("broken JSON") == 14 and "more failures" not in err
    assert f"{bad}:15: broken JSON" in err


def test_lone_surrogates_never_break_output(tmp_path):
    feed = tmp_path / "s.jsonl"
    feed.write_text('{"id": "s\\ud83d", "title": "\\ud83d标题", "body": "援疆\\udc00干部"}\n',
                    encoding="utf-8")
    index = str(tmp_path / "ix")
    assert run_cli("ingest", "--index", index, str(feed)).returncode == 0
    for extra in ([], ["--json"]):
        proc = run_cli("search", "--index", index, *extra, "援疆")
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
        assert "\ufffd" in proc.stdout or "\\ufffd" in proc.stdout
    # a query holding bytes that are not UTF-8 (argv gets lone surrogates)
    proc = subprocess.run([sys.executable, "-m", "searchlib.cli", "search", "--index", index,
                           b"\xff\xfe".decode("utf-8", "surrogateescape")],
                          capture_output=True, timeout=120)
    assert proc.returncode == 0 and b"Traceback" not in proc.stderr


def test_output_to_a_terminal_that_cannot_show_chinese_is_escaped(cli_index):
    import os

    proc = subprocess.run([sys.executable, "-m", "searchlib.cli", "search", "--index", cli_index,
                           "援疆干部"], capture_output=True, timeout=120,
                          env=dict(os.environ, PYTHONIOENCODING="ascii"))
    assert proc.returncode == 0 and b"Traceback" not in proc.stderr
    assert b"\\u63f4" in proc.stdout  # 援, escaped


def test_collapse_and_similar_on_the_command_line(tmp_path, capsys):
    from .conftest import HANS, read_jsonl
    from .reposts_oracle import edited

    rows = read_jsonl(HANS)[:30]
    copies = [edited(rows[3], "headline"), edited(rows[3], "credit+drop")]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows + copies), encoding="utf-8")
    index = str(tmp_path / "ix")
    assert main(["ingest", "--index", index, "-q", str(feed)]) == 0
    capsys.readouterr()
    original = str(rows[3]["id"])
    assert main(["search", "--index", index, "--json", "--limit", "100", "--", "-冥王星"]) == 0
    everything = json.loads(capsys.readouterr().out)
    assert main(["search", "--index", index, "--json", "--limit", "100", "--collapse", "--", "-冥王星"]) == 0
    collapsed = json.loads(capsys.readouterr().out)
    assert everything["total"] == 32 and collapsed["total"] == 30
    assert all(h["duplicates"] == 0 for h in everything["hits"])
    assert sum(1 + h["duplicates"] for h in collapsed["hits"]) == 32
    assert main(["similar", "--index", index, "--json", original]) == 0
    similar = json.loads(capsys.readouterr().out)
    assert {h["id"] for h in similar["hits"]} == {c["id"] for c in copies} and similar["total"] == 2
    assert main(["similar", "--index", index, original]) == 0
    out = capsys.readouterr().out
    assert "2 results for similar:" in out and "similarity 1.00" in out and copies[0]["id"] in out
    assert main(["search", "--index", index, "--collapse", rows[3]["title"]]) == 0   # not in the new headline
    assert "1 results for" in (out := capsys.readouterr().out) and "· +1 repost\n" in out
    assert main(["similar", "--index", index, "no-such-id"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no article with id" in err
