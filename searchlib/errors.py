"""The searchlib error tree.

Every error searchlib raises on purpose is a :class:`SearchlibError`. Each
subclass also inherits the builtin exception a caller would naturally catch
(``QuerySyntaxError`` is a ``ValueError``, ``IndexNotFoundError`` a
``FileNotFoundError``...), carries structured fields, and has a message that
says what went wrong and what to do about it.
"""

from __future__ import annotations

__all__ = [
    "SearchlibError",
    "QuerySyntaxError",
    "IndexNotFoundError",
    "IndexExistsError",
    "IndexLockedError",
    "IndexCorruptError",
    "ArticleNotFoundError",
    "InvalidArticleError",
    "IngestError",
    "UsageError",
    "DictionaryError",
    "ClusterError",
    "AnalysisMismatchWarning",
]


class SearchlibError(Exception):
    """Root of all errors raised by searchlib."""


class QuerySyntaxError(SearchlibError, ValueError):
    """A search query could not be parsed.

    Attributes:
        query: the query string as given.
        position: character offset in ``query`` where the problem is, or None.
        reason: what is wrong, without the position.
    """

    def __init__(self, reason: str, query: str = "", position: int | None = None) -> None:
        self.reason = reason
        self.query = query
        self.position = position
        where = f" at position {position}" if position is not None else ""
        super().__init__(f"invalid query{where}: {reason}")


class IndexNotFoundError(SearchlibError, FileNotFoundError):
    """There is no searchlib index at the given path."""

    def __init__(self, path: str, hint: str = "") -> None:
        self.path = path
        msg = f"no searchlib index at {path!r}"
        super().__init__(f"{msg}; {hint}" if hint else msg)


class IndexExistsError(SearchlibError, FileExistsError):
    """A new index cannot be created where other files already are."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        super().__init__(f"cannot create an index at {path!r}: {reason}")


class IndexLockedError(SearchlibError, TimeoutError):
    """Another writer holds the index's write lock."""

    def __init__(self, path: str, timeout: float, holder: str = "") -> None:
        self.path = path
        self.timeout = timeout
        self.holder = holder
        by = f" by {holder}" if holder else ""
        super().__init__(
            f"the index at {path!r} is locked for writing{by}; gave up after "
            f"{timeout:g} s (wait for the other writer to finish, or raise the timeout)")


class IndexCorruptError(SearchlibError, OSError):
    """The index files cannot be read."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"cannot read the index at {path!r}: {reason}")


class ArticleNotFoundError(SearchlibError, KeyError):
    """No article with the given id is in the index."""

    def __init__(self, article_id: str) -> None:
        self.article_id = article_id
        super().__init__(article_id)

    def __str__(self) -> str:
        return f"no article with id {self.article_id!r} in the index"


class InvalidArticleError(SearchlibError, ValueError):
    """A record cannot become an Article (missing body, bad date, ...).

    Attributes:
        reason: what is wrong with the record.
        field: the offending field, if one is to blame.
    """

    def __init__(self, reason: str, field: str | None = None) -> None:
        self.reason = reason
        self.field = field
        super().__init__(reason)


class IngestError(SearchlibError, ValueError):
    """A source could not be ingested (raised in strict mode, else reported).

    Attributes:
        source: the file (or ``<records>`` for in-memory input).
        line: 1-based line or record number within the source, or None.
        reason: what went wrong.
    """

    def __init__(self, source: str, reason: str, line: int | None = None) -> None:
        self.source = source
        self.line = line
        self.reason = reason
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {reason}")


class DictionaryError(SearchlibError, ValueError):
    """A user dictionary file cannot be read, or has a line that cannot be."""

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        super().__init__(f"{path}:{line}: {reason}" if line is not None else f"{path}: {reason}")


class UsageError(SearchlibError, ValueError):
    """An option has a value searchlib cannot use (a page of 0, an unknown sort...)."""


class ClusterError(SearchlibError, ConnectionError):
    """A search cluster (OpenSearch) cannot be reached, or failed a request.

    Attributes:
        location: the cluster and index, as given to ``open_index``.
        reason: what went wrong.
    """

    def __init__(self, location: str, reason: str) -> None:
        self.location = location
        self.reason = reason
        super().__init__(f"the search cluster at {location!r} failed: {reason}")


class AnalysisMismatchWarning(UserWarning):
    """An index was built with a different dictionary, segmenter or folding table."""
