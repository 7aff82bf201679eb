"""The four engines of bench/scale.py, each built and queried as a user would assemble it.

- ``searchlib``: ``open_index(create=True).ingest(file)``; ``search()`` with its defaults
  (top 10, three highlighted snippets).
- ``naive``: jieba's ``ChineseAnalyzer`` on Whoosh TEXT fields, Whoosh's default writer, its
  ``MultifieldParser`` (terms ANDed) and highlighter; a DATETIME field and year/month ID fields
  so that it can filter, sort and facet (bench/query.py's baseline).
- ``tantivy``: tantivy-py 0.27 over jieba-cut text (jieba's default mode, cut by jieba-rs,
  which gives jieba's exact cuts), words joined by spaces and indexed with tantivy's
  ``whitespace`` tokenizer, the same cut at query time: every query word must occur (a
  question: any of its words, ranked by BM25), a quoted phrase is a phrase of words; dates,
  years and months as fast fields; snippets by tantivy's ``SnippetGenerator``.
- ``fts5``: SQLite FTS5 with the ``trigram`` tokenizer (Python's ``sqlite3``): a term of three
  characters or more is a ``MATCH`` phrase, ranked by bm25, highlighted by ``snippet()``; a
  shorter one cannot use the trigram index and is ``LIKE '%t%'`` (a scan, unranked, marked in
  Python); dates in an UNINDEXED column; facets by ``GROUP BY``; totals by ``count(*)``.

Every ``search`` returns (total, ids of the page) after building the page's highlights.
``all_ids`` returns every matching id (for recall).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

ENGINES = ("searchlib", "naive", "tantivy", "fts5")
PAGE = 10
QUOTED = re.compile(r'"([^"]+)"')


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def parts(q: str) -> list[tuple[str, bool]]:
    """(text, quoted) parts of a query string: quoted phrases and space-separated terms."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in QUOTED.finditer(q):
        out += [(t, False) for t in q[pos:m.start()].split()]
        out.append((m.group(1), True))
        pos = m.end()
    out += [(t, False) for t in q[pos:].split()]
    return out


_JIEBA: Any = None


def cut(text: str) -> list[str]:
    """jieba's default-mode cut (by jieba-rs), white space dropped."""
    global _JIEBA
    if _JIEBA is None:
        import rjieba

        _JIEBA = rjieba.Jieba()
    return [w for w in _JIEBA.cut(text, True) if w.strip()]


def question_words(q: str) -> list[str]:
    return [w for w in cut(q) if re.search(r"\w", w)]


# ---------------------------------------------------------------- building


def build(engine: str, corpus: Path, folder: Path) -> tuple[int, int]:
    """Index the JSONL corpus with one engine; returns (articles, bytes of title + body)."""
    count = size = 0

    def records() -> Iterator[dict[str, Any]]:
        nonlocal count, size
        for r in read_jsonl(corpus):
            count += 1
            size += len(r["title"].encode()) + len(r["content"].encode())
            yield r

    if engine == "searchlib":
        import searchlib

        ix = searchlib.open_index(folder, create=True)
        ix.ingest(corpus)
        ix.close()
        for _ in records():
            pass
    elif engine == "naive":
        from common import naive_index

        naive_index(records(), folder)
    elif engine == "tantivy":
        build_tantivy(records(), folder)
    else:
        build_fts5(records(), folder)
    return count, size


def tantivy_schema() -> Any:
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_text_field("title", stored=True, tokenizer_name="whitespace")
    sb.add_text_field("body", stored=True, tokenizer_name="whitespace")
    sb.add_date_field("date", stored=True, indexed=True, fast=True)
    sb.add_text_field("year", fast=True, tokenizer_name="raw")
    sb.add_text_field("month", fast=True, tokenizer_name="raw")
    return sb.build()


def build_tantivy(records: Iterable[dict[str, Any]], folder: Path) -> None:
    import tantivy

    folder.mkdir(parents=True)
    ix = tantivy.Index(tantivy_schema(), path=str(folder))
    w = ix.writer()
    for r in records:
        d = dt.datetime.fromisoformat(r["date"])
        w.add_document(tantivy.Document(id=str(r["id"]), title=" ".join(cut(r["title"])),
                                        body=" ".join(cut(r["content"])), date=d,
                                        year=r["date"][:4], month=r["date"][:7]))
    w.commit()
    w.wait_merging_threads()


def build_fts5(records: Iterable[dict[str, Any]], folder: Path) -> None:
    folder.mkdir(parents=True)
    con = sqlite3.connect(folder / "news.db")
    con.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, date UNINDEXED, title, body, "
                "tokenize='trigram')")
    with con:
        con.executemany("INSERT INTO docs VALUES (?, ?, ?, ?)",
                        ((str(r["id"]), r["date"], r["title"], r["content"]) for r in records))
    con.close()


