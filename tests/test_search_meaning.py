"""Search finds what readers mean (issue 18), tried as a reader would, in Chromium
on the seed site: stems, a misspelt name, the issue's cover line, letters that do
not decompose, and a headline above mentions in the text. The relevance of the
whole engine is measured apart, on the synthetic archive (devtools/relevance.py,
tests/test_search_relevance.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.search.index import BUNDLE, build_search_index
from generator.site.build import load_edition
from tests.sitekit import copy_project, serve
from tests.test_search import search, wait_for_results

MOMENTUM = "Losing Momentum: how Jeremy Corbyn’s support group ran out of steam"


def fixture_article(slug: str, title: str, body: str) -> str:
    return f"""---
title: {title}
slug: {slug}
authors: [Test Writer]
issue: {{date: 2001-01-01, title: A test issue}}
---

{body}
"""


@pytest.mark.browser
def test_terrorist_and_terrorism_find_the_same_articles(page: Any, site_url: str) -> None:
    found = {}
    for query in ("terrorist", "terrorists", "terrorism"):
        found[query] = sorted(search(page, site_url, query))
    assert found["terrorist"] == found["terrorism"] == found["terrorists"]
    assert len(found["terrorist"]) >= 2
    # The excerpts highlight the other forms of the stem too.
    marks = {m.lower() for m in page.locator(".ns-result__excerpt mark").all_inner_texts()}
    assert marks - {"terrorism"}, marks


@pytest.mark.browser
def test_corbin_suggests_corbyn_and_one_click_finds_the_momentum_piece(
    page: Any, site_url: str
) -> None:
    titles = search(page, site_url, "Corbin")
    status = page.inner_text("#ns-search-status")
    assert status.startswith("No articles match “Corbin”"), status
    link = page.locator(".ns-search__suggestion a")
    assert link.inner_text() == "Corbyn"
    assert titles and titles[0] == MOMENTUM  # the closest word's articles, already
    link.click()
    assert wait_for_results(page)[0] == MOMENTUM
    assert page.input_value("#ns-search-q") == "Corbyn"
    assert "q=Corbyn" in page.url
    assert page.locator(".ns-search__suggestion").is_hidden()


@pytest.mark.browser
def test_the_issue_cover_line_is_searchable(page: Any, site_url: str) -> None:
    # "Trump's permanent revolution", the cover line of the Momentum piece's issue.
    assert MOMENTUM in search(page, site_url, '"permanent revolution"')


@pytest.mark.browser
def test_a_headline_match_ranks_first_over_mentions_in_the_text(page: Any, site_url: str) -> None:
    # "The façade cracks" has it in its headline; "Children of Abraham" in its text.
    titles = search(page, site_url, "facade")
    assert len(titles) >= 2
    assert titles[0] == "The façade cracks"


COMMON_COUNT = 20  # search-engine.js: COMMONER times the misspelling's one article


@pytest.fixture(scope="module")
def fixture_url(seed_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The seed site with its index made again from the seeds and fixture
    articles: one mentions Łódź, two hold two forms of one stem, COMMON_COUNT
    write "chancellor" and one misspells it "chancelor"."""
    work = tmp_path_factory.mktemp("meaning")
    project = copy_project(work / "project")
    articles = project.content / "articles"
    extra = {
        "lodz-letter": ("A letter from the east", "The mills of Łódź stand empty now."),
        "the-marmalades": ("A meeting", "The marmalades were made in a hall near the river."),
        "the-marmalade": ("A debate", "The marmalade was made in a hall near the river."),
    }
    for n in range(COMMON_COUNT):
        extra[f"budget-note-{n}"] = (f"Budget note {n}", "The chancellor spoke again.")
    extra["a-hurried-note"] = ("A hurried note", "The chancelor spoke once.")
    for slug, (title, body) in extra.items():
        (articles / f"{slug}.md").write_text(fixture_article(slug, title, body), "utf-8")
    site = work / "site"
    shutil.copytree(seed_site, site)
    # "chancellor" in a file of its own, as a common word is in a large archive:
    # the "Did you mean" weighs it from its shard's count (search-engine.js:
    # articlesOf), not from that file.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("generator.search.index.OWN_FILE_POSTINGS", COMMON_COUNT // 2)
        build_search_index(load_edition(project), site / BUNDLE)
    with serve(site) as url:
        yield url


@pytest.mark.browser
def test_lodz_finds_an_article_that_writes_łódź(page: Any, fixture_url: str) -> None:
    assert search(page, fixture_url, "Lodz") == ["A letter from the east"]
    assert page.locator(".ns-result__excerpt mark").all_inner_texts() == ["Łódź"]


@pytest.mark.browser
def test_the_form_a_reader_typed_ranks_above_other_forms_of_its_stem(
    page: Any, fixture_url: str
) -> None:
    assert search(page, fixture_url, "marmalade") == ["A debate", "A meeting"]
    assert search(page, fixture_url, "marmalades") == ["A meeting", "A debate"]


@pytest.mark.browser
def test_with_no_article_holding_every_word_those_holding_most_are_shown(
    page: Any, site_url: str
) -> None:
    assert search(page, site_url, "pariah xylophonequartz") == ["Becoming a pariah state"]
    status = page.inner_text("#ns-search-status")
    assert status.startswith("No article has every word of “pariah xylophonequartz”"), status
    assert "1 article has 1 of its 2" in status
    # A phrase stays a phrase: no article holds it, so nothing is shown.
    assert search(page, site_url, '"pariah state xylophonequartz"') == []


@pytest.mark.browser
def test_a_word_with_few_matches_suggests_a_much_commoner_one(page: Any, fixture_url: str) -> None:
    # "chancelor" is a word of the archive (one article misspells it), so its own
    # article is shown, and "chancellor", one edit away in 20 articles, suggested.
    assert search(page, fixture_url, "chancelor") == ["A hurried note"]
    status = page.inner_text("#ns-search-status")
    assert status.startswith("1 article matches “chancelor”"), status
    link = page.locator(".ns-search__suggestion a")
    assert link.inner_text() == "chancellor"
    link.click()
    titles = wait_for_results(page)
    assert titles and all(t.startswith("Budget note") for t in titles)
    status = page.inner_text("#ns-search-status")
    count, said = status.split(" ", 1)  # a seed article has "chancellor" too
    assert int(count) >= COMMON_COUNT and said.startswith("articles match “chancellor”"), status
    assert page.input_value("#ns-search-q") == "chancellor"
    assert page.locator(".ns-search__suggestion").is_hidden()
    # A word held by as many articles as its neighbour is not corrected.
    search(page, fixture_url, "chancellor")
    assert page.locator(".ns-search__suggestion").is_hidden()
