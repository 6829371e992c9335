"""The reader's edition as a reader sees it, in headless Chromium on the built seed
site: no documentation chrome, the serif text face, a 60-75 character measure, a
masthead that fits a phone, focus rings that show, the timeline without an inner
scroll box, and print that keeps headings and timeline events whole."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest

from tests.sitekit import SEED_ARTICLES

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("design")]

READER_PAGES = [
    "",
    "issues/",
    "issues/2008-12-08/",
    "authors/",
    "authors/richard-watson/",
    "collections/",
    "collections/asylum-refugees-and-womens-rights/",
    "topics/",
    "topics/terrorism/",
    "timelines/",
    "timelines/2008/",
    "issues/2011/",
    "corrections/",
    "corrections/2017/",
    "authors/unattributed/2017/",
    "web-only/",
    "search/",
    *(f"articles/{slug}/" for slug in sorted(SEED_ARTICLES)),
]
PARIAH = "articles/becoming-a-pariah-state/"


def _open(browser: Any, url: str, width: int, height: int, scheme: str = "light") -> Any:
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.evaluate("document.fonts.ready")
    return page


# --- no documentation chrome -------------------------------------------------------

CHROME_VISIBLE = """() => {
  const chrome = ".md-sidebar, .md-nav, .md-tabs, .md-footer, .md-footer__inner,"
    + " [data-md-type=toc], .md-top, label[for=__drawer]";
  return [...document.querySelectorAll(chrome)].filter((el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden";
  }).map((el) => el.outerHTML.slice(0, 80));
}"""


@pytest.mark.parametrize("width", [1440, 390])
def test_no_toc_left_nav_or_prev_next_on_any_reader_page(
    browser: Any, site_url: str, width: int
) -> None:
    for path in READER_PAGES:
        page = _open(browser, site_url + path, width, 900)
        try:
            assert page.evaluate(CHROME_VISIBLE) == [], path
            assert page.locator(".ns-wordmark").is_visible(), path
            # One search box on the search page, the header's everywhere else.
            boxes = page.locator("input[type=search]:visible").count()
            assert boxes == (1 if width > 600 or path == "search/" else 0), path
        finally:
            page.context.close()


# --- type ----------------------------------------------------------------------------

FONT_STATE = """() => {
  const p = document.querySelector(".ns-article__body p");
  const faces = [...document.fonts].filter((f) => f.family.replace(/"/g, "") === "Source Serif 4");
  const files = performance.getEntriesByType("resource").map((e) => e.name)
    .filter((n) => n.endsWith(".woff2"));
  return {
    family: getComputedStyle(p).fontFamily,
    loaded: faces.filter((f) => f.status === "loaded").map((f) => f.style + " " + f.weight),
    files,
  };
}"""


def test_body_text_is_set_in_the_self_hosted_serif(browser: Any, site_url: str) -> None:
    page = _open(browser, site_url + PARIAH, 1440, 900)
    try:
        state = page.evaluate(FONT_STATE)
    finally:
        page.context.close()
    assert state["family"].split(",")[0].strip("\"' ") == "Source Serif 4"
    assert "normal 400" in state["loaded"]
    assert any(f.startswith(site_url) and "source-serif-4-400" in f for f in state["files"])


def test_the_subset_font_holds_every_character_of_the_edition() -> None:
    """devtools/fonts.py cut the face to the edition's characters: when content
    brings new ones, `make fonts` must run again."""
    from fontTools.ttLib import TTFont

    from devtools.fonts import OUT, edition_characters

    for woff2 in sorted(OUT.glob("*.woff2")):
        cmap = TTFont(woff2).getBestCmap()
        missing = sorted(c for c in edition_characters() if ord(c) not in cmap)
        assert not missing, f"{woff2.name} lacks {missing}: run make fonts"


# Characters in each full line (every line of a paragraph but its last) of the
# article's text paragraphs, measured from where the browser broke the lines.
LINE_LENGTHS = """() => {
  const lengths = [];
  const paragraphs = [...document.querySelectorAll(".ns-article__body > p")]
    .filter((p) => !p.querySelector("br"));
  for (const p of paragraphs.slice(0, 12)) {
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    const lines = new Map();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.length; i++) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rect = range.getClientRects()[0];
        if (!rect) continue;
        const top = Math.round(rect.top);
        lines.set(top, (lines.get(top) || 0) + 1);
      }
    }
    const counts = [...lines.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
    lengths.push(...counts.slice(0, -1));
  }
  return lengths;
}"""


@pytest.mark.parametrize("width", [1440, 1024, 768])
def test_measure_is_60_to_75_characters_on_every_article(
    browser: Any, site_url: str, width: int
) -> None:
    for slug in sorted(SEED_ARTICLES):
        page = _open(browser, site_url + f"articles/{slug}/", width, 900)
        try:
            lengths = sorted(page.evaluate(LINE_LENGTHS))
        finally:
            page.context.close()
        assert len(lengths) >= 5, slug
        median = lengths[len(lengths) // 2]
        assert 60 <= median <= 75, (slug, width, median)
        # Never squeezed: not even one full line under 45 characters.
        assert lengths[0] >= 45, (slug, width, lengths[:5])


def test_the_wordmark_is_whole_at_360_px(browser: Any, site_url: str) -> None:
    for path in ["", PARIAH, "search/"]:
        page = _open(browser, site_url + path, 360, 740)
        try:
            fit = page.evaluate(
                """() => {
                  const w = document.querySelector(".ns-wordmark");
                  const name = w.querySelector(".ns-wordmark__name");
                  return {
                    scroll: w.scrollWidth, client: w.clientWidth,
                    nameScroll: name.scrollWidth, nameClient: name.clientWidth,
                    right: w.getBoundingClientRect().right,
                    page: document.documentElement.scrollWidth,
                  };
                }"""
            )
        finally:
            page.context.close()
        assert fit["scroll"] <= fit["client"], (path, fit)
        assert fit["nameScroll"] <= fit["nameClient"], (path, fit)
        assert fit["right"] <= 360 and fit["page"] <= 360, (path, fit)


# --- focus ---------------------------------------------------------------------------

# The focused element's ring and what it is drawn on: the colour just outside the
# ring (what the page paints there, from the elements under that point), and the
# contrast between the two. A hidden radio (Material's palette switch) shows its
# focus on its label.
FOCUS_RING = """() => {
  let el = document.activeElement;
  if (!el || el === document.body) return null;
  let r = el.getBoundingClientRect();
  if (r.width < 2 || r.height < 2) {
    const label = [...(el.parentElement || document).querySelectorAll("label")]
      .find((l) => l.getBoundingClientRect().width > 0);
    if (label) { el = label; r = el.getBoundingClientRect(); }
  }
  const s = getComputedStyle(el);
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const v = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return {r: v[0], g: v[1], b: v[2], a: v.length > 3 ? v[3] : 1};
  };
  const lum = (c) => {
    const f = (x) => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const background = (node) => {
    for (let n = node; n; n = n.parentElement) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c && c.a > 0.5) return c;
    }
    return parse(getComputedStyle(document.body).backgroundColor) || {r: 255, g: 255, b: 255, a: 1};
  };
  const width = parseFloat(s.outlineWidth) || 0;
  const offset = parseFloat(s.outlineOffset) || 0;
  const ring = parse(s.outlineColor);
  const html = el.outerHTML.slice(0, 100);
  if (s.outlineStyle === "none" || width < 2 || !ring || ring.a < 1) {
    return {html, ok: false, why: `outline ${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`};
  }
  // Points just outside the ring on each side that is on screen.
  const d = offset + width + 1.5;
  const points = [
    [r.left - d, r.top + r.height / 2], [r.right + d, r.top + r.height / 2],
    [r.left + r.width / 2, r.top - d], [r.left + r.width / 2, r.bottom + d],
  ].filter(([x, y]) => x >= 0 && y >= 0 && x < innerWidth && y < innerHeight);
  let worst = Infinity;
  for (const [x, y] of points) {
    const under = document.elementsFromPoint(x, y).find((n) => n !== el && !el.contains(n));
    const bg = background(under || document.body);
    const [a, b] = [lum(ring) + 0.05, lum(bg) + 0.05];
    worst = Math.min(worst, Math.max(a, b) / Math.min(a, b));
  }
  return {html, ok: true, contrast: worst === Infinity ? null : worst};
}"""

FOCUS_PAGES = ["", PARIAH, "issues/2008-12-08/", "search/", "authors/"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_focus_ring_has_3_to_1_contrast(browser: Any, site_url: str, scheme: str) -> None:
    problems = []
    for path in FOCUS_PAGES:
        page = _open(browser, site_url + path, 1440, 900, scheme)
        try:
            seen = 0
            for _ in range(80):
                page.keyboard.press("Tab")
                ring = page.evaluate(FOCUS_RING)
                if ring is None:
                    break
                seen += 1
                if not ring["ok"]:
                    problems.append((path, ring["html"], ring["why"]))
                elif ring["contrast"] is not None and ring["contrast"] < 3:
                    problems.append((path, ring["html"], round(ring["contrast"], 2)))
            assert seen > 3, path
        finally:
            page.context.close()
    assert problems == []


def test_tab_reaches_the_headline_before_the_article_text(browser: Any, site_url: str) -> None:
    """Nothing between the masthead and the headline takes the focus: the first stop
    inside the content is in the article's header (the kicker or the byline)."""
    page = _open(browser, site_url + PARIAH, 1440, 900)
    try:
        for _ in range(30):
            page.keyboard.press("Tab")
            where = page.evaluate(
                """() => {
                  const el = document.activeElement;
                  if (!el.closest(".md-content")) return null;
                  return el.closest(".ns-article__header") ? "header" : "other";
                }"""
            )
            if where:
                break
    finally:
        page.context.close()
    assert where == "header"


