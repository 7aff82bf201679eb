"""The Whoosh backend: everything that imports Whoosh lives in this package.

====================  ==========================================================
``backend.py``        :class:`WhooshBackend`: reading, writing, locks, rebuilds
``store.py``          the index folder: create/open, ``searchlib.json``, rebuild swaps
``schema.py``         the schema (words and bigram fields), Article <-> document
``tokenizers.py``     Whoosh tokenizers over :mod:`searchlib.analysis.tokens`
``formats.py``        a compact posting format for positions
``writer.py``         a fast writer of standard W3 segments
``commit.py``         chunks of articles -> segments (in worker processes) -> commits
``workers.py``        the worker processes (``python -m searchlib.backends.whoosh.workers``)
``executor.py``       plans evaluated over the segments in bulk
``private.py``        every private Whoosh name used, checked at import
``legacy.py``         module paths pickled by older indexes, mapped to their new homes
====================  ==========================================================
"""

from . import legacy  # noqa: F401  (before any index is opened)
from .backend import WhooshBackend

__all__ = ["WhooshBackend"]
