"""The application API: suggestions, key terms, related articles, threads."""

from __future__ import annotations

import threading

import pytest

import searchlib
from searchlib import ArticleNotFoundError
from searchlib.cli import main

from .conftest import SAMPLES


@pytest.fixture(scope="module")
def news():
    """The bundled samples: 500 recent press releases and the seed article."""
    with searchlib.open_index(None) as ix:
        ix.ingest([SAMPLES])
        yield ix


@pytest.mark.parametrize("typo, fixed", [("半导休", "半导体"), ("国防预箅", "国防预算"),
                                         ("赖清徳", "赖清德"), ("两崖关系", "两岸关系"),
                                         ("援彊干部", "援疆干部")])
def test_suggestion_corrects_a_wrong_character(news, typo, fixed):
    res = news.search(typo)
    assert res.suggestion == fixed
    assert news.search(res.suggestion).total > 0


def test_no_suggestion_when_the_query_finds_plenty(news):
    assert news.search("国防").suggestion is None
    assert news.search("國防").suggestion is None  # script variants are folded, not "corrected"


def test_a_quoted_text_that_is_found_is_not_corrected(news):
    """私营 is in one article and 私立 in many: unquoted, it is a likely typo; quoted, the
    very text asked for was found, and quotes mean exactly it. Quoted text found nowhere
    still gets a suggestion."""
    assert news.search("私营").total == 1 and news.search("私营").suggestion == "私立"
    quoted = news.search('"私营"')
    assert quoted.total == 1 and quoted.suggestion is None
    assert news.search('"两崖关系"').suggestion == '"两岸关系"'


def test_suggestion_keeps_the_rest_of_the_query(news):
    assert news.search("半导休 产业").suggestion == "半导体 产业"


def test_keywords_are_the_articles_own_topical_words(news):
    seed_id = news.search("援疆干部").hits[0].id
    kws = news.keywords(seed_id, n=8)
    assert len(kws) == 8 and "援疆" in kws
    assert all(len(k) >= 2 for k in kws) and "的" not in kws
    with pytest.raises(ArticleNotFoundError):
        news.keywords("no-such-id")


def test_more_like_this_returns_related_articles_not_itself(news):
    hit = news.search('"国防预算"').hits[0]
    related = news.more_like_this(hit.id, limit=5)
    assert related.total > 5 and hit.id not in {h.id for h in related.hits}
    kws = set(news.keywords(hit.id, n=15))
    assert all(any(k in (h.article.title + h.article.body) for k in kws) for h in related.hits)
    assert any(s.spans for h in related.hits for s in h.snippets)


def test_cli_related_and_suggestion(tmp_path, capsys):
    index = str(tmp_path / "ix")
    assert main(["ingest", "--index", index, "-q", str(SAMPLES)]) == 0
    capsys.readouterr()
    assert main(["search", "--index", index, "半导休"]) == 0
    assert "Did you mean: 半导体" in capsys.readouterr().out
    with searchlib.open_index(index) as ix:
        article_id = ix.search("半导体").hits[0].id
    assert main(["search", "--index", index, "--related", article_id, "--limit", "3"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n1. ") + out.count("\n2. ") + out.count("\n3. ") == 3 and f"id {article_id}" not in out
    assert main(["search", "--index", index]) == 2
    assert "QUERY or --related" in capsys.readouterr().err


def test_one_index_shared_by_threads_sees_new_commits(tmp_path):
    with searchlib.open_index(tmp_path / "ix", create=True) as ix:
        ix.add([{"id": "0", "title": "起点", "body": "援疆干部座谈会。"}])
        errors: list[BaseException] = []
        seen: dict[int, list[int]] = {}
        stop = threading.Event()

        def reader(n: int) -> None:
            last = 0
            try:
                while not stop.is_set():
                    total = ix.search("援疆干部").total
                    assert total >= last, "counts went backwards"
                    last = total
                    seen.setdefault(n, []).append(total)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=reader, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for i in range(1, 6):
            ix.add([{"id": str(i), "title": f"第{i}篇", "body": f"援疆干部第{i}次座谈会。"}])
        stop.set()
        for t in threads:
            t.join()
        assert errors == []
        assert ix.search("援疆干部").total == 6
        assert all(max(v) >= 1 for v in seen.values())
