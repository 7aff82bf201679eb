"""searchlib: full-text search over Chinese news.

    import searchlib

    with searchlib.open_index("index_data/index", create=True) as ix:
        ix.ingest(["news/", "more.jsonl"])
        for hit in ix.search("援疆 干部"):
            print(hit.article.title, hit.snippets[0].html)

Importing searchlib is cheap: jieba's dictionary loads on the first analysis.
"""

from ._version import __version__
from .analysis import contains, fold
from .errors import (
                     AnalysisMismatchWarning,
                     ArticleNotFoundError,
                     ClusterError,
                     DictionaryError,
                     IndexCorruptError,
                     IndexExistsError,
                     IndexLockedError,
                     IndexNotFoundError,
                     IngestError,
                     InvalidArticleError,
                     QuerySyntaxError,
                     SearchlibError,
                     UsageError,
)
from .index import DEFAULT_INDEX, NewsIndex, open_index
from .models import Article, Failure, Hit, IngestReport, SearchResults, Snippet
from .synonyms import read_synonyms

__all__ = [
    "__version__",
    "open_index", "NewsIndex", "DEFAULT_INDEX",
    "Article", "Hit", "Snippet", "SearchResults", "IngestReport", "Failure",
    "fold", "contains", "read_synonyms",
    "SearchlibError", "QuerySyntaxError", "IndexNotFoundError", "IndexExistsError",
    "IndexLockedError", "IndexCorruptError", "ArticleNotFoundError", "InvalidArticleError",
    "IngestError", "DictionaryError", "UsageError", "ClusterError", "AnalysisMismatchWarning",
]
