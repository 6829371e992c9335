"""An article's body is referred to, not held: a loaded article keeps where its
body is in its file and the figures pages need, reads the same text as the
in-memory parse, and refuses a file changed since it was loaded, naming it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.content.article_file import load_article, parse_article_text
from generator.content.body import BodyChanged, BodyRef, body_text, reading_minutes
from generator.site.build import load_edition
from generator.site.pages import PageBuilder
from tests.sitekit import copy_project


def _seed_paths() -> list[Path]:
    from tests.sitekit import ROOT

    return sorted((ROOT / "content" / "articles").glob("*.md"))


@pytest.mark.parametrize("path", _seed_paths(), ids=lambda p: p.stem)
@pytest.mark.parametrize("form", ["lf", "crlf", "bom", "trailing-lines"])
def test_the_reference_reads_the_body_the_parse_holds(
    path: Path, form: str, tmp_path: Path
) -> None:
    text = path.read_text("utf-8")
    if form == "crlf":
        text = text.replace("\n", "\r\n")
    elif form == "bom":
        text = "\ufeff" + text
    elif form == "trailing-lines":
        text = text.replace("\n---\n", "\n---\n\n\n\n", 1) + "\n\n\n"
    copy = tmp_path / path.name
    copy.write_bytes(text.encode("utf-8"))
    held = parse_article_text(text, str(copy)).article
    loaded = load_article(copy)
    assert held is not None and loaded.article is not None
    assert isinstance(held.body, str)
    ref = loaded.article.body
    assert isinstance(ref, BodyRef)
    assert body_text(ref) == held.body
    assert ref.words == len(held.body.split())
    assert ref.minutes == reading_minutes(held.body)
    # Everything but the body is the same article.
    assert loaded.article.front_matter() == held.front_matter()


def test_an_empty_body_is_an_empty_text(tmp_path: Path) -> None:
    path = tmp_path / "empty.md"
    path.write_text("---\ntitle: Empty\nslug: empty\n---\n\n\n", "utf-8")
    article = load_article(path).article
    assert article is not None
    assert body_text(article.body) == ""


def test_a_file_saved_after_loading_is_named(tmp_path: Path) -> None:
    source = _seed_paths()[0]
    path = tmp_path / source.name
    shutil.copy2(source, path)
    article = load_article(path).article
    assert article is not None and isinstance(article.body, BodyRef)
    # Same length, one character changed: only the digest can tell.
    text = path.read_text("utf-8")
    path.write_text(text[:-2] + ("x" if text[-2] != "x" else "y") + text[-1], "utf-8")
    with pytest.raises(BodyChanged) as caught:
        body_text(article.body)
    message = str(caught.value)
    assert message.startswith(f"{path}:{article.body.line}: body: ")
    assert "changed while the site was being built" in message
    path.unlink()
    with pytest.raises(BodyChanged, match=rf"^{path}:\d+: body: cannot be read again"):
        body_text(article.body)


def test_the_edition_holds_no_body_and_a_page_reads_its_own(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    edition = load_edition(project)
    assert edition.articles
    assert all(isinstance(a.body, BodyRef) for a in edition.articles.values())
    builder = PageBuilder(edition, project.site_config(), project.templates)
    slug = sorted(edition.articles)[0]
    assert builder.article(slug).text  # reads the body from the file
    # An editor saves the article while the build is making pages: the page is not
    # made from the old front matter and the new body.
    path = project.content / "articles" / f"{slug}.md"
    path.write_text(path.read_text("utf-8") + "\nA paragraph added mid-build.\n", "utf-8")
    with pytest.raises(BodyChanged, match=rf"^{path}:\d+: body: the file changed"):
        builder.article(slug)
