"""Fixtures for the server's tests: an index of the bundled test news on disk, apps and clients."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import searchlib

from ..conftest import HANS, SEED

starlette = pytest.importorskip("starlette", reason="the server extra is not installed")
pytest.importorskip("httpx", reason="Starlette's test client needs httpx")

from starlette.testclient import TestClient  # noqa: E402

from searchlib.server import Limits, create_app  # noqa: E402

KEY = "test-admin-key-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {KEY}"}
#: Articles the server tests rely on besides the bundled news: markup in the text, and
#: characters outside the Basic Multilingual Plane (UTF-16 surrogate pairs) before a match.
EXTRA = [
    {"id": "xss", "title": "<script>alert('标题')</script>援疆", "date": "2020-05-01",
     "body": "攻击<script>alert(1)</script>援疆干部 & <b>粗体</b>。", "source": "<i>测试</i>报"},
    {"id": "astral", "title": "𠮷野家 😀 援疆干部", "date": "2020-06-01",
     "body": "😀😀 𠮷 援疆干部来到阿勒泰。"},
]


def wait_ready(client: TestClient, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while client.get("/ready").status_code != 200:
        assert time.monotonic() < deadline, "the server never became ready"
        time.sleep(0.05)


@pytest.fixture(scope="session")
def news_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index folder of 123 articles (120 news, the raw seed, two written for these tests)."""
    path = tmp_path_factory.mktemp("server") / "index"
    with searchlib.open_index(path, create=True) as ix:
        report = ix.ingest([HANS, SEED])
        assert report.added == 121 and not report.failed
        assert ix.add(EXTRA).added == 2
    return path


@pytest.fixture(scope="session")
def news_index(news_dir: Path) -> Iterator[searchlib.NewsIndex]:
    """The index above, open once for every read-only test."""
    with searchlib.open_index(news_dir) as ix:
        yield ix


@pytest.fixture(scope="session")
def client(news_index: searchlib.NewsIndex) -> Iterator[TestClient]:
    """A client of a read-only app (no admin key) over the shared index."""
    with TestClient(create_app(news_index), raise_server_exceptions=False) as c:
        wait_ready(c)
        yield c


@pytest.fixture
def writable(tmp_path: Path) -> Iterator[searchlib.NewsIndex]:
    """A small index on disk that a test may write to."""
    with searchlib.open_index(tmp_path / "w", create=True) as ix:
        ix.add([{"id": "a1", "title": "援疆干部座谈会", "body": "援疆干部在阿勒泰座谈。", "date": "2017-02-10"}])
        yield ix


@pytest.fixture
def admin(writable: searchlib.NewsIndex) -> Iterator[TestClient]:
    """A client of an app with an admin key, over the writable index."""
    app = create_app(writable, admin_key=KEY, limits=Limits(max_body_bytes=64 * 1024, max_articles=50))
    with TestClient(app, raise_server_exceptions=False) as c:
        wait_ready(c)
        yield c


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    """`searchlib serve` running as a subprocess on 127.0.0.1."""

    def __init__(self, index: Path, *args: str, env: dict[str, str] | None = None) -> None:
        import os
        import subprocess
        import sys

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "searchlib.cli", "serve", "--index", str(index),
               "--port", str(self.port), *args]
        self.proc = subprocess.Popen(cmd, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)

    def wait_ready(self, timeout: float = 60.0) -> None:
        import urllib.error
        import urllib.request

        deadline = time.monotonic() + timeout
        while True:
            assert self.proc.poll() is None, f"serve exited: {self.proc.communicate()[0]}"
            try:
                with urllib.request.urlopen(self.url + "/ready", timeout=5) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            assert time.monotonic() < deadline, "serve never became ready"
            time.sleep(0.2)

    def stop(self) -> str:
        import signal

        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(20)
            except Exception:
                self.proc.kill()
                self.proc.wait(5)
        return self.proc.stdout.read() if self.proc.stdout else ""
