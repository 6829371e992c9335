"""Section listings do not grow with the archive (issue 17, point 4).

Two archives over the same years, one ten times the other: every section index
is (nearly) the same size in both, the year and part pages each hold one year
or at most PART_MAX entries, and the pages made are exactly the ones the address
ledger records (generator/content/listings.py)."""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path
from typing import Any

import pytest

from generator.content import listings
from generator.content.addresses import page_addresses
from generator.content.curation import Curation
from generator.content.edition import build_edition, writer_slug
from generator.content.listings import initial, listing_paths, part_label, parts
from generator.content.schema import Article, Correction, IssueRef, Timeline, TimelineEvent
from generator.site import render
from generator.site.pages import PageBuilder, SiteConfig

ROOT = Path(__file__).resolve().parent.parent
YEARS = range(1913, 2013)  # a century of a weekly, the same for both archives
WRITERS = ("Ann Smith", "Bo Jones", "Cy Brown")
INDEXES = (
    "issues/index.md",
    "authors/index.md",
    "web-only/index.md",
    "timelines/index.md",
    "corrections/index.md",
)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CONFIG = SiteConfig("Test", "https://example.org/", "A test edition.")


def archive(n: int, seed: int = 1) -> list[Article]:
    """``n`` articles spread over YEARS: a twentieth web-only, a fifth unsigned
    (the web-only ones among them), a tenth with a timeline, a tenth corrected
    (a third of those with no date)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        year = YEARS[(i // 5) % len(YEARS)]
        week = (i // (5 * len(YEARS))) % 52
        date = dt.date(year, 1, 1) + dt.timedelta(days=7 * week)
        web_only = i % 20 == 7
        timelines: tuple[Timeline, ...] = ()
        if i % 10 == 3:
            events = tuple(
                TimelineEvent(f"{year - k}-0{1 + k % 9}", f"Event {k} of {i}") for k in range(4)
            )
            timelines = (Timeline(f"Timeline {i}", None, events),)
        corrections: tuple[Correction, ...] = ()
        if i % 10 == 5:
            when = None if i % 30 == 5 else date + dt.timedelta(days=9)
            corrections = (Correction(when, f"Correction {i}."),)
        # Every twentieth piece is web-only, and they go through the alphabet.
        title = f"{LETTERS[(i // 20) % 26]}{rng.choice('aeiou')} piece {i}"
        out.append(
            Article(
                title=title,
                slug=f"piece-{i}",
                body="Text.",
                standfirst=f"Standfirst {i}.",
                authors=() if i % 5 == 2 else (WRITERS[i % len(WRITERS)],),
                issue=None if web_only else IssueRef(date, f"Cover {year}-{week}"),
                timelines=timelines,
                corrections=corrections,
            )
        )
    return out


def pages_of(articles: list[Article]) -> dict[str, str]:
    edition = build_edition(articles)
    builder = PageBuilder(edition, CONFIG, ROOT / "overrides" / "edition", books=False)
    return {p.path: p.text for p in builder.listing_pages("Welcome.")}


def year_and_part_pages(pages: dict[str, str]) -> set[str]:
    sections = ("timelines/", "issues/", "corrections/", "web-only/")
    return {
        path
        for path in pages
        if (path.startswith(sections) or (path.startswith("authors/") and path.count("/") == 2))
        and not path.endswith("/index.md")
        and not (path.startswith("issues/") and path.count("-") == 2)  # an issue's own page
    }


@pytest.fixture(scope="module")
def small_and_large() -> tuple[dict[str, str], dict[str, str]]:
    return pages_of(archive(600)), pages_of(archive(6000))


@pytest.fixture(scope="module")
def large_in_small_parts() -> dict[str, str]:
    with pytest.MonkeyPatch.context() as patch:
        # Parts of 40: the undated lists need several.
        patch.setattr(listings, "PART_MAX", 40)
        return pages_of(archive(6000))


def test_no_section_index_grows_with_the_archive(
    small_and_large: tuple[dict[str, str], dict[str, str]],
) -> None:
    small, large = small_and_large
    for path in INDEXES:
        # Ten times the articles over the same years: the index names the same
        # years and letters with larger counts (and one more part of the 300
        # unsigned web-only pieces: an index grows by a link per PART_MAX).
        assert len(large[path]) < 1.25 * len(small[path]), (
            path,
            len(small[path]),
            len(large[path]),
        )
    # The index pages were what grew: each now a few kB at most.
    assert max(len(large[path]) for path in INDEXES) < 20_000


def test_year_and_part_pages_hold_a_year_or_a_bounded_part(
    large_in_small_parts: dict[str, str],
) -> None:
    large = large_in_small_parts
    pages = year_and_part_pages(large)
    web_only = sorted(p for p in pages if p.startswith("web-only/"))
    assert web_only == sorted(f"web-only/{c}.md" for c in LETTERS.lower())
    # The 300 unsigned web-only pieces and the 200 undated corrections, in parts of
    # at most 40.
    for path in pages:
        assert large[path].count('class="ns-list__item"') <= 40, path
        assert large[path].count('class="ns-corrections__item"') <= 40, path
    undated = sorted(p for p in pages if "/undated" in p)
    assert "authors/unattributed/undated.md" in undated and "corrections/undated.md" in undated
    assert any(p.startswith("authors/unattributed/undated-") for p in undated), undated
    for path in pages:
        assert len(large[path]) < 60_000, path
    # Each year of the chronology holds only that year's events.
    for path in (p for p in pages if p.startswith("timelines/")):
        year = path[len("timelines/") : -len(".md")]
        stamps = [
            chunk.split('"', 1)[0]
            for chunk in large[path].split('<time class="ns-timeline__date" datetime="')[1:]
        ]
        assert stamps and all(s.startswith(year) for s in stamps), path


def test_the_ledger_records_exactly_the_year_and_part_pages(tmp_path: Path) -> None:
    articles = archive(1000)
    pages = pages_of(articles)
    made = year_and_part_pages(pages)
    assert made == listing_paths(articles, writer_slug)
    addresses = page_addresses(articles, Curation(), writer_slug)
    assert {f"/{p[: -len('.md')]}/" for p in made} <= addresses
    # Every one of them is a leaf page: rendered by one MkDocs slice, not by all.
    assert all(render.is_leaf(p) for p in made)
    assert not any(render.is_leaf(p) for p in INDEXES)


def test_same_archive_same_bytes() -> None:
    assert pages_of(archive(500)) == pages_of(archive(500))


def test_the_old_fragment_ids_are_on_the_years_entries() -> None:
    pages = pages_of(archive(400))
    timelines = pages["timelines/index.md"]
    assert 'id="events-1938"><a href="1938/"><time datetime="1938">1938</time></a>' in timelines
    assert 'id="events-1930s"' in timelines
    assert (
        'id="year-1938"><a href="1938/"><time datetime="1938">1938</time></a>'
        in (pages["issues/index.md"])
    )
    # The year's own page keeps its heading's id for links within it.
    assert 'id="events-1938"' in pages["timelines/1938.md"]


def test_letters_and_part_labels() -> None:
    assert [initial(t) for t in ("“Élan”", "the end", "1984", "¿Qué?", "—")] == [
        "e",
        "t",
        "0-9",
        "q",
        "other",
    ]
    assert [k for k, _ in parts("a", list(range(5)), size=2)] == ["a", "a-2", "a-3"]
    assert [part_label(k) for k in ("a", "a-2", "0-9", "0-9-3", "1938-2", "undated")] == [
        "A",
        "A (2)",
        "0–9",
        "0–9 (3)",
        "1938 (2)",
        "Undated",
    ]


def test_the_listing_cost_tool_reads_the_seed_docs_tree(seed_project: Any) -> None:
    from devtools.listing_cost import SECTIONS, section_sizes, shared_pages

    docs = seed_project.docs_dir()
    sizes = dict(section_sizes(docs))
    assert all(sizes[f"{s}/index.md"] > 0 for s in SECTIONS)
    assert sizes["timelines/2008.md"] == (docs / "timelines" / "2008.md").stat().st_size
    # The largest year of issues, never an issue's own page.
    (issues,) = [p for p in sizes if p.startswith("issues/") and p != "issues/index.md"]
    assert issues in {f"issues/{y}.md" for y in (2008, 2010, 2011, 2017)}
    shared = shared_pages(docs)
    assert "timelines/index.md" in shared and "timelines/2008.md" not in shared


def test_a_prolific_writers_page_stays_short_and_their_years_hold_every_article(
    small_and_large: tuple[dict[str, str], dict[str, str]],
) -> None:
    """A writer's page lists the newest WRITER_LATEST and the years when the writer
    has more than WRITER_PAGE_MAX articles; each year page holds that year's, and
    together they hold every article once."""
    small, large = small_and_large
    articles = archive(6000)
    for name in WRITERS:
        slug = writer_slug(name)
        theirs = {a.slug: a for a in articles if name in a.authors}
        assert len(theirs) > 10 * listings.WRITER_PAGE_MAX
        page = large[f"authors/{slug}.md"]
        assert page.count('class="ns-list__item"') == listings.WRITER_LATEST
        # Ten times the career, the same years: (nearly) the same page.
        assert len(page) < 1.25 * len(small[f"authors/{slug}.md"])
        years = sorted(p for p in large if p.startswith(f"authors/{slug}/"))
        # The page links each year page (relative: "1938/").
        assert years and all(f'href="{p.rsplit("/", 1)[1][:-3]}/"' in page for p in years)
        seen: list[str] = []
        for path in years:
            key = path.rsplit("/", 1)[1][: -len(".md")]
            listed = re.findall(r'href="\.\./\.\./\.\./articles/([^/"]+)/"', large[path])
            assert listed, path
            for s in listed:
                issue = theirs[s].issue
                assert (issue and str(issue.date.year) == key[:4]) or (
                    not issue and key.startswith("undated")
                ), (path, s)
            seen += listed
        assert sorted(seen) == sorted(theirs)


def test_a_writer_of_few_articles_keeps_one_page(tmp_path: Path) -> None:
    few = [a for a in archive(600) if a.authors == (WRITERS[0],)][: listings.WRITER_PAGE_MAX]
    pages = pages_of(few)
    slug = writer_slug(WRITERS[0])
    assert pages[f"authors/{slug}.md"].count('class="ns-list__item"') == len(few)
    assert not [p for p in pages if p.startswith(f"authors/{slug}/")]
    assert not {p for p in listing_paths(few, writer_slug) if p.startswith(f"authors/{slug}/")}


def test_a_year_of_events_is_cut_into_parts(tmp_path: Path) -> None:
    """A year's chronology gathers events from timelines of any year's articles, so
    it is cut into parts of PART_MAX like the undated listings: every event once,
    the timelines that begin in the year on its first part, and the ledger records
    exactly the parts made."""
    articles = archive(6000)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(listings, "PART_MAX", 10)
        pages = pages_of(articles)
        assert year_and_part_pages(pages) == listing_paths(articles, writer_slug)
    events: dict[str, int] = {}
    for a in articles:
        for t in a.timelines:
            for e in t.events:
                events[e.sort_key[:4]] = events.get(e.sort_key[:4], 0) + 1
    assert max(events.values()) > 10
    for year, count in events.items():
        # The year's own page first, then its parts 2, 3, ...
        later = sorted(
            (p for p in pages if p.startswith(f"timelines/{year}-")),
            key=lambda p: int(p[len(f"timelines/{year}-") : -len(".md")]),
        )
        parts_of_year = [f"timelines/{year}.md", *later]
        shown = [pages[p].count('class="ns-timeline__event"') for p in parts_of_year]
        assert sum(shown) == count and max(shown) <= 10, (year, shown)
        assert len(parts_of_year) == -(-count // 10), year
        assert all("timelines-begun" not in pages[p] for p in parts_of_year[1:]), year
