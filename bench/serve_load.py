"""Load on `searchlib serve` (1 and 2 workers) beside the old example service, on loopback.

    python bench/serve_load.py [--clients 16] [--seconds 30] [--json out.json]

Each target serves a copy of the bundled sample index (index_data/samples, built once into a
temporary folder) on 127.0.0.1. For --seconds, --clients threads send searches (a fixed mix of
words and phrases from the sample titles) while a writer adds an article every 0.25 s: through
`POST /v1/articles` for the server (a 503 "index locked" is counted as busy, not as an error),
through the library for the old service (it has no write API). A monitor searches the writer's
marker word throughout: its total must never go backwards. Bounded in time, loopback only.

The old service is the previous examples/search_service.py: http.server's ThreadingHTTPServer,
a thread (and so a new Whoosh searcher) per request; kept here as the baseline.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import searchlib

SAMPLES = ROOT / "index_data" / "samples"
KEY = "bench-admin-key-0123456789abcdef"
MARKER = "压测标记词"
QUERIES = ["总统", "国防 预算", "半导体", '"国家安全"', "经济", "台湾 民主", "外交", "青年", "总统 出访",
           "能源", "科技 产业", "國防", "AI", "健康", "援疆干部", "疫苗", "地震", "audit", "两岸", "人才"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ------------------------------------------------------------------ the old example service


def old_service(index: str, port: int) -> None:
    """The previous examples/search_service.py, as it was (a thread per request)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import parse_qs, urlparse

    ix = searchlib.open_index(index)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            url = urlparse(self.path)
            params = {k: v[0] for k, v in parse_qs(url.query).items()}
            try:
                res = ix.search(params.get("q", ""), limit=int(params.get("limit", 10)),
                                page=int(params.get("page", 1)), facets=("month",))
                status, body = 200, res.to_dict()
            except (searchlib.QuerySyntaxError, searchlib.UsageError, ValueError) as exc:
                status, body = 400, {"error": str(exc)}
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


# ------------------------------------------------------------------ targets


