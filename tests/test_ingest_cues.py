"""Issue #13: hand-written fixtures for each form of each cue, and the near misses
that must stay body text; unread cues reported at file:line with nothing lost."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.content.event_dates import label, times, valid
from generator.content.schema import Image
from generator.ingest.cues import Provenance, read_date, read_provenance
from generator.ingest.scrape import ParsedArticle, read_scrape

PARA = (
    "The council met again on Thursday night, and the argument about the harbour went "
    "on well past midnight while the rain came down over the town."
)
ISSUE = dt.date(2008, 12, 8)


def scrape(*parts: str) -> str:
    return "\n\n".join(
        (
            "Show Hide image",
            "A headline for the test",
            "A complete standfirst.",
            PARA,
            PARA,
            PARA,
            *parts,
        )
    )


def parse(text: str) -> tuple[ParsedArticle, tuple[str, ...]]:
    result = read_scrape("fixture.txt", text.encode("utf-8"))
    (article,) = result.articles
    assert isinstance(article, ParsedArticle)
    return article, result.unread


def body_text(article: ParsedArticle) -> str:
    return "\n".join(line for part in article.body for line in part.lines)


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("14.03.1879", "1879-03-14"),
        ("14/3/79", "1979-03-14"),
        ("1879-03-14", "1879-03-14"),
        ("14-03-1879", "1879-03-14"),
        ("13.05.08", "2008-05-13"),
        # Two-digit years never fall after the issue's own date.
        ("14.12.08", "1908-12-14"),
        ("14 March 1879", "1879-03-14"),
        ("15 Feb 2003", "2003-02-15"),
        ("March 14, 1879", "1879-03-14"),
        ("3rd Sept 1939", "1939-09-03"),
        ("June 2017", "2017-06"),
        ("Sept 2001", "2001-09"),
        ("3/2008", "2008-03"),
        ("1872", "1872"),
        ("1990s", "199X"),
        ("1914-18", "1914/1918"),
        ("1914–1918", "1914/1918"),
        ("1998-02", "1998/2002"),
        ("March–May 2003", "2003-03/2003-05"),
        ("March 2003–May 2004", "2003-03/2004-05"),
        ("14–18 March 2003", "2003-03-14/2003-03-18"),
        ("14 March–2 April 2003", "2003-03-14/2003-04-02"),
    ],
)
def test_each_date_form(written: str, stored: str) -> None:
    read = read_date(f"{written}: Something happened.", ISSUE)
    assert read is not None and getattr(read, "value", None) == stored, read
    assert read.rest == "Something happened."  # type: ignore[union-attr]
    assert valid(stored)


def test_a_two_digit_year_without_an_issue_date_is_not_guessed_by_the_clock() -> None:
    read = read_date("13.05.08 Bombs", None)
    assert read is not None and "no issue date" in getattr(read, "why", "")


@pytest.mark.parametrize(
    ("stored", "shown", "datetimes"),
    [
        ("199X", "1990s", ["1990"]),
        ("1914/1918", "1914–1918", ["1914", "1918"]),
        ("2003-03/2003-05", "Mar–May 2003", ["2003-03", "2003-05"]),
        ("2003-03-14/2003-03-18", "14–18 Mar 2003", ["2003-03-14", "2003-03-18"]),
        ("2008-01", "Jan 2008", ["2008-01"]),
    ],
)
def test_partial_dates_are_shown_and_marked_up_validly(
    stored: str, shown: str, datetimes: list[str]
) -> None:
    assert label(stored) == shown
    assert [d for d, _ in times(stored)] == datetimes


@pytest.mark.parametrize(
    "line",
    [
        "This article first appeared in the 08 December 2008 issue of the New Statesman, Cover",
        "This article appears in the 8 Dec 2008 issue of the New Statesman: Cover",
        "This article was first published in the December 8, 2008 issue of the New Statesman "
        "– Cover.",
        "First published in the 8 December 2008 edition of the New Statesman, Cover",
        "This article first appeared in the 08.12.2008 issue of the New Statesman, Cover",
        "This article appears in the 2008-12-08 issue of the New Statesman – Cover",
        "This article appears in the 8th Dec. 2008 issue of the New Statesman, Cover",
    ],
)
def test_each_provenance_form(line: str) -> None:
    article, unread = parse(scrape(line))
    assert article.issue is not None and article.issue.date == ISSUE
    assert article.issue.title == "Cover" and not unread
    assert "Statesman" not in body_text(article)


@pytest.mark.parametrize(
    ("week", "first_day"),
    [
        ("8-14 December 2008", "2008-12-08"),
        ("8 - 14 Dec 2008", "2008-12-08"),
        ("8th–14th December 2008", "2008-12-08"),
        ("28 June - 4 July 2013", "2013-06-28"),
        ("29 December - 4 January 2009", "2008-12-29"),
        ("29 December 2008 – 4 January 2009", "2008-12-29"),
    ],
)
def test_a_provenance_line_may_date_the_issue_by_its_week(week: str, first_day: str) -> None:
    read = read_provenance(f"This article appears in the {week} issue of the New Statesman, Cover")
    assert isinstance(read, Provenance), read
    assert (read.date.isoformat(), read.title) == (first_day, "Cover")


def test_a_week_that_is_no_week_is_reported() -> None:
    line = "This article appears in the 8-14 Smarch 2008 issue of the New Statesman, Cover"
    article, unread = parse(scrape(line))
    assert article.issue is None and line in body_text(article)
    assert len(unread) == 1 and "looks like a provenance line" in unread[0]


def test_a_cover_title_may_hold_a_colon_or_a_comma() -> None:
    read = read_provenance(
        "This article appears in the 8 Dec 2008 issue of the New Statesman, "
        "Britain: after the fall, and after"
    )
    assert getattr(read, "title", None) == "Britain: after the fall, and after"


def test_a_bio_after_the_provenance_line_is_the_byline() -> None:
    article, unread = parse(
        scrape(
            "This article appears in the 8 Dec 2008 issue of the New Statesman, Cover",
            "Anna Okafor and Tom Walsh are writers on labour history.",
        )
    )
    assert article.authors == ("Anna Okafor", "Tom Walsh") and article.issue and not unread


def test_three_writers_with_commas() -> None:
    article, _ = parse(scrape("Anna Okafor, Tom Walsh and Ines Costa are economists."))
    assert article.authors == ("Anna Okafor", "Tom Walsh", "Ines Costa")


@pytest.mark.parametrize("sign", ["•", "-", "–", "*"])
@pytest.mark.parametrize(
    "credit",
    ["• Nick Stokeld", "Research by Nick Stokeld", "Compiled by Nick Stokeld", "\nNick Stokeld"],
)
def test_timeline_blocks_with_each_bullet_and_credit(sign: str, credit: str) -> None:
    credit = credit.replace("•", sign)
    bullets = "\n".join(
        [
            f"  {sign} 14 March 1879 Born.",
            f"  {sign} 1914-18: War.",
            f"  {sign} June 2017 – Elected.",
            credit,
        ]
    )
    article, unread = parse(scrape("THE ROAD TO WAR", bullets))
    (timeline,) = article.timelines
    assert timeline.title == "The road to war" and timeline.credit == "Nick Stokeld"
    assert [(e.date, e.text) for e in timeline.events] == [
        ("1879-03-14", "Born."),
        ("1914/1918", "War."),
        ("2017-06", "Elected."),
    ]
    assert not unread and "Stokeld" not in body_text(article)


@pytest.mark.parametrize(
    ("image_lines", "caption", "credit"),
    [
        (["Oli Scarff/Getty Images", "Show Hide image"], None, "Oli Scarff/Getty Images"),
        (
            ["RAY TANGT/ANADOLU AGENCY/GETTY IMAGES", ""],
            None,
            "RAY TANGT/ANADOLU AGENCY/GETTY IMAGES",
        ),
        (
            ["A crowd at the gate. Photograph: Jane Doe/Reuters", "Show Hide image"],
            "A crowd at the gate",
            "Jane Doe/Reuters",
        ),
        (
            ["A crowd at the gate", "Illustration: Dan Murrell", "Show Hide image"],
            "A crowd at the gate",
            "Dan Murrell",
        ),
        (["A crowd at the gate. Picture: Jane Doe"], "A crowd at the gate", "Jane Doe"),
    ],
)
def test_picture_credits_with_and_without_the_marker(
    image_lines: list[str], caption: str | None, credit: str
) -> None:
    text = (
        "\n".join(image_lines)
        + "\n"
        + "\n\n".join(
            [
                "A headline for the test",
                "A complete standfirst.",
                PARA,
                PARA,
                PARA,
                "This article appears in the 8 Dec 2008 issue of the New Statesman, Cover",
            ]
        )
    )
    article, unread = parse(text)
    assert article.image is not None
    assert (article.image.caption, article.image.credit) == (caption, credit)
    assert article.title == "A headline for the test" and not unread


# --- near misses: body text, and reported only when they look like a cue -----------


def test_a_paragraph_that_mentions_the_new_statesman_is_body_text() -> None:
    mention = (
        "She wrote for the New Statesman for twenty years, and the magazine printed her "
        "last letter in the spring."
    )
    article, unread = parse(scrape(mention))
    assert mention in body_text(article) and article.issue is None and not unread


def test_a_bulleted_list_without_dates_is_body_text() -> None:
    article, unread = parse(scrape("What they asked for", "• More money.\n• Less noise.", PARA))
    assert not article.timelines and "• More money." in body_text(article) and not unread


def test_mr_pryce_mid_article_is_body_text() -> None:
    article, unread = parse(scrape("Mr Pryce is the chief engineer.", PARA))
    assert not article.authors and "Mr Pryce is the chief engineer." in body_text(article)
    assert not unread


def test_mr_pryce_at_the_end_is_reported_not_taken_as_a_byline() -> None:
    article, unread = parse(scrape("Mr Pryce is the chief engineer."))
    assert not article.authors and "Mr Pryce" in body_text(article)
    assert len(unread) == 1 and unread[0].startswith("13: looks like a closing bio: ")


def test_an_unreadable_timeline_is_reported_at_its_line_and_kept() -> None:
    bullets = "• 31.02.2008 Nothing happened.\n• 14.03.2008 Something did."
    article, unread = parse(scrape("KEY DATES", bullets))
    assert not article.timelines and "31.02.2008 Nothing happened." in body_text(article)
    assert unread == (
        "15: looks like a timeline: '31.02.2008' is not a day of the calendar (day.month.year)",
    )


def test_an_unreadable_provenance_line_is_reported_and_kept() -> None:
    line = "This article appears in the 31 February 2008 issue of the New Statesman, Cover"
    article, unread = parse(scrape(line))
    assert article.issue is None and line in body_text(article)
    assert len(unread) == 1 and unread[0].startswith("13: looks like a provenance line: ")


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_ingest_counts_unread_cues_apart_and_survey_and_check_report_them(
    tmp_path: Path,
) -> None:
    root = Path(__file__).resolve().parents[1]
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "near.txt").write_text(
        scrape("KEY DATES", "• 31.02.2008 A.\n• 1.3.2008 B.", "Mr Pryce is the chief engineer."),
        "utf-8",
    )
    (sources / "good.txt").write_text(
        scrape("This article appears in the 8 Dec 2008 issue of the New Statesman, Cover"), "utf-8"
    )
    survey = _run("survey", str(sources), cwd=root)
    assert survey.returncode == 0, survey.stderr
    out = survey.stdout
    assert out.index("unread cues (2)") < out.index("provenance (1)")
    assert f"{sources / 'near.txt'}:15: looks like a timeline" in out
    assert "appears in · d Mon yyyy" in out and f"e.g. {sources / 'good.txt'}:13" in out
    assert not (tmp_path / "content").exists()
    content = tmp_path / "content"
    ingest = _run(
        "ingest",
        str(sources),
        "--content",
        str(content),
        "--report",
        str(tmp_path / "r.json"),
        cwd=root,
    )
    assert ingest.returncode == 0, ingest.stderr
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert report["summary"]["unread_cues"] == 2
    assert report["unread_cues"][0].startswith("near.txt:15: looks like a timeline: ")
    assert "2 unread cue(s)" in ingest.stderr
    check = _run("check", "--content", str(content), cwd=root)
    assert "authors: warning: empty, but the body ends in a bio-shaped sentence" in check.stdout
    assert check.returncode == 0


def test_the_front_matter_doc_table_of_partial_dates_is_what_the_code_does() -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "front-matter.md").read_text("utf-8")
    section = doc.split("## Timeline dates", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert len(rows) >= 7
    for row in rows:
        printed, stored, shown, markup = (cell.strip() for cell in row.strip("|").split(" | "))
        value = stored.strip("`")
        assert label(value) == shown, row
        assert [d for d, _ in times(value)] == [
            part.split('"')[1] for part in markup.split("datetime=")[1:]
        ] or "two `<time>`" in markup, row
        for form in printed.split("`")[1::2]:
            read = read_date(f"{form} Text.", dt.date(2020, 1, 1))
            assert getattr(read, "value", None) == value, (form, read)


def test_a_timeline_whose_bullets_are_parted_by_blank_lines_is_one_timeline() -> None:
    article, unread = parse(scrape("KEY DATES", "• 1872 One.", "• 1990s Two.", "• Nick Stokeld"))
    (timeline,) = article.timelines
    assert [e.date for e in timeline.events] == ["1872", "199X"]
    assert timeline.credit == "Nick Stokeld" and not unread


PROVENANCE = "This article appears in the 8 Dec 2008 issue of the New Statesman, Cover"
BIO = "Anna Okafor is a writer on labour history."
TIMELINE = ("KEY DATES", "• 14.05.08 One.\n• 1990s Two.\n• Research by Nick Stokeld")


@pytest.mark.parametrize(
    "tail",
    [
        (PROVENANCE, *TIMELINE),
        (BIO, PROVENANCE, *TIMELINE),
        (PROVENANCE, BIO, *TIMELINE),
        (PROVENANCE, *TIMELINE, BIO),
        (BIO, *TIMELINE, PROVENANCE),
        (*TIMELINE, PROVENANCE, BIO),
        (PROVENANCE + "\n" + BIO, *TIMELINE),
        (PROVENANCE, TIMELINE[0] + "\n" + TIMELINE[1]),
    ],
    ids=[
        "prov-tl",
        "bio-prov-tl",
        "prov-bio-tl",
        "prov-tl-bio",
        "bio-tl-prov",
        "tl-prov-bio",
        "prov+bio-tl",
        "prov-heading+bullets",
    ],
)
def test_a_timeline_and_a_bio_before_or_after_the_provenance_line(tail: tuple[str, ...]) -> None:
    """The closing cues in any order: a timeline after the provenance line (or after
    a bio after it) belongs to the article and reads its two-digit years by the
    issue's date; nothing is left over as a dump of its own."""
    result = read_scrape("fixture.txt", scrape(*tail).encode("utf-8"))
    (article,) = result.articles
    assert (
        isinstance(article, ParsedArticle)
        and not result.unread
        and not [w for w in result.warnings if "skipped" in w]
    )
    assert article.issue is not None and article.issue.date == ISSUE
    has_bio = any(BIO in part for part in tail)
    assert article.authors == (("Anna Okafor",) if has_bio else ())
    assert article.author_bio == (BIO if has_bio else None)
    (timeline,) = article.timelines
    assert (timeline.title, timeline.credit) == ("Key dates", "Nick Stokeld")
    assert [(e.date, e.text) for e in timeline.events] == [("2008-05-14", "One."), ("199X", "Two.")]
    assert body_text(article) == "\n".join([PARA] * 3)


