"""Value classes: what goes into an index and what comes out of it."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, overload

import attrs

from .dates import DateLike, parse_date
from .errors import InvalidArticleError

__all__ = ["Article", "Snippet", "Hit", "SearchResults", "Failure", "IngestReport", "scrub",
           "normalize_id", "derive_id", "content_id", "url_id", "has_content_id"]

#: Optional text fields of an article besides id/title/body.
META_FIELDS = ("source", "author", "editor", "url", "category")


_SURROGATE = re.compile("[\ud800-\udfff]")


def scrub(text: str) -> str:
    """``text`` with lone surrogates (legal JSON escapes such as ``\\ud83d``, but
    not characters) replaced by U+FFFD, so that every output can encode it."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def _opt_str(value: object) -> str | None:
    if value is None:
        return None
    text = scrub(str(value)).strip()
    return text or None


def _str_tuple(value: object, name: str, separators: str) -> tuple[str, ...]:
    """A tuple of stripped strings from a list or a separated string."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        for sep in separators:
            value = value.replace(sep, ",")
        items: Iterable[object] = value.split(",")
    elif isinstance(value, Iterable):
        items = value
    else:
        raise InvalidArticleError(f"{name} must be a list or a comma-separated string, "
                                  f"not {type(value).__name__}", name)
    return tuple(t for t in (scrub(str(i)).strip() for i in items) if t)


def _tags(value: object) -> tuple[str, ...]:
    return _str_tuple(value, "tags", "，")


def _names(value: object) -> tuple[str, ...]:
    """People credited besides the author (photographers, interns, correspondents)."""
    return _str_tuple(value, "contributors", "，、")


def _date(value: object) -> DateLike | None:
    try:
        return parse_date(value)
    except ValueError as exc:
        raise InvalidArticleError(str(exc), "date") from None


def normalize_id(value: object) -> str:
    """An article id as searchlib stores it: text, stripped, lone surrogates replaced.

    The same rule applies on the way in (records, ``add``) and on every
    lookup (``get``, ``delete``, ``in``), so ``39929``, ``"39929"`` and
    ``" 39929 "`` name one article.

    Raises:
        InvalidArticleError: the id is not a string or an integer, or is empty.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidArticleError(f"id must be a string or an integer, not {type(value).__name__}", "id")
    text = scrub(str(value)).strip()
    if not text:
        raise InvalidArticleError("id is empty", "id")
    return text


#: Longest title and body accepted (characters): far above any news article,
#: low enough that one runaway record cannot exhaust an ingest's memory.
MAX_CHARS = {"title": 10_000, "body": 5_000_000}


