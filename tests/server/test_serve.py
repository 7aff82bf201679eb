"""`searchlib serve` as people run it: a subprocess on 127.0.0.1; the other commands never load it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

from .conftest import KEY, Served


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env})


def test_other_commands_never_import_the_server(news_dir):
    code = ("import sys\nfrom searchlib.cli import main\n"
            f"assert main(['stats', '--index', {str(news_dir)!r}]) == 0\n"
            f"assert main(['search', '--index', {str(news_dir)!r}, '援疆干部']) == 0\n"
            "loaded = [m for m in sys.modules if m.split('.')[0] in ('starlette', 'uvicorn', 'multipart')"
            " or m.startswith('searchlib.server')]\n"
            "assert not loaded, loaded\n")
    out = run_python(code)
    assert out.returncode == 0, out.stderr


def test_serve_without_the_extra_says_how_to_install_it(news_dir):
    code = ("import sys\nsys.modules['starlette'] = None\nfrom searchlib.cli import main\n"
            f"sys.exit(main(['serve', '--index', {str(news_dir)!r}]))\n")
    out = run_python(code)
    assert out.returncode == 2
    assert "pip install 'searchlib[server]'" in out.stderr and "Traceback" not in out.stderr


def test_serve_refuses_bad_settings_in_one_line(news_dir, tmp_path):
    short = tmp_path / "key"
    short.write_text("short\n")
    for args, status, words in ((["--admin-key-file", str(short)], 2, "shorter than 16"),
                                (["--workers", "0"], 2, "at least 1")):
        out = subprocess.run([sys.executable, "-m", "searchlib.cli", "serve", "--index", str(news_dir),
                              *args], capture_output=True, text=True, timeout=60)
        assert out.returncode == status and words in out.stderr and "Traceback" not in out.stderr
    out = subprocess.run([sys.executable, "-m", "searchlib.cli", "serve", "--index", str(tmp_path / "none")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and "no searchlib index" in out.stderr
    out = subprocess.run([sys.executable, "-m", "searchlib.cli", "serve", "--help"], capture_output=True,
                         text=True, timeout=60)
    assert "--admin-key-file" in out.stdout and "--key" not in out.stdout.replace("--admin-key-file", "")


def test_serve_answers_the_page_and_the_api_and_takes_writes_with_the_key(news_dir, tmp_path):
    import shutil

    index = tmp_path / "copy"
    shutil.copytree(news_dir, index)
    served = Served(index, env={"SEARCHLIB_ADMIN_KEY": KEY})
    try:
        served.wait_ready()
        with urllib.request.urlopen(served.url + "/v1/search?q=%E6%8F%B4%E7%96%86%E5%B9%B2%E9%83%A8") as r:
            assert json.load(r)["total"] == 3
        with urllib.request.urlopen(served.url + "/?q=%E6%8F%B4%E7%96%86") as r:
            assert "<mark>援疆</mark>" in r.read().decode()
        body = json.dumps([{"id": "s1", "title": "服务", "body": "通过服务写入的文章"}]).encode()
        req = urllib.request.Request(served.url + "/v1/articles", data=body, method="POST",
                                     headers={"Content-Type": "application/json",
                                              "Authorization": f"Bearer {KEY}"})
        with urllib.request.urlopen(req) as r:
            assert json.load(r)["added"] == 1
        req = urllib.request.Request(served.url + "/v1/articles", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
        try:
            urllib.request.urlopen(req)
            raise AssertionError("a write without the key went through")
        except urllib.error.HTTPError as exc:
            assert exc.code == 401 and exc.headers["content-type"] == "application/problem+json"
    finally:
        log = served.stop()
    assert "serving 123 articles" in log and KEY not in log
