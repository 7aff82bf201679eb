"""What every backend must do, stated once and run on each (see conftest.BACKENDS).

The tests drive a backend through NewsIndex, as users do, and call the
Backend protocol directly where NewsIndex hides a part of it.
"""

from __future__ import annotations

import datetime as dt

import pytest

import searchlib
from searchlib import contains as text_contains
from searchlib.ingest.identity import content_digest
from searchlib.plan import plan_related, plan_search
from searchlib.query import parse_query

from ..conftest import HANS, read_jsonl
from ..reposts_oracle import edited, expected_collapse, near_ids

ROWS = read_jsonl(HANS)[:60]


def contains(row, text):
    return text_contains(row["title"], text) or text_contains(row["content"], text)


@pytest.fixture
def loaded(make_index):
    ix = make_index()
    rows = [dict(r, source=["总统府", "總統府", "中央社"][i % 3], category=["时政", "经济"][i % 2])
            for i, r in enumerate(ROWS)]
    rows[5].pop("date")
    report = ix.add(rows)
    assert report.added == len(rows) and not report.failed
    return ix, rows


def test_an_empty_index(make_index):
    ix = make_index()
    assert ix.count() == 0 and ix.ids() == [] and ix.get("x") is None
    res = ix.search("总统", facets=("source",))
    assert res.total == 0 and res.hits == [] and res.facets == {"source": {}}
    info = ix.stats()
    assert info["articles"] == 0 and info["first_date"] is None


def test_articles_round_trip_every_field(make_index):
    ix = make_index()
    a = searchlib.Article(id="x1", title="标题", body="正文。\n\n第二段。", date=dt.datetime(2017, 2, 10, 0, 33),
                          source="江城日报", author="彭亚娟", editor="李波", url="https://e.x/1",
                          category="时政", tags=("援疆", "吉林"), contributors=("张三",))
    ix.add([a])
    assert ix.get("x1") == a and ix.ids() == ["x1"] and ix.count() == 1
    assert ix.backend.holders(content_digest(a)) == ["x1"]
    assert ix.backend.holders("0" * 20) == []


@pytest.mark.parametrize("query", ["总统", "经济发展", '"中华民国"', "两岸 OR 大陆", "总统 -经济",
                                   "title:总统", "國家", "台湾 民主"])
def test_searches_find_exactly_the_articles_that_hold_the_text(loaded, query):
    ix, rows = loaded
    res = ix.search(query, limit=100)
    terms = query.replace('"', "").split()
    if "OR" in terms:
        expected = {str(r["id"]) for r in rows if contains(r, terms[0]) or contains(r, terms[2])}
    elif any(t.startswith("-") for t in terms):
        expected = {str(r["id"]) for r in rows if contains(r, terms[0]) and not contains(r, terms[1][1:])}
    elif terms[0].startswith("title:"):
        expected = {str(r["id"]) for r in rows if text_contains(r["title"], terms[0][6:])}
    else:
        expected = {str(r["id"]) for r in rows if all(contains(r, t) for t in terms)}
    assert {h.id for h in res.hits} == expected and res.total == len(expected)


def test_filters_facets_sorts_and_pages(loaded):
    ix, rows = loaded
    everything = ix.search("总统", limit=100)
    res = ix.search("总统", limit=100, source="總統府", facets=("source", "category", "year"))
    expected = {str(r["id"]) for i, r in enumerate(rows) if contains(r, "总统") and i % 3 < 2}
    assert {h.id for h in res.hits} == expected
    assert res.facets["source"] == {"总统府": len(expected)}
    assert sum(res.facets["category"].values()) == len(expected)
    newest = ix.search("总统", limit=100, sort="newest")
    dates = [h.article.date for h in newest.hits]
    dated = [d for d in dates if d is not None]
    assert dated == sorted(dated, reverse=True) and dates[len(dated):] == [None] * (len(dates) - len(dated))
    pages = [h.id for p in (1, 2, 3) for h in ix.search("总统", limit=4, page=p).hits]
    assert pages == [h.id for h in everything.hits[:12]]
    within = ix.search("总统", date_from="2010-01-01", date_to="2015-12-31", limit=100)
    assert all(dt.date(2010, 1, 1) <= h.article.date.date() if isinstance(h.article.date, dt.datetime)
               else dt.date(2010, 1, 1) <= h.article.date for h in within.hits)


def test_a_plain_question_falls_back_to_partial_matches_and_explicit_queries_do_not(loaded):
    ix, _ = loaded
    res = ix.search("总统 半导体 晶圆代工 冥王星")
    assert res.relaxed and res.total > 0
    assert ix.search("总统 AND 半导体 AND 冥王星").total == 0


