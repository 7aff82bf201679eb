"""Getting articles in: readers for raw crawled text, JSONL, JSON, CSV, .gz and folders."""

from .encoding import EncodingError, decode, sniff_encoding
from .rawtext import clean_text, parse_raw_article
from .readers import FORMATS, Record, iter_records, read_path, records_from_objects

__all__ = [
    "Record", "iter_records", "read_path", "records_from_objects", "FORMATS",
    "parse_raw_article", "clean_text", "decode", "sniff_encoding", "EncodingError",
]
