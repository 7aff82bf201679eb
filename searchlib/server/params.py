"""Search parameters, read alike from a query string (GET) or a JSON object (POST).

Every bad value is a ``invalid-parameter`` problem naming the parameter; the
library checks the query itself (``query-syntax``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..fields import FACET_FIELDS
from ..index import SORTS
from .limits import Limits
from .problems import Problem

__all__ = ["SearchParams", "parse_search", "OFFSET_UNITS", "SEARCH_KEYS"]

#: How highlight offsets are counted: Python/Unicode code points, JavaScript's
#: UTF-16 code units, or UTF-8 bytes.
OFFSET_UNITS = ("codepoint", "utf16", "utf8")
SEARCH_KEYS = ("q", "page", "hits_per_page", "sort", "from", "to", "source", "category",
               "facets", "snippets", "snippet_size", "offsets", "collapse")
MAX_SNIPPETS = 10
SNIPPET_SIZES = (20, 1000)


@dataclass(frozen=True)
class SearchParams:
    """One search request, checked."""

    q: str
    page: int = 1
    hits_per_page: int = 10
    sort: str = "relevance"
    date_from: str | None = None
    date_to: str | None = None
    source: str | None = None
    category: str | None = None
    facets: tuple[str, ...] = ()
    snippets: int = 3
    snippet_size: int = 120
    offsets: str = "codepoint"
    collapse: bool = False

    def search_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for :meth:`NewsIndex.search`."""
        return {"limit": self.hits_per_page, "page": self.page, "sort": self.sort,
                "date_from": self.date_from, "date_to": self.date_to, "source": self.source,
                "category": self.category, "facets": self.facets, "snippets": self.snippets,
                "snippet_size": self.snippet_size, "collapse": self.collapse}

    def cache_key(self) -> str:
        """A stable text naming this request (for ETags)."""
        return repr(sorted(self.__dict__.items()))


def _bad(name: str, detail: str) -> Problem:
    return Problem("invalid-parameter", f"{name}: {detail}", parameter=name)


def _text(raw: Mapping[str, Any], name: str) -> str | None:
    value = raw.get(name)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and name in ("from", "to"):
        value = str(value)
    if not isinstance(value, str):
        raise _bad(name, f"must be a string, not {type(value).__name__}")
    return value.strip() or None


def _int(raw: Mapping[str, Any], name: str, default: int, lo: int, hi: int) -> int:
    value = raw.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, str) and value.strip().lstrip("+").isdigit() and len(value) < 12:
        number = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        raise _bad(name, f"must be a whole number from {lo} to {hi}, not {value!r}")
    if not lo <= number <= hi:
        raise _bad(name, f"must be from {lo} to {hi}, not {number}")
    return number


def _choice(raw: Mapping[str, Any], name: str, choices: tuple[str, ...], default: str) -> str:
    value = _text(raw, name)
    if value is None:
        return default
    if value not in choices:
        raise _bad(name, f"must be one of {', '.join(choices)}, not {value!r}")
    return value


def _bool(raw: Mapping[str, Any], name: str) -> bool:
    value = raw.get(name)
    if value is None or value == "" or isinstance(value, bool):
        return bool(value)
    text = value.strip().lower() if isinstance(value, str) else None
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    raise _bad(name, f"must be true or false, not {value!r}")


def _facets(raw: Mapping[str, Any]) -> tuple[str, ...]:
    value = raw.get("facets")
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        names = [v.strip() for v in value.split(",") if v.strip()]
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        names = [v.strip() for v in value]
    else:
        raise _bad("facets", "must be a comma-separated string or a list of names")
    unknown = [n for n in names if n not in FACET_FIELDS]
    if unknown:
        raise _bad("facets", f"unknown facet {unknown[0]!r}; facets: {', '.join(FACET_FIELDS)}")
    return tuple(dict.fromkeys(names))


def parse_search(raw: Mapping[str, Any], limits: Limits, *, require_q: bool = True) -> SearchParams:
    """Check the search parameters in ``raw`` (a query string's or a JSON body's).

    Raises:
        Problem: ``invalid-parameter`` or ``query-too-long`` (400).
    """
    q = raw.get("q")
    if q is None or (isinstance(q, str) and not q.strip()):
        if require_q:
            raise _bad("q", "a query is required")
        q = ""
    if not isinstance(q, str):
        raise _bad("q", f"must be a string, not {type(q).__name__}")
    if len(q) > limits.max_query_chars:
        raise Problem("query-too-long", f"the query is {len(q):,} characters long; the limit is "
                      f"{limits.max_query_chars:,}", parameter="q", limit=limits.max_query_chars)
    per_page = _int(raw, "hits_per_page", 10, 1, limits.max_hits_per_page)
    page = _int(raw, "page", 1, 1, limits.max_window)
    if page * per_page > limits.max_window:
        raise _bad("page", f"page {page} of {per_page} hits reaches past hit {limits.max_window:,}, "
                   "the deepest a search can page to; narrow the query or use /v1/export")
    return SearchParams(
        q=q, page=page, hits_per_page=per_page, sort=_choice(raw, "sort", SORTS, "relevance"),
        date_from=_text(raw, "from"), date_to=_text(raw, "to"), source=_text(raw, "source"),
        category=_text(raw, "category"), facets=_facets(raw),
        snippets=_int(raw, "snippets", 3, 0, MAX_SNIPPETS),
        snippet_size=_int(raw, "snippet_size", 120, *SNIPPET_SIZES),
        offsets=_choice(raw, "offsets", OFFSET_UNITS, "codepoint"), collapse=_bool(raw, "collapse"))
