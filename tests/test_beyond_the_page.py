"""Issue 15 on the built site: related reading, "Cite this article", corrections
as dated data, and the redirects of addresses that moved.

The seed site (tests/conftest.py) is read with a real HTML parser; the citation
files are parsed by bibtexparser and rispy, the corrections feed by lxml.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
import tomllib
from pathlib import Path

import bibtexparser
import pytest
import rispy
from bs4 import BeautifulSoup
from lxml import etree

from generator.content.addresses import Redirect, check_addresses, redirects_file
from generator.site import cite
from generator.site.build import build
from tests.sitekit import ROOT, SEED_ARTICLES, copy_project

SITE = "https://ns-edition.netlify.app/"
PARIAH = "becoming-a-pariah-state"
MOMENTUM = "losing-momentum-how-jeremy-corbyns-support-group-ran-out-of-steam"
ATOM = "{http://www.w3.org/2005/Atom}"


def article(site: Path, slug: str) -> BeautifulSoup:
    return BeautifulSoup((site / "articles" / slug / "index.html").read_text("utf-8"), "lxml")


def resolve(page: Path, href: str) -> Path:
    target = (page.parent / href.split("#", 1)[0]).resolve()
    return target / "index.html" if href.endswith("/") else target


# -- related reading ------------------------------------------------------------------


def test_every_article_has_related_links_that_resolve(seed_site: Path) -> None:
    for slug in sorted(SEED_ARTICLES):
        path = seed_site / "articles" / slug / "index.html"
        related = article(seed_site, slug).select_one("nav.ns-related")
        assert related is not None, slug
        links = [a["href"] for a in related.select(".ns-related__list a")]
        assert links, slug
        assert f"../{slug}/" not in links, f"{slug} lists itself"
        assert len(links) == len(set(links)), f"{slug} lists an article twice"
        for href in links + [a["href"] for a in related.select("h3 a")]:
            assert resolve(path, href).is_file(), (slug, href)


def test_the_pariah_article_alone_in_its_issue_and_by_its_writer_ends_with_nearby_reading(
    seed_site: Path,
) -> None:
    # The seed edition has one article of the 8 December 2008 issue and one by
    # Richard Watson: those blocks are absent, and the nearest articles in time fill in.
    related = article(seed_site, PARIAH).select_one("nav.ns-related")
    kinds = [s["class"][-1] for s in related.select("section")]
    assert kinds == ["ns-related__block--nearby"]
    titles = [a.get_text() for a in related.select(".ns-related__list a")]
    # Newest first, the archive around 8 December 2008: 13 October 2008 is next
    # older, 12 July 2010 next newer, then 14 February 2011, 7 March 2011.
    assert titles == [
        "The façade cracks",
        "Children of Abraham v sons of Ibrahim",
        "Mexico’s disappeared women",
        "I am every woman",
    ]


def _add_article(content: Path, slug: str, title: str, authors: list[str], date: str) -> None:
    (content / "articles" / f"{slug}.md").write_text(
        f"---\ntitle: {title}\nslug: {slug}\nauthors: {json.dumps(authors)}\n"
        f"issue: {{date: {date}, title: After the Terror}}\n---\n\nA paragraph.\n",
        "utf-8",
    )


@pytest.fixture(scope="module")
def watson_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The edition with two more pieces in the pariah article's issue (one by Richard
    Watson) and one by him in a later issue."""
    project = copy_project(tmp_path_factory.mktemp("watson"))
    content = project.content
    _add_article(content, "a-letter-from-mumbai", "A letter from Mumbai", [], "2008-12-08")
    _add_article(content, "lashkar-in-leeds", "Lashkar in Leeds", ["Richard Watson"], "2008-12-08")
    _add_article(
        content, "the-jihad-at-home", "The jihad at home", ["Richard Watson"], "2009-06-01"
    )
    build(project, ingest_sources=False, search=False)
    return project.site_dir()


