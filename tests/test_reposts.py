"""Repost signatures and the near-duplicate relation (searchlib.reposts), on real articles."""

from __future__ import annotations

import pytest

from searchlib import reposts
from searchlib.reposts import BINS, band_keys, collapse, near, signature, similarity

from .conftest import HANS, HANT, read_jsonl
from .reposts_oracle import edited

ROWS = [r for r in read_jsonl(HANS) if len(r["content"]) >= 300][:40]
TRAD = {r["id"]: r for r in read_jsonl(HANT)}


def sig(row):
    return signature(row["title"], row["content"])


def test_a_signature_depends_only_on_the_text_and_ignores_script_spacing_and_punctuation():
    row = ROWS[0]
    s = sig(row)
    assert len(s) == 4 * BINS and s == sig(dict(row)) and s == sig(dict(row, id="other"))
    assert sig(TRAD[row["id"]]) == s                         # traditional script folds to the same text
    assert signature("", row["content"].replace("。", ". ").replace("\n\n", "\n")) == s
    assert signature("全新标题", row["content"]) == s          # the headline is not the story
    assert len(band_keys(s)) == reposts.BANDS and len(set(band_keys(s))) == reposts.BANDS


def test_edited_copies_are_near_duplicates_and_other_articles_are_not():
    for row in ROWS[:15]:
        for kind in ("headline", "credit", "drop", "paragraph", "headline+credit+drop+paragraph"):
            copy = edited(row, kind)
            assert near(sig(row), sig(copy)) and near(sig(copy), sig(row)), (row["id"], kind)
            assert 0.5 <= similarity(sig(row), sig(copy)) <= 1.0
    sigs = [sig(r) for r in ROWS]
    assert not any(near(a, b) for i, a in enumerate(sigs) for b in sigs[i + 1:])


def test_short_and_empty_texts():
    assert signature("", "") == b"" and signature("标题", "。。。 ") == signature("标题", "")
    assert signature("只有标题", "") != b""                    # the title stands in for a missing body
    assert len(signature("", "短")) == 4 * BINS
    assert not near(b"", b"") and similarity(b"", signature("", "短文")) == 0.0
    assert near(signature("", "台风今晨登陆"), signature("", "台风今晨登陆！"))


@pytest.mark.parametrize("order", [[0, 1, 2, 3, 4], [4, 3, 2, 1, 0], [2, 0, 4, 1, 3]])
def test_collapse_keeps_the_first_of_each_cluster_and_counts_the_rest(order):
    a, b = ROWS[1], ROWS[2]
    items = [sig(a), sig(edited(a, "credit")), sig(b), sig(edited(a, "drop")), sig(edited(b, "headline"))]
    ranked = [items[i] for i in order]
    clusters = collapse(ranked)
    story = [0 if i in (0, 1, 3) else 1 for i in order]
    firsts = [story.index(0), story.index(1)]
    assert clusters == sorted([(firsts[0], 2), (firsts[1], 1)])
    assert collapse([]) == [] and collapse([b"", b""]) == [(0, 0), (1, 0)]


def test_the_readme_reposts_example_runs_and_prints_what_it_says(tmp_path, capsys):
    import re

    import searchlib

    from .conftest import ROOT, SAMPLES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Reposts (near-duplicates)", 1)[1]
    block = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    with searchlib.open_index(tmp_path / "ix", create=True) as ix:
        ix.ingest([SAMPLES])
    code = block.replace('"index_data/index"', repr(str(tmp_path / "ix")))
    exec(compile(code, "README.md", "exec"), {"searchlib": searchlib})   # follows the first example
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "9" and "39679 3" in lines
    assert lines[-3:] == ["39862 1.0", "39679 0.8594", "39582 0.7031"]
