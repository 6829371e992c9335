"""Generated pages: the edition model to the docs tree that MkDocs renders.

Each page is a Markdown file whose front matter carries what the theme's <head>
needs and whose body is HTML rendered here, by Jinja templates from
``overrides/edition/`` with autoescaping on, around the article's own Markdown.
MkDocs and Material print ``page.meta.title`` and ``page.meta.description``
without escaping them, so those two are written already HTML-escaped; every other
value the theme reads sits, raw, under ``edition:`` and is escaped by the
templates that print it (``|e``, ``|tojson``).
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
    select_autoescape,
)
from markupsafe import Markup

from generator.content import event_dates
from generator.content.body import body_text, word_count
from generator.content.curation import Collection, Topic
from generator.content.edition import Edition, Issue, Writer
from generator.content.listings import (
    UNATTRIBUTED,
    UNDATED,
    dated_key,
    group,
    initial,
    part_label,
    parts,
    timeline_year,
    writer_by_year,
    writer_latest,
)
from generator.content.policy import strip_comments
from generator.content.schema import Article, Timeline
from generator.errors import RenderError
from generator.formatting import (
    collection_epub_path,
    display_standfirst,
    event_label,
    issue_epub_path,
    long_date,
    page_url,
    relative,
)
from generator.site import cite
from generator.site.typography import smarten_html

PUBLICATION = "New Statesman"
# libyaml's emitter: the pure-Python one was a third of page generation's time.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
# The home page shows this many of a featured collection's articles, then a link to
# the rest: a collection may grow long, the home page should not.
FEATURED_MAX = 5
# The home page lists this many issues after the latest; /issues/ has them all.
RECENT_ISSUES = 6
# A line that starts a Markdown block of its own (list item, heading, quote, table)
# and so is never joined to the line before it.
_BLOCK_START = re.compile(r"\s*(?:[-*+>#|]|\d+[.)])")


@dataclass(frozen=True)
class SiteConfig:
    site_name: str
    site_url: str
    site_description: str

    def absolute(self, url: str) -> str:
        return self.site_url.rstrip("/") + "/" + url.lstrip("/")


@dataclass(frozen=True)
class Page:
    path: str  # relative to the docs dir, e.g. "articles/slug.md"
    text: str


# What a page is rendered from: (docs path, template, meta, the template's values).
PageInputs = tuple[str, str, dict[str, Any], dict[str, Any]]
# A page template's end, rendered from the same context into finished HTML
# (page.meta.edition.footer_html) that the theme prints after the page's content
# (overrides/main.html), as related reading is (_related_html): not in the page's
# Markdown, which Python-Markdown reads whole with its HTML parser (md_in_html)
# and MkDocs reads again for anchors. The article's footer (picture note, credits,
# topics, the issue's previous and next, the citations: 33 of a page's 44 tags,
# the median) was 1.6 ms of an article page's 10 ms in Python-Markdown (300
# pages of the 10,000-article archive, 2026-12-07). Its text is set here with
# smarten_html, as the Markdown's postprocessor would have set it: the footer
# starts a block, so no quote in it depends on the text before it.
_FOOTERS = {"article.html": "article_footer.html"}


def unwrap_paragraphs(markdown_text: str) -> str:
    """Join the lines an editor wrapped by hand: the site's Markdown (nl2br) would
    print each line break, which is right for verse in an article and wrong for a
    welcome paragraph. Lists, headings and quotes keep their lines."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", markdown_text.strip()):
        lines = block.splitlines()
        if any(_BLOCK_START.match(line) for line in lines):
            out.append(block)
        else:
            out.append(" ".join(line.strip() for line in lines))
    return "\n\n".join(out)


def _year_index(parts: list[Part]) -> dict[str, Any]:
    """What a section index's template is given to list its year (and part)
    pages: the decades' navigation, each part by key, and the undated parts."""
    return {
        "decades": _decades(p.key for p in parts),
        "parts": {p.key: p for p in parts},
        "undated": [p for p in parts if p.year is None],
    }


def _decades(keys: Iterable[str]) -> list[tuple[str, list[str]]]:
    """Year keys ("1938", "1938-2"; in the listing's order) as runs of decades, for
    a section index's navigation: [("1930s", ["1938", "1938-2", "1939"])]. Keys
    that are no year ("undated") are left out: the index lists them apart."""
    decades: list[tuple[str, list[str]]] = []
    for key in keys:
        if not key[:4].isdigit():
            continue
        decade = key[:3] + "0s"
        if not decades or decades[-1][0] != decade:
            decades.append((decade, []))
        decades[-1][1].append(key)
    return decades


@dataclass(frozen=True)
class Part:
    """One year or part page of a split section listing (generator/content/listings.py)."""

    key: str  # "1938", "1938-2", "a", "undated"
    path: str  # its docs file, "timelines/1938.md"
    items: Sequence[Any]

    @property
    def url(self) -> str:
        return page_url(self.path)

    @property
    def label(self) -> str:
        return part_label(self.key)

    @property
    def year(self) -> str | None:
        return self.key[:4] if self.key[:4].isdigit() else None


