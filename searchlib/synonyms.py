"""Synonyms: groups of terms that find each other, applied at query time.

A group such as ``["新冠", "武汉肺炎", "COVID-19"]`` makes a search for any
member find every member. Groups are kept in the index's record (beside the
analysis record, in every backend), so setting them needs no rebuild, and
every reader of the index (another process, the server's workers) uses the
current groups at its next search.

What a group does to a query (engine-neutral: the plan's tree is rewritten,
so every backend executes the same thing):

- an unquoted term that *is* a member (after the index's folding: 新冠 and
  the traditional 新冠 are one member) matches the exact text of any member
  of its group, each member as the index folds it;
- an unquoted term whose words (as the segmenter cuts it) hold a member as
  whole words matches that text with the member replaced by any member:
  新冠疫苗 (新冠 | 疫苗) finds 新冠疫苗, 武汉肺炎疫苗 and COVID-19疫苗; a
  member inside a word (the 新冠 of a term cut as one word) is left alone;
- quoted text (``"新冠"``) means exactly the quoted text, as always;
- the member found is ranked as the text it is, and highlighted;
- a question, and the partial matches of keywords no article holds in full,
  rank by topical words: a topical word that is a member (a whole word)
  counts wherever any member of its group occurs.

A member is one search term: text with a letter, digit or Han character, no
spaces, nothing the query language reads as syntax. A term may be in one
group only: overlapping groups are an error (merge them into one).
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import attrs

from .analysis import Folding, SegmenterProfile, word_spans
from .errors import QuerySyntaxError, UsageError
from .plan import Plan
from .query import All, Any_, Node, Not, Text, parse_query

__all__ = ["Synonyms", "check_groups", "read_synonyms", "parse_synonyms", "expand_plan",
           "META_KEY", "MAX_GROUPS", "MAX_MEMBERS", "MAX_MEMBER_CHARS", "MAX_VARIANTS"]

#: Where the groups live in the index's record.
META_KEY = "synonyms"
MAX_GROUPS = 10_000
#: Members of one group.
MAX_MEMBERS = 50
MAX_MEMBER_CHARS = 50
#: Texts one query term may expand to; members found further right stay as typed.
MAX_VARIANTS = 32

_WORDLIKE = re.compile(r"[^\W_]")
_SEPARATORS = re.compile(r"[,，、]")

Groups = list[list[str]]


# ---------------------------------------------------------------- validation


def check_groups(groups: Any, folding: Folding, labels: Sequence[str] | None = None) -> Groups:
    """The groups, checked and tidied (members stripped); ``[]`` clears them.

    Args:
        groups: a list of groups, each a list of at least two terms.
        folding: the index's folding (members that fold alike are one term).
        labels: how messages name each group (default ``group N``, from 1).

    Raises:
        UsageError: not a list of lists of text; a group with fewer than two
            distinct members; a member that is empty, has spaces, is longer
            than :data:`MAX_MEMBER_CHARS` or reads as query syntax; a member
            in two groups; more than :data:`MAX_GROUPS` groups.
    """
    if isinstance(groups, (str, bytes)) or not isinstance(groups, (list, tuple)):
        hint = " (for a file, give a pathlib.Path or use read_synonyms)" if isinstance(groups, str) else ""
        raise UsageError("synonyms are a list of groups, each a list of terms, e.g. "
                         f"[['新冠', 'COVID-19']], not {type(groups).__name__}{hint}")
    if len(groups) > MAX_GROUPS:
        raise UsageError(f"{len(groups):,} synonym groups; the limit is {MAX_GROUPS:,}")
    seen: dict[str, tuple[str, str]] = {}  # folded member -> (group label, member)
    out: Groups = []
    for number, group in enumerate(groups, 1):
        label = labels[number - 1] if labels else f"group {number}"
        if isinstance(group, (str, bytes)) or not isinstance(group, (list, tuple)):
            raise UsageError(f"synonym {label} must be a list of terms, not {type(group).__name__} "
                             f"{group!r}")
        members = [_check_member(m, label) for m in group]
        if len(members) > MAX_MEMBERS:
            raise UsageError(f"synonym {label} has {len(members)} members; the limit is {MAX_MEMBERS}")
        forms: dict[str, str] = {}
        for m in members:
            form = folding.word_form(m)
            if form in forms:
                raise UsageError(f"synonym {label}: {forms[form]!r} and {m!r} are the same term "
                                 "as the index folds text (one already finds the other); list it once")
            if form in seen:
                other, as_given = seen[form]
                raise UsageError(f"synonym {label}: {m!r} is also in {other} (as {as_given!r}); "
                                 "a term may be in one group only: merge the two groups")
            forms[form] = m
        if len(members) < 2:
            raise UsageError(f"synonym {label} has {'no member' if not members else 'one member'}; "
                             "a group needs two or more terms that find each other")
        for form, m in forms.items():
            seen[form] = (label, m)
        out.append(members)
    return out


def _check_member(member: Any, label: str) -> str:
    if not isinstance(member, str):
        raise UsageError(f"synonym {label}: every member must be text, not {type(member).__name__} "
                         f"{member!r}")
    text = member.strip()
    if not text:
        raise UsageError(f"synonym {label} has an empty member")
    if any(ch.isspace() for ch in text):
        raise UsageError(f"synonym {label}: {text!r} has a space; a member is one search term "
                         "(write it without spaces)")
    if len(text) > MAX_MEMBER_CHARS:
        raise UsageError(f"synonym {label}: {text[:20]!r}... is {len(text)} characters long; "
                         f"the limit is {MAX_MEMBER_CHARS}")
    if not _WORDLIKE.search(text):
        raise UsageError(f"synonym {label}: {text!r} has no letter, digit or Han character to find")
    try:
        node = parse_query(text).node
    except QuerySyntaxError as exc:
        raise UsageError(f"synonym {label}: {text!r} is not one search term ({exc.reason})") from None
    if node != Text(text):
        raise UsageError(f"synonym {label}: {text!r} is not one search term: the query language "
                         "reads it as an operator, a field or a quote")
    return text


# ---------------------------------------------------------------- files


def parse_synonyms(text: str, folding: Folding | None = None, name: str = "<synonyms>") -> Groups:
    """The checked groups of a synonyms file's text (the format of :func:`read_synonyms`).

    Raises:
        UsageError: a line is not a valid group (the message names ``name`` and
            the line), or has a one-way mapping (``a => b``), which is not supported.
    """
    from .analysis import SCRIPT

    groups, labels = _parse_lines(text, name)
    return check_groups(groups, folding or SCRIPT, labels)


def _parse_lines(text: str, name: str) -> tuple[Groups, list[str]]:
    groups: Groups = []
    labels: list[str] = []
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if "=>" in line:
            raise UsageError(f"{name}:{number}: one-way mappings (a => b) are not supported; "
                             "list the terms that find each other, separated by commas")
        parts = _SEPARATORS.split(line) if _SEPARATORS.search(line) else line.split()
        groups.append([p.strip() for p in parts if p.strip()])
        labels.append(f"on {name}:{number}")
    return groups, labels


def read_synonyms(path: str | os.PathLike[str], folding: Folding | None = None) -> Groups:
    """Read a synonyms file: UTF-8, one group a line.

    Members are separated by commas (``,``, ``，`` or ``、``), or, on a line
    without commas, by spaces or tabs. Blank lines and lines starting with
    ``#`` are skipped. This is Solr's ``synonyms.txt`` format for groups of
    equivalent terms (its one-way ``=>`` lines are refused).

    Args:
        path: the file.
        folding: check the groups as an index with this folding would
            (default: the folding of new indexes).

    Raises:
        UsageError: the file cannot be read, is not UTF-8, or a group is invalid
            (the message names the line).
    """
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except UnicodeDecodeError as exc:
        raise UsageError(f"{os.fspath(path)}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise UsageError(f"cannot read synonyms file {os.fspath(path)!r}: {exc.strerror or exc}") from None
    return parse_synonyms(text, folding, os.fspath(path))


# ---------------------------------------------------------------- the index's groups


@attrs.frozen(eq=False)
class Synonyms:
    """An index's groups, ready to expand queries.

    Attributes:
        groups: the groups, as set.
        folding: the index's folding.
        by_form: folded member -> its group's index in ``groups``.
    """

    groups: tuple[tuple[str, ...], ...]
    folding: Folding
    by_form: dict[str, int]

    @classmethod
    def of(cls, groups: Iterable[Iterable[str]], folding: Folding) -> Synonyms:
        frozen = tuple(tuple(g) for g in groups)
        return _compiled(frozen, folding)

    def occurrences(self, text: str, profile: SegmenterProfile) -> list[tuple[int, int, int]]:
        """``(start, end, group)`` of each member standing as whole words in ``text``,
        left to right, the longest first where members overlap."""
        spans = list(word_spans(text, profile, self.folding))
        found: list[tuple[int, int, int]] = []
        i = 0
        while i < len(spans):
            best = None
            form = ""
            for j in range(i, len(spans)):
                form += spans[j][0]
                if len(form) > MAX_MEMBER_CHARS:
                    break
                if form in self.by_form:
                    best = (spans[i][1], spans[j][2], self.by_form[form], j)
            if best is None:
                i += 1
                continue
            found.append(best[:3])
            i = best[3] + 1
        return found

    def alternatives(self, words: Iterable[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """``(word, the other members of its group)`` for each of ``words`` that is a member."""
        out = []
        for word in words:
            g = self.by_form.get(self.folding.word_form(word))
            if g is not None:
                form = self.folding.word_form(word)
                out.append((word, tuple(m for m in self.groups[g] if self.folding.word_form(m) != form)))
        return tuple(out)

    def variants(self, text: str, profile: SegmenterProfile) -> list[str]:
        """``text`` and the texts its members may be replaced by (the text first;
        none alike after folding; at most :data:`MAX_VARIANTS`)."""
        places: list[tuple[int, int, tuple[str, ...]]] = []
        count = 1
        for start, end, g in self.occurrences(text, profile):
            members = self.groups[g]
            if count * len(members) > MAX_VARIANTS:
                break
            count *= len(members)
            places.append((start, end, members))
        out = {self.folding.word_form(text): text}
        for choice in itertools.product(*(members for _, _, members in places)):
            pieces, last = [], 0
            for (start, end, _), member in zip(places, choice):
                pieces += [text[last:start], member]
                last = end
            variant = "".join(pieces) + text[last:]
            out.setdefault(self.folding.word_form(variant), variant)
        return list(out.values())


@lru_cache(maxsize=8)
def _compiled(groups: tuple[tuple[str, ...], ...], folding: Folding) -> Synonyms:
    by_form = {folding.word_form(m): i for i, g in enumerate(groups) for m in g}
    return Synonyms(groups=groups, folding=folding, by_form=by_form)


def groups_of(meta: dict[str, Any] | None) -> Groups:
    """The groups an index record holds (none: ``[]``)."""
    groups = (meta or {}).get(META_KEY) or []
    return [list(g) for g in groups]


def with_groups(meta: dict[str, Any], groups: Groups) -> dict[str, Any]:
    """The index record ``meta`` holding ``groups`` (and nothing of them when empty)."""
    out = {k: v for k, v in meta.items() if k != META_KEY}
    if groups:
        out[META_KEY] = groups
    return out


# ---------------------------------------------------------------- queries


def expand_plan(plan: Plan, synonyms: Synonyms | None, profile: SegmenterProfile) -> Plan:
    """``plan`` with each unquoted term that holds a member matching any member
    (an OR of the variants), and each topical word of its question that is a
    member counting its group's other members (see the module docstring).
    Unchanged without synonyms."""
    if synonyms is None or not synonyms.groups or plan.node is None:
        return plan
    question = plan.question
    if question is not None:
        question = attrs.evolve(question, alternatives=synonyms.alternatives(question.words))
    words = dict(plan.words)

    def expand(node: Node) -> Node:
        if isinstance(node, Text):
            if node.quoted:
                return node
            texts = synonyms.variants(node.text, profile)
            if len(texts) == 1:
                return node
            alternatives = tuple(Text(t, fields=node.fields) for t in texts)
            for alt in alternatives:
                if alt not in words:
                    words[alt] = tuple(w for w, _, _ in word_spans(alt.text, profile, synonyms.folding))
            return Any_(alternatives)
        if isinstance(node, Not):
            return Not(expand(node.child))
        if isinstance(node, All):
            return All(tuple(expand(c) for c in node.children))
        if isinstance(node, Any_):
            return Any_(tuple(expand(c) for c in node.children))
        return node

    node = expand(plan.node)
    if node == plan.node and question == plan.question:
        return plan
    return attrs.evolve(plan, node=node, words=words, question=question)
