"""Ingesting the five real seeds: every article, its metadata and its body.

Expectations come from the sources themselves and from ../shared/RAW-FORMAT.md,
never from what the parser happens to produce.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import ArticleFile, IngestedSeeds

PARIAH = "Becoming a pariah state"
FACADE = "The façade cracks"
MOMENTUM = "Losing Momentum: how Jeremy Corbyn’s support group ran out of steam"
EVERY_WOMAN = "I am every woman"
ABRAHAM = "Children of Abraham v sons of Ibrahim"
MEXICO = "Mexico’s disappeared women"
PAGE_ARTICLES = (EVERY_WOMAN, ABRAHAM, PARIAH, FACADE, MEXICO)


@dataclass(frozen=True)
class Expected:
    """One row of RAW-FORMAT.md's table, plus where the body runs in the source."""

    title: str
    issue_date: dt.date
    issue_title: str
    authors: list[str]
    source: str  # the file whose page dump this is
    body_first: str  # the first body line (after the standfirst) starts with this
    body_last: str  # the last body paragraph starts with this


# Titles keep the source's own typography (curly apostrophes), which RAW-FORMAT.md's
# table writes as straight ones.
SEEDS = (
    Expected(
        EVERY_WOMAN,
        dt.date(2011, 3, 7),
        "The great property swindle",
        ["Natasha Walter"],
        "000_16a189a49fb77abf.txt",
        "A few weeks ago, I found myself",
        "Saron lives among us",
    ),
    Expected(
        ABRAHAM,
        dt.date(2010, 7, 12),
        "Behind the mask",
        ["Sigrid Rausing"],
        "001_02ee7f494f6aca35.txt",
        "There is silence on the scrubby hills",
        "The female detainees are Asian",
    ),
    Expected(
        PARIAH,
        dt.date(2008, 12, 8),
        "After the Terror",
        ["Richard Watson"],
        "002_fa0455f2c0754cb9.txt",
        "Intelligence officers around the world",
        "I had to agree.",
    ),
    Expected(
        FACADE,
        dt.date(2008, 10, 13),
        "The facade cracks",
        ["James Macintyre"],
        "003_8e02ce8e775e0d7f.txt",
        "When, in August, Peter Mandelson",
        "The battle lines are now drawn",
    ),
    Expected(
        MEXICO,
        dt.date(2011, 2, 14),
        "The Middle East",
        [],
        "004_6c39d06a818e7028.txt",
        "On 6 January, the poet",
        "Many people in the city see life",
    ),
    Expected(
        MOMENTUM,
        dt.date(2017, 3, 23),
        "Trump's permanent revolution",
        [],
        "000_16a189a49fb77abf.txt",
        "1. The Bus",
        "Jon Lansman, of course, is more",
    ),
)
# Lines inside a body range that are not body text: they belong in the front matter
# (the inline credit) or become a section break.
NOT_BODY_TEXT = {"ILLUSTRATION BY DAN MURRELL", "***"}


# The page sets quotes, dashes and ellipses typographically when it renders
# (generator/site/typography.py); words are compared with those folded back.
_FOLD = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-"})


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text).replace(". . .", "…").replace("...", "…")
    return text.translate(_FOLD).split()


