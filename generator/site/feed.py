"""The Atom feed of the latest articles, made with feedgen (a maintained library)."""

from __future__ import annotations

import datetime as dt

from feedgen.feed import FeedGenerator

from generator.content.edition import CorrectionEntry, Edition
from generator.formatting import display_standfirst
from generator.site.pages import SiteConfig

FEED_SIZE = 50


def atom_feed(edition: Edition, config: SiteConfig, fallback: dt.datetime) -> bytes:
    """Newest articles first, dated by their issue (web-only pieces by ``fallback``)."""

    def published(slug: str) -> dt.datetime:
        issue = edition.articles[slug].issue
        if issue is None:
            return fallback
        return dt.datetime.combine(issue.date, dt.time(), tzinfo=dt.UTC)

    newest = sorted(edition.articles, key=lambda s: (published(s), s), reverse=True)[:FEED_SIZE]
    fg = FeedGenerator()
    fg.id(config.absolute(""))
    fg.title(config.site_name)
    fg.subtitle(config.site_description)
    fg.link(href=config.absolute(""), rel="alternate")
    fg.link(href=config.absolute("feed.xml"), rel="self")
    fg.language("en-GB")
    fg.updated(published(newest[0]) if newest else fallback)
    # feedgen prepends entries; add oldest first so the feed reads newest first.
    for slug in reversed(newest):
        article = edition.articles[slug]
        entry = fg.add_entry()
        url = config.absolute(f"articles/{slug}/")
        entry.id(url)
        entry.title(article.title)
        entry.link(href=url, rel="alternate")
        entry.published(published(slug))
        entry.updated(published(slug))
        for name in article.authors:
            entry.author(name=name)
        summary = display_standfirst(article)
        if summary:
            entry.summary(summary)
    return fg.atom_str(pretty=True)


def corrections_feed(edition: Edition, config: SiteConfig, fallback: dt.datetime) -> bytes:
    """Every correction, newest first: one entry each, linking to its article."""

    def when(entry: CorrectionEntry) -> dt.datetime:
        date = entry.correction.date
        if date is None:
            issue = edition.articles[entry.slug].issue
            date = issue.date if issue else None
        if date is None:
            return fallback
        return dt.datetime.combine(date, dt.time(), tzinfo=dt.UTC)

    fg = FeedGenerator()
    fg.id(config.absolute("corrections/"))
    fg.title(f"{config.site_name}: corrections")
    fg.subtitle("Every correction the editors have made to an article, newest first.")
    fg.link(href=config.absolute("corrections/"), rel="alternate")
    fg.link(href=config.absolute("corrections.xml"), rel="self")
    fg.language("en-GB")
    entries = edition.corrections
    fg.updated(max((when(e) for e in entries), default=fallback))
    # feedgen prepends entries; add oldest first so the feed reads newest first.
    for e in reversed(entries):
        article = edition.articles[e.slug]
        url = config.absolute(f"articles/{e.slug}/")
        item = fg.add_entry()
        # A stable id for the correction itself: its article and its place there.
        item.id(f"{url}#correction-{e.index + 1}")
        item.title(f"Correction: {article.title}")
        item.link(href=url, rel="alternate")
        item.published(when(e))
        item.updated(when(e))
        item.summary(e.correction.text)
    return fg.atom_str(pretty=True)
