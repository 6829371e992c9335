"""The Atom feed of the latest articles, made with feedgen (a maintained library)."""

from __future__ import annotations

import datetime as dt

from feedgen.feed import FeedGenerator

from generator.content.edition import Edition
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