def test_more_from_this_issue_and_more_by_richard_watson(watson_site: Path) -> None:
    related = article(watson_site, PARIAH).select_one("nav.ns-related")
    blocks = {
        s.h3.get_text(" ", strip=True): [a.get_text() for a in s.select(".ns-related__list a")]
        for s in related.select("section")
    }
    # The issue's running order puts the pariah article first (content/issues/),
    # the others follow by slug; an article shown once is not shown again below.
    assert blocks == {
        "More from this issue: After the Terror, 8 December 2008": [
            "A letter from Mumbai",
            "Lashkar in Leeds",
        ],
        "More by Richard Watson": ["The jihad at home"],
    }
    heading = related.select_one(".ns-related__block--writer h3 a")
    assert heading["href"] == "../../authors/richard-watson/"
    # And from the later piece, his other two, newest first.
    later = article(watson_site, "the-jihad-at-home").select_one(".ns-related__block--writer")
    assert [a.get_text() for a in later.select("li a")] == [
        "Becoming a pariah state",
        "Lashkar in Leeds",
    ]


# -- cite this article -----------------------------------------------------------------

SIGNED = {
    "Chicago": "Watson, Richard. “Becoming a pariah state.” New Statesman, December 8, 2008. "
    f"{SITE}articles/{PARIAH}/.",
    "MLA": "Watson, Richard. “Becoming a pariah state.” New Statesman, 8 Dec. 2008, "
    f"ns-edition.netlify.app/articles/{PARIAH}/.",
    "APA": "Watson, R. (2008, December 8). Becoming a pariah state. New Statesman. "
    f"{SITE}articles/{PARIAH}/",
}
UNSIGNED = {
    "Chicago": "“Losing Momentum: how Jeremy Corbyn’s support group ran out of steam.” "
    f"New Statesman, March 23, 2017. {SITE}articles/{MOMENTUM}/.",
    "MLA": "“Losing Momentum: how Jeremy Corbyn’s support group ran out of steam.” "
    f"New Statesman, 23 Mar. 2017, ns-edition.netlify.app/articles/{MOMENTUM}/.",
    "APA": "Losing Momentum: How Jeremy Corbyn’s support group ran out of steam. "
    f"(2017, March 23). New Statesman. {SITE}articles/{MOMENTUM}/",
}


@pytest.mark.parametrize(("slug", "expected"), [(PARIAH, SIGNED), (MOMENTUM, UNSIGNED)])
def test_citations_on_the_page_are_the_hand_checked_strings(
    seed_site: Path, slug: str, expected: dict[str, str]
) -> None:
    block = article(seed_site, slug).select_one(".ns-cite")
    styles = [dt_.get_text() for dt_ in block.select("dt")]
    texts = [p.get_text() for p in block.select(".ns-cite__text")]
    assert dict(zip(styles, texts, strict=True)) == expected
    # The publication is in italics in every style.
    assert [p.em.get_text() for p in block.select(".ns-cite__text")] == ["New Statesman"] * 3


def test_the_styles_published_examples() -> None:
    # Chicago Manual of Style 17th ed., quick guide, magazine article.
    mead = cite.Work(("Rebecca Mead",), "The Prophet of Dystopia", "New Yorker",
                     dt.date(2017, 4, 17), "")  # fmt: skip
    assert cite.chicago(mead).text == (
        "Mead, Rebecca. “The Prophet of Dystopia.” New Yorker, April 17, 2017."
    )
    # MLA Handbook 9th ed. (MLA Style Center), an article in an online magazine.
    schulz = cite.Work(
        ("Kathryn Schulz",),
        "The Really Big One",
        "The New Yorker",
        dt.date(2015, 7, 20),
        "https://www.newyorker.com/magazine/2015/07/20/the-really-big-one",
    )
    assert cite.mla(schulz).text == (
        "Schulz, Kathryn. “The Really Big One.” The New Yorker, 20 July 2015, "
        "www.newyorker.com/magazine/2015/07/20/the-really-big-one."
    )
    # APA Publication Manual 7th ed. (APA Style), magazine article, reference 15.
    schulman = cite.Work(
        ("Michael Schulman",),
        "Superfans: A love story",
        "The New Yorker",
        dt.date(2019, 9, 9),
        "https://www.newyorker.com/magazine/2019/09/16/superfans-a-love-story",
    )
    assert cite.apa(schulman).text == (
        "Schulman, M. (2019, September 9). Superfans: A love story. The New Yorker. "
        "https://www.newyorker.com/magazine/2019/09/16/superfans-a-love-story"
    )
    # Two and three writers, and a web-only piece with no date.
    two = cite.Work(("Ann Lee", "Bo Chan"), "T", "N", None, "https://x.org/a/")
    assert cite.chicago(two).text == "Lee, Ann, and Bo Chan. “T.” N, n.d. https://x.org/a/."
    assert cite.mla(two).text == "Lee, Ann, and Bo Chan. “T.” N, x.org/a/."
    assert cite.apa(two).text == "Lee, A., & Chan, B. (n.d.). T. N. https://x.org/a/"
    three = cite.Work(("Ann Lee", "Bo Chan", "Mary-Kate Ode"), "T?", "N", None, "")
    assert cite.mla(three).text == "Lee, Ann, et al. “T?” N."
    assert cite.apa(three).text == "Lee, A., Chan, B., & Ode, M.-K. (n.d.). T? N."


