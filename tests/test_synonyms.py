"""Synonym groups (searchlib/synonyms.py): validation, files, query-time expansion on
real news, persistence, other readers, the `searchlib synonyms` command."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import searchlib
from searchlib import contains
from searchlib.cli import main
from searchlib.synonyms import MAX_MEMBER_CHARS, parse_synonyms, read_synonyms

from .conftest import HANS, ROOT, SAMPLES, read_jsonl

ROWS = read_jsonl(HANS)
CHINA = ["大陆", "中共", "中國大陸"]          # a traditional member, folded as the index folds it
LEE = ["李登辉", "李总统"]
USA = ["美国", "美方"]


def holding(*texts: str) -> set[str]:
    return {str(r["id"]) for r in ROWS
            if any(contains(r["title"], t) or contains(r["content"], t) for t in texts)}


def found(ix: searchlib.NewsIndex, q: str, **kw) -> set[str]:
    res = ix.search(q, limit=1000, snippets=0, **kw)
    assert not res.relaxed and res.total == len(res.hits)
    return {h.id for h in res.hits}


@pytest.fixture(scope="module")
def news() -> searchlib.NewsIndex:
    with searchlib.open_index(None) as ix:
        assert ix.ingest([HANS]).added == 120
        yield ix


@pytest.fixture
def ix(news):
    news.set_synonyms([CHINA, LEE, USA])
    yield news
    news.set_synonyms([])


# ---------------------------------------------------------------- matching


@pytest.mark.parametrize("member", CHINA + LEE)
def test_a_member_finds_the_articles_holding_any_member_of_its_group(ix, member):
    group = next(g for g in (CHINA, LEE, USA) if member in g)
    expected = holding(*group)
    assert found(ix, member) == expected
    assert expected > holding(member)  # each member adds articles of its own


def test_without_synonyms_a_term_finds_only_its_own_text(news):
    news.set_synonyms([])
    assert found(news, "李总统") == holding("李总统")


def test_quotes_mean_exactly_the_quoted_text(ix):
    assert found(ix, '"中共"') == holding("中共")
    assert found(ix, '"李登辉"') == holding("李登辉")


def test_a_term_holding_a_member_as_whole_words_finds_every_member_in_its_place(ix):
    # 大陆当局 is cut 大陆 | 当局: the member 大陆 is replaced by each member
    assert found(ix, "大陆当局") == holding("大陆当局", "中共当局", "中國大陸当局") > holding("大陆当局")
    # 李总统登辉 is cut 李总统 | 登辉
    assert found(ix, "李总统登辉") == holding("李总统登辉", "李登辉登辉")


def test_a_member_inside_a_word_is_left_alone(ix):
    # jieba cuts 美国政府 as one word: the 美国 inside it is not a term of its own
    assert found(ix, "美国政府") == holding("美国政府")


def test_synonyms_apply_under_or_not_and_fields(ix):
    assert found(ix, "李总统 OR 两岸") == holding(*LEE) | holding("两岸")
    both = {i for i in holding("两岸") if i in holding(*CHINA)}
    assert found(ix, "两岸 中共") == both
    assert found(ix, "两岸 -中共") == holding("两岸") - holding(*CHINA)
    titles = {str(r["id"]) for r in ROWS if any(contains(r["title"], m) for m in LEE)}
    assert found(ix, "title:李登辉") == titles


def test_the_member_found_is_highlighted(ix):
    res = ix.search("李登辉", limit=100)
    marked = {text for h in res.hits for s in h.snippets for text in s.matches}
    if any(h.title for h in res.hits):
        marked |= {text for h in res.hits if h.title for text in h.title.matches}
    assert {"李总统", "李登辉"} <= marked
    # a hit holding only 李总统 is marked there, not left bare
    only = holding("李总统") - holding("李登辉")
    for h in res.hits:
        if h.id in only:
            assert all(set(s.matches) <= {"李总统"} for s in h.snippets)
            assert any(s.matches for s in h.snippets)


def test_the_member_found_ranks_as_its_own_text(ix):
    res = ix.search("中國大陸", limit=100, snippets=0)
    plain = ix.search('"中國大陸" OR "大陆" OR "中共"', limit=100, snippets=0)
    assert [h.id for h in res.hits] == [h.id for h in plain.hits]


def test_iter_search_and_filters_use_the_synonyms_too(ix):
    streamed = [a.id for a in ix.iter_search("李总统", sort="oldest")]
    assert set(streamed) == holding(*LEE)
    kw = {"date_from": "1995-01-01", "date_to": "1999-12-31"}
    dated = {str(r["id"]) for r in ROWS if "1995" <= r["date"][:4] <= "1999"}
    assert found(ix, "李登辉", **kw) == holding(*LEE) & dated


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize("groups, words", [
    ({"新冠": ["COVID-19"]}, "list of groups"),
    ("no-such-file.txt", "for a file, give a pathlib.Path"),  # text is never a file's name
    ([["新冠"]], "one member"),
    ([[]], "no member"),
    ([["新冠", 19]], "must be text"),
    ([["新冠", None]], "must be text"),
    (["新冠"], "must be a list of terms"),
    ([["新冠", " "]], "empty member"),
    ([["新冠", "新冠"]], "same term"),
    ([["新冠", "新冠"], ["x", "y"]], "same term"),
    ([["新冠", "COVID-19"], ["covid-19", "武汉肺炎"]], "merge the two groups"),
    ([["新冠", "新冠 肺炎"]], "has a space"),
    ([["新冠", "title:新冠"]], "not one search term"),
    ([["新冠", '"新冠"']], "not one search term"),
    ([["新冠", "-新冠病毒"]], "not one search term"),
    ([["新冠", "OR"]], "not one search term"),
    ([["新冠", "!!"]], "no letter"),
    ([["新冠", "字" * (MAX_MEMBER_CHARS + 1)]], "limit"),
])
def test_invalid_groups_are_refused_with_a_clear_usage_error(news, groups, words):
    news.set_synonyms([LEE])
    with pytest.raises(searchlib.UsageError, match=re.escape(words)):
        news.set_synonyms(groups)
    assert news.synonyms() == [LEE]  # nothing changed
    news.set_synonyms([])


def test_groups_are_stored_tidied_and_cleared(news):
    assert news.set_synonyms([[" 新冠 ", "COVID-19"], ("大陆", "中共")]) == [["新冠", "COVID-19"],
                                                                          ["大陆", "中共"]]
    assert news.synonyms() == [["新冠", "COVID-19"], ["大陆", "中共"]]
    assert news.set_synonyms([]) == [] and news.synonyms() == []


# ---------------------------------------------------------------- files


def test_a_synonyms_file_one_group_a_line(tmp_path, news):
    path = tmp_path / "synonyms.txt"
    path.write_text("\ufeff# 疫情\n新冠, 武汉肺炎 ,COVID-19\n\n大陆，中共、中國大陸\n李登辉 李总统\n",
                    encoding="utf-8")
    groups = [["新冠", "武汉肺炎", "COVID-19"], CHINA, LEE]
    assert read_synonyms(path) == groups
    assert news.set_synonyms(path) == groups
    assert found(news, "李登辉") == holding(*LEE)
    news.set_synonyms([])


@pytest.mark.parametrize("text, words", [
    ("新冠, COVID-19\n大陆\n", "synonyms.txt:2 has one member"),
    ("新冠 => COVID-19\n", "synonyms.txt:1: one-way mappings"),
    ("新冠, COVID-19\n# x\ncovid-19, 武汉肺炎\n", "on synonyms.txt:3: 'covid-19' is also in on "
                                               "synonyms.txt:1"),
])
def test_a_bad_line_is_named(tmp_path, text, words):
    path = tmp_path / "synonyms.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(searchlib.UsageError) as err:
        read_synonyms(path)
    assert words.split(":")[-1].strip() in str(err.value) and str(path) in str(err.value)


def test_unreadable_files_are_usage_errors(tmp_path):
    with pytest.raises(searchlib.UsageError, match="cannot read"):
        read_synonyms(tmp_path / "missing.txt")
    (tmp_path / "gbk.txt").write_bytes("新冠,武汉肺炎\n".encode("gbk"))
    with pytest.raises(searchlib.UsageError, match="not UTF-8"):
        read_synonyms(tmp_path / "gbk.txt")
    assert parse_synonyms("a b\n") == [["a", "b"]]


# ---------------------------------------------------------------- kept in the index


def test_synonyms_survive_reopen_rebuild_and_backup_and_other_readers_see_them(tmp_path):
    path = tmp_path / "ix"
    rows = [{"id": str(r["id"]), "title": r["title"], "body": r["content"]} for r in ROWS[:60]]
    sub = {str(r["id"]) for r in ROWS[:60]}
    with searchlib.open_index(path, create=True) as writer, searchlib.open_index(path) as reader:
        writer.add(rows)
        assert found(reader, "李登辉") == holding("李登辉") & sub
        writer.set_synonyms([LEE])
        # the other reader, open all along, uses them at its next search
        assert reader.synonyms() == [LEE]
        assert found(reader, "李登辉") == holding(*LEE) & sub != holding("李登辉") & sub
        writer.rebuild()
        assert writer.synonyms() == [LEE] and found(reader, "李登辉") == holding(*LEE) & sub
        writer.backup(tmp_path / "copy")
        writer.set_synonyms([])
        assert found(reader, "李登辉") == holding("李登辉") & sub
    with searchlib.open_index(tmp_path / "copy") as copy:
        assert copy.synonyms() == [LEE] and found(copy, "李总统") == holding(*LEE) & sub


# ---------------------------------------------------------------- the command


def test_the_synonyms_command_sets_shows_and_clears(tmp_path, capsys, monkeypatch):
    import io

    path = tmp_path / "ix"
    with searchlib.open_index(path, create=True) as ix:
        ix.add([{"id": str(r["id"]), "title": r["title"], "body": r["content"]} for r in ROWS[:30]])
    file = tmp_path / "syn.txt"
    file.write_text("李登辉, 李总统\n大陆 中共\n", encoding="utf-8")
    assert main(["synonyms", "--index", str(path), str(file)]) == 0
    assert "2 synonym groups set" in capsys.readouterr().err
    assert main(["synonyms", "--index", str(path)]) == 0
    assert capsys.readouterr().out == "李登辉, 李总统\n大陆, 中共\n"
    monkeypatch.setattr("sys.stdin", io.StringIO("新冠，COVID-19\n"))
    assert main(["synonyms", "--index", str(path), "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [["新冠", "COVID-19"]]
    assert main(["synonyms", "--index", str(path), "--clear"]) == 0
    assert main(["synonyms", "--index", str(path), "--show", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    file.write_text("李登辉\n", encoding="utf-8")
    assert main(["synonyms", "--index", str(path), str(file)]) == 2
    err = capsys.readouterr().err
    assert "syn.txt:1 has one member" in err and "Traceback" not in err


def test_the_recent_news_find_covid_by_any_of_its_names():
    """The issue's example on the bundled recent news (2020s): 新冠, 武汉肺炎, COVID-19."""
    rows = read_jsonl(SAMPLES / "president_news_recent.jsonl")
    with searchlib.open_index(None) as ix:
        ix.ingest([SAMPLES / "president_news_recent.jsonl"])
        names = ["新冠", "武汉肺炎", "COVID-19"]
        ix.set_synonyms([names])
        own = {n: {str(r["id"]) for r in rows if contains(r["title"], n) or contains(r["content"], n)}
               for n in names}
        every = set().union(*own.values())
        for n in names:
            assert found(ix, n) == every
        assert every > own["新冠"] and every > own["COVID-19"]