# --- the timeline ----------------------------------------------------------------------

TIMELINE_STATE = """() => {
  const aside = document.querySelector(".ns-timeline");
  const clipped = [];
  for (let n = aside; n && n !== document.documentElement; n = n.parentElement) {
    const s = getComputedStyle(n);
    if (/(auto|scroll|hidden)/.test(s.overflowY) && n.scrollHeight > n.clientHeight + 1) {
      clipped.push(n.className || n.tagName);
    }
  }
  const events = [...aside.querySelectorAll(".ns-timeline__event")].map((li) => {
    const r = li.getBoundingClientRect();
    return r.height > 0 && r.width > 0;
  });
  const credit = aside.querySelector(".ns-timeline__credit");
  const cr = credit ? credit.getBoundingClientRect() : null;
  const a = aside.getBoundingClientRect();
  return {
    clipped, events, position: getComputedStyle(aside).position,
    height: a.height, viewport: innerHeight,
    credit: credit ? credit.textContent : null,
    creditInView: !!cr && cr.top >= 0 && cr.bottom <= innerHeight,
    beside: a.left > document.querySelector(".ns-article__body").getBoundingClientRect().right,
  };
}"""


def test_every_timeline_event_and_the_credit_show_without_an_inner_scroll(
    browser: Any, site_url: str
) -> None:
    page = _open(browser, site_url + PARIAH, 1440, 900)
    try:
        state = page.evaluate(TIMELINE_STATE)
    finally:
        page.context.close()
    assert state["clipped"] == []
    assert len(state["events"]) == 15 and all(state["events"])
    assert state["credit"] == "Compiled by Nick Stokeld"
    # The credit heads the list, so it is on the first screen with the timeline.
    assert state["creditInView"]
    assert state["beside"]
    # Sticky only if the whole timeline fits the window.
    assert state["position"] != "sticky" or state["height"] <= state["viewport"]