@pytest.mark.parametrize("slug", [PARIAH, MOMENTUM])
def test_bibtex_and_ris_files_are_linked_and_parse(seed_site: Path, slug: str) -> None:
    page = seed_site / "articles" / slug / "index.html"
    links = {a.get_text(): a["href"] for a in article(seed_site, slug).select(".ns-cite__files a")}
    assert set(links) == {"BibTeX", "RIS"}
    library = bibtexparser.parse_string(resolve(page, links["BibTeX"]).read_text("utf-8"))
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.key == slug and entry.entry_type == "article"
    fields = {f.key: f.value for f in entry.fields}
    assert fields["journal"] == "New Statesman"
    assert fields["url"] == f"{SITE}articles/{slug}/"
    (ris,) = rispy.loads(resolve(page, links["RIS"]).read_text("utf-8"))
    assert ris["type_of_reference"] == "MGZN"
    assert ris["secondary_title"] == "New Statesman"
    assert ris["urls"] == [f"{SITE}articles/{slug}/"]
    if slug == PARIAH:
        assert fields["author"] == "Watson, Richard"
        assert fields["title"] == "{Becoming a pariah state}"
        assert (fields["year"], fields["date"]) == ("2008", "2008-12-08")
        assert ris["authors"] == ["Watson, Richard"]
        assert ris["date"] == "2008/12/08"
    else:
        assert "author" not in fields and "authors" not in ris
        assert ris["title"] == "Losing Momentum: how Jeremy Corbyn’s support group ran out of steam"


def _netlify_headers(path: str) -> dict[str, str]:
    """The headers netlify.toml gives a published path (its rules in order, later
    ones adding to earlier ones, as Netlify merges them)."""
    config = tomllib.loads((ROOT / "netlify.toml").read_text("utf-8"))
    found: dict[str, str] = {}
    for rule in config.get("headers", []):
        if fnmatch.fnmatchcase(path, rule["for"]):
            found.update(rule["values"])
    return found


@pytest.mark.parametrize(
    ("suffix", "media_type"),
    [
        (".bib", "application/x-bibtex"),
        (".ris", "application/x-research-info-systems"),
        (".epub", "application/epub+zip"),
    ],
)
def test_downloads_are_served_with_their_media_type(
    seed_site: Path, suffix: str, media_type: str
) -> None:
    files = sorted(seed_site.rglob(f"*{suffix}"))
    assert files, f"the seed site has no {suffix} file"
    for file in files:
        path = "/" + file.relative_to(seed_site).as_posix()
        assert _netlify_headers(path).get("Content-Type", "").split(";")[0] == media_type, path


def test_bibtex_escapes_what_latex_would_read() -> None:
    work = cite.Work(("A & B",), "100% {odd} #1 $5 ~ ^ \\ _x", "N", None, "https://x.org/a_b/")
    library = bibtexparser.parse_string(cite.bibtex(work, "odd"))
    assert not library.failed_blocks
    fields = {f.key: f.value for f in library.entries[0].fields}
    assert fields["title"] == (
        r"{100\% \{odd\} \#1 \$5 \textasciitilde{} \textasciicircum{} \textbackslash{} \_x}"
    )


# -- corrections as data ---------------------------------------------------------------

AKEHURST = (
    "This article originally named Luke Akehurst as a Labour councillor. "
    "Akehurst stood down in 2014."
)


