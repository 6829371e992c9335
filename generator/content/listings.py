"""Section listings as pages that do not grow with the archive (issue 17).

A section page that listed everything (every timeline event, every unsigned
article, every web-only piece, every correction, every issue) grew with the
archive: 14.7 MB for /timelines/ at 100,000 synthetic articles, and, being a
section page, it was rendered again by every MkDocs slice. Each listing is
now split into pages a reader loads one at a time, filed by what they hold:

- by year, for what has a date: the chronology (an event under the year it
  starts, a timeline under the year of its first event), the unsigned articles
  (their issue's year), the corrections (the year they were made), the issues;
  a year holds what one year of a weekly magazine can hold, whatever the
  archive's length, except the chronology's: a year's events come from the
  timelines of any year's articles (2010 held 168,860 bytes of HTML at 10,000
  synthetic articles), so a year of events is cut into parts of PART_MAX too,
  the timelines that begin in the year listed on its first part;
- by the initial of the title, in parts of at most ``PART_MAX``, for what has
  no date: the web-only pieces, the unsigned web-only pieces, the corrections
  with no recorded date.

A writer with more than WRITER_PAGE_MAX articles gets the same: a page a year
under their own (below).

The section's index keeps a compact navigation with counts. This module says
which pages there are; ``generator.site.pages`` makes them, and the address
ledger records them (``addresses.page_addresses``) as it records issue pages.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from generator.content.schema import Article, Timeline

T = TypeVar("T")

# The most entries on one page of an undated listing (a letter of the web-only
# pieces, the unsigned web-only pieces, the undated corrections). 250 article
# cards are about 100 kB of Markdown, a long but ordinary page.
PART_MAX = 250
UNDATED = "undated"
# The unsigned articles' pages, /authors/unattributed/<year>/: a writer's page is
# /authors/<slug>/, one path segment, so no writer can take these.
UNATTRIBUTED = "authors/unattributed"
# The folder of each split listing, and what its pages are filed by.
SECTIONS = ("timelines", "issues", "corrections", "web-only", UNATTRIBUTED)
# A writer's page lists every article up to WRITER_PAGE_MAX of them. A writer with
# more gets a page a year, /authors/<slug>/<year>/ (their web-only pieces under
# "undated"), each cut into parts of at most PART_MAX, and their page lists the
# newest WRITER_LATEST above a navigation of the years: a columnist's page grew
# with the archive (the longest at 10,000 synthetic articles was 318 kB of HTML;
# 2.8 MB at 100,000), and every reader of it paid for the whole career.
WRITER_PAGE_MAX = 100
WRITER_LATEST = 20


def timeline_year(timeline: Timeline) -> str:
    """The year a timeline is filed under: that of its first event."""
    return min(e.sort_key for e in timeline.events)[:4]


def initial(title: str) -> str:
    """The letter a title is filed under: its first letter or digit, accents
    dropped, lower case ("a" to "z"); "0-9" for a digit; "other" for the rest."""
    for char in unicodedata.normalize("NFKD", title):
        if char.isalnum():
            low = char.casefold()
            if "a" <= low <= "z":
                return low
            return "0-9" if char.isdigit() else "other"
    return "other"


def group(items: Iterable[T], key: Callable[[T], str]) -> dict[str, list[T]]:
    """Items by key, each group in the items' order, groups in first-seen order."""
    out: dict[str, list[T]] = {}
    for item in items:
        out.setdefault(key(item), []).append(item)
    return out


def parts(key: str, items: Sequence[T], size: int | None = None) -> list[tuple[str, Sequence[T]]]:
    """A group cut into pages of at most ``size`` (PART_MAX): ("a", first), ("a-2",
    next)..."""
    size = size or PART_MAX
    return [
        (key if start == 0 else f"{key}-{start // size + 1}", items[start : start + size])
        for start in range(0, len(items), size)
    ]


def part_label(key: str) -> str:
    """How the navigation names a page: "A", "A (2)", "0–9", "Other", "Undated"."""
    base, _, number = key.rpartition("-") if key[-1].isdigit() and "-" in key else (key, "", "")
    if base == "0":  # "0-9" itself
        base, number = key, ""
    name = {"0-9": "0–9", "other": "Other", UNDATED: "Undated"}.get(base, base.upper())
    return f"{name} ({number})" if number else name


def dated_key(article: Article) -> str:
    """The page an article is filed under in a listing by year: its issue's year,
    or UNDATED for a web-only piece."""
    return str(article.issue.date.year) if article.issue else UNDATED


def writer_by_year(count: int) -> bool:
    """Whether a writer of ``count`` articles has a page a year."""
    return count > WRITER_PAGE_MAX


def writer_latest(slugs: Sequence[T]) -> Sequence[T]:
    """What the page of a writer with a page a year lists: the newest articles."""
    return slugs[:WRITER_LATEST]


def writer_parts_paths(slug: str, keys: dict[str, int]) -> set[str]:
    """The docs paths of a writer's year and part pages, from the count of their
    articles under each ``dated_key``: none for a writer of WRITER_PAGE_MAX or fewer."""
    if not writer_by_year(sum(keys.values())):
        return set()
    return {f"authors/{slug}/{k}.md" for key, n in keys.items() for k, _ in parts(key, range(n))}


def listing_paths(
    articles: Iterable[Article], writer_slug: Callable[[str], str] | None = None
) -> set[str]:
    """The docs path of every year and part page of the split listings for these
    articles (the pages ``PageBuilder.listing_pages`` makes besides the indexes),
    and, given how a writer's name becomes a slug, of the writers' year pages."""
    timeline_years: dict[str, int] = {}
    issue_years: set[str] = set()
    correction_keys: dict[str, int] = {}
    web_only: dict[str, int] = {}
    unattributed: dict[str, int] = {}
    writers: dict[str, dict[str, int]] = {}
    for a in articles:
        if writer_slug is not None:
            for name in a.authors:  # as edition._writers files them: once a name
                keys = writers.setdefault(writer_slug(name), {})
                keys[dated_key(a)] = keys.get(dated_key(a), 0) + 1
        for t in a.timelines:
            for e in t.events:
                timeline_years[e.sort_key[:4]] = timeline_years.get(e.sort_key[:4], 0) + 1
        if a.issue:
            issue_years.add(str(a.issue.date.year))
        else:
            web_only[initial(a.title)] = web_only.get(initial(a.title), 0) + 1
        if not a.authors:
            key = str(a.issue.date.year) if a.issue else UNDATED
            unattributed[key] = unattributed.get(key, 0) + 1
        for c in a.corrections:
            key = str(c.date.year) if c.date else UNDATED
            correction_keys[key] = correction_keys.get(key, 0) + 1
    paths = {f"issues/{y}.md" for y in issue_years}
    for folder, counts in (
        ("timelines", timeline_years),
        ("corrections", correction_keys),
        ("web-only", web_only),
        (UNATTRIBUTED, unattributed),
    ):
        for key, count in counts.items():
            paths |= {f"{folder}/{k}.md" for k, _ in parts(key, range(count))}
    for slug, keys in writers.items():
        paths |= writer_parts_paths(slug, keys)
    return paths