def test_the_timeline_follows_the_text_where_both_would_not_fit(
    browser: Any, site_url: str
) -> None:
    page = _open(browser, site_url + PARIAH, 1024, 900)
    try:
        state = page.evaluate(TIMELINE_STATE)
    finally:
        page.context.close()
    assert not state["beside"]
    assert all(state["events"]) and state["clipped"] == []


# --- print ----------------------------------------------------------------------------


def _pdf_pages(browser: Any, url: str) -> list[list[str]]:
    """The lines of each page of the PDF Chromium prints for ``url``."""
    from pypdf import PdfReader

    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(url, wait_until="load")
        page.evaluate("document.fonts.ready")
        page.emulate_media(media="print")
        data = page.pdf(format="A4", print_background=False)
    finally:
        context.close()
    reader = PdfReader(io.BytesIO(data))
    return [
        [" ".join(line.split()) for line in (p.extract_text() or "").splitlines() if line.strip()]
        for p in reader.pages
    ]


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", text).lower()


@pytest.mark.parametrize(
    "slug",
    [
        "becoming-a-pariah-state",
        "losing-momentum-how-jeremy-corbyns-support-group-ran-out-of-steam",
    ],
)
def test_print_keeps_headings_with_text_and_timeline_events_whole(
    browser: Any, site_url: str, seed_site: Path, slug: str
) -> None:
    from bs4 import BeautifulSoup

    html = BeautifulSoup((seed_site / "articles" / slug / "index.html").read_text("utf-8"), "lxml")
    headings = {_squash(h.get_text()) for h in html.select(".md-content h2")}
    events = [
        (_squash(li.select_one(".ns-timeline__text").get_text()))
        for li in html.select(".ns-timeline__event")
    ]
    pages = _pdf_pages(browser, site_url + f"articles/{slug}/")
    assert len(pages) > 1
    # Page one: the masthead and the article's address.
    first = " ".join(pages[0])
    assert "New Statesman" in first
    assert f"ns-edition.netlify.app/articles/{slug}/" in first.replace(" ", "")
    # No heading is the last line of a page.
    for number, lines in enumerate(pages[:-1], 1):
        assert _squash(lines[-1]) not in headings, (number, lines[-1])
    # Each timeline event's text is on one page.
    squashed = [_squash(" ".join(lines)) for lines in pages]
    for text in events:
        assert any(text in page for page in squashed), text[:40]