def test_a_list_after_the_provenance_line_that_is_no_timeline_is_not_taken_in() -> None:
    # Undated bullets after the provenance line are no cue of this article: they
    # stay outside it (reported as lines that form no article), never silently read.
    result = read_scrape(
        "fixture.txt", scrape(PROVENANCE, "Things", "• One.\n• Two.").encode("utf-8")
    )
    (article,) = result.articles
    assert isinstance(article, ParsedArticle) and article.issue is not None
    assert not article.timelines and any("skipped 3 line(s)" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("picture", "caption", "credit"),
    [
        (
            "A crowd outside the town hall. Photo: Jane Doe/Getty Images",
            "A crowd outside the town hall",
            "Jane Doe/Getty Images",
        ),
        (
            "The pithead in 1984 – Photograph: Tom Walsh for the New Statesman",
            "The pithead in 1984",
            "Tom Walsh for the New Statesman",
        ),
        (
            "The harbour at dawn\nPicture: Jane Doe/Reuters",
            "The harbour at dawn",
            "Jane Doe/Reuters",
        ),
        ("The harbour at dawn\n\nIllustration: Dan Murrell", "The harbour at dawn", "Dan Murrell"),
        ("Image: courtesy of the author", None, "courtesy of the author"),
        ("Oli Scarff/Getty Images", None, "Oli Scarff/Getty Images"),
        ("RAY TANGT/ANADOLU AGENCY/GETTY IMAGES", None, "RAY TANGT/ANADOLU AGENCY/GETTY IMAGES"),
    ],
)
def test_a_picture_in_the_middle_of_the_body_is_a_picture_not_a_crosshead(
    picture: str, caption: str | None, credit: str
) -> None:
    article, unread = parse(scrape(picture, PARA))
    assert article.image == Image(caption, credit) and not unread
    assert [p.kind for p in article.body] == ["paragraph"] * 4
    assert credit not in body_text(article)


