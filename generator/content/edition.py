"""The edition model: articles grouped into issues, writers, timelines.

Built once from the checked articles, in O(n log n): every page generator reads
from here, so no page ever scans the whole archive for itself (which is how a
site's build grows with the square of its size).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from slugify import slugify

from generator.content.addresses import Redirect
from generator.content.body import body_minutes
from generator.content.curation import Curation
from generator.content.problems import MAX_NAME
from generator.content.schema import (
    RESERVED_SLUGS,
    Article,
    Correction,
    Timeline,
    TimelineEvent,
)

# Related reading: at most this many articles in each block under an article.
RELATED_MAX = 4


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


@dataclass(frozen=True)
class Related:
    """The reading under one article: each list holds other articles' slugs, none
    twice across the blocks, and never the article itself."""

    issue: tuple[str, ...] = ()  # the issue's articles after it, in running order
    writers: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (writer slug, newest first)
    topics: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (topic name, newest first)
    # Only when none of the above has anything: the articles published nearest in
    # time (the archive's order, newest first), so no article ends in a dead end.
    nearby: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.issue or self.writers or self.topics or self.nearby)


@dataclass(frozen=True)
class CorrectionEntry:
    """One correction in the edition's list of every correction (newest first)."""

    slug: str
    index: int  # its place in the article's own list
    correction: Correction


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
    related: dict[str, Related] = field(default_factory=dict)
    corrections: list[CorrectionEntry] = field(default_factory=list)  # newest first
    # What check found of the edition's addresses (generator/content/addresses.py):
    # the pages that can move, and the redirects from their old addresses.
    pages: frozenset[str] = frozenset()
    redirects: tuple[Redirect, ...] = ()

    @property
    def latest_issue(self) -> Issue | None:
        return self.issues[0] if self.issues else None


# Cached: one call per writer per article, 0.95 s of a one-edit rebuild at 10,000
# articles (cProfile: python-slugify's regular expressions), for far fewer names.
@functools.lru_cache(maxsize=65536)
def writer_slug(name: str) -> str:
    """A writer's address: never a section's own page (a writer named "Index"
    replaced /authors/ itself), never longer than a file name allows (check
    bounds names at MAX_NAME characters; transliteration may lengthen them)."""
    slug = slugify(name, max_length=MAX_NAME, word_boundary=True) or "writer"
    return f"{slug}-writer" if slug in RESERVED_SLUGS else slug


def _surname_key(name: str) -> tuple[str, str]:
    parts = name.split()
    return (parts[-1].casefold() if parts else "", name.casefold())


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
        edition.reading_minutes[slug] = body_minutes(article.body)
    newest = sorted(by_slug.values(), key=_newest_first)
    if curation is not None:
        _index_curation(edition, curation, newest)
    index_related(edition, newest)
    edition.corrections = _corrections(newest)
    return edition


def _newest_first(a: Article) -> tuple[int, str]:
    return (-(a.issue.date.toordinal() if a.issue else 0), a.slug)


def _issues(groups: dict[dt.date, list[Article]], orders: dict[dt.date, list[str]]) -> list[Issue]:
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


def _first_unseen(slugs: tuple[str, ...] | list[str], seen: set[str]) -> tuple[str, ...]:
    # Stops after RELATED_MAX: a writer or topic with thousands of articles costs
    # each of its articles a few steps, not thousands (no n-squared).
    out: list[str] = []
    for slug in slugs:
        if slug not in seen:
            seen.add(slug)
            out.append(slug)
            if len(out) == RELATED_MAX:
                break
    return tuple(out)


def index_related(edition: Edition, newest: list[Article] | None = None) -> None:
    """Related reading for every article, in one pass over the edition's indexes.
    ``newest``: the articles newest first (sorted here when not given)."""
    if newest is None:
        newest = sorted(edition.articles.values(), key=_newest_first)
    writer_by_slug = {w.slug: w for w in edition.writers}
    topic_articles: dict[str, list[str]] | dict[str, tuple[str, ...]]
    if edition.topic_articles:
        topic_articles = edition.topic_articles
    else:
        topic_articles = defaultdict(list)
        for article in newest:
            for name in article.topics:
                topic_articles[name].append(article.slug)
    order = [a.slug for a in newest]
    rank = {slug: i for i, slug in enumerate(order)}
    position: dict[str, int] = {}
    for issue in edition.issues:
        for i, slug in enumerate(issue.slugs):
            position[slug] = i
    for slug, article in edition.articles.items():
        seen = {slug}
        from_issue: tuple[str, ...] = ()
        issue = edition.issue_of.get(slug)
        if issue is not None:
            # The articles after it in running order, then from the top again:
            # every article of a long issue is someone's next.
            i = position[slug]
            window = issue.slugs[i + 1 : i + 2 + RELATED_MAX] + issue.slugs[: RELATED_MAX + 1]
            from_issue = _first_unseen(window, seen)
        writers = []
        for name in article.authors:
            wslug = edition.writer_slugs[name]
            picks = _first_unseen(writer_by_slug[wslug].slugs, seen)
            if picks:
                writers.append((wslug, picks))
        topics = []
        for name in article.topics:
            picks = _first_unseen(topic_articles.get(name, ()), seen)
            if picks:
                topics.append((name, picks))
        related = Related(from_issue, tuple(writers), tuple(topics))
        if not related:
            # Nearest first: next older, next newer, then one step further out.
            i = rank[slug]
            window = [
                order[j]
                for step in range(1, RELATED_MAX + 1)
                for j in (i + step, i - step)
                if 0 <= j < len(order)
            ]
            related = Related(nearby=_first_unseen(window, seen))
        if related:
            edition.related[slug] = related


def _corrections(newest: list[Article]) -> list[CorrectionEntry]:
    entries = [
        CorrectionEntry(article.slug, i, c)
        for article in newest
        for i, c in enumerate(article.corrections)
    ]
    # Newest first; a correction with no recorded date after the dated ones.
    entries.sort(
        key=lambda e: (
            -(e.correction.date.toordinal() if e.correction.date else 0),
            e.slug,
            e.index,
        )
    )
    return entries


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
