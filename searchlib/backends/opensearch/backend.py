"""The OpenSearch backend: a searchlib index on an OpenSearch cluster.

The name in the URL is an alias of a concrete index (``<name>--<stamp>``):
a rebuild fills a new concrete index while the old one answers and then
moves the alias in one atomic step. The index's ``_meta`` records the
segmenter profile, the folding and searchlib's analysis record. Totals are
exact (``track_total_hits``); pages past OpenSearch's 10,000-hit window are
read through a point in time and ``search_after``. Plans become query DSL in
:mod:`.dsl`, articles documents in :mod:`.documents`, ingests bulk requests
in :mod:`.writer`.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

from ...analysis import Folding, SegmenterProfile, folding_for
from ...analysis.folding import SCRIPT
from ...backends.base import Found
from ...errors import ClusterError, IndexNotFoundError, UsageError
from ...models import Article, IngestReport
from ...plan import Plan, Question
from ...ranking import COVERAGE_EXPONENT, idf
from . import dsl
from .cluster import Cluster, call
from .documents import VOCAB_MAPPING, from_source, index_body
from .lock import write_lock
from .reposts import mapping_signed, signed_hit
from .terms import Terms
from .writer import BulkWriter

__all__ = ["OpenSearchBackend"]

#: OpenSearch's from + size limit; deeper pages go through search_after.
WINDOW = 10_000
#: Hits per request when every match is streamed.
_STREAM_PAGE = 500
_KEEP_ALIVE = "2m"
#: A question's best hits that are ranked with the coverage factor.
RESCORE_WINDOW = 100
#: Articles read by one multi-get (identity look-ups of an ingest).
_MGET = 500
_FACET_FIELDS = {"source": "source_raw", "category": "category_raw", "year": "year", "month": "month"}
_SOURCE = ["id", "stored"]
#: Facet values counted in the search request itself (more are read page by page).
FACET_VALUES = 10_000


def _profile_record(profile: SegmenterProfile) -> dict[str, Any]:
    return {"user_words": [list(w) for w in profile.user_words], "hmm": profile.hmm}


def _profile_of(record: dict[str, Any] | None) -> SegmenterProfile:
    record = record or {}
    return SegmenterProfile(user_words=[tuple(w) for w in record.get("user_words", ())],
                            hmm=bool(record.get("hmm", True)))


class OpenSearchBackend:
    """A searchlib index on OpenSearch; see :class:`~searchlib.backends.base.Backend`."""

    def __init__(self, cluster: Cluster, client: Any, name: str, meta: dict[str, Any],
                 lock_timeout: float, owns_client: bool) -> None:
        self.cluster = cluster
        self.client = client
        #: what reads and writes address: the alias (or a concrete index being rebuilt)
        self.name = name
        self.location = cluster.location
        self.lock_timeout = lock_timeout
        self.profile: SegmenterProfile = _profile_of(meta.get("profile"))
        self.folding: Folding = folding_for(meta.get("folding"))
        self._owns_client = owns_client
        #: whether the index stores repost signatures (older indexes have none until rebuilt)
        self.signed = True
        #: the writer of an ingest into an index that was empty when it began: what
        #: it submitted is all there is (the write lock keeps other writers out)
        self._fresh: BulkWriter | None = None

    # ------------------------------------------------------------ opening

    @classmethod
    def open(cls, cluster: Cluster, lock_timeout: float) -> OpenSearchBackend:
        """The index ``cluster.index`` (raises ``IndexNotFoundError``, ``ClusterError``)."""
        client = cluster.connect()
        meta = _read_mapping_meta(client, cluster.index, cluster.location)
        if meta is None:
            if cluster.client is None:
                client.close()
            raise IndexNotFoundError(cluster.location, "open it with create=True to create it")
        _add_vocabulary(client, cluster.index, cluster.location)
        backend = cls(cluster, client, cluster.index, meta, lock_timeout, cluster.client is None)
        backend.signed = mapping_signed(client, cluster.index, cluster.location)
        return backend

    @classmethod
    def create(cls, cluster: Cluster, profile: SegmenterProfile, lock_timeout: float) -> OpenSearchBackend:
        """A new, empty index behind the alias ``cluster.index``."""
        client = cluster.connect()
        concrete = _new_index(client, cluster, profile, SCRIPT.version)
        call(cluster.location, client.indices.put_alias, index=concrete, name=cluster.index)
        return cls(cluster, client, cluster.index, _meta_of(profile, SCRIPT.version), lock_timeout,
                   cluster.client is None)

    def close(self) -> None:
        if self._owns_client:
            self.client.close()

    def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return call(self.location, fn, *args, **kwargs)

    def _search(self, body: dict[str, Any], **params: Any) -> dict[str, Any]:
        if "pit" in body:
            return self._call(self.client.search, body=body, params=params)
        return self._call(self.client.search, index=self.name, body=body, params=params)

    # ------------------------------------------------------------ reading

    def count(self) -> int:
        return int(self._call(self.client.count, index=self.name)["count"])

    def ids(self) -> list[str]:
        return [hit["_id"] for hit in self._scan(dsl.EVERYTHING, [{"id": "asc"}], source=False)]

    def get(self, article_id: str) -> Article | None:
        fresh = self._fresh
        if fresh is not None and article_id not in fresh.ids:
            return None  # saves an ingest into a new index one request per article
        found = self._call(self.client.get, index=self.name, id=article_id,
                           params={"ignore": 404, "_source_includes": "id,stored"})
        return from_source(found["_source"]) if found.get("found") else None

    def get_many(self, article_ids: Sequence[str]) -> dict[str, Article]:
        wanted = list(dict.fromkeys(article_ids))
        fresh = self._fresh
        if fresh is not None:
            wanted = [key for key in wanted if key in fresh.ids]
        out: dict[str, Article] = {}
        for at in range(0, len(wanted), _MGET):
            found = self._call(self.client.mget, index=self.name, body={"ids": wanted[at:at + _MGET]},
                               params={"_source_includes": "id,stored"})
            out.update((doc["_id"], from_source(doc["_source"])) for doc in found["docs"] if doc.get("found"))
        return out

    def holders(self, digest: str) -> list[str]:
        fresh = self._fresh
        if fresh is not None and digest not in fresh.digests:
            return []
        query: dict[str, Any] = {"term": {"digest": digest}}
        order: list[Any] = [{"id": "asc"}]
        answer = self._search({"query": query, "size": 1000, "_source": False, "track_total_hits": True,
                               "sort": order})
        if answer["hits"]["total"]["value"] > 1000:  # many copies of one text: read them all
            return [hit["_id"] for hit in self._scan(query, order, source=False)]
        return [hit["_id"] for hit in answer["hits"]["hits"]]

    def search(self, plan: Plan, *, sort: str, start: int, stop: int,
               facets: Sequence[str] = ()) -> Found:
        query, fallback = dsl.plan_queries(plan)
        asks = plan.question if plan.ask and plan.node is not None else None
        found = self._page(query, sort, start, stop, facets, asks)
        if found.total == 0 and fallback is not None:
            relaxed = self._page(fallback, sort, start, stop, facets, plan.question)
            if relaxed.total:
                return Found(total=relaxed.total, hits=relaxed.hits, facets=relaxed.facets,
                             relaxed=True, max_score=relaxed.max_score)
        return found

    def _query_of(self, plan: Plan) -> dict[str, Any]:
        """The query that answers ``plan``: its own, or its fallback when that finds nothing."""
        query, fallback = dsl.plan_queries(plan)
        if fallback is not None and not self._call(self.client.count, index=self.name,
                                                   body={"query": query})["count"]:
            return fallback
        return query

    def _page(self, query: dict[str, Any], sort: str, start: int, stop: int,
              facets: Sequence[str], question: Question | None = None) -> Found:
        size = max(0, stop - start)
        body: dict[str, Any] = {"query": query, "track_total_hits": True, "track_scores": True,
                                "sort": dsl.sort_clause(sort), "_source": _SOURCE}
        if facets:
            body["aggs"] = {name: {"terms": {"field": _FACET_FIELDS[name], "size": FACET_VALUES}}
                            for name in facets}
        if question is not None and question.words and sort == "relevance" and start < RESCORE_WINDOW:
            return self._rescored(body, question, start, stop, facets)
        if stop <= WINDOW:
            answer = self._search({**body, "from": start, "size": size})
            hits = answer["hits"]["hits"]
        else:
            answer = self._search({**body, "size": 0})
            hits = self._deep(query, sort, start, stop)
        total = int(answer["hits"]["total"]["value"])
        counts = self._facets_of(answer, query, facets)
        best = answer["hits"].get("max_score") or 0.0
        if not hits and total and not best:
            top = self._search({"query": query, "size": 1, "_source": False, "track_total_hits": False})
            best = top["hits"].get("max_score") or 0.0
        return Found(total=total, hits=[(from_source(h["_source"]), float(h.get("_score") or 0.0))
                                        for h in hits],
                     facets=counts, max_score=float(best))

    def _rescored(self, body: dict[str, Any], question: Question, start: int, stop: int,
                  facets: Sequence[str]) -> Found:
        """A question's page, its best :data:`RESCORE_WINDOW` hits ranked with the coverage
        factor of :mod:`searchlib.ranking` (the local executor applies it to every match):
        the window's order, then OpenSearch's for the hits after it."""
        folding = self.folding
        held = {dsl.word_name(i): dsl.word_held(w, folding, question.others(w))
                for i, w in enumerate(question.words)}
        aggs = {**body.get("aggs", {}),
                "_words": {"global": {}, "aggs": {"held": {"filters": {"filters": held}}}}}
        answer = self._search({**body, "aggs": aggs, "_source": False, "from": 0,
                               "size": min(max(stop, RESCORE_WINDOW), WINDOW)})
        everything = answer["aggregations"]["_words"]
        n_docs = int(everything["doc_count"])
        weight = {name: idf(int(b["doc_count"]), n_docs) for name, b in everything["held"]["buckets"].items()}
        total = sum(weight.values())
        ranked: list[tuple[float, str]] = []
        for hit in answer["hits"]["hits"]:
            share = sum(weight.get(name, 0.0) for name in hit.get("matched_queries", ())) / total \
                if total > 0 else 1.0
            ranked.append((float(hit.get("_score") or 0.0) * share ** COVERAGE_EXPONENT, hit["_id"]))
        window = sorted(ranked[:RESCORE_WINDOW], key=lambda t: (-t[0], t[1]))
        floor = window[-1][0] if window else 0.0
        ranked = window + [(min(score, floor), key) for score, key in ranked[RESCORE_WINDOW:]]
        page = ranked[start:stop]
        articles = self.get_many([key for _, key in page])
        return Found(total=int(answer["hits"]["total"]["value"]),
                     hits=[(articles[key], score) for score, key in page if key in articles],
                     facets=self._facets_of(answer, body["query"], facets),
                     max_score=window[0][0] if window else 0.0)

    def _facets_of(self, answer: dict[str, Any], query: dict[str, Any],
                   facets: Sequence[str]) -> dict[str, dict[str, int]]:
        counts = {}
        for name in facets:
            agg = answer["aggregations"][name]
            buckets = agg["buckets"] if not agg.get("sum_other_doc_count") else self._all_values(query, name)
            counts[name] = self._facet(buckets)
        return counts

    def _all_values(self, query: dict[str, Any], name: str) -> list[dict[str, Any]]:
        """Every value of facet ``name`` over the matches of ``query`` (a composite aggregation, paged)."""
        out: list[dict[str, Any]] = []
        after: dict[str, Any] | None = None
        while True:
            composite: dict[str, Any] = {"size": FACET_VALUES,
                                         "sources": [{"v": {"terms": {"field": _FACET_FIELDS[name]}}}]}
            if after is not None:
                composite["after"] = after
            agg = self._search({"query": query, "size": 0, "track_total_hits": False,
                                "aggs": {"all": {"composite": composite}}})["aggregations"]["all"]
            out += [{"key": b["key"]["v"], "doc_count": b["doc_count"]} for b in agg["buckets"]]
            after = agg.get("after_key")
            if not agg["buckets"] or after is None:
                return out

    def _facet(self, buckets: list[dict[str, Any]]) -> dict[str, int]:
        """Counts per value; values that fold alike are one, shown as their most frequent spelling."""
        groups: dict[str, Counter[str]] = {}
        for b in buckets:
            text = str(b["key"])
            if text:
                groups.setdefault(self.folding.key(text).strip(), Counter())[text] += int(b["doc_count"])
        merged = {min(v, key=lambda t: (-v[t], t)): sum(v.values()) for v in groups.values()}
        return dict(sorted(merged.items(), key=lambda kv: (-kv[1], kv[0])))

    def _deep(self, query: dict[str, Any], sort: str, start: int, stop: int) -> list[dict[str, Any]]:
        """Hits ``start:stop`` of ``query`` read through a point in time."""
        out: list[dict[str, Any]] = []
        seen = 0
        for hit in self._scan(query, dsl.sort_clause(sort), page=WINDOW, limit=stop):
            if seen >= start:
                out.append(hit)
            seen += 1
        return out

    def _scan(self, query: dict[str, Any], sort: list[Any], *, source: bool | list[str] = True,
              page: int = _STREAM_PAGE, limit: int | None = None) -> Iterator[dict[str, Any]]:
        """Every hit of ``query`` in ``sort`` order, through a point in time and search_after."""
        pit = self._call(self.client.create_pit, index=self.name, params={"keep_alive": _KEEP_ALIVE})["pit_id"]
        try:
            after: list[Any] | None = None
            left = limit
            while left is None or left > 0:
                size = page if left is None else min(page, left)
                body: dict[str, Any] = {"query": query, "sort": sort, "size": size, "track_total_hits": False,
                                        "track_scores": True,
                                        "_source": _SOURCE if source is True else source,
                                        "pit": {"id": pit, "keep_alive": _KEEP_ALIVE}}
                if after is not None:
                    body["search_after"] = after
                hits = self._search(body)["hits"]["hits"]
                yield from hits
                if len(hits) < size:
                    return
                after = hits[-1]["sort"]
                if left is not None:
                    left -= len(hits)
        finally:
            try:
                self.client.delete_pit(body={"pit_id": [pit]})
            except Exception:  # an unreleased point in time expires by itself
                pass

    def iter_matches(self, plan: Plan, *, sort: str) -> Iterator[Article]:
        for hit in self._scan(self._query_of(plan), dsl.sort_clause(sort)):
            yield from_source(hit["_source"])

    def ranked_signatures(self, plan: Plan, *, sort: str) -> list[tuple[str, float, bytes]]:
        out = []
        for hit in self._scan(self._query_of(plan), dsl.sort_clause(sort), source=["repost"], page=WINDOW):
            article_id, sig = signed_hit(hit)
            out.append((article_id, float(hit.get("_score") or 0.0), sig))
        return out

    def band_holders(self, keys: Sequence[str]) -> list[tuple[str, bytes]]:
        if not keys:
            return []
        query = {"terms": {"lsh": list(keys)}}
        return [signed_hit(hit) for hit in self._scan(query, [{"id": "asc"}], source=["repost"])]

    def terms(self) -> Terms:
        return Terms(self._search, self._count_query, self.folding, self._msearch)

    def _msearch(self, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        lines: list[dict[str, Any]] = []
        for body in bodies:
            lines += [{}, body]
        answer = self._call(self.client.msearch, index=self.name, body=lines)
        for one in answer["responses"]:
            if "error" in one:
                raise ClusterError(self.location, str(one["error"]))
        return list(answer["responses"])

    def _count_query(self, query: dict[str, Any] | None) -> int:
        body = {"query": query} if query is not None else None
        return int(self._call(self.client.count, index=self.name, body=body)["count"])

    def stats(self) -> dict[str, Any]:
        info = self._call(self.client.indices.stats, index=self.name, params={"metric": "store,docs,segments"})
        concrete = next(iter(info["indices"]))
        health = self._call(self.client.cluster.health)
        shards = self._call(self.client.cat.shards, index=concrete, params={"format": "json"})
        primaries = info["indices"][concrete]["primaries"]
        return {"engine": "opensearch", "index": concrete, "bytes": int(primaries["store"]["size_in_bytes"]),
                "segments": int(primaries["segments"]["count"]),
                "shards": len({s["shard"] for s in shards}), "copies": len(shards),
                "nodes": int(health["number_of_nodes"]), "health": health["status"]}

    # ------------------------------------------------------------ writing

    def write_lock(self) -> AbstractContextManager[None]:
        return write_lock(self.client, self.cluster.index, self.location, self.lock_timeout)

    def chunk_writer(self, workers: int) -> BulkWriter:
        writer = BulkWriter(self.client, self.name, self.location, self.profile, self.folding,
                            on_close=self._end_fresh, signed=self.signed)
        writer.refresh()  # what an interrupted ingest left unrefreshed counts too
        if self.count() == 0:
            self._fresh = writer
        return writer

    def _end_fresh(self) -> None:
        self._fresh = None

    def delete(self, article_id: str) -> bool:
        answer = self._call(self.client.delete, index=self.name, id=article_id,
                            params={"ignore": 404, "refresh": "true"})
        return answer.get("result") == "deleted"

    def rebuild(self, profile: SegmenterProfile,
                fill: Callable[[Any], IngestReport]) -> IngestReport:
        old = self._concrete()
        concrete = _new_index(self.client, self.cluster, profile, SCRIPT.version)
        new = OpenSearchBackend(self.cluster, self.client, concrete, _meta_of(profile, SCRIPT.version),
                                self.lock_timeout, owns_client=False)
        try:
            report = fill(new)
        except BaseException:
            self._call(self.client.indices.delete, index=concrete, params={"ignore": 404})
            raise
        swap = [{"add": {"index": concrete, "alias": self.cluster.index}}]
        swap.append({"remove_index": {"index": old}})
        self._call(self.client.indices.update_aliases, body={"actions": swap})
        self.profile, self.folding = new.profile, new.folding
        self.signed = True
        return report

    def _concrete(self) -> str:
        """The concrete index behind the alias (or the index of that name)."""
        found = self._call(self.client.indices.get, index=self.cluster.index)
        return str(next(iter(found)))

    def backup(self, dest: str | os.PathLike[str]) -> None:
        raise UsageError("an OpenSearch index is backed up with the cluster's snapshots "
                         "(PUT _snapshot/<repository>/<snapshot>), not copied to a folder")

    # ------------------------------------------------------------ analysis record

    def read_meta(self) -> dict[str, Any] | None:
        meta = _read_mapping_meta(self.client, self.name, self.location) or {}
        record = meta.get("searchlib")
        return dict(record) if record else None

    def write_meta(self, meta: dict[str, Any]) -> None:
        current = _read_mapping_meta(self.client, self.name, self.location) or {}
        self._call(self.client.indices.put_mapping, index=self.name,
                   body={"_meta": {**current, "searchlib": meta}})


def _meta_of(profile: SegmenterProfile, folding: str) -> dict[str, Any]:
    return {"profile": _profile_record(profile), "folding": folding}


def _new_index(client: Any, cluster: Cluster, profile: SegmenterProfile, folding: str) -> str:
    """Create a concrete index for alias ``cluster.index``; its name."""
    name = f"{cluster.index}--{time.strftime('%Y%m%d%H%M%S')}-{os.urandom(3).hex()}"
    body = index_body(cluster.shards, 0 if cluster.replicas is None else cluster.replicas,
                      _meta_of(profile, folding))
    if cluster.replicas is None:
        body["settings"]["index"].pop("number_of_replicas")
        body["settings"]["index"]["auto_expand_replicas"] = "0-2"
    call(cluster.location, client.indices.create, index=name, body=body,
         params={"wait_for_active_shards": "1"})
    return name


def _add_vocabulary(client: Any, name: str, location: str) -> None:
    """Give an index made before completion its vocabulary fields (articles
    written since fill them; a rebuild fills them for all)."""
    found = call(location, client.indices.get_mapping, index=name)
    properties = next(iter(found.values()))["mappings"].get("properties", {})
    if not all(f in properties for f in VOCAB_MAPPING):
        call(location, client.indices.put_mapping, index=name, body={"properties": VOCAB_MAPPING})


def _read_mapping_meta(client: Any, name: str, location: str) -> dict[str, Any] | None:
    """The ``_meta`` of the index (or the alias's index) ``name``; None if there is none."""
    found = call(location, client.indices.get_mapping, index=name, params={"ignore": 404})
    if not found or "error" in found or found.get("status") == 404:
        return None
    mapping = next(iter(found.values()))["mappings"]
    return dict(mapping.get("_meta") or {})