def test_a_second_picture_is_an_inline_credit_as_printed() -> None:
    text = "\n".join(
        [
            "Oli Scarff/Getty Images",
            "Show Hide image",
            "",
            scrape("The harbour at dawn\nPhoto: Jane Doe/Reuters", PARA).split("\n", 2)[2],
        ]
    )
    article, unread = parse(text)
    assert article.image == Image(None, "Oli Scarff/Getty Images") and not unread
    assert article.credits == ("The harbour at dawn. Photo: Jane Doe/Reuters",)
    assert "Jane Doe" not in body_text(article)


@pytest.mark.parametrize(
    "line",
    [
        "He showed me the photo: a faded print of his father, taken in the garden in 1950.",
        "Photo: the word he used for every picture he ever took of the harbour and its boats.",
        "Brexit and the Left/Right divide",
        "Labour: the road back",
    ],
)
def test_photo_inside_a_sentence_or_a_slash_in_a_heading_is_body_text(line: str) -> None:
    article, unread = parse(scrape(line, PARA))
    assert article.image is None and line in body_text(article) and not unread


@pytest.mark.parametrize(
    ("line", "why"),
    [
        (
            "The harbour at dawn. Photo: my grandmother in 1950, in the garden",
            "the words after 'Photo:' ('my grandmother in 1950, in the garden') are not a name",
        ),
        (
            "Boris Johnson/Theresa May",
            "a 'Name/Name' line that names no picture agency: left as it stands",
        ),
    ],
)
def test_a_picture_credit_that_cannot_be_read_is_reported_and_kept(line: str, why: str) -> None:
    article, unread = parse(scrape(line, PARA))
    assert article.image is None and line in body_text(article)
    assert unread == (f"13: looks like a picture credit: {why}",)


