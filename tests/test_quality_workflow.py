"""The pull-request workflow and the tools `make check` installs.

The workflow must be valid YAML, run on pull requests and pushes to main, and run
the project's own commands (the Makefile's targets, `python -m generator check`),
so that CI and an editor's machine never disagree. And a failed check must say,
in its first lines, which file, which line and what to change.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.sitekit import ROOT, copy_project

WORKFLOW = ROOT / ".github" / "workflows" / "pull-request.yml"


def _problems(output: str) -> list[str]:
    """check's lines, less the editors' standfirst to-dos (and their annotations)."""
    return [line for line in output.splitlines() if "to-do:" not in line]


def workflow() -> dict[str, Any]:
    data = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def steps() -> list[dict[str, Any]]:
    (job,) = workflow()["jobs"].values()
    return list(job["steps"])


def run_lines() -> list[str]:
    return [
        line.strip()
        for step in steps()
        for line in str(step.get("run", "")).splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]


def plain_make_env() -> dict[str, str]:
    """The environment without the outer make's flags: under `make test`, MAKEFLAGS
    would make a nested `make -n` print "Entering directory" lines."""
    import os

    drop = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}
    return {k: v for k, v in os.environ.items() if k not in drop}


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text("utf-8")
    return set(re.findall(r"^([a-z][\w-]*):", text, re.M))


def test_the_workflow_runs_on_pull_requests_and_pushes_to_main() -> None:
    data = workflow()
    # YAML 1.1 reads the bare key `on` as true: PyYAML does, GitHub does not.
    triggers = data.get("on", data.get(True))
    assert "pull_request" in triggers
    assert triggers["push"]["branches"] == ["main"]


def test_every_make_command_of_the_workflow_is_a_makefile_target() -> None:
    targets = makefile_targets()
    used = [t for line in run_lines() if line.startswith("make ") for t in line.split()[1:]]
    assert used and set(used) <= targets, set(used) - targets


def test_the_workflow_checks_builds_gates_tests_and_uploads_the_site() -> None:
    lines = run_lines()
    assert "python -m generator check" in lines
    order = [lines.index(c) for c in ("python -m generator check", "make site", "make check")]
    assert order == sorted(order), "check the articles first, then build, then the gates"
    # The tests are the same command CI's entry point runs.
    assert "make test" in lines
    assert "make test" in (ROOT / ".ci" / "run").read_text("utf-8")
    uploads = [s for s in steps() if str(s.get("uses", "")).startswith("actions/upload-artifact")]
    assert uploads and uploads[0]["with"]["path"].rstrip("/") == "site"
    assert uploads[0]["if"] == "always()"


def test_the_workflow_uses_python_3_11_as_netlify_does() -> None:
    (job,) = workflow()["jobs"].values()
    assert job["container"].startswith("python:3.11")


def test_make_check_installs_java_and_axe_before_the_gates() -> None:
    dry = subprocess.run(
        ["make", "-n", "-W", "tools/axe/package-lock.json", "check"],
        cwd=ROOT,
        env=plain_make_env(),
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert "default-jre-headless" in dry
    assert "npm ci" in dry
    assert dry.rstrip().splitlines()[-1].endswith("-m generator quality")
    assert {"java", "axe"} <= makefile_targets()
    test_line = next(
        line
        for line in (ROOT / "Makefile").read_text("utf-8").splitlines()
        if line.startswith("test:")
    )
    assert "java" in test_line and "axe" in test_line


def test_axe_core_is_pinned_by_a_lock_file_and_node_modules_is_ignored() -> None:
    package = json.loads((ROOT / "tools" / "axe" / "package.json").read_text("utf-8"))
    lock = json.loads((ROOT / "tools" / "axe" / "package-lock.json").read_text("utf-8"))
    version = package["dependencies"]["axe-core"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), "pin an exact version"
    assert lock["packages"]["node_modules/axe-core"]["version"] == version
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "tools/axe/node_modules/axe-core/axe.min.js"], cwd=ROOT
    )
    assert ignored.returncode == 0, "node_modules must be gitignored"


# -- friendly failure: file, line and what to change, first ---------------------------------


def _check(content: Path, **env: str) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "generator", "check", "--content", str(content)],
        cwd=content.parent,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def broken_content(tmp_path: Path) -> Path:
    project = copy_project(tmp_path)
    bad = project.content / "articles" / "the-facade-cracks.md"
    bad.write_text(bad.read_text("utf-8").replace("  date: 2008-10-13", "  date: 13th October"))
    return project.content


def test_check_prints_file_line_and_fix_first(broken_content: Path) -> None:
    done = _check(broken_content, GITHUB_ACTIONS="")
    assert done.returncode == 1
    first = _problems(done.stdout)[0]
    assert re.fullmatch(
        r".*content/articles/the-facade-cracks\.md:\d+: issue\.date: .*YYYY-MM-DD", first
    ), first
    assert "::error" not in done.stdout


def test_in_github_actions_check_also_annotates_the_line(broken_content: Path) -> None:
    done = _check(broken_content, GITHUB_ACTIONS="true")
    plain, annotation = _problems(done.stdout)[:2]
    path, line, rest = plain.split(":", 2)
    assert annotation == f"::error file={path},line={line}::{rest.strip()}"


def test_a_failed_build_is_annotated_too(broken_content: Path) -> None:
    import os

    project_root = broken_content.parent
    done = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--root", str(project_root), "--no-search"],
        cwd=project_root,
        env={**os.environ, "GITHUB_ACTIONS": "true"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    problem = next(i for i, line in enumerate(lines) if "the-facade-cracks.md:" in line)
    assert lines[problem + 1].startswith("::error file=")
    assert "issue.date" in lines[problem + 1]