def test_updates_and_deletes_are_seen_by_every_search(loaded):
    ix, rows = loaded
    first = str(rows[0]["id"])
    ix.add([dict(rows[0], content=rows[0]["content"] + "独一无二的更正文字。")])
    assert [h.id for h in ix.search("独一无二的更正").hits] == [first]
    assert ix.delete(first) is True and ix.delete(first) is False
    assert ix.get(first) is None and ix.count() == len(rows) - 1
    assert ix.search("独一无二的更正").total == 0
    assert first not in {h.id for h in ix.search("-冥王星", limit=1000).hits}


def test_every_match_streams_in_order(loaded):
    ix, rows = loaded
    plan = plan_search(parse_query("总统"), [], ix.profile)
    streamed = [a.id for a in ix.backend.iter_matches(plan, sort="oldest")]
    assert streamed == [h.id for h in ix.search("总统", limit=1000, sort="oldest").hits]


def test_related_articles_exclude_the_article_itself(loaded):
    ix, rows = loaded
    article_id = str(rows[3]["id"])
    related = ix.more_like_this(article_id, limit=5)
    assert related.total > 0 and article_id not in {h.id for h in related.hits}
    plan = plan_related([("总统", 1.0)], exclude=article_id)
    found = ix.backend.search(plan, sort="relevance", start=0, stop=1000)
    assert article_id not in {a.id for a, _ in found.hits}


def test_term_statistics(loaded):
    ix, rows = loaded
    terms = ix.backend.terms()
    assert terms.doc_count() == len(rows)
    assert terms.text_frequency("总统") == sum(contains(r, "总统") for r in rows)
    assert terms.word_frequency("总统") > 0 and terms.word_frequency("冥王星") == 0
    after = terms.next_chars("总")
    assert "统" in after and after["统"] >= terms.text_frequency("总统") // 2
    assert terms.has_pair("总统") and not terms.has_pair("冥王")
    example = terms.example("总统")
    assert example is not None and contains({"title": example.title, "content": example.body}, "总统")


def test_many_articles_are_read_at_once_as_one_at_a_time(loaded):
    ix, rows = loaded
    ids = [str(r["id"]) for r in rows[:7]] + ["no-such-article", str(rows[0]["id"])]
    found = ix.backend.get_many(ids)
    assert set(found) == {str(r["id"]) for r in rows[:7]}
    assert all(found[key] == ix.get(key) for key in found)
    assert ix.backend.get_many([]) == {}


def test_a_second_ingest_of_the_same_records_changes_nothing_and_updates_what_changed(loaded):
    ix, rows = loaded
    again = [dict(r) for r in rows]
    again[2]["title"] = again[2]["title"] + "（更正）"
    report = ix.add(again)
    assert (report.added, report.updated, report.unchanged) == (0, 1, len(rows) - 1)
    assert ix.get(str(rows[2]["id"])).title.endswith("（更正）")


def test_batched_term_statistics_agree_with_one_at_a_time(loaded):
    ix, rows = loaded
    words = ["总统", "冥王星", "经济", "台湾", "总统", "的"]
    texts = ["总统府", "冥王", "经", "国家安全", "总统府"]
    fresh = ix.backend.terms()
    assert fresh.word_frequencies(words) == {w: ix.backend.terms().word_frequency(w) for w in words}
    assert fresh.text_frequencies(texts) == {t: sum(contains(r, t) for r in rows) for t in texts}
    assert fresh.text_frequencies([]) == {} and fresh.word_frequencies([]) == {}


def test_the_write_lock_excludes_a_second_writer(make_index, tmp_path):
    if make_index.kind == "whoosh-memory":
        pytest.skip("an index in memory has one NewsIndex")
    ix = make_index()
    other = searchlib.open_index(ix.path, lock_timeout=0.2)
    try:
        with ix._writing():
            with pytest.raises(searchlib.IndexLockedError):
                other.add([{"id": "a", "title": "t", "body": "b"}])
    finally:
        other.close()


def test_rebuild_keeps_every_article_and_the_analysis_record(loaded):
    ix, rows = loaded
    before = sorted(ix.ids())
    report = ix.rebuild(user_words=["中华民国政府"])
    assert report.added == len(rows) and sorted(ix.ids()) == before
    assert ix.profile.user_words == (("中华民国政府", None),)
    assert ix.backend.read_meta()["user_words"] == 1
    assert ix.search('"中华民国"').total == sum(contains(r, "中华民国") for r in rows)


