"""``python -m generator build``: content/ to site/, aside then swapped in.

The steps: ingest the bundled sources (only what is missing or new: editors' files
are never overwritten), check every article (stop with the checker's messages),
write the docs tree (only files whose bytes changed, so a live preview rebuilds
only those), let MkDocs render it, then swap the new site in (an incremental
build applies its few changes to site/ in place instead, under a journal:
incremental.py). The search index is written beside those steps, in a process
of its own started as soon as the articles are loaded (from the same edition
model, not from the rendered HTML). A failure at any step leaves the previous
site/ as it was.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import itertools
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from generator.atomic import write_atomic
from generator.boundary import writable_folder
from generator.content.addresses import REDIRECTS, record_ledger, redirects_file
from generator.content.article_cache import ArticleCache
from generator.content.check import (
    ContentCheck,
    LoadedContent,
    check_loaded_content,
    load_content,
)
from generator.content.edition import Edition, build_edition
from generator.errors import BuildError, ContentError
from generator.jobs import BackgroundJob, collector_paused, long_lived
from generator.lock import project_lock, sweep
from generator.site import cite
from generator.site.docs_ledger import DocsLedger, docs_digest, ledger_path, tree_files
from generator.site.feed import atom_feed, corrections_feed
from generator.site.incremental import (
    STAGED,
    Changes,
    apply_in_place,
    code_digest,
    manifest_path,
    read_manifest,
    recover,
    roll_back,
    save_manifest,
    site_listing_or_none,
    stage,
    take_manifest,
    usable,
)
from generator.site.offline import build_digest, write_service_worker
from generator.site.page_memo import PageMemo, memo_path
from generator.site.pages import Page, PageBuilder, SiteConfig
from generator.site.render import render, templates_cache_for
from generator.site.shard import Shard, finish
from generator.site.sitemap import write_sitemap

if TYPE_CHECKING:
    from generator.ingest.pipeline import IngestReport

__all__ = ["BuildError", "BuildTimings", "Project", "build", "load_edition", "write_docs"]

DEFAULT_INTRO = "A curated digital edition of articles from the New Statesman."
# The clock of an edition with no issue at all.
EPOCH_WITHOUT_ISSUES = dt.date(2000, 1, 1)
# The collector's youngest generation, while a build runs (Python's default: 700).
# Loading the edition makes millions of objects that live as long as the build;
# with the default, every young collection walked the ones made since and the
# eight full collections of a one-edit rebuild at 10,000 articles walked them all:
# 0.8-0.9 s of the main process (gc.callbacks). Cycles are still collected (the
# YAML loader leaves some): less often, in larger batches.
_YOUNG = 50_000


@dataclass
class BuildTimings:
    steps: dict[str, float] = field(default_factory=dict)
    # Steps that ran at the same time as another (the search index, beside
    # MkDocs): their own duration, not part of the build's sum.
    beside: dict[str, float] = field(default_factory=dict)
    # The CPU seconds of those that report them (the search index).
    beside_cpu: dict[str, float] = field(default_factory=dict)
    # What the build's ingest of the bundled sources did, for the caller to report.
    ingest: IngestReport | None = None
    # Pages an incremental build rendered; None: a full build.
    incremental: int | None = None
    shard: str | None = None  # "K/N" for a shard's build
    # Article pages the docs tree already held and that were not generated again
    # (PageMemo); None when the memo was not used (the live preview).
    kept: int | None = None
    # The same for the issues' and writers' pages, and for the other listing pages.
    listings_kept: int | None = None
    sections_kept: int | None = None
    # What went wrong without failing the build (the caller prints them).
    warnings: list[str] = field(default_factory=list)

    def time(self, name: str, started: float) -> None:
        self.steps[name] = self.steps.get(name, 0.0) + time.perf_counter() - started


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def mkdocs_yml(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def templates(self) -> Path:
        return self.root / "overrides" / "edition"

    @cached_property
    def _mkdocs_config(self) -> dict[str, Any]:
        # Read once per Project (a frozen dataclass: cached_property stores the
        # value in the instance's __dict__ without calling __setattr__).
        return yaml.safe_load(self.mkdocs_yml.read_text("utf-8"))

    def docs_dir(self) -> Path:
        return self.root / self._mkdocs_config.get("docs_dir", "build/docs")

    def site_dir(self) -> Path:
        return self.root / self._mkdocs_config.get("site_dir", "site")

    def site_config(self) -> SiteConfig:
        cfg = self._mkdocs_config
        return SiteConfig(
            site_name=cfg["site_name"],
            site_url=cfg.get("site_url") or "http://127.0.0.1:8000/",
            site_description=cfg.get("site_description", ""),
        )


def load_edition(project: Project, cache: ArticleCache | None = None) -> Edition:
    """The edition of ``project``'s content, checked whole; raises ContentError
    with every problem."""
    first = load_content(project.content, cache)
    result = check_loaded_content(project.content, first)
    stop_on_problems(result)
    edition = edition_of(first)
    edition.pages, edition.redirects = result.pages, result.redirects
    return edition


def edition_of(first: LoadedContent) -> Edition:
    """The edition made from content loaded (``load_content``), before what is
    checked across its files (its pages and redirects not yet set)."""
    return build_edition(list(first.articles), first.curation.issue_orders(), first.curation)


def stop_on_problems(result: ContentCheck) -> None:
    """Raise ContentError with every problem of ``result``, if it has any."""
    if result.problems:
        lines = "\n".join(str(p) for p in result.problems)
        raise ContentError(
            f"{lines}\nbuild stopped: {len(result.problems)} problem(s) in the content above; "
            "fix them (python -m generator check lists them) and build again"
        )


def _intro(project: Project) -> str:
    intro_path = project.content / "home.md"
    intro = intro_path.read_text("utf-8") if intro_path.exists() else DEFAULT_INTRO
    return intro.strip()


def render_pages(project: Project, edition: Edition) -> list[Page]:
    builder = PageBuilder(edition, project.site_config(), project.templates)
    return list(builder.all_pages(_intro(project)))


def write_changed(
    target: Path, files: Iterable[tuple[str, bytes | None]], ledger: DocsLedger | None = None
) -> list[str]:
    """Write the files whose bytes differ from what is there (None: known to be
    the same); returns their paths. With ``ledger``, what is there is told by the
    ledger where it can be, and everything that ends in the tree is recorded."""
    written: list[str] = []
    for rel, data in files:
        if data is None:
            if ledger is not None:
                ledger.kept(rel)
            continue
        path = target / rel
        if ledger is not None:
            if ledger.unchanged(rel, data):
                continue
        else:
            try:
                if path.read_bytes() == data:
                    continue
            except OSError:
                pass
        write_atomic(path, data)
        if ledger is not None:
            ledger.written(rel, data)
        written.append(rel)
    return written


def sync_tree(
    target: Path, files: Iterable[tuple[str, bytes | None]], ledger: DocsLedger | None = None
) -> tuple[list[str], list[str], list[str]]:
    """Make ``target`` hold exactly these files; touch only what changed.

    Returns the paths (written, removed, and every file the tree now holds, sorted:
    listing the tree again for them was 0.34 s of a one-edit rebuild at 100,000
    articles, py-spy).
    """
    # Streamed: each file is written as it comes and only its name kept, so the
    # tree's bytes are never all in memory at once (300 MB at 10,000 articles).
    wanted: set[str] = set()

    def named() -> Iterator[tuple[str, bytes | None]]:
        for rel, data in files:
            wanted.add(rel)
            yield rel, data

    written = write_changed(target, named(), ledger)
    removed = [rel for rel in tree_files(target) if rel not in wanted]
    remove_files(target, removed, ledger)
    return written, removed, sorted(wanted)


def remove_files(target: Path, removed: list[str], ledger: DocsLedger | None = None) -> None:
    """Delete these files of ``target`` and the folders they leave empty."""
    folders: set[str] = set()
    for rel in removed:
        (target / rel).unlink()
        if ledger is not None:
            ledger.forget(rel)
        folders.add(rel.rpartition("/")[0])
    # The folders the removed files leave empty, the deepest first.
    while folders:
        folder = max(folders, key=lambda f: (f.count("/"), f))
        folders.discard(folder)
        if not folder:
            continue
        path = target / folder
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
            folders.add(folder.rpartition("/")[0])


def source_date_epoch(edition: Edition) -> int:
    """The build's clock: the newest issue's date, so that the same content gives
    the same site (sitemap dates, feed dates) whenever it is built."""
    latest = edition.latest_issue
    newest = latest.date if latest is not None else EPOCH_WITHOUT_ISSUES
    # SOURCE_DATE_EPOCH is a non-negative count of seconds (and a gzip header
    # holds no other): an archive whose newest issue is before 1970 (check allows
    # 1913 on) is stamped 1970-01-01.
    return max(0, int(dt.datetime.combine(newest, dt.time(), tzinfo=dt.UTC).timestamp()))


def citation_files(
    edition: Edition, config: SiteConfig, slugs: Iterable[str]
) -> list[tuple[str, bytes]]:
    """Each article's BibTeX and RIS file, beside its page in articles/."""
    files = []
    for slug in slugs:
        work = cite.work_of(edition.articles[slug], config.absolute(f"articles/{slug}/"))
        files.append((f"articles/{slug}.bib", cite.bibtex(work, slug).encode("utf-8")))
        files.append((f"articles/{slug}.ris", cite.ris(work).encode("utf-8")))
    return files


