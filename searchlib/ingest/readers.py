"""Readers: files and folders in, :class:`Record` (an article or a failure) out.

Every reader streams; one bad line, record or file becomes a failed Record
that says where and why, and never stops the others. JSONL and CSV files are
read line by line, their encoding guessed from their first non-ASCII text
(:func:`.encoding.decode_lines`): a line that cannot be decoded costs its own
record only.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import zlib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, cast

import attrs

from ..errors import InvalidArticleError
from ..models import Article
from .encoding import EncodingError, TextLine, decode, text_lines
from .rawtext import parse_raw_article

__all__ = ["Record", "iter_records", "read_path", "records_from_objects", "FORMATS"]

#: File name endings searchlib reads, and the format of each.
FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv",
           ".txt": "raw", ".text": "raw"}
_CHUNK = 1 << 16


@attrs.frozen
class Record:
    """One input item: an article, or why there is none.

    Attributes:
        path: the file it came from (``<records>`` for objects passed in).
        line: 1-based line (JSONL), row (CSV) or item number, None for a whole file.
        article: the parsed article, or None on failure.
        error: why the item could not be read, or None.
        size: bytes of input it accounts for (for progress and speed).
        skipped: a file met in a folder that is not in a format searchlib
            reads (a README, an image); not a failure.
    """

    path: str
    line: int | None = None
    article: Article | None = None
    error: str | None = None
    size: int = 0
    skipped: bool = False


def records_from_objects(items: Iterable[Article | Mapping[str, Any]]) -> Iterator[Record]:
    """Records for in-memory articles or dicts (``NewsIndex.add``)."""
    for n, item in enumerate(items, 1):
        if isinstance(item, Article):
            yield Record("<records>", n, item, size=len(item.body) * 3)
            continue
        try:
            article = Article.from_dict(item)
        except InvalidArticleError as exc:
            yield Record("<records>", n, error=str(exc))
        else:
            yield Record("<records>", n, article, size=len(article.body) * 3)


def _article(path: str, line: int | None, obj: Any, size: int) -> Record:
    try:
        return Record(path, line, Article.from_dict(obj), size=size)
    except InvalidArticleError as exc:
        return Record(path, line, error=str(exc), size=size)


class _SafeStream:
    """Reads a (possibly compressed) file in pieces; a read error ends the
    stream early and is kept in ``error``, so what came before it is not lost."""

    PIECE = 1 << 13

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.error: str | None = None

    def read(self, n: int = -1) -> bytes:
        out = bytearray()
        while (n < 0 or len(out) < n) and self.error is None:
            try:
                piece = self.raw.read(self.PIECE if n < 0 else min(self.PIECE, n - len(out)))
            except (EOFError, zlib.error, OSError) as exc:
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                self.error = f"cannot read: {reason or type(exc).__name__}"
                break
            if not piece:
                break
            out += piece
        return bytes(out)

    def close(self) -> None:
        self.raw.close()


def _format_of(path: Path) -> str | None:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return FORMATS.get(suffixes[-1]) if suffixes else None


def _text_lines(stream: IO[bytes]) -> Iterator[TextLine]:
    """The decoded lines of a text file, read in 64 KB pieces (see :func:`.encoding.text_lines`)."""
    return text_lines(iter(lambda: stream.read(_CHUNK), b""))


def read_jsonl(path: str, stream: IO[bytes]) -> Iterator[Record]:
    """One article per line; blank lines are skipped."""
    for line in _text_lines(stream):
        if line.error:
            yield Record(path, line.number, error=line.error, size=line.size)
            continue
        if not line.text.strip():
            continue
        try:
            obj = json.loads(line.text)
        except json.JSONDecodeError as exc:
            yield Record(path, line.number, error=f"broken JSON: {exc.msg} (column {exc.colno})",
                         size=line.size)
            continue
        yield _article(path, line.number, obj, line.size)


def _whole(path: str, stream: IO[bytes]) -> tuple[bytes, str | None, Record | None]:
    """A whole (small) file as text, or the failure to report."""
    data = stream.read()
    try:
        return data, decode(data)[0], None
    except EncodingError as exc:
        return data, None, Record(path, None, error=f"cannot decode: {exc}", size=len(data))


def read_json(path: str, stream: IO[bytes]) -> Iterator[Record]:
    """A JSON array of articles, a single article object, or JSON Lines."""
    data, text, failure = _whole(path, stream)
    if text is None:
        yield failure  # type: ignore[misc]
        return
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped.startswith("["):
        try:
            obj = json.loads(stripped)
        except json.JSONDecodeError:
            yield from read_jsonl(path, io.BytesIO(data))  # JSON Lines named .json
            return
        yield _article(path, 1, obj, len(data))
        return
    try:
        items = json.loads(stripped)
    except json.JSONDecodeError as exc:
        yield Record(path, exc.lineno, error=f"broken JSON: {exc.msg} (column {exc.colno})", size=len(data))
        return
    per = len(data) // max(1, len(items))
    for n, obj in enumerate(items, 1):
        yield _article(path, n, obj, per)


def read_csv(path: str, stream: IO[bytes]) -> Iterator[Record]:
    """CSV with a header row naming the fields (``id,title,body,date,...``).

    A row with a line that cannot be decoded fails alone (its cells are not
    read); a header row that cannot be decoded fails the file.
    """
    undecodable: dict[int, str] = {}  # line number -> reason, until its row is read

    def texts() -> Iterator[str]:
        for line in _text_lines(stream):
            if line.error:
                undecodable[line.number] = line.error
            yield line.text

    def decoding_error(first: int, last: int) -> str | None:
        """Why a line among ``first..last`` could not be decoded (and forget those)."""
        bad = sorted(n for n in undecodable if n <= last)
        reasons = [undecodable.pop(n) for n in bad]
        if not bad:
            return None
        return reasons[0] if bad[0] == first else f"line {bad[0]}: {reasons[0]}"

    reader = csv.DictReader(texts())
    start = 1
    try:
        fieldnames = reader.fieldnames
        error = decoding_error(1, reader.line_num)
        if error:
            yield Record(path, 1, error=f"cannot read the header row: {error}")
            return
        if not fieldnames:
            yield Record(path, None, error="empty CSV file (no header row)")
            return
        reader.fieldnames = [(n or "").strip().lower() for n in fieldnames]
        start = reader.line_num + 1
        for rec in reader:
            error = decoding_error(start, reader.line_num)
            if error:
                yield Record(path, start, error=error)
            elif None in rec:
                yield Record(path, start, error="row has more cells than the header")
            else:
                yield _article(path, start, rec, sum(len(v or "") for v in rec.values()) * 2)
            start = reader.line_num + 1
    except csv.Error as exc:
        yield Record(path, reader.line_num, error=f"broken CSV: {exc}; rest of file skipped")
        return
    for number in sorted(undecodable):  # after the last row (blank lines, a binary tail)
        yield Record(path, number, error=undecodable[number])


def read_raw(path: str, stream: IO[bytes]) -> Iterator[Record]:
    """One raw crawled article per file (see :mod:`.rawtext`)."""
    data, text, failure = _whole(path, stream)
    if text is None:
        yield failure  # type: ignore[misc]
        return
    try:
        yield Record(path, None, parse_raw_article(text), size=len(data))
    except InvalidArticleError as exc:
        yield Record(path, None, error=str(exc), size=len(data))


_READERS = {"jsonl": read_jsonl, "json": read_json, "csv": read_csv, "raw": read_raw}


def read_path(path: Path, fmt: str | None = None, in_folder: bool = False) -> Iterator[Record]:
    """Records of one file, in the format its name says (or ``fmt``).

    A file of unknown type is a failure when named, and skipped in a folder.
    """
    name = str(path)
    fmt = fmt or _format_of(path)
    if fmt is None:
        yield Record(name, None, error="unsupported file type; expected "
                     + ", ".join(sorted(FORMATS)) + " (or .gz of one)", skipped=in_folder)
        return
    try:
        raw = cast(IO[bytes], gzip.open(path, "rb") if path.suffix.lower() == ".gz" else open(path, "rb"))
    except OSError as exc:
        yield Record(name, None, error=f"cannot read: {exc.strerror or exc}")
        return
    stream = _SafeStream(raw)
    try:
        yield from _READERS[fmt](name, stream)  # type: ignore[arg-type]
    finally:
        stream.close()
    if stream.error:  # a truncated or corrupt .gz, a disk error: the rest is lost
        yield Record(name, None, error=stream.error)


def is_index_folder(path: Path) -> bool:
    """True for a folder holding a searchlib (or Whoosh) index: never read as input."""
    try:
        names = os.listdir(path)
    except OSError:
        return False
    return "searchlib.json" in names or any(n.endswith(".toc") and n.startswith("_") for n in names)


def iter_records(paths: Iterable[str | os.PathLike[str]], fmt: str | None = None) -> Iterator[Record]:
    """Records of files and folders (recursively, in name order).

    Hidden files and folders are skipped, and so are index folders (``searchlib
    ingest .`` run beside its own index does not read it), listed as skipped.
    """
    for p in paths:
        path = Path(p)
        if path.is_dir():
            if is_index_folder(path):
                yield Record(str(path), None, error="an index folder, not input", skipped=True)
                continue
            for root, dirs, files in os.walk(path):
                kept = []
                for d in sorted(d for d in dirs if not d.startswith(".")):
                    if is_index_folder(Path(root) / d):
                        yield Record(str(Path(root) / d), None, error="an index folder, not input",
                                     skipped=True)
                    else:
                        kept.append(d)
                dirs[:] = kept
                for f in sorted(files):
                    if not f.startswith("."):
                        yield from read_path(Path(root) / f, fmt, in_folder=True)
        elif path.exists():
            yield from read_path(path, fmt)
        else:
            yield Record(str(path), None, error="no such file or folder")
