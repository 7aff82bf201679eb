"""Running the server: ``searchlib serve`` starts uvicorn with one app per worker process."""

from __future__ import annotations

import inspect
import json
import os
import sys
from typing import Any

from starlette.applications import Starlette

from ..errors import SearchlibError
from ..index import open_index
from .app import LOCK_TIMEOUT, create_app
from .auth import load_admin_key

__all__ = ["serve", "app_from_env", "CONFIG_ENV"]

#: How the parent hands its settings to each worker process (never the key itself:
#: workers read it from the key file or $SEARCHLIB_ADMIN_KEY, as the parent did).
CONFIG_ENV = "SEARCHLIB_SERVE_CONFIG"
#: Threads per worker that search at once: searches are CPU-bound Python (the GIL), so more
#: threads add searchers (memory), not speed; scale with --workers.
THREADS = 4
HEALTHCHECK_SECONDS = 60


def app_from_env() -> Starlette:
    """The app of one worker, configured by ``$SEARCHLIB_SERVE_CONFIG`` (uvicorn's factory)."""
    config: dict[str, Any] = json.loads(os.environ[CONFIG_ENV])
    key = None if config["read_only"] else load_admin_key(config["key_file"])
    return create_app(config["index"], admin_key=key, read_only=config["read_only"],
                      cors_origins=config["cors"], threads=THREADS)


def serve(index: str, *, host: str = "127.0.0.1", port: int = 8080, workers: int = 1,
          key_file: str | None = None, cors: list[str] | None = None, read_only: bool = False,
          log_level: str = "info") -> int:
    """Serve the index until interrupted; returns the exit status.

    Checks everything a worker will need first, so a bad setting is one line
    and exit 1 or 2, not a traceback in each worker.
    """
    import uvicorn

    if workers < 1:
        print("searchlib: error: --workers must be at least 1", file=sys.stderr)
        return 2
    try:
        key = None if read_only else load_admin_key(key_file)
    except ValueError as exc:
        print(f"searchlib: error: {exc}", file=sys.stderr)
        return 2
    try:
        with open_index(index, lock_timeout=LOCK_TIMEOUT) as ix:
            count = ix.count()
    except (SearchlibError, OSError) as exc:
        print(f"searchlib: error: {exc}", file=sys.stderr)
        return 1
    config = {"index": os.path.abspath(index), "key_file": key_file and os.path.abspath(key_file),
              "cors": list(cors or []), "read_only": read_only}
    os.environ[CONFIG_ENV] = json.dumps(config)
    writes = "read-only" if read_only else ("writes with the admin key" if key else
                                            "no admin key: writes refused")
    shown = f"[{host}]" if ":" in host else host
    print(f"searchlib: serving {count:,} articles from {index} on http://{shown}:{port}/ "
          f"({workers} worker{'s' if workers > 1 else ''}, {writes})", file=sys.stderr, flush=True)
    extra: dict[str, Any] = {}
    if "timeout_worker_healthcheck" in inspect.signature(uvicorn.run).parameters:
        # a worker deep in a CPU-bound search or ingest may answer the supervisor's ping late;
        # uvicorn's default (5 s) kills it, cutting the requests it was answering
        extra["timeout_worker_healthcheck"] = HEALTHCHECK_SECONDS
    uvicorn.run("searchlib.server.run:app_from_env", factory=True, host=host, port=port,
                workers=workers, log_level=log_level, server_header=False, **extra)
    return 0