def source_body_words(seed_dir: Path, expected: Expected) -> list[str]:
    """The words of the article body exactly as the raw source has them."""
    lines = (seed_dir / expected.source).read_text("utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(expected.body_first))
    end = next(
        i for i, line in enumerate(lines) if i >= start and line.startswith(expected.body_last)
    )
    kept = [line for line in lines[start : end + 1] if line.strip() not in NOT_BODY_TEXT]
    return _words("\n".join(kept))


@pytest.fixture(scope="module")
def seeds(ingested_seeds: IngestedSeeds) -> dict[str, ArticleFile]:
    return ingested_seeds.by_title


@pytest.fixture(scope="module")
def rendered(
    seeds: dict[str, ArticleFile], render_markdown: Callable[[str], BeautifulSoup]
) -> dict[str, BeautifulSoup]:
    return {title: render_markdown(article.body) for title, article in seeds.items()}


def test_the_five_seeds_give_exactly_the_six_articles(ingested_seeds: IngestedSeeds) -> None:
    files = sorted(p.name for p in (ingested_seeds.content / "articles").iterdir())
    assert len(files) == 6
    assert set(ingested_seeds.by_title) == {e.title for e in SEEDS}
    assert ingested_seeds.report.rejected == []


@pytest.mark.parametrize("expected", SEEDS, ids=lambda e: e.title[:24])
def test_title_issue_and_authors_match_raw_format_table(
    seeds: dict[str, ArticleFile], expected: Expected
) -> None:
    meta = seeds[expected.title].meta
    assert meta["title"] == expected.title
    assert meta["issue"] == {"date": expected.issue_date, "title": expected.issue_title}
    assert meta["authors"] == expected.authors
    assert meta["slug"] == seeds[expected.title].path.stem


def test_the_momentum_piece_lists_all_five_sources(
    seeds: dict[str, ArticleFile], seed_dir: Path
) -> None:
    sources = seeds[MOMENTUM].meta["sources"]
    assert [s["file"] for s in sources] == sorted(p.name for p in seed_dir.iterdir())
    assert all(len(s["sha256"]) == 64 for s in sources)


@pytest.mark.parametrize("title", PAGE_ARTICLES[:3] + PAGE_ARTICLES[4:], ids=str)
def test_page_articles_list_only_their_own_file(seeds: dict[str, ArticleFile], title: str) -> None:
    expected = next(e for e in SEEDS if e.title == title)
    assert [s["file"] for s in seeds[title].meta["sources"]] == [expected.source]


def test_pariah_carries_the_india_under_siege_timeline_in_source_order(
    seeds: dict[str, ArticleFile],
) -> None:
    article = seeds[PARIAH]
    (timeline,) = article.meta["timelines"]
    assert timeline["title"] == "India under siege"
    assert timeline["credit"] == "Nick Stokeld"
    dates = [e["date"] for e in timeline["events"]]
    # As printed, including 23.11.08 before 14.11.08: the edition keeps source order.
    assert [d.isoformat() for d in dates] == [
        "2008-01-01", "2008-02-10", "2008-02-13", "2008-05-13", "2008-07-25",
        "2008-07-26", "2008-08-25", "2008-09-13", "2008-09-27", "2008-09-29",
        "2008-10-01", "2008-10-20", "2008-10-30", "2008-11-23", "2008-11-14",
    ]  # fmt: skip
    assert all(isinstance(d, dt.date) for d in dates)
    assert "- date: 2008-11-23\n" in article.text  # ISO and unquoted: a YAML date
    first, last = timeline["events"][0], timeline["events"][-1]
    assert first["text"].startswith("Seven police and one civilian killed in Rampur")
    assert last["text"].startswith("Gun battles between Maoists and police")
    assert not any(e["text"].startswith("•") for e in timeline["events"])


def test_out_of_order_timeline_is_a_warning(ingested_seeds: IngestedSeeds) -> None:
    assert any(
        "becoming-a-pariah-state" in w and "date order" in w for w in ingested_seeds.report.warnings
    )


def test_facade_has_image_credit_inline_credit_and_complete_standfirst(
    seeds: dict[str, ArticleFile],
) -> None:
    meta = seeds[FACADE].meta
    assert meta["image"] == {"caption": None, "credit": "Oli Scarff/Getty Images"}
    assert meta["credits"] == ["ILLUSTRATION BY DAN MURRELL"]
    assert meta["standfirst"] == (
        "David Cameron is widely accepted as a “moderniser” and as having heralded a new "
        "kind of Conservatism. But are these changes quite so deep as he would have us believe?"
    )


def test_facade_keeps_its_two_section_breaks(rendered: dict[str, BeautifulSoup]) -> None:
    html = rendered[FACADE]
    assert len(html.find_all("hr")) == 2
    after_first = html.find("hr").find_next_sibling("p")
    assert after_first.get_text().startswith("This week, with Labour more united")


def test_only_the_facade_has_a_complete_standfirst(seeds: dict[str, ArticleFile]) -> None:
    truncated = {t: seeds[t].meta["standfirst_truncated"] for t in PAGE_ARTICLES}
    assert truncated == {t: t != FACADE for t in PAGE_ARTICLES}
    # A cut standfirst is kept as the scraper left it (exactly 100 characters).
    assert seeds[EVERY_WOMAN].meta["standfirst"].endswith("British feminism is sh")
    assert seeds[PARIAH].meta["standfirst"].startswith("Even if none of the Mumbai attackers")


def test_no_written_file_contains_the_show_hide_image_marker(
    ingested_seeds: IngestedSeeds,
) -> None:
    for path in (ingested_seeds.content / "articles").iterdir():
        assert "show hide image" not in path.read_text("utf-8").lower(), path.name


def test_crossheads_are_headings_not_lists(rendered: dict[str, BeautifulSoup]) -> None:
    momentum = rendered[MOMENTUM]
    assert [h.get_text() for h in momentum.find_all("h2")] == [
        "1. The Bus", "2. The Conference", "3. The HQ", "4. The Fallout",
    ]  # fmt: skip
    assert momentum.find(["ol", "ul"]) is None
    assert [h.get_text() for h in rendered[EVERY_WOMAN].find_all("h2")] == [
        "Histories of violence", "Tipping points", "Only connect",
    ]  # fmt: skip


def test_inscription_keeps_its_line_breaks(rendered: dict[str, BeautifulSoup]) -> None:
    paragraph = next(
        p for p in rendered[ABRAHAM].find_all("p") if p.get_text().startswith("Living together")
    )
    lines = [line.strip().translate(_FOLD) for line in paragraph.get_text().split("\n")]
    assert lines == [
        "Living together",
        "A pious community",
        "Destruction 1929",
        "Liberation, return, rebuilding 1967",
        '"The children have returned to their own borders." cf Jer 31:17',
    ]
    assert len(paragraph.find_all("br")) == 4


def test_hard_wrap_is_joined_into_one_line(rendered: dict[str, BeautifulSoup]) -> None:
    paragraph = next(
        p for p in rendered[EVERY_WOMAN].find_all("p") if "forensic about this sort" in p.get_text()
    )
    assert "however, that you understand what these arbitrary" in paragraph.get_text()
    assert paragraph.find("br") is None


@pytest.mark.parametrize("expected", SEEDS, ids=lambda e: e.title[:24])
def test_every_body_paragraph_appears_in_order(
    seed_dir: Path,
    seeds: dict[str, ArticleFile],
    rendered: dict[str, BeautifulSoup],
    expected: Expected,
) -> None:
    """The body's words are the source body's words: nothing lost, added or moved."""
    assert _words(rendered[expected.title].get_text()) == source_body_words(seed_dir, expected)


# Text that lives in the front matter and must not be repeated in the body.
FRONT_MATTER_ONLY = {
    PARIAH: [
        "Richard Watson is a correspondent",
        "INDIA UNDER SIEGE",
        "Seven police and one civilian",
        "Nick Stokeld",
        "This article first appeared",
    ],
    EVERY_WOMAN: [
        "Some of the interviews were carried out",
        "Natasha Walter is the founder",
        "first appeared in the 07 March 2011",
    ],
    FACADE: ["ILLUSTRATION BY DAN MURRELL", "James Macintyre is political", "Oli Scarff"],
    MOMENTUM: ["Correction", "Akehurst stood down", "RAY TANGT", "first appeared"],
    ABRAHAM: ["Sigrid Rausing is the publisher", "first appeared"],
    MEXICO: ["first appeared", "RAY TANGT"],
}


@pytest.mark.parametrize("title", sorted(FRONT_MATTER_ONLY), ids=str)
def test_bio_provenance_notes_and_timeline_are_not_in_the_body(
    seeds: dict[str, ArticleFile], rendered: dict[str, BeautifulSoup], title: str
) -> None:
    text = rendered[title].get_text(" ")
    for fragment in FRONT_MATTER_ONLY[title]:
        assert fragment not in text
        assert fragment not in seeds[title].body


def test_bio_notes_and_corrections_land_in_their_fields(seeds: dict[str, ArticleFile]) -> None:
    assert seeds[PARIAH].meta["author_bio"].startswith("Richard Watson is a correspondent")
    assert seeds[EVERY_WOMAN].meta["author_bio"] == (
        "Natasha Walter is the founder of Women for Refugee Women, @4refugeewomen"
    )
    (note,) = seeds[EVERY_WOMAN].meta["notes"]
    assert note.startswith("Some of the interviews were carried out by Sheila Hayman")
    # The scrape gives no date: ingest dates the correction by the issue.
    assert seeds[MOMENTUM].meta["corrections"] == [
        {
            "date": dt.date(2017, 3, 23),
            "text": "This article originally named Luke Akehurst as a Labour councillor. "
            "Akehurst stood down in 2014.",
        }
    ]
    assert seeds[MEXICO].meta["author_bio"] is None
    assert seeds[MOMENTUM].meta["author_bio"] is None


def test_seed_articles_pass_check(ingested_seeds: IngestedSeeds) -> None:
    from generator.content.check import check_content

    result = check_content(ingested_seeds.content)
    assert [str(p) for p in result.problems] == []
    assert len(result.articles) == 6
