"""What one search costs a reader, counted from a real browser's network events.

``python -m devtools.search_cost SITE QUERY...`` prints each query's cost, request
by request; ``make bench`` and ``tests/test_search.py`` use the same measure. It
counts the search's own files (search.js, the engine, the index files), not the
page around it, which is the same on every page and cached after the first.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

if TYPE_CHECKING:  # Playwright is a development dependency, used only to measure.
    from playwright.sync_api import Page, Request

# The search's own files: search.js, its engine and the engine's stemmer, and every
# file of the index, the edition's (search-index/) or Pagefind's (pagefind/, for the
# benchmark).
_SEARCH_SCRIPTS = (
    "/assets/javascripts/search.js",
    "/assets/javascripts/search-engine.js",
    "/assets/javascripts/snowball-english.js",
)
_BUNDLES = ("/search-index/", "/pagefind/")
# The facets' data, which search.js fetches after the results are on the page.
_FACET_FILES = ("/facets.json", "/pagefind/filter/")


@dataclass(frozen=True)
class QueryCost:
    query: str
    status: str  # what the search page said: "2 articles match …" or "No articles …"
    titles: tuple[str, ...]  # the results shown, in order
    fetched: tuple[tuple[str, int], ...]  # (path, bytes) of each search request

    @property
    def bytes(self) -> int:
        """Everything the search fetched, facets included."""
        return sum(size for _, size in self.fetched)

    @property
    def first_results_bytes(self) -> int:
        """What it fetched until the first results were shown: for an unfiltered
        query, search.js fetches the facets' data only after that."""
        return sum(size for path, size in self.fetched if not any(f in path for f in _FACET_FILES))


def is_search_request(url: str) -> bool:
    path = urlsplit(url).path
    return any(b in path for b in _BUNDLES) or path.endswith(_SEARCH_SCRIPTS)


def response_bytes(request: Request) -> int:
    size = int(request.sizes()["responseBodySize"])
    response = request.response()
    if not size and response is not None:
        # Chromium reports no body size for a worker's own script; the server's
        # Content-Length (compressed size, if it compressed) is the same figure.
        size = int(response.headers.get("content-length") or 0)
    return size


def measure_query(page: Page, search_url: str, query: str, timeout_ms: float = 60_000) -> QueryCost:
    """Open the search page at ``search_url`` with ``?q=query`` in a fresh ``page``
    (empty cache) and count what the search fetched."""
    fetched: list[tuple[str, int]] = []

    def finished(request: Request) -> None:
        if is_search_request(request.url):
            fetched.append((urlsplit(request.url).path, response_bytes(request)))

    page.on("requestfinished", finished)
    try:
        page.goto(f"{search_url}?{urlencode({'q': query})}")
        # search.js marks its root "results" once the results are on the page, then
        # "ready" once the facets are too ("error" if the search could not load).
        page.wait_for_selector(
            "#ns-search[data-state='ready'], #ns-search[data-state='error']",
            state="attached",
            timeout=timeout_ms,
        )
        page.wait_for_load_state("networkidle")
        status = page.inner_text("#ns-search-status")
        titles = tuple(page.locator(".ns-result__title").all_inner_texts())
    finally:
        page.remove_listener("requestfinished", finished)
    return QueryCost(query, status, titles, tuple(fetched))


def query_costs(site: Path, queries: Sequence[str]) -> list[QueryCost]:
    """Each query in a fresh browser context, against ``site`` served on 127.0.0.1
    compressed as Netlify serves it."""
    from devtools.quality.browser import chromium, serve

    costs = []
    with serve(site) as base, chromium() as browser:
        for query in queries:
            context = browser.new_context()
            try:
                costs.append(measure_query(context.new_page(), base + "search/", query))
            finally:
                context.close()
    return costs


def query_cost_kb(site: Path, query: str) -> float:
    """What one query transfers until its first results are shown, in kB (1,000
    bytes), the measure of the search issue's budget: for ``make bench``."""
    return round(query_costs(site, [query])[0].first_results_bytes / 1000, 1)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 2:
        print("usage: python -m devtools.search_cost SITE QUERY...", file=sys.stderr)
        return 2
    for cost in query_costs(Path(args[0]), args[1:]):
        print(
            f"{cost.query!r}: {cost.first_results_bytes / 1000:.1f} kB until the first "
            f"results, {cost.bytes / 1000:.1f} kB with the facets, {len(cost.fetched)} requests"
        )
        print(f"  {cost.status}")
        for path, size in sorted(cost.fetched, key=lambda f: -f[1]):
            print(f"  {size / 1000:8.1f} kB  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
