"""A prolific writer's pages by year through a real build (issue 17, point 4): made
by MkDocs, valid HTML (Nu), every link resolving, and recorded in the address
ledger. The seed writers have a few articles each, so the threshold is lowered to
give each of them a page a year (generator/content/listings.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from devtools.quality.html import check_html
from devtools.quality.links import check_links
from generator.content import listings
from generator.site.build import build
from tests.sitekit import copy_project

SITE_URL = "https://ns-edition.netlify.app/"


@pytest.mark.slow
def test_a_writer_by_year_renders_valid_and_linked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listings, "WRITER_PAGE_MAX", 0)
    monkeypatch.setattr(listings, "WRITER_LATEST", 1)
    project = copy_project(tmp_path / "project")
    build(project, ingest_sources=False, search=False)
    site = project.root / "site"
    years = sorted(site.glob("authors/*/[0-9][0-9][0-9][0-9]/index.html"))
    assert years, "no writer's year page was made"
    writers = {p.parent.parent.name for p in years} - {"unattributed"}
    assert writers
    ledger = (project.content / "addresses.txt").read_text("utf-8").split()
    listed = 0
    for path in years:
        rel = path.relative_to(site).parent.as_posix()
        writer = path.parent.parent.name
        if writer == "unattributed":
            continue
        assert f"/{rel}/" in ledger, rel
        page = BeautifulSoup(path.read_text("utf-8"), "lxml")
        items = page.select(".ns-list__item")
        assert items, rel
        year = path.parent.name
        assert all(t["datetime"].startswith(year) for t in page.select(".ns-list__item time"))
        listed += len(items)
        # The writer's page links the year, and lists only the newest article.
        own = BeautifulSoup((site / "authors" / writer / "index.html").read_text("utf-8"), "lxml")
        assert f"{year}/" in [a["href"] for a in own.select(".ns-years a")]
        assert len(own.select(".ns-list__item")) == 1
    assert listed >= len(writers)
    # Valid HTML (Material's known errors aside), and no link anywhere in the site
    # that does not resolve.
    pages = tmp_path / "pages"
    for path in years[:3] + [site / "authors" / w / "index.html" for w in sorted(writers)[:2]]:
        rel = path.relative_to(site)
        (pages / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, pages / rel)
    html = check_html(pages)
    assert html.findings == []
    links = check_links(site, SITE_URL)
    assert links.findings == []


@pytest.mark.slow
def test_a_writer_by_year_renders_the_same_bytes_in_many_slices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer's year pages sit in the folder of the writer's own page, and each
    may be rendered by another MkDocs slice than the writer's: the slices' pages
    come together file by file, and the site is the bytes of a one-process render
    (the first 10,000-article build with year pages stopped on a folder that one
    slice had already moved with the writer's page)."""
    from devtools.scale_bench import same_tree
    from generator.site import render

    monkeypatch.setattr(listings, "WRITER_PAGE_MAX", 0)
    one = copy_project(tmp_path / "one")
    build(one, ingest_sources=False, search=False, epub=False)
    monkeypatch.setattr(render, "SHARD_MIN_LEAVES", 1)
    monkeypatch.setattr(render, "SLICE_LEAVES", 2)
    many = copy_project(tmp_path / "many")
    build(many, ingest_sources=False, search=False, epub=False)
    assert list((many.root / "site").glob("authors/*/[0-9][0-9][0-9][0-9]/index.html"))
    assert same_tree(one.root / "site", many.root / "site") == []
