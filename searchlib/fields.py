"""The fields of a news index as the query language and the API name them.

Engine-neutral: each backend maps these to its own fields (the Whoosh schema
in ``backends/whoosh/schema.py``, the OpenSearch mapping in ``backends/opensearch/``).
"""

from __future__ import annotations

import datetime as dt

__all__ = ["TEXT_FIELDS", "FILTER_FIELDS", "FACET_FIELDS", "year_month"]

#: Searchable text: found as exact text (any substring) and ranked as words.
TEXT_FIELDS = ("title", "body")
#: Fields matched as a whole (folded) value by ``field:value`` queries.
FILTER_FIELDS = ("source", "author", "editor", "category", "tags", "id")
#: Fields that can be counted as facets.
FACET_FIELDS = ("source", "category", "year", "month")


def year_month(date: dt.date) -> tuple[str, str]:
    """The ``year`` and ``month`` facet values of a date (``"2017"``, ``"2017-02"``),
    the same in every backend."""
    return f"{date.year:04d}", f"{date.year:04d}-{date.month:02d}"
