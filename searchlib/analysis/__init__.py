"""Chinese text analysis: folding, segmentation, tokenizers.

The pipeline, as text travels it: :mod:`.fold` normalizes characters one for
one; :mod:`.segment` cuts Han runs into words with jieba; :mod:`.tokenizers`
turns a field value into Whoosh tokens (words, and character bigrams for
exact matching).
"""

from .fold import fold, fold_for_segmentation, fold_version, is_han
from .segment import SegmenterProfile, get_segmenter, read_user_dict
from .tokenizers import END, BigramTokenizer, WordTokenizer, bigrams, word_spans

__all__ = [
    "fold", "fold_for_segmentation", "fold_version", "is_han",
    "SegmenterProfile", "get_segmenter", "read_user_dict",
    "WordTokenizer", "BigramTokenizer", "word_spans", "bigrams", "END",
]
