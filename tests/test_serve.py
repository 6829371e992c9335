"""The live preview: an edit shows up, only the pages it touches are redone, and a
broken article keeps the last good pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.site.serve import PreviewState, regenerate
from tests.sitekit import copy_project


def _mtimes(docs: Path) -> dict[str, int]:
    return {p.relative_to(docs).as_posix(): p.stat().st_mtime_ns for p in docs.rglob("*.md")}


def test_an_edit_rewrites_its_page_and_leaves_other_articles_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(tmp_path)
    state = PreviewState()
    assert regenerate(project, state)
    docs = project.docs_dir()
    before = _mtimes(docs)
    article = project.content / "articles" / "the-facade-cracks.md"
    article.write_text(article.read_text("utf-8") + "\nAn editor's new closing line.\n", "utf-8")
    assert regenerate(project, state)
    assert (
        "An editor's new closing line." in (docs / "articles" / "the-facade-cracks.md").read_text()
    )
    after = _mtimes(docs)
    rewritten = {name for name in after if after[name] != before.get(name)}
    assert rewritten == {"articles/the-facade-cracks.md"}
    assert "1 article page(s)" in capsys.readouterr().err


def test_a_broken_article_keeps_the_last_good_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(tmp_path)
    state = PreviewState()
    regenerate(project, state)
    page = project.docs_dir() / "articles" / "the-facade-cracks.md"
    good = page.read_bytes()
    article = project.content / "articles" / "the-facade-cracks.md"
    article.write_text(article.read_text("utf-8").replace("title: ", "title: [", 1), "utf-8")
    assert not regenerate(project, state)
    assert "the-facade-cracks.md:2: front matter: invalid YAML" in capsys.readouterr().err
    assert page.read_bytes() == good


def test_the_preview_links_no_ebook_it_does_not_make(tmp_path: Path) -> None:
    """The preview makes no EPUBs: rendered by MkDocs as `mkdocs serve` renders it,
    no page links a book, and the issue page says where the book comes from."""
    import subprocess
    import sys

    from bs4 import BeautifulSoup

    project = copy_project(tmp_path)
    assert regenerate(project, PreviewState())
    out = tmp_path / "preview"
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(out)],
        cwd=project.root,
        check=True,
        timeout=300,
    )
    pages = list(out.rglob("*.html"))
    assert pages
    for page in pages:
        assert ".epub" not in page.read_text("utf-8"), page
    assert not list(out.rglob("*.epub"))
    issue = BeautifulSoup((out / "issues/2008-12-08/index.html").read_text("utf-8"), "lxml")
    note = issue.select_one(".ns-download")
    assert note is not None and note.a is None
    assert "make site" in note.get_text()
    # The offline list of the issue's articles stays on it.
    assert note["data-ns-offline"]
