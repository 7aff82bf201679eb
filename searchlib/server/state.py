"""What the server's handlers share: the index, the admin key, the limits, readiness."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from ..index import NewsIndex
from .limits import Limits

__all__ = ["ServerState", "WARMUP_QUERY"]

log = logging.getLogger("searchlib.server")

#: The search /ready waits for: it loads the segmenter's dictionary and the index's readers.
WARMUP_QUERY = "新闻 总统"


@dataclass
class ServerState:
    """Shared by every request of one app (and so of one worker process)."""

    index: NewsIndex
    owns_index: bool = False
    admin_key: str | None = None
    read_only: bool = False
    limits: Limits = field(default_factory=Limits)
    ready: threading.Event = field(default_factory=threading.Event)
    #: One writer at a time in this process (other processes: the index's own lock).
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    _warming: threading.Thread | None = None

    def start_warmup(self) -> None:
        """Run the warm-up search in the background, once."""
        if self._warming is None:
            self._warming = threading.Thread(target=self._warm, name="searchlib-warmup", daemon=True)
            self._warming.start()

    def _warm(self) -> None:
        try:
            self.index.search(WARMUP_QUERY, limit=1)
            self.index.complete(WARMUP_QUERY[:1], n=1)  # starts reading the words of the index
        except Exception:  # a broken index must show in /ready, not kill the thread silently
            log.exception("warm-up search failed")
            return
        self.ready.set()

    def close(self) -> None:
        """Close the index if the app opened it."""
        if self.owns_index:
            if self._warming is not None:
                self._warming.join(timeout=30)
            self.index.close()