def issue_groups(edition: Edition) -> dict[str, str]:
    """Each article page of an issue (docs path) to its issue, for the render
    (``render.assign_slices``): one slice of MkDocs renders every page an issue's
    EPUB is made from, so the book can be made while the next slices render."""
    return {
        f"articles/{slug}.md": f"issues/{issue.date.isoformat()}"
        for issue in edition.issues
        for slug in issue.slugs
    }


def write_docs(
    project: Project,
    edition: Edition,
    timings: BuildTimings,
    only_articles: set[str] | None = None,
    epoch: int | None = None,
    books: bool = True,
    reuse: bool = True,
    templates_cache: Path | None = None,
) -> Changes:
    """Write the docs tree. With ``only_articles`` (the live preview after an edit),
    every listing page is redone but only those article pages, and nothing else in
    the tree is removed except the pages of articles that no longer exist.
    ``epoch`` (default: ``source_date_epoch``) dates what has no date of its own.
    ``books=False`` (the live preview, which makes no EPUBs): the issue and
    collection pages say where the e-book comes from instead of linking it.
    With ``reuse`` (and every page), article pages the tree already holds with the
    same inputs are left as they are (PageMemo); without it, every page is made.
    ``templates_cache``: a folder for the compiled templates (render.templates_cache_for).

    Returns what changed in the tree. Deletes the incremental build's manifest
    first: site/ no longer matches the docs tree once it is written."""
    take_manifest(project.docs_dir())
    started = time.perf_counter()
    builder = PageBuilder(edition, project.site_config(), project.templates, books, templates_cache)
    intro = _intro(project)
    if epoch is None:
        epoch = source_date_epoch(edition)
    docs = project.docs_dir()
    memo: PageMemo | None = None
    ledger: DocsLedger | None = None
    kept_pages: set[str] = set()  # the articles whose pages the memo kept
    articles: Iterator[tuple[str, Page | None]]
    if only_articles is None:
        # Article pages whose inputs did not change are not generated again.
        memo = PageMemo(
            docs,
            code_digest(project.mkdocs_yml, project.root / "overrides", epoch),
            reuse=reuse,
        )
        ledger = DocsLedger(docs, reuse=reuse, known=memo.verified)
        # The issues' and writers' pages too, after the other listing pages as
        # listing_pages gives them.
        listings: Iterator[tuple[str, Page | None]] = itertools.chain(
            memo.sections(builder, intro),
            ((inputs[0], memo.listing(builder, inputs)) for inputs in builder.card_list_inputs()),
        )
        articles = _noting_kept(memo, builder, edition.articles, kept_pages)
    else:
        memo_path(docs).unlink(missing_ok=True)
        ledger_path(docs).unlink(missing_ok=True)
        listings = ((p.path, p) for p in builder.listing_pages(intro))
        articles = (
            (f"articles/{s}.md", builder.article(s))
            for s in sorted(only_articles)
            if s in edition.articles
        )
    pages = itertools.chain(listings, articles)
    fallback = dt.datetime.fromtimestamp(epoch, tz=dt.UTC)
    generating = 0.0

    def files() -> Iterator[tuple[str, bytes | None]]:
        # Pages are made one at a time and written as they come: the whole tree
        # was 300 MB of text, then as much again in bytes, at 10,000 articles.
        # None: the page the tree holds is the one (PageMemo).
        nonlocal generating
        while True:
            begun = time.perf_counter()
            item = next(pages, None)
            generating += time.perf_counter() - begun
            if item is None:
                break
            rel, page = item
            yield rel, None if page is None else page.text.encode("utf-8")
        begun = time.perf_counter()
        config = project.site_config()
        feeds = [
            ("feed.xml", atom_feed(edition, config, fallback)),
            ("corrections.xml", corrections_feed(edition, config, fallback)),
        ]
        cited = (
            edition.articles.keys()
            if only_articles is None
            else (only_articles & edition.articles.keys())
        )
        # An article whose page the memo kept has the same title, writers, issue
        # and address, the whole of its citation (cite.work_of), under the same
        # code: its .bib and .ris files are kept too where the ledger vouches
        # that they are as written. Making them all was 0.67 s of a one-edit
        # rebuild at 10,000 articles and 16 s at 100,000 (cProfile, under load).
        held = (
            {
                s
                for s in kept_pages
                if ledger.holds(f"articles/{s}.bib") and ledger.holds(f"articles/{s}.ris")
            }
            if ledger is not None
            else set()
        )
        feeds += citation_files(edition, config, sorted(cited - held))
        feeds += [(f"articles/{s}{ext}", None) for s in sorted(held) for ext in (".bib", ".ris")]
        generating += time.perf_counter() - begun
        yield from feeds

    tree: list[str] | None = None  # the tree's files, where sync_tree knows them
    if only_articles is None:
        written, removed, tree = sync_tree(docs, files(), ledger)
        if ledger is not None:
            ledger.save()
        if memo is not None:
            memo.save()
            timings.kept = memo.kept
            timings.listings_kept = memo.listings_kept
            timings.sections_kept = memo.sections_kept
    else:
        # Every listing page is made again, so a page not made now is one the
        # edition no longer has (a writer's page after the byline changed, the
        # old issue's after a date changed), unless it is the page or citation
        # of an article not made again because it was not edited.
        made: set[str] = set()

        def noted() -> Iterator[tuple[str, bytes | None]]:
            for rel, data in files():
                made.add(rel)
                yield rel, data

        written = write_changed(docs, noted())
        kept = {
            f"articles/{slug}{suffix}"
            for slug in edition.articles
            for suffix in (".md", ".bib", ".ris")
        }
        removed = [rel for rel in tree_files(docs) if rel not in made and rel not in kept]
        remove_files(docs, removed)
    total = time.perf_counter() - started
    timings.steps["generate pages"] = timings.steps.get("generate pages", 0.0) + generating
    timings.steps["write docs tree"] = (
        timings.steps.get("write docs tree", 0.0) + total - generating
    )
    digests = ledger.digests() if ledger is not None else {}
    return Changes(
        frozenset(written), frozenset(removed), digests, None if tree is None else tuple(tree)
    )


