"""Writers and readers at the same time: locks, waiting, commits seen, nothing
going backwards. The sustained runs are marked slow; the default run is short."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import pytest

import searchlib
from searchlib import IndexLockedError

from .conftest import ROOT

HOLD_LOCK = """
import sys, time, searchlib
ix = searchlib.open_index(sys.argv[1])
with ix._writing():
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""

READER = """
import json, sys, threading, searchlib
ix = searchlib.open_index(sys.argv[1])
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
seen = [ix.search("援疆干部").total]
print("ready", flush=True)
while not stop.is_set():
    total = ix.search("援疆干部").total
    if total != seen[-1]:
        print("saw", total, flush=True)
    seen.append(total)
print(json.dumps(seen), flush=True)
"""

def articles(start, n):
    return [{"id": f"a{i}", "title": f"第{i}篇", "body": f"援疆干部第{i}次座谈会在吉林召开。"}
            for i in range(start, start + n)]


def test_second_writer_waits_then_says_who_holds_the_lock(tmp_path):
    path = tmp_path / "ix"
    searchlib.open_index(path, create=True).close()
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(path), "6"],
                              stdout=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert holder.stdout.readline().strip() == "locked"
    with searchlib.open_index(path, lock_timeout=1.0) as ix:
        started = time.time()
        with pytest.raises(IndexLockedError) as err:
            ix.add(articles(0, 1))
        waited = time.time() - started
    assert 0.9 <= waited < 5
    assert f"process {holder.pid}" in str(err.value) and "locked for writing" in str(err.value)
    assert isinstance(err.value, TimeoutError)
    holder.kill()
    holder.wait()
    # a holder killed with the lock does not block the next writer
    with searchlib.open_index(path, lock_timeout=2.0) as ix:
        assert ix.add(articles(0, 1)).added == 1


def run_writer_and_readers(path, seconds, threads=4):
    """One writer committing while reader threads and a reader process search.

    The writer writes for ``seconds``, and on until every reader has seen at
    least two different totals (so a slow start on a loaded machine cannot
    make a reader miss the writes), within a generous deadline.
    """
    with searchlib.open_index(path, create=True) as ix:
        ix.add(articles(0, 1))
        errors, totals = [], {}
        stop = threading.Event()

        def reader(n):
            last = 0
            try:
                while not stop.is_set():
                    total = ix.search("援疆干部").total
                    if total < last:
                        raise AssertionError(f"count went from {last} to {total}")
                    last = total
                    totals.setdefault(n, []).append(total)
            except BaseException as exc:
                errors.append(exc)

        proc = subprocess.Popen([sys.executable, "-c", READER, str(path)], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True,
                                env=dict(os.environ, PYTHONPATH=str(ROOT)))
        assert proc.stdout.readline().strip() == "ready"
        changes = []
        watcher = threading.Thread(target=lambda: changes.extend(iter(proc.stdout.readline, "")))
        watcher.start()
        workers = [threading.Thread(target=reader, args=(i,)) for i in range(threads)]
        for t in workers:
            t.start()
        written, start = 1, time.time()

        def everyone_saw_commits():
            return (any(line.startswith("saw") for line in changes)
                    and len(totals) == threads and all(len(set(v)) > 1 for v in totals.values()))

        try:
            while time.time() < start + seconds or not everyone_saw_commits():
                assert time.time() < start + seconds + 120, "a reader never saw a new commit"
                assert not errors, errors
                ix.add(articles(written, 3))
                written += 3
        except BaseException:
            proc.kill()  # a failing writer must not leave the readers running
            raise
        finally:
            stop.set()
            for t in workers:
                t.join()
            proc.stdin.close()
            watcher.join(timeout=60)
            proc.wait(timeout=60)
        seen_by_process = json.loads(changes[-1])
        assert errors == []
        assert ix.search("援疆干部").total == written
        return written, totals, seen_by_process


def check_run(written, totals, seen_by_process):
    assert seen_by_process == sorted(seen_by_process)        # never backwards
    assert seen_by_process[-1] > seen_by_process[0]          # the process saw new commits
    for series in totals.values():
        assert series[-1] > series[0]                        # each thread saw new commits
    assert max(seen_by_process) <= written


def test_writer_with_reader_threads_and_a_reader_process(tmp_path):
    check_run(*run_writer_and_readers(tmp_path / "ix", seconds=4))


@pytest.mark.slow
def test_sustained_writer_and_readers(tmp_path):
    written, totals, seen = run_writer_and_readers(tmp_path / "ix", seconds=60, threads=8)
    check_run(written, totals, seen)
    print(f"sustained: {written} articles written, {sum(map(len, totals.values()))} thread "
          f"searches and {len(seen)} process searches, no errors")


def test_disk_full_keeps_the_previous_commit(tmp_path, monkeypatch):
    import errno

    from whoosh.filedb import structfile

    path = tmp_path / "ix"
    with searchlib.open_index(path, create=True) as ix:
        ix.add(articles(0, 50))
    budget = {"left": 200_000}
    real_write = structfile.StructFile.write

    def write(self, data):
        budget["left"] -= len(data)
        if budget["left"] < 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(structfile.StructFile, "write", write)
    with searchlib.open_index(path) as ix:
        with pytest.raises(OSError) as err:
            ix.add(articles(50, 2000), workers=1)
        assert err.value.errno == errno.ENOSPC
    monkeypatch.setattr(structfile.StructFile, "write", real_write)
    with searchlib.open_index(path) as ix:            # the last commit is intact
        assert ix.count() == 50 and ix.search("援疆干部").total == 50
        assert ix.add(articles(50, 2000)).added == 2000   # and room again completes it


def test_backup_is_a_consistent_openable_copy(tmp_path):
    with searchlib.open_index(tmp_path / "ix", create=True) as ix:
        ix.add(articles(0, 20))
        ix.backup(tmp_path / "copy")
        ix.add(articles(20, 5))
    with searchlib.open_index(tmp_path / "copy") as copy:
        assert copy.count() == 20 and copy.search("援疆干部").total == 20
    with pytest.raises(searchlib.IndexExistsError):
        with searchlib.open_index(tmp_path / "ix") as ix:
            ix.backup(tmp_path / "copy")
