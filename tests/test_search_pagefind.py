"""Pagefind, the benchmark's yardstick (devtools/pagefind.py): it must keep
working on the built site, through the same search page, or `make bench` would
compare against nothing."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path
from typing import Any

import pytest

from devtools.pagefind import (
    PagefindError,
    _canonicalise,
    _cbor,
    _cbor_decode,
    _UnexpectedBundle,
    index_site,
    point_search_page_at_pagefind,
)
from devtools.search_cost import measure_query
from generator.site.build import build
from tests.sitekit import copy_project, serve


def bundle_bytes(site: Path) -> dict[str, bytes]:
    bundle = site / "pagefind"
    return {
        p.relative_to(bundle).as_posix(): p.read_bytes() for p in bundle.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="module")
def pagefind_site(seed_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("pagefind") / "site"
    shutil.copytree(seed_site, site)
    stats = index_site(site)
    assert stats.pages == 6 and stats.canonical
    point_search_page_at_pagefind(site)
    return site


@pytest.mark.browser
def test_the_same_search_page_runs_on_pagefind(browser: Any, pagefind_site: Path) -> None:
    context = browser.new_context()
    try:
        with serve(pagefind_site) as url:
            cost = measure_query(context.new_page(), url + "search/", "Lashkar-e-Toiba")
    finally:
        context.close()
    assert cost.titles[0] == "Becoming a pariah state"
    assert any(path.endswith(".pf_meta") for path, _ in cost.fetched)
    assert not any("/search-index/" in path for path, _ in cost.fetched)


def test_indexing_again_gives_the_same_bundle_byte_for_byte(
    pagefind_site: Path, tmp_path: Path
) -> None:
    # Pagefind 1.5.2 writes filter values in a random (per-process) order; the bundle
    # is made canonical after it.
    copy = tmp_path / "site"
    shutil.copytree(pagefind_site, copy)
    assert index_site(copy).canonical
    assert bundle_bytes(copy) == bundle_bytes(pagefind_site)


def test_an_unknown_bundle_format_is_left_as_pagefind_wrote_it(
    pagefind_site: Path, tmp_path: Path
) -> None:
    bundle = tmp_path / "pagefind"
    shutil.copytree(pagefind_site / "pagefind", bundle)
    victim = sorted((bundle / "filter").glob("*.pf_filter"))[0]
    # A filter file in some other shape: [1, 2, 3] instead of [name, [[value, pages]]].
    victim.write_bytes(gzip.compress(b"pagefind_dcd" + _cbor([1, 2, 3])))
    before = {p: p.read_bytes() for p in bundle.rglob("*") if p.is_file()}
    with pytest.raises(_UnexpectedBundle):
        _canonicalise(bundle)
    assert {p: p.read_bytes() for p in bundle.rglob("*") if p.is_file()} == before


def test_a_template_that_marks_nothing_for_pagefind_is_refused(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    template = project.templates / "article.html"
    template.write_text(template.read_text("utf-8").replace(" data-pagefind-body", ""), "utf-8")
    build(project, ingest_sources=False, search=False)
    with pytest.raises(PagefindError, match="has no data-pagefind-body"):
        index_site(project.site_dir())


def test_cbor_subset_round_trips() -> None:
    for value in (
        0,
        23,
        24,
        255,
        256,
        65_535,
        65_536,
        2**32,
        -1,
        -500,
        "",
        "Juárez",
        "x" * 300,
        [],
        [1, ["a", [2, 3]], "b"],
        b"\x00\xff",
    ):
        encoded = _cbor(value)
        assert _cbor_decode(encoded, 0) == (value, len(encoded)), value
