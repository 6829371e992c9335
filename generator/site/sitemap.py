"""The sitemap, written by the generator: an index at ``/sitemap.xml`` and parts.

sitemaps.org allows at most 50,000 URLs (and 50 MB) in one sitemap file, and an
archive of 100,000 articles has more pages than that; so ``/sitemap.xml`` is a
sitemap index that names parts, ``/sitemap-1.xml``, ``/sitemap-2.xml``, ... of at
most ``PART_URLS`` URLs each, in URL order. The parts sit at the site's root
because a sitemap may only list URLs under its own folder.

The index is also what a reader's browser fetches: Material's JavaScript requests
``/sitemap.xml`` on page views (for the feed's ``<link rel="alternate">``, which it
takes for a language alternate, and for instant navigation). With a single
sitemap that was 1.5 MB (76 kB compressed) at 10,000 articles; the index is a few
hundred bytes whatever the archive's size (one line per 50,000 pages).

MkDocs' own sitemap is switched off (``overrides/sitemap.xml`` renders empty, and
MkDocs skips an empty template): the generator knows every page from the docs
tree it wrote, so the sitemap does not depend on which process rendered which page.
No ``<lastmod>``: MkDocs put the build's date on every URL, which tells a crawler
nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

from generator.atomic import write_atomic
from generator.formatting import page_url

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
PART_URLS = 50_000  # the sitemaps.org limit per file
INDEX = "sitemap.xml"
_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def page_urls(site_url: str, docs_files: Iterable[str]) -> list[str]:
    """The absolute URL of every page of the docs tree, sorted."""
    base = site_url.rstrip("/") + "/"
    return sorted(
        base + page_url(rel) for rel in docs_files if rel.endswith(".md") and rel != "404.md"
    )


def part_name(number: int) -> str:
    return f"sitemap-{number}.xml"


def sitemap_files(
    site_url: str, docs_files: Iterable[str], part_urls: int | None = None
) -> list[tuple[str, bytes]]:
    """(name, bytes) of the index and its parts; the index comes first."""
    part_urls = part_urls or PART_URLS
    if part_urls < 1:
        raise ValueError("a sitemap part holds at least one URL")
    urls = page_urls(site_url, docs_files)
    base = site_url.rstrip("/") + "/"
    parts: list[tuple[str, bytes]] = []
    for start in range(0, max(len(urls), 1), part_urls):
        lines = [_HEAD, f'<urlset xmlns="{SITEMAP_NS}">\n']
        lines += [f"  <url><loc>{escape(u)}</loc></url>\n" for u in urls[start : start + part_urls]]
        lines.append("</urlset>\n")
        parts.append((part_name(len(parts) + 1), "".join(lines).encode("utf-8")))
    index = [_HEAD, f'<sitemapindex xmlns="{SITEMAP_NS}">\n']
    index += [f"  <sitemap><loc>{escape(base + name)}</loc></sitemap>\n" for name, _ in parts]
    index.append("</sitemapindex>\n")
    return [(INDEX, "".join(index).encode("utf-8")), *parts]


def write_sitemap(
    site_dir: Path, site_url: str, docs_files: Iterable[str], part_urls: int | None = None
) -> list[str]:
    """Write the index and its parts into ``site_dir``; remove parts left over from
    a larger archive. Returns the names written."""
    files = sitemap_files(site_url, docs_files, part_urls)
    names = {name for name, _ in files}
    for old in site_dir.glob("sitemap-*.xml"):
        if old.name not in names:
            old.unlink()
    (site_dir / "sitemap.xml.gz").unlink(missing_ok=True)
    for name, data in files:
        write_atomic(site_dir / name, data)
    return [name for name, _ in files]