def test_the_readme_example_runs(tmp_path):
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("### Synonyms", 1)[1]
    block = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    (tmp_path / "synonyms.txt").write_text("新冠, 武汉肺炎, COVID-19\n", encoding="utf-8")
    block = block.replace('"synonyms.txt"', repr(str(tmp_path / "synonyms.txt")))
    with searchlib.open_index(None) as ix:
        ix.add([{"id": "1", "title": "防疫", "body": "COVID-19疫情"}, {"id": "2", "title": "新冠", "body": "疫苗"}])
        from pathlib import Path
        exec(compile(block, "README.md", "exec"), {"ix": ix, "Path": Path, "searchlib": searchlib})
        assert ix.synonyms() == []


# ---------------------------------------------------------------- hostile input


any_char = st.characters(blacklist_categories=())  # surrogates and controls included
member_text = st.one_of(st.text(any_char, max_size=8),
                        st.text(st.sampled_from(list('新冠COVID-19大陆中共國"()：:OR ,\t')), max_size=8))


@pytest.fixture
def scratch(news):
    yield news
    news.set_synonyms([])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(groups=st.lists(st.lists(member_text, max_size=4), max_size=4), q=member_text)
def test_any_groups_are_stored_or_refused_and_any_query_then_answers(scratch, groups, q):
    """Random groups: stored as checked, or a UsageError; then any query gives
    results or a SearchlibError, never a crash."""
    news = scratch
    before = news.synonyms()
    try:
        stored = news.set_synonyms(groups)
    except searchlib.UsageError:
        assert news.synonyms() == before
        stored = before
    assert news.synonyms() == stored
    try:
        res = news.search(q, limit=5)
    except searchlib.SearchlibError:
        return
    assert res.total >= len(res.hits)
