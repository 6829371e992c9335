"""The edition model: articles grouped into issues, writers, timelines.

Built once from the checked articles, in O(n log n): every page generator reads
from here, so no page ever scans the whole archive for itself (which is how a
site's build grows with the square of its size).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from slugify import slugify

from generator.content.curation import Curation
from generator.content.problems import MAX_NAME
from generator.content.schema import RESERVED_SLUGS, Article, Timeline, TimelineEvent

WORDS_PER_MINUTE = 230


@dataclass(frozen=True)
class Issue:
    date: dt.date
    title: str
    slugs: tuple[str, ...]  # the issue's articles, in running order

    @property
    def url(self) -> str:
        return f"issues/{self.date.isoformat()}/"


@dataclass(frozen=True)
class Writer:
    slug: str
    name: str
    bio: str | None
    slugs: tuple[str, ...]  # newest first

    @property
    def url(self) -> str:
        return f"authors/{self.slug}/"


@dataclass(frozen=True)
class ChronologyEntry:
    event: TimelineEvent
    timeline: Timeline
    slug: str


@dataclass
class Edition:
    articles: dict[str, Article]
    issues: list[Issue]  # newest first
    writers: list[Writer]  # by surname
    web_only: list[str]
    chronology: list[ChronologyEntry]
    writer_slugs: dict[str, str] = field(default_factory=dict)  # name -> slug
    issue_of: dict[str, Issue] = field(default_factory=dict)
    neighbours: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    reading_minutes: dict[str, int] = field(default_factory=dict)
    # The editors' curation, and its two indexes built here once rather than
    # searched for by every page: topic name -> slugs (newest first), and article
    # slug -> the slugs of the collections it is in.
    curation: Curation = field(default_factory=Curation)
    topic_articles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    collections_of: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def latest_issue(self) -> Issue | None:
        return self.issues[0] if self.issues else None


def writer_slug(name: str) -> str:
    """A writer's address: never a section's own page (a writer named "Index"
    replaced /authors/ itself), never longer than a file name allows (check
    bounds names at MAX_NAME characters; transliteration may lengthen them)."""
    slug = slugify(name, max_length=MAX_NAME, word_boundary=True) or "writer"
    return f"{slug}-writer" if slug in RESERVED_SLUGS else slug


def _surname_key(name: str) -> tuple[str, str]:
    parts = name.split()
    return (parts[-1].casefold() if parts else "", name.casefold())


def reading_minutes(body: str) -> int:
    # An estimate wants words, not an exact count: spaces and line breaks are
    # counted at memory speed, where a word regex took 6 s over 10,000 articles on
    # every build and on every edit in the live preview.
    words = body.count(" ") + body.count("\n") + 1
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def running_order_key(article: Article) -> tuple[str, str]:
    # The scrapes do not record page order; the first source file is the closest
    # thing to it, and the slug breaks ties so the order is stable.
    first = article.sources[0].file if article.sources else ""
    return (first, article.slug)


def build_edition(
    articles: list[Article],
    issue_orders: dict[dt.date, list[str]] | None = None,
    curation: Curation | None = None,
) -> Edition:
    """Group articles. ``issue_orders`` lets editors set an issue's running order;
    ``curation`` (checked against the articles) adds collections and topics."""
    by_slug = {a.slug: a for a in sorted(articles, key=lambda a: a.slug)}
    issue_groups: dict[dt.date, list[Article]] = defaultdict(list)
    web_only: list[Article] = []
    for article in by_slug.values():
        if article.issue:
            issue_groups[article.issue.date].append(article)
        else:
            web_only.append(article)
    issues = _issues(issue_groups, issue_orders or {})
    writers, writer_slugs = _writers(by_slug.values())
    chronology = [
        ChronologyEntry(event, timeline, article.slug)
        for article in by_slug.values()
        for timeline in article.timelines
        for event in timeline.events
    ]
    chronology.sort(key=lambda e: (e.event.sort_key, e.event.date, e.slug, e.event.text))

    edition = Edition(
        articles=by_slug,
        issues=issues,
        writers=writers,
        web_only=[a.slug for a in sorted(web_only, key=lambda a: (a.title.casefold(), a.slug))],
        chronology=chronology,
        writer_slugs=writer_slugs,
    )
    for issue in issues:
        for i, slug in enumerate(issue.slugs):
            edition.issue_of[slug] = issue
            previous = issue.slugs[i - 1] if i > 0 else None
            following = issue.slugs[i + 1] if i + 1 < len(issue.slugs) else None
            edition.neighbours[slug] = (previous, following)
    for slug, article in by_slug.items():
        edition.reading_minutes[slug] = reading_minutes(article.body)
    if curation is not None:
        _index_curation(edition, curation, sorted(by_slug.values(), key=_newest_first))
    return edition


def _newest_first(a: Article) -> tuple[int, str]:
    return (-(a.issue.date.toordinal() if a.issue else 0), a.slug)


def _issues(
    groups: dict[dt.date, list[Article]], orders: dict[dt.date, list[str]]
) -> list[Issue]:
    """The issues, newest first, each in its running order (the editors' where set)."""
    issues: list[Issue] = []
    for date in sorted(groups, reverse=True):
        group = sorted(groups[date], key=running_order_key)
        wanted = orders.get(date, [])
        if wanted:
            rank = {slug: i for i, slug in enumerate(wanted)}
            group.sort(key=lambda a: (rank.get(a.slug, len(rank)), running_order_key(a)))
        # Cover titles can differ between articles of one issue (a scrape typo);
        # the most common one wins, ties to the alphabetically first.
        titles: dict[str, int] = defaultdict(int)
        for a in group:
            assert a.issue is not None
            titles[a.issue.title] += 1
        title = sorted(titles.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        issues.append(Issue(date, title, tuple(a.slug for a in group)))
    return issues


def _writers(articles: Iterable[Article]) -> tuple[list[Writer], dict[str, str]]:
    """The writers by surname, each with their articles newest first; and each
    name as printed -> its writer's slug (names that differ only in accents or
    case share one page, under the spelling most articles use)."""
    writer_articles: dict[str, list[Article]] = defaultdict(list)
    writer_names: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    writer_slugs: dict[str, str] = {}
    for article in articles:
        for name in article.authors:
            slug = writer_slug(name)
            writer_slugs[name] = slug
            writer_articles[slug].append(article)
            writer_names[slug][name] += 1
    writers: list[Writer] = []
    for slug, group in writer_articles.items():
        group.sort(key=_newest_first)
        name = sorted(writer_names[slug].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        bio = next((a.author_bio for a in group if a.author_bio), None)
        writers.append(Writer(slug, name, bio, tuple(a.slug for a in group)))
    writers.sort(key=lambda w: _surname_key(w.name))
    return writers, writer_slugs


def _index_curation(edition: Edition, curation: Curation, newest: list[Article]) -> None:
    edition.curation = curation
    topics: dict[str, list[str]] = {name: [] for name in curation.topics}
    for article in newest:
        for name in article.topics:
            topics.setdefault(name, []).append(article.slug)
    edition.topic_articles = {name: tuple(slugs) for name, slugs in topics.items()}
    collections_of: dict[str, list[str]] = defaultdict(list)
    for collection in curation.collections.values():
        for pick in collection.items:
            collections_of[pick.slug].append(collection.slug)
    edition.collections_of = {slug: tuple(c) for slug, c in collections_of.items()}
