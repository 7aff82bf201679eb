"""Search engines behind :class:`~searchlib.NewsIndex` (see :mod:`.base`).

:func:`open_backend` picks one from where the index is: a folder or memory
(Whoosh), or an ``opensearch://`` URL (OpenSearch).
"""

from __future__ import annotations

import os
from typing import Any

from ..analysis import SegmenterProfile
from ..errors import IndexNotFoundError
from .base import Backend, Found, TermStats
from .opensearch.cluster import Cluster, is_location, parse_location

__all__ = ["open_backend", "Backend", "Found", "TermStats"]


def open_backend(where: str | os.PathLike[str] | Cluster | None, create: bool, profile: SegmenterProfile,
                 lock_timeout: float) -> tuple[Backend, bool]:
    """The backend of the index at ``where``, and whether it was created now.

    ``where``: a folder, None or ``":memory:"`` (Whoosh); an ``opensearch://``
    URL or a :class:`~.opensearch.Cluster` (OpenSearch).

    Raises:
        IndexNotFoundError: no index there and ``create`` is false.
        ClusterError: the OpenSearch cluster cannot be reached.
    """
    if is_location(where):
        from .opensearch.backend import OpenSearchBackend

        cluster = where if isinstance(where, Cluster) else parse_location(str(where))
        return _open_or_create(OpenSearchBackend, cluster, create, profile, lock_timeout)

    from .whoosh.backend import WhooshBackend

    if where is None or str(where) == ":memory:":
        return WhooshBackend.create(None, profile, lock_timeout), True
    return _open_or_create(WhooshBackend, str(where), create, profile, lock_timeout)


def _open_or_create(kind: Any, where: Any, create: bool, profile: SegmenterProfile,
                    lock_timeout: float) -> tuple[Backend, bool]:
    """``kind.open(where)``, else (``create``) ``kind.create(where)``."""
    try:
        return kind.open(where, lock_timeout), False
    except IndexNotFoundError:
        if not create:
            raise
    return kind.create(where, profile, lock_timeout), True
