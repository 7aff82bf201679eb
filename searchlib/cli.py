"""The ``searchlib`` command: a thin layer over the public API.

    searchlib ingest --index DIR PATH...
    searchlib search --index DIR [--limit N] [--collapse] [--json] QUERY...   (or --related ID)
    searchlib similar --index DIR [--limit N] [--json] ID
    searchlib stats  --index DIR
    searchlib complete --index DIR [-n N] [--json] PREFIX
    searchlib export --index DIR --format jsonl|csv [--output FILE] QUERY...
    searchlib synonyms --index DIR [FILE | --show | --clear]
    searchlib rebuild --index DIR [--user-dict FILE]
    searchlib serve  --index DIR [--host H] [--port N] [--workers N] ...   (extra: server)

Errors are one line on stderr and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from . import config
from ._version import __version__
from .errors import AnalysisMismatchWarning, QuerySyntaxError, SearchlibError, UsageError
from .fields import FACET_FIELDS
from .index import DEFAULT_INDEX, SORTS, NewsIndex, open_index
from .models import IngestReport, SearchResults

__all__ = ["main"]

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="searchlib", description="Full-text search over Chinese news.")
    p.add_argument("--version", action="version", version=f"searchlib {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    index_help = f"index folder (default: $SEARCHLIB_INDEX or {DEFAULT_INDEX})"
    default_index = config.index_path()

    ing = sub.add_parser("ingest", help="add articles from files and folders",
                         description="Add raw crawled text, JSONL, JSON, CSV (and .gz) files or "
                         "folders to the index, creating it if needed.")
    ing.add_argument("--index", default=default_index, help=index_help)
    ing.add_argument("--strict", action="store_true", help="stop at the first bad record")
    ing.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    ing.add_argument("--all-failures", action="store_true",
                     help="list every input that failed (default: the first 10)")
    ing.add_argument("--user-dict", metavar="FILE",
                     help="jieba-format user dictionary (word [freq] [tag] a line) for a new index")
    ing.add_argument("paths", nargs="+", metavar="PATH")

    rb = sub.add_parser("rebuild", help="re-analyze every article (after changing the dictionary)",
                        description="Rebuild the index with a new user dictionary, or with the "
                        "current one after upgrading jieba or searchlib.")
    rb.add_argument("--index", default=default_index, help=index_help)
    rb.add_argument("--user-dict", metavar="FILE", help="the new user dictionary")

    se = sub.add_parser("search", help="search the index",
                        description="Search the index. Query syntax: terms (all must match), "
                        '"exact phrase", OR, NOT / -term, ( ), title:/source:/author:/editor:/'
                        "category:/tags:, date:2017-01-01..2017-03-31; pinyin: Latin letters found "
                        "nowhere as text (xijinping, or initials xjp), or pinyin:TERM, match the Han "
                        "words they spell.")
    se.add_argument("--index", default=default_index, help=index_help)
    se.add_argument("--limit", "-n", type=int, default=10, help="hits per page (default 10)")
    se.add_argument("--page", type=int, default=1, help="page number (default 1)")
    _add_filters(se)
    se.add_argument("--facet", action="append", choices=FACET_FIELDS, default=[],
                    help="count matches by this field (repeatable)")
    se.add_argument("--related", metavar="ID", help="articles related to this one (no QUERY)")
    se.add_argument("--collapse", action="store_true",
                    help="one hit per cluster of reposts (near-duplicates), the others counted")
    se.add_argument("--json", action="store_true", help="print one JSON object (for programs)")
    se.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    se.add_argument("query", nargs="*", metavar="QUERY")

    co = sub.add_parser("complete", help="complete a word being typed",
                        description="Likely completions of the last term of PREFIX: the index's words "
                        "that start with it (traditional and simplified alike), by how many articles "
                        "hold them (titles count more), as the articles write them. One a line.")
    co.add_argument("--index", default=default_index, help=index_help)
    co.add_argument("-n", type=int, default=10, help="completions at most (default 10, up to 100)")
    co.add_argument("--json", action="store_true", help="print a JSON list (for programs)")
    co.add_argument("prefix", metavar="PREFIX")
    si = sub.add_parser("similar", help="an article's near-duplicates (reposts)",
                        description="List the articles that are near-duplicates (reposts) of "
                        "article ID, most similar first, with their similarity to it.")
    si.add_argument("--index", default=default_index, help=index_help)
    si.add_argument("--limit", "-n", type=int, default=10, help="hits per page (default 10)")
    si.add_argument("--page", type=int, default=1, help="page number (default 1)")
    si.add_argument("--json", action="store_true", help="print one JSON object (for programs)")
    si.add_argument("id", metavar="ID")

    st = sub.add_parser("stats", help="describe the index")
    st.add_argument("--index", default=default_index, help=index_help)
    st.add_argument("--json", action="store_true")

    ex = sub.add_parser("export", help="write every matching article (JSON Lines or CSV)",
                        description="Write every article matching QUERY (no page limit), streamed, "
                        "to stdout or --output FILE. CSV is UTF-8 with a byte-order mark (so a "
                        "spreadsheet opens it right; --no-bom to omit it), dates ISO 8601, tags "
                        "joined by '; '. JSON Lines: one article object a line.")
    ex.add_argument("--index", default=default_index, help=index_help)
    ex.add_argument("--format", choices=("jsonl", "csv"), required=True)
    ex.add_argument("--output", "-o", metavar="FILE", help="write to FILE (default: stdout)")
    ex.add_argument("--bom", action=argparse.BooleanOptionalAction, default=None,
                    help="start with a UTF-8 byte-order mark (default: for CSV only)")
    _add_filters(ex)
    ex.add_argument("query", nargs="+", metavar="QUERY")

    sy = sub.add_parser("synonyms", help="show, set or clear the index's synonym groups",
                        description="Synonym groups make a search for any member find every member, "
                        "at query time (no rebuild). FILE: UTF-8, one group a line, members "
                        "separated by commas (, ， 、) or, on a line without commas, by spaces; "
                        "# starts a comment; - reads stdin. Without FILE, shows the groups.")
    sy.add_argument("--index", default=default_index, help=index_help)
    what = sy.add_mutually_exclusive_group()
    what.add_argument("file", nargs="?", metavar="FILE", help="replace the groups with this file's")
    what.add_argument("--show", action="store_true", help="print the groups (the default)")
    what.add_argument("--clear", action="store_true", help="remove every group")
    sy.add_argument("--json", action="store_true", help="print the groups as a JSON array")

    sv = sub.add_parser("serve", help="serve a JSON API and a search page (needs searchlib[server])",
                        description="Serve the index over HTTP: the JSON API under /v1 (OpenAPI at "
                        "/openapi.json) and a search page at /. Writes need the admin key, read from "
                        "--admin-key-file or $SEARCHLIB_ADMIN_KEY (never from the command line).")
    sv.add_argument("--index", default=default_index, help=index_help)
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    sv.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    sv.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    sv.add_argument("--admin-key-file", metavar="FILE", help="file holding the admin key for writes")
    sv.add_argument("--cors", metavar="ORIGIN", action="append", default=[],
                    help="let pages from ORIGIN call the API (repeatable)")
    sv.add_argument("--read-only", action="store_true", help="refuse every write")
    return p


def _add_filters(p: argparse.ArgumentParser) -> None:
    """The sort and filter options of search (and export)."""
    p.add_argument("--sort", choices=SORTS, default="relevance")
    p.add_argument("--from", dest="date_from", metavar="DATE", help="only articles on or after DATE")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="only articles on or before DATE")
    p.add_argument("--source", help="only articles from this source")
    p.add_argument("--category", help="only articles in this category")


def _never_fail_on_encoding() -> None:
    """Text that the terminal's encoding cannot show is escaped, not an error."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    _never_fail_on_encoding()
    commands = {"ingest": _ingest, "search": _search, "stats": _stats, "rebuild": _rebuild,
                "serve": _serve, "complete": _complete, "export": _export, "synonyms": _synonyms,
                "similar": _similar}
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", AnalysisMismatchWarning)
            status = commands[args.command](args)
        for w in caught:
            print(f"searchlib: warning: {w.message}", file=sys.stderr)
        return status
    except (UsageError, QuerySyntaxError) as exc:
        print(f"searchlib: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SearchlibError as exc:
        print(f"searchlib: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:  # an unwritable index folder, a disk error
        where = f": {exc.filename}" if exc.filename else ""
        print(f"searchlib: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("searchlib: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (e.g. `| head`)
        return EXIT_OK


# ---------------------------------------------------------------- ingest


class _Progress:
    """A one-line progress display on a terminal; silent otherwise."""

    def __init__(self, stream: TextIO, total_bytes: int) -> None:
        self.stream = stream
        self.total = total_bytes
        self.start = time.perf_counter()
        self.last = 0.0
        self.shown = False

    def __call__(self, articles: int, nbytes: int) -> None:
        now = time.perf_counter()
        if now - self.last < 0.2:
            return
        self.last = now
        elapsed = max(now - self.start, 1e-6)
        rate = nbytes / elapsed
        line = f"  {articles:,} articles  {nbytes / 1e6:,.1f} MB  {rate / 1e6:.2f} MB/s"
        if self.total and rate > 0 and nbytes <= self.total:
            line += f"  ETA {_duration((self.total - nbytes) / rate)}"
        self.stream.write("\r" + line.ljust(70))
        self.stream.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * 70 + "\r")
            self.stream.flush()


def _duration(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    return f"{m // 60}:{m % 60:02d}:{s:02d}" if m >= 60 else f"{m}:{s:02d}"


def _input_size(paths: Sequence[str]) -> int:
    """Bytes of text to read (0 when unknown, e.g. compressed input)."""
    total = 0
    for p in paths:
        files = [os.path.join(r, f) for r, _, fs in os.walk(p) for f in fs] if os.path.isdir(p) else [p]
        for f in files:
            if f.endswith(".gz"):
                return 0
            try:
                total += os.path.getsize(f)
            except OSError:
                pass
    return total


def _ingest(args: argparse.Namespace) -> int:
    progress = None
    if not args.quiet and sys.stderr.isatty():
        progress = _Progress(sys.stderr, _input_size(args.paths))
    new = not os.path.exists(args.index)
    try:
        with open_index(args.index, create=True, user_dict=args.user_dict) as ix:
            try:
                report = ix.ingest(args.paths, strict=args.strict, progress=progress)
            finally:
                if progress:
                    progress.done()
            empty = ix.count() == 0
            _print_report(report, ix, everything=args.all_failures)
    except BaseException:
        if new:
            _remove_new_index(args.index)
        raise
    if new and empty and not report.ok:  # nothing went in: leave no empty index behind
        _remove_new_index(args.index)
    return EXIT_OK if report.ok else EXIT_PARTIAL


def _remove_new_index(path: str) -> None:
    """Remove an index this command created and filled with nothing."""
    import shutil

    try:
        with open_index(path) as ix:
            if ix.count():
                return
    except SearchlibError:
        pass
    shutil.rmtree(path, ignore_errors=True)


def _print_report(report: IngestReport, ix: NewsIndex, everything: bool = False) -> None:
    mb = report.bytes_read / 1e6
    speed = f", {mb / report.seconds:.2f} MB/s" if report.seconds > 0 else ""
    print(f"{report.summary()} ({mb:.1f} MB in {report.seconds:.1f} s{speed}); "
          f"{ix.count():,} articles in {ix.path}")
    shown = report.failed if everything else report.failed[:10]
    for failure in shown:
        print(f"  failed: {failure}", file=sys.stderr)
    if len(report.failed) > len(shown):
        print(f"  ... and {len(report.failed) - len(shown)} more failures "
              "(--all-failures lists them all)", file=sys.stderr)


def _rebuild(args: argparse.Namespace) -> int:
    with open_index(args.index) as ix:
        report = ix.rebuild(user_dict=args.user_dict)
        print(f"rebuilt {ix.count():,} articles with {len(ix.profile.user_words)} user words "
              f"in {report.seconds:.1f} s")
    return EXIT_OK if report.ok else EXIT_PARTIAL


# ---------------------------------------------------------------- search


def _search(args: argparse.Namespace) -> int:
    q = " ".join(args.query)
    if bool(q) == bool(args.related):
        raise UsageError("give either a QUERY or --related ID")
    with open_index(args.index) as ix:
        if args.related:
            res = ix.more_like_this(args.related, limit=args.limit, page=args.page)
        else:
            res = ix.search(q, limit=args.limit, page=args.page, sort=args.sort,
                            date_from=args.date_from, date_to=args.date_to, source=args.source,
                            category=args.category, facets=tuple(args.facet), collapse=args.collapse)
    return _show(args, res)


def _similar(args: argparse.Namespace) -> int:
    with open_index(args.index) as ix:
        res = ix.similar(args.id, limit=args.limit, page=args.page)
    if not args.json and res.total == 0:
        print(f"No near-duplicates of {args.id}.")
        return EXIT_OK
    return _show(args, res)


def _show(args: argparse.Namespace, res: SearchResults) -> int:
    if args.json:
        json.dump(res.to_dict(), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return EXIT_OK
    choice = getattr(args, "color", "auto")
    color = choice == "always" or (choice == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
    _print_results(res, color)
    return EXIT_OK


_MARK = ("\x1b[1;31m", "\x1b[0m")
_DIM = ("\x1b[2m", "\x1b[0m")


def _print_results(res: SearchResults, color: bool) -> None:
    mark = _MARK if color else ("", "")
    dim = _DIM if color else ("", "")
    for typed, words in res.pinyin.items():
        print(f"Read {typed} as pinyin: {' / '.join(words)}")
    if res.total == 0:
        print(f"No articles match {res.query}.")
        if res.suggestion:
            print(f"Did you mean: {res.suggestion}")
        return
    if res.suggestion:
        print(f"Did you mean: {res.suggestion}")
    what = "partial matches (no article has every term)" if res.relaxed else "results"
    print(f"{res.total:,} {what} for {res.query} (page {res.page} of {res.pages})\n")
    for h in res.hits:
        a = h.article
        title = h.title.markup(*mark) if h.title else a.title
        print(f"{h.rank}. {title}")
        meta = [str(a.date)[:16] if a.date else None, a.source, a.author and f"记者 {a.author}",
                f"id {h.id}"]
        if res.query.startswith("similar:"):
            meta.append(f"similarity {h.score:.2f}")
        if h.duplicates:
            meta.append(f"+{h.duplicates} repost{'s' if h.duplicates > 1 else ''}")
        print("   " + dim[0] + " · ".join(m for m in meta if m) + dim[1])
        for s in h.snippets:
            text = s.markup(*mark).replace("\n", " ")
            print(f"   …{text}…")
        print()
    for name, counts in res.facets.items():
        print(f"{name}: " + ", ".join(f"{k} ({v})" for k, v in list(counts.items())[:15]))


# ---------------------------------------------------------------- complete


def _complete(args: argparse.Namespace) -> int:
    with open_index(args.index) as ix:
        found = ix.complete(args.prefix, n=args.n)
    if args.json:
        print(json.dumps(found, ensure_ascii=False))
    else:
        for completion in found:
            print(completion)
    return EXIT_OK


# ---------------------------------------------------------------- stats


def _stats(args: argparse.Namespace) -> int:
    with open_index(args.index) as ix:
        info = ix.stats()
    if args.json:
        print(json.dumps(info, ensure_ascii=False))
        return EXIT_OK
    print(f"index:     {info['path']}")
    print(f"articles:  {info['articles']:,}")
    print(f"size:      {info['bytes'] / 1e6:.1f} MB in {info['segments']} segment(s)")
    if info["first_date"]:
        print(f"dates:     {info['first_date']} .. {info['last_date']}")
    if info["sources"]:
        print("sources:   " + ", ".join(f"{k} ({v})" for k, v in list(info["sources"].items())[:10]))
    print(f"segmenter: {info['segmenter']} ({info['user_words']} user words)")
    return EXIT_OK


# ---------------------------------------------------------------- export


def _export(args: argparse.Namespace) -> int:
    from .export import write_export

    q = " ".join(args.query)
    with open_index(args.index) as ix:
        articles = ix.iter_search(q, sort=args.sort, date_from=args.date_from, date_to=args.date_to,
                                  source=args.source, category=args.category)
        if args.output is None:
            sys.stdout.flush()
            out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
            try:
                n = write_export(articles, out, args.format, bom=args.bom)
                out.flush()
            except BrokenPipeError:  # the reader went away (`| head`): not an error
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                return EXIT_OK
            finally:
                out.detach()
        else:
            part = f"{args.output}.part"  # the file appears whole, or not at all
            try:
                with open(part, "w", encoding="utf-8", newline="") as f:
                    n = write_export(articles, f, args.format, bom=args.bom)
                os.replace(part, args.output)
            finally:
                if os.path.exists(part):
                    os.remove(part)
    where = f" to {args.output}" if args.output else ""
    print(f"exported {n:,} articles{where}", file=sys.stderr)
    return EXIT_OK


# ---------------------------------------------------------------- synonyms


def _synonyms(args: argparse.Namespace) -> int:
    from .synonyms import parse_synonyms

    with open_index(args.index) as ix:
        if args.clear:
            ix.set_synonyms([])
            print(f"cleared the synonyms of {ix.path}", file=sys.stderr)
            return EXIT_OK
        if args.file == "-":
            ix.set_synonyms(parse_synonyms(sys.stdin.read(), ix.backend.folding, "<stdin>"))
        elif args.file:
            ix.set_synonyms(Path(args.file))
        groups = ix.synonyms()
    if args.json:
        print(json.dumps(groups, ensure_ascii=False))
    elif args.file:
        print(f"{len(groups)} synonym groups set", file=sys.stderr)
    else:
        for group in groups:
            print(", ".join(group))
    return EXIT_OK


# ---------------------------------------------------------------- serve

SERVER_EXTRA = "pip install 'searchlib[server]'"


def _serve(args: argparse.Namespace) -> int:
    """Imported only here: the other commands never load the server's packages."""
    import importlib.util

    missing = [m for m in ("starlette", "uvicorn", "multipart") if importlib.util.find_spec(m) is None]
    if missing:
        print(f"searchlib: error: `searchlib serve` needs the server extra ({', '.join(missing)} "
              f"missing); install it with: {SERVER_EXTRA}", file=sys.stderr)
        return EXIT_USAGE
    from .server.run import serve

    return serve(args.index, host=args.host, port=args.port, workers=args.workers,
                 key_file=args.admin_key_file, cors=args.cors, read_only=args.read_only)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