def test_a_dated_list_after_a_paragraph_in_the_body_is_a_timeline_only_under_a_heading() -> None:
    article, unread = parse(scrape("• 1872 One thing.\n• 1990s Another.", PARA))
    assert not article.timelines and "• 1872 One thing." in body_text(article) and not unread


@pytest.mark.parametrize("heading", ["KEY DATES:", "Timeline:", "KEY DATES"])
@pytest.mark.parametrize("where", ["middle", "end"])
def test_a_timeline_heading_may_end_in_a_colon(heading: str, where: str) -> None:
    timeline_parts = (heading, "• 1872 One.\n• 1990s Two.")
    parts = (*timeline_parts, PARA) if where == "middle" else timeline_parts
    article, unread = parse(scrape(*parts))
    (timeline,) = article.timelines
    assert timeline.title == ("Key dates" if "KEY" in heading else "Timeline") and not unread
    assert heading not in body_text(article)


def test_a_lead_in_sentence_ending_in_a_colon_is_no_timeline_heading() -> None:
    article, unread = parse(
        scrape("The events that followed were these:", "• 1872 One.\n• 1990s Two.", PARA)
    )
    assert not article.timelines and "• 1872 One." in body_text(article) and not unread


@pytest.mark.parametrize(
    ("written", "stored"),
    [("1914 – 1918", "1914/1918"), ("2003-03", "2003-03")],
)
def test_a_spaced_span_and_a_year_and_month(written: str, stored: str) -> None:
    read = read_date(f"{written} Something happened.", ISSUE)
    assert getattr(read, "value", None) == stored and read.rest == "Something happened."  # type: ignore[union-attr]


