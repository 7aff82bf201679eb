"""User dictionaries: they change index and query segmentation alike, and the
index remembers which dictionary built it."""

from __future__ import annotations

import json
import warnings

import pytest

import searchlib
from searchlib import AnalysisMismatchWarning, DictionaryError
from searchlib.analysis import read_user_dict
from searchlib.cli import main

ARTICLE = {"id": "a", "title": "援疆", "body": "援疆干部座谈会召开。援疆干部回到吉林。"}


def word_terms(ix, field="body"):
    with ix.backend._ix.searcher() as s:
        return {t.decode() if isinstance(t, bytes) else t for t in s.lexicon(field)}


def test_user_words_shape_the_index_and_the_query(tmp_path):
    with searchlib.open_index(tmp_path / "plain", create=True) as plain:
        plain.add([ARTICLE])
        assert "援疆干部" not in word_terms(plain)
    with searchlib.open_index(tmp_path / "custom", create=True, user_words=["援疆干部"]) as custom:
        custom.add([ARTICLE])
        assert "援疆干部" in word_terms(custom)
        assert custom.search("援疆干部").total == 1
        assert custom.search("援疆").total == 1  # exact text still found inside the new word


def test_user_dict_file_in_jieba_format(tmp_path):
    path = tmp_path / "dict.txt"
    path.write_text("# my words\n援疆干部 10 n\n幸福吉林\n吉阿 nz\n", encoding="utf-8")
    assert read_user_dict(path) == [("援疆干部", 10), ("幸福吉林", None), ("吉阿", None)]
    path.write_text("援疆干部 many n\n", encoding="utf-8")
    with pytest.raises(DictionaryError, match=":1: frequency 'many'"):
        read_user_dict(path)


def test_the_index_records_its_dictionary_and_warns_on_a_different_one(tmp_path):
    path = tmp_path / "ix"
    with searchlib.open_index(path, create=True, user_words=["援疆干部"]) as ix:
        ix.add([ARTICLE])
    meta = json.loads((path / "searchlib.json").read_text(encoding="utf-8"))
    assert meta["user_words"] == 1 and meta["segmenter"] == "jieba"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        searchlib.open_index(path).close()                              # same words: quiet
        searchlib.open_index(path, user_words=["援疆干部"]).close()
    with pytest.warns(AnalysisMismatchWarning, match="rebuild"):
        ix = searchlib.open_index(path, user_words=["幸福吉林"])
    with ix:
        assert ix.profile.user_words == (("援疆干部", None),)            # keeps its own


def test_a_changed_dictionary_fingerprint_warns(tmp_path):
    path = tmp_path / "ix"
    searchlib.open_index(path, create=True).close()
    meta_file = path / "searchlib.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    meta["segmenter_fingerprint"] = "0000000000000000"
    meta_file.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.warns(AnalysisMismatchWarning, match="segmenter_fingerprint.*rebuild"):
        searchlib.open_index(path).close()


def test_rebuild_with_new_words_keeps_every_article(tmp_path):
    path = tmp_path / "ix"
    with searchlib.open_index(path, create=True) as ix:
        ix.add([ARTICLE, {"id": "b", "title": "吉林", "body": "幸福吉林建设。"}])
        before = ix.search("援疆干部").hits[0].snippets[0].spans
        report = ix.rebuild(user_words=["援疆干部"])
        assert report.added == 2 and ix.count() == 2
        assert "援疆干部" in word_terms(ix)
        assert ix.search("援疆干部").hits[0].snippets[0].spans == before
        assert ix.get("b").body == "幸福吉林建设。"
    assert not (tmp_path / "ix.rebuilding").exists() and not (tmp_path / "ix.replaced").exists()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with searchlib.open_index(path, user_words=["援疆干部"]) as again:
            assert again.count() == 2


def test_interrupted_swap_is_finished_on_open(tmp_path):
    path = tmp_path / "ix"
    with searchlib.open_index(path, create=True) as ix:
        ix.add([ARTICLE])
    # a rebuild that died between its two renames: only the finished copy and the old one remain
    import shutil

    shutil.copytree(path, tmp_path / "ix.rebuilding")
    (tmp_path / "ix.rebuilding" / "REBUILD_COMPLETE").touch()
    path.rename(tmp_path / "ix.replaced")
    with searchlib.open_index(path) as ix:
        assert ix.count() == 1
    assert not (tmp_path / "ix.replaced").exists()


def test_cli_user_dict_and_rebuild(tmp_path, capsys):
    data = tmp_path / "news.jsonl"
    data.write_text(json.dumps(ARTICLE, ensure_ascii=False) + "\n", encoding="utf-8")
    words = tmp_path / "words.txt"
    words.write_text("援疆干部\n", encoding="utf-8")
    index = str(tmp_path / "ix")
    assert main(["ingest", "--index", index, "-q", str(data)]) == 0
    assert main(["ingest", "--index", index, "-q", "--user-dict", str(words), str(data)]) == 0
    assert "warning:" in capsys.readouterr().err
    assert main(["rebuild", "--index", index, "--user-dict", str(words)]) == 0
    assert "1 user words" in capsys.readouterr().out
    with searchlib.open_index(index) as ix:
        assert "援疆干部" in word_terms(ix)
