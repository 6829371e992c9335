"""The built edition, read as a reader's browser and a crawler would read it."""

from __future__ import annotations

import json
import re
import tomllib
import zipfile
from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlparse

import pytest
from bs4 import BeautifulSoup
from lxml import etree

from generator.site.build import BuildError, Project, build
from generator.site.typography import smarten
from tests.sitekit import ROOT, SEED_ARTICLES, copy_project

ARTICLES = SEED_ARTICLES
ISSUES = {"2011-03-07", "2010-07-12", "2008-12-08", "2008-10-13", "2011-02-14", "2017-03-23"}
WRITERS = {"natasha-walter", "sigrid-rausing", "richard-watson", "james-macintyre"}


def soup(site: Path, url_path: str) -> BeautifulSoup:
    path = site / url_path.strip("/") / "index.html" if url_path.strip("/") else site / "index.html"
    return BeautifulSoup(path.read_text("utf-8"), "lxml")


def article(site: Path, slug: str) -> BeautifulSoup:
    return soup(site, f"articles/{slug}/")


def jsonld(page: BeautifulSoup) -> dict:
    script = page.find("script", type="application/ld+json")
    assert script is not None, "the page has no JSON-LD"
    return json.loads(script.string)


# -- what make site builds ------------------------------------------------------------


def test_the_seeds_build_six_articles_six_issues_writers_and_timelines(seed_site: Path) -> None:
    assert {p.parent.name for p in (seed_site / "articles").glob("*/index.html")} == ARTICLES
    issue_pages = {p.parent.name for p in (seed_site / "issues").glob("*/index.html")}
    # Beside each issue's page, one page a year lists that year's issues.
    assert issue_pages == ISSUES | {"2008", "2010", "2011", "2017"}
    assert {p.parent.name for p in (seed_site / "authors").glob("*/index.html")} == WRITERS
    assert (seed_site / "timelines" / "index.html").exists()
    assert (seed_site / "timelines" / "2008" / "index.html").exists()
    assert (seed_site / "web-only" / "index.html").exists()
    assert (seed_site / "404.html").exists()
    assert (seed_site / "sitemap.xml").exists()


# -- the article page -----------------------------------------------------------------


def test_article_page_has_headline_standfirst_byline_and_first_appearance(seed_site: Path) -> None:
    page = article(seed_site, "becoming-a-pariah-state")
    assert page.h1.get_text() == "Becoming a pariah state"
    assert len(page.find_all("h1")) == 1
    standfirst = page.select_one(".ns-standfirst").get_text()
    # The scrape cut it at "... from over here c": shown to the last whole word.
    assert standfirst.endswith("radicalised young men from over here…")
    byline = page.select_one(".ns-byline a[rel=author]")
    assert byline.get_text() == "Richard Watson"
    assert byline["href"] == "../../authors/richard-watson/"
    meta = page.select_one(".ns-article__meta")
    assert " ".join(meta.get_text().split()).startswith(
        "First appeared in the 8 December 2008 issue: After the Terror"
    )
    issue_link = meta.find("a")
    assert issue_link["href"] == "../../issues/2008-12-08/"
    assert issue_link.time["datetime"] == "2008-12-08"
    assert re.fullmatch(r"\d+ min read", page.select_one(".ns-reading-time").get_text())


def test_timeline_is_an_ordered_list_of_dated_entries_in_date_order(seed_site: Path) -> None:
    page = article(seed_site, "becoming-a-pariah-state")
    aside = page.select_one("aside.ns-timeline")
    heading = aside.find(id=aside["aria-labelledby"])
    assert heading.get_text() == "India under siege"
    items = aside.select("ol > li")
    assert len(items) == 15
    dates = [li.time["datetime"] for li in items]
    assert dates == sorted(dates)
    assert dates[0] == "2008-01-01" and dates[-1] == "2008-11-23"
    assert "Nick Stokeld" in aside.select_one(".ns-timeline__credit").get_text()
    # The timeline sits beside the body, inside the same layout, after the text.
    layout = aside.parent
    assert "ns-article__layout--with-sidebar" in layout["class"]
    assert layout.select_one(".ns-article__body").find_next_sibling("aside") is aside
    # ...and nowhere in the body.
    assert "Nick Stokeld" not in page.select_one(".ns-article__body").get_text()


