"""Embedding searchlib in an application: a small JSON search service.

One NewsIndex is opened at start-up and shared by every request thread (it is
thread-safe, and each search sees the latest commit). Try it:

    python examples/search_service.py --port 8080 &
    curl 'http://127.0.0.1:8080/search?q=援疆干部&limit=3'
    curl 'http://127.0.0.1:8080/article?id=39929'

or without a server, for one query:

    python examples/search_service.py --once '國防 預算'
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import searchlib

ROOT = Path(__file__).resolve().parent.parent
INDEX = Path(os.environ.get("SEARCHLIB_INDEX", ROOT / "index_data" / "index"))


def search_json(ix: searchlib.NewsIndex, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
    """Run a search from request parameters; returns (HTTP status, JSON body)."""
    try:
        res = ix.search(params.get("q", ""), limit=int(params.get("limit", 10)),
                        page=int(params.get("page", 1)), sort=params.get("sort", "relevance"),
                        date_from=params.get("from"), date_to=params.get("to"),
                        source=params.get("source"), facets=("month",))
    except (searchlib.QuerySyntaxError, searchlib.UsageError, ValueError) as exc:
        return 400, {"error": str(exc)}
    return 200, res.to_dict()


def make_handler(ix: searchlib.NewsIndex) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlparse(self.path)
            params = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/search":
                status, body = search_json(ix, params)
            elif url.path == "/article":
                article = ix.get(params.get("id", ""))
                status, body = (200, article.to_dict()) if article else (404, {"error": "no such article"})
            else:
                status, body = 404, {"error": "try /search?q=... or /article?id=..."}
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--once", metavar="QUERY", help="print the JSON for one query and exit")
    args = ap.parse_args(argv)
    try:
        ix = searchlib.open_index(INDEX)
    except searchlib.IndexNotFoundError as exc:
        print(f"{exc}\n(build it first: python examples/quickstart.py)", file=sys.stderr)
        return 1
    with ix:
        if args.once is not None:
            status, body = search_json(ix, {"q": args.once, "limit": "3"})
            print(json.dumps(body, ensure_ascii=False, indent=1))
            return 0 if status == 200 else 1
        server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(ix))
        print(f"serving {ix.count()} articles on http://127.0.0.1:{args.port}/search?q=...")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
