"""Incremental builds give the very bytes of a full build of the same content.

A small synthetic archive is built once; then, edit by edit (body, title, slug,
issue date, deletion, new article, curation file), a build that reuses the
previous build's docs tree and site is compared, file by file, with a full build
of a fresh copy of the same content."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from devtools.synth import synthesize
from generator.ingest.pipeline import ingest
from generator.search.cache import CACHE_DIR as SEARCH_CACHE
from generator.search.cache import SUFFIX
from generator.site.build import Project, build
from tests.sitekit import ROOT, count_parses

pytestmark = pytest.mark.slow


def tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def assert_same_site(one: Path, two: Path) -> None:
    a, b = tree(one), tree(two)
    assert sorted(set(a) ^ set(b)) == []
    assert [name for name in sorted(a) if a[name] != b[name]] == []


def synthetic_project(dest: Path, n: int = 30) -> Project:
    """The project's templates with a synthetic archive's articles (no sources:
    the build must not re-ingest a deleted article)."""
    dest.mkdir(parents=True)
    shutil.copy2(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", dest / "overrides")
    (dest / "content").mkdir()
    shutil.copy2(ROOT / "content" / "home.md", dest / "content" / "home.md")
    sources = dest.parent / f"{dest.name}-sources"
    synthesize(n, sources, seed=3)
    ingest([sources], dest / "content")
    return Project(dest)


def full_build_of(project: Project, dest: Path, *, search: bool = True) -> Path:
    """A full build of a fresh copy of ``project``'s inputs: no cache of any kind."""
    dest.mkdir()
    shutil.copy2(project.mkdocs_yml, dest / "mkdocs.yml")
    shutil.copytree(project.root / "overrides", dest / "overrides")
    shutil.copytree(project.content, dest / "content")
    fresh = Project(dest)
    timings = build(fresh, ingest_sources=False, search=search)
    assert timings.incremental is None
    return fresh.site_dir()


def search_entries(project: Project) -> set[str]:
    folder = project.root / ".cache" / SEARCH_CACHE
    return {p.name[: -len(SUFFIX)] for p in folder.glob(f"*{SUFFIX}")}


def _articles(project: Project) -> list[Path]:
    return sorted((project.content / "articles").glob("*.md"))


def _set_field(path: Path, field: str, value: str) -> None:
    text = path.read_text("utf-8")
    text, count = re.subn(rf"(?m)^{field}: .*$", f"{field}: {value}", text, count=1)
    assert count == 1
    path.write_text(text, "utf-8")


def edit_body(project: Project) -> None:
    path = _articles(project)[3]
    path.write_text(path.read_text("utf-8") + "\nAn editor's added paragraph.\n", "utf-8")


def edit_title(project: Project) -> None:
    _set_field(_articles(project)[5], "title", "A headline the editors rewrote")


def _retire_dropped_addresses(project: Project) -> None:
    """What an editor does for a page that is gone on purpose: delete its line in
    the ledger of published addresses (content/addresses.txt), as check says."""
    from generator.content.addresses import LEDGER
    from generator.content.check import check_all

    dropped = {p.line for p in check_all(project.content).problems if p.field == "address"}
    ledger = project.content / LEDGER
    lines = ledger.read_text("utf-8").splitlines(keepends=True)
    ledger.write_text("".join(t for i, t in enumerate(lines, 1) if i not in dropped), "utf-8")


def edit_slug(project: Project) -> None:
    path = _articles(project)[7]
    old = path.stem
    _set_field(path, "slug", f"a-slug-the-editors-chose\naliases: [{old}]")
    path.rename(path.with_name("a-slug-the-editors-chose.md"))


def edit_issue_date(project: Project) -> None:
    path = _articles(project)[9]
    text = path.read_text("utf-8")
    text, count = re.subn(r"(?m)^(issue:\n  date: )\d{4}-\d{2}-\d{2}$", r"\g<1>1999-01-07", text)
    assert count == 1
    path.write_text(text, "utf-8")
    _retire_dropped_addresses(project)


def delete_article(project: Project) -> None:
    _articles(project)[11].unlink()
    _retire_dropped_addresses(project)


