"""Every backend the contract suite runs on.

A backend joins by adding a parameter to :func:`make_index`; where it needs
a service (an OpenSearch cluster) its tests are skipped, with the reason,
when the service is not there.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import pytest

import searchlib

BACKENDS = ["whoosh-memory", "whoosh-disk"]
_counter = itertools.count()


@pytest.fixture(params=BACKENDS)
def make_index(request, tmp_path) -> Iterator[Callable[..., searchlib.NewsIndex]]:
    """A factory of new, empty indexes of one backend (closed after the test)."""
    opened: list[searchlib.NewsIndex] = []

    def make(**kwargs) -> searchlib.NewsIndex:
        if request.param == "whoosh-memory":
            ix = searchlib.open_index(None, **kwargs)
        else:
            ix = searchlib.open_index(tmp_path / f"ix{next(_counter)}", create=True, **kwargs)
        opened.append(ix)
        return ix

    make.kind = request.param  # type: ignore[attr-defined]
    yield make
    for ix in opened:
        ix.close()
