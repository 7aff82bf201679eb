"""Where an OpenSearch index is, and the client that reaches it.

``opensearch://host:port/news`` (plain HTTP), ``opensearchs://...`` (HTTPS),
several nodes as ``opensearch://h1:9200,h2:9200/news``, a login as
``opensearch://user:password@host:9200/news``, and options as a query string
(``?verify_certs=false&ca_certs=/path/ca.pem&timeout=30&shards=1&replicas=2&compress=true``).
A :class:`Cluster` says the same in Python, and can carry a ready client.
The ``opensearch-py`` client is imported only when a cluster is reached.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from urllib.parse import parse_qs, unquote, urlsplit

import attrs

from ...errors import ClusterError, UsageError

__all__ = ["Cluster", "parse_location", "is_location", "errors_as_searchlib"]

SCHEMES = ("opensearch", "opensearchs", "opensearch+http", "opensearch+https")
T = TypeVar("T")


@attrs.frozen
class Cluster:
    """An index on an OpenSearch cluster.

    Attributes:
        index: the index name (an alias: rebuilds swap the index behind it).
        hosts: node URLs (``http://127.0.0.1:9200``); ignored when ``client`` is given.
        client: an ``opensearchpy.OpenSearch`` client to use as it is.
        auth: ``(user, password)`` for HTTP basic authentication.
        verify_certs: check the nodes' TLS certificates (HTTPS).
        ca_certs: a CA bundle for those certificates.
        timeout: seconds a request may take before it counts as failed.
        shards, replicas: of a new index (one shard keeps BM25 statistics and
            facet counts exact; ``replicas=None``: one on each other node, up to 2).
    """

    index: str
    hosts: tuple[str, ...] = ("http://127.0.0.1:9200",)
    client: Any = attrs.field(default=None, eq=False, repr=False)
    auth: tuple[str, str] | None = attrs.field(default=None, repr=False)
    verify_certs: bool = True
    ca_certs: str | None = None
    timeout: float = 30.0
    shards: int = 1
    replicas: int | None = None
    compress: bool = False

    @property
    def location(self) -> str:
        """The cluster and index as a URL (no password, no options), for messages."""
        if not self.hosts:
            return f"opensearch://client/{self.index}"
        secure = all(h.startswith("https://") for h in self.hosts)
        nodes = ",".join(h.split("://", 1)[-1].rstrip("/") for h in self.hosts)
        return f"{'opensearchs' if secure else 'opensearch'}://{nodes}/{self.index}"

    def connect(self) -> Any:
        """The client (made now unless one was given)."""
        if self.client is not None:
            return self.client
        try:
            from opensearchpy import OpenSearch
        except ImportError:
            raise UsageError("an OpenSearch index needs the opensearch-py client: "
                             "pip install 'searchlib[opensearch]'") from None
        return OpenSearch(hosts=list(self.hosts), http_auth=self.auth, verify_certs=self.verify_certs,
                          ca_certs=self.ca_certs, ssl_show_warn=self.verify_certs, timeout=self.timeout,
                          max_retries=2, retry_on_timeout=True, http_compress=self.compress)


def is_location(where: object) -> bool:
    """Whether ``where`` names an OpenSearch index (a URL or a :class:`Cluster`)."""
    if isinstance(where, Cluster):
        return True
    return isinstance(where, str) and where.split("://", 1)[0].lower() in SCHEMES


def parse_location(url: str) -> Cluster:
    """The :class:`Cluster` of an ``opensearch://`` URL (see the module docstring)."""
    parts = urlsplit(url)
    scheme = "https" if parts.scheme.lower() in ("opensearchs", "opensearch+https") else "http"
    index = parts.path.strip("/")
    if not index or "/" in index or index.lower() != index or index.startswith(("_", "-", "+")):
        raise UsageError(f"{url!r} names no index: write opensearch://host:9200/NAME "
                         "(NAME in lower case, no '/', not starting with _ - +)")
    netloc = parts.netloc
    auth = None
    if "@" in netloc:
        login, netloc = netloc.rsplit("@", 1)
        user, _, password = login.partition(":")
        auth = (unquote(user), unquote(password))
    hosts = tuple(f"{scheme}://{h if ':' in h else h + ':9200'}" for h in netloc.split(",") if h)
    if not hosts:
        raise UsageError(f"{url!r} names no host: write opensearch://host:9200/{index}")
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    known = {"verify_certs", "ca_certs", "timeout", "shards", "replicas", "compress"}
    unknown = sorted(set(options) - known)
    if unknown:
        raise UsageError(f"unknown option {unknown[0]!r} in {url!r}; options: {', '.join(sorted(known))}")
    try:
        return Cluster(index=index, hosts=hosts, auth=auth,
                       verify_certs=options.get("verify_certs", "true").lower() not in ("0", "false", "no"),
                       ca_certs=options.get("ca_certs"), timeout=float(options.get("timeout", 30)),
                       shards=int(options.get("shards", 1)),
                       replicas=int(options["replicas"]) if "replicas" in options else None,
                       compress=options.get("compress", "false").lower() in ("1", "true", "yes"))
    except ValueError as exc:
        raise UsageError(f"bad option in {url!r}: {exc}") from None


@contextmanager
def errors_as_searchlib(location: str) -> Iterator[None]:
    """Turn the client's connection and server errors into :class:`ClusterError`."""
    from opensearchpy.exceptions import ConnectionError as OSConnectionError
    from opensearchpy.exceptions import SSLError, TransportError

    try:
        yield
    except SSLError as exc:
        raise ClusterError(location, f"TLS failed ({exc.info or exc}); for a cluster whose certificate "
                           "is signed by its own CA add ?ca_certs=/path/to/ca.pem to the URL "
                           "(or ?verify_certs=false, which trusts any certificate)") from exc
    except OSConnectionError as exc:
        raise ClusterError(location, f"no node answered ({exc.__class__.__name__}: {exc.info or exc}); "
                           "is the cluster running? (scripts/opensearch-cluster status)") from exc
    except TransportError as exc:
        if exc.status_code == 401:
            raise ClusterError(location, "HTTP 401: the cluster refused the login; check the user and "
                               "password (opensearchs://user:password@host:9200/index)") from exc
        if exc.status_code == 403:
            detail = _reason(exc) or "the cluster said no more"
            raise ClusterError(location, f"HTTP 403: the login lacks a permission this needs ({detail}); "
                               "see the README for the permissions searchlib uses") from exc
        if isinstance(exc.status_code, int) and exc.status_code < 500 and exc.status_code != 429:
            raise
        raise ClusterError(location, f"HTTP {exc.status_code}: {exc.error} {_reason(exc)}") from exc


def _reason(exc: Any) -> str:
    info = exc.info if isinstance(exc.info, dict) else {}
    err = info.get("error")
    if isinstance(err, dict):
        return str(err.get("reason", ""))
    return str(err or "")


def call(location: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` with the client's errors as :class:`ClusterError`."""
    with errors_as_searchlib(location):
        return fn(*args, **kwargs)