# --- pages as a magazine's ---------------------------------------------------------------


def test_the_first_article_headline_is_on_the_first_phone_screen(
    browser: Any, site_url: str
) -> None:
    page = _open(browser, site_url, 390, 844)
    try:
        box = page.locator(".ns-latest .ns-list__title").first.bounding_box()
    finally:
        page.context.close()
    assert box is not None and box["y"] + box["height"] <= 844


def test_issue_counts_never_break_over_two_lines(browser: Any, site_url: str) -> None:
    page = _open(browser, site_url + "issues/2011/", 360, 740)
    try:
        heights = page.evaluate(
            """() => [...document.querySelectorAll(".ns-issues .ns-count")].map((el) => {
                 const rects = el.getClientRects();
                 return rects.length;
               })"""
        )
    finally:
        page.context.close()
    assert heights and all(n == 1 for n in heights)


def test_an_inscription_is_set_apart_from_the_prose(browser: Any, site_url: str) -> None:
    page = _open(browser, site_url + "articles/children-of-abraham-v-sons-of-ibrahim/", 1024, 900)
    try:
        styles = page.evaluate(
            """() => {
              const look = (p) => { const s = getComputedStyle(p);
                return {bg: s.backgroundColor, border: s.borderLeftWidth, style: s.fontStyle}; };
              const verse = [...document.querySelectorAll(".ns-article__body p")]
                .find((p) => p.textContent.startsWith("Here lies buried"));
              const prose = document.querySelector(".ns-article__body p:not(:has(br))");
              const lines = verse.querySelectorAll("br").length;
              return {verse: look(verse), prose: look(prose), lines};
            }"""
        )
    finally:
        page.context.close()
    assert styles["lines"] >= 1
    assert styles["verse"] != styles["prose"]
    assert float(styles["verse"]["border"].rstrip("px")) >= 2