def test_the_momentum_correction_is_dated_in_the_notice_jsonld_and_feed(seed_site: Path) -> None:
    page = article(seed_site, MOMENTUM)
    notice = page.select_one(".ns-notice--correction")
    (item,) = notice.select(".ns-correction")
    assert item.time["datetime"] == "2017-03-23"
    assert item.get_text() == f"23 March 2017: {AKEHURST}"
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert data["correction"] == [
        {"@type": "CorrectionComment", "datePublished": "2017-03-23", "text": AKEHURST}
    ]
    assert data["dateModified"] == "2017-03-23"
    feed = etree.parse(str(seed_site / "corrections.xml")).getroot()
    assert feed.tag == f"{ATOM}feed"
    (entry,) = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}summary") == AKEHURST
    assert entry.findtext(f"{ATOM}updated").startswith("2017-03-23")
    assert entry.find(f"{ATOM}link").get("href") == f"{SITE}articles/{MOMENTUM}/"
    index = BeautifulSoup((seed_site / "corrections" / "index.html").read_text("utf-8"), "lxml")
    (year,) = index.select(".ns-years__list > li")
    assert year["id"] == "corrections-2017" and year.a["href"] == "2017/"
    assert year.select_one(".ns-count").get_text() == "1 correction"
    listing = BeautifulSoup(
        (seed_site / "corrections" / "2017" / "index.html").read_text("utf-8"), "lxml"
    )
    (row,) = listing.select(".ns-corrections__item")
    assert row.time["datetime"] == "2017-03-23"
    assert AKEHURST in row.get_text()
    # Articles without corrections say nothing about them.
    assert "correction" not in json.loads(
        article(seed_site, PARIAH).select_one('script[type="application/ld+json"]').string
    )


def test_the_old_string_form_of_a_correction_gets_a_clear_message(tmp_path: Path) -> None:
    from generator.content.check import check_all

    project = copy_project(tmp_path)
    path = project.content / "articles" / f"{MOMENTUM}.md"
    text = path.read_text("utf-8")
    dated = f"- date: 2017-03-23\n  text: {AKEHURST}\n"
    assert dated in text
    path.write_text(text.replace(dated, f"- {AKEHURST}\n"), "utf-8")
    line = path.read_text("utf-8").splitlines().index(f"- {AKEHURST}") + 1
    (problem,) = check_all(project.content).problems
    assert str(problem) == (
        f"{path}:{line}: corrections.0: a correction is now dated: write it as "
        "`- date: YYYY-MM-DD` (the day it was made) and `  text: This article originally "
        "named Luke Akeh…` on the next line"
    )


# -- redirects -------------------------------------------------------------------------


def test_the_seed_site_publishes_an_empty_redirects_file(seed_site: Path) -> None:
    assert (seed_site / "_redirects").read_bytes() == b""


def test_a_redirect_that_loops_or_ends_nowhere_is_an_error(tmp_path: Path) -> None:
    pages = {"/articles/a/", "/articles/b/"}
    loop = Redirect("/articles/a/", "/articles/b/", "a.md", 3, "aliases.0")
    missing = Redirect("/articles/old/", "/articles/gone/", "x.md", 4, "aliases.0")
    good = Redirect("/articles/old/", "/articles/a/", "a.md", 5, "aliases.0")
    other = Redirect("/articles/old/", "/articles/b/", "b.md", 6, "aliases.0")
    (tmp_path / "addresses.txt").write_text("/articles/a/\n/articles/c/\n", "utf-8")
    problems = [str(p) for p in check_addresses(tmp_path, pages, [loop, missing, good, other])]
    assert problems == [
        "a.md:3: aliases.0: /articles/a/ is the address of a page of the edition; an alias "
        "names an old address that no page has any more",
        "x.md:4: aliases.0: /articles/gone/ is no page of the edition",
        "b.md:6: aliases.0: /articles/old/ is already an alias of /articles/a/ (a.md:5); one "
        "old address can lead to one page only",
        f"{tmp_path / 'addresses.txt'}:2: address: /articles/c/ was published and no page "
        "answers for it now: add 'c' to the `aliases:` of the article that replaced it",
    ]
    with pytest.raises(ValueError, match="would loop"):
        redirects_file([loop], pages)
    with pytest.raises(ValueError, match="is no page"):
        redirects_file([missing], pages)
    assert redirects_file([good], pages) == b"/articles/old/ /articles/a/ 301\n"


