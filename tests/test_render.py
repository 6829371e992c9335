"""Rendering on both cores gives the very bytes one MkDocs process gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from devtools.quality.epub import books_of
from generator.site import render
from generator.site.build import BuildError, build, issue_groups, load_edition
from generator.site.epub import EpubJob
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
    # The books hear of each slice as it ends (and are the same bytes: books_of
    # are in both trees).
    ended: list[Path] = []
    told = EpubJob.slice_ready
    monkeypatch.setattr(EpubJob, "slice_ready", lambda job, f: (ended.append(f), told(job, f)))
    build(sliced, search=False)
    one, two = _tree(single.site_dir()), _tree(sliced.site_dir())
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []
    assert len(books_of(sliced.site_dir())) == 9
    assert len(ended) == slices and len(set(ended)) == slices
    # Every slice rendered pages, and an issue's articles were all in one.
    groups = issue_groups(load_edition(sliced))
    assigned = render.assign_slices(leaves, slices, groups)
    assert set(assigned.values()) == set(range(slices))
    by_issue: dict[str, set[int]] = {}
    for rel, issue in groups.items():
        by_issue.setdefault(issue, set()).add(assigned[rel])
    assert len(by_issue) >= 3 and all(len(s) == 1 for s in by_issue.values())


def test_the_slices_keep_a_group_together_and_stay_even() -> None:
    """assign_slices: the leaves of one group (an issue's articles) in one slice,
    the slices within one group's size of each other, the same split whatever
    the order the leaves come in; without groups, slice_index."""
    leaves = [f"articles/a{i:03d}.md" for i in range(300)] + [
        f"authors/w{i:02d}.md" for i in range(40)
    ]
    # Groups of 1 to 12 articles; the rest of the articles in no issue.
    groups: dict[str, str] = {}
    i = 0
    for g in range(40):
        for _ in range(1 + g % 12):
            groups[f"articles/a{i:03d}.md"] = f"issues/{g:02d}"
            i += 1
    assert 0 < i < 300
    assigned = render.assign_slices(leaves, 4, groups)
    assert assigned == render.assign_slices(list(reversed(leaves)), 4, groups)
    assert sorted(assigned) == sorted(leaves)
    for key in set(groups.values()):
        assert len({assigned[rel] for rel, k in groups.items() if k == key}) == 1
    sizes = [list(assigned.values()).count(k) for k in range(4)]
    assert max(sizes) - min(sizes) <= 12, sizes
    plain = render.assign_slices(leaves, 4)
    assert plain == {rel: render.slice_index(rel, 4) for rel in leaves}