def _text(value: object, name: str, required: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidArticleError(f"{name} must be a string, not {type(value).__name__}", name)
    if required and not value.strip():
        raise InvalidArticleError(f"{name} is missing or empty", name)
    if len(value) > MAX_CHARS[name]:
        raise InvalidArticleError(f"{name} is {len(value):,} characters long; "
                                  f"the limit is {MAX_CHARS[name]:,}", name)
    return scrub(value)


def _title(value: object) -> str:
    return _text(value, "title", required=False)


def _body(value: object) -> str:
    return _text(value, "body", required=True)


def _short(text: str, keep: int = 24) -> str:
    """A repr that never prints a whole article body."""
    if len(text) <= keep:
        return repr(text)
    return repr(text[:keep] + "…") + f" ({len(text):,} chars)"


@attrs.frozen
class Article:
    """A news article: what ``NewsIndex.add`` takes and ``NewsIndex.get`` returns.

    Only ``id``, ``title`` and ``body`` are required. Values are checked and
    converted on the way in: a bad record raises ``InvalidArticleError`` with
    the field to blame.
    """

    id: str = attrs.field(converter=normalize_id)
    title: str = attrs.field(converter=_title)
    body: str = attrs.field(converter=_body, repr=_short)
    date: DateLike | None = attrs.field(default=None, converter=_date)
    source: str | None = attrs.field(default=None, converter=_opt_str)
    author: str | None = attrs.field(default=None, converter=_opt_str)
    editor: str | None = attrs.field(default=None, converter=_opt_str)
    url: str | None = attrs.field(default=None, converter=_opt_str)
    category: str | None = attrs.field(default=None, converter=_opt_str)
    tags: tuple[str, ...] = attrs.field(default=(), converter=_tags)
    contributors: tuple[str, ...] = attrs.field(default=(), converter=_names)

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> Article:
        """Build an Article from a mapping (a JSONL or CSV record).

        ``content`` is accepted as an alias of ``body``; keys that are not
        article fields are ignored. A record without an id gets one derived
        from its title and body (see :func:`content_id`).

        Raises:
            InvalidArticleError: the record lacks a body or has a bad value.
        """
        if not isinstance(record, Mapping):
            raise InvalidArticleError(f"a record must be an object, not {type(record).__name__}")
        body = record.get("body")
        if body is None or body == "":
            body = record.get("content")
        if body is None or (isinstance(body, str) and not body.strip()):
            raise InvalidArticleError("record has no body (expected a 'body' or 'content' field)", "body")
        title = record.get("title") or ""
        rid = record.get("id")
        if rid is None or rid == "":
            rid = derive_id(str(title), str(body), _opt_str(record.get("url")))
        fields = {name: record.get(name) for name in (*META_FIELDS, "date", "tags", "contributors")}
        return cls(id=rid, title=title, body=body, **fields)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (date as ISO 8601 text, tags as a list)."""
        out = attrs.asdict(self, recurse=False)
        out["date"] = self.date.isoformat() if self.date else None
        out["tags"] = list(self.tags)
        out["contributors"] = list(self.contributors)
        return out


def content_id(title: str, body: str) -> str:
    """The id of an article known by its text alone: a hash of that text."""
    import hashlib

    digest = hashlib.sha1(f"{title.strip()}\n{body.strip()}".encode("utf-8", "surrogatepass"))
    return "sha1-" + digest.hexdigest()[:16]


def url_id(url: str) -> str:
    """The id of an article known by its address: a hash of the URL."""
    import hashlib

    return "url-" + hashlib.sha1(url.strip().encode("utf-8", "surrogatepass")).hexdigest()[:16]


def derive_id(title: str, body: str, url: str | None) -> str:
    """The one id rule for records that carry no id.

    A record with a URL is known by it (a corrected re-crawl of the same page
    updates the article); one without is known by its text (:func:`content_id`),
    and only such records are skipped as exact duplicates of other articles.
    """
    return url_id(url) if url else content_id(title, body)


def has_content_id(article: Article) -> bool:
    """True when the article's id is the hash of its own text (no id or URL was given)."""
    return article.id == content_id(article.title, article.body)


def _spans(value: Iterable[Iterable[int]]) -> tuple[tuple[int, int], ...]:
    return tuple((int(a), int(b)) for a, b in value)


@attrs.frozen
class Snippet:
    """A fragment of an article's text with the matched parts marked.

    Attributes:
        text: plain text of the fragment.
        spans: ``(start, end)`` character offsets of the matches within ``text``.
        start: character offset of ``text`` within the field it was cut from.
    """

    text: str
    spans: tuple[tuple[int, int], ...] = attrs.field(default=(), converter=_spans)
    start: int = 0

    @property
    def html(self) -> str:
        """The fragment as HTML: escaped, with ``<mark>`` around each match."""
        return self.markup("<mark>", "</mark>", escape=html.escape)

    def markup(self, before: str, after: str, escape: Any = None) -> str:
        """The fragment with ``before``/``after`` around each match.

        Args:
            before: text put before each match.
            after: text put after each match.
            escape: function applied to the unmarked and marked text (e.g. ``html.escape``).
        """
        esc = escape or (lambda s: s)
        out, pos = [], 0
        for start, end in self.spans:
            out.append(esc(self.text[pos:start]))
            out.append(before + esc(self.text[start:end]) + after)
            pos = end
        out.append(esc(self.text[pos:]))
        return "".join(out)

    @property
    def matches(self) -> list[str]:
        """The matched pieces of text, in order."""
        return [self.text[a:b] for a, b in self.spans]

    def to_dict(self) -> dict[str, Any]:
        """``{"text", "spans", "html"}``: spans as ``[start, end]`` code-point offsets."""
        return {"text": self.text, "spans": [list(sp) for sp in self.spans], "html": self.html}


@attrs.frozen
class Hit:
    """One search result.

    ``duplicates``: with ``search(..., collapse=True)``, how many other matches
    are near-duplicates (reposts) of this one and were left out; else 0.
    """

    id: str
    score: float
    article: Article = attrs.field(repr=False)
    snippets: tuple[Snippet, ...] = attrs.field(default=(), repr=False)
    title: Snippet | None = attrs.field(default=None, repr=False)
    rank: int = 0
    duplicates: int = attrs.field(default=0, repr=False)

    @property
    def title_html(self) -> str:
        """The title as HTML with the matches marked."""
        return self.title.html if self.title else html.escape(self.article.title)

    def to_dict(self) -> dict[str, Any]:
        """The hit as JSON: the article's fields but its body, the highlighted
        title (``title_spans``, ``title_html``) and the snippets."""
        out: dict[str, Any] = {"id": self.id, "rank": self.rank, "score": self.score}
        article = self.article.to_dict()
        del article["body"]
        out.update(article)
        out["title_spans"] = [list(sp) for sp in self.title.spans] if self.title else []
        out["title_html"] = self.title_html
        out["snippets"] = [s.to_dict() for s in self.snippets]
        out["duplicates"] = self.duplicates
        return out


@attrs.frozen
class SearchResults:
    """A page of search results.

    Attributes:
        query: the query as given.
        total: exact number of matching articles (all pages).
        hits: this page's hits, best first.
        page, limit: which page this is and its size.
        facets: requested facet counts over all matches.
        suggestion: a corrected query when the query found little, or None.
        relaxed: True when no article matched every term and the results are
            the best partial matches instead.
        pinyin: each term read as pinyin -> the Han words it was searched as,
            as articles write them (``{"xjp": ("習近平",)}``); empty when none was.
    """

    query: str
    total: int
    hits: list[Hit]
    page: int = 1
    limit: int = 10
    facets: dict[str, dict[str, int]] = attrs.Factory(dict)
    suggestion: str | None = None
    relaxed: bool = False
    pinyin: dict[str, tuple[str, ...]] = attrs.Factory(dict)

    def __iter__(self) -> Iterator[Hit]:
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)

    @overload
    def __getitem__(self, i: int) -> Hit: ...
    @overload
    def __getitem__(self, i: slice) -> list[Hit]: ...

    def __getitem__(self, i: int | slice) -> Hit | list[Hit]:
        return self.hits[i]

    def __repr__(self) -> str:
        extra = ", relaxed=True" if self.relaxed else ""
        return (f"<SearchResults {self.query!r}: {self.total:,} match(es), page {self.page} "
                f"of {self.pages}, {len(self.hits)} hit(s){extra}>")

    @property
    def pages(self) -> int:
        """Number of pages at this page size."""
        return max(1, -(-self.total // self.limit)) if self.limit else 1

    def to_dict(self) -> dict[str, Any]:
        """The one JSON shape of results (CLI ``--json``, HTTP API, examples).

        Facets are lists of ``{"value", "count"}``, largest first, so that
        their order survives any JSON parser.
        """
        return {"query": self.query, "total": self.total, "page": self.page,
                "limit": self.limit, "pages": self.pages, "relaxed": self.relaxed,
                "suggestion": self.suggestion,
                "pinyin": {term: list(words) for term, words in self.pinyin.items()},
                "facets": {name: [{"value": v, "count": n} for v, n in counts.items()]
                           for name, counts in self.facets.items()},
                "hits": [h.to_dict() for h in self.hits]}


@attrs.frozen
class Failure:
    """One input that could not be ingested; unpacks as ``(source, reason)``."""

    path: str
    reason: str
    line: int | None = None

    @property
    def source(self) -> str:
        """``path:line``, or just the path when the whole file failed."""
        return f"{self.path}:{self.line}" if self.line is not None else self.path

    def __iter__(self) -> Iterator[str]:
        return iter((self.source, self.reason))

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "path": self.path, "line": self.line, "reason": self.reason}


@attrs.frozen
class IngestReport:
    """What an ingest did.

    Attributes:
        added: articles new to the index.
        updated: articles whose id was known and whose content changed.
        unchanged: articles already in the index with the same content.
        duplicates: articles skipped because the same text is already indexed
            under another id (or came earlier in the same input).
        failed: inputs that could not be ingested, as :class:`Failure`
            entries that unpack to ``(source, reason)``.
        skipped: files met in folders that are not in a readable format.
        bytes_read: size of the input read.
        seconds: wall-clock time taken.
    """

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    failed: list[Failure] = attrs.Factory(list)
    skipped: list[str] = attrs.Factory(list)
    bytes_read: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failed

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON (the HTTP API's answer to a write)."""
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "duplicates": self.duplicates, "failed": [f.to_dict() for f in self.failed],
                "skipped": list(self.skipped), "bytes_read": self.bytes_read,
                "seconds": self.seconds}

    def summary(self) -> str:
        """One line for people."""
        text = (f"added {self.added}, updated {self.updated}, unchanged {self.unchanged}, "
                f"duplicates {self.duplicates}, failed {len(self.failed)}")
        if self.skipped:
            text += f", skipped {len(self.skipped)} other file(s)"
        return text
