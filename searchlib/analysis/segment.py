"""Word segmentation of Chinese text with jieba, behind a small stable interface.

A :class:`SegmenterProfile` says which dictionary segments (jieba's default
dictionary plus user words). It is a small value that is pickled into the
index schema, so an index always knows which words built it; the heavy jieba
dictionary is loaded once per process and profile, on first use, never at import.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import logging
import os
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from .. import config
from ..errors import DictionaryError
from .folding import SCRIPT

__all__ = ["SegmenterProfile", "Segmenter", "get_segmenter", "read_user_dict", "default_engine",
           "ENGINES"]

UserWord = tuple[str, int | None]


def _words(value: Iterable[Any]) -> tuple[UserWord, ...]:
    out: dict[str, int | None] = {}
    for item in value:
        word, freq = (item, None) if isinstance(item, str) else (item[0], item[1])
        word = SCRIPT.segmentation_form(str(word).strip())
        if word:
            out[word] = None if freq is None else int(freq)
    return tuple(sorted(out.items()))


@attrs.frozen
class SegmenterProfile:
    """Which dictionary segments text: jieba's own plus ``user_words``.

    Attributes:
        user_words: ``(word, frequency or None)`` pairs, normalized (folded as
            indexed) and sorted, so equal word lists give equal profiles.
        hmm: whether jieba's HMM guesses words missing from the dictionary.
    """

    user_words: tuple[UserWord, ...] = attrs.field(default=(), converter=_words)
    hmm: bool = True

    def fingerprint(self) -> str:
        """Identifies the segmentation: jieba's dictionary, user words, HMM.

        Not the engine: jieba and rjieba cut alike (see :class:`Segmenter`).
        """
        h = hashlib.sha1()
        h.update(f"jieba-dict hmm={self.hmm}\n".encode())
        h.update(_main_dict_digest().encode())
        for word, freq in self.user_words:
            h.update(f"{word}\t{freq}\n".encode("utf-8", "surrogatepass"))
        return h.hexdigest()[:16]


_dict_digest: str | None = None


def _main_dict_digest() -> str:
    global _dict_digest
    if _dict_digest is None:
        _dict_digest = hashlib.sha1(_package_folder("jieba").joinpath("dict.txt").read_bytes()).hexdigest()[:16]
    return _dict_digest


def _package_folder(name: str) -> Path:
    """The folder of an installed package, found without importing it (importing
    jieba loads ``pkg_resources``: ~0.1 s of every cold start)."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    return Path(spec.origin).parent


def _rjieba_class() -> Any:
    """rjieba's ``Jieba`` class.

    rjieba's package ``__init__`` builds a default tokenizer that searchlib never
    uses (0.15 s and ~30 MB in every process that segments), so its extension
    module is loaded alone, as ``rjieba.rjieba``, where a later ``import rjieba``
    finds it. If rjieba is imported already, or its layout is not the expected
    one, the plain import serves.
    """
    loaded: Any = sys.modules.get("rjieba.rjieba") or sys.modules.get("rjieba")
    if loaded is None:
        folder = _package_folder("rjieba")
        paths = [folder / f"rjieba{suffix}" for suffix in importlib.machinery.EXTENSION_SUFFIXES]
        path = next((p for p in paths if p.is_file()), None)
        if path is not None:
            loader = importlib.machinery.ExtensionFileLoader("rjieba.rjieba", str(path))
            spec = importlib.util.spec_from_file_location("rjieba.rjieba", path, loader=loader)
            if spec is not None:
                module = importlib.util.module_from_spec(spec)
                sys.modules["rjieba.rjieba"] = module
                try:
                    loader.exec_module(module)
                except BaseException:
                    del sys.modules["rjieba.rjieba"]
                    raise
                loaded = module
    if loaded is None:
        import rjieba

        loaded = rjieba
    return loaded.Jieba


def default_engine() -> str:
    """``rjieba`` (jieba-rs: same tokens, several times faster) when it is
    installed, else ``jieba``; ``$SEARCHLIB_SEGMENTER`` overrides."""
    wanted = config.segmenter()
    if wanted in ENGINES:
        return wanted
    return "rjieba" if importlib.util.find_spec("rjieba") is not None else "jieba"


ENGINES = ("jieba", "rjieba")


class Segmenter:
    """Cuts runs of Han characters into words with a private jieba tokenizer.

    Two engines give the same words (a test holds them to it on real news,
    user words included): jieba itself, and rjieba (the jieba-rs port).
    """

    def __init__(self, profile: SegmenterProfile, engine: str | None = None) -> None:
        self.profile = profile
        self.engine = engine or default_engine()
        self._hmm = profile.hmm
        if self.engine == "rjieba":
            self._rj = _rjieba_class()()
            for word, freq in profile.user_words:
                self._rj.add_word(word, self._rj.suggest_freq(word) if freq is None else freq, None)
            return
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        cache_dir = config.cache_dir()
        if cache_dir:
            self._jieba.tmp_dir = cache_dir
        self._jieba.initialize()
        for word, freq in profile.user_words:
            self._jieba.add_word(word, freq)

    def _cut(self, text: str) -> list[str]:
        if self.engine == "rjieba":
            return list(self._rj.cut(text, self._hmm))
        return list(self._jieba.cut(text, HMM=self._hmm))

    def cut(self, han: str) -> list[str]:
        """Words of ``han`` (text already folded for segmentation), in order."""
        return self._cut(han)

    def cut_many(self, runs: list[str]) -> list[list[str]]:
        """Words of each run, in one call: runs are joined with line breaks,
        at which jieba always starts a new block, so each run is cut as alone."""
        out: list[list[str]] = [[]]
        for word in self._cut("\n".join(runs)):
            if word == "\n":
                out.append([])
            else:
                out[-1].append(word)
        return out


_segmenters: dict[tuple[SegmenterProfile, str], Segmenter] = {}
_lock = threading.Lock()


def get_segmenter(profile: SegmenterProfile, engine: str | None = None) -> Segmenter:
    """The process-wide segmenter for ``profile`` (built on first call)."""
    key = (profile, engine or default_engine())
    seg = _segmenters.get(key)
    if seg is None:
        with _lock:
            seg = _segmenters.get(key)
            if seg is None:
                seg = _segmenters[key] = Segmenter(profile, key[1])
    return seg


def read_user_dict(path: str | os.PathLike[str]) -> list[UserWord]:
    """Read a user dictionary in jieba's format: ``word [frequency] [tag]`` a line.

    Raises:
        DictionaryError: the file cannot be read, is not UTF-8, or a line has
            a frequency that is not a number.
    """
    words: list[UserWord] = []
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise DictionaryError(str(path), None, f"cannot read the user dictionary: "
                              f"{exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise DictionaryError(str(path), None, f"not UTF-8 text (byte {exc.start}); save the "
                              "dictionary as UTF-8") from None
    for lineno, line in enumerate(text.splitlines(), 1):
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        freq: int | None = None
        if len(parts) > 1 and not parts[1].isdigit():
            if len(parts) > 2:
                raise DictionaryError(str(path), lineno, f"frequency {parts[1]!r} is not a number")
        elif len(parts) > 1:
            freq = int(parts[1])
        words.append((parts[0], freq))
    return words