# ---------------------------------------------------------------- searching


class SearchlibEngine:
    def __init__(self, folder: Path) -> None:
        import searchlib

        self.ix = searchlib.open_index(folder)

    def search(self, q: str, opts: dict[str, Any]) -> tuple[int, list[str]]:
        res = self.ix.search(q, limit=PAGE, **opts)
        for h in res.hits:
            for s in h.snippets:
                s.html  # noqa: B018  (built lazily or not: ask for it as a page would)
        return res.total, [h.id for h in res.hits]

    def all_ids(self, q: str) -> set[str]:
        ids: set[str] = set()
        page = 1
        while True:
            res = self.ix.search(q, limit=1000, page=page, snippets=0)
            ids.update(h.id for h in res.hits)
            if page >= res.pages:
                return ids
            page += 1

    def close(self) -> None:
        self.ix.close()


class NaiveEngine:
    def __init__(self, folder: Path) -> None:
        from whoosh.filedb.filestore import FileStorage
        from whoosh.qparser import MultifieldParser

        self.ix = FileStorage(str(folder)).open_index()
        self.searcher = self.ix.searcher()
        self.parser = MultifieldParser(["title", "body"], self.ix.schema)

    def search(self, q: str, opts: dict[str, Any]) -> tuple[int, list[str]]:
        from common import naive_options

        kwargs = naive_options(opts)
        if opts.get("sort") == "newest":
            kwargs["sortedby"], kwargs["reverse"] = "date", True
        query = self.parser.parse(q)
        if "page" in opts:
            results = self.searcher.search_page(query, opts["page"], pagelen=PAGE, **kwargs)
            hits = list(results)
        else:
            results = self.searcher.search(query, limit=PAGE, **kwargs)
            hits = list(results[:PAGE])
        for hit in hits:
            hit.highlights("body", top=3)
        if "facets" in opts:
            for f in opts["facets"]:
                results.groups(f)
        return len(results), [h["id"] for h in hits]

    def all_ids(self, q: str) -> set[str]:
        try:
            return {h["id"] for h in self.searcher.search(self.parser.parse(q), limit=None)}
        except Exception:  # the naive parser rejects some strings
            return set()

    def close(self) -> None:
        self.searcher.close()


class TantivyEngine:
    def __init__(self, folder: Path) -> None:
        import tantivy

        self.t = tantivy
        self.ix = tantivy.Index.open(str(folder))
        self.schema = self.ix.schema
        self.searcher = self.ix.searcher()

    def _either(self, make: Any) -> Any:
        t = self.t
        return t.Query.boolean_query([(t.Occur.Should, make("title")), (t.Occur.Should, make("body"))])

    def _word(self, w: str) -> Any:
        return self._either(lambda f: self.t.Query.term_query(self.schema, f, w))

    def query(self, q: str) -> Any:
        t = self.t
        if re.search(r"[？?]|什么|为什么|有什么|谁", q) and '"' not in q:
            words = question_words(q)
            return t.Query.boolean_query([(t.Occur.Should, self._word(w)) for w in words])
        clauses = []
        for text, quoted in parts(q):
            words = cut(text)
            if quoted and len(words) > 1:
                clauses.append(self._either(lambda f, ws=words: t.Query.phrase_query(self.schema, f, ws)))
            else:
                clauses += [self._word(w) for w in words]
        if not clauses:
            return t.Query.empty_query()
        return t.Query.boolean_query([(t.Occur.Must, c) for c in clauses])

    def search(self, q: str, opts: dict[str, Any]) -> tuple[int, list[str]]:
        t = self.t
        query = self.query(q)
        if "date_from" in opts:
            lo = dt.datetime.fromisoformat(opts["date_from"])
            hi = dt.datetime.fromisoformat(opts["date_to"]) + dt.timedelta(days=1)
            rq = t.Query.range_query(self.schema, "date", t.FieldType.Date, lo, hi, include_upper=False)
            query = t.Query.boolean_query([(t.Occur.Must, query), (t.Occur.Must, rq)])
        kwargs: dict[str, Any] = {"offset": (opts.get("page", 1) - 1) * PAGE}
        if opts.get("sort") == "newest":
            kwargs["order_by_field"], kwargs["order"] = "date", t.Order.Desc
        res = self.searcher.search(query, PAGE, **kwargs)
        gen = t.SnippetGenerator.create(self.searcher, query, self.schema, "body")
        ids = []
        for _, addr in res.hits:
            doc = self.searcher.doc(addr)
            gen.snippet_from_doc(doc).to_html()
            ids.append(doc["id"][0])
        if "facets" in opts:
            self.searcher.aggregate(query, {f: {"terms": {"field": f, "size": 1000}} for f in opts["facets"]})
        return res.count, ids

    def all_ids(self, q: str) -> set[str]:
        query = self.query(q)
        n = self.searcher.search(query, 1).count
        if not n:
            return set()
        return {self.searcher.doc(a)["id"][0] for _, a in self.searcher.search(query, n).hits}

    def close(self) -> None:
        pass


