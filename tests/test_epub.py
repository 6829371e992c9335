"""The EPUB downloads (generator/site/epub.py): one per issue and per collection of the
real seed edition, checked by EPUBCheck, read back with EbookLib, made the same in a
fresh interpreter, and re-made only when their articles change."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from ebooklib import ITEM_DOCUMENT, ITEM_NAVIGATION, epub
from lxml import etree

from devtools.quality.epub import books_of, check_epubs
from generator.formatting import collection_epub_path
from generator.site.build import Project, load_edition, source_date_epoch
from generator.site.epub import write_epubs
from tests.sitekit import ROOT, copy_project

XHTML = {"x": "http://www.w3.org/1999/xhtml"}
PARIAH_ISSUE = "issues/2008-12-08/2008-12-08.epub"
MOMENTUM_ISSUE = "issues/2017-03-23/2017-03-23.epub"


def documents(book: epub.EpubBook) -> dict[str, etree._Element]:
    """Every XHTML document of the book (the navigation document included), parsed
    with an XML parser: a book that is not well-formed fails here."""
    found = {}
    for item in book.get_items():
        if item.get_type() in (ITEM_DOCUMENT, ITEM_NAVIGATION) and item.get_name().endswith(
            ".xhtml"
        ):
            found[item.get_name()] = etree.fromstring(item.get_content())
    return found


def read(site: Path, rel: str) -> epub.EpubBook:
    return epub.read_epub(str(site / rel), {"ignore_ncx": True})


def test_every_issue_and_collection_has_a_book(seed_site: Path, seed_project: Project) -> None:
    edition = load_edition(seed_project)
    issues = {f"issues/{i.date.isoformat()}/{i.date.isoformat()}.epub" for i in edition.issues}
    collections = {f"collections/{slug}/{slug}.epub" for slug in edition.curation.collections}
    assert {p.relative_to(seed_site).as_posix() for p in books_of(seed_site)} == (
        issues | collections
    )
    assert len(issues) == 6 and len(collections) == 3


@pytest.mark.slow
def test_every_book_passes_epubcheck_with_no_error_or_warning(seed_site: Path) -> None:
    result = check_epubs(seed_site)
    assert result.figures["books"] == 9
    assert result.ok, result.report()


def test_the_issue_book_holds_its_article_and_the_timeline_of_15_dated_events(
    seed_site: Path,
) -> None:
    book = read(seed_site, PARIAH_ISSUE)
    assert book.get_metadata("DC", "title")[0][0] == (
        "New Statesman, 8 December 2008: After the Terror"
    )
    assert book.get_metadata("DC", "language")[0][0] == "en-GB"
    assert book.get_metadata("DC", "date")[0][0] == "2008-12-08"
    assert book.get_metadata("DC", "identifier")[0][0].startswith("urn:uuid:")
    docs = documents(book)
    cover = docs["cover.xhtml"]
    assert cover.findtext(".//x:h1", namespaces=XHTML) == "After the Terror"
    assert cover.find(".//x:time", XHTML).get("datetime") == "2008-12-08"
    intro = docs["intro.xhtml"]
    assert "Mumbai" in "".join(intro.itertext())
    articles = [d for name, d in docs.items() if name.startswith("a")]
    assert [a.findtext(".//x:h1", namespaces=XHTML) for a in articles] == [
        "Becoming a pariah state"
    ]
    pariah = articles[0]
    assert pariah.findtext(".//x:p[@class='byline']", namespaces=XHTML) == "By Richard Watson"
    provenance = "".join(pariah.find(".//x:p[@class='provenance']", XHTML).itertext())
    assert provenance.startswith("First appeared in the 8 December 2008 issue: After the Terror")
    assert pariah.findtext(".//x:p[@class='standfirst']", namespaces=XHTML)
    (timeline,) = pariah.findall(".//x:section[@class='timeline']", XHTML)
    events = timeline.findall("x:ol/x:li", XHTML)
    assert len(events) == 15
    dates = [li.find("x:time", XHTML).get("datetime") for li in events]
    assert all(d and d[:4].isdigit() for d in dates)
    assert dates == sorted(dates)
    body = "".join(pariah.find(".//x:div[@class='body']", XHTML).itertext())
    assert "Lashkar-e-Toiba" in body
    # The table of contents lists the cover, the introduction and the article.
    nav = docs["nav.xhtml"]
    labels = [a.text for a in nav.findall(".//x:nav//x:a", XHTML)]
    assert labels == ["Cover", "Introduction", "Becoming a pariah state"]


def test_the_momentum_correction_is_in_its_issue_and_its_collection(seed_site: Path) -> None:
    for rel in (MOMENTUM_ISSUE, "collections/party-lines/party-lines.epub"):
        docs = documents(read(seed_site, rel))
        corrections = [
            "".join(box.itertext())
            for doc in docs.values()
            for box in doc.findall(".//x:section[@class='corrections']", XHTML)
        ]
        assert len(corrections) == 1, rel
        assert "originally named Luke Akehurst as a Labour councillor" in corrections[0]


def test_a_collection_book_keeps_the_editors_order_and_notes(seed_site: Path) -> None:
    docs = documents(read(seed_site, "collections/party-lines/party-lines.epub"))
    titles = [
        d.findtext(".//x:h1", namespaces=XHTML)
        for name, d in sorted(docs.items())
        if name.startswith("a")
    ]
    assert titles[0] == "The façade cracks"
    assert titles[1].startswith("Losing Momentum: how Jeremy Corbyn")
    assert len(titles) == 2
    notes = [
        d.findtext(".//x:p[@class='pick-note']", namespaces=XHTML)
        for name, d in sorted(docs.items())
        if name.startswith("a")
    ]
    assert notes[0].startswith("2008: David Cameron's Conservatives")


def test_the_issue_page_links_its_book(seed_site: Path) -> None:
    page = BeautifulSoup((seed_site / "issues/2008-12-08/index.html").read_text("utf-8"), "lxml")
    link = page.select_one(".ns-download a")
    assert link["href"] == "2008-12-08.epub"
    assert (seed_site / "issues/2008-12-08" / link["href"]).is_file()
    page = BeautifulSoup(
        (seed_site / "collections/party-lines/index.html").read_text("utf-8"), "lxml"
    )
    assert page.select_one(".ns-download a")["href"] == "party-lines.epub"


def test_the_zip_is_an_epub_container_with_fixed_dates(seed_site: Path) -> None:
    import zipfile

    with zipfile.ZipFile(seed_site / PARIAH_ISSUE) as z:
        infos = z.infolist()
    assert infos[0].filename == "mimetype"
    assert infos[0].compress_type == zipfile.ZIP_STORED
    names = [i.filename for i in infos[1:]]
    assert names == sorted(names)
    assert {i.date_time for i in infos} == {(2008, 12, 8, 0, 0, 0)}
    # The mimetype sits at the very start of the file, as readers expect.
    assert (seed_site / PARIAH_ISSUE).read_bytes()[30:58] == b"mimetypeapplication/epub+zip"


def test_a_fresh_interpreter_makes_the_same_bytes(
    seed_project: Project, seed_site: Path, tmp_path: Path
) -> None:
    """The build's books against books made again in another process, with another
    hash seed and no cache."""
    script = (
        "import sys, datetime as dt\n"
        "from pathlib import Path\n"
        "from generator.site.build import Project, load_edition, source_date_epoch\n"
        "from generator.site.epub import write_epubs\n"
        "p = Project(Path(sys.argv[1]))\n"
        "e = load_edition(p)\n"
        "day = dt.datetime.fromtimestamp(source_date_epoch(e), tz=dt.UTC).date()\n"
        "write_epubs(e, p.site_config(), Path(sys.argv[2]), None, day)\n"
    )
    env = os.environ | {"PYTHONHASHSEED": "12345"}
    subprocess.run(
        [sys.executable, "-c", script, str(seed_project.root), str(tmp_path)],
        check=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    built = {p.relative_to(seed_site).as_posix(): p.read_bytes() for p in books_of(seed_site)}
    again = {p.relative_to(tmp_path).as_posix(): p.read_bytes() for p in books_of(tmp_path)}
    assert built.keys() == again.keys()
    assert [k for k in built if built[k] != again[k]] == []


@pytest.fixture
def seed_copy(seed_project: Project, tmp_path: Path) -> Project:
    """A copy of the seed project with its ingested articles, to edit."""
    project = copy_project(tmp_path / "copy")
    shutil.rmtree(project.content / "articles", ignore_errors=True)
    shutil.copytree(seed_project.content / "articles", project.content / "articles")
    return project


def _books(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in books_of(folder)}


def _write(project: Project, out: Path, cache: Path) -> Any:
    return write_epubs(
        load_edition(project), project.site_config(), out, cache, dt.date(2017, 3, 23)
    )


def test_only_the_books_of_a_changed_article_are_made_again(
    seed_copy: Project, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    first = _write(seed_copy, tmp_path / "one", cache)
    assert (first.books, first.made) == (9, 9)
    again = _write(seed_copy, tmp_path / "two", cache)
    assert (again.books, again.made) == (9, 0)
    assert _books(tmp_path / "one") == _books(tmp_path / "two")
    # A cached book is linked into the site, not copied: the cache's own file.
    cached = {(st.st_dev, st.st_ino) for st in (p.stat() for p in cache.glob("*.epub"))}
    linked = {(st.st_dev, st.st_ino) for st in (p.stat() for p in books_of(tmp_path / "two"))}
    assert linked == cached
    # An editor adds a heading and a link to another page of the site to the
    # façade article: its issue and the one collection that holds it are re-made.
    path = seed_copy.content / "articles" / "the-facade-cracks.md"
    text = path.read_text("utf-8")
    path.write_text(
        text.rstrip("\n") + "\n\n## A new heading\n\nSee [the Momentum report]"
        "(../losing-momentum-how-jeremy-corbyns-support-group-ran-out-of-steam/).\n",
        "utf-8",
    )
    changed = _write(seed_copy, tmp_path / "three", cache)
    assert (changed.books, changed.made) == (9, 2)
    one, three = _books(tmp_path / "one"), _books(tmp_path / "three")
    assert sorted(k for k in one if one[k] != three[k]) == [
        "collections/party-lines/party-lines.epub",
        "issues/2008-10-13/2008-10-13.epub",
    ]
    # The old books left the cache: it holds this build's books only. The books
    # linked from it into the second site are as they were.
    assert len(list(cache.glob("*.epub"))) == 9
    assert _books(tmp_path / "two") == one
    docs = documents(read(tmp_path / "three", "issues/2008-10-13/2008-10-13.epub"))
    article = next(d for name, d in docs.items() if name.startswith("a"))
    link = article.find(".//x:div[@class='body']//x:a", XHTML)
    assert link.get("href") == (
        "https://ns-edition.netlify.app/articles/"
        "losing-momentum-how-jeremy-corbyns-support-group-ran-out-of-steam/"
    )
    assert article.find(".//x:div[@class='body']/x:h2", XHTML).text == "A new heading"
    result = check_epubs(
        tmp_path / "three", [tmp_path / "three" / "issues/2008-10-13/2008-10-13.epub"]
    )
    assert result.ok, result.report()


def test_the_bodies_come_from_the_rendered_pages_and_match_the_markdown(
    seed_project: Project, seed_site: Path, tmp_path: Path
) -> None:
    """The build reads each article's body from the page MkDocs rendered instead
    of converting its Markdown a second time; where no page is there (a shard's
    build) the Markdown is converted, and the two give the same bytes."""
    from generator.site.epub import BookMaker, article_input

    edition = load_edition(seed_project)
    config = seed_project.site_config()
    from_pages = BookMaker(config, seed_site)
    from_markdown = BookMaker(config)
    assert len(edition.articles) >= 6
    for slug in edition.articles:
        entry = article_input(edition, slug)
        assert from_pages.article_document(entry) == from_markdown.article_document(entry), slug
    # The page is what is read: a sentence put into a copy of one rendered page
    # shows in the book, as text.
    slug = "the-facade-cracks"
    pages = tmp_path / "site"
    page = pages / "articles" / slug / "index.html"
    page.parent.mkdir(parents=True)
    html = (seed_site / "articles" / slug / "index.html").read_text("utf-8")
    marker = '<div class="ns-article__body">'
    assert html.count(marker) == 1
    page.write_text(html.replace(marker, marker + "<p>Read from the page &lt;b&gt;</p>"))
    doc = etree.fromstring(BookMaker(config, pages).article_document(article_input(edition, slug)))
    first = doc.find(".//x:div[@class='body']/x:p", XHTML)
    assert first.text == "Read from the page <b>"
    # Another article's page is not there: its body is converted from Markdown.
    other = next(s for s in edition.articles if s != slug)
    entry = article_input(edition, other)
    assert BookMaker(config, pages).article_document(entry) == from_markdown.article_document(entry)


def test_a_book_is_made_as_soon_as_the_slice_with_its_issue_is_rendered(
    seed_project: Project, seed_site: Path, tmp_path: Path
) -> None:
    """In a build the workers hear of each slice of the render as it ends: an
    issue's book is made from the pages of the slice that holds them, before the
    render ends; the others once it has, their pages missing here, so from the
    Markdown: the same bytes as the build's."""
    edition = load_edition(seed_project)
    issue = next(i for i in edition.issues if i.date == dt.date(2008, 12, 8))
    first_slice, site, out = tmp_path / "slice-1", tmp_path / "site", tmp_path / "out"
    for slug in issue.slugs:
        (first_slice / "articles" / slug).mkdir(parents=True)
        page = (seed_site / "articles" / slug / "index.html").read_text("utf-8")
        (first_slice / "articles" / slug / "index.html").write_text(page, "utf-8")
    # What is read is the slice's page: a sentence put into it shows in the book.
    marker = '<div class="ns-article__body">'
    page_path = first_slice / "articles" / issue.slugs[0] / "index.html"
    page_path.write_text(
        page_path.read_text("utf-8").replace(marker, marker + "<p>From slice one</p>"), "utf-8"
    )
    site.mkdir()
    made_by_then: list[list[str]] = []
    news = iter([str(first_slice), None])

    def told() -> str | None:
        made_by_then.append(sorted(p.relative_to(out).as_posix() for p in books_of(out)))
        return next(news)

    day = dt.datetime.fromtimestamp(source_date_epoch(edition), tz=dt.UTC).date()
    stats = write_epubs(edition, seed_project.site_config(), out, None, day, site, told)
    assert (stats.books, stats.made) == (9, 9)
    # Nothing before the first slice; its issue's book before the render ended.
    assert made_by_then == [[], [PARIAH_ISSUE]]
    built, again = _books(seed_site), _books(out)
    assert built.keys() == again.keys()
    # The sentence is in the issue's book, and in a collection's that holds the
    # article (made last, from the same page).
    holding = [
        collection_epub_path(c)
        for c in edition.curation.collections.values()
        if issue.slugs[0] in {p.slug for p in c.items}
    ]
    assert sorted(k for k in built if built[k] != again[k]) == sorted([PARIAH_ISSUE, *holding])
    bodies = [doc for doc in documents(read(out, PARIAH_ISSUE)).values()]
    assert sum("From slice one" in etree.tostring(d, encoding="unicode") for d in bodies) == 1


