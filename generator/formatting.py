"""How the edition writes dates, standfirsts and addresses: one definition each,
shared by the checker's messages, the pages, the feed, the search index and the
quality gates."""

from __future__ import annotations

import datetime as dt
import functools
import posixpath
import re
from typing import TYPE_CHECKING

from generator.content import event_dates

if TYPE_CHECKING:
    from generator.content.curation import Collection
    from generator.content.edition import Issue
    from generator.content.schema import Article


# Kept by date: an archive has a few thousand issue dates and asks for each one's
# label once an article (163,084 calls for the search index alone at 100,000
# articles, 0.56 s under load, cProfile).
@functools.lru_cache(maxsize=16384)
def long_date(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


def event_label(date: str) -> str:
    """'2008-01-01' -> '1 Jan 2008'; partial dates as printed: 'Jan 2008', '2008', '1990s'."""
    return event_dates.label(date)


# The end of a sentence inside a standfirst: . ! or ? (and a closing quote), then a space.
_SENTENCE_END = re.compile(r"[.!?][’”\"')]?(?=\s)")


def display_standfirst(article: Article) -> str | None:
    """A standfirst the source cut off never reads as complete: it ends at its last
    whole sentence when it has one, else at its last whole word with an ellipsis.
    (``check`` lists each as an editor's to-do.)"""
    text = article.standfirst
    if not text:
        return None
    if article.standfirst_truncated:
        ends = list(_SENTENCE_END.finditer(text))
        if ends:
            return text[: ends[-1].end()]
        cut = text.rsplit(" ", 1)[0] if " " in text else text
        return cut.rstrip(" ,;:–—-") + "…"
    return text


def page_url(path: str) -> str:
    """docs path -> site URL path (use_directory_urls)."""
    if path == "index.md":
        return ""
    if path.endswith("/index.md"):
        return path[: -len("index.md")]
    return path[: -len(".md")] + "/"


def issue_epub_path(issue: Issue) -> str:
    """The issue's EPUB (generator/site/epub.py), beside its page."""
    day = issue.date.isoformat()
    return f"issues/{day}/{day}.epub"


def collection_epub_path(collection: Collection) -> str:
    return f"collections/{collection.slug}/{collection.slug}.epub"


def _relpath(path: str, start: str) -> str:
    """``posixpath.relpath`` for the site's own addresses (relative, no ``..``),
    without its two ``abspath`` calls: those were a quarter of generating the
    pages (cProfile of a rebuild at 10,000 articles: 299,081 links, 32 of 122 s
    under load). Anything else goes to ``posixpath.relpath`` itself."""
    if path.startswith("/") or start.startswith("/") or ".." in path or ".." in start:
        return posixpath.relpath(path, start)
    to = [part for part in path.split("/") if part and part != "."]
    base = [part for part in start.split("/") if part and part != "."]
    common = 0
    for a, b in zip(to, base, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(base) - common) + to[common:]) or "."


def relative(from_url: str, to_url: str) -> str:
    """A link that works from any host or sub-path, and from file://."""
    base = from_url.rstrip("/") if from_url else ""
    rel = _relpath(to_url or ".", base or ".")
    if to_url.endswith("/") and not rel.endswith("/"):
        rel += "/"
    return rel if rel != "./" else "./"


def url_of_file(rel: str) -> str:
    """A built file's path in the site -> the address a reader sees:
    ``articles/x/index.html`` is ``/articles/x/``, ``404.html`` is ``/404.html``."""
    if rel == "index.html":
        return "/"
    return "/" + (rel[: -len("index.html")] if rel.endswith("/index.html") else rel)