def _split(folder: str, groups: dict[str, list[Any]], *, chunk: bool = True) -> list[Part]:
    """Groups (in the listing's order) as pages, each cut into parts of at most
    PART_MAX entries when ``chunk``."""
    out: list[Part] = []
    for key, items in groups.items():
        pieces = parts(key, items) if chunk else [(key, items)]
        out += [Part(k, f"{folder}/{k}.md", chunk_items) for k, chunk_items in pieces]
    return out


def _neighbours(pages: list[Part]) -> Iterator[tuple[Part, Part | None, Part | None]]:
    """Each page of a split listing with the one before and after it."""
    for i, part in enumerate(pages):
        yield part, pages[i - 1] if i else None, pages[i + 1] if i + 1 < len(pages) else None


def _timeline_context(timelines: tuple[Timeline, ...]) -> list[dict[str, Any]]:
    """Each timeline for the template, its events in date order and an id to link to."""
    return [
        {
            "title": t.title,
            "credit": t.credit,
            "id": f"timeline-{i + 1}",
            "events": sorted(t.events, key=lambda e: e.sort_key),
        }
        for i, t in enumerate(timelines)
    ]


def template_problem(error: TemplateError, template: str, page: str) -> str:
    """``file:line: message`` for a template that failed, the line being the
    template's own (the innermost frame Jinja maps back to a template file), so
    that whoever edits ``overrides/`` is pointed at the place, not at a traceback."""
    where = template
    if isinstance(error, TemplateSyntaxError) and error.filename:
        where = f"{error.filename}:{error.lineno}"
    else:
        tb = error.__traceback__
        while tb is not None:
            name = tb.tb_frame.f_code.co_filename
            if name.endswith(".html"):
                where = f"{name}:{tb.tb_lineno}"
            tb = tb.tb_next
    return (
        f"{where}: {error.message or type(error).__name__}: while making {page} "
        "(a template that asks for a value the generator does not give: are the "
        "templates in overrides/ from the same version as the generator?)"
    )


def _kicker_of(article: Article, first: Topic | None) -> dict[str, str | None] | None:
    """The label above a headline: the article's first topic (``first``, its
    curation entry, None where it has none), or nothing."""
    if not article.topics:
        return None
    return {"name": article.topics[0], "url": first.url if first is not None else None}


@dataclass(frozen=True)
class ArticleContext:
    """What an article page takes from the edition: its article (a function of its
    file), its issue, the slugs of the articles before and after it there, its
    reading time, its topics (None for a name the curation does not describe),
    its collections and its writers' slugs. With the site's configuration,
    ``PageBuilder.inputs_of`` makes the page's inputs from it alone."""

    article: Article
    issue: Issue | None
    neighbours: tuple[str | None, str | None]
    minutes: int
    topics: tuple[Topic | None, ...]
    collections: tuple[Collection, ...]
    writer_slugs: tuple[str, ...]


