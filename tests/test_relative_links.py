"""formatting.relative's own relpath gives what posixpath.relpath gives."""

from __future__ import annotations

import itertools
import posixpath

from generator.formatting import _relpath, relative

URLS = [
    "",
    ".",
    "articles/",
    "articles/a-slug/",
    "articles/a-slug",
    "articles/other/",
    "articles/a-slug.bib",
    "issues/2008-12-08/",
    "issues/2008-12-08/2008-12-08.epub",
    "authors/jane-doe/",
    "assets/edition/site.css",
    "feed.xml",
    "corrections/",
    "a//b/",
    "./articles/x/",
    "../outside/",
    "/absolute/path/",
]


def test_relpath_matches_posixpath_for_every_pair() -> None:
    for to, start in itertools.product(URLS, URLS):
        to_path, start_path = to or ".", start.rstrip("/") or "."
        assert _relpath(to_path, start_path) == posixpath.relpath(to_path, start_path), (
            to,
            start,
        )


def test_relative_links() -> None:
    assert relative("articles/a/", "articles/b/") == "../b/"
    assert relative("", "articles/b/") == "articles/b/"
    assert relative("issues/2008-12-08/", "") == "../.."
    assert relative("articles/a/", "articles/a/") == "./"
    assert relative("articles/a/", "feed.xml") == "../../feed.xml"