def _vocabulary(rows, prefix):
    """word -> (titles, bodies) holding it, counted from the rows themselves."""
    from searchlib.analysis import SCRIPT, SegmenterProfile, word_spans

    out: dict[str, list[int]] = {}
    for r in rows:
        for i, text in enumerate((r["title"], r["content"])):
            for w in {w for w, _, _ in word_spans(text, SegmenterProfile(), SCRIPT)}:
                if w.startswith(prefix) and any(ch.isalnum() for ch in w):
                    out.setdefault(w, [0, 0])[i] += 1
    return {w: tuple(c) for w, c in out.items()}


def test_the_vocabulary_counts_articles_exactly(loaded):
    ix, rows = loaded
    for prefix in ("总", "台湾", "2"):
        got = {w: (t, b) for w, t, b in ix.backend.terms().iter_words(prefix)}
        assert got == _vocabulary(rows, prefix) and got, prefix
    before = ix.backend.terms().state()
    assert ix.backend.terms().state() == before  # nothing changed
    gone = [r["id"] for r in rows[::4]]
    for article_id in gone:
        ix.delete(article_id)
    live = [r for r in rows if r["id"] not in gone]
    assert ix.backend.terms().state() != before
    assert {w: (t, b) for w, t, b in ix.backend.terms().iter_words("总")} == _vocabulary(live, "总")
    everything = {w: (t, b) for w, t, b in ix.backend.terms().iter_words("")}
    assert everything == _vocabulary(live, "")


def test_completion_and_pinyin_behave_alike(loaded):
    from ..test_complete import expected

    ix, rows = loaded
    got = ix.complete("总", n=10)
    assert [ix.backend.folding.word_form(c) for c in got] == expected(rows, "总", 10)
    assert ix.complete("總統", n=5) == ix.complete("总统", n=5) and got[0] == "总统"
    assert ix.complete("台湾 经", n=3) == ["台湾 " + c for c in ix.complete("经", n=3)]
    assert ix.complete("") == [] and ix.complete("zzqqxx") == []
    res = ix.search("zongtong")
    assert res.pinyin == {"zongtong": ("总统",)} and res.total == ix.search("总统").total
    assert ix.search("pinyin:ztf").pinyin == {"ztf": ("总统府",)}
    assert ix.search("总统").pinyin == {}
# ------------------------------------------------------------------ reposts

REPOST_KINDS = ["headline", "credit", "drop", "paragraph", "headline+credit+drop+paragraph"]


@pytest.fixture
def reposted(make_index):
    """60 articles plus edited copies of three of them."""
    ix = make_index()
    originals = [ROWS[3], ROWS[10], ROWS[20]]
    copies = [edited(r, kind) for r in originals for kind in REPOST_KINDS]
    report = ix.add(ROWS + copies)
    assert report.added == len(ROWS) + len(copies) and not report.failed
    articles = {a.id: a for a in (ix.get(i) for i in ix.ids())}
    return ix, originals, articles


def test_similar_lists_the_edited_copies_of_an_article(reposted):
    ix, originals, articles = reposted
    for row in originals:
        res = ix.similar(row["id"], limit=100)
        ids = {h.id for h in res.hits}
        assert {f"{row['id']}-{kind}" for kind in REPOST_KINDS} <= ids
        assert ids == near_ids(articles, str(row["id"])) and res.total == len(ids)
        assert str(row["id"]) not in ids
        assert [h.score for h in res.hits] == sorted((h.score for h in res.hits), reverse=True)
        assert all(0.5 <= h.score <= 1.0 and h.duplicates == 0 for h in res.hits)
        copy = f"{row['id']}-credit"
        assert str(row["id"]) in {h.id for h in ix.similar(copy, limit=100).hits}
    with pytest.raises(searchlib.ArticleNotFoundError):
        ix.similar("no-such-article")


@pytest.mark.parametrize("query,sort", [("总统", "relevance"), ("总统", "oldest"), ("-冥王星", "newest")])
def test_collapse_shows_one_hit_per_cluster_and_counts_the_others(reposted, query, sort):
    ix, originals, articles = reposted
    everything = ix.search(query, limit=1000, sort=sort)
    collapsed = ix.search(query, limit=1000, sort=sort, collapse=True)
    expected = expected_collapse([h.id for h in everything.hits], articles)
    assert [(h.id, h.duplicates) for h in collapsed.hits] == expected
    assert collapsed.total == len(expected) < everything.total
    assert sum(1 + h.duplicates for h in collapsed.hits) == everything.total
    assert all(h.duplicates == 0 for h in everything.hits)
    assert collapsed.hits[0].to_dict()["duplicates"] == collapsed.hits[0].duplicates
    assert [h.rank for h in collapsed.hits] == list(range(1, len(collapsed.hits) + 1))
    pages = [(h.id, h.duplicates) for p in (1, 2, 3) for h in
             ix.search(query, limit=7, page=p, sort=sort, collapse=True).hits]
    assert pages == expected[:21]