def test_a_build_without_books_leaves_none_behind(seed_copy: Project) -> None:
    """``build --no-epub`` (the bench's comparison): no book, not even one an
    incremental build would have carried over from the last site."""
    from generator.site.build import build

    timings = build(seed_copy, ingest_sources=False, search=False)
    assert len(books_of(seed_copy.site_dir())) == 9
    assert timings.beside_cpu["epub"] > 0
    timings = build(seed_copy, ingest_sources=False, search=False, epub=False)
    assert books_of(seed_copy.site_dir()) == []
    assert "epub" not in timings.beside


def test_a_build_starts_workers_only_for_the_books_the_cache_lacks(
    seed_copy: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build's own process keys every book: a rebuild with nothing changed
    starts no worker and leaves site/'s books, the cache's files, as they are; an
    edit starts workers for the books that hold the article, and only those
    books are new files."""
    from generator.site import epub as epub_module
    from generator.site.build import build

    started: list[str] = []
    real = epub_module.BackgroundJob

    def counting(*args: Any, **kwargs: Any) -> Any:
        started.append(kwargs["what"])
        return real(*args, **kwargs)

    monkeypatch.setattr(epub_module, "BackgroundJob", counting)
    build(seed_copy, ingest_sources=False, search=False)
    assert len(started) == 2  # nine books to make, two workers
    site = seed_copy.site_dir()

    def files() -> dict[str, tuple[int, int]]:
        return {
            p.relative_to(site).as_posix(): (p.stat().st_dev, p.stat().st_ino)
            for p in books_of(site)
        }

    first = files()
    assert len(first) == 9
    started.clear()
    build(seed_copy, ingest_sources=False, search=False)
    assert started == []
    assert files() == first
    path = seed_copy.content / "articles" / "the-facade-cracks.md"
    path.write_text(path.read_text("utf-8") + "\nAn added line.\n", "utf-8")
    build(seed_copy, ingest_sources=False, search=False)
    assert len(started) == 2  # its issue's book and its collection's
    now = files()
    assert sorted(k for k in now if now[k] != first[k]) == [
        "collections/party-lines/party-lines.epub",
        "issues/2008-10-13/2008-10-13.epub",
    ]
    cached = {
        (st.st_dev, st.st_ino)
        for st in (p.stat() for p in (site.parent / ".cache" / "epub").glob("*.epub"))
    }
    assert set(now.values()) == cached


def test_the_workers_make_the_books_from_their_inputs_alone(
    seed_project: Project, seed_site: Path, tmp_path: Path
) -> None:
    """The build's workers are sent no edition model: each reads its books' inputs
    (BookInput) from a file, one book at a time, and makes the build's bytes; a
    second run copies every book from the cache."""
    from generator.site.epub import book_inputs, write_from_file, write_inputs

    edition = load_edition(seed_project)
    day = dt.datetime.fromtimestamp(source_date_epoch(edition), tz=dt.UTC).date()
    files = [tmp_path / "inputs-0", tmp_path / "inputs-1"]
    with open(files[0], "wb") as one, open(files[1], "wb") as two:
        write_inputs(book_inputs(edition, day), [one, two])
    del edition
    config, cache = seed_project.site_config(), tmp_path / "cache"
    for out, made in ((tmp_path / "first", 9), (tmp_path / "again", 0)):
        runs = [write_from_file(str(f), config, out, cache, seed_site, None) for f in files]
        assert [r.books for r in runs] == [5, 4]
        assert sum(r.made for r in runs) == made
        assert _books(out) == _books(seed_site)


def test_a_project_in_another_folder_finds_its_books_in_the_cache(tmp_path: Path) -> None:
    """Each book is cached under a digest of its inputs; the same content in
    another folder (a copy, or CI's cache restored elsewhere) has the same digests,
    while an edited body changes the digests of the books that hold it and no other."""
    from generator.site.epub import book_digest, book_inputs

    holding: set[str] = set()

    def digests(project: Project) -> dict[str, str]:
        edition = load_edition(project)
        day = dt.date(2020, 1, 1)
        config = project.site_config()
        books = list(book_inputs(edition, day))
        holding.update(
            book.url
            for book in books
            if any(a.article.slug == "the-facade-cracks" for a in book.articles)
        )
        return {book.url: book_digest(book, config) for book in books}

    here = copy_project(tmp_path / "here")
    there = copy_project(tmp_path / "elsewhere" / "there")
    assert digests(here) == digests(there)
    article = there.content / "articles" / "the-facade-cracks.md"
    article.write_text(article.read_text("utf-8") + "\nAn added line.\n", "utf-8")
    changed = {url for url, d in digests(there).items() if digests(here)[url] != d}
    # Its issue's book and the collections' that hold it (the seed's curation).
    assert "issues/2008-10-13/" in holding and len(holding) > 1
    assert changed == holding
