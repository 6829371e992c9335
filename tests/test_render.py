"""Rendering on both cores gives the very bytes one MkDocs process gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.site import render
from generator.site.build import BuildError, build
from tests.sitekit import copy_project


def _tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_sharded_render_writes_the_same_site_as_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    single = copy_project(tmp_path / "single")
    build(single, search=False)
    monkeypatch.setattr(render, "SHARD_MIN_LEAVES", 1)
    sharded = copy_project(tmp_path / "sharded")
    build(sharded, search=False)
    one, two = _tree(single.site_dir()), _tree(sharded.site_dir())
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []
    # Both shards really rendered pages: the leaf pages are split between them.
    leaves = [f"articles/{p.stem}.md" for p in (single.content / "articles").glob("*.md")]
    assert {render.shard_of(leaf) for leaf in leaves} == set(range(render.SHARDS))


def test_a_sharded_build_still_reports_a_link_to_no_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(render, "SHARD_MIN_LEAVES", 1)
    project = copy_project(tmp_path)
    article = project.content / "articles" / "the-facade-cracks.md"
    article.write_text(article.read_text("utf-8") + "\nSee [this](no-such-article.md).\n", "utf-8")
    with pytest.raises(BuildError, match=r"no-such-article\.md"):
        build(project, ingest_sources=False, search=False)


@pytest.mark.slow
def test_sliced_render_writes_the_same_site_as_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More slices than cores (SLICE_LEAVES, bounded memory), each rendered by a
    fresh MkDocs process: the same bytes as one process."""
    single = copy_project(tmp_path / "single")
    build(single, search=False)
    leaves = [f for f in render.docs_files(single.docs_dir()) if render.is_leaf(f)]
    monkeypatch.setattr(render, "SHARD_MIN_LEAVES", 1)
    monkeypatch.setattr(render, "SLICE_LEAVES", max(1, len(leaves) // 6))
    slices = render.SHARDS * -(-len(leaves) // (render.SLICE_LEAVES * render.SHARDS))
    assert slices > render.SHARDS
    sliced = copy_project(tmp_path / "sliced")
    build(sliced, search=False)
    one, two = _tree(single.site_dir()), _tree(sliced.site_dir())
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []
    assert len({render.slice_index(leaf, slices) for leaf in leaves}) == slices
