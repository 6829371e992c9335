"""What a first visit to a page of the site transfers, request by request.

Headless Chromium opens the page with an empty cache from the site served on
127.0.0.1 compressed as Netlify serves it (devtools/quality/browser.py), waits
until the network is idle (Material's scripts fetch ``/sitemap.xml`` after the
load) and lists every response with its transferred size. ``make bench`` reports
the sum for an article page; ``tests/test_scale.py`` checks that nothing in the
list but the page itself depends on the archive's size.

    python -m devtools.page_cost SITE articles/SLUG/
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


def first_visit(site: Path, path: str, browser: Any = None) -> list[tuple[str, int]]:
    """(URL path, bytes transferred) of every request a first visit to ``path`` made.

    ``browser``: a Playwright browser to lend (its sync API allows one instance per
    thread, so a test session that already drives one must pass it)."""
    from devtools.quality.browser import chromium, serve
    from devtools.search_cost import response_bytes

    fetched: list[tuple[str, int]] = []
    with serve(site) as base, chromium(browser) as browser:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.on(
                "requestfinished",
                lambda request: fetched.append(
                    (urlsplit(request.url).path, response_bytes(request))
                ),
            )
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
        finally:
            context.close()
    return sorted(fetched)


def first_visit_kb(site: Path, path: str) -> float:
    return round(sum(size for _, size in first_visit(site, path)) / 1000, 1)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    fetched = first_visit(Path(args[0]), args[1])
    for path, size in fetched:
        print(f"{size:>9,}  {path}")
    print(f"{sum(s for _, s in fetched):>9,}  in all ({len(fetched)} requests)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