def new_article(project: Project) -> None:
    source = _articles(project)[13]
    text = source.read_text("utf-8").replace(f"slug: {source.stem}\n", "slug: a-new-piece\n", 1)
    text = re.sub(r"(?m)^title: .*$", "title: A new piece", text, count=1)
    (source.parent / "a-new-piece.md").write_text(text, "utf-8")


def curation_file(project: Project) -> None:
    slugs = [p.stem for p in _articles(project)[:3]]
    folder = project.content / "collections"
    folder.mkdir(exist_ok=True)
    (folder / "the-editors-choice.md").write_text(
        "---\ntitle: The editors' choice\narticles:\n"
        + "".join(f"  - {s}\n" for s in slugs)
        + "---\n\nThree pieces the editors would keep.\n",
        "utf-8",
    )


EDITS = [
    edit_body,
    edit_title,
    edit_slug,
    edit_issue_date,
    delete_article,
    new_article,
    curation_file,
]


def test_incremental_builds_equal_full_builds(tmp_path: Path) -> None:
    project = synthetic_project(tmp_path / "project")
    assert build(project, ingest_sources=False).incremental is None  # no cache yet
    pages = len(list(project.site_dir().rglob("index.html")))
    for step, edit in enumerate(EDITS):
        edit(project)
        timings = build(project, ingest_sources=False)
        assert timings.incremental is not None, edit.__name__
        # Only the pages whose docs changed were rendered, not the whole site.
        assert 0 < timings.incremental < pages / 2, (edit.__name__, timings.incremental)
        # And article pages the edit does not reach were not generated again
        # (PageMemo): after a body edit, most of them (a new date moves the
        # article among its neighbours, whose pages list it).
        least = len(_articles(project)) / 2 if edit is edit_body else 1
        assert timings.kept is not None and timings.kept >= least, (edit.__name__, timings.kept)
        # The section pages are kept together or made together (PageMemo.sections):
        # a title is on them, an added paragraph (same reading time) is not.
        if edit is edit_body:
            assert timings.sections_kept, edit.__name__
        if edit is edit_title:
            assert not timings.sections_kept, edit.__name__
        # One entry an article in .cache/search/ (the deleted one's gone, a new
        # one's made), and the index made from them is the full build's.
        assert search_entries(project) == {p.stem for p in _articles(project)}, edit.__name__
        assert_same_site(project.site_dir(), full_build_of(project, tmp_path / f"full-{step}"))


def test_no_change_renders_nothing_and_code_changes_build_in_full(tmp_path: Path) -> None:
    project = synthetic_project(tmp_path / "project", n=12)
    build(project, ingest_sources=False, search=False)
    before = tree(project.site_dir())
    again = build(project, ingest_sources=False, search=False)
    assert again.incremental == 0
    assert again.kept == len(_articles(project))  # no article page generated again
    assert tree(project.site_dir()) == before
    # The compiled templates, ours and the theme's, kept for the next build: one
    # folder, for this code.
    compiled = project.root / ".cache" / "templates"
    (first,) = compiled.iterdir()
    assert list((first / "pages").iterdir()) and list((first / "theme").iterdir())
    # A template change: every page may change, so every page is rendered.
    template = project.root / "overrides" / "main.html"
    template.write_text(template.read_text("utf-8") + "\n", "utf-8")
    changed = build(project, ingest_sources=False, search=False)
    assert changed.incremental is None
    assert changed.kept == 0
    # The last code's compiled templates are gone (Jinja keys them by their text
    # only, so a folder for each version of the code).
    (second,) = compiled.iterdir()
    assert second != first
    # mkdocs.yml too.
    config = project.mkdocs_yml
    config.write_text(config.read_text("utf-8") + "\n", "utf-8")
    assert build(project, ingest_sources=False, search=False).incremental is None
    # A site/ that is not the one the manifest describes: a full build.
    (project.site_dir() / "stray.html").write_text("x", "utf-8")
    assert build(project, ingest_sources=False, search=False).incremental is None
    assert not (project.site_dir() / "stray.html").exists()