def test_image_credit_inline_credit_and_section_breaks(seed_site: Path) -> None:
    page = article(seed_site, "the-facade-cracks")
    # The edition shows no pictures: the credit is a note in the footer, never a
    # caption in the header under no picture.
    assert page.select_one(".ns-article__header .ns-image-credit") is None
    note = page.select_one(".ns-article__footer .ns-credit-note")
    assert "Oli Scarff/Getty Images" in note.get_text()
    assert "not reproduced" in note.get_text()
    assert page.select_one(".ns-credits").get_text() == "ILLUSTRATION BY DAN MURRELL"
    assert len(page.select(".ns-article__body hr")) == 2
    assert "James Macintyre is political correspondent" in page.select_one(".ns-bio").get_text()


def test_correction_is_a_visible_notice_and_notes_follow_the_text(seed_site: Path) -> None:
    momentum = article(
        seed_site, "losing-momentum-how-jeremy-corbyns-support-group-ran-out-of-steam"
    )
    notice = momentum.select_one(".ns-notice--correction")
    assert notice.h2.get_text() == "Correction"
    assert "originally named Luke Akehurst" in notice.get_text()
    # Unsigned: no byline at all, rather than a "not named" one.
    assert momentum.select_one(".ns-byline") is None
    assert "not named" not in momentum.select_one(".ns-article__header").get_text()
    assert [h.get_text() for h in momentum.select(".ns-article__body h2")] == [
        "1. The Bus",
        "2. The Conference",
        "3. The HQ",
        "4. The Fallout",
    ]
    woman = article(seed_site, "i-am-every-woman")
    assert "Some of the interviews were carried out" in woman.select_one(".ns-note").get_text()


def test_inscription_keeps_its_line_breaks(seed_site: Path) -> None:
    page = article(seed_site, "children-of-abraham-v-sons-of-ibrahim")
    para = next(p for p in page.select(".ns-article__body p") if "Living together" in p.get_text())
    assert len(para.find_all("br")) == 4