class PageBuilder:
    def __init__(
        self,
        edition: Edition,
        config: SiteConfig,
        templates: Path,
        books: bool = True,
        templates_cache: Path | None = None,
    ) -> None:
        """``templates_cache``: a folder for the compiled templates
        (``templates_cache_for``)."""
        self.edition = edition
        self.config = config
        # False in the live preview, which makes no EPUBs: no link to one that 404s.
        self.books = books
        self.env = Environment(
            loader=FileSystemLoader(templates),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            # A PageBuilder lives for one generation; checking every template file's
            # modification time on every page was a tenth of the time.
            auto_reload=False,
            bytecode_cache=(
                None if templates_cache is None else FileSystemBytecodeCache(str(templates_cache))
            ),
        )
        self.env.filters["long_date"] = long_date
        self.env.filters["event_label"] = event_label
        self.env.filters["event_times"] = event_dates.times
        self._issue_index = {issue.date: i for i, issue in enumerate(edition.issues)}
        self._writers_by_slug = {w.slug: w for w in edition.writers}
        # Related reading's items and headings, made once (see _related_html).
        self._related_items: dict[str, Markup] = {}
        self._related_headings: dict[tuple[str, str, str, str | None], Markup] = {}
        # Each article's card fields and their digest, made once (_card_fields).
        self._card_fields_of: dict[str, tuple[Any, ...]] = {}
        self._card_digests: dict[str, bytes] = {}

    # -- helpers the templates use -------------------------------------------------

    def _context(self, url: str) -> dict[str, Any]:
        edition = self.edition

        def link(to: str) -> str:
            return relative(url, to)

        def article_card(slug: str) -> dict[str, Any]:
            # Made from the fields and the page's address only: card_digest.
            title, standfirst, writers, issue_date, minutes, kicker = self._card_fields(slug)
            return {
                "title": title,
                "url": link(f"articles/{slug}/"),
                "standfirst": standfirst,
                "writers": [{"name": n, "url": link(f"authors/{w}/")} for n, w in writers],
                "issue_date": issue_date,
                "minutes": minutes,
                "kicker": None if kicker is None else dict(kicker),
            }

        return {
            "link": link,
            "card": article_card,
            "site": self.config,
            "edition": edition,
        }

    def _card_fields(self, slug: str) -> tuple[Any, ...]:
        """All an article's card (``card`` in a template) is made from, besides the
        address of the page it is on: (title, standfirst, (writer, writer's slug)
        pairs, issue date, reading minutes, kicker)."""
        fields = self._card_fields_of.get(slug)
        if fields is None:
            edition = self.edition
            a = edition.articles[slug]
            title, standfirst, authors, issue_date, minutes = self.card_own_fields(a)
            fields = (
                title,
                standfirst,
                tuple((n, edition.writer_slugs[n]) for n in authors),
                issue_date,
                minutes,
                self._kicker(a),
            )
            self._card_fields_of[slug] = fields
        return fields

    def cards_digest(
        self, slugs: Iterable[str], own: Callable[[Article], bytes] | None = None
    ) -> bytes:
        """A digest of the cards of ``slugs``, for a page whose address its memo
        key holds already (PageMemo): of each card's fields, made once an article.
        Making the cards themselves for each of the 11,031 pages the memo checks
        was 5.1 s of a one-edit rebuild at 10,000 articles (cProfile, under load):
        47,887 cards, each article's several times over. ``own``: where known, the
        digest of an article's ``card_own_fields`` (PageMemo keeps them from the
        last build by the file's digest: 0.05 to 0.07 s for 10,000 cards, against
        0.07 to 0.08 s making every card's fields, ``display_standfirst`` too)."""
        digest = hashlib.sha256()
        edition = self.edition
        for slug in slugs:
            one = self._card_digests.get(slug)
            if one is None:
                a = edition.articles[slug]
                mine = own(a) if own is not None else self.card_own_fields(a)
                fields = (mine, tuple((n, edition.writer_slugs[n]) for n in a.authors))
                one = hashlib.sha256(repr((slug, fields, self._kicker(a))).encode()).digest()
                self._card_digests[slug] = one
            digest.update(one)
        return digest.digest()

    def card_own_fields(self, a: Article) -> tuple[Any, ...]:
        """What an article's card takes from the article alone (with ``_card_fields``'
        writers' slugs and kicker, the rest): a function of its file."""
        return (
            a.title,
            display_standfirst(a),
            a.authors,
            a.issue.date if a.issue else None,
            self.edition.reading_minutes[a.slug],
        )

    def _kicker(self, article: Article) -> dict[str, str | None] | None:
        """The label above a headline: the article's first topic, or nothing."""
        first = self.edition.curation.topics.get(article.topics[0]) if article.topics else None
        return _kicker_of(article, first)

    def _page(
        self,
        path: str,
        template: str,
        meta: dict[str, Any],
        *,
        cards: list[str] | None = None,
        **values: Any,
    ) -> Page:
        """With ``cards``, the page is rendered without ``edition`` in its context
        (StrictUndefined: a template that reads it fails) and every slug whose card
        it asks for is appended to ``cards``: then values, meta and those cards are
        all the page depends on (PageMemo)."""
        url = page_url(path)
        context = self._context(url) | values
        if cards is not None:
            card = context["card"]

            def logged(slug: str) -> dict[str, Any]:
                cards.append(slug)
                return card(slug)  # type: ignore[no-any-return]

            del context["edition"]
            context["card"] = logged
        try:
            body = self.env.get_template(template).render(context)
            footer = _FOOTERS.get(template)
            if footer is not None:
                # The same context (and card log) as the page's own template.
                end = self.env.get_template(footer).render(context).strip()
                if end:
                    meta["edition"]["footer_html"] = smarten_html(end)
        except TemplateError as error:
            raise RenderError(template_problem(error, template, path)) from error
        front: dict[str, Any] = {
            # Escaped here because MkDocs and Material print these two raw.
            "title": html.escape(meta.pop("title"), quote=True),
        }
        if meta.get("description"):
            front["description"] = html.escape(meta.pop("description"), quote=True)
        else:
            meta.pop("description", None)
        front.update(meta)
        # Every page is a reader's page: none of Material's docs chrome (the
        # templates leave those blocks empty too; this keeps Material's own
        # scripts from looking for them).
        front["hide"] = ["navigation", "toc", "footer"]
        head = yaml.dump(front, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=100_000)
        return Page(path, f"---\n{head}---\n\n{body.strip()}\n")

    # -- pages ---------------------------------------------------------------------

    def article(self, slug: str, cards: list[str] | None = None) -> Page:
        path, template, meta, values = self.article_inputs(slug)
        return self._page(path, template, meta, cards=cards, body=self.article_body(slug), **values)

    def article_body(self, slug: str) -> Markup:
        """The article's body for its page: read from its file here, when the page
        is made (the edition holds no bodies; ``article_inputs`` has the body's
        digest, in the article, so a kept page needs none)."""
        return Markup(strip_comments(body_text(self.edition.articles[slug].body)))

    def article_context(self, slug: str) -> ArticleContext:
        """All an article page is made from besides the site's configuration, its
        cards, its body and the related-reading block (``ArticleContext``)."""
        edition = self.edition
        a = edition.articles[slug]
        topics = edition.curation.topics
        return ArticleContext(
            article=a,
            issue=edition.issue_of.get(slug),
            neighbours=edition.neighbours.get(slug, (None, None)),
            minutes=edition.reading_minutes[slug],
            topics=tuple(topics.get(n) for n in a.topics),
            collections=tuple(
                edition.curation.collections[c] for c in edition.collections_of.get(slug, ())
            ),
            writer_slugs=tuple(edition.writer_slugs[n] for n in a.authors),
        )

    def article_inputs(self, slug: str, *, related: bool = True) -> PageInputs:
        """(path, template, meta, values): what an article page is rendered from,
        besides the cards its template asks for and its body (``article_body``,
        given by the digest of its file in ``values["article"]``).

        ``related=False``: without the related-reading block, which ``add_related``
        adds; ``related_inputs`` is what it is made from."""
        inputs = self.inputs_of(self.article_context(slug))
        if related:
            self.add_related(inputs, slug)
        return inputs

    def inputs_of(self, context: ArticleContext) -> PageInputs:
        """An article page's inputs (``article_inputs``, without related reading)
        from its context and the site's configuration alone: so the context is
        what PageMemo keys the page by, and it is made into inputs only for a page
        made again (making them for every article page, kept or not, was most of
        the memo's check at 10,000 articles)."""
        a = context.article
        slug = a.slug
        url = f"articles/{slug}/"
        canonical = self.config.absolute(url)
        previous, following = context.neighbours
        jsonld = self._article_jsonld(a, canonical, context.writer_slugs)
        kicker = _kicker_of(a, context.topics[0] if context.topics else None)
        meta = {
            "title": a.title,
            "description": display_standfirst(a) or "",
            "edition": {
                "kind": "article",
                "title": a.title,
                "description": display_standfirst(a) or self.config.site_description,
                "url": canonical,
                "og_type": "article",
                "published": a.issue.date.isoformat() if a.issue else None,
                "section": a.issue.title if a.issue else None,
                "authors": list(a.authors),
                "jsonld": jsonld,
            },
        }
        return (
            f"articles/{slug}.md",
            "article.html",
            meta,
            dict(
                article=a,
                standfirst=display_standfirst(a),
                issue=context.issue,
                previous=previous,
                following=following,
                timelines=_timeline_context(a.timelines),
                minutes=context.minutes,
                kicker=kicker,
                topics=[t for t in context.topics if t is not None],
                collections=list(context.collections),
                citations=cite.citations(cite.work_of(a, canonical)),
                cite_files={"bibtex": f"articles/{slug}.bib", "ris": f"articles/{slug}.ris"},
            ),
        )

    def add_related(self, inputs: PageInputs, slug: str) -> None:
        """Put the related-reading block into an article page's inputs (``article_inputs``
        with ``related=False``), where it has one."""
        path, _, meta, _ = inputs
        related = self._related_html(page_url(path), slug)
        if related:
            meta["edition"]["related_html"] = related

    def related_inputs(self, slug: str) -> tuple[list[dict[str, Any]], list[tuple[Any, ...]]]:
        """All the related-reading block of an article's page is made from (with the
        page's depth, the same for every article): its blocks, and each listed
        article's title and issue date (``_related_item``). Its digest stands for
        the block in the PageMemo's key: rendering the block of every article
        page, kept or not, was 4.1 of the 10.4 s the memo took in a one-edit
        rebuild at 10,000 articles (cProfile, under load)."""
        blocks = self._related(slug)
        articles = self.edition.articles
        items = []
        for b in blocks:
            for s in b["slugs"]:
                a = articles[s]
                items.append((s, a.title, a.issue.date if a.issue else None))
        return blocks, items

    def _article_jsonld(
        self, a: Article, canonical: str, writer_slugs: Sequence[str]
    ) -> dict[str, Any]:
        """schema.org NewsArticle for the article page's <script type="application/ld+json">;
        ``writer_slugs``: of ``a.authors``, in order."""
        jsonld: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": a.title,
            "url": canonical,
            "mainEntityOfPage": canonical,
            "inLanguage": "en-GB",
            "wordCount": word_count(a.body),
            "author": [
                {
                    "@type": "Person",
                    "name": n,
                    "url": self.config.absolute(f"authors/{w}/"),
                }
                for n, w in zip(a.authors, writer_slugs, strict=True)
            ],
            "publisher": {"@type": "Organization", "name": PUBLICATION},
        }
        if a.standfirst:
            jsonld["description"] = display_standfirst(a)
        if a.corrections:
            # schema.org's correction (from the Trust Project): each a CorrectionComment.
            jsonld["correction"] = [
                {"@type": "CorrectionComment", "text": c.text}
                | ({"datePublished": c.date.isoformat()} if c.date else {})
                for c in a.corrections
            ]
            dated = [c.date for c in a.corrections if c.date]
            if dated:
                jsonld["dateModified"] = max(dated).isoformat()
        if a.issue:
            jsonld["datePublished"] = a.issue.date.isoformat()
            jsonld["isPartOf"] = {
                "@type": "PublicationIssue",
                "name": a.issue.title,
                "datePublished": a.issue.date.isoformat(),
                "url": self.config.absolute(f"issues/{a.issue.date.isoformat()}/"),
                "isPartOf": {"@type": "Periodical", "name": PUBLICATION},
            }
        return jsonld

    def _related_html(self, url: str, slug: str) -> str:
        """The related-reading block, as finished HTML for the theme to print after
        the article (overrides/main.html), typographic punctuation set.

        Not in the page's Markdown body: Python-Markdown reads every raw HTML block
        with its HTML parser, and this block's 1.7 kB were 6-12% of the Markdown
        time of an article page, 2-4% of a 10,000-article build's CPU (issue 15
        allows 3% for related reading and redirects together;
        devtools/related_cost.py). A YAML string costs the C loader next to
        nothing, and it is made by these autoescaping templates like the body.

        Each list item and heading is made once per build (every article page is
        at the same depth, so their links are the same on every page) and set
        with ``smarten_html`` then: each starts a block (``<li>``, ``<h3>``), so
        the result is the block smartened whole. Made per page, items and
        smartening were 1 ms a page, 3.6% of the build at 10,000."""
        blocks = self._related(slug)
        if not blocks:
            return ""
        macros = self._related_macros
        for b in blocks:
            key = (b["kind"], b["heading"], b["name"], b["url"])
            heading = self._related_headings.get(key)
            if heading is None:
                href = relative(url, b["url"]) if b["url"] else None
                heading = Markup(smarten_html(str(macros.related_heading(b, href))))
                self._related_headings[key] = heading
            b["heading_html"] = heading
            b["entries"] = [self._related_item(s) for s in b.pop("slugs")]
        return str(macros.related_reading(blocks)).strip()

    def _related_item(self, slug: str) -> Markup:
        item = self._related_items.get(slug)
        if item is None:
            a = self.edition.articles[slug]
            card = {
                "url": f"../{slug}/",  # from articles/<any>/ to articles/<slug>/
                "title": a.title,
                "issue_date": a.issue.date if a.issue else None,
            }
            item = Markup(smarten_html(str(self._related_macros.related_item(card))))
            self._related_items[slug] = item
        return item

    @cached_property
    def _related_macros(self) -> Any:
        return self.env.get_template("_related.html").module

    def _related(self, slug: str) -> list[dict[str, Any]]:
        """The blocks of related reading under an article: (heading, link, slugs)."""
        related = self.edition.related.get(slug)
        if related is None:
            return []
        blocks: list[dict[str, Any]] = []
        issue = self.edition.issue_of.get(slug)
        if related.issue and issue is not None:
            blocks.append(
                {
                    "kind": "issue",
                    "heading": "More from this issue",
                    "name": f"{issue.title}, {long_date(issue.date)}",
                    "url": issue.url,
                    "slugs": related.issue,
                }
            )
        for wslug, slugs in related.writers:
            w = self._writers_by_slug[wslug]
            blocks.append(
                {
                    "kind": "writer",
                    "heading": "More by",
                    "name": w.name,
                    "url": w.url,
                    "slugs": slugs,
                }
            )
        if related.nearby:
            blocks.append(
                {
                    "kind": "nearby",
                    "heading": "From around the same time",
                    "name": "",
                    "url": None,
                    "slugs": related.nearby,
                }
            )
        for name, slugs in related.topics:
            topic = self.edition.curation.topics.get(name)
            blocks.append(
                {
                    "kind": "topic",
                    "heading": "More on",
                    "name": name,
                    "url": topic.url if topic else None,
                    "slugs": slugs,
                }
            )
        return blocks

    def issue(self, issue: Issue) -> Page:
        return self.listing(self.issue_inputs(issue))

    def issue_inputs(self, issue: Issue) -> PageInputs:
        meta = self._listing_meta(
            f"{issue.title}, {long_date(issue.date)}",
            f"The {long_date(issue.date)} issue of the {PUBLICATION}: {issue.title}.",
            issue.url,
        )
        index = self._issue_index[issue.date]
        newer = self.edition.issues[index - 1] if index > 0 else None
        older = self.edition.issues[index + 1] if index + 1 < len(self.edition.issues) else None
        note = self.edition.curation.issue_notes.get(issue.date)
        return (
            f"issues/{issue.date.isoformat()}.md",
            "issue.html",
            meta,
            dict(
                issue=issue,
                newer=newer,
                older=older,
                intro=Markup(strip_comments(note.intro)) if note and note.intro else None,
                epub=relative(issue.url, issue_epub_path(issue)) if self.books else None,
                offline=" ".join(relative(issue.url, f"articles/{s}/") for s in issue.slugs),
            ),
        )

    # -- section listings: an index, and a page a year or a part ----------------------
    # (generator/content/listings.py). The index is a navigation with counts; the
    # old fragment ids (/timelines/#events-1938, /issues/#year-1938) sit on its
    # entry for the year, which links to the year's page.

    @cached_property
    def _issue_years(self) -> list[Part]:
        years = group(self.edition.issues, lambda i: str(i.date.year))
        return _split("issues", years, chunk=False)

    def issues_index(self) -> Page:
        meta = self._listing_meta(
            "Issues", f"Every issue of the {PUBLICATION} in this edition, by year.", "issues/"
        )
        years = self._issue_years
        return self._page(
            "issues/index.md",
            "issues.html",
            meta,
            **_year_index(years),
            count=len(self.edition.issues),
        )

    def issue_years(self) -> Iterator[Page]:
        for part, before, after in _neighbours(self._issue_years):
            n = len(part.items)
            meta = self._listing_meta(
                f"Issues of {part.label}",
                f"The {n} issue{'s' if n != 1 else ''} of the {PUBLICATION} of {part.label}, "
                "newest first.",
                part.url,
            )
            yield self._page(
                part.path, "issues_year.html", meta, part=part, previous=before, following=after
            )

    def writer(self, writer: Writer) -> Page:
        return self.listing(self.writer_inputs(writer))

    def writer_inputs(self, writer: Writer) -> PageInputs:
        meta = self._listing_meta(
            writer.name, writer.bio or f"Articles by {writer.name}.", writer.url
        )
        years = self.writer_parts(writer)
        values: dict[str, Any] = dict(writer=writer, latest=writer.slugs, years=None)
        if years:
            values.update(latest=writer_latest(writer.slugs), years=_year_index(years))
        return f"authors/{writer.slug}.md", "writer.html", meta, values

    def writer_parts(self, writer: Writer) -> list[Part]:
        """A prolific writer's year (and part) pages, newest first, the web-only
        pieces last; none for a writer of WRITER_PAGE_MAX articles or fewer
        (generator/content/listings.py)."""
        if not writer_by_year(len(writer.slugs)):
            return []
        articles = self.edition.articles
        years = group(writer.slugs, lambda s: dated_key(articles[s]))
        return _split(f"authors/{writer.slug}", years)

    def writer_year_inputs(self, writer: Writer) -> Iterator[PageInputs]:
        """The inputs of a writer's year pages: the writer's name and address, not
        the writer, so that a page is kept (PageMemo) while other years change."""
        for part, before, after in _neighbours(self.writer_parts(writer)):
            n = len(part.items)
            when = f"of {part.label}" if part.year else "published online only"
            meta = self._listing_meta(
                f"{writer.name}: {part.label if part.year else 'web only' + part.label[7:]}",
                f"The {n} article{'s' if n != 1 else ''} by {writer.name} {when}.",
                part.url,
            )
            yield (
                part.path,
                "writer_year.html",
                meta,
                dict(
                    name=writer.name,
                    url=writer.url,
                    part=part,
                    previous=before,
                    following=after,
                    show_issue=part.year is not None,
                ),
            )

    def listing(self, inputs: PageInputs, cards: list[str] | None = None) -> Page:
        """A page of ``card_list_inputs``: rendered, as the PageMemo does, without
        ``edition`` (its template can read nothing the inputs and cards do not
        give), the slugs of the cards it asks for appended to ``cards``."""
        path, template, meta, values = inputs
        return self._page(path, template, meta, cards=[] if cards is None else cards, **values)

    @cached_property
    def _unattributed(self) -> list[Part]:
        """The articles with no named writer: by their issue's year, newest first;
        then the web-only ones (no date) by title."""
        unsigned = [a for a in self.edition.articles.values() if not a.authors]
        dated = sorted(
            (a for a in unsigned if a.issue),
            key=lambda a: (-a.issue.date.toordinal() if a.issue else 0, a.slug),
        )
        undated = sorted(
            (a for a in unsigned if not a.issue), key=lambda a: (a.title.casefold(), a.slug)
        )
        groups = group(
            (a.slug for a in dated), lambda s: str(self.edition.articles[s].issue.date.year)
        )  # type: ignore[union-attr]
        if undated:
            groups[UNDATED] = [a.slug for a in undated]
        return _split(UNATTRIBUTED, groups)

    def writers_index(self) -> Page:
        meta = self._listing_meta("Writers", "Everyone who wrote for this edition.", "authors/")
        unattributed = self._unattributed
        return self._page(
            "authors/index.md",
            "writers.html",
            meta,
            **_year_index(unattributed),
            count=sum(len(p.items) for p in unattributed),
        )

    def unattributed_pages(self) -> Iterator[Page]:
        for part, before, after in _neighbours(self._unattributed):
            when = "with no date (web only)" if part.year is None else f"of {part.label}"
            meta = self._listing_meta(
                f"Articles with no named writer: {part.label}",
                f"The articles {when} for which the source names no writer.",
                part.url,
            )
            yield self._page(
                part.path,
                "unattributed.html",
                meta,
                part=part,
                previous=before,
                following=after,
                show_issue=part.year is not None,
            )

    @cached_property
    def _web_only_letters(self) -> list[Part]:
        articles = self.edition.articles
        letters = group(self.edition.web_only, lambda s: initial(articles[s].title))
        order = sorted(letters, key=lambda k: (k != "0-9", k == "other", k))
        return _split("web-only", {k: letters[k] for k in order})

    def web_only(self) -> Page:
        meta = self._listing_meta(
            "Web only", "Pieces published online only, not in a print issue.", "web-only/"
        )
        return self._page(
            "web-only/index.md",
            "web_only.html",
            meta,
            letters=self._web_only_letters,
            count=len(self.edition.web_only),
        )

    def web_only_pages(self) -> Iterator[Page]:
        for part, before, after in _neighbours(self._web_only_letters):
            meta = self._listing_meta(
                f"Web only: {part.label}",
                f"Pieces published online only whose titles begin with {part.label}.",
                part.url,
            )
            yield self._page(
                part.path, "web_only_part.html", meta, part=part, previous=before, following=after
            )

    @cached_property
    def _timeline_years(self) -> tuple[list[Part], dict[str, list[tuple[str, Timeline]]]]:
        """The chronology by the year each event starts (a decade's 199X under 1990),
        in date order; and the timelines by the year of their first event."""
        events = _split("timelines", group(self.edition.chronology, lambda e: e.event.sort_key[:4]))
        timelines: dict[str, list[tuple[str, Timeline]]] = {}
        for slug, a in self.edition.articles.items():
            for t in a.timelines:
                timelines.setdefault(timeline_year(t), []).append((slug, t))
        for entries in timelines.values():
            entries.sort(key=lambda e: (min(ev.sort_key for ev in e[1].events), e[0]))
        return events, timelines

    def timelines(self) -> Page:
        years, timelines = self._timeline_years
        meta = self._listing_meta(
            "Timelines",
            "Every timeline printed beside an article, and one chronology of all their "
            "events, year by year.",
            "timelines/",
        )
        return self._page(
            "timelines/index.md",
            "timelines.html",
            meta,
            **_year_index(years),
            timeline_count=sum(len(t) for t in timelines.values()),
            event_count=len(self.edition.chronology),
        )

    def timeline_years(self) -> Iterator[Page]:
        years, timelines = self._timeline_years
        articles = self.edition.articles
        for part, before, after in _neighbours(years):
            # The timelines that begin in the year: on its first part.
            begun = timelines.get(part.key, [])
            # Each event links to its article once per timeline on this page, at the
            # timeline's first event here; later events name their timeline only
            # when the year holds events of more than one.
            seen: set[tuple[str, str]] = set()
            chronology = []
            for entry in part.items:
                key = (entry.slug, entry.timeline.title)
                chronology.append((entry, key not in seen))
                seen.add(key)
            about = (
                f"The timelines that begin in {part.label}, and the chronology of every "
                f"timeline's events of {part.label}."
                if part.key == part.year
                else f"The chronology of every timeline's events of {part.label[:4]}, "
                f"continued (part {part.label[6:-1]})."
            )
            meta = self._listing_meta(f"Timelines: {part.label}", about, part.url)
            yield self._page(
                part.path,
                "timelines_year.html",
                meta,
                part=part,
                previous=before,
                following=after,
                timelines=[(slug, t, articles[slug].title) for slug, t in begun],
                chronology=[(e, first, articles[e.slug].title) for e, first in chronology],
                several=len(seen) > 1,
            )

    def home(self, intro_markdown: str) -> Page:
        meta = self._listing_meta(self.config.site_name, self.config.site_description, "")
        return self._page(
            "index.md",
            "home.html",
            meta,
            intro=Markup(unwrap_paragraphs(strip_comments(intro_markdown))),
            featured=self._featured(),
            # The issues after the latest, which heads the page itself.
            recent=self.edition.issues[1 : 1 + RECENT_ISSUES],
        )

    def _featured(self) -> dict[str, Any] | None:
        chosen = self.edition.curation.settings.featured
        if chosen is None:
            return None
        if chosen.collection:
            c = self.edition.curation.collections[chosen.collection]
            return {
                "title": chosen.title or c.title,
                "collection": c,
                "summary": Markup(strip_comments(c.summary)),
                "picks": c.items[:FEATURED_MAX],
                "more": max(0, len(c.items) - FEATURED_MAX),
            }
        return {
            "title": chosen.title or "From the editors",
            "collection": None,
            "summary": None,
            "picks": chosen.articles,
            "more": 0,
        }

    def collection(self, collection: Collection) -> Page:
        count = len(collection.items)
        meta = self._listing_meta(
            collection.title,
            f"{collection.title}: {count} article{'s' if count != 1 else ''} from the "
            f"{PUBLICATION}, chosen and introduced by the editors.",
            collection.url,
        )
        return self._page(
            f"collections/{collection.slug}.md",
            "collection.html",
            meta,
            collection=collection,
            intro=Markup(strip_comments(collection.intro)),
            epub=relative(collection.url, collection_epub_path(collection)) if self.books else None,
        )

    def collections_index(self) -> Page:
        meta = self._listing_meta(
            "Collections", "Articles gathered and introduced by the editors.", "collections/"
        )
        collections = [
            (c, Markup(strip_comments(c.summary)))
            for c in self.edition.curation.collections.values()
        ]
        return self._page("collections/index.md", "collections.html", meta, collections=collections)

    def topic(self, topic: Topic) -> Page:
        meta = self._listing_meta(
            topic.name, topic.description or f"Articles on {topic.name}.", topic.url
        )
        slugs = self.edition.topic_articles.get(topic.name, ())
        return self._page(f"topics/{topic.slug}.md", "topic.html", meta, topic=topic, slugs=slugs)

    def topics_index(self) -> Page:
        meta = self._listing_meta("Topics", "Every topic in the edition, A to Z.", "topics/")
        topics = sorted(self.edition.curation.topics.values(), key=lambda t: t.name.casefold())
        return self._page("topics/index.md", "topics.html", meta, topics=topics)

    @cached_property
    def _correction_years(self) -> list[Part]:
        """The corrections by the year they were made, newest first; those with no
        recorded date last."""
        years = group(
            self.edition.corrections,
            lambda e: str(e.correction.date.year) if e.correction.date else UNDATED,
        )
        return _split("corrections", years)

    def corrections(self) -> Page:
        meta = self._listing_meta(
            "Corrections",
            "Every correction the editors have made to the edition's articles, newest first.",
            "corrections/",
        )
        years = self._correction_years
        return self._page(
            "corrections/index.md",
            "corrections.html",
            meta,
            **_year_index(years),
            count=len(self.edition.corrections),
        )

    def correction_years(self) -> Iterator[Page]:
        for part, before, after in _neighbours(self._correction_years):
            when = "with no recorded date" if part.year is None else f"made in {part.label}"
            meta = self._listing_meta(
                f"Corrections: {part.label}",
                f"The corrections {when} to the edition's articles, newest first.",
                part.url,
            )
            yield self._page(
                part.path,
                "corrections_year.html",
                meta,
                part=part,
                previous=before,
                following=after,
            )

    def search(self) -> Page:
        meta = self._listing_meta("Search", "Search every article of the edition.", "search/")
        return self._page("search/index.md", "search.html", meta)

    def _listing_meta(self, title: str, description: str, url: str) -> dict[str, Any]:
        return {
            "title": title,
            "description": description,
            "edition": {
                "kind": "listing",
                "title": title,
                "description": description,
                "url": self.config.absolute(url),
                "og_type": "website",
                "published": None,
                "section": None,
                "authors": [],
                "jsonld": None,
            },
        }

    def all_pages(self, intro_markdown: str) -> Iterator[Page]:
        yield from self.listing_pages(intro_markdown)
        for slug in self.edition.articles:
            yield self.article(slug)

    def listing_pages(self, intro_markdown: str) -> Iterator[Page]:
        """Every page but the articles: a few per issue and writer, cheap to redo."""
        yield from self.section_pages(intro_markdown)
        for inputs in self.card_list_inputs():
            yield self.listing(inputs)

    def section_pages(self, intro_markdown: str) -> Iterator[Page]:
        """The listing pages but the issues' and writers' (``card_list_inputs``)."""
        yield self.home(intro_markdown)
        yield self.issues_index()
        yield from self.issue_years()
        yield self.writers_index()
        yield from self.unattributed_pages()
        yield self.web_only()
        yield from self.web_only_pages()
        yield self.timelines()
        yield from self.timeline_years()
        yield self.search()
        yield self.corrections()
        yield from self.correction_years()
        yield self.collections_index()
        yield self.topics_index()
        for collection in self.edition.curation.collections.values():
            yield self.collection(collection)
        for topic in self.edition.curation.topics.values():
            yield self.topic(topic)

    def card_list_inputs(self) -> Iterator[PageInputs]:
        """The inputs of each issue's page and each writer's, lists of article cards
        (``listing`` renders them): 1,031 of the 1,117 listing pages at 10,000
        articles and most of their cost (1.3 and 0.95 s of 2.5 s under load),
        which a one-edit rebuild need not redo (PageMemo)."""
        for issue in self.edition.issues:
            yield self.issue_inputs(issue)
        for writer in self.edition.writers:
            yield self.writer_inputs(writer)
            yield from self.writer_year_inputs(writer)