def test_a_failed_build_leaves_no_manifest_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.site import build as build_module
    from generator.site.build import BuildError

    project = synthetic_project(tmp_path / "project", n=12)
    build(project, ingest_sources=False, search=False)
    edit_body(project)

    # The docs tree gets written, then MkDocs fails (a broken link used to do it;
    # check now stops that earlier, so the renderer fails here instead): the site
    # is the old one, so the next build must not trust the docs tree it finds.
    def failing_render(*args: object, **kwargs: object) -> None:
        raise BuildError("mkdocs: failed")

    with monkeypatch.context() as patch:
        patch.setattr(build_module, "render", failing_render)
        with pytest.raises(BuildError):
            build(project, ingest_sources=False, search=False)
    assert build(project, ingest_sources=False, search=False).incremental is None
    assert_same_site(project.site_dir(), full_build_of(project, tmp_path / "full", search=False))


def test_a_problem_across_files_stops_the_build_once_the_index_started_and_keeps_it_incremental(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What is checked across files (here a link to no article) runs once the
    search index has started, beside it: the build stops with the problem, the
    index's process is stopped, and, the docs tree untouched, the next build is
    still incremental and gives the full build's bytes."""
    from generator.errors import ContentError
    from generator.search import index as index_module
    from generator.site import build as build_module

    project = synthetic_project(tmp_path / "project", n=12)
    build(project, ingest_sources=False)
    path = _articles(project)[2]
    text = path.read_text("utf-8")
    path.write_text(text + "\nSee [the sequel](no-such-article.md).\n", "utf-8")
    order: list[str] = []
    jobs: list[Any] = []
    real_job, real_check = index_module.SearchIndexJob.__init__, build_module.check_loaded_content

    def job(self: Any, *args: Any, **kwargs: Any) -> None:
        order.append("index")
        real_job(self, *args, **kwargs)
        jobs.append(self._job)

    def check(*args: Any) -> Any:
        order.append("check")
        return real_check(*args)

    with monkeypatch.context() as patch:
        patch.setattr(index_module.SearchIndexJob, "__init__", job)
        patch.setattr(build_module, "check_loaded_content", check)
        with pytest.raises(ContentError, match=r"no-such-article\.md names no article"):
            build(project, ingest_sources=False)
    assert order == ["index", "check"]
    assert jobs and all(not j._process.is_alive() for j in jobs if j.forked)
    path.write_text(text + "\nAn editor's added paragraph.\n", "utf-8")
    assert build(project, ingest_sources=False).incremental is not None
    assert_same_site(project.site_dir(), full_build_of(project, tmp_path / "full"))


def test_a_docs_tree_touched_by_hand_is_put_right(tmp_path: Path) -> None:
    """The docs ledger (docs_ledger.py) spares the build reading the tree back, but
    only vouches for files that are as it wrote them: a listing edited in the
    tree, a feed truncated and a stray file are all put right, and the site is
    the full build's."""
    project = synthetic_project(tmp_path / "project", n=12)
    build(project, ingest_sources=False, search=False)
    docs = project.docs_dir()
    listing = docs / "issues" / "index.md"
    listing.write_text(listing.read_text("utf-8") + "\nhand-made line\n", "utf-8")
    (docs / "feed.xml").write_bytes(b"")
    (docs / "articles" / "stray.md").write_text("# Stray\n", "utf-8")
    timings = build(project, ingest_sources=False, search=False)
    assert "hand-made line" not in listing.read_text("utf-8")
    assert (docs / "feed.xml").stat().st_size > 0
    assert not (docs / "articles" / "stray.md").exists()
    assert timings.incremental is not None
    assert_same_site(project.site_dir(), full_build_of(project, tmp_path / "full", search=False))


def _article_pages(project: Project) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (project.docs_dir() / "articles").glob("*.md")}


def _card_list_pages(project: Project) -> dict[str, bytes]:
    """The issues' and writers' pages (PageBuilder.card_list_inputs)."""
    docs = project.docs_dir()
    issues = [p for p in docs.glob("issues/*.md") if re.fullmatch(r"\d{4}-\d\d-\d\d", p.stem)]
    writers = [p for p in docs.glob("authors/*.md") if p.name != "index.md"]
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in issues + writers}