def test_previous_and_next_link_articles_of_the_same_issue(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    src = project.content / "articles" / "the-facade-cracks.md"
    text = src.read_text("utf-8").replace("slug: the-facade-cracks", "slug: the-facade-cracks-2")
    text = text.replace("title: The façade cracks", "title: The façade cracks again")
    (project.content / "articles" / "the-facade-cracks-2.md").write_text(text, "utf-8")
    build(project, ingest_sources=False, search=False)
    first = article(project.site_dir(), "the-facade-cracks")
    second = article(project.site_dir(), "the-facade-cracks-2")
    assert first.select_one("a[rel=next]")["href"] == "../the-facade-cracks-2/"
    assert first.select_one("a[rel=prev]") is None
    assert second.select_one("a[rel=prev]")["href"] == "../the-facade-cracks/"


# -- listings ---------------------------------------------------------------------------


def test_issue_page_lists_its_articles_with_standfirst_and_writers(seed_site: Path) -> None:
    page = soup(seed_site, "issues/2008-12-08/")
    assert page.h1.get_text() == "After the Terror"
    assert page.select_one(".ns-issue__date time")["datetime"] == "2008-12-08"
    # "Issue" leads up to the issues of its year.
    assert page.select_one(".ns-issue__date a")["href"] == "../2008/"
    contents = page.find(id="in-this-issue").find_parent("section")
    assert contents.h2.get_text() == "In this issue"
    items = contents.select(".ns-list__item")
    assert len(items) == 1
    assert items[0].h3.a.get_text() == "Becoming a pariah state"
    # Kicker: the article's first topic.
    assert items[0].select_one(".ns-kicker").get_text() == "Terrorism"
    assert items[0].select_one(".ns-list__standfirst").get_text().endswith("…")
    meta = items[0].select_one(".ns-list__meta").get_text()
    assert "Richard Watson" in meta and "min read" in meta


@pytest.mark.parametrize(
    "path",
    [
        "issues/2008-12-08/",
        "issues/2011/",
        "authors/",
        "authors/unattributed/2017/",
        "search/?q=india",
    ],
)
def test_list_entries_sit_flush_with_their_list_in_the_browser(
    page: Any, site_url: str, path: str
) -> None:
    """The edition's lists have no markers, so nothing indents their entries
    (Material's room for markers once pushed every entry 22 px to the right of the
    text above it), and search results are laid out like the other lists."""
    page.goto(site_url + path)
    entries = "ol.ns-list > li, ul.ns-writers > li, ol.ns-issues > li"
    page.wait_for_selector(entries)
    # How far each entry starts from its list's edge; in the writers' list, which
    # runs in columns, from its column's edge: its margin and the list's padding.
    indents = page.evaluate(
        """(entries) => [...document.querySelectorAll(entries)].map((li) => {
            const list = li.parentElement, style = getComputedStyle(list);
            if (style.columnWidth !== "auto" || style.columnCount !== "auto") {
                return parseFloat(getComputedStyle(li).marginLeft) + parseFloat(style.paddingLeft);
            }
            return li.getBoundingClientRect().left - list.getBoundingClientRect().left;
        })""",
        entries,
    )
    assert indents and indents == [0] * len(indents)


def test_issues_index_groups_issues_by_year_newest_first(seed_site: Path) -> None:
    page = soup(seed_site, "issues/")
    entries = page.select(".ns-years__list > li")
    assert [li.a.get_text() for li in entries] == ["2017", "2011", "2010", "2008"]
    assert [li.select_one(".ns-count").get_text() for li in entries] == [
        "1 issue",
        "2 issues",
        "1 issue",
        "2 issues",
    ]
    # The old section's id is on the year's entry, which links to the year's page.
    assert page.find(id="year-2011").a["href"] == "2011/"
    year = soup(seed_site, "issues/2011/")
    assert year.h1.get_text() == "Issues of 2011"
    assert [t["datetime"] for t in year.select("ol.ns-issues time")] == ["2011-03-07", "2011-02-14"]
    counts = [c.get_text() for c in year.select("ol.ns-issues li .ns-count")]
    assert counts == ["1 article", "1 article"]
    # From one year to the next, and back to every year.
    nav = {a.get_text(strip=True): a["href"] for a in year.select(".ns-part-nav a")}
    assert nav == {"2017": "../2017/", "Every year": "../", "2010": "../2010/"}


def test_writer_page_has_bio_and_articles_and_unnamed_writers_are_said_so(seed_site: Path) -> None:
    page = soup(seed_site, "authors/natasha-walter/")
    assert page.h1.get_text() == "Natasha Walter"
    assert page.select_one(".ns-bio").get_text().startswith("Natasha Walter is the founder")
    assert [a.get_text() for a in page.select(".ns-list__title a")] == ["I am every woman"]
    index = soup(seed_site, "authors/")
    assert len(index.select(".ns-writers li")) == 4
    unattributed = index.find(id="unattributed").find_parent("section")
    # The index links each year's unsigned articles, newest year first.
    links = [a["href"] for a in unattributed.select("a")]
    assert links == ["unattributed/2017/", "unattributed/2011/"]
    titles = set()
    for href in links:
        year = soup(seed_site, "authors/" + href)
        assert year.h1.get_text().startswith("Articles with no named writer")
        titles |= {a.get_text() for a in year.select(".ns-list__title a")}
    assert titles == {
        "Mexico’s disappeared women",
        "Losing Momentum: how Jeremy Corbyn’s support group ran out of steam",
    }


def test_timelines_page_merges_every_event_in_date_order_linking_back(seed_site: Path) -> None:
    index = soup(seed_site, "timelines/")
    assert index.select("ol.ns-chronology") == []  # the index lists years, not events
    (entry,) = index.select(".ns-years__list > li")
    assert entry.a["href"] == "2008/" and entry.select_one(".ns-count").get_text() == "15 events"
    page = soup(seed_site, "timelines/2008/")
    events = page.select("ol.ns-chronology > li")
    assert len(events) == 15
    dates = [li.time["datetime"] for li in events]
    assert dates == sorted(dates)
    # The article is linked once for its timeline, not after every event.
    links = [a["href"] for li in events for a in li.select("a")]
    assert links == ["../../articles/becoming-a-pariah-state/"]
    assert events[0].select_one("a") is not None
    (begun,) = page.select("ul.ns-timelines > li")
    assert begun.a["href"] == "../../articles/becoming-a-pariah-state/"


def test_home_page_has_latest_issue_recent_issues_and_about(seed_site: Path) -> None:
    page = soup(seed_site, "")
    latest = page.select_one(".ns-latest")
    assert "Trump’s permanent revolution" in latest.h2.get_text()
    assert latest.select_one("time")["datetime"] == "2017-03-23"
    first = latest.select_one(".ns-list__item")
    assert first.select_one(".ns-list__standfirst").get_text().startswith("Tom Watson says")
    recent = [t["datetime"] for t in page.select(".ns-recent time")]
    assert recent == ["2011-03-07", "2011-02-14", "2010-07-12", "2008-12-08", "2008-10-13"]
    about = page.select_one(".ns-about").get_text()
    assert "archive edition" in about
    # The editor's hand-wrapped lines are joined, not printed as line breaks.
    assert page.select_one(".ns-about br") is None
    sections = {a.get_text() for a in page.select(".ns-sections a")}
    assert sections == {"Issues", "Writers", "Timelines", "Collections", "Topics", "Web only"}


# -- links and reachability ------------------------------------------------------------


def _internal_links(site: Path) -> dict[str, list[str]]:
    """page URL path -> resolved internal link targets (path#fragment)."""
    graph: dict[str, list[str]] = {}
    for html in site.rglob("*.html"):
        rel = html.relative_to(site).as_posix()
        url = "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        page = BeautifulSoup(html.read_text("utf-8"), "lxml")
        targets = []
        for a in page.find_all(["a", "link"], href=True):
            href = a["href"]
            parsed = urlparse(href)
            if parsed.scheme or href.startswith(("mailto:", "//")):
                continue
            targets.append(urljoin(url, href))
        graph[url] = targets
    return graph


def _exists(site: Path, target: str) -> bool:
    path, _, fragment = target.partition("#")
    local = site / unquote(path).lstrip("/")
    if path.endswith("/") or local.is_dir():
        local = local / "index.html"
    if not local.exists():
        return False
    if fragment and local.suffix == ".html":
        page = BeautifulSoup(local.read_text("utf-8"), "lxml")
        return page.find(id=fragment) is not None or page.find(attrs={"name": fragment}) is not None
    return True


def test_no_internal_link_or_anchor_is_broken(seed_site: Path) -> None:
    broken = [
        f"{page} -> {target}"
        for page, targets in _internal_links(seed_site).items()
        for target in targets
        if page != "/404.html" and not _exists(seed_site, target)
    ]
    assert broken == []


def test_every_article_is_within_three_clicks_of_home(seed_site: Path) -> None:
    graph = _internal_links(seed_site)
    depth = {"/": 0}
    queue = deque(["/"])
    while queue:
        page = queue.popleft()
        for target in graph.get(page, []):
            target = target.partition("#")[0]
            if target not in depth and target in graph:
                depth[target] = depth[page] + 1
                queue.append(target)
    too_far = {s: depth.get(f"/articles/{s}/") for s in ARTICLES}
    assert {s: d for s, d in too_far.items() if d is None or d > 3} == {}


# -- for the web -------------------------------------------------------------------------


def test_json_ld_is_a_news_article_in_a_publication_issue(seed_site: Path) -> None:
    data = jsonld(article(seed_site, "becoming-a-pariah-state"))
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Becoming a pariah state"
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Richard Watson",
            "url": "https://ns-edition.netlify.app/authors/richard-watson/",
        }
    ]
    assert data["datePublished"] == "2008-12-08"
    assert data["isPartOf"]["@type"] == "PublicationIssue"
    assert data["isPartOf"]["name"] == "After the Terror"