def _noting_kept(
    memo: PageMemo, builder: PageBuilder, slugs: Iterable[str], kept: set[str]
) -> Iterator[tuple[str, Page | None]]:
    """Each article's page from the memo (None: kept), adding the kept to ``kept``."""
    for slug in slugs:
        page = memo.article(builder, slug)
        if page is None:
            kept.add(slug)
        yield f"articles/{slug}.md", page


def discard(folder: Path) -> None:
    """Delete ``folder`` in a process of its own that outlives the build.

    Deleting the site a build replaced was a third of a one-edit rebuild at 10,000
    articles (cProfile: 87,390 unlinks and 11,720 folders, 126 of 365 s under load;
    on this machine's ext4 a mass deletion is kernel time, see docs/performance.md);
    the new site is in place before it starts, and a deletion cut short (the
    machine stopped) is finished by the next build's sweep, as the folder keeps
    its mkdtemp name. Where no process can be started, it is deleted here."""
    try:
        subprocess.Popen(
            [sys.executable, "-c", _DISCARD, str(folder)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


_DISCARD = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"


def _is_book(rel: str) -> bool:
    """Whether a site path is an issue's or a collection's EPUB."""
    parts = rel.split("/")
    return len(parts) == 3 and parts[0] in ("issues", "collections") and rel.endswith(".epub")


def _journal_left(work: Path, site: Path) -> bool:
    """Whether a journal of changes to ``site`` is still in ``work`` once rolled
    back as far as it can be (where the roll back fails, it stays)."""
    try:
        roll_back(work, site)
    except OSError:
        return True
    return False


def swap_in(new_site: Path, site: Path, *, defer: bool = False) -> Path | None:
    """Replace site/ by new_site/ with two renames, so readers of site/ never see
    a half-built tree and a failure before this point leaves the old one. The old
    one is moved into a folder named like the build's own temporary folders
    (``.site.XXXXXXXX``, swept by the next build) and deleted in the background;
    with ``defer``, that folder is returned for the caller to add to and discard."""
    if not site.exists():
        new_site.rename(site)
        return None
    trash = Path(tempfile.mkdtemp(prefix=f".{site.name}.", dir=site.parent))
    site.rename(trash / site.name)
    try:
        new_site.rename(site)
    except BaseException:
        (trash / site.name).rename(site)
        trash.rmdir()
        raise
    if defer:
        return trash
    discard(trash)
    return None


def build(
    project: Project,
    *,
    ingest_sources: bool = True,
    search: bool = True,
    epub: bool = True,
    epoch: int | None = None,
    shard: Shard | None = None,
    shard_out: Path | None = None,
    incremental: bool = True,
) -> BuildTimings:
    """Build the site; ``epoch`` (seconds, default: the newest issue's date, see
    ``source_date_epoch``) is the clock of every date the content does not give.
    Raises BuildError (ContentError for problems in the content).

    With ``shard``, only that slice of the pages, into ``shard_out`` (shard.py).
    With the previous build's docs tree, site and manifest present and the same
    code, only the pages whose docs files changed are rendered (incremental.py)."""
    # The repository is the boundary: no folder the build writes may lead out of
    # the project through a committed symbolic link.
    for folder, what in (
        (project.content, "the content folder"),
        (project.root / ".cache", "the cache folder"),
        (project.docs_dir().parent, "the build folder"),
        (project.site_dir(), "the site folder"),
    ):
        writable_folder(folder, project.root, what)
    with project_lock(project.root, "build"), long_lived(_YOUNG):
        return _build_locked(
            project,
            ingest_sources=ingest_sources,
            search=search,
            epub=epub,
            epoch=epoch,
            shard=shard,
            shard_out=shard_out,
            incremental=incremental,
        )


def _build_locked(
    project: Project,
    *,
    ingest_sources: bool,
    search: bool,
    epub: bool,
    epoch: int | None,
    shard: Shard | None,
    shard_out: Path | None,
    incremental: bool,
) -> BuildTimings:
    """``build`` holding the project's lock: first, what a killed build left."""
    # A site or render folder a build replaced or a killed build left: deleted in
    # the background, as the build deletes the site it replaces. A rebuild started
    # while that deletion still ran took it over: 1.1 s of a one-edit rebuild at
    # 10,000 articles right after another (cProfile), 28 s under load.
    # A site a killed incremental build left half changed: the previous one again
    # (incremental.recover), before the sweep below deletes what it kept aside.
    if shard is None:
        recover(project.site_dir())
    sweep(project.docs_dir().parent, (".render.",), discard)
    sweep(project.root / ".cache")
    sweep(project.root / ".cache" / "articles")
    sweep(project.root / ".cache" / "search")
    # The article cache was one file before it was split (article_cache.BUCKETS).
    (project.root / ".cache" / "articles.pickle").unlink(missing_ok=True)
    timings = BuildTimings()
    # site/'s listing, which an incremental build checks against the manifest,
    # made in a process of its own while this one ingests and loads, when there
    # is a manifest to check it against: 57,087 files stat'ed at 10,000
    # articles, 0.3 to 0.6 s of a one-edit rebuild's main process, which had the
    # second core idle until the search index started.
    listing_job = None
    if shard is None and incremental and manifest_path(project.docs_dir()).is_file():
        listing_job = BackgroundJob(
            functools.partial(site_listing_or_none, project.site_dir()),
            error=BuildError,
            what="site listing",
        )
    try:
        if ingest_sources and (project.content / "sources").is_dir():
            started = time.perf_counter()
            from generator.ingest.pipeline import ingest

            timings.ingest = ingest([project.content / "sources"], project.content)
            timings.time("ingest", started)
        started = time.perf_counter()
        # What the cache and the edition are made of lives as long as the build:
        # the young generations' collections, walking millions of new objects in
        # vain, were 3.9 of the 13.0 s these took at 100,000 articles (the cache
        # warm; 1.4 s of them loading the cache).
        with collector_paused():
            cache = ArticleCache(project.root / ".cache" / "articles", root=project.content)
            first = load_content(project.content, cache)
            if first.problems:
                # Every problem at once, as check lists them, before any work starts.
                stop_on_problems(check_loaded_content(project.content, first))
            # What is checked across files (links, references, addresses) waits
            # until the search index has started: it needs none of it, and is on
            # the path of a one-edit rebuild at 100,000 articles, which waits for
            # the index's process (3 s, py-spy).
            edition = edition_of(first)
            # The edition lives as long as the build: out of the collector's
            # sight, so no later collection walks it, and so the search index's
            # forked child does not copy the pages a collection there would touch
            # (the gc module's advice). Frozen before the collector runs again:
            # its first collection of the youngest generation, which then held
            # every object made since the pause, took 0.99 s at 100,000 articles
            # (gc.callbacks). No gc.collect first: at 10,000 articles it found no
            # garbage, in 0.16 s.
            gc.freeze()
        timings.time("load and check", started)
    except BaseException:
        if listing_job is not None:
            listing_job.cancel()  # the build stops here: the listing is not wanted
        raise
    listed = None
    if listing_job is not None:
        try:
            listed, _ = listing_job.wait()
        except BuildError:
            listed = None  # listed in this process instead (``usable``)
    docs = project.docs_dir()
    docs.parent.mkdir(parents=True, exist_ok=True)
    # Read, not yet deleted: write_docs deletes it before it touches the docs tree,
    # so a build stopped before then (by a problem the check across files finds
    # once the search index has started) leaves the next one incremental.
    manifest = read_manifest(docs)
    if epoch is None:
        epoch = source_date_epoch(edition)
    code = code_digest(project.mkdocs_yml, project.root / "overrides", epoch)
    site = project.site_dir()
    final = site if shard is None else (shard_out or shard.default_out(project.root))
    final.parent.mkdir(parents=True, exist_ok=True)
    sweep(final.parent, (f".{final.name}.",), discard)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
    work = Path(tempfile.mkdtemp(prefix=".render.", dir=docs.parent))
    # An incremental build: site/'s listing, checked against the manifest; the
    # changes are written into ``out`` (tmp/new) and applied to site/ in place
    # (incremental.apply_in_place). Otherwise ``out`` is tmp, the new site whole,
    # swapped in at the end.
    entries = usable(manifest, code, site, listed) if shard is None and incremental else None
    out = tmp / STAGED if entries is not None else tmp
    out.mkdir(exist_ok=True)
    removed: list[str] = []
    # A WHOLE folder's files, as the process that wrote it listed them.
    listings: dict[str, dict[str, int] | None] = {}
    search_job = None
    epub_job = None
    trash: Path | None = None
    if shard is not None:
        timings.shard = f"{shard.number}/{shard.count}"
    try:
        if search and (shard is None or shard.first):
            from generator.search.cache import CACHE_DIR as SEARCH_CACHE
            from generator.search.cache import SearchCache
            from generator.search.index import BUNDLE, SearchIndexJob

            # Started now, the index has the second core to itself while this
            # process generates and writes the pages (single-threaded work); first,
            # before the books' inputs are written (0.2 s at 10,000 articles), as
            # it is sometimes the last to end on a one-edit rebuild.
            # Each article's share of the index is kept in .cache/search/ (not
            # read by --full): a one-edit rebuild counts one article again.
            # The previous site's bundle lends the files an edit left unchanged.
            search_job = SearchIndexJob(
                edition,
                work / BUNDLE,
                SearchCache(project.root / ".cache" / SEARCH_CACHE, reuse=incremental),
                previous=site / BUNDLE if incremental and shard is None else None,
            )
        started = time.perf_counter()
        checked = check_loaded_content(project.content, first)
        stop_on_problems(checked)
        edition.pages, edition.redirects = checked.pages, checked.redirects
        cache.save()
        # The loaded files' line maps and findings are check's: not held for the
        # build.
        del cache, first, checked
        timings.time("load and check", started)
        if epub and (shard is None or shard.first):
            from generator.site.epub import EpubJob

            # Beside the pages too: the books are made from the same edition model,
            # and only those whose inputs changed since the last build (.cache/epub/);
            # their article bodies are read from the pages MkDocs renders, each book
            # as soon as the slice of the render that holds its issue has ended.
            epub_job = EpubJob(
                edition,
                project.site_config(),
                work / "epub",
                project.root / ".cache" / "epub",
                dt.datetime.fromtimestamp(epoch, tz=dt.UTC).date(),
                # An incremental build's changed pages, then the others in site/
                # (unchanged until the end of the build).
                pages=tmp if entries is None else (out, site),
            )
        compiled = templates_cache_for(project.root / ".cache" / "templates", code)
        changes = write_docs(
            project,
            edition,
            timings,
            epoch=epoch,
            reuse=incremental,
            templates_cache=compiled / "pages",
        )
        started = time.perf_counter()
        files = list(changes.files) if changes.files is not None else tree_files(docs)
        # An issue's article pages in one slice of MkDocs, whose end is passed on
        # to the books; the same slices with or without them (no byte depends on
        # which slice renders a page).
        slicing: dict[str, Any] = {
            "group": issue_groups(edition),
            "templates_cache": compiled / "theme",
        }
        if epub_job is not None:
            slicing["on_slice"] = epub_job.slice_ready
        if shard is not None:
            render(project.mkdocs_yml, docs, tmp, work, epoch, only=shard.pages(files), **slicing)
        elif entries is not None:
            timings.incremental = len(changes.pages)
            rendered = work / "rendered"
            if changes.pages:
                # Only the changed pages' links, unless a page went away.
                removed_page = any(r.endswith(".md") for r in changes.removed)
                render(
                    project.mkdocs_yml,
                    docs,
                    rendered,
                    work,
                    epoch,
                    only=changes.pages,
                    pages_only=True,
                    link_sources=None if removed_page else changes.pages,
                    templates_cache=compiled / "theme",
                )
            removed += stage(changes, docs, rendered, out)
            if search_job is None:
                # --no-search: no index of an earlier build is kept, as a full
                # build of the same content has none (the copy used to skip it).
                from generator.search.index import BUNDLE as SEARCH_BUNDLE

                removed.append(SEARCH_BUNDLE)
        else:
            render(project.mkdocs_yml, docs, tmp, work, epoch, **slicing)
        if epub_job is not None:
            epub_job.pages_ready()
        elif shard is None:
            # --no-epub (a measurement, or a quick look): no book of an earlier
            # build is carried over stale by an incremental build's copy.
            for old in [*tmp.glob("issues/*/*.epub"), *tmp.glob("collections/*/*.epub")]:
                old.unlink()
            if entries is not None:
                removed += [rel for rel in entries if _is_book(rel)]
        if shard is None or shard.first:
            sitemaps = write_sitemap(out, project.site_config().site_url, files)
            if entries is not None:
                # The parts a larger archive needed, and MkDocs' old compressed one.
                removed += [
                    rel
                    for rel in entries
                    if rel == "sitemap.xml.gz"
                    or (rel.startswith("sitemap-") and "/" not in rel and rel not in sitemaps)
                ]
        timings.time("mkdocs", started)
        if search_job is not None:
            started = time.perf_counter()
            stats, seconds = search_job.wait()
            (work / BUNDLE).rename(out / BUNDLE)
            listings[BUNDLE] = stats.listing
            timings.time("search index", started)
            timings.beside["search index"] = seconds
            timings.beside_cpu["search index"] = stats.cpu_seconds
        if epub_job is not None:
            started = time.perf_counter()
            # An incremental build leaves out the books site/ has already.
            books = epub_job.finish(out, site if entries is not None else None)
            if entries is not None:
                # A book of an issue or collection that is gone.
                wanted = set(books.paths)
                removed += [rel for rel in entries if _is_book(rel) and rel not in wanted]
            timings.time("epub", started)
            timings.beside["epub"] = books.seconds
            timings.beside_cpu["epub"] = books.cpu_seconds
        if shard is None or shard.first:
            started = time.perf_counter()
            digest = build_digest(docs_digest(docs, files, changes.digests), code)
            write_service_worker(project.root, out, digest)
            timings.time("service worker", started)
        started = time.perf_counter()
        if shard is None or shard.first:
            try:
                data = redirects_file(list(edition.redirects), set(edition.pages))
            except ValueError as error:
                raise BuildError(str(error)) from error
            write_atomic(out / REDIRECTS, data)
        timings.time("redirects", started)
        if shard is not None:
            finish(tmp, shard, files, docs, code)
        if entries is not None:
            started = time.perf_counter()
            apply_in_place(tmp, site, removed, entries, listings)
            trash = tmp
            timings.time("apply", started)
        else:
            trash = swap_in(tmp, final, defer=True)
        if shard is None:
            save_manifest(docs, code, site, entries)
            # Published: the ledger now holds these pages' addresses for good.
            # The site is already in place: a ledger that cannot be written (a
            # read-only checkout) is a warning, and `check` records it next time.
            try:
                record_ledger(project.content, set(edition.pages))
            except OSError as error:
                timings.warnings.append(
                    f"build: the address ledger was not updated: {error.filename}: {error.strerror}"
                )
    except BaseException:
        if search_job is not None:
            search_job.cancel()
        if epub_job is not None:
            epub_job.cancel()
        # apply_in_place rolls back what it changed before it raises; if even that
        # failed, the journal stays for the next build's recover, with tmp.
        if trash is None and not _journal_left(tmp, site):
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if trash is not None:
            # With the replaced site: the pages MkDocs rendered that were not used.
            try:
                work.rename(trash / "render")
            except OSError:  # another file system
                shutil.rmtree(work, ignore_errors=True)
            discard(trash)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return timings
