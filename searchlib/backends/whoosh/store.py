"""The on-disk layer: opening and creating Whoosh indexes, metadata, rebuild swaps.

A searchlib index folder holds a Whoosh index plus ``searchlib.json``, which
records what built the index (searchlib version, segmenter fingerprint,
folding table). A rebuild writes a complete new index beside the old one
(``DIR.rebuilding``), marks it finished, then swaps the folders; if a process
dies between the two renames, the next open finishes (or undoes) the swap.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh.filedb.filestore import FileStorage, RamStorage

from ...analysis import SegmenterProfile
from ...errors import IndexCorruptError, IndexExistsError, IndexNotFoundError
from .mapped import MappedFileStorage
from .schema import news_schema

__all__ = ["open_whoosh", "create_whoosh", "read_meta", "write_meta", "swap_in", "rebuild_folder",
           "write_holder", "read_holder", "clear_holder", "META_FILE"]

META_FILE = "searchlib.json"
HOLDER_FILE = "searchlib.lock-holder"
_DONE = "REBUILD_COMPLETE"


def rebuild_folder(path: str) -> Path:
    return Path(path + ".rebuilding")


def _old_folder(path: str) -> Path:
    return Path(path + ".replaced")


def _recover(folder: Path) -> None:
    """Finish or undo a rebuild swap that a dead process left half done."""
    new, old = rebuild_folder(str(folder)), _old_folder(str(folder))
    if not folder.exists() and old.exists():
        if (new / _DONE).exists():
            os.replace(new, folder)
        else:
            os.replace(old, folder)
    if folder.exists() and old.exists():
        shutil.rmtree(old, ignore_errors=True)


class PrivateRamStorage(RamStorage):
    """Whoosh's in-memory storage, with scratch space of its own.

    Whoosh's ``RamStorage.temp_storage`` is one fixed folder in the system
    temp dir (``MAIN.tmp``) for every in-memory index of every process: two
    at once delete each other's files. Here each writer's scratch space is
    another in-memory storage, so an in-memory index writes nothing to disk.
    """

    def temp_storage(self, name: str | None = None) -> RamStorage:
        return RamStorage()


def create_whoosh(path: str | None, profile: SegmenterProfile) -> windex.Index:
    """A new, empty index (in memory when ``path`` is None).

    Raises:
        IndexExistsError: ``path`` exists and is not an empty folder.
    """
    schema = news_schema(profile)
    if path is None:
        return PrivateRamStorage().create_index(schema)
    folder = Path(path)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise IndexExistsError(str(folder), "it is not an empty folder; pick a new or empty one")
    folder.mkdir(parents=True, exist_ok=True)
    return MappedFileStorage(str(folder)).create_index(schema)


def open_whoosh(path: str) -> windex.Index:
    """Open the index in folder ``path``.

    Raises:
        IndexNotFoundError: there is none.
        IndexCorruptError: its files cannot be read.
    """
    folder = Path(path)
    _recover(folder)
    if not (folder.is_dir() and windex.exists_in(str(folder))):
        raise IndexNotFoundError(str(folder), "create one with open_index(path, create=True) "
                                 "or `searchlib ingest --index PATH FILES...`")
    try:
        return MappedFileStorage(str(folder)).open_index()
    except Exception as exc:  # whoosh raises many types for damaged files
        raise IndexCorruptError(str(folder), f"{type(exc).__name__}: {exc}") from exc


def read_meta(ix: windex.Index) -> dict[str, Any] | None:
    """What built the index (``searchlib.json``), or None if it records nothing.

    Raises:
        IndexCorruptError: the file is there but unreadable; the message says
            how to recover. It is never silently rewritten.
    """
    storage = ix.storage
    if not storage.file_exists(META_FILE):
        return None
    with storage.open_file(META_FILE) as f:
        raw = f.read()
    try:
        meta = json.loads(raw.decode("utf-8"))
        if not isinstance(meta, dict):
            raise ValueError("not a JSON object")
    except ValueError as exc:
        folder = getattr(storage, "folder", "") or ":memory:"
        raise IndexCorruptError(
            folder, f"{META_FILE} is damaged ({exc}). It records which dictionary and "
            "folding built the index: restore it from a backup, or delete it (the next write "
            "records this installation's analysis; rebuild if the index was built with other "
            "user words)") from None
    return meta


def write_meta(ix: windex.Index, meta: dict[str, Any]) -> None:
    """Write ``searchlib.json`` atomically: a temporary file, fsync, rename."""
    data = json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8")
    storage = ix.storage
    folder = getattr(storage, "folder", "")
    if not isinstance(storage, FileStorage) or not folder:
        with storage.create_file(META_FILE) as f:
            f.write(data)
        return
    target = Path(folder) / META_FILE
    tmp = target.with_name(META_FILE + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, target)


def write_holder(ix: windex.Index) -> None:
    """Note who holds the write lock (process, host, command, since when)."""
    import datetime as dt
    import socket
    import sys

    note = {"pid": os.getpid(), "host": socket.gethostname(),
            "command": " ".join(sys.argv[:3]) or "python",
            "since": dt.datetime.now().isoformat(timespec="seconds")}
    with ix.storage.create_file(HOLDER_FILE) as f:
        f.write(json.dumps(note).encode("utf-8"))


def clear_holder(ix: windex.Index) -> None:
    try:
        ix.storage.delete_file(HOLDER_FILE)
    except (OSError, KeyError, NameError):  # RamStorage raises NameError for a missing file
        pass


def read_holder(ix: windex.Index) -> str:
    """Who holds the write lock, in words ("" when unknown)."""
    try:
        with ix.storage.open_file(HOLDER_FILE) as f:
            note = json.loads(f.read().decode("utf-8"))
    except (OSError, KeyError, NameError, ValueError):
        return ""
    return (f"process {note.get('pid')} on {note.get('host')} ({note.get('command')}) "
            f"since {note.get('since')}")


def swap_in(path: str) -> None:
    """Replace the index folder ``path`` with its finished rebuild."""
    folder, new, old = Path(path), rebuild_folder(path), _old_folder(path)
    (new / _DONE).touch()
    if old.exists():
        shutil.rmtree(old)
    os.replace(folder, old)
    os.replace(new, folder)
    (folder / _DONE).unlink()
    shutil.rmtree(old, ignore_errors=True)
