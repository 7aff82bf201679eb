"""Shared fixtures: sample data paths, in-memory and on-disk indexes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import searchlib

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SAMPLES = ROOT / "index_data" / "samples"
SEED = SAMPLES / "raw" / "000_bc4fbba9799cd5c5.txt"
HANS = DATA / "president_hans_120.jsonl"
HANT = DATA / "president_hant_120.jsonl"


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture
def mem_index() -> Iterator[searchlib.NewsIndex]:
    """An empty index in memory."""
    with searchlib.open_index(None) as ix:
        yield ix


@pytest.fixture
def tmp_index(tmp_path: Path) -> Iterator[searchlib.NewsIndex]:
    """An empty index in a temporary folder."""
    with searchlib.open_index(tmp_path / "index", create=True) as ix:
        yield ix


@pytest.fixture(scope="session")
def hans_index() -> Iterator[searchlib.NewsIndex]:
    """120 simplified-Chinese news articles plus the raw seed article (read-only)."""
    with searchlib.open_index(None) as ix:
        report = ix.ingest([HANS, SEED])
        assert report.added == 121 and not report.failed
        yield ix


@pytest.fixture(scope="session")
def hans_articles() -> list[dict]:
    return read_jsonl(HANS)


@pytest.fixture(scope="session")
def hant_articles() -> list[dict]:
    return read_jsonl(HANT)