def test_a_short_span_after_a_spaced_dash_is_a_year_and_its_text() -> None:
    read = read_date("1914 – 18 die in a fire.", ISSUE)
    assert getattr(read, "value", None) == "1914"
    assert read.rest == "18 die in a fire."  # type: ignore[union-attr]


def test_prose_that_names_an_issue_of_the_magazine_is_body_text_unreported() -> None:
    prose = (
        "I said so at the time. As she wrote in the 8 May 1997 issue of the New "
        "Statesman, the landslide changed nothing that mattered to the miners."
    )
    article, unread = parse(scrape(prose, PARA))
    assert prose in body_text(article) and article.issue is None and not unread


def test_the_census_names_the_new_forms_at_their_lines(tmp_path: Path) -> None:
    from generator.ingest.survey import survey

    (tmp_path / "a.txt").write_text(
        scrape(
            "The harbour at dawn\nPhoto: Jane Doe/Reuters",
            PARA,
            PROVENANCE,
            *TIMELINE,
            BIO,
        ),
        "utf-8",
    )
    (tmp_path / "b.txt").write_text(
        scrape("I looked again. Photo: my grandmother in 1950, in the garden", PARA), "utf-8"
    )
    out = survey([tmp_path])
    assert out.index("unread cues (1)") < out.index("picture (")
    assert f"{tmp_path / 'b.txt'}:13: looks like a picture credit: " in out
    assert re.search(r"in the body · caption line, then Photo: NAME +e\.g\. .*a\.txt:14", out)
    assert re.search(
        r"appears in · d Mon yyyy · bio and timeline after it +e\.g\. .*a\.txt:18", out
    )
    assert re.search(r"all capitals +e\.g\. .*a\.txt:20", out)


