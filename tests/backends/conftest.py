"""Every backend the contract suite runs on.

A backend joins by adding a parameter to :func:`make_index`; where it needs
a service (an OpenSearch cluster) its tests are marked ``opensearch`` (run
with ``pytest -m opensearch``) and skipped, with the reason, when the
service cannot be started here (see ``cluster.py``).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator

import pytest

import searchlib

from . import cluster

BACKENDS = ["whoosh-memory", "whoosh-disk", pytest.param("opensearch", marks=pytest.mark.opensearch)]
_counter = itertools.count()


@pytest.fixture(scope="session")
def opensearch_url() -> Iterator[str]:
    """The base URL of a running 3-node OpenSearch cluster (started for this session)."""
    url, started = cluster.start()
    try:
        yield url
    finally:
        if started:
            cluster.stop()


@pytest.fixture
def opensearch_index(request, opensearch_url) -> Iterator[Callable[..., str]]:
    """A factory of unique index URLs on the cluster (deleted after the test)."""
    names: list[str] = []

    def make() -> str:
        name = f"test-{os.getpid()}-{next(_counter)}"
        names.append(name)
        return f"{opensearch_url}/{name}"

    yield make
    for name in names:
        cluster.drop(name, opensearch_url)


@pytest.fixture(params=BACKENDS)
def make_index(request, tmp_path) -> Iterator[Callable[..., searchlib.NewsIndex]]:
    """A factory of new, empty indexes of one backend (closed after the test)."""
    opened: list[searchlib.NewsIndex] = []
    urls = request.getfixturevalue("opensearch_index") if request.param == "opensearch" else None

    def make(**kwargs) -> searchlib.NewsIndex:
        if request.param == "whoosh-memory":
            ix = searchlib.open_index(None, **kwargs)
        elif request.param == "whoosh-disk":
            ix = searchlib.open_index(tmp_path / f"ix{next(_counter)}", create=True, **kwargs)
        else:
            ix = searchlib.open_index(urls(), create=True, **kwargs)
        opened.append(ix)
        return ix

    make.kind = request.param  # type: ignore[attr-defined]
    yield make
    for ix in opened:
        ix.close()