@pytest.mark.parametrize("first", ["first build", "full build", "copied project"])
def test_a_rebuild_keeps_every_article_page_the_edit_does_not_touch(
    tmp_path: Path, first: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After any build that leaves a site (a fresh project's first, ``--full``,
    one copied to another folder as CI's cache is restored), a one-edit rebuild
    generates only the article pages whose bytes the edit changes (PageMemo) and
    parses only the edited file (ArticleCache). The copy's first rebuild used to
    do both for every article: the keys held the articles' absolute paths."""
    project = synthetic_project(tmp_path / "project", n=12)
    build(project, ingest_sources=False, search=False)
    if first == "full build":
        build(project, ingest_sources=False, search=False, incremental=False)
    elif first == "copied project":
        # As `cp -a` (times kept); not the old sites a background deletion is
        # removing.
        copy = tmp_path / "elsewhere" / "project"
        shutil.copytree(project.root, copy, ignore=shutil.ignore_patterns(".site.*"))
        shutil.rmtree(project.root)
        project = Project(copy)
    before = _article_pages(project)
    lists_before = _card_list_pages(project)
    edit_body(project)
    parsed = count_parses(monkeypatch)
    timings = build(project, ingest_sources=False, search=False)
    assert parsed == [_articles(project)[3]]
    after = _article_pages(project)
    touched = sorted(name for name in after if before.get(name) != after[name])
    assert touched == [_articles(project)[3].name]
    assert timings.incremental is not None
    assert timings.kept == len(after) - len(touched)
    # The issues' and writers' pages whose bytes the edit leaves alone: kept too.
    lists_after = _card_list_pages(project)
    assert sorted(lists_after) == sorted(lists_before)
    lists_touched = [rel for rel in lists_after if lists_before[rel] != lists_after[rel]]
    assert timings.listings_kept == len(lists_after) - len(lists_touched) > 0
    # The section pages (indexes, years, home): the edition but its bodies is
    # the same, so every one is kept, not made and compared again.
    sections = len(list(project.docs_dir().rglob("*.md"))) - len(after) - len(lists_after)
    assert timings.sections_kept == sections > 0


@pytest.mark.parametrize("edit", [edit_body, edit_title], ids=["body", "title"])
def test_an_edit_of_text_alone_keeps_the_other_article_pages_the_short_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: Any
) -> None:
    """Where the edition but the articles' bodies is the last build's (the section
    pages' key), an article page whose file is the one it was made from is kept
    without its context being made: only the edited article's is. A title edit
    changes that key (other pages show the title), and every page is keyed as
    before. Either way the site is byte for byte a full build's."""
    from generator.site.pages import PageBuilder

    project = synthetic_project(tmp_path / "project", n=12)
    build(project, ingest_sources=False, search=False)
    build(project, ingest_sources=False, search=False)  # kept the short way, twice
    edit(project)
    contexts: list[str] = []
    real = PageBuilder.article_context

    def noting(builder: PageBuilder, slug: str) -> object:
        contexts.append(slug)
        return real(builder, slug)

    monkeypatch.setattr(PageBuilder, "article_context", noting)
    timings = build(project, ingest_sources=False, search=False)
    edited = _articles(project)[3 if edit is edit_body else 5].stem
    articles = len(_articles(project))
    if edit is edit_body:
        assert contexts == [edited]
        assert timings.kept == articles - 1
    else:
        assert sorted(contexts) == sorted(p.stem for p in _articles(project))
        assert 0 < timings.kept < articles - 1  # the pages that show the title made again
    assert_same_site(project.site_dir(), full_build_of(project, tmp_path / "full", search=False))


def test_citations_are_made_again_only_for_articles_whose_pages_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An article page the memo keeps has the same title, writers, issue and
    address, so its .bib and .ris files are kept too, unless the tree's copy is
    no longer the one written; the site is byte for byte a full build's."""
    from generator.site import build as build_module
    from generator.site.page_memo import PageMemo

    project = synthetic_project(tmp_path / "project", n=12)
    build(project, ingest_sources=False, search=False)
    cited: list[str] = []
    real = build_module.citation_files

    def recording(edition: object, config: object, slugs: list[str]) -> object:
        cited.extend(slugs)
        return real(edition, config, slugs)  # type: ignore[arg-type]

    monkeypatch.setattr(build_module, "citation_files", recording)
    kept: set[str] = set()
    real_article = PageMemo.article

    def noting(memo: PageMemo, builder: object, slug: str) -> object:
        page = real_article(memo, builder, slug)  # type: ignore[arg-type]
        if page is None:
            kept.add(slug)
        return page

    monkeypatch.setattr(PageMemo, "article", noting)
    edit_title(project)
    edited = _articles(project)[5].stem
    # A citation file spoiled in the docs tree is made again, though its page is kept.
    spoiled = _articles(project)[7].stem
    (project.docs_dir() / "articles" / f"{spoiled}.ris").write_text("TY  - JOUR\n", "utf-8")
    build(project, ingest_sources=False, search=False)
    every = {path.stem for path in _articles(project)}
    assert edited not in kept and kept
    # The articles whose pages were made again (the edited one, those showing its
    # card), and the one whose citation file was spoiled.
    assert sorted(cited) == sorted((every - kept) | {spoiled})
    assert_same_site(project.site_dir(), full_build_of(project, tmp_path / "full", search=False))


def test_a_build_stopped_while_it_changes_site_leaves_the_previous_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C (KeyboardInterrupt) after the second change an incremental build
    makes to site/ in place: the changes are rolled back at once, from what the
    journal kept aside, and the site is the previous one byte for byte
    (tests/test_faults.py kills a build with SIGKILL at the same point)."""
    import os

    from generator.site import build as build_module
    from generator.site import incremental

    project = synthetic_project(tmp_path / "project", n=12)
    build(project, ingest_sources=False, search=False)
    before = tree(project.site_dir())
    edit_title(project)
    real_replace, real_apply = os.replace, incremental.apply_in_place
    applying: list[bool] = []
    replaced: list[str] = []

    def replace(src: str, dst: str) -> None:
        real_replace(src, dst)
        if applying:
            replaced.append(str(dst))
            if len(replaced) == 2:
                raise KeyboardInterrupt

    def apply(*args: object, **kwargs: object) -> int:
        applying.append(True)
        return real_apply(*args, **kwargs)  # type: ignore[arg-type]

    with monkeypatch.context() as patch:
        patch.setattr(incremental.os, "replace", replace)
        patch.setattr(build_module, "apply_in_place", apply)
        with pytest.raises(KeyboardInterrupt):
            build(project, ingest_sources=False, search=False)
    assert len(replaced) > 2  # two changes made, then undone
    assert tree(project.site_dir()) == before
    assert not list(project.root.glob(f".site.*/{incremental.JOURNAL}"))
    build(project, ingest_sources=False, search=False)
    assert_same_site(project.site_dir(), full_build_of(project, tmp_path / "full", search=False))


def test_a_rebuild_without_search_drops_the_previous_index(tmp_path: Path) -> None:
    """``build --no-search`` after a build with the index: the site is a full
    no-search build's, with no index of the earlier build left in it."""
    project = synthetic_project(tmp_path / "project", n=12)
    build(project, ingest_sources=False)
    assert (project.site_dir() / "search-index").is_dir()
    edit_body(project)
    assert build(project, ingest_sources=False, search=False).incremental is not None
    assert not (project.site_dir() / "search-index").exists()
    assert_same_site(project.site_dir(), full_build_of(project, tmp_path / "full", search=False))


def test_the_docs_digest_is_the_same_from_the_build_s_ledger_or_the_files(
    tmp_path: Path,
) -> None:
    """The service worker's digest of the docs tree: from the digests the build
    recorded as it wrote the tree, from the saved ledger, or from reading every
    file, the same; a file the build's record misses is read."""
    import hashlib

    from generator.site.docs_ledger import docs_digest, ledger_path, tree_files

    project = synthetic_project(tmp_path / "project", n=12)
    build(project, ingest_sources=False, search=False)
    docs = project.docs_dir()
    files = sorted(tree_files(docs))
    read = {rel: hashlib.sha256((docs / rel).read_bytes()).digest() for rel in files}
    from_ledger = docs_digest(docs, files)
    assert docs_digest(docs, files, read) == from_ledger
    assert docs_digest(docs, files, dict(list(read.items())[1:])) == from_ledger
    ledger_path(docs).unlink()
    assert docs_digest(docs, files) == from_ledger
    # And it is a digest of the bytes: one file changed, another digest.
    (docs / files[0]).write_bytes(b"changed")
    assert docs_digest(docs, files) != from_ledger


def test_a_kept_article_page_is_stat_ed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page memo finds a kept page on disk as it was written; the memo's save
    and the docs ledger take its size and time from there instead of asking the
    disk twice more (173,000 stats at 100,000 articles)."""
    project = synthetic_project(tmp_path / "project", n=12)
    build(project, ingest_sources=False, search=False)
    edit_body(project)
    pages = os.path.join(project.docs_dir(), "articles", "")
    stats: dict[str, int] = {}
    real_stat = os.stat

    def counting(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        name = os.fspath(path)
        if isinstance(name, str) and name.startswith(pages) and name.endswith(".md"):
            stats[name] = stats.get(name, 0) + 1
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", counting)
    timings = build(project, ingest_sources=False, search=False)
    edited = str(project.docs_dir() / "articles" / _articles(project)[3].name)
    kept = {name: n for name, n in stats.items() if name != edited}
    assert timings.kept == len(kept) > 0
    assert set(kept.values()) == {1}


def test_the_docs_tree_is_listed_once_a_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tree the build just made hold exactly its files (a stray file removed)
    is not listed again for the render and the service worker's digest: 0.34 s
    of a one-edit rebuild at 100,000 articles. The files it gives are the ones
    a listing finds."""
    from generator.site import build as build_module
    from generator.site.build import BuildTimings, load_edition, write_docs
    from generator.site.docs_ledger import tree_files

    project = synthetic_project(tmp_path / "project", n=12)
    build(project, ingest_sources=False, search=False)
    edit_body(project)
    docs = project.docs_dir()
    (docs / "articles" / "stray.md").write_text("# Stray\n", "utf-8")
    listed: list[Path] = []

    def listing(root: Path) -> list[str]:
        listed.append(root)
        return tree_files(root)

    monkeypatch.setattr(build_module, "tree_files", listing)
    timings = build(project, ingest_sources=False, search=False)
    assert timings.incremental is not None
    assert listed == [docs]
    assert not (docs / "articles" / "stray.md").exists()
    (docs / "articles" / "stray.md").write_text("# Stray\n", "utf-8")
    changes = write_docs(project, load_edition(project), BuildTimings())
    assert changes.files == tuple(tree_files(docs))
    assert "articles/stray.md" in changes.removed


def test_the_site_listing_digest_is_of_the_entries_in_any_order() -> None:
    """The render manifest's digest of site/'s listing (incremental.listing_digest):
    the same entries in any order give the same digest; a path or a size changed,
    an entry added or taken away, another; a name that is not UTF-8 is digested."""
    from generator.site.incremental import listing_digest

    entries = {"index.html": 10, "a/b.html": 20, "search-index/v/1/r/0.json": 3}
    digest = listing_digest(entries)
    assert listing_digest(dict(reversed(list(entries.items())))) == digest
    assert len(digest) == 32
    others = [
        {**entries, "index.html": 11},
        {**entries, "a/c.html": 20},
        {k: v for k, v in entries.items() if k != "a/b.html"},
        {"index.html": 20, "a/b.html": 10, "search-index/v/1/r/0.json": 3},
        {},
    ]
    digests = {listing_digest(other) for other in others}
    assert digest not in digests and len(digests) == len(others)
    assert listing_digest({"caf\udce9.html": 1}) != listing_digest({"caf\udce8.html": 1})