def test_a_ledger_line_redirects_a_writers_page(tmp_path: Path) -> None:
    from generator.content.check import check_all

    project = copy_project(tmp_path)
    ledger = project.content / "addresses.txt"
    old = "/authors/jim-macintyre/"
    ledger.write_text(ledger.read_text("utf-8") + f"{old} /authors/james-macintyre/\n", "utf-8")
    result = check_all(project.content)
    assert result.ok, [str(p) for p in result.problems]
    assert redirects_file(list(result.redirects), set(result.pages)) == (
        b"/authors/jim-macintyre/ /authors/james-macintyre/ 301\n"
    )
    text = ledger.read_text("utf-8")
    ledger.write_text(text.replace(f"{old} /authors/james-macintyre/", f"{old} /authors/nobody/"))
    (problem,) = check_all(project.content).problems
    assert problem.message == "/authors/nobody/ is no page of the edition"


def test_the_ledger_read_again_is_the_file_as_it_is_now(tmp_path: Path) -> None:
    """A build reads the address ledger three times and parses it once; a ledger
    written again in between, to the same size and modification time, is read
    afresh."""
    import os

    from generator.atomic import write_atomic
    from generator.content.addresses import read_ledger

    path = tmp_path / "addresses.txt"
    path.write_text("# published\n/a/\n/b/ /c/\n", "utf-8")
    first = read_ledger(tmp_path)
    assert [(e.line, e.address, e.target) for e in first] == [(2, "/a/", None), (3, "/b/", "/c/")]
    assert read_ledger(tmp_path) is first
    before = path.stat()
    write_atomic(path, b"# published\n/x/\n/y/ /z/\n")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert [(e.address, e.target) for e in read_ledger(tmp_path)] == [("/x/", None), ("/y/", "/z/")]
    path.unlink()
    assert read_ledger(tmp_path) == ()


# -- events by date --------------------------------------------------------------------


def test_the_chronology_is_navigable_by_decade_and_year(seed_site: Path) -> None:
    page = BeautifulSoup((seed_site / "timelines" / "index.html").read_text("utf-8"), "lxml")
    nav = page.select_one("nav.ns-years")
    assert [a["href"] for a in nav.select("a")] == ["2008/"]
    # The old links into the one long page (/timelines/#events-2008, #events-2000s)
    # land on the entries of that decade and year, which link to the year's page.
    assert page.find(id="events-2000s").select_one("a")["href"] == "2008/"
    assert page.find(id="events-2008").a["href"] == "2008/"
    year = BeautifulSoup(
        (seed_site / "timelines" / "2008" / "index.html").read_text("utf-8"), "lxml"
    )
    # Every event of the year's page happened in that year.
    events = year.find(id="events-2008").find_next_sibling("ol").select("li time")
    assert len(events) == 15 and all(t["datetime"].startswith("2008") for t in events)


def test_search_has_an_events_in_facet_from_timeline_dates(seed_site: Path) -> None:
    from generator.content.schema import Article, Timeline, TimelineEvent
    from generator.search.index import event_years
    from tests.test_search import Index

    index = Index(seed_site)
    records = index.records()
    facets = index.json("f/0.json")  # the seeds: one block of facets
    events = facets["events"]
    assert events["values"] == ["2008"]

    def values(slug: str) -> list[str]:
        got = events["docs"][records[slug]["n"]]
        got = [] if got == -1 else [got] if isinstance(got, int) else got
        return [events["values"][i] for i in got]

    # Only the pariah article prints a timeline: its events are all of 2008.
    assert {slug: values(slug) for slug in records if values(slug)} == {PARIAH: ["2008"]}
    search = BeautifulSoup((seed_site / "search" / "index.html").read_text("utf-8"), "lxml")
    legend = search.select_one('fieldset[data-facet="events"] legend')
    assert legend.get_text() == "Events in"
    # A decade is its ten years, a span its years (at most 20), a day its year.
    timeline = Timeline(
        "t",
        None,
        (
            TimelineEvent("199X", "a"),
            TimelineEvent("1914/1918", "b"),
            TimelineEvent("2003-03-20", "c"),
            TimelineEvent("1800/1900", "d"),
        ),
    )
    years = event_years(Article(title="x", slug="x", body="", timelines=(timeline,)))
    assert years == (
        *(str(y) for y in range(1800, 1820)),
        "1914", "1915", "1916", "1917", "1918",
        *(str(y) for y in range(1990, 2000)),
        "2003",
    )  # fmt: skip
