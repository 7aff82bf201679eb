"""Indexes built by the first release (searchlib 0.1) keep opening and answering.

``tests/data/index_v0_1.tar.gz`` was built by that release's code from the six
shortest articles of ``president_hans_120.jsonl`` (the first with its source
written 總統府, the others 总统府) and the raw seed article, with user words
``援疆干部``, in three commits; then the second shortest was deleted. Its table
of contents pickles that release's module paths.
"""

from __future__ import annotations

import tarfile
import warnings

import pytest

import searchlib
from searchlib.analysis import CLASSES, SCRIPT

from .conftest import DATA, HANS, SEED, read_jsonl

FIXTURE = DATA / "index_v0_1.tar.gz"


@pytest.fixture
def old_index(tmp_path):
    with tarfile.open(FIXTURE) as tar:
        tar.extractall(tmp_path, filter="data")
    return tmp_path / "fixture_v01"


def source_articles():
    rows = sorted(read_jsonl(HANS), key=lambda r: len(r["content"]))[:6]
    deleted = str(rows[1]["id"])
    kept = {str(r["id"]): r["title"] + "\n" + r["content"] for r in rows if str(r["id"]) != deleted}
    seed = searchlib.ingest.parse_raw_article(SEED.read_text(encoding="utf-8"))
    kept[seed.id] = seed.title + "\n" + seed.body
    return kept, deleted


def open_quietly(path):
    with warnings.catch_warnings():
        # a newer folding table or dictionary than the one that built it is worth a
        # warning (it says how to rebuild); the index must open and answer regardless
        warnings.simplefilter("ignore", searchlib.AnalysisMismatchWarning)
        return searchlib.open_index(path)


@pytest.mark.parametrize("query", ["援疆干部", "总统", "總統", "台湾", "经济 OR 援疆", "-总统", "台", "總"])
def test_an_index_of_the_first_release_opens_and_answers(old_index, query):
    texts, deleted = source_articles()
    with open_quietly(old_index) as ix:
        # it folds as the release that built it did (画 = 划), until rebuilt
        assert ix.backend.folding is CLASSES
        fold = CLASSES.index_form
        assert sorted(ix.ids()) == sorted(texts) and ix.count() == len(texts)
        assert ix.get(deleted) is None
        assert ix.profile.user_words == (("援疆干部", None),)
        res = ix.search(query, limit=50)
        terms = [t for t in query.replace("OR", " ").split() if not t.startswith("-")]
        negated = [t[1:] for t in query.split() if t.startswith("-")]
        if "OR" in query:
            expected = {i for i, t in texts.items() if any(fold(w) in fold(t) for w in terms)}
        elif negated:
            expected = {i for i, t in texts.items() if not any(fold(w) in fold(t) for w in negated)}
        else:
            expected = {i for i, t in texts.items() if all(fold(w) in fold(t) for w in terms)}
        assert {h.id for h in res.hits} == expected and res.total == len(expected)


def test_an_index_of_the_first_release_takes_writes_and_folds_its_facets(old_index):
    texts, _ = source_articles()
    with open_quietly(old_index) as ix:
        res = ix.search("总统", facets=("source",))
        assert res.facets["source"] == {"总统府": res.total}   # 總統府 and 总统府 are one source
        ix.add([{"id": "new", "title": "新文章", "body": "援疆干部再次座谈。"}])
        assert ix.search("援疆干部").total == 2
        assert ix.delete("new") is True
        ix.rebuild()
        assert sorted(ix.ids()) == sorted(texts) and ix.backend.folding is SCRIPT
    with searchlib.open_index(old_index) as ix:    # rebuilt: no mismatch left to warn about
        assert ix.search("援疆干部").total == 1 and ix.backend.folding is SCRIPT
        assert ix.search("總統").total == ix.search("总统").total > 0


def test_reposts_on_an_index_of_the_first_release_say_to_rebuild_and_work_after(old_index):
    texts, _ = source_articles()
    first = sorted(texts)[0]
    with open_quietly(old_index) as ix:
        assert ix.search("总统").total > 0                       # plain searches are unaffected
        for call in (lambda: ix.search("总统", collapse=True), lambda: ix.similar(first)):
            with pytest.raises(searchlib.UsageError, match="rebuild"):
                call()
        ix.add([{"id": "new", "title": "新文章", "body": "援疆干部再次座谈。"}])   # writes still work
        with pytest.raises(searchlib.UsageError, match="rebuild"):
            ix.search("援疆干部", collapse=True)
        ix.rebuild()                                            # signs every article
        article = ix.get(first)
        ix.add([{"id": "copy", "title": "转载：" + article.title, "body": article.body}])
        assert [h.id for h in ix.similar(first).hits] == ["copy"]
        collapsed = ix.search("-冥王星", collapse=True, limit=100)
        assert collapsed.total == ix.count() - 1
        assert {(h.id, h.duplicates) for h in collapsed.hits if h.duplicates} in ({(first, 1)}, {("copy", 1)})


def test_a_first_release_index_records_the_newer_format_at_its_first_write_only(old_index):
    import json

    from searchlib.index import FORMAT

    meta = old_index / "searchlib.json"
    before = json.loads(meta.read_text(encoding="utf-8"))
    assert before["format"] == 1 < FORMAT
    with open_quietly(old_index) as ix:
        ix.search("总统")
    assert json.loads(meta.read_text(encoding="utf-8")) == before  # reading writes nothing
    with open_quietly(old_index) as ix:
        ix.add([{"id": "new", "title": "新文章", "body": "援疆干部再次座谈。"}])
        assert ix.search("援疆干部").total == 2
    after = json.loads(meta.read_text(encoding="utf-8"))
    assert after == {**before, "format": FORMAT}  # its analysis record kept as it was
    with open_quietly(old_index) as ix:
        assert ix.search("援疆干部").total == 2 and ix.count() == 7


def test_an_index_of_a_newer_format_is_refused_clearly(tmp_path):
    import json

    path = tmp_path / "ix"
    with searchlib.open_index(path, create=True) as ix:
        ix.add([{"id": "1", "title": "新文章", "body": "援疆干部再次座谈。"}])
    meta = path / "searchlib.json"
    record = json.loads(meta.read_text(encoding="utf-8"))
    meta.write_text(json.dumps({**record, "format": 99, "created_by": "searchlib 9.0"}), encoding="utf-8")
    with pytest.raises(searchlib.IndexCorruptError, match="newer searchlib.*9.0.*format 99.*upgrade"):
        searchlib.open_index(path)
    record_again = json.loads(meta.read_text(encoding="utf-8"))
    assert record_again["format"] == 99  # left as it was
