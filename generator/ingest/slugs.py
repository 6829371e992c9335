"""Article slugs: readable, ASCII, stable once written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from slugify import slugify

from generator.content.schema import RESERVED_SLUGS

MAX_LENGTH = 80


def base_slug(title: str) -> str:
    # python-slugify transliterates ("façade" -> "facade") and cuts at a word boundary.
    slug = slugify(title, max_length=MAX_LENGTH, word_boundary=True) or "article"
    # "Index" would be articles/index.md, the section's own page (RESERVED_SLUGS).
    return f"{slug}-article" if slug in RESERVED_SLUGS else slug


def candidates(base: str, issue_date: dt.date | None) -> Iterator[str]:
    """Slugs to try in order for a title whose ``base_slug`` is ``base``; the first
    free (or already ours) one wins.

    The first article with a title gets the plain slug; a later one with the same
    title gets its issue date, then a counter, so adding an article never renames
    one that is already published.
    """
    yield base
    stem = f"{base}-{issue_date.isoformat()}" if issue_date else base
    if issue_date:
        yield stem
    n = 2
    while True:
        yield f"{stem}-{n}"
        n += 1
