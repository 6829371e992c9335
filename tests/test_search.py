"""Search, tested as a reader uses it: headless Chromium on the built seeds site.

The browser tests type into the real search page served on 127.0.0.1 and read what
it shows; the others read the Pagefind bundle the build wrote. What one query
costs is counted from the browser's own network events (generator.search_index).
"""

from __future__ import annotations

import gzip
import json
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest

from generator.build import build
from generator.search_index import (
    SearchIndexError,
    _canonicalise,
    _cbor,
    _cbor_decode,
    _UnexpectedBundle,
    index_site,
    measure_query,
)
from tests.sitekit import ROOT, copy_project, serve

BUDGET_BYTES = 300_000  # one query, search code included (issue 4)
ARTICLE_SLUGS = {
    "i-am-every-woman",
    "children-of-abraham-v-sons-of-ibrahim",
    "becoming-a-pariah-state",
    "the-facade-cracks",
    "mexicos-disappeared-women",
    "losing-momentum-how-jeremy-corbyns-support-group-ran-out-of-steam",
}
ARTICLES_2011 = {"I am every woman", "Mexico’s disappeared women"}


# --- the bundle ------------------------------------------------------------------------


def fragments(site: Path) -> list[dict[str, Any]]:
    """Every page record in the index (Pagefind's fragments: gzip, a signature, JSON)."""
    records = []
    for path in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        raw = gzip.decompress(path.read_bytes())
        assert raw.startswith(b"pagefind_dcd"), path
        records.append(json.loads(raw[len(b"pagefind_dcd") :]))
    return records


def bundle_bytes(site: Path) -> dict[str, bytes]:
    bundle = site / "pagefind"
    files = (p for p in bundle.rglob("*") if p.is_file())
    return {p.relative_to(bundle).as_posix(): p.read_bytes() for p in files}


