"""The page-weight gate: an article costs a first-time reader at most 250 kB.

Measured in the browser, not estimated from files: a fresh Chromium context (empty
cache) loads the page from the local server (gzip, as Netlify serves it), scrolls
to the end as a reader would, and the Chrome DevTools Protocol reports what each
response really cost on the wire (``encodedDataLength``: compressed body plus
headers). Everything the page fetches counts (HTML, CSS, JS, fonts, and images,
icons or anything else), so nothing can slip past the budget by its type.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from devtools.quality.browser import chromium, serve
from devtools.quality.common import Finding, GateResult

BUDGET_BYTES = 250_000  # kB here are 1,000 bytes, as browsers' network panels count
# A phone: the reader the budget is for.
VIEWPORT = {"width": 390, "height": 844}


@dataclass
class PageWeight:
    url: str
    transferred: int = 0  # bytes on the wire, headers included
    decoded: int = 0  # bytes after decompression: what the browser had to parse
    by_type: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    requests: dict[str, int] = field(default_factory=dict)  # URL -> bytes transferred
    failed: list[str] = field(default_factory=list)

    def largest(self, n: int = 3) -> list[tuple[str, int]]:
        return sorted(self.requests.items(), key=lambda kv: -kv[1])[:n]


def kb(n: int) -> str:
    return f"{n / 1000:.1f} kB"


def measure(browser: Any, url: str) -> PageWeight:
    """What loading ``url`` and scrolling to its end transfers, in a fresh context."""
    weight = PageWeight(url)
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        kinds: dict[str, str] = {}
        urls: dict[str, str] = {}

        def on_response(event: dict) -> None:
            kinds[event["requestId"]] = event.get("type", "Other").lower()
            urls[event["requestId"]] = event["response"]["url"]

        def on_data(event: dict) -> None:
            weight.decoded += int(event.get("dataLength", 0))

        def on_finished(event: dict) -> None:
            rid = event["requestId"]
            size = int(event.get("encodedDataLength", 0))
            weight.transferred += size
            weight.by_type[kinds.get(rid, "other")] += size
            address = urls.get(rid, rid)
            weight.requests[address] = weight.requests.get(address, 0) + size

        def on_failed(event: dict) -> None:
            weight.failed.append(urls.get(event["requestId"], event["requestId"]))

        cdp.on("Network.responseReceived", on_response)
        cdp.on("Network.dataReceived", on_data)
        cdp.on("Network.loadingFinished", on_finished)
        cdp.on("Network.loadingFailed", on_failed)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        page.goto(url, wait_until="load")
        # A reader scrolls: lazy images and late scripts count too.
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    return weight


def article_pages(site: Path) -> list[str]:
    """The article pages worth weighing: the largest page on disk (the worst case of
    the HTML, which is all that differs between articles) and the first one with a
    timeline sidebar (the richest layout). Weighing all 10,000 would say no more."""
    articles = sorted((site / "articles").glob("*/index.html"))
    if not articles:
        return []
    largest = max(articles, key=lambda p: (p.stat().st_size, p.as_posix()))
    chosen = [largest]
    parser = etree.HTMLParser(encoding="utf-8")
    for path in articles:
        if path != largest and b"ns-timeline" in path.read_bytes():
            tree = etree.parse(str(path), parser)
            if tree.xpath("//aside[contains(concat(' ', @class, ' '), ' ns-timeline ')]"):
                chosen.append(path)
                break
    return [f"articles/{p.parent.name}/" for p in chosen]


def check_weight(
    site: Path, pages: list[str] | None = None, budget: int = BUDGET_BYTES, browser: Any = None
) -> GateResult:
    pages = article_pages(site) if pages is None else pages
    result = GateResult("weight")
    if not pages:
        result.findings.append(Finding("/articles/", "no article page to weigh"))
        return result
    weights: list[PageWeight] = []
    with serve(site) as base, chromium(browser) as browser:
        for rel in pages:
            weights.append(measure(browser, base + rel))
    for rel, w in zip(pages, weights, strict=True):
        path = "/" + rel
        by_type = sorted(w.by_type.items(), key=lambda kv: -kv[1])
        parts = ", ".join(f"{kind} {kb(size)}" for kind, size in by_type)
        heaviest = ", ".join(f"/{u.removeprefix(base)} {kb(n)}" for u, n in w.largest())
        if w.transferred > budget:
            result.findings.append(
                Finding(
                    path,
                    f"{kb(w.transferred)} transferred, {kb(w.transferred - budget)} over the "
                    f"{kb(budget)} budget ({parts}); heaviest: {heaviest}",
                )
            )
        result.notes.append(
            f"{path}: {kb(w.transferred)} transferred in {len(w.requests)} requests "
            f"({parts}); {kb(w.decoded)} uncompressed"
        )
        for failed in w.failed:
            result.notes.append(f"{path}: request failed: /{failed.removeprefix(base)}")
    heaviest_page = max(weights, key=lambda w: w.transferred)
    result.summary = (
        f"heaviest article {kb(heaviest_page.transferred)} of {kb(budget)}, "
        f"{len(pages)} article page(s) weighed"
    )
    result.figures = {
        "pages": {"/" + rel: w.transferred for rel, w in zip(pages, weights, strict=True)},
        "budget": budget,
    }
    return result
