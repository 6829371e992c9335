"""The repository is the boundary: a committed symbolic link never makes ingest,
check or the build read or write outside the project, and every entry they skip
is named, relative to the project (generator/boundary.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.boundary import OutsideProject
from generator.content.check import check_all
from generator.site.build import build
from tests.sitekit import ROOT, copy_project

SEED = ROOT / "content" / "sources" / "000_16a189a49fb77abf.txt"


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with one real source, and a folder outside it."""
    root = tmp_path / "project"
    (root / "content" / "sources").mkdir(parents=True)
    (root / "content" / "articles").mkdir()
    shutil.copy(SEED, root / "content" / "sources" / "real.txt")
    outside = tmp_path / "outside"
    outside.mkdir()
    # A file outside the project that reads as a scrape: it must not be published.
    (outside / "secret.txt").write_text(
        "Secret headline\n\nA standfirst of the secret.\n\nThis article first appeared in "
        "the 07 March 2011 issue of the New Statesman, Secrets\n\nSecret body text that "
        "runs long enough to be a paragraph of an article.\n",
        "utf-8",
    )
    return root


def test_a_link_to_a_file_outside_is_refused_and_named(project: Path) -> None:
    link = project / "content" / "sources" / "leak.txt"
    link.symlink_to(project.parent / "outside" / "secret.txt")
    result = run("ingest", "content/sources", "--content", "content", cwd=project)
    assert result.returncode == 1, result.stderr
    assert "rejected content/sources/leak.txt: is a symbolic link to " in result.stderr
    assert "outside the project; refused" in result.stderr
    assert "Traceback" not in result.stderr
    texts = [p.read_text("utf-8") for p in (project / "content" / "articles").glob("*.md")]
    assert texts and not any("Secret" in t for t in texts)


def test_a_link_inside_the_project_is_read(project: Path) -> None:
    (project / "elsewhere").mkdir()
    shutil.copy(SEED, project / "elsewhere" / "copy.txt")
    (project / "content" / "sources" / "inside.txt").symlink_to(project / "elsewhere" / "copy.txt")
    result = run("ingest", "content/sources", "--content", "content", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "rejected" not in result.stderr.replace("0 file(s) rejected", "")


def test_dangling_links_loops_fifos_and_linked_folders_are_named(project: Path) -> None:
    sources = project / "content" / "sources"
    (sources / "dangling.txt").symlink_to(project / "nowhere.txt")
    (sources / "loop-a.txt").symlink_to(sources / "loop-b.txt")
    (sources / "loop-b.txt").symlink_to(sources / "loop-a.txt")
    os.mkfifo(sources / "pipe.txt")
    (project / "more").mkdir()
    (sources / "folder").symlink_to(project / "more")
    result = run("ingest", "content/sources", "--content", "content", "--quiet", cwd=project)
    # Nothing here is outside the project: warnings, and the real source ingested.
    assert result.returncode == 0, result.stderr
    report = run(
        "ingest", "content/sources", "--content", "content", "--report", "r.json", cwd=project
    )
    import json

    warnings = json.loads((project / "r.json").read_text("utf-8"))["warnings"]
    named = {w.split(": ", 1)[0]: w.split(": ", 1)[1] for w in warnings if ": " in w}
    assert named["content/sources/dangling.txt"].startswith("a dangling symbolic link")
    assert named["content/sources/loop-a.txt"].startswith("a symbolic link loop")
    assert named["content/sources/pipe.txt"].startswith("is a FIFO")
    assert named["content/sources/folder"].startswith("is a symbolic link to a folder")
    assert "Traceback" not in report.stderr
    assert len(list((project / "content" / "articles").glob("*.md"))) == 2


def test_a_linked_articles_folder_leading_out_is_never_written(project: Path) -> None:
    target = project.parent / "outside" / "articles"
    target.mkdir()
    (project / "content" / "articles").rmdir()
    (project / "content" / "articles").symlink_to(target)
    result = run("ingest", "content/sources", "--content", "content", cwd=project)
    assert result.returncode == 1
    assert "the articles folder leads to" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(target.iterdir()) == []


def test_check_refuses_linked_article_and_curation_files(project: Path) -> None:
    content = project / "content"
    secret = project.parent / "outside" / "secret.md"
    secret.write_text("---\ntitle: Secret\nslug: leak\n---\n\nSecret text.\n", "utf-8")
    (content / "articles" / "leak.md").symlink_to(secret)
    (content / "topics.yml").symlink_to(project.parent / "outside" / "secret.txt")
    (content / "articles" / "gone.md").symlink_to(content / "articles" / "missing.md")
    result = check_all(content)
    by_path = {p.path: p for p in result.problems}
    assert "outside the project; refused" in by_path[str(content / "articles" / "leak.md")].message
    assert "outside the project; refused" in by_path[str(content / "topics.yml")].message
    assert "dangling" in by_path[str(content / "articles" / "gone.md")].message
    assert all(a.title != "Secret" for a in result.articles)
    assert result.curation.topics == {}


@pytest.mark.slow
def test_the_build_never_writes_through_a_linked_site_or_build_folder(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    outside = tmp_path / "outside-site"
    outside.mkdir()
    (project.root / "site").symlink_to(outside)
    with pytest.raises(OutsideProject, match="the site folder leads to"):
        build(project, search=False)
    assert list(outside.iterdir()) == []
    assert not (project.root / "build").exists()