def test_canonical_open_graph_and_twitter_tags(seed_site: Path) -> None:
    page = article(seed_site, "the-facade-cracks")
    url = "https://ns-edition.netlify.app/articles/the-facade-cracks/"
    assert page.find("link", rel="canonical")["href"] == url
    og = {m["property"]: m["content"] for m in page.find_all("meta", property=True)}
    assert og["og:type"] == "article"
    assert og["og:title"] == "The façade cracks"
    assert og["og:url"] == url
    assert og["article:published_time"] == "2008-10-13"
    assert og["article:author"] == "James Macintyre"
    assert page.find("meta", attrs={"name": "twitter:card"})["content"] == "summary"
    assert page.title.get_text() == "The façade cracks - New Statesman Archive Edition"


def test_atom_feed_parses_and_lists_the_articles_newest_first(seed_site: Path) -> None:
    tree = etree.parse(str(seed_site / "feed.xml"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = tree.xpath("//a:entry/a:title/text()", namespaces=ns)
    assert len(titles) == 6
    assert titles[0].startswith("Losing Momentum")
    links = tree.xpath("//a:entry/a:link/@href", namespaces=ns)
    assert all(link.startswith("https://ns-edition.netlify.app/articles/") for link in links)


def test_sitemap_lists_every_article(seed_site: Path) -> None:
    # /sitemap.xml is an index of parts (generator/site/sitemap.py); one part here.
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = etree.parse(str(seed_site / "sitemap.xml"))
    assert index.xpath("//s:sitemap/s:loc/text()", namespaces=ns) == [
        "https://ns-edition.netlify.app/sitemap-1.xml"
    ]
    locs = etree.parse(str(seed_site / "sitemap-1.xml")).xpath("//s:loc/text()", namespaces=ns)
    assert {f"https://ns-edition.netlify.app/articles/{s}/" for s in ARTICLES} <= set(locs)


def test_nav_lists_sections_never_articles(seed_site: Path) -> None:
    page = article(seed_site, "the-facade-cracks")
    nav_links = [a["href"] for a in page.select(".ns-sections a[href]")]
    assert nav_links, "the page has no navigation"
    assert not any("articles/" in href for href in nav_links)


def test_netlify_toml_publishes_the_build_output_with_security_headers(
    seed_project: Project,
) -> None:
    config = tomllib.loads((ROOT / "netlify.toml").read_text("utf-8"))
    # make site, with Netlify's build cache for incremental builds (tests/test_scale.py).
    assert config["build"]["command"].split()[:2] == ["make", "site"]
    assert (ROOT / config["build"]["publish"]).resolve() == (ROOT / "site").resolve()
    assert config["build"]["environment"]["PYTHON_VERSION"].startswith("3.11")
    assert "deploy-preview" in config["context"]
    headers = {h["for"]: h["values"] for h in config["headers"]}
    everywhere = headers["/*"]
    assert everywhere["X-Content-Type-Options"] == "nosniff"
    assert "Referrer-Policy" in everywhere
    assert "frame-ancestors 'none'" in everywhere["Content-Security-Policy"]
    immutable = [f for f, v in headers.items() if "immutable" in v.get("Cache-Control", "")]
    bundle = next((seed_project.site_dir() / "assets" / "javascripts").glob("bundle.*.js"))
    assert any(
        re.fullmatch(
            f.replace(".", r"\.").replace("*", ".*"),
            "/" + bundle.relative_to(seed_project.site_dir()).as_posix(),
        )
        for f in immutable
    )


def test_csp_allows_every_inline_script_the_site_has(seed_site: Path) -> None:
    import base64
    import hashlib

    config = tomllib.loads((ROOT / "netlify.toml").read_text("utf-8"))
    csp = next(h["values"] for h in config["headers"] if h["for"] == "/*")[
        "Content-Security-Policy"
    ]
    missing = set()
    for html in seed_site.rglob("*.html"):
        for script in BeautifulSoup(html.read_text("utf-8"), "lxml").find_all("script"):
            if script.get("src") or script.get("type") in (
                "application/json",
                "application/ld+json",
            ):
                continue
            digest = base64.b64encode(hashlib.sha256(script.string.encode()).digest()).decode()
            if f"'sha256-{digest}'" not in csp:
                missing.add(f"{html.relative_to(seed_site)}: 'sha256-{digest}'")
    assert not missing, "add these hashes to netlify.toml's Content-Security-Policy"


# -- escaping, determinism, failure ---------------------------------------------------

HOSTILE = '<script>alert("pwned")</script> "quoted" </script> & <b>bold</b>'
# What the page body shows: typographic quotes (generator/site/typography.py).
SHOWN = smarten(HOSTILE)


def _hostile_article() -> str:
    return f"""---
title: {json.dumps(HOSTILE)}
slug: hostile-headline
standfirst: {json.dumps(HOSTILE)}
authors: [{json.dumps("Eve </script><script>alert(1)</script>")}]
issue: {{date: 2008-12-08, title: {json.dumps(HOSTILE)}}}
image: {{caption: null, credit: {json.dumps(HOSTILE)}}}
credits: [{json.dumps(HOSTILE)}]
timelines:
  - title: {json.dumps(HOSTILE)}
    credit: null
    events:
      - {{date: 2008-01-01, text: {json.dumps(HOSTILE)}}}
notes: [{json.dumps(HOSTILE)}]
corrections: [{{date: 2008-12-09, text: {json.dumps(HOSTILE)}}}]
---

A plain paragraph.
"""


def test_hostile_text_is_shown_never_run_anywhere(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    (project.content / "articles" / "hostile-headline.md").write_text(_hostile_article(), "utf-8")
    build(project, ingest_sources=False, search=False)
    site = project.site_dir()
    for html in site.rglob("*.html"):
        text = html.read_text("utf-8")
        page = BeautifulSoup(text, "lxml")
        for script in page.find_all("script"):
            assert "pwned" not in (script.string or "") or script["type"] == "application/ld+json"
            assert (
                "alert(1)" not in (script.string or "") or script["type"] == "application/ld+json"
            )
        assert not page.find("b", string="bold"), html
    page = article(site, "hostile-headline")
    assert page.h1.get_text() == SHOWN
    assert page.title.get_text().startswith(HOSTILE)
    og = {m["property"]: m["content"] for m in page.find_all("meta", property=True)}
    assert og["og:title"] == HOSTILE
    data = jsonld(page)
    assert data["headline"] == HOSTILE
    aside = page.select_one("aside.ns-timeline")
    assert aside.h2.get_text() == SHOWN
    assert aside.select_one(".ns-timeline__text").get_text() == SHOWN
    assert SHOWN in page.select_one(".ns-notice--correction").get_text()
    feed = etree.parse(str(site / "feed.xml"))
    assert HOSTILE in feed.xpath("//*[local-name()='title']/text()")
    # The issue's EPUB: every document parses as XML, holds the hostile text as
    # text, and has no element the text spelled out.
    with zipfile.ZipFile(site / "issues/2008-12-08/2008-12-08.epub") as book:
        docs = {n: etree.fromstring(book.read(n)) for n in book.namelist() if n.endswith("html")}
        opf = etree.fromstring(book.read("EPUB/content.opf"))
    assert opf.xpath("//*[local-name()='title']/text()") == [
        f"New Statesman, 8 December 2008: {HOSTILE}"
    ]
    hostile = next(
        d
        for d in docs.values()
        if d.xpath("//*[local-name()='article']/*/*[local-name()='h1']/text()") == [HOSTILE]
    )
    texts = hostile.xpath("//text()")
    assert texts.count(HOSTILE) >= 6  # title, kicker, standfirst, correction, timeline, notes
    for doc in docs.values():
        assert not doc.xpath("//*[local-name()='script' or local-name()='b']")
    corrections = etree.parse(str(site / "corrections.xml"))
    assert HOSTILE in corrections.xpath("//*[local-name()='summary']/text()")
    assert all(
        SHOWN in p.get_text() for p in page.select(".ns-cite__text")
    )  # the headline, as text, in every style


def _tree_bytes(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_two_builds_of_the_same_content_are_byte_identical(tmp_path: Path) -> None:
    one = copy_project(tmp_path / "one")
    two = copy_project(tmp_path / "two")
    build(one)
    build(two)
    first, second = _tree_bytes(one.site_dir()), _tree_bytes(two.site_dir())
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_a_failed_build_leaves_the_previous_site_intact(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    build(project, ingest_sources=False, search=False)
    before = _tree_bytes(project.site_dir())
    broken = project.content / "articles" / "the-facade-cracks.md"
    broken.write_text(broken.read_text("utf-8").replace("date: 2008-10-13", "date: 13th October"))
    with pytest.raises(BuildError) as error:
        build(project, ingest_sources=False, search=False)
    assert "the-facade-cracks.md:" in str(error.value)
    assert "issue.date" in str(error.value)
    assert _tree_bytes(project.site_dir()) == before
    assert not [p for p in project.root.iterdir() if p.name.startswith(".site")]


def test_invalid_front_matter_stops_the_build_with_the_checkers_message(tmp_path: Path) -> None:
    import subprocess
    import sys

    project = copy_project(tmp_path)
    bad = project.content / "articles" / "the-facade-cracks.md"
    lines = bad.read_text("utf-8").splitlines()
    lines[1] = "title: [unclosed"
    bad.write_text("\n".join(lines) + "\n", "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--root", str(project.root), "--no-search"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert re.search(r"the-facade-cracks\.md:\d+: front matter: invalid YAML", result.stderr)
    assert not project.site_dir().exists()
