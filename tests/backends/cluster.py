"""A real OpenSearch cluster for the tests marked ``opensearch``.

``scripts/opensearch-cluster start`` (3 nodes, 256 MB heaps) runs once per
test session and is stopped at its end, unless it was already running (then
it is left as it was), or ``$SEARCHLIB_OPENSEARCH_URL`` names a cluster to use
instead (``opensearch://host:9200,host:9201``). Without Java 17, or without
Maven while the distribution is not cached, the tests are skipped, saying so;
any other failure to start is an error.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "opensearch-cluster"
NODES = 3
HOSTS = ",".join(f"127.0.0.1:{9200 + i}" for i in range(NODES))


def home() -> Path:
    """The cluster's state folder (reachable by the node user, also under a 0700 /root)."""
    given = os.environ.get("SEARCHLIB_OPENSEARCH_HOME")
    path = Path(given) if given else Path(tempfile.gettempdir()) / "searchlib-opensearch-tests"
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o755)
    return path


def run(*args: str, timeout: float = 300, where: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run scripts/opensearch-cluster with the test state folder (or ``where``)."""
    cmd = [sys.executable, str(SCRIPT), *args, "--home", str(where or home())]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


#: What scripts/opensearch-cluster says when Java 17 or Maven (needed only while the
#: distribution is not in ~/.m2) is missing: the only reasons to skip.
_MISSING = ("Java 17 not found", "mvn not found", "cannot run mvn")


#: The secured one-node cluster (security plugin, HTTPS, logins): its ports and password.
SECURED_PORT = 9250
SECURED_PASSWORD = "Searchlib-Tests-2026!"


def _check_started(started: subprocess.CompletedProcess[str]) -> None:
    """Skip (Java or Maven missing) or fail (anything else) unless the start succeeded."""
    if started.returncode != 0 and any(why in started.stderr for why in _MISSING):
        pytest.skip(f"OpenSearch tests skipped: {started.stderr.strip().splitlines()[-1]}")
    if started.returncode != 0:
        pytest.fail(f"scripts/opensearch-cluster {' '.join(started.args[2:])} failed:\n"
                    f"{started.stdout}\n{started.stderr}")


def secured_home() -> Path:
    path = home() / "secured"
    path.mkdir(exist_ok=True)
    path.chmod(0o755)
    return path


def start_secured() -> str:
    """Start a one-node cluster with the security plugin; returns its CA file."""
    _check_started(run("start", "--nodes", "1", "--security", "--admin-password", SECURED_PASSWORD,
                       "--http-port", str(SECURED_PORT), "--transport-port", str(SECURED_PORT + 100),
                       "--heap", "512m", "--timeout", "240", timeout=600, where=secured_home()))
    return str(secured_home() / "node-0" / "config" / "root-ca.pem")


def stop_secured() -> None:
    run("stop", timeout=120, where=secured_home())


def start() -> tuple[str, bool]:
    """(the cluster's base URL, whether this session started it)."""
    url = os.environ.get("SEARCHLIB_OPENSEARCH_URL")
    if url:
        return url.rstrip("/"), False
    if run("status", timeout=60).returncode == 0:
        return f"opensearch://{HOSTS}", False
    _check_started(run("start", "--nodes", str(NODES), "--heap", "256m", "--timeout", "240", timeout=400))
    return f"opensearch://{HOSTS}", True


def stop() -> None:
    run("stop", timeout=120)


def kill_node(n: int) -> None:
    """SIGKILL node ``n`` of the cluster."""
    done = run("kill-node", str(n), timeout=60)
    assert done.returncode == 0, done.stderr


def drop(index: str, url: str) -> None:
    """Delete the index (alias ``index`` and what is behind it) and its lock."""
    from opensearchpy.exceptions import ConnectionError as Unreachable

    from searchlib.backends.opensearch import parse_location

    client = parse_location(f"{url}/{index}").connect()
    try:
        client.indices.delete(index=f"{index}--*,{index}-searchlib-lock", params={"ignore": 404})
    except Unreachable:
        pass  # a stopped cluster (the fault tests): its next start wipes every index
    finally:
        client.close()
