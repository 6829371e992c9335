"""Curation against the articles: every slug, topic and issue an editor names exists.

``curation`` checks each curation file's own shape; this module checks what the
files say about each other and about the articles, which needs them all loaded:
a collection naming an unknown article, an article's topic missing from
``content/topics.yml``, an issue file for an issue no article is in, an issue
order naming an article of another issue, a featured collection or article that
does not exist. Every message points at the line that names the missing thing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from generator.content.article_file import LoadedArticle
from generator.content.curation import TOPICS_FILE, Curation, Pick, topic_key
from generator.content.problems import Problem
from generator.content.schema import Article
from generator.formatting import long_date


def check_topics(curation: Curation, loaded: Iterable[LoadedArticle]) -> list[Problem]:
    """Each article's topics are names from topics.yml, exactly (case and spacing)."""
    by_key = {topic_key(t.name): t for t in curation.topics.values()}
    problems: list[Problem] = []
    for item in loaded:
        if item.article is None:
            continue
        shown = str(item.path)
        seen: set[str] = set()
        for i, name in enumerate(item.article.topics):
            where = f"topics.{i}"
            line = item.line_of(where)
            if name in seen:
                problems.append(Problem(shown, line, where, f"{name!r} is listed twice"))
                continue
            seen.add(name)
            if name in curation.topics:
                continue
            if not curation.has_topics_file:
                message = (
                    f"{name!r}: there is no {TOPICS_FILE}; topics must come from that "
                    "list, so add the file and the topic to it"
                )
            elif (twin := by_key.get(topic_key(name))) is not None:
                message = f"{name!r} is not in {TOPICS_FILE}; write it as {twin.name!r}"
            else:
                message = (
                    f"{name!r} is not in {TOPICS_FILE}; use a topic from the list, or add "
                    "this one to the list first"
                )
            problems.append(Problem(shown, line, where, message))
    return problems


def _unknown_articles(
    picks: Iterable[Pick], where: str, path: str, slugs: set[str]
) -> list[Problem]:
    return [
        Problem(
            path,
            pick.line,
            f"{where}.{i}",
            f"no article {pick.slug!r}: there is no content/articles/{pick.slug}.md",
        )
        for i, pick in enumerate(picks)
        if pick.slug not in slugs
    ]


def check_references(
    curation: Curation, articles: Iterable[Article], article_slugs: Iterable[str]
) -> list[Problem]:
    """Collections, issue files and the featured block name things that exist.

    ``article_slugs`` holds every article file's slug, even those with problems of
    their own, so that a broken article is reported once, not again as unknown.
    """
    slugs = set(article_slugs)
    issue_of: dict[str, dt.date] = {a.slug: a.issue.date for a in articles if a.issue}
    issue_dates = set(issue_of.values())
    problems: list[Problem] = []

    for collection in curation.collections.values():
        problems += _unknown_articles(collection.items, "articles", collection.path, slugs)

    for date, note in sorted(curation.issue_notes.items()):
        if date not in issue_dates:
            problems.append(
                Problem(
                    note.path,
                    1,
                    "file name",
                    f"no article is in an issue dated {date.isoformat()}; the file name "
                    "must be the date of an issue in the edition",
                )
            )
            continue
        for i, pick in enumerate(note.order):
            where = f"order.{i}"
            if pick.slug not in slugs:
                message = f"no article {pick.slug!r}: there is no content/articles/{pick.slug}.md"
            elif issue_of.get(pick.slug) != date:
                other = issue_of.get(pick.slug)
                elsewhere = f"the {long_date(other)} issue" if other else "no issue (web only)"
                message = (
                    f"{pick.slug!r} is not in the {long_date(date)} issue: it is in {elsewhere}"
                )
            else:
                continue
            problems.append(Problem(note.path, pick.line, where, message))

    featured = curation.settings.featured
    if featured is not None:
        if featured.collection and featured.collection not in curation.collections:
            problems.append(
                Problem(
                    featured.path,
                    featured.lines.get("featured.collection", 1),
                    "featured.collection",
                    f"no collection {featured.collection!r}: there is no "
                    f"content/collections/{featured.collection}.md",
                )
            )
        problems += _unknown_articles(featured.articles, "featured.articles", featured.path, slugs)
    return problems
