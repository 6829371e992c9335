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


def _tree(docs: Path) -> dict[str, bytes]:
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in docs.rglob("*") if p.is_file()}


def test_pages_the_edition_no_longer_has_leave_the_preview(tmp_path: Path) -> None:
    """An article added in a new year, issue and writer, then deleted, while the
    preview runs: its listing pages (year, issue, writer) go with it, and the docs
    tree is the one a full regeneration of the same content writes."""
    project = copy_project(tmp_path / "live")
    state = PreviewState()
    assert regenerate(project, state)
    source = project.content / "articles" / "the-facade-cracks.md"
    text = source.read_text("utf-8")
    added = project.content / "articles" / "a-new-arrival.md"
    added.write_text(
        text.replace("slug: the-facade-cracks", "slug: a-new-arrival")
        .replace("title: The façade cracks", "title: A new arrival", 1)
        .replace("- James Macintyre", "- Ada Newwriter")
        .replace("author_bio: James Macintyre", "author_bio: Ada Newwriter")
        .replace("date: 2008-10-13", "date: 1931-03-07")
        .replace("title: The facade cracks", "title: A new arrival")
        .replace("sources:\n- file: 003_", "sources:\n- file: new_"),
        "utf-8",
    )
    assert regenerate(project, state)
    docs = project.docs_dir()
    made = set(_tree(docs))
    new_pages = {
        name
        for name in made
        if "ada-newwriter" in name or "1931" in name or "a-new-arrival" in name
    }
    # The edit made the pages this test means to see go (the writer's, the
    # issue's, the article's and its citations): else it would prove nothing.
    assert any(name.startswith("authors/ada-newwriter") for name in new_pages), sorted(made)
    assert any(name.startswith("issues/1931-03-07") for name in new_pages), sorted(made)
    assert "articles/a-new-arrival.md" in new_pages
    added.unlink()
    assert regenerate(project, state)
    fresh = copy_project(tmp_path / "fresh")
    assert regenerate(fresh, PreviewState())
    live, full = _tree(docs), _tree(fresh.docs_dir())
    assert sorted(live.keys() - full.keys()) == []
    assert sorted(full.keys() - live.keys()) == []
    assert [name for name in live if live[name] != full[name]] == []