def test_the_index_covers_the_article_pages_and_nothing_else(seed_site: Path) -> None:
    urls = {record["url"] for record in fragments(seed_site)}
    assert urls == {f"/articles/{slug}/" for slug in ARTICLE_SLUGS}
    entry = json.loads((seed_site / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    assert entry["languages"]["en"]["page_count"] == len(ARTICLE_SLUGS)


def test_each_article_carries_its_meta_filters_and_text(seed_site: Path) -> None:
    records = {record["url"].split("/")[2]: record for record in fragments(seed_site)}
    pariah = records["becoming-a-pariah-state"]
    assert pariah["meta"]["title"] == "Becoming a pariah state"
    assert pariah["meta"]["date"] == "8 December 2008"
    assert pariah["meta"]["standfirst"].startswith("Even if none of the Mumbai attackers")
    assert pariah["filters"]["year"] == ["2008"]
    assert pariah["filters"]["issue"] == ["8 December 2008: After the Terror"]
    assert pariah["filters"]["writer"] == ["Richard Watson"]
    # Title, standfirst, writer, body and the timeline sidebar are all searchable text;
    # the page's furniture (kicker, "First appeared in…", reading time) is not.
    text = pariah["content"]
    for words in ("Becoming a pariah state", "radicalised young men", "Richard Watson",
                  "Lashkar-e-Toiba", "India under siege"):
        assert words in text, words
    assert "min read" not in text and "First appeared" not in text
    mexico = records["mexicos-disappeared-women"]
    assert "writer" not in mexico["filters"]  # no writer named: no writer filter
    assert "Writer not named" not in mexico["content"]
    assert {r["meta"]["title"] for r in records.values() if r["filters"]["year"] == ["2011"]} == (
        ARTICLES_2011
    )


def test_indexing_again_gives_the_same_bundle_byte_for_byte(
    seed_site: Path, tmp_path: Path
) -> None:
    # Pagefind 1.5.2 writes filter values in a random (per-process) order; the bundle
    # is made canonical after it. Two more runs, each a new Pagefind process, must
    # reproduce the build's bundle exactly.
    copy = tmp_path / "site"
    shutil.copytree(seed_site, copy)
    for _ in range(2):
        stats = index_site(copy)
        assert stats.canonical
        assert stats.pages == len(ARTICLE_SLUGS)
        assert bundle_bytes(copy) == bundle_bytes(seed_site)


def test_an_unknown_bundle_format_is_left_as_pagefind_wrote_it(
    seed_site: Path, tmp_path: Path
) -> None:
    bundle = tmp_path / "pagefind"
    shutil.copytree(seed_site / "pagefind", bundle)
    victim = sorted((bundle / "filter").glob("*.pf_filter"))[0]
    # A filter file in some other shape: [1, 2, 3] instead of [name, [[value, pages]]].
    victim.write_bytes(gzip.compress(b"pagefind_dcd" + _cbor([1, 2, 3])))
    before = {p: p.read_bytes() for p in bundle.rglob("*") if p.is_file()}
    with pytest.raises(_UnexpectedBundle):
        _canonicalise(bundle)
    assert {p: p.read_bytes() for p in bundle.rglob("*") if p.is_file()} == before


def test_a_template_that_marks_nothing_for_search_stops_the_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    template = project.templates / "article.html"
    template.write_text(template.read_text("utf-8").replace(" data-pagefind-body", ""), "utf-8")
    with pytest.raises(SearchIndexError, match="has no data-pagefind-body"):
        build(project, ingest_sources=False)
    assert not project.site_dir().exists()  # nothing half-made was published


def test_cbor_subset_round_trips() -> None:
    for value in (0, 23, 24, 255, 256, 65_535, 65_536, 2**32, -1, -500, "", "Juárez",
                  "x" * 300, [], [1, ["a", [2, 3]], "b"], b"\x00\xff"):
        encoded = _cbor(value)
        assert _cbor_decode(encoded, 0) == (value, len(encoded)), value


# --- in the browser --------------------------------------------------------------------


def search(page: Any, site_url: str, query: str) -> list[str]:
    """Type ``query`` into the search page as a reader would; the result titles."""
    page.goto(site_url + "search/")
    page.fill("#ns-search-q", "")
    page.type("#ns-search-q", query)
    return wait_for_results(page)


def wait_for_results(page: Any) -> list[str]:
    """The titles shown once the search for what is in the box has finished
    (search.js marks its root "ready" when the results and facets are shown)."""
    page.wait_for_function(
        "() => { const root = document.getElementById('ns-search');"
        " if (!root || root.dataset.state !== 'ready') return false;"  # not yet there
        " const box = document.getElementById('ns-search-q');"
        " const status = document.getElementById('ns-search-status').textContent;"
        " return status.includes(box.value.replace(/[\u201C\u201D]/g, '\"').trim()); }"
    )
    return page.locator(".ns-result__title").all_inner_texts()


def facet_counts(page: Any, facet: str) -> dict[str, int]:
    counts = {}
    for label in page.locator(f"[data-facet='{facet}'] .ns-facet__value label").all_inner_texts():
        value, _, count = label.rpartition(" (")
        counts[value] = int(count.rstrip(")"))
    return counts


@pytest.mark.browser
def test_lashkar_e_toiba_finds_becoming_a_pariah_state_first(page: Any, site_url: str) -> None:
    titles = search(page, site_url, "Lashkar-e-Toiba")
    assert titles[0] == "Becoming a pariah state"
    result = page.locator(".ns-result").first
    assert result.locator(".ns-result__meta").inner_text().startswith("8 December 2008")
    assert "Richard Watson" in result.locator(".ns-result__meta").inner_text()
    assert result.locator(".ns-result__standfirst").inner_text().startswith("Even if none")
    marks = result.locator(".ns-result__excerpt mark").all_inner_texts()
    assert any("Lashkar" in m for m in marks), marks


@pytest.mark.browser
def test_accents_are_optional_juarez_finds_juárez(page: Any, site_url: str) -> None:
    assert "Mexico’s disappeared women" in search(page, site_url, "Juarez")
    assert "Mexico’s disappeared women" in search(page, site_url, "Juárez")


@pytest.mark.browser
def test_a_quoted_query_finds_the_exact_phrase_only(page: Any, site_url: str) -> None:
    assert search(page, site_url, '"Ciudad Juarez"') == ["Mexico’s disappeared women"]
    # Both words are in the article, not side by side in this order.
    assert search(page, site_url, "women disappeared")
    assert search(page, site_url, '"women disappeared"') == []
    # A phone's curly quotes work the same.
    assert search(page, site_url, "“Ciudad Juarez”") == ["Mexico’s disappeared women"]


@pytest.mark.browser
def test_filtering_by_year_leaves_that_years_articles_and_counts_match(
    page: Any, site_url: str
) -> None:
    titles = search(page, site_url, "the")
    assert len(titles) == len(ARTICLE_SLUGS)
    years = facet_counts(page, "year")
    assert years == {"2017": 1, "2011": 2, "2010": 1, "2008": 2}
    page.check("[data-facet='year'] input[value='2011']")
    page.wait_for_function(
        "() => document.querySelectorAll('.ns-result').length === 2"
        " && document.getElementById('ns-search-status').textContent.startsWith('2 ')"
    )
    titles = wait_for_results(page)
    assert set(titles) == ARTICLES_2011
    assert "2 articles match" in page.inner_text("#ns-search-status")
    # The year facet still offers the other years with what they would add; the
    # other facets count only what is left.
    assert facet_counts(page, "year") == years
    assert facet_counts(page, "issue") == {
        "7 March 2011: The great property swindle": 1,
        "14 February 2011: The Middle East": 1,
    }
    assert sum(facet_counts(page, "issue").values()) == len(titles)
    assert "year=2011" in page.url  # a filtered search can be bookmarked
    page.uncheck("[data-facet='year'] input[value='2011']")
    page.wait_for_function("() => document.querySelectorAll('.ns-result').length === 6")


@pytest.mark.browser
def test_without_a_query_the_archive_can_be_browsed_by_facet(page: Any, site_url: str) -> None:
    page.goto(site_url + "search/")
    page.wait_for_selector("#ns-search[data-state='ready']", state="attached")
    assert page.locator(".ns-result").count() == 0
    assert facet_counts(page, "year") == {"2017": 1, "2011": 2, "2010": 1, "2008": 2}
    page.check("[data-facet='year'] input[value='2011']")
    page.wait_for_function("() => document.querySelectorAll('.ns-result').length === 2")
    # No query to rank by: newest first.
    assert page.locator(".ns-result__title").all_inner_texts() == [
        "I am every woman",
        "Mexico’s disappeared women",
    ]


@pytest.mark.browser
def test_results_can_be_ordered_by_date(page: Any, site_url: str) -> None:
    search(page, site_url, "the")
    page.select_option("#ns-search-sort", "newest")
    first = "(document.querySelector('.ns-result__title') || {}).textContent || ''"
    page.wait_for_function(f"() => ({first}).startsWith('Losing')")
    page.wait_for_function("() => document.querySelectorAll('.ns-result').length === 6")
    dates = page.locator(".ns-result__meta").all_inner_texts()
    years = [int(d.split(" · ")[0].split()[-1]) for d in dates]
    assert years == sorted(years, reverse=True)
    page.select_option("#ns-search-sort", "oldest")
    page.wait_for_function(f"() => ({first}).startsWith('The fa')")
    assert "sort=oldest" in page.url


@pytest.mark.browser
def test_a_query_with_no_match_says_so(page: Any, site_url: str) -> None:
    assert search(page, site_url, "xylophonequartz") == []
    assert page.inner_text("#ns-search-status").startswith("No articles match “xylophonequartz”")


@pytest.mark.browser
def test_slash_focuses_the_header_search_box(page: Any, site_url: str) -> None:
    page.goto(site_url)
    label = page.locator("label[for='ns-header-q']").inner_text()
    assert label == "Search the archive"
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "ns-header-q"
    # Typed inside a box, "/" is just a character.
    page.keyboard.type("a/b")
    assert page.input_value("#ns-header-q") == "a/b"


@pytest.mark.browser
def test_the_header_box_opens_the_search_page_with_the_query(page: Any, site_url: str) -> None:
    page.goto(site_url + "articles/the-facade-cracks/")
    page.fill("#ns-header-q", "Juarez")
    page.press("#ns-header-q", "Enter")
    page.wait_for_url("**/search/?q=Juarez")
    assert "Mexico’s disappeared women" in wait_for_results(page)
    assert page.input_value("#ns-search-q") == "Juarez"


@pytest.mark.browser
def test_without_javascript_the_search_page_says_it_needs_it(browser: Any, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url)
        page.fill("#ns-header-q", "Juarez")
        page.press("#ns-header-q", "Enter")  # a plain form: it still leads to the page
        page.wait_for_url("**/search/?q=Juarez")
        text = page.inner_text("article")
        assert "Search needs JavaScript" in text
        assert not page.is_visible("#ns-search")
    finally:
        context.close()


@pytest.mark.browser
def test_one_query_fetches_at_most_300_kb(page: Any, site_url: str) -> None:
    cost = measure_query(page, site_url + "search/", "Lashkar-e-Toiba")
    assert cost.titles[0] == "Becoming a pariah state"
    paths = [path for path, _ in cost.fetched]
    # Counted: the search code, Pagefind's code and WebAssembly, index and fragment.
    for wanted in ("/assets/javascripts/search.js", "/pagefind/pagefind.js", ".pagefind",
                   ".pf_meta", ".pf_index", ".pf_fragment"):
        assert any(p.endswith(wanted) for p in paths), (wanted, paths)
    assert all(size > 0 for _, size in cost.fetched), cost.fetched
    assert cost.bytes <= BUDGET_BYTES, f"{cost.bytes:,} bytes: {sorted(cost.fetched)}"


# --- under the site's Content-Security-Policy -------------------------------------------


def netlify_csp() -> str:
    config = tomllib.loads((ROOT / "netlify.toml").read_text("utf-8"))
    return next(h["values"] for h in config["headers"] if h["for"] == "/*")[
        "Content-Security-Policy"
    ]


def minimal_csp() -> str:
    """The least the site needs: what search needs (script-src 'self'
    'wasm-unsafe-eval', connect-src 'self'), plus Material's own needs (its inline
    bootstrap scripts by hash, as netlify.toml lists them; its icons as data: URLs)."""
    hashes = [part for part in netlify_csp().split() if part.startswith("'sha256-")]
    return "; ".join([
        "default-src 'none'",
        "script-src 'self' 'wasm-unsafe-eval' " + " ".join(hashes),
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
    ])


@pytest.mark.browser
@pytest.mark.parametrize("policy", [netlify_csp, minimal_csp], ids=["netlify", "minimal"])
def test_search_works_under_a_strict_csp_without_violations(
    browser: Any, seed_site: Path, policy: Any
) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        # Recorded by the browser itself (an init script is not subject to the CSP).
        page.add_init_script(
            "window.__violations = [];"
            "document.addEventListener('securitypolicyviolation', e =>"
            " window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        with serve(seed_site, {"Content-Security-Policy": policy()}) as url:
            page.goto(url + "search/?q=Juarez")
            assert "Mexico’s disappeared women" in wait_for_results(page)
            assert page.evaluate("window.__violations") == []
            page.goto(url + "articles/the-facade-cracks/")
            assert page.evaluate("window.__violations") == []
            page.fill("#ns-header-q", "Lashkar-e-Toiba")
            page.press("#ns-header-q", "Enter")
            page.wait_for_url("**/search/?q=*")
            assert wait_for_results(page)[0] == "Becoming a pariah state"
            assert page.evaluate("window.__violations") == []
    finally:
        context.close()


# --- hostile text in the index ----------------------------------------------------------

HOSTILE = '<script>alert("pwned")</script> "quoted" & <b>bold</b> <img src=x onerror=alert(2)>'


@pytest.mark.browser
@pytest.mark.slow
def test_hostile_text_in_results_and_facets_is_shown_never_run(
    browser: Any, tmp_path: Path
) -> None:
    project = copy_project(tmp_path)
    (project.content / "articles" / "hostile-headline.md").write_text(
        f"""---
title: {json.dumps(HOSTILE)}
slug: hostile-headline
standfirst: {json.dumps(HOSTILE)}
authors: [{json.dumps("Eve " + HOSTILE)}]
issue: {{date: 2001-01-01, title: {json.dumps(HOSTILE)}}}
---

Zanzibarite {HOSTILE.replace("<", "&lt;")} and more zanzibarite text.
""",
        "utf-8",
    )
    build(project, ingest_sources=False)
    context = browser.new_context()
    try:
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        with serve(project.site_dir()) as url:
            titles = search(page, url, "zanzibarite")
            assert titles == [HOSTILE]
            assert page.locator(".ns-result__standfirst").inner_text() == HOSTILE
            assert HOSTILE in page.locator("[data-facet='issue'] label").first.inner_text()
            assert HOSTILE in page.locator("[data-facet='writer'] label").first.inner_text()
            results = page.locator(".ns-search__results")
            assert results.locator("b, img, script").count() == 0
            assert page.locator(".ns-search__facets").locator("b, img, script").count() == 0
            page.wait_for_timeout(200)
    finally:
        context.close()
    assert dialogs == []
