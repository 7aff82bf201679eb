"""Chinese text analysis, engine-neutral: folding, segmentation, tokens.

The pipeline, as text travels it: :mod:`.folding` normalizes characters one for
one; :mod:`.segment` cuts Han runs into words with jieba; :mod:`.tokens`
turns a field value into words and character bigrams (for exact matching).
No module here imports a search engine.
"""

from .folding import (
    CLASSES,
    SCRIPT,
    Folding,
    Pattern,
    contains,
    fold,
    fold_key,
    fold_version,
    folding_for,
    pattern_regex,
)
from .segment import SegmenterProfile, get_segmenter, read_user_dict
from .tokens import END, bigrams, word_spans

__all__ = [
    "fold", "fold_key", "contains", "fold_version", "Folding", "Pattern", "SCRIPT", "CLASSES", "folding_for",
    "pattern_regex",
    "SegmenterProfile", "get_segmenter", "read_user_dict",
    "word_spans", "bigrams", "END",
]
