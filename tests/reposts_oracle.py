"""What collapse and similar() must return, computed without an index.

Signatures come from each article's own text (``searchlib.reposts.signature``);
the near-duplicate relation is checked pair by pair (no LSH buckets), and a
collapse is the plain greedy walk over the ranked matches.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

from searchlib import Article
from searchlib.reposts import THRESHOLD, band_keys, signature, similarity

SENTENCE = re.compile(r"(?<=[。！？])")


def edited(row: dict, kind: str) -> dict:
    """A repost of ``row`` (a corpus row: id, title, content) under a new id."""
    title, body = row["title"], row["content"]
    if "headline" in kind:
        title = "【转载】" + title[len(title) // 2:] + "，各界关注"
    if "credit" in kind:
        body = "（中央社记者王小明台北电）" + body + "\n\n（责任编辑：李四）"
    if "drop" in kind:
        sentences = [s for s in SENTENCE.split(body) if s]
        longest = max(range(len(sentences)), key=lambda i: len(sentences[i]))
        body = "".join(sentences[:longest] + sentences[longest + 1:])
    if "paragraph" in kind:
        body += "\n\n记者了解到，相关单位表示将持续关注后续发展，并适时对外说明最新进度。"
    return {"id": f"{row['id']}-{kind}", "title": title, "content": body, "date": row.get("date")}


@lru_cache(maxsize=4096)
def _signed(title: str, body: str) -> tuple[bytes, frozenset]:
    sig = signature(title, body)
    return sig, frozenset(band_keys(sig))


def near(a: Article, b: Article) -> bool:
    """The definition: a shared band and THRESHOLD of equal MinHash values."""
    (sig_a, keys_a), (sig_b, keys_b) = _signed(a.title, a.body), _signed(b.title, b.body)
    return bool(keys_a & keys_b) and similarity(sig_a, sig_b) >= THRESHOLD


def near_ids(articles: Mapping[str, Article], article_id: str) -> set[str]:
    """Ids of the near-duplicates of ``article_id`` among ``articles``."""
    a = articles[article_id]
    return {i for i, b in articles.items() if i != article_id and near(a, b)}


def expected_collapse(order: Sequence[str], articles: Mapping[str, Article]) -> list[tuple[str, int]]:
    """``(representative id, duplicates)`` for matches ranked as ``order``."""
    reps: list[list] = []
    for i in order:
        owner = next((r for r in reps if near(articles[i], articles[r[0]])), None)
        if owner is None:
            reps.append([i, 0])
        else:
            owner[1] += 1
    return [(i, n) for i, n in reps]
