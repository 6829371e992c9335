"""The article cache between builds: reused while a file is unchanged, kept in
buckets so that a build after one edit writes one bucket again, and a bucket that
cannot be read costs only its own articles."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from generator.content import article_cache
from generator.content.article_cache import BUCKETS, ArticleCache
from generator.content.body import BodyRef, body_text
from tests.conftest import IngestedSeeds
from tests.sitekit import count_parses


@pytest.fixture
def articles(ingested_seeds: IngestedSeeds, tmp_path: Path) -> list[Path]:
    folder = tmp_path / "articles"
    shutil.copytree(ingested_seeds.content / "articles", folder)
    return sorted(folder.glob("*.md"))


def stamps(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.glob("*.pickle")}


def test_one_edit_parses_and_writes_again_only_its_own(
    articles: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    first = ArticleCache(folder)
    loaded = {p: first.load(p) for p in articles}
    first.save()
    assert len(stamps(folder)) == BUCKETS
    before = stamps(folder)

    edited = articles[0]
    edited.write_text(edited.read_text("utf-8") + "\nAn editor's added paragraph.\n", "utf-8")
    parsed = count_parses(monkeypatch)
    second = ArticleCache(folder)
    again = {p: second.load(p) for p in articles}
    assert parsed == [edited]
    for path in articles[1:]:
        assert again[path] == loaded[path]
    edited_article = again[edited].article
    assert edited_article is not None
    assert "An editor's added paragraph." in body_text(edited_article.body)
    second.save()
    after = stamps(folder)
    changed = sorted(name for name in after if after[name] != before[name])
    assert changed == [f"{article_cache._bucket(str(edited))}.pickle"]


def test_an_unreadable_bucket_costs_only_its_articles(
    articles: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    first = ArticleCache(folder)
    for path in articles:
        first.load(path)
    first.save()
    broken = article_cache._bucket(str(articles[-1]))
    (folder / f"{broken}.pickle").write_bytes(b"not a pickle")
    parsed = count_parses(monkeypatch)
    second = ArticleCache(folder)
    for path in articles:
        second.load(path)
    assert parsed == [p for p in articles if article_cache._bucket(str(p)) == broken]
    second.save()
    parsed.clear()
    third = ArticleCache(folder)
    for path in articles:
        third.load(path)
    assert parsed == []


def test_forgotten_articles_leave_the_cache(articles: list[Path], tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    first = ArticleCache(folder)
    for path in articles:
        first.load(path)
    first.forget_missing({str(p) for p in articles[1:]})
    first.save()
    assert str(articles[0]) not in ArticleCache(folder)._items
    assert str(articles[1]) in ArticleCache(folder)._items


def test_a_moved_project_keeps_its_cache(
    articles: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keyed by the path inside the content folder: a copy elsewhere (times kept,
    as ``cp -a`` or CI's cache) parses nothing again, and what it gives names the
    files where they now are (the old folder is gone: a body read from it fails)."""
    folder = tmp_path / "cache"
    first = ArticleCache(folder, root=articles[0].parent)
    loaded = {p.name: first.load(p) for p in articles}
    first.save()
    moved = tmp_path / "elsewhere" / "articles"
    shutil.copytree(articles[0].parent, moved)
    shutil.rmtree(articles[0].parent)
    parsed = count_parses(monkeypatch)
    second = ArticleCache(folder, root=moved)
    again = {p.name: second.load(p) for p in sorted(moved.glob("*.md"))}
    assert parsed == []
    second.forget_missing(sorted(moved.glob("*.md")))
    assert len(second._items) == len(articles)
    for name, entry in again.items():
        before, after = loaded[name].article, entry.article
        assert entry.path == moved / name
        assert before is not None and after is not None
        assert isinstance(after.body, BodyRef) and after.body.path == str(moved / name)
        assert after == dataclasses.replace(before, body=after.body)
        assert body_text(after.body) in (moved / name).read_text("utf-8")
        assert all(p.path == str(moved / name) for p in (*entry.problems, *entry.cues))
