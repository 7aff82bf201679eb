"""The README's commands, the CI script and the examples stay true."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_commands() -> list[str]:
    return [line.strip() for line in README.split("\n## ")[0].splitlines() if line.startswith("    ")]


def test_readme_starts_with_the_two_commands_and_ci_runs_the_test_command():
    main_job, tests = readme_commands()[:2]
    assert "examples/quickstart.py" in main_job
    assert "pytest" in tests
    assert tests in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def run_example(args, tmp_path, timeout=300):
    env = dict(os.environ, SEARCHLIB_INDEX=str(tmp_path / "index"), NO_COLOR="1")
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=timeout)


def test_quickstart_builds_the_sample_index_and_prints_highlighted_results(tmp_path):
    out = run_example(["examples/quickstart.py"], tmp_path)
    assert out.returncode == 0, out.stderr
    assert "added 501" in out.stdout and "failed 0" in out.stdout
    assert "【援疆干部】" in out.stdout                    # the seed article, highlighted
    assert "【援疆工作总结座谈会】" in out.stdout
    assert "【国防预算】" in out.stdout                    # 國防預算 found in simplified text
    again = run_example(["examples/quickstart.py", "援疆干部"], tmp_path)
    assert "Building" not in again.stdout and "(1 match)" in again.stdout

    service = run_example(["examples/search_service.py", "--once", "國防 預算"], tmp_path)
    assert service.returncode == 0, service.stderr
    body = json.loads(service.stdout)
    assert body["total"] > 0 and "<mark>" in body["hits"][0]["snippets"][0]["html"]


def test_readme_python_example_runs(tmp_path):
    block = re.search(r"```python\n(.*?)```", README, re.S).group(1)
    block = block.replace('"index_data/index"', repr(str(tmp_path / "ix")))
    block = block.replace('"index_data/samples/"', repr(str(ROOT / "index_data" / "samples")))
    exec(compile(block, "README.md", "exec"), {})
