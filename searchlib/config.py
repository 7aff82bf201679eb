"""Every ``$SEARCHLIB_*`` setting, read when it is needed (never frozen at import).

==========================  ===========================================================
``SEARCHLIB_INDEX``         the CLI's default ``--index`` (default ``index_data/index``)
``SEARCHLIB_WORKERS``       ingest worker processes (default: one per core)
``SEARCHLIB_CHUNK_BYTES``   text per segment and per commit during ingest (default 6 MiB)
``SEARCHLIB_SEGMENTER``     ``rjieba`` (default when installed) or ``jieba``
``SEARCHLIB_CACHE_DIR``     where plain jieba keeps its dictionary cache (default: temp dir)
==========================  ===========================================================

A value that is not usable (``SEARCHLIB_WORKERS=many``) is ignored for the default,
so a typo never stops an ingest.
"""

from __future__ import annotations

import os

__all__ = ["index_path", "workers", "chunk_bytes", "segmenter", "cache_dir", "DEFAULT_INDEX",
           "DEFAULT_CHUNK_BYTES"]

DEFAULT_INDEX = "index_data/index"
DEFAULT_CHUNK_BYTES = 6 << 20


def _positive_int(name: str) -> int | None:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def index_path() -> str:
    """The index the CLI uses when ``--index`` is not given."""
    return os.environ.get("SEARCHLIB_INDEX") or DEFAULT_INDEX


def workers() -> int:
    """Worker processes for an ingest: ``$SEARCHLIB_WORKERS``, else one per core."""
    return _positive_int("SEARCHLIB_WORKERS") or os.cpu_count() or 1


def chunk_bytes() -> int:
    """Text per segment, per worker task and per commit (smaller: more, smaller commits)."""
    return _positive_int("SEARCHLIB_CHUNK_BYTES") or DEFAULT_CHUNK_BYTES


def segmenter() -> str | None:
    """The segmenter engine asked for (``jieba`` or ``rjieba``), or None for the default."""
    return os.environ.get("SEARCHLIB_SEGMENTER", "").strip().lower() or None


def cache_dir() -> str | None:
    """Where plain jieba may write its dictionary cache (None: the temp dir)."""
    return os.environ.get("SEARCHLIB_CACHE_DIR") or None
