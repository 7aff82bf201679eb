"""Mounting the search server inside a host ASGI app (here Starlette; FastAPI's `mount` is the same).

The host keeps its own routes; searchlib's API and page live under /search:

    pip install -e '.[server]'
    python examples/mount_in_app.py --port 8000 &
    curl 'http://127.0.0.1:8000/search/v1/search?q=援疆干部'
    open http://127.0.0.1:8000/search/?q=援疆干部

    python examples/mount_in_app.py --once '/search/v1/search?q=援疆干部'   # one request, no server
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import searchlib

ROOT = Path(__file__).resolve().parent.parent
INDEX = Path(os.environ.get("SEARCHLIB_INDEX", ROOT / "index_data" / "index"))


def host_app(ix: searchlib.NewsIndex) -> Any:
    """A host app with a page of its own and searchlib mounted at /search."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import HTMLResponse
    from starlette.routing import Mount, Route

    from searchlib.server import create_app

    async def home(request: Request) -> HTMLResponse:
        return HTMLResponse('<!doctype html><title>Newsroom</title><h1>Newsroom</h1>'
                            '<p><a href="/search/">Search the archive</a></p>')

    # the index stays ours: create_app(ix) never closes an index it was given
    return Starlette(routes=[Route("/", home), Mount("/search", app=create_app(ix))])


async def call(app: Any, target: str) -> tuple[int, bytes]:
    """One GET through the ASGI interface, in process (what a server would do)."""
    path, _, query = target.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
             "query_string": query.encode("utf-8"), "headers": [(b"host", b"localhost")],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--once", metavar="PATH", help="GET one path in process, print the answer, exit")
    args = ap.parse_args(argv)
    try:
        import uvicorn
    except ImportError as exc:
        print(f"{exc}: install the server extra: pip install -e '.[server]'", file=sys.stderr)
        return 2
    try:
        ix = searchlib.open_index(INDEX)
    except searchlib.IndexNotFoundError as exc:
        print(f"{exc}\n(build it first: python examples/quickstart.py)", file=sys.stderr)
        return 1
    with ix:
        app = host_app(ix)
        if args.once:
            status, body = asyncio.run(call(app, args.once))
            print(body.decode("utf-8"))
            return 0 if status == 200 else 1
        uvicorn.run(app, host="127.0.0.1", port=args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