def fts_phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


class Fts5Engine:
    def __init__(self, folder: Path) -> None:
        self.con = sqlite3.connect(folder / "news.db")

    def where(self, q: str) -> tuple[str, list[Any], bool, list[str]]:
        """(SQL condition, parameters, ranked by MATCH, terms to mark)."""
        question = bool(re.search(r"[？?]|什么|为什么|有什么|谁", q)) and '"' not in q
        terms = question_words(q) if question else [t for t, _ in parts(q)]
        terms = [t for t in terms if t]
        long = [t for t in terms if len(t) >= 3]
        short = [t for t in terms if len(t) < 3]
        join = " OR " if question else " AND "
        conds: list[str] = []
        params: list[Any] = []
        if long:  # MATCH cannot sit under an OR or beside LIKE: a sub-select then
            conds.append("docs MATCH ?" if not short else "rowid IN (SELECT rowid FROM docs WHERE docs MATCH ?)")
            params.append(join.join(fts_phrase(t) for t in long))
        for t in short:
            conds.append("(title LIKE ? OR body LIKE ?)")
            like = "%" + t.replace("%", "").replace("_", "") + "%"
            params += [like, like]
        if not conds:
            return "0", [], False, []
        return "(" + join.join(conds) + ")", params, bool(long) and not short, terms

    def search(self, q: str, opts: dict[str, Any]) -> tuple[int, list[str]]:
        cond, params, ranked, terms = self.where(q)
        if "date_from" in opts:
            cond += " AND date >= ? AND date <= ?"
            params += [opts["date_from"], opts["date_to"]]
        total = self.con.execute(f"SELECT count(*) FROM docs WHERE {cond}", params).fetchone()[0]
        order = "date DESC" if opts.get("sort") == "newest" else ("rank" if ranked else "rowid")
        offset = (opts.get("page", 1) - 1) * PAGE
        if ranked:
            sql = (f"SELECT id, snippet(docs, 3, '<mark>', '</mark>', '…', 32) FROM docs WHERE {cond} "
                   f"ORDER BY {order} LIMIT {PAGE} OFFSET {offset}")
            ids = [r[0] for r in self.con.execute(sql, params)]
        else:
            sql = f"SELECT id, body FROM docs WHERE {cond} ORDER BY {order} LIMIT {PAGE} OFFSET {offset}"
            rx = re.compile("|".join(re.escape(t) for t in terms)) if terms else None
            ids = []
            for i, body in self.con.execute(sql, params):
                if rx and (m := rx.search(body)):  # a snippet around the first match, marked
                    frag = body[max(0, m.start() - 40):m.end() + 40]
                    rx.sub(lambda x: f"<mark>{x.group()}</mark>", frag)
                ids.append(i)
        if "facets" in opts:
            for expr in ("substr(date, 1, 4)", "substr(date, 1, 7)"):
                self.con.execute(f"SELECT {expr}, count(*) FROM docs WHERE {cond} GROUP BY 1", params).fetchall()
        return total, ids

    def all_ids(self, q: str) -> set[str]:
        cond, params, _, _ = self.where(q)
        return {r[0] for r in self.con.execute(f"SELECT id FROM docs WHERE {cond}", params)}

    def close(self) -> None:
        self.con.close()


def open_engine(engine: str, folder: Path) -> Any:
    return {"searchlib": SearchlibEngine, "naive": NaiveEngine, "tantivy": TantivyEngine,
            "fts5": Fts5Engine}[engine](folder)


#: Cold start, per engine: a fresh interpreter imports, opens the index and prints the first
#: page of highlighted results; the child reports the three times.
COLD = {
    "searchlib": """
import searchlib
t1 = time.perf_counter()
ix = searchlib.open_index(FOLDER)
t2 = time.perf_counter()
res = ix.search(Q)
out = [s.html for h in res.hits for s in h.snippets]
""",
    "naive": """
from whoosh.filedb.filestore import FileStorage
from whoosh.qparser import MultifieldParser
t1 = time.perf_counter()
ix = FileStorage(FOLDER).open_index()
s = ix.searcher()
t2 = time.perf_counter()
res = s.search(MultifieldParser(["title", "body"], ix.schema).parse(Q), limit=10)
out = [h.highlights("body", top=3) for h in res]
""",
    **{name: f"""
import sys
sys.path.insert(0, BENCH)
import engines
t1 = time.perf_counter()
e = engines.{cls}(engines.Path(FOLDER))
t2 = time.perf_counter()
out = e.search(Q, {{}})
""" for name, cls in (("tantivy", "TantivyEngine"), ("fts5", "Fts5Engine"))},
}
