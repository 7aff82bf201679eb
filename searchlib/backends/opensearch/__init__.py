"""The OpenSearch backend (see :mod:`.backend`): the same NewsIndex on a cluster.

``open_index("opensearch://127.0.0.1:9200/news", create=True)``, or
``open_index(Cluster("news", hosts=(...), auth=(...)))``. Needs the
``opensearch`` extra (``opensearch-py``), imported only when a cluster is reached.
"""

from .cluster import Cluster, is_location, parse_location

__all__ = ["Cluster", "is_location", "parse_location"]
