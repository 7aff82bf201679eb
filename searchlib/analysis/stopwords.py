"""Chinese function words that carry no topic.

They are never dropped from the index (positions and phrases stay exact); they
are left out where only topical words count: the partial-match fallback of a
search and keyword extraction.
"""

from __future__ import annotations

__all__ = ["STOPWORDS", "QUESTION_WORDS", "is_stopword"]

STOPWORDS = frozenset("""
的 地 得 了 着 过 是 在 和 与 及 或 而 且 并 也 都 就 还 又 才 只 被 把 将 对 从 到 向 往 以 为 因 于
之 其 此 这 那 这个 那个 这些 那些 这样 那样 该 各 每 某 本 个 些 们 我 你 他 她 它 我们 你们 他们
她们 它们 自己 什么 怎么 怎样 如何 为什么 为何 哪 哪里 哪儿 哪个 哪些 哪一 哪一个 哪位 哪种 哪年 谁
几 多少 吗 呢 吧 啊 呀 哦 嘛 么 有 没有 是否 是不是 可以 可能 会 能 要 应 应该 需要 已 已经 曾 曾经
正在 一 一个 一些 一种 一样 不 没 很 最 更 较 比 比较 非常 等 等等 如 如果 若 虽然 但 但是 然而 所以
因此 因为 由于 而且 并且 以及 或者 还是 即 即使 就是 只是 而是 不是 除了 关于 对于 根据 按照 通过
之后 以后 之前 以前 之间 当中 其中 中 上 下 内 外 时 时候 后 前 里 年 月 日
""".split())


#: Words that ask (folded): a query holding one reads as a question (see
#: :func:`searchlib.plan.is_question`); none of them is topical.
QUESTION_WORDS = frozenset("""
什么 甚么 啥 哪 哪里 哪儿 哪个 哪些 哪一 哪一个 哪位 哪年 哪种 哪天 谁 几 多少 怎么 怎样 怎么样 如何 为什么
为何 吗 呢 是否 是不是 何 何时 何地 何种 何人 何处 多久 多大 多长 多远 多高 多重 多深 多早
""".split())


def is_stopword(word: str) -> bool:
    """True if ``word`` (folded) is a function word (question words included)."""
    return word in STOPWORDS or word in QUESTION_WORDS

