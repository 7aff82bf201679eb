"""Module paths that indexes built by searchlib 0.1 pickled, mapped to their new homes.

A Whoosh index pickles its schema (field types, analyzers, formats) and its
segments' codec into the table of contents, by module path. searchlib 0.1
kept these classes in ``searchlib.schema``, ``searchlib.formats``,
``searchlib.writer`` and ``searchlib.analysis.tokenizers``; they now live in
this package. The old paths are registered as aliases of the new modules'
classes, so unpickling an old index finds them (``tests/test_compat.py``
opens an index built by 0.1). New indexes pickle the new paths.
"""

from __future__ import annotations

import sys
import types

from . import formats, schema, tokenizers, writer

__all__ = ["ALIASES"]

#: old module path -> (new module, names it provided)
ALIASES = {
    "searchlib.schema": (schema, ("FoldFilter",)),
    "searchlib.formats": (formats, ("CompactPositions",)),
    "searchlib.writer": (writer, ("FastCodec",)),
    "searchlib.analysis.tokenizers": (tokenizers, ("WordTokenizer", "BigramTokenizer")),
}


def _register() -> None:
    for old, (module, names) in ALIASES.items():
        if old in sys.modules:
            continue
        alias = types.ModuleType(old, f"alias of {module.__name__} for indexes built by searchlib 0.1")
        for name in names:
            setattr(alias, name, getattr(module, name))
        sys.modules[old] = alias


_register()
