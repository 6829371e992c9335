"""EPUB 3 downloads: one per issue and one per collection, from the edition model.

Each book holds a text cover (the issue's date and cover line, or the collection's
title), the editors' introduction, the articles in running order (headline,
standfirst, byline, provenance line, corrections, body, timelines as lists of
``<time>`` entries, credits, notes, the writer's bio) and a navigation document.

Scraped and editor text stays text: every value is set as an lxml text node, which
the serializer escapes. An article's body is the HTML MkDocs rendered for its page
(read back from the page in a build: converting the Markdown a second time was 85%
of the books' time); introductions, and bodies with no rendered page (a shard's
build), are rendered here with the site's own Markdown extensions
(``generator.content.policy``, kept equal to mkdocs.yml by a test), which give the
same HTML. Either is parsed by lxml and re-serialized as XML, so what the content
policy lets through reaches the book as well-formed XHTML. Links to the site's own pages
become absolute addresses on the site; an image of the site is replaced by its
alternative text (the book carries no pictures).

EbookLib writes the package (OPF, navigation document, NCX). It stamps the zip
entries with the clock, so its file is re-packed here: entries sorted, the
``mimetype`` entry first and stored, every entry dated by the book's own date (the
issue's, or the newest issue of a collection's articles), so the same content
gives the same bytes and a new issue does not change the older issues' books.

A build keeps each book in ``.cache/epub/`` under a digest of everything it is
made from (its articles, introduction, the site address, this code): the next
build re-makes only the books whose inputs changed, and links the others into the
site from there. Nothing writes into a book once it is written, in the cache or in
the site.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import multiprocessing
import os
import pickle
import re
import shutil
import struct
import time
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, BinaryIO, TypeVar
from urllib.parse import urljoin

import markdown
from ebooklib import epub
from lxml import etree
from lxml import html as lxml_html

from generator.atomic import write_atomic
from generator.code_digest import code_digest
from generator.content import event_dates
from generator.content.article_cache import CACHE_VERSION
from generator.content.body import BodyRef, body_text
from generator.content.edition import Edition
from generator.content.policy import EXTENSION_CONFIGS, EXTENSIONS, strip_comments
from generator.content.schema import Article, IssueRef
from generator.errors import EpubError
from generator.formatting import (
    collection_epub_path,
    display_standfirst,
    issue_epub_path,
    long_date,
)
from generator.jobs import BackgroundJob, receive
from generator.site.pages import PUBLICATION, SiteConfig

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
LANGUAGE = "en-GB"
# Any change to how a book is made invalidates the books kept between builds.
# The bodies come from the rendered pages, which give what the site's Markdown
# (policy.py's extensions, typography.py) gives: tests/test_epub.py holds the two
# to the same bytes.
EPUB_CODE = code_digest(
    "site/epub.py",
    "content/policy.py",
    "site/typography.py",
    "content/schema.py",
    "content/event_dates.py",
    "formatting.py",
)
# Characters XML 1.0 cannot hold (a scrape could carry a stray control character).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_HAS_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_SPAWN = "spawn" in multiprocessing.get_all_start_methods()
WORKERS = 2
# Where an article's body starts and what follows it on its page
# (overrides/edition/article.html).
BODY_START = '<div class="ns-article__body">'
BODY_END = '<footer class="ns-article__footer">'
STYLESHEET = b"""\
body { font-family: serif; line-height: 1.45; margin: 0 5%; }
h1 { font-size: 1.6em; line-height: 1.2; margin: 1em 0 0.4em; }
h2 { font-size: 1.2em; margin: 1.4em 0 0.4em; }
.standfirst { font-size: 1.1em; font-style: italic; }
.byline, .provenance, .kicker, .cover-date, .cover-publication { font-family: sans-serif; }
.provenance, .kicker, .credit, .note, .bio, .compiled { font-size: 0.9em; }
.corrections { border-left: 0.3em solid #b00; padding-left: 0.8em; margin: 1em 0; }
.timeline { border-top: 1px solid #888; margin-top: 2em; }
.timeline ol { padding-left: 1.2em; }
.timeline time { font-weight: bold; }
.cover { text-align: center; margin-top: 25%; }
.cover h1 { font-size: 2.2em; }
.pick-note { font-style: italic; }
"""


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _el(tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.Element(f"{{{XHTML_NS}}}{tag}", {k.rstrip("_"): v for k, v in attrs.items()})
    if text is not None:
        element.text = _text(text)
    return element


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = _el(tag, text, **attrs)
    parent.append(element)
    return element


def _append_text(parent: etree._Element, text: str) -> None:
    """Text after the last child (or inside an empty element), escaped on output."""
    text = _text(text)
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _book_date(issue_dates: list[dt.date], fallback: dt.date) -> dt.date:
    return max(issue_dates) if issue_dates else fallback


@dataclass
class EpubStats:
    books: int = 0
    made: int = 0  # the rest came from the cache
    seconds: float = 0.0  # making the books, not waiting for the pages
    cpu_seconds: float = 0.0  # this process's own CPU time for them
    paths: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)  # the cache's file names of these books

    def add(self, other: EpubStats) -> None:
        """Another worker's share: times add as CPU does, seconds as the longest."""
        self.books += other.books
        self.made += other.made
        self.seconds = max(self.seconds, other.seconds)
        self.cpu_seconds += other.cpu_seconds
        self.paths += other.paths
        self.cached += other.cached


@dataclass(frozen=True)
class ArticleInput:
    """What one article's document in a book is made from."""

    article: Article
    issue: IssueRef | None  # the issue it first appeared in (date, cover line)
    minutes: int  # reading time, as on its page
    note: str | None = None  # the editors' note on it, in a collection


@dataclass(frozen=True)
class BookInput:
    """Everything one book's bytes depend on but the site's address, this code and
    the article pages: a few plain values and the articles' front matter (an
    article's body is a reference to its file). A worker receives these, one book
    at a time, rather than the edition model."""

    path: str  # the book's site path
    collection: bool  # an issue's book, or a collection's
    heading: str  # the issue's cover line, or the collection's title
    url: str  # the page the book belongs to
    date: dt.date  # the issue's, or the newest issue of the collection's articles
    intro: str | None  # the editors' introduction (Markdown), when it has words
    articles: tuple[ArticleInput, ...]

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(a.article.slug for a in self.articles)


def article_input(edition: Edition, slug: str, note: str | None = None) -> ArticleInput:
    issue = edition.issue_of.get(slug)
    return ArticleInput(
        edition.articles[slug],
        IssueRef(issue.date, issue.title) if issue is not None else None,
        edition.reading_minutes[slug],
        note,
    )


def book_inputs(
    edition: Edition, fallback_date: dt.date, part: tuple[int, int] = (0, 1)
) -> Iterator[BookInput]:
    """The inputs of every book of the edition (every issue's, then every
    collection's), or with ``part`` (k, n) every n-th from the k-th."""
    k, n = part
    i = -1
    for issue in edition.issues:
        i += 1
        if i % n != k:
            continue
        note = edition.curation.issue_notes.get(issue.date)
        yield BookInput(
            issue_epub_path(issue),
            False,
            issue.title,
            issue.url,
            issue.date,
            note.intro if note and note.intro and note.intro.strip() else None,
            tuple(article_input(edition, slug) for slug in issue.slugs),
        )
    for collection in edition.curation.collections.values():
        i += 1
        if i % n != k:
            continue
        dates = [
            issue.date
            for pick in collection.items
            if (issue := edition.issue_of.get(pick.slug)) is not None
        ]
        yield BookInput(
            collection_epub_path(collection),
            True,
            collection.title,
            collection.url,
            _book_date(dates, fallback_date),
            collection.intro if collection.intro.strip() else None,
            tuple(article_input(edition, p.slug, p.note) for p in collection.items),
        )


def book_digest(book: BookInput, config: SiteConfig) -> str:
    """Everything the book's bytes depend on, hashed. An article loaded from its
    file stands as its slug and the file's digest, with the code that loads
    articles (``article_cache.CACHE_VERSION``): the article is a function of
    those, as the article cache and the page memo hold too. The repr of every
    field of every article, for every book, was 0.4 s of the EPUB workers' CPU on
    a one-edit rebuild at 10,000 articles (py-spy); the build's own process now
    keys every book, to find the few it must make."""
    # repr, not pickle: equal values give equal text, whatever objects they share.
    parts = [
        EPUB_CODE,
        CACHE_VERSION,
        config.site_url,
        (book.path, book.collection, book.heading, book.url, book.date, book.intro),
        [
            (
                _article_key(a.article),
                None if a.issue is None else (a.issue.date, a.issue.title),
                a.minutes,
                a.note,
            )
            for a in book.articles
        ],
    ]
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def _article_key(article: Article) -> object:
    body = article.body
    if type(body) is BodyRef:
        return ("file", article.slug, body.digest, body.start, body.end)
    return article  # a body held as text (tests): the whole article


# Where the article pages are read from (BookMaker): a rendered site, or several
# searched in turn.
Pages = Path | tuple[Path, ...] | None


class BookMaker:
    """Makes books from their inputs; one Markdown engine, reset between texts.
    Nothing of a book is kept once it is made."""

    def __init__(self, config: SiteConfig, pages: Pages = None) -> None:
        self.config = config
        # Rendered sites to read the article bodies from, the first that has the
        # page (an incremental build: its newly rendered pages, then site/).
        self.pages = (pages,) if isinstance(pages, Path) else pages
        # Articles whose pages a slice of the render has written, and where (a
        # slice's own folder, whose pages later move into ``pages``).
        self._rendered: dict[str, Path] = {}
        self._markdown = markdown.Markdown(
            extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS
        )

    def rendered(self, folder: Path) -> None:
        """A slice of the render has ended, its pages written in ``folder`` (a
        rendered site): every article page there is whole (MkDocs has ended, and
        a page moved in later comes whole, by one rename, from a slice that ended)."""
        try:
            names = os.listdir(folder / "articles")
        except OSError:
            return
        for slug in names:
            self._rendered.setdefault(slug, folder)

    def has_pages(self, slugs: tuple[str, ...]) -> bool:
        """Whether every one of these article pages is written (``rendered``)."""
        return all(slug in self._rendered for slug in slugs)

    def make(self, book: BookInput) -> bytes:
        if book.collection:
            return self.collection_book(book)
        return self.issue_book(book)

    # -- Markdown to XHTML -------------------------------------------------------

    def _markdown_into(self, parent: etree._Element, text: str, page_url: str) -> None:
        """Render editor or article Markdown with the site's extensions and append
        it to ``parent`` as XHTML elements."""
        source = strip_comments(text)
        if not source.strip():
            return
        self._markdown.reset()
        rendered = self._markdown.convert(source).strip()
        if not rendered:
            return
        wrapper = lxml_html.fragment_fromstring(rendered, create_parent="div")
        self._html_into(parent, wrapper, page_url)

    def _body_into(self, parent: etree._Element, article: Article) -> None:
        """The article's body as the site rendered it, read from its page in
        ``self.pages`` (MkDocs has converted it already: converting it again cost
        the books 85% of their time, issue 16); Markdown only where that page is
        not there (a shard renders a slice of the pages)."""
        slug = article.slug
        page_url = f"articles/{slug}/"
        wrapper = self._site_body(slug) if self.pages is not None else None
        if wrapper is None:
            body = body_text(article.body)
            self._markdown_into(parent, body, page_url)
        else:
            self._html_into(parent, wrapper, page_url)

    def _site_body(self, slug: str) -> etree._Element | None:
        """The body ``<div>`` of the article's rendered page, or None. The slice
        parsed ends at the page's footer: the content policy lets no ``footer``
        into a body, so the marker cannot come from an article's text."""
        assert self.pages is not None
        # The slice's folder first: its pages move from there into ``pages`` (one
        # rename of the page's folder, so it is in one or the other).
        folders = [self._rendered[slug]] if slug in self._rendered else []
        page = None
        for folder in [*folders, *self.pages]:
            try:
                page = (folder / "articles" / slug / "index.html").read_text("utf-8")
                break
            except OSError:
                continue
        if page is None:
            return None
        start = page.find(BODY_START)
        end = page.find(BODY_END, start)
        if start < 0 or end < 0:
            return None
        wrapper = lxml_html.fragment_fromstring(page[start:end], create_parent="div")
        body = wrapper[0] if len(wrapper) else None
        if body is None or body.tag != "div" or body.get("class") != "ns-article__body":
            return None
        return body

    def _html_into(self, parent: etree._Element, wrapper: etree._Element, page_url: str) -> None:
        """Append the children of ``wrapper`` (HTML parsed by lxml) to ``parent`` as
        XHTML elements: links made absolute, images replaced by their words,
        names XML cannot hold dropped. The text around them is trimmed, so a body
        read from the site's page and one rendered here give the same bytes."""
        wrapper.text = (wrapper.text or "").lstrip()
        if len(wrapper):
            wrapper[-1].tail = (wrapper[-1].tail or "").rstrip()
        else:
            wrapper.text = wrapper.text.rstrip()
        for image in list(wrapper.iterdescendants("img")):
            # The book carries no pictures: the image's words stand in for it.
            span = _el("span", image.get("alt") or "")
            span.tail = image.tail
            image.getparent().replace(image, span)
        base = self.config.absolute(page_url)
        for element in wrapper.iterdescendants():
            tag = element.tag
            if not isinstance(tag, str) or tag.startswith("{"):
                continue  # a comment (stripped below), or a span made above
            href = element.get("href")
            # An address with a scheme (most of a body's: magiclink's) stays as it is.
            if href is not None and not href.startswith("#") and not _HAS_SCHEME.match(href):
                element.set("href", urljoin(base, href))
            element.tag = f"{{{XHTML_NS}}}{tag}"
            for name in element.attrib:
                if not _XML_NAME.fullmatch(name):
                    # What the HTML parser accepts but XML cannot name is dropped.
                    for bad in [n for n in element.attrib if not _XML_NAME.fullmatch(n)]:
                        del element.attrib[bad]
                    break
        # Comments and processing instructions never reach the book.
        etree.strip_elements(wrapper, etree.Comment, etree.ProcessingInstruction, with_tail=False)
        _append_text(parent, wrapper.text or "")
        for child in list(wrapper):
            parent.append(child)

    # -- documents ---------------------------------------------------------------

    def _document(self, title: str) -> tuple[etree._Element, etree._Element]:
        root = etree.Element(f"{{{XHTML_NS}}}html", nsmap={None: XHTML_NS, "epub": EPUB_NS})
        root.set("lang", LANGUAGE)
        root.set("{http://www.w3.org/XML/1998/namespace}lang", LANGUAGE)
        head = _sub(root, "head")
        _sub(head, "meta", charset="utf-8")
        _sub(head, "title", title)
        _sub(head, "link", rel="stylesheet", type="text/css", href="style.css")
        body = _sub(root, "body")
        return root, body

    @staticmethod
    def _serialize(root: etree._Element) -> bytes:
        return b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n' + etree.tostring(
            root, encoding="utf-8"
        )

    def _cover(self, heading: str, lines: list[tuple[str, dt.date | None]], title: str) -> bytes:
        root, body = self._document(title)
        section = _sub(body, "section", class_="cover")
        _sub(section, "p", PUBLICATION, class_="cover-publication")
        _sub(section, "h1", heading)
        for text, date in lines:
            p = _sub(section, "p", class_="cover-date")
            if date is not None:
                _sub(p, "time", text, datetime=date.isoformat())
            else:
                p.text = _text(text)
        return self._serialize(root)

    def _intro(self, heading: str, text: str, page_url: str, title: str) -> bytes:
        root, body = self._document(title)
        section = _sub(body, "section", class_="introduction")
        _sub(section, "h1", heading)
        self._markdown_into(section, text, page_url)
        return self._serialize(root)

    def _byline(self, parent: etree._Element, names: tuple[str, ...]) -> None:
        if not names:
            _sub(parent, "p", "Writer not named", class_="byline")
            return
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        _sub(parent, "p", f"By {joined}", class_="byline")

    def article_document(self, entry: ArticleInput) -> bytes:
        a, issue = entry.article, entry.issue
        root, body = self._document(a.title)
        article = _sub(body, "article", class_="article")
        header = _sub(article, "header")
        if issue is not None:
            _sub(header, "p", issue.title, class_="kicker")
        _sub(header, "h1", a.title)
        standfirst = display_standfirst(a)
        if standfirst:
            _sub(header, "p", standfirst, class_="standfirst")
        self._byline(header, a.authors)
        provenance = _sub(header, "p", class_="provenance")
        if issue is not None:
            provenance.text = "First appeared in the "
            time_el = _sub(
                provenance, "time", long_date(issue.date), datetime=issue.date.isoformat()
            )
            time_el.tail = _text(f" issue: {issue.title}")
        else:
            provenance.text = "Published online only"
        _append_text(provenance, f" · {entry.minutes} min read")
        if a.image is not None and (a.image.caption or a.image.credit):
            parts = [a.image.caption or ""]
            if a.image.credit:
                parts.append(f"Picture: {a.image.credit}")
            _sub(header, "p", " ".join(p for p in parts if p), class_="image-credit")
        if entry.note:
            _sub(header, "p", entry.note, class_="pick-note")
        if a.corrections:
            box = _sub(article, "section", class_="corrections")
            _sub(box, "h2", "Correction" if len(a.corrections) == 1 else "Corrections")
            for c in a.corrections:
                # Dated as on the web page (corrections are dated data, issue 15).
                dated = f"{long_date(c.date)}: {c.text}" if c.date else c.text
                _sub(box, "p", dated)
        self._body_into(_sub(article, "div", class_="body"), a)
        for i, timeline in enumerate(a.timelines):
            box = _sub(article, "section", class_="timeline", id=f"ns-timeline-{i + 1}")
            _sub(box, "h2", timeline.title)
            events = _sub(box, "ol")
            for event in sorted(timeline.events, key=lambda e: e.sort_key):
                item = _sub(events, "li")
                # One <time> per date, two for a span, each a valid HTML datetime
                # (a decade carries its first year), as on the site.
                stamps = event_dates.times(event.date)
                for k, (value, label) in enumerate(stamps):
                    if k:
                        _append_text(item, "–")
                    _sub(item, "time", label, datetime=value)
                _append_text(item, f" {event.text}")
            if timeline.credit:
                _sub(box, "p", f"Compiled by {timeline.credit}", class_="compiled")
        if a.credits or a.notes or a.author_bio:
            footer = _sub(article, "footer")
            if a.credits:
                _sub(footer, "p", " · ".join(a.credits), class_="credit")
            for note in a.notes:
                _sub(footer, "p", note, class_="note")
            if a.author_bio:
                _sub(footer, "p", a.author_bio, class_="bio")
        return self._serialize(root)

    # -- books -------------------------------------------------------------------

    def issue_book(self, book: BookInput) -> bytes:
        day = long_date(book.date)
        title = f"{PUBLICATION}, {day}: {book.heading}"
        count = len(book.articles)
        cover = self._cover(
            book.heading,
            [(day, book.date), (f"{count} article{'s' if count != 1 else ''}", None)],
            title,
        )
        return self._book(book, title, cover)

    def collection_book(self, book: BookInput) -> bytes:
        title = f"{book.heading}: a {PUBLICATION} collection"
        count = len(book.articles)
        cover = self._cover(
            book.heading,
            [
                (f"A collection from the {PUBLICATION}", None),
                (f"{count} article{'s' if count != 1 else ''}, chosen by the editors", None),
            ],
            title,
        )
        return self._book(book, title, cover)

    def _book(self, source: BookInput, title: str, cover: bytes) -> bytes:
        url, date, intro = source.url, source.date, source.intro
        canonical = self.config.absolute(url)
        book = epub.EpubBook()
        book.set_identifier(f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, canonical)}")
        book.set_title(_text(title))
        book.set_language(LANGUAGE)
        book.add_metadata("DC", "publisher", PUBLICATION)
        book.add_metadata("DC", "date", date.isoformat())
        book.add_metadata("DC", "source", canonical)
        writers: list[str] = []
        for entry in source.articles:
            for name in entry.article.authors:
                if name not in writers:
                    writers.append(name)
        for name in writers:
            book.add_metadata("DC", "creator", _text(name))

        style = epub.EpubItem(
            uid="style", file_name="style.css", media_type="text/css", content=STYLESHEET
        )
        book.add_item(style)
        spine: list[Any] = []
        toc: list[Any] = []

        def add(uid: str, name: str, label: str, content: bytes) -> None:
            item = epub.EpubItem(
                uid=uid, file_name=name, media_type="application/xhtml+xml", content=content
            )
            book.add_item(item)
            spine.append(item)
            toc.append(epub.Link(name, _text(label), uid))

        add("cover", "cover.xhtml", "Cover", cover)
        nav = epub.EpubNav(file_name="nav.xhtml")
        book.add_item(nav)
        spine.append(nav)
        if intro is not None:
            add(
                "intro",
                "intro.xhtml",
                "Introduction",
                self._intro("Introduction", intro, url, title),
            )
        for i, entry in enumerate(source.articles):
            add(
                f"a{i + 1:04d}",
                f"a{i + 1:04d}.xhtml",
                entry.article.title,
                self.article_document(entry),
            )
        book.add_item(epub.EpubNcx())
        book.toc = toc
        book.spine = spine
        raw = io.BytesIO()
        moment = dt.datetime.combine(date, dt.time())
        # Stored by EbookLib (level 0) and deflated once, by repack.
        options = {"mtime": moment, "epub3_pages": False, "spine_direction": False}
        epub.write_epub(raw, book, {**options, "compresslevel": 0})
        return repack(raw.getvalue(), moment)