def test_the_dark_palette_keeps_the_hierarchy(browser: Any, site_url: str) -> None:
    """Headline brightest, then standfirst, then text; the date line dimmer than all."""
    page = _open(browser, site_url + PARIAH, 1440, 900, "dark")
    try:
        lum = page.evaluate(
            """() => {
              const l = (sel) => {
                const [r, g, b] = getComputedStyle(document.querySelector(sel)).color
                  .match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
                return 0.2126 * r + 0.7152 * g + 0.0722 * b;
              };
              return {h1: l("h1"), standfirst: l(".ns-standfirst"),
                      text: l(".ns-article__body p"), date: l(".ns-article__meta")};
            }"""
        )
    finally:
        page.context.close()
    assert lum["h1"] > lum["standfirst"] > lum["text"] > lum["date"], lum


PALETTE_STATE = """() => ({
  scheme: document.body.getAttribute("data-md-color-scheme"),
  toggle: [...document.querySelectorAll("[data-md-component=palette] label")]
    .filter((label) => !label.hidden).map((label) => label.title),
  meta: document.querySelector("meta[name=color-scheme]")?.content,
})"""


@pytest.mark.parametrize(
    ("system", "scheme", "other"), [("light", "default", "dark"), ("dark", "slate", "light")]
)
def test_the_palette_follows_the_system_until_the_reader_switches_it(
    browser: Any, site_url: str, system: str, scheme: str, other: str
) -> None:
    """overrides/assets/javascripts/palette.js, in place of Material's bundle: the
    system's palette first, one visible toggle, a click or Enter switches, and the
    choice holds on the next page whatever the system prefers."""
    page = _open(browser, site_url + PARIAH, 1440, 900, system)
    try:
        scripts = page.evaluate("[...document.scripts].map((s) => s.src).filter(Boolean)")
        assert not [src for src in scripts if "/bundle." in src], scripts
        state = page.evaluate(PALETTE_STATE)
        assert state == {"scheme": scheme, "toggle": [f"Switch to {other} mode"], "meta": system}
        page.click("[data-md-component=palette] label:not([hidden])")
        switched = page.evaluate(PALETTE_STATE)
        assert switched["scheme"] != scheme
        assert switched["toggle"] == [f"Switch to {system} mode"]
        assert switched["meta"] == other
        # The next page opens in the reader's choice, not the system's.
        page.goto(site_url + "issues/", wait_until="load")
        assert page.evaluate(PALETTE_STATE) == switched
        # From the keyboard: Tab to the toggle's radio, Enter switches back.
        for _ in range(10):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.name") == "__palette":
                break
        else:
            raise AssertionError("Tab never reached the palette toggle")
        page.keyboard.press("Enter")
        assert page.evaluate(PALETTE_STATE) == state
    finally:
        page.context.close()


def test_the_kicker_is_the_first_topic_and_the_cover_line_goes_with_the_issue(
    seed_site: Path,
) -> None:
    from bs4 import BeautifulSoup

    def header(slug: str) -> Any:
        html = (seed_site / "articles" / slug / "index.html").read_text("utf-8")
        return BeautifulSoup(html, "lxml").select_one(".ns-article__header")

    pariah = header("becoming-a-pariah-state")
    assert pariah.select_one(".ns-kicker").get_text() == "Terrorism"
    assert "After the Terror" in pariah.select_one(".ns-article__meta a").get_text()
    # Reading order: the headline comes first in the header.
    assert pariah.find(True).name == "h1"
    for slug in SEED_ARTICLES:
        kicker = header(slug).select_one(".ns-kicker")
        meta = header(slug).select_one(".ns-article__meta").get_text()
        if kicker is not None:
            assert kicker.get_text() not in meta, slug
