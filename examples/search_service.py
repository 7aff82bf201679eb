"""Embedding searchlib in an application: the search server, `searchlib serve`, from Python.

The server (searchlib.server, extra `server`) answers a JSON API under /v1 and a search page at
/. This script serves the quickstart's index with it, like `searchlib serve --index DIR`:

    pip install -e '.[server]'
    python examples/search_service.py --port 8080 &
    curl 'http://127.0.0.1:8080/v1/search?q=援疆干部&hits_per_page=3'
    curl 'http://127.0.0.1:8080/v1/articles/39929'
    open http://127.0.0.1:8080/?q=援疆干部            # the search page

or, without a server, print the API's answer to one query:

    python examples/search_service.py --once '國防 預算'

(The old version of this example ran http.server, a thread and a Whoosh searcher per request.)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import searchlib

ROOT = Path(__file__).resolve().parent.parent
INDEX = Path(os.environ.get("SEARCHLIB_INDEX", ROOT / "index_data" / "index"))


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--once", metavar="QUERY", help="print the API's JSON for one query and exit")
    args = ap.parse_args(argv)
    try:
        from searchlib.server.limits import Limits
        from searchlib.server.params import parse_search
        from searchlib.server.results import run_search
        from searchlib.server.run import serve
    except ImportError as exc:
        print(f"{exc}: install the server extra: pip install -e '.[server]'", file=sys.stderr)
        return 2
    if args.once is None:  # the same as `searchlib serve --index INDEX --port PORT`
        return serve(str(INDEX), port=args.port, workers=args.workers)
    try:
        ix = searchlib.open_index(INDEX)
    except searchlib.IndexNotFoundError as exc:
        print(f"{exc}\n(build it first: python examples/quickstart.py)", file=sys.stderr)
        return 1
    with ix:
        params = parse_search({"q": args.once, "hits_per_page": "3", "facets": "month"}, Limits())
        print(json.dumps(run_search(ix, params), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