def test_clusters_follow_updates_and_deletes(reposted):
    ix, originals, articles = reposted
    row = originals[0]
    original, copy = str(row["id"]), f"{row['id']}-credit"
    unrelated = ROWS[40]
    ix.add([{"id": copy, "title": unrelated["title"], "content": unrelated["content"]}])
    assert copy not in {h.id for h in ix.similar(original, limit=100).hits}
    assert str(unrelated["id"]) in {h.id for h in ix.similar(copy, limit=100).hits}
    assert ix.delete(original) is True
    left = {a.id: a for a in (ix.get(i) for i in ix.ids())}
    for kind in ("headline", "drop"):
        article_id = f"{row['id']}-{kind}"
        assert {h.id for h in ix.similar(article_id, limit=100).hits} == near_ids(left, article_id)
    order = [h.id for h in ix.search("总统", limit=1000).hits]
    assert [(h.id, h.duplicates) for h in ix.search("总统", limit=1000, collapse=True).hits] == \
        expected_collapse(order, left)


def test_bad_collapse_values_are_usage_errors(reposted):
    ix, _, _ = reposted
    with pytest.raises(searchlib.UsageError):
        ix.search("总统", collapse="yes")
    with pytest.raises(searchlib.UsageError):
        ix.similar("3272", limit=0)


# ---------------------------------------------------------------- synonyms

CHINA = ["大陆", "中共", "中國大陸"]  # a traditional member: found as the index folds it
LEE = ["李登辉", "李总统"]


def test_synonyms_find_any_member_exactly_and_quotes_stay_exact(loaded):
    ix, rows = loaded

    def holding(*texts):
        return {str(r["id"]) for r in rows if any(contains(r, t) for t in texts)}

    def found(q):
        res = ix.search(q, limit=100, snippets=1)
        assert not res.relaxed and res.total == len(res.hits)
        return {h.id for h in res.hits}, res

    assert ix.set_synonyms([CHINA, LEE]) == [CHINA, LEE] and ix.synonyms() == [CHINA, LEE]
    for member in CHINA + LEE:
        group = CHINA if member in CHINA else LEE
        assert found(member)[0] == holding(*group)
    assert holding(*LEE) != holding("李登辉") and holding(*CHINA) != holding("中共")
    assert found('"中共"')[0] == holding("中共")
    assert found("大陆当局")[0] == holding("大陆当局", "中共当局", "中國大陸当局")
    assert found("两岸 -中共")[0] == holding("两岸") - holding(*CHINA)
    ids, res = found("李登辉")
    marked = {m for h in res.hits for s in h.snippets for m in s.matches}
    assert "李总统" in marked
    streamed = {a.id for a in ix.iter_search("李登辉")}
    assert streamed == holding(*LEE)
    ix.rebuild()
    assert ix.synonyms() == [CHINA, LEE] and found("李登辉")[0] == holding(*LEE)
    ix.set_synonyms([])
    assert ix.synonyms() == [] and found("李登辉")[0] == holding("李登辉")


def test_another_reader_uses_new_synonyms_at_its_next_search(make_index):
    if make_index.kind == "whoosh-memory":
        pytest.skip("an index in memory has one NewsIndex")
    ix = make_index()
    ix.add([dict(r, id=str(r["id"])) for r in ROWS])
    other = searchlib.open_index(ix.path)
    try:
        lee = {str(r["id"]) for r in ROWS if contains(r, "李登辉")}
        both = {str(r["id"]) for r in ROWS if contains(r, "李登辉") or contains(r, "李总统")}
        assert {h.id for h in other.search("李登辉", limit=100).hits} == lee != both
        ix.set_synonyms([LEE])
        assert other.synonyms() == [LEE]
        assert {h.id for h in other.search("李登辉", limit=100).hits} == both
    finally:
        other.close()


def test_questions_and_partial_matches_count_any_member_as_the_word(loaded):
    ix, rows = loaded

    def holding(*texts):
        return {str(r["id"]) for r in rows if any(contains(r, t) for t in texts)}

    def found(q):
        res = ix.search(q, limit=100)
        return {h.id for h in res.hits}, res

    question, partial = "李登辉的职务是什么？", "李登辉 冥王星"  # topical words: 李登辉 职务; 李登辉 冥王星
    assert found(question)[0] == holding("李登辉", "职务")
    assert found(partial)[0] == holding("李登辉", "冥王星")
    ix.set_synonyms([LEE])
    assert found(question)[0] == holding("李登辉", "李总统", "职务") != holding("李登辉", "职务")
    ids, res = found(partial)
    assert res.relaxed and ids == holding("李登辉", "李总统")
    assert any("李总统" in s.matches for h in res.hits for s in h.snippets)
    ix.set_synonyms([])
