"""What one search costs a reader, counted from a real browser's network events.

``python -m devtools.search_cost SITE QUERY...`` prints each query's cost, request
by request; ``make bench`` and ``tests/test_search.py`` use the same measure. It
counts the search's own files (search.js, the engine, the index files), not the
page around it, which is the same on every page and cached after the first.

``python -m devtools.search_cost --kinds SITE`` measures one query of each kind
(QUERY_KINDS: a rare word, a common word, two words, a phrase, a prefix, a typo, a
writer's name) and prints a table. ``--synth N --work DIR`` first makes SITE:
a synthetic archive of N articles (devtools/synth.py), ingested; the search page
and its scripts from a full build of a small archive, and the search index of the
N articles written alone (no MkDocs), so that 100,000 articles can be measured
where a 100,000-article MkDocs build is out of reach; ``--full`` builds the N
articles' whole site instead.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

import orjson

from devtools.bench import bench_project
from devtools.synth import synthesize
from generator.site.build import Project

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
_FACET_FILES = ("/f/", "/pagefind/filter/")


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


# One query of each kind, on the synthetic archive's words (devtools/synth.py):
# "{writer}" is the name of the writer with the most articles (from the index).
QUERY_KINDS: tuple[tuple[str, str], ...] = (
    ("rare word", "Gdansk"),
    ("common word", "government"),
    ("two words", "hospital strike"),
    ("phrase", '"Camden Town"'),
    ("prefix", "Kashm"),
    ("typo", "goverment"),
    ("writer name", "{writer}"),
)


def kind_queries(site: Path) -> list[tuple[str, str]]:
    """QUERY_KINDS with the writer's name filled in from ``site``'s index."""
    bundle = site / "search-index"
    meta = orjson.loads((bundle / "meta.json").read_bytes())
    totals = orjson.loads((bundle / meta["data"] / "f" / "all.json").read_bytes())
    writers = sorted(totals["writer"].items(), key=lambda item: (-item[1], item[0]))
    writer = writers[0][0] if writers else "Smith"
    return [(kind, query.replace("{writer}", writer)) for kind, query in QUERY_KINDS]


def kinds_table(site: Path) -> str:
    kinds = kind_queries(site)
    costs = query_costs(site, [query for _, query in kinds])
    lines = [
        "| query kind | query | what the page said | until the first results | with the facets |",
        "| --- | --- | --- | ---: | ---: |",
    ]
    for (kind, query), cost in zip(kinds, costs, strict=True):
        lines.append(
            f"| {kind} | `{query}` | {cost.status} | {cost.first_results_bytes / 1000:.1f} kB "
            f"| {cost.bytes / 1000:.1f} kB |"
        )
    return "\n".join(lines)


def make_site(n: int, work: Path, full: bool = False, seed: int = 0) -> Path:
    """A site to measure at ``n`` synthetic articles (see the module's docstring);
    returns its folder."""
    from devtools.relevance import build_archive
    from generator.search.index import BUNDLE, build_search_index
    from generator.site.build import load_edition

    work.mkdir(parents=True, exist_ok=True)
    if full:
        return build_archive(n, seed, work / "full").root / "site"
    shell = build_archive(30, seed, work / "shell").root / "site"
    archive = work / "archive"
    synthesize(n, archive / "sources", seed)
    root = bench_project(archive, archive / "sources")
    ingest = subprocess.run(
        [sys.executable, "-m", "generator", "ingest", "content/sources", "--quiet"],
        cwd=root,
        check=False,
        stdout=subprocess.DEVNULL,
    )
    if ingest.returncode not in (0, 1):
        raise RuntimeError(f"ingest failed with exit code {ingest.returncode}")
    started = time.perf_counter()
    stats = build_search_index(load_edition(Project(root)), shell / BUNDLE)
    print(
        f"indexed {stats.documents:,} articles in {time.perf_counter() - started:.1f} s: "
        f"{stats.files:,} files, {stats.bytes / 1e6:.1f} MB",
        file=sys.stderr,
    )
    return shell


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.search_cost")
    parser.add_argument("site", nargs="?", type=Path, help="a built site")
    parser.add_argument("queries", nargs="*")
    parser.add_argument("--kinds", action="store_true", help="one query of each kind, as a table")
    parser.add_argument("--synth", type=int, metavar="N", help="make a site of N articles")
    parser.add_argument("--work", type=Path, help="the folder --synth works in (kept)")
    parser.add_argument("--full", action="store_true", help="--synth builds the whole site")
    args = parser.parse_args(argv)
    site = args.site
    if args.synth:
        if args.work is None:
            parser.error("--synth needs --work")
        site = make_site(args.synth, args.work, args.full)
    if site is None or not (args.kinds or args.queries):
        parser.error("give a SITE and QUERY..., or --kinds")
    if args.kinds:
        print(kinds_table(site))
    for cost in query_costs(site, args.queries):
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
