"""Worker processes that build segments: ``python -m searchlib.backends.whoosh.workers INDEX_DIR``.

searchlib starts its own interpreters rather than using multiprocessing, so a
program that ingests needs no ``if __name__ == "__main__":`` guard and its
main module is never imported twice, and nothing is forked from a process
that may have threads. Parent and worker exchange length-prefixed pickles
over a private pair of pipes (never stdin/stdout, so a library that prints
inside a worker cannot corrupt an ingest): ``(segment, chunk)`` in,
``("ok", segment)`` or ``("error", message)`` out. Whatever a worker prints
goes to a temporary file, whose last line explains a worker that died. A
worker that cannot start makes the pool unavailable, and the caller builds
segments in its own process instead.
"""

from __future__ import annotations

import os
import pickle
import struct
import subprocess
import sys
import tempfile
import traceback
from collections import deque
from typing import IO, Any

from ...errors import SearchlibError

__all__ = ["WorkerPool", "WorkerError"]

_LEN = struct.Struct("!Q")
READY = "ready"


class WorkerError(SearchlibError, RuntimeError):
    """A worker process failed or died; what it had not committed is lost."""


def _send(stream: IO[bytes], obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LEN.pack(len(data)))
    stream.write(data)
    stream.flush()


def _recv(stream: IO[bytes]) -> Any:
    head = stream.read(_LEN.size)
    if len(head) < _LEN.size:
        raise EOFError
    (size,) = _LEN.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


class _Worker:
    def __init__(self, index_dir: str) -> None:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        self.stderr = tempfile.TemporaryFile()
        task_r, task_w = os.pipe()
        reply_r, reply_w = os.pipe()
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "searchlib.backends.whoosh.workers", index_dir, str(task_r), str(reply_w)],
                stdin=subprocess.DEVNULL, stdout=self.stderr, stderr=self.stderr, env=env,
                pass_fds=(task_r, reply_w))
        except BaseException:
            for fd in (task_w, reply_r):
                os.close(fd)
            raise
        finally:
            os.close(task_r)
            os.close(reply_w)
        self.tasks = os.fdopen(task_w, "wb")
        self.replies = os.fdopen(reply_r, "rb")

    def send(self, task: Any) -> None:
        try:
            _send(self.tasks, task)
        except OSError:
            raise WorkerError(f"an indexing worker process died: {self.last_error()}") from None

    def receive(self) -> Any:
        try:
            return _recv(self.replies)
        except (EOFError, OSError):
            raise WorkerError(f"an indexing worker process died: {self.last_error()}") from None

    def last_error(self) -> str:
        self.proc.poll()
        self.stderr.seek(0)
        lines = self.stderr.read().decode("utf-8", "replace").strip().splitlines()
        code = self.proc.returncode
        return lines[-1] if lines else f"exit status {code}" if code is not None else "no reply"

    def close(self, kill: bool = False) -> None:
        if kill:
            self.proc.kill()
        try:
            self.tasks.close()  # end of tasks: the worker exits
        except OSError:
            pass
        self.proc.wait()
        self.replies.close()
        self.stderr.close()


class WorkerPool:
    """Round-robin tasks to ``n`` workers; results come back in submission order."""

    def __init__(self, index_dir: str, n: int) -> None:
        self.workers = [_Worker(index_dir) for _ in range(n)]
        self._order: deque[_Worker] = deque()
        self._next = 0
        try:
            for w in self.workers:
                if w.receive() != READY:
                    raise WorkerError("an indexing worker process did not start")
        except WorkerError:
            self.close(kill=True)
            raise

    def submit(self, task: Any) -> None:
        worker = self.workers[self._next]
        self._next = (self._next + 1) % len(self.workers)
        worker.send(task)
        self._order.append(worker)

    def result(self) -> Any:
        """The reply to the oldest task not yet collected (waits for it)."""
        worker = self._order.popleft()
        status, value = worker.receive()
        if status != "ok":
            raise WorkerError(f"an indexing worker failed: {value}")
        return value

    def close(self, kill: bool = False) -> None:
        for w in self.workers:
            w.close(kill=kill)
        self.workers = []


def _serve(index_dir: str, task_fd: int, reply_fd: int) -> int:
    from whoosh import index as windex

    from .segments import write_segment

    tasks, replies = os.fdopen(task_fd, "rb"), os.fdopen(reply_fd, "wb")
    ix = windex.open_dir(index_dir)
    _send(replies, READY)
    while True:
        try:
            segment, chunk = _recv(tasks)
        except EOFError:
            return 0
        try:
            _send(replies, ("ok", write_segment(ix, segment, chunk)))
        except Exception as exc:  # reported to the parent, which raises it
            detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
            _send(replies, ("error", detail))


if __name__ == "__main__":
    sys.exit(_serve(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
