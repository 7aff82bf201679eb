"""The write lock of an OpenSearch index: one document, created only if absent.

A writer creates ``lock`` in the index ``<name>-searchlib-lock`` (``op_type
create`` fails if another writer holds it) and renews it every few seconds
while it writes. A lock whose holder is a dead process on this machine, or
that was not renewed for :data:`LEASE` seconds (its holder died elsewhere),
is taken over, so a killed writer never blocks the next one for long.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ...errors import IndexLockedError
from .cluster import errors_as_searchlib

__all__ = ["write_lock", "lock_index", "LEASE"]

#: Seconds after which a lock that was not renewed is taken over.
LEASE = 60.0
_RENEW = 10.0
_ID = "lock"


def lock_index(name: str) -> str:
    """The index that holds the write lock of index (alias) ``name``."""
    return f"{name}-searchlib-lock"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stale(holder: dict[str, Any]) -> bool:
    if time.time() - float(holder.get("renewed", 0)) > LEASE:
        return True
    return holder.get("host") == socket.gethostname() and not _alive(int(holder.get("pid", 0)))


@contextmanager
def write_lock(client: Any, name: str, location: str, timeout: float) -> Iterator[None]:
    """Hold the write lock of index ``name`` (raises ``IndexLockedError`` after ``timeout`` s)."""
    from opensearchpy.exceptions import ConflictError, NotFoundError

    index = lock_index(name)
    me = {"pid": os.getpid(), "host": socket.gethostname(), "thread": threading.get_ident()}
    deadline = time.monotonic() + timeout
    holder: dict[str, Any] = {}
    with errors_as_searchlib(location):
        if not client.indices.exists(index=index):
            client.indices.create(index=index, body={"settings": {"number_of_shards": 1,
                                                                  "auto_expand_replicas": "0-2"}},
                                  params={"ignore": 400})
        while True:
            try:
                client.index(index=index, id=_ID, body={**me, "renewed": time.time()},
                             params={"op_type": "create", "refresh": "false"})
                break
            except ConflictError:
                pass
            try:
                found = client.get(index=index, id=_ID)
            except NotFoundError:
                continue
            holder = found["_source"]
            if _stale(holder):
                try:
                    client.delete(index=index, id=_ID, params={"if_seq_no": found["_seq_no"],
                                                               "if_primary_term": found["_primary_term"]})
                except (ConflictError, NotFoundError):
                    pass
                continue
            if time.monotonic() >= deadline:
                raise IndexLockedError(location, timeout, f"process {holder.get('pid')} on {holder.get('host')}")
            time.sleep(0.05)
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(_RENEW):
            try:
                client.index(index=index, id=_ID, body={**me, "renewed": time.time()})
            except Exception:  # a missed renewal only shortens the lease
                continue

    renewer = threading.Thread(target=renew, name="searchlib-lock-renewal", daemon=True)
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        renewer.join()
        with errors_as_searchlib(location):
            client.delete(index=index, id=_ID, params={"ignore": 404})
