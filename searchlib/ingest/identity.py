"""What makes two records the same article, and what an incoming record means.

Three values identify an article:

* its **id**: given by the record, else derived from its URL, else from its text
  (:func:`searchlib.models.derive_id`, the one id rule);
* its **content digest**: a hash of its folded, whitespace-normalized title and
  body, the same for the same text in either script or width;
* its **fingerprint**: a hash of every field as stored, so that a change of
  date, source, author, editor, URL, category, tags or contributors alone is
  an update too.

:class:`Identity` decides, record by record, whether an article is added,
updated, unchanged or an exact duplicate, with one rule:

* A record whose id it carries (or takes from its URL) is always stored under
  that id: new ids are added, known ones updated when their fingerprint
  changed and left alone when it did not.
* Only a record known by its text alone (a content-hash id) is skipped as a
  duplicate, when the same text is already indexed or came earlier in the input.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable

from ..analysis import fold_key
from ..models import Article, has_content_id

__all__ = ["content_digest", "fingerprint", "Identity", "ACTIONS"]

ACTIONS = ("added", "updated", "unchanged", "duplicate")


def content_digest(article: Article) -> str:
    """Hash of an article's folded title and body: equal text, equal digest."""
    text = fold_key(article.title.strip()) + "\n" + fold_key(" ".join(article.body.split()))
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def fingerprint(article: Article) -> str:
    """Hash of every field of the article as stored (any change, any field)."""
    data = json.dumps(article.to_dict(), ensure_ascii=False, sort_keys=True)
    return hashlib.sha1(data.encode("utf-8", "surrogatepass")).hexdigest()[:20]


class Identity:
    """Classifies the records of one ingest run.

    Args:
        stored: the fingerprint of the article stored under an id, or None.
        holders: ids of the stored articles with a content digest.
        skip_duplicates: False to write content-id records whatever other
            articles hold (a rebuild copies an index verbatim).
    """

    def __init__(self, stored: Callable[[str], str | None],
                 holders: Callable[[str], Iterable[str]], skip_duplicates: bool = True) -> None:
        self._stored = stored
        self._holders = holders
        self._skip = skip_duplicates
        self._current: dict[str, tuple[str, str]] = {}  # id -> (fingerprint, digest) now
        self._run_holders: dict[str, set[str]] = {}     # digest -> ids of this run holding it

    def classify(self, article: Article, digest: str) -> str:
        """One of :data:`ACTIONS` for the next record of the run."""
        derived = self._skip and has_content_id(article)
        if derived and self._run_holders.get(digest):
            return "duplicate"  # the same text came earlier in this input
        if article.id in self._current:
            old: str | None = self._current[article.id][0]
        else:
            old = self._stored(article.id)
        if old is None and derived and any(h not in self._current for h in self._holders(digest)):
            return "duplicate"  # the same text is stored under another id
        previous = self._current.get(article.id)
        if previous is not None:
            self._run_holders[previous[1]].discard(article.id)
        new = fingerprint(article)
        self._current[article.id] = (new, digest)
        self._run_holders.setdefault(digest, set()).add(article.id)
        if old is None:
            return "added"
        return "unchanged" if old == new else "updated"