class Target:
    def __init__(self, name: str, index: Path, workers: int | None) -> None:
        self.name, self.index, self.workers = name, index, workers
        self.port = free_port()
        env = dict(os.environ, SEARCHLIB_ADMIN_KEY=KEY)
        if workers is None:
            cmd = [sys.executable, __file__, "--old-service", str(index), str(self.port)]
        else:
            cmd = [sys.executable, "-m", "searchlib.cli", "serve", "--index", str(index),
                   "--port", str(self.port), "--workers", str(workers)]
            env["PYTHONWARNINGS"] = "ignore"
        self.log = tempfile.NamedTemporaryFile(prefix="searchlib-serve-load-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=self.log,
                                     start_new_session=True)

    def ready(self, path: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                status, _ = get(self.port, path)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"{self.name} never became ready; its log: {self.log.name}")

    def rss_mb(self) -> float:
        """Resident memory of the server and its worker processes."""
        pids = [self.proc.pid]
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
            pids += [int(c) for c in children]
        except OSError:
            pass
        total = 0
        for pid in pids:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                pass
        return total / 1024

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGINT)
            self.proc.wait(20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait(5)


def get(port: int, path: str, conn: http.client.HTTPConnection | None = None) -> tuple[int, bytes]:
    own = conn is None
    c = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        c.request("GET", path)
        r = c.getresponse()
        body = r.read()
        if r.getheader("connection", "").lower() == "close" or r.version == 10:
            c.close()
        return r.status, body
    finally:
        if own:
            c.close()


def search_path(target: Target, q: str) -> str:
    if target.workers is None:
        return f"/search?q={quote(q)}&limit=10"
    return f"/v1/search?q={quote(q)}&hits_per_page=10&facets=month"


# ------------------------------------------------------------------ one run


def run(target: Target, clients: int, seconds: float) -> dict[str, Any]:
    stop = threading.Event()
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    writes = {"ok": 0, "busy": 0, "failed": 0}
    totals: list[int] = []
    backwards = [0]

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", target.port, timeout=30)
        i = n
        while not stop.is_set():
            q = QUERIES[i % len(QUERIES)]
            i += clients
            t = time.perf_counter()
            try:
                status, _ = get(target.port, search_path(target, q), conn)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", target.port, timeout=30)
                with lock:
                    errors.append(repr(exc))
                continue
            dt = time.perf_counter() - t
            with lock:
                latencies.append(dt)
                if status != 200:
                    errors.append(f"HTTP {status}")

    def writer() -> None:
        n = 0
        ix = searchlib.open_index(target.index) if target.workers is None else None
        while not stop.is_set():
            n += 1
            article = {"id": f"load-{n}", "title": f"{MARKER} 第{n}篇", "body": f"{MARKER}。压测写入的第{n}篇文章。",
                       "date": "2026-06-01"}
            try:
                if ix is not None:
                    ix.add([article])
                    writes["ok"] += 1
                else:
                    c = http.client.HTTPConnection("127.0.0.1", target.port, timeout=30)
                    c.request("POST", "/v1/articles", body=json.dumps([article]).encode(),
                              headers={"Content-Type": "application/json", "Authorization": f"Bearer {KEY}"})
                    r = c.getresponse()
                    r.read()
                    c.close()
                    writes["ok" if r.status == 200 else "busy" if r.status == 503 else "failed"] += 1
            except (OSError, searchlib.SearchlibError) as exc:
                writes["failed"] += 1
                errors.append(f"write: {exc!r}")
            stop.wait(0.25)
        if ix is not None:
            ix.close()

    def monitor() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", target.port, timeout=30)
        last = -1
        while not stop.is_set():
            try:
                status, body = get(target.port, search_path(target, MARKER), conn)
            except (OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection("127.0.0.1", target.port, timeout=30)
                continue
            if status == 200:
                total = json.loads(body)["total"]
                totals.append(total)
                if total < last:
                    backwards[0] += 1
                last = max(last, total)
            stop.wait(0.05)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    threads += [threading.Thread(target=writer), threading.Thread(target=monitor)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    stop.wait(seconds)
    rss = target.rss_mb()
    stop.set()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 1) if latencies else 0.0

    return {"target": target.name, "requests": len(latencies), "rps": round(len(latencies) / elapsed, 1),
            "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99), "errors": len(errors),
            "error_examples": sorted(set(errors))[:3], "writes": writes,
            "marker_total_last": totals[-1] if totals else None,
            "totals_backwards": backwards[0], "rss_mb": round(rss, 1), "server_log": target.log.name}


def main(argv: list[str]) -> int:
    if argv[:1] == ["--old-service"]:
        old_service(argv[1], int(argv[2]))
        return 0
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--targets", default="1,2,old", help="which to run: 1, 2 (workers), old")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="searchlib-serve-load-"))
    try:
        base = work / "base"
        with searchlib.open_index(base, create=True) as ix:
            print(f"building the sample index: {ix.ingest([SAMPLES]).summary()}", flush=True)
        results = []
        chosen = args.targets.split(",")
        for name, workers in (("searchlib serve, 1 worker", 1), ("searchlib serve, 2 workers", 2),
                              ("old example service", None)):
            if str(workers or "old") not in chosen:
                continue
            index = work / f"ix-{workers}"
            shutil.copytree(base, index)
            target = Target(name, index, workers)
            try:
                target.ready("/ready" if workers else search_path(target, "总统"))
                print(f"{name}: {args.clients} clients for {args.seconds:g} s ...", flush=True)
                results.append(run(target, args.clients, args.seconds))
            finally:
                target.stop()
        print("\n| target | requests/s | p50 ms | p95 ms | p99 ms | errors | writes ok/busy/failed "
              "| totals backwards | RSS MB |\n|---|---|---|---|---|---|---|---|---|")
        for r in results:
            w = r["writes"]
            print(f"| {r['target']} | {r['rps']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['errors']} "
                  f"| {w['ok']}/{w['busy']}/{w['failed']} | {r['totals_backwards']} | {r['rss_mb']} |")
        if args.json:
            args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1))
        ours = [r for r in results if r["target"].startswith("searchlib")]  # the old one is the baseline
        return 0 if all(r["errors"] == 0 and r["totals_backwards"] == 0 for r in ours) else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