def repack(data: bytes, moment: dt.datetime) -> bytes:
    """The same entries, in a fixed order with fixed dates: ``mimetype`` first and
    stored (the EPUB container's rule), the rest sorted by name and deflated."""
    stamp = (max(moment.year, 1980), moment.month, moment.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    names = ["mimetype", *sorted(n for n in entries if n != "mimetype")]
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3
            info.external_attr = 0o644 << 16
            stored = name == "mimetype"
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            target.writestr(info, entries[name], compresslevel=None if stored else 6)
    return out.getvalue()


# What a waiting worker is told: the folder a slice of the render has written, or
# None once every page is rendered. Only a name: a pipe holds 64 KB, and a worker
# that has ended (every book from the cache) reads nothing more.
PagesNews = str | None
# How a book kept for later is found again (write_books).
Handle = TypeVar("Handle")


def write_epubs(
    edition: Edition,
    config: SiteConfig,
    out: Path,
    cache_dir: Path | None,
    fallback_date: dt.date,
    pages: Pages = None,
    news: Callable[[], PagesNews] | None = None,
    part: tuple[int, int] = (0, 1),
) -> EpubStats:
    """Write every book of ``edition`` under ``out`` (a site folder), in this
    process (``write_books``). ``part`` (k, n): only every n-th book from the k-th,
    for n workers side by side; the caller then prunes the cache (``prune_cache``)."""
    books = ((book, book) for book in book_inputs(edition, fallback_date, part))
    return write_books(books, lambda book: book, config, out, cache_dir, pages, news, part[1] == 1)


def write_books(
    books: Iterable[tuple[BookInput, Handle]],
    again: Callable[[Handle], BookInput],
    config: SiteConfig,
    out: Path,
    cache_dir: Path | None,
    pages: Pages = None,
    news: Callable[[], PagesNews] | None = None,
    prune: bool = True,
) -> EpubStats:
    """Write these books under ``out`` (a site folder): ``books`` gives each
    book's inputs and a handle that ``again`` turns back into them, for a book
    made later (only its path, its slugs and the handle are kept meanwhile). With
    ``cache_dir``, a book whose inputs did not change since the last build is
    hard-linked from there (copied where links cannot be made), and with
    ``prune`` the books no build asks for any more are removed from it. With
    ``pages``, the article bodies are read from that rendered site. With ``news``
    (a build: MkDocs is rendering ``pages``), the books the cache does not hold
    are made as their pages are written: ``news()`` waits for the next slice of
    the render (``PagesNews``), and each book is made as soon as all its
    articles' pages are there, the rest once every page is (a page never
    rendered, as in a shard's build, is converted from Markdown then)."""
    started, cpu = time.perf_counter(), time.process_time()
    maker = BookMaker(config, pages)
    stats = EpubStats()
    waiting: list[tuple[str, tuple[str, ...], Handle, Path | None]] = []

    def put(path: str, data: bytes) -> None:
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        # A new file, never written into: what is there may be a link to the cache.
        target.unlink(missing_ok=True)
        target.write_bytes(data)

    def link(path: str, cached: Path) -> bool:
        """The cached book hard-linked at ``path``, where the file system allows.
        Copying every cached book at every build was 53 MB read and written at
        10,000 articles (0.7 to 1.7 s of the workers' CPU in a one-edit rebuild),
        and an incremental build then read the site's copy too to see that it was
        the same (incremental._same_file: the same file now)."""
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(cached, target)
        except OSError:
            return False
        return True

    for book, handle in books:
        stats.books += 1
        stats.paths.append(book.path)
        data: bytes | None = None
        cached: Path | None = None
        if cache_dir is not None:
            cached = cache_dir / f"{book_digest(book, config)}.epub"
            stats.cached.append(cached.name)
            if link(book.path, cached):
                continue
            try:
                data = cached.read_bytes()
            except OSError:
                data = None
        if data is None:
            waiting.append((book.path, book.slugs, handle, cached))
        else:
            put(book.path, data)
    every_page = news is None
    while True:
        later = []
        for path, slugs, handle, cached in waiting:
            if not every_page and not maker.has_pages(slugs):
                later.append((path, slugs, handle, cached))
                continue
            data = maker.make(again(handle))
            stats.made += 1
            if cached is not None:
                write_atomic(cached, data)
                # The cache's file, as a held book is: the next build finds site/
                # holding it already.
                if link(path, cached):
                    continue
            put(path, data)
        waiting = later
        if not waiting:
            break
        assert news is not None
        paused = time.perf_counter()
        message = news()
        started += time.perf_counter() - paused  # waiting is not the books' time
        if message is None:
            every_page = True
        else:
            maker.rendered(Path(message))
    if cache_dir is not None and prune:
        prune_cache(cache_dir, stats.cached)
    stats.seconds = time.perf_counter() - started
    stats.cpu_seconds = time.process_time() - cpu
    return stats


def _same_inode(one: Path, two: Path) -> bool:
    try:
        a, b = os.stat(one), os.stat(two)
    except OSError:
        return False
    return (a.st_ino, a.st_dev) == (b.st_ino, b.st_dev)


def _link_or_copy(source: Path, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def prune_cache(cache_dir: Path, kept: list[str]) -> None:
    """Remove the books no build asks for any more from the cache."""
    if cache_dir.is_dir():
        wanted = set(kept)
        for entry in os.scandir(cache_dir):
            if entry.name.endswith(".epub") and entry.name not in wanted:
                os.unlink(entry.path)


# A book's inputs in a worker's file: where its pickle starts and its length.
_LENGTH = struct.Struct("<Q")


def write_inputs(books: Iterable[BookInput], files: list[BinaryIO]) -> int:
    """Each book's inputs, pickled, into ``files`` in turn (one per worker), each
    pickle after its length; returns how many books were written."""
    count = 0
    for i, book in enumerate(books):
        data = pickle.dumps(book, protocol=pickle.HIGHEST_PROTOCOL)
        target = files[i % len(files)]
        target.write(_LENGTH.pack(len(data)))
        target.write(data)
        count = i + 1
    return count


def write_from_file(
    inputs: str,
    config: SiteConfig,
    out: Path,
    cache_dir: Path | None,
    pages: Pages,
    news: Callable[[], PagesNews] | None,
) -> EpubStats:
    """A worker: the books whose inputs are in the file ``inputs``
    (``write_inputs``), read one at a time, and read again for a book made later."""
    with open(inputs, "rb") as file:

        def read(offset: int) -> BookInput:
            file.seek(offset)
            (length,) = _LENGTH.unpack(file.read(_LENGTH.size))
            book: BookInput = pickle.loads(file.read(length))
            return book

        def each() -> Iterator[tuple[BookInput, int]]:
            size = os.fstat(file.fileno()).st_size
            offset = 0
            while offset < size:
                book = read(offset)
                yield book, offset
                offset = file.tell()

        return write_books(each(), read, config, out, cache_dir, pages, news, prune=False)


class EpubJob:
    """Writes the books beside the build. This process keys every book
    (``book_digest``) and takes those the cache holds (``.cache/epub/``) as they
    are; the others are made by at most two worker processes, started only when
    there is a book to make. The workers are started afresh (spawned: they
    inherit nothing of the build's memory), and this process writes the inputs of
    the books to make (``BookInput``: a few values and the articles' front matter,
    about a kilobyte an article) into one file per worker first; a worker reads
    them one book at a time and keeps nothing of a book once it is made. (Forked
    workers inheriting the edition model each ended up with a private copy of it:
    2.1 GB each at 100,000 synthetic articles, see docs/performance.md. Two
    workers spawned for every build, each importing the book-making code and
    linking half the cached books, were 2.6 s of CPU on a one-edit rebuild at
    10,000 articles, which makes one book: py-spy, docs/performance.md.) A worker
    makes each book as soon as MkDocs has written its articles' pages (the
    bodies are read from them): ``slice_ready`` passes on each slice of the
    render as it ends, ``pages_ready`` the end of the render. Where processes
    cannot be started, the books are made on ``wait()``. ``finish`` puts the
    books into the new site, which MkDocs empties before it renders: the cached
    ones hard-linked from the cache."""

    def __init__(
        self,
        edition: Edition,
        config: SiteConfig,
        out: Path,
        cache_dir: Path | None,
        fallback_date: dt.date,
        pages: Pages = None,
    ) -> None:
        self._out, self._cache_dir = out, cache_dir
        out.mkdir(parents=True, exist_ok=True)
        # The books the cache holds: (site path, the cached file), and their stats.
        self._held: list[tuple[str, Path]] = []
        self._held_stats = EpubStats()
        self._made: list[str] = []  # the site paths of the books the workers made

        def to_make() -> Iterator[BookInput]:
            for book in book_inputs(edition, fallback_date):
                if cache_dir is not None:
                    name = f"{book_digest(book, config)}.epub"
                    cached = cache_dir / name
                    if cached.is_file():
                        self._held.append((book.path, cached))
                        self._held_stats.books += 1
                        self._held_stats.paths.append(book.path)
                        self._held_stats.cached.append(name)
                        continue
                yield book

        self._inputs = [out / f".inputs-{k}.pickle" for k in range(WORKERS)]
        with contextlib.ExitStack() as stack:
            files = [stack.enter_context(open(path, "wb")) for path in self._inputs]
            count = write_inputs(to_make(), files)
        # Two workers at most: once the pages are rendered, the books are the
        # build's only work left, and the machine has two cores.
        workers = min(WORKERS, count)
        for path in self._inputs[workers:]:
            path.unlink()
        self._inputs = self._inputs[:workers]
        # One one-way pipe to each worker: what the render has written so far.
        self._news: list[Connection] = []
        channels: list[Connection | None] = [None] * workers
        if _SPAWN:
            context = multiprocessing.get_context("spawn")
            for k in range(workers):
                channels[k], send = context.Pipe(duplex=False)
                self._news.append(send)
        self._ended = False
        parent = os.getpid()
        self._jobs = [
            BackgroundJob(
                partial(
                    write_from_file,
                    str(self._inputs[k]),
                    config,
                    out,
                    cache_dir,
                    pages,
                    None if channel is None else partial(receive, channel, parent),
                ),
                error=EpubError,
                what="EPUB files",
                spawn=True,
            )
            for k, channel in enumerate(channels)
        ]
        for channel in channels:
            if channel is not None:
                channel.close()  # the workers hold their own ends

    def _tell(self, message: PagesNews) -> None:
        for send in self._news:
            with contextlib.suppress(OSError):  # the worker has ended: wait() says why
                send.send(message)

    def slice_ready(self, folder: Path) -> None:
        """A slice of the render has ended, its pages in ``folder``: the workers
        may make the books whose articles are all written."""
        if not self._ended:
            self._tell(str(folder))

    def pages_ready(self) -> None:
        """The pages are rendered: the workers may make every book now."""
        if not self._ended:
            self._ended = True
            self._tell(None)
            for send in self._news:
                send.close()

    def _clean(self) -> None:
        for path in self._inputs:
            path.unlink(missing_ok=True)

    def wait(self) -> EpubStats:
        """The stats of every book, made or held: the made ones are in ``out``."""
        self.pages_ready()
        made = EpubStats()
        try:
            for job in self._jobs:
                made.add(job.wait()[0])
        finally:
            self._clean()
        stats = EpubStats()
        stats.add(self._held_stats)
        stats.add(made)
        if self._cache_dir is not None:
            prune_cache(self._cache_dir, stats.cached)
        self._made = list(made.paths)
        return stats

    def finish(self, site: Path, previous: Path | None = None) -> EpubStats:
        """Wait for the books and put them into ``site``; a book left there by an
        incremental build for an issue or collection that is gone is removed.
        ``previous`` (an incremental build, ``site`` the changes to apply to it):
        a held book it has already, as the cache's very file, is not put again."""
        stats = self.wait()
        wanted = set(stats.paths)
        for old in [*site.glob("issues/*/*.epub"), *site.glob("collections/*/*.epub")]:
            if old.relative_to(site).as_posix() not in wanted:
                old.unlink()
        site_text = os.fspath(site)
        for path, cached in self._held:
            if previous is not None and _same_inode(previous / path, cached):
                continue
            target = os.path.join(site_text, path)
            try:
                os.link(cached, target)
            except FileNotFoundError:
                os.makedirs(os.path.dirname(target), exist_ok=True)
                _link_or_copy(cached, target)
            except FileExistsError:
                os.unlink(target)
                _link_or_copy(cached, target)
            except OSError:
                shutil.copyfile(cached, target)  # no links on this file system
        for path in self._made:
            target = site / path
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self._out / path, target)
        return stats

    def cancel(self) -> None:
        for job in self._jobs:
            job.cancel()
        self._clean()