@pytest.mark.parametrize(
    "line",
    [
        "Illustration by Dan Murrell",
        "Photographs by Jane Doe/Magnum",
        "ILLUSTRATION BY DAN MURRELL",
    ],
)
def test_an_inline_credit_in_either_case_is_a_credit(line: str) -> None:
    article, unread = parse(scrape(line, PARA))
    assert article.credits == (line,) and line not in body_text(article) and not unread


def test_photographs_by_the_hundred_is_body_text() -> None:
    line = "Photographs by the hundred"
    article, _ = parse(scrape(line, PARA))
    assert not article.credits and line in body_text(article)


def test_a_bio_shaped_headline_after_the_provenance_line_starts_the_next_article() -> None:
    text = (
        scrape(PROVENANCE)
        + "\n\n"
        + "\n\n".join(
            [
                "Theresa May is a prime minister without a mandate",
                "A complete standfirst.",
                PARA,
                PARA,
                PARA,
                "This article appears in the 1 May 2017 issue of the New Statesman, X",
            ]
        )
    )
    result = read_scrape("fixture.txt", text.encode("utf-8"))
    first, second = result.articles
    assert isinstance(first, ParsedArticle) and isinstance(second, ParsedArticle)
    assert not first.authors and second.title.startswith("Theresa May is")
    assert second.issue is not None and second.issue.date == dt.date(2017, 5, 1)


