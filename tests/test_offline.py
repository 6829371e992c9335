"""Offline reading (overrides/assets/javascripts/offline-sw.js, offline.js,
generator/site/offline.py): in headless Chromium, a reader opens issue pages and
an article, the network goes away (Playwright's offline mode, and the server is
stopped), and what they opened, with the opened issues' articles, still reads;
a page never opened is not there."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from generator.site.offline import PLACEHOLDER, build_digest, write_service_worker
from tests.sitekit import ROOT, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OPENED_ISSUE = "issues/2008-10-13/"
ITS_ARTICLE = "articles/the-facade-cracks/"
ISSUE_ONLY = "issues/2008-12-08/"  # opened, but not its article
ARTICLE_OF_ISSUE_ONLY = "articles/becoming-a-pariah-state/"
NEVER_OPENED = ["issues/2017-03-23/", "articles/mexicos-disappeared-women/"]


def _title(site: Path, url: str) -> str:
    page = BeautifulSoup((site / url / "index.html").read_text("utf-8"), "lxml")
    return page.h1.get_text()


def _open(page: Any, url: str) -> Any:
    response = page.goto(url)
    # offline.js marks the page once the service worker has kept what it asked for.
    page.wait_for_selector("html[data-ns-offline-kept]", state="attached", timeout=30_000)
    return response


def test_opened_pages_and_the_opened_issues_articles_read_offline(
    seed_site: Path, browser: Any, tmp_path: Path
) -> None:
    # A site of its own, to stop its server: offline must mean no network at all.
    site = tmp_path / "site"
    shutil.copytree(seed_site, site)
    titles = {u: _title(site, u) for u in (OPENED_ISSUE, ITS_ARTICLE, ARTICLE_OF_ISSUE_ONLY)}
    context = browser.new_context()
    try:
        page = context.new_page()
        with serve(site) as base:
            _open(page, base + ISSUE_ONLY)
            _open(page, base + OPENED_ISSUE)
            _open(page, base + ITS_ARTICLE)
            assert page.evaluate("navigator.serviceWorker.controller !== null")
        context.set_offline(True)

        response = page.reload()
        assert response is not None and response.status == 200
        assert page.locator("h1").first.inner_text() == titles[ITS_ARTICLE]
        page.go_back()  # the issue page, as the reader left it
        assert page.url == base + OPENED_ISSUE
        assert page.locator("h1").first.inner_text() == titles[OPENED_ISSUE]
        for url in (OPENED_ISSUE, ARTICLE_OF_ISSUE_ONLY):
            response = page.goto(base + url)
            assert response is not None and response.status == 200, url
            assert page.locator("h1").first.inner_text() == titles[url]
        # The kept page has its styles: Material's stylesheet came from the cache.
        assert page.evaluate(
            "[...document.styleSheets].some(s => s.href && /main\\.[0-9a-f]+/.test(s.href)"
            " && s.cssRules.length > 0)"
        )
        for url in NEVER_OPENED:
            response = page.goto(base + url)
            assert response is not None and response.status == 503, url
            assert page.locator("h1").inner_text() == "You are offline"
        # Nothing else in the cache: the pages opened, the opened issues' articles,
        # and files (styles, scripts, icons), never the search index.
        kept = page.evaluate(
            "caches.keys().then(ns => Promise.all(ns.map(n => caches.open(n)"
            ".then(c => c.keys())))).then(ks => ks.flat().map(r => r.url))"
        )
        pages = sorted(u[len(base) :] for u in kept if u.endswith("/") or u == base)
        assert pages == sorted([OPENED_ISSUE, ITS_ARTICLE, ISSUE_ONLY, ARTICLE_OF_ISSUE_ONLY])
        assert not [u for u in kept if "search-index" in u]
    finally:
        context.close()


def test_the_worker_is_stamped_with_the_build_and_changes_with_it(
    seed_site: Path, tmp_path: Path
) -> None:
    worker = (seed_site / "sw.js").read_text("utf-8")
    (stamp,) = re.findall(r'var BUILD = "([0-9a-f]{20})";', worker)
    assert PLACEHOLDER not in worker
    source = (ROOT / "overrides/assets/javascripts/offline-sw.js").read_text("utf-8")
    assert worker == source.replace(PLACEHOLDER, stamp)
    assert build_digest("docs-a", "code") != build_digest("docs-b", "code")
    assert build_digest("docs-a", "code") != build_digest("docs-a", "code-2")
    path = write_service_worker(ROOT, tmp_path, build_digest("docs-b", "code"))
    assert path.read_text("utf-8") != worker
