"""A real ingest process killed with SIGKILL loses nothing it committed, and
running the same ingest again completes it."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest

import searchlib

from .conftest import HANS, ROOT, SAMPLES, read_jsonl

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")


def feed(tmp_path):
    rows = read_jsonl(SAMPLES / "president_news_recent.jsonl") + read_jsonl(HANS)
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path, {str(r["id"]): r for r in rows}


def expected_summary(path, committed):
    """The counts a re-run must report: records whose id is stored (or came
    earlier in the feed) with the same content are unchanged, the rest added."""
    added = unchanged = 0
    known = set(committed)
    for line in path.read_text(encoding="utf-8").splitlines():
        article_id = str(json.loads(line)["id"])
        if article_id in known:
            unchanged += 1
        else:
            added += 1
            known.add(article_id)
    return f"added {added}, updated 0, unchanged {unchanged}, duplicates 0, failed 0"


def generation(index):
    gens = [int(m.group(1)) for f in os.listdir(index) if (m := re.match(r"_MAIN_(\d+)\.toc$", f))]
    return max(gens, default=-1)


def ingest_cmd(index, path):
    return [sys.executable, "-m", "searchlib.cli", "ingest", "--index", str(index), "-q", str(path)]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_sigkill_during_ingest_then_rerun(tmp_path, workers):
    path, rows = feed(tmp_path)
    index = tmp_path / "ix"
    env = dict(os.environ, SEARCHLIB_CHUNK_BYTES="150000", SEARCHLIB_WORKERS=workers,
               PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(ingest_cmd(index, path), env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while (not index.exists() or generation(index) < 3) and proc.poll() is None:
        assert time.time() < deadline, "ingest made no commits"
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"

    with searchlib.open_index(index) as ix:
        committed = ix.ids()
        assert 0 < len(committed) < len(rows)
        for article_id in committed:                      # every committed article is whole
            assert ix.get(article_id).body == rows[article_id]["content"]
        assert ix.search("总统").total > 0

    rerun = subprocess.run(ingest_cmd(index, path), env=env, capture_output=True, text=True,
                           timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert expected_summary(path, committed) in rerun.stdout
    with searchlib.open_index(index) as ix:
        assert sorted(ix.ids()) == sorted(rows)
        assert ix.search("援疆干部 OR 总统").total == len(rows)
    # files left by the killed run are gone
    with searchlib.open_index(index) as ix:
        live = {s.segment_id() for s in ix.backend._ix._segments()}
    segs = {f.rsplit(".", 1)[0] for f in os.listdir(index) if f.endswith(".seg")}
    assert segs == live


@pytest.mark.slow
def test_many_kills_at_random_moments(tmp_path):
    """24 SIGKILLs at random moments of repeated ingests (reading, analysing in
    workers, committing, merging small segments); after each the index opens
    and every committed article is whole; a last run completes the ingest."""
    import random

    path, rows = feed(tmp_path)
    index = tmp_path / "ix"
    rng = random.Random(2026)
    kills = 0
    committed_after: list[int] = []
    for _ in range(80):
        if kills >= 24:
            break
        env = dict(os.environ, PYTHONPATH=str(ROOT),
                   SEARCHLIB_CHUNK_BYTES=str(rng.choice([20_000, 60_000, 150_000])),
                   SEARCHLIB_WORKERS=rng.choice(["1", "2"]))
        proc = subprocess.Popen(ingest_cmd(index, path), env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 1.6))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait()
        if index.exists() and generation(index) >= 0:
            with searchlib.open_index(index) as ix:
                ids = ix.ids()
                for article_id in rng.sample(ids, min(30, len(ids))):
                    assert ix.get(article_id).body == rows[article_id]["content"]
                committed_after.append(len(ids))
        if len(committed_after) > 2 and committed_after[-1] == len(rows):
            # everything got in: start again from an empty index, to keep killing mid-ingest
            import shutil

            shutil.rmtree(index)
    assert kills >= 24
    rerun = subprocess.run(ingest_cmd(index, path), env=dict(os.environ, PYTHONPATH=str(ROOT)),
                           capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    with searchlib.open_index(index) as ix:
        assert sorted(ix.ids()) == sorted(rows)
        live = {s.segment_id() for s in ix.backend._ix._segments()}
    assert {f.rsplit(".", 1)[0] for f in os.listdir(index) if f.endswith(".seg")} == live
    print(f"{kills} kills survived; committed articles after each: {committed_after}")