@pytest.mark.parametrize("where", ["middle", "end", "after the provenance line"])
def test_a_timeline_bullet_hard_wrapped_by_the_scraper_is_one_event(where: str) -> None:
    bullets = (
        "  • 01.01.2008 Seven police and one civilian killed in Rampur. The attackers are\n"
        "suspected of links to HuJI.\n"
        "  • 1990s Bombs in\n"
        "Uttar Pradesh and Delhi.\n"
        "  • Nick Stokeld"
    )
    timeline = ("INDIA UNDER SIEGE", bullets)
    parts = {
        "middle": (*timeline, PARA),
        "end": timeline,
        "after the provenance line": (PROVENANCE, *timeline),
    }[where]
    result = read_scrape("fixture.txt", scrape(*parts).encode("utf-8"))
    (article,) = result.articles
    assert isinstance(article, ParsedArticle) and not result.unread
    (read,) = article.timelines
    assert [(e.date, e.text) for e in read.events] == [
        (
            "2008-01-01",
            "Seven police and one civilian killed in Rampur. The attackers are "
            "suspected of links to HuJI.",
        ),
        ("199X", "Bombs in Uttar Pradesh and Delhi."),
    ]
    assert read.credit == "Nick Stokeld" and "Uttar" not in body_text(article)


def test_a_picture_under_the_headline_is_no_standfirst() -> None:
    text = "\n\n".join(
        [
            "A headline for the test",
            "A crowd at the gate. Photo: Jane Doe/Reuters",
            "A complete standfirst.",
            PARA,
            PARA,
            PARA,
            PROVENANCE,
        ]
    )
    article, unread = parse(text)
    assert article.image == Image("A crowd at the gate", "Jane Doe/Reuters") and not unread
    assert article.standfirst == "A complete standfirst."


@pytest.mark.parametrize(
    "closing", ["Labour Party is a shadow of what it was.", "Home Office is the last to know."]
)
def test_a_closing_sentence_about_an_institution_is_no_byline(closing: str) -> None:
    article, unread = parse(scrape(closing))
    assert not article.authors and closing in body_text(article)
    assert len(unread) == 1 and "looks like a closing bio" in unread[0]


@pytest.mark.parametrize("joined", [False, True])
def test_an_unreadable_timeline_after_the_provenance_line_is_reported_and_kept(
    joined: bool,
) -> None:
    bullets = "• Spring 2003 The talks fail.\n• 1990s Strikes."
    timeline = ("KEY DATES\n" + bullets,) if joined else ("KEY DATES", bullets)
    result = read_scrape("fixture.txt", scrape(PROVENANCE, *timeline).encode("utf-8"))
    (article,) = result.articles
    assert isinstance(article, ParsedArticle) and article.issue is not None
    assert not article.timelines and "Spring 2003 The talks fail." in body_text(article)
    assert "KEY DATES" in body_text(article)
    assert not [w for w in result.warnings if "skipped" in w]
    line = 16 if joined else 17
    assert result.unread == (
        f"{line}: looks like a timeline: this bullet does not start with a date",
    )


def test_a_correction_after_the_provenance_line_stays_with_its_article() -> None:
    correction = "Correction: An earlier version of this article gave the wrong date."
    result = read_scrape("fixture.txt", scrape(BIO, PROVENANCE, correction).encode("utf-8"))
    (article,) = result.articles
    assert isinstance(article, ParsedArticle) and article.issue is not None
    assert article.corrections == ("An earlier version of this article gave the wrong date.",)
    assert article.authors == ("Anna Okafor",) and not result.unread
    assert body_text(article) == "\n".join([PARA] * 3)
