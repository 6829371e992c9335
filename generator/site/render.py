"""Rendering the docs tree with MkDocs, on both cores when the archive is large.

MkDocs renders one page at a time in one process, and it is most of a large
build's time. Each page's HTML depends only on that page and on the nav (which
holds the section pages only), so the leaf pages (articles, issues, writers,
collections, topics, and the section listings' year pages) are split into shards
by a stable hash of their path, each shard is rendered by its own MkDocs process
together with the section pages, and
the outputs are merged. The split does not depend on the machine's core count,
so every machine writes the same bytes; the sitemap, the one file that lists
every page, is written by the generator from the docs tree (sitemap.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import multiprocessing
import os
import re
import shutil
from collections.abc import Callable, Collection, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from generator.errors import RenderError
from generator.site.docs_ledger import tree_files

SHARDS = 2
SHARD_MIN_LEAVES = 1000  # below this one process is fast enough, and simpler
# The most leaf pages one MkDocs process renders: MkDocs holds every page of its
# docs tree (source, HTML, TOC) until it ends, about 500 MB of PSS for each of the
# two 5,000-page shards at 10,000 articles (sampled, docs/performance.md). Above
# 2 x SLICE_LEAVES the leaves are cut into more slices, rendered one after another
# on each core by a fresh process each, so MkDocs' memory stops growing with the
# archive; each slice costs one more MkDocs start and render of the section pages.
SLICE_LEAVES = 5000
# The folders of leaf pages: each is rendered by one slice only. The section
# listings' year and part pages (generator/content/listings.py) are leaves too:
# as shared pages, /timelines/ alone (14.7 MB of Markdown at 100,000 articles)
# was rendered again by each of the 20 slices.
LEAF_DIRS = (
    "articles",
    "issues",
    "authors",
    "collections",
    "topics",
    "timelines",
    "web-only",
    "corrections",
)
# Leaf pages one folder down: /authors/unattributed/<year>/ (no writer's slug,
# one path segment, can name it).
# A page under authors/ is a leaf one folder down too: the unsigned articles' years
# (authors/unattributed/1938.md) and a prolific writer's (authors/<slug>/1938.md).
_NESTED_LEAVES = ("authors/",)
# Called as each slice of a sliced render ends, with the folder it was written in.
SliceDone = Callable[[Path], None]
_MD_LINK_RE = re.compile(r"\]\(\s*<?([^)\s>]+?\.md)(?:#[^)\s>]*)?>?(?:\s+\"[^\"]*\")?\s*\)")


def run_mkdocs(
    mkdocs_yml: Path,
    site_dir: Path,
    docs_dir: Path | None = None,
    *,
    lenient_links: bool = False,
    templates_cache: Path | None = None,
) -> None:
    """``templates_cache``: a folder for the theme's compiled templates
    (``templates_cache_for``)."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    overrides: dict[str, object] = {"site_dir": str(site_dir), "strict": True}
    if docs_dir is not None:
        overrides["docs_dir"] = str(docs_dir)
    if lenient_links:
        # A shard does not hold the other shards' pages; its links to them are
        # checked by check_markdown_links over the whole tree instead.
        overrides["validation"] = {"links": {"not_found": "info"}}
    try:
        config = load_config(str(mkdocs_yml), **overrides)
        if templates_cache is not None:
            _cache_templates(config.theme, templates_cache)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build(config)
        finally:
            config.plugins.on_shutdown()
    except MkDocsException as error:
        raise RenderError(f"MkDocs could not render the site: {error}") from error
    except SystemExit as error:  # mkdocs aborts strict builds this way
        raise RenderError("MkDocs stopped the build (see the warnings above)") from error


def templates_cache_for(root: Path, code: str) -> Path:
    """The folder of ``root``'s compiled templates for the code ``code``
    (``incremental.code_digest``), made if missing; the folders of other code
    are removed. Jinja keys a compiled template by its name and its text only, not
    by the environment's options, which are compiled in: so one folder for each
    version of the code (which holds those options: ours in pages.py, Material's
    by MkDocs' version), and one for each environment (``pages``, ``theme``).
    Compiling 29 templates, ours and Material's, was 0.31 s of a one-edit rebuild
    at 10,000 articles (cProfile)."""
    name = code[:32]
    root.mkdir(parents=True, exist_ok=True)
    for entry in os.scandir(root):
        if entry.name != name:
            shutil.rmtree(entry.path, ignore_errors=True)
    for kind in ("pages", "theme"):
        (root / name / kind).mkdir(parents=True, exist_ok=True)
    return root / name


def _cache_templates(theme: Any, folder: Path) -> None:
    """MkDocs makes the theme's Jinja environment afresh (``Theme.get_env``) and
    gives no option for a bytecode cache: each environment it makes gets one."""
    from jinja2 import FileSystemBytecodeCache

    make = theme.get_env

    def get_env() -> Any:
        env = make()
        env.bytecode_cache = FileSystemBytecodeCache(str(folder))
        return env

    theme.get_env = get_env


def is_leaf(rel: str) -> bool:
    top, _, rest = rel.partition("/")
    if rel.startswith(_NESTED_LEAVES):
        rest = rel.rpartition("/")[2]
    return top in LEAF_DIRS and rest.endswith(".md") and rest != "index.md" and "/" not in rest


def slice_of(rel: str, n: int) -> int:
    """Which of ``n`` slices a page falls in: a stable hash of its path, so that
    every machine, whatever its core count, splits the pages the same way."""
    return int.from_bytes(hashlib.sha1(rel.encode("utf-8")).digest()[:4], "big") % n


def shard_of(rel: str) -> int:
    """Which local MkDocs process renders a leaf page: other bytes of the hash than
    slice_of's, so that one machine's slice still splits evenly over its cores."""
    return int.from_bytes(hashlib.sha1(rel.encode("utf-8")).digest()[4:8], "big") % SHARDS


def slice_index(rel: str, slices: int) -> int:
    """Which of ``slices`` MkDocs processes renders a leaf page (shard_of when
    slices == SHARDS)."""
    return int.from_bytes(hashlib.sha1(rel.encode("utf-8")).digest()[4:8], "big") % slices


def assign_slices(
    leaves: list[str], slices: int, group: Mapping[str, str] | None = None
) -> dict[str, int]:
    """Which slice renders each leaf page. Without ``group``, slice_index. With it
    (a leaf's path to a key, such as the issue its article belongs to), the leaves
    that share a key are rendered by the same slice, so that what is made from them
    (an issue's EPUB) can start as soon as that slice is written: the groups, the
    largest first (ties in the order of their keys' hashes), each go to the slice
    with the fewest leaves so far, so the slices stay even within one group. The
    split depends on the pages only, not on the machine."""
    if group is None or slices == 1:
        return {rel: slice_index(rel, slices) for rel in leaves}
    members: dict[str, list[str]] = {}
    for rel in leaves:
        members.setdefault(group.get(rel, rel), []).append(rel)
    order = sorted(members, key=lambda key: (-len(members[key]), _digest(key), key))
    load = [0] * slices
    assigned: dict[str, int] = {}
    for key in order:
        k = min(range(slices), key=lambda s: (load[s], s))
        load[k] += len(members[key])
        for rel in members[key]:
            assigned[rel] = k
    return assigned


def _digest(key: str) -> bytes:
    return hashlib.sha1(key.encode("utf-8")).digest()


def check_markdown_links(
    docs: Path, files: set[str], sources: Collection[str] | None = None
) -> list[str]:
    """Relative links to .md files that name no page: what MkDocs' strict mode
    reports, done over the whole tree because no single shard can. With
    ``sources``, only the links of those files are read (an incremental build
    that removed no page: the other files' links named pages that are all still
    there)."""
    problems = []
    for rel in sorted(files if sources is None else set(sources) & files):
        if not rel.endswith(".md"):
            continue
        text = (docs / rel).read_text("utf-8")
        if "](" not in text:
            continue
        for match in _MD_LINK_RE.finditer(text):
            target = match.group(1)
            if "://" in target:
                continue
            resolved = os.path.normpath(os.path.join(os.path.dirname(rel), target)).lstrip("/")
            if target.startswith("/"):
                resolved = target.lstrip("/")
            if resolved not in files:
                problems.append(f"{rel}: link to {target}, which is no page of the site")
    return problems


def _link_tree(docs: Path, dest: Path, files: list[str]) -> None:
    for rel in files:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(docs / rel, target)
        except OSError:
            shutil.copy2(docs / rel, target)


def _render_shard(args: tuple[Path, Path, Path, Path | None]) -> None:
    mkdocs_yml, docs, site, templates_cache = args
    run_mkdocs(mkdocs_yml, site, docs, lenient_links=True, templates_cache=templates_cache)


@contextlib.contextmanager
def mkdocs_clock(epoch: int) -> Iterator[None]:
    """MkDocs dates pages (the sitemap's lastmod, ``build_date_utc``) by the
    SOURCE_DATE_EPOCH environment variable, its only way to be told a date: set it
    for the render (and its worker processes, which inherit it) and restore it
    after, so that the next build in the same process gets its own date."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def docs_files(docs: Path) -> list[str]:
    """Every file of the docs tree, relative, sorted."""
    return tree_files(docs)


def output_of(rel: str) -> str:
    """The site file MkDocs writes for a docs file (use_directory_urls)."""
    if not rel.endswith(".md"):
        return rel
    if rel == "index.md" or rel.endswith("/index.md"):
        return rel[: -len(".md")] + ".html"
    return rel[: -len(".md")] + "/index.html"


def render(
    mkdocs_yml: Path,
    docs: Path,
    site_dir: Path,
    work: Path,
    epoch: int,
    only: Collection[str] | None = None,
    *,
    pages_only: bool = False,
    link_sources: Collection[str] | None = None,
    group: Mapping[str, str] | None = None,
    on_slice: SliceDone | None = None,
    templates_cache: Path | None = None,
) -> int:
    """Render ``docs`` into ``site_dir``, dated ``epoch``; returns the number of
    MkDocs processes used. ``templates_cache``: a folder for the theme's
    compiled templates (``templates_cache_for``).

    With ``only`` (a shard's slice, or the pages an incremental build must redo),
    the leaf pages outside it are not rendered; every section page still is, as
    the nav needs them, and the caller keeps the outputs it wants. ``group``: leaf
    pages to keep in one slice (``assign_slices``). ``on_slice(folder)`` is called in
    this process as each slice of a sliced render ends: its leaves' pages are in
    ``folder`` (``site_dir``, or the slice's own folder, whose pages are moved into
    ``site_dir`` once every slice has ended, each by one rename)."""
    with mkdocs_clock(epoch):
        return _render(
            mkdocs_yml,
            docs,
            site_dir,
            work,
            only,
            pages_only,
            link_sources,
            group,
            on_slice,
            templates_cache,
        )


def _render(
    mkdocs_yml: Path,
    docs: Path,
    site_dir: Path,
    work: Path,
    only: Collection[str] | None,
    pages_only: bool = False,
    link_sources: Collection[str] | None = None,
    group: Mapping[str, str] | None = None,
    on_slice: SliceDone | None = None,
    templates_cache: Path | None = None,
) -> int:
    files = docs_files(docs)
    leaves = [f for f in files if is_leaf(f) and (only is None or f in only)]
    if only is None and len(leaves) < SHARD_MIN_LEAVES:
        run_mkdocs(mkdocs_yml, site_dir, docs, templates_cache=templates_cache)
        return 1
    problems = check_markdown_links(docs, set(files), link_sources)
    if problems:
        raise RenderError("broken links:\n" + "\n".join(problems))
    shared = [f for f in files if not is_leaf(f)]
    if pages_only:
        # The caller wants only the pages' HTML (an incremental build takes the
        # rest from the docs tree): the leaf folders' other files (each article's
        # .bib and .ris, the EPUBs) were 20,000 files for MkDocs to copy at
        # 10,000 articles (copy_static_files, 11 s of a rebuild under load).
        shared = [f for f in shared if f.endswith(".md") or f.partition("/")[0] not in LEAF_DIRS]
    shards = SHARDS if len(leaves) >= SHARD_MIN_LEAVES else 1
    # A multiple of the shards, each slice at most SLICE_LEAVES leaves.
    slices = shards * max(1, math.ceil(len(leaves) / (SLICE_LEAVES * shards)))
    assigned = assign_slices(leaves, slices, group)
    slice_leaves: list[list[str]] = [[] for _ in range(slices)]
    for rel in leaves:
        slice_leaves[assigned[rel]].append(rel)
    jobs = []
    # The leaf folders' other files (each article's .bib and .ris) go to slice 0
    # only, whose output is site_dir: of the other slices only the leaf pages are
    # kept. Given to every slice, they were 172,960 files at 100,000 articles that
    # each MkDocs process held and copied: a slice peaked at 571 MB of PSS with
    # them, 398 MB without (devtools/listing_cost.py, docs/performance.md).
    pages = [f for f in shared if f.endswith(".md") or f.partition("/")[0] not in LEAF_DIRS]
    for k in range(slices):
        shard_docs = work / f"docs-{k}"
        shutil.rmtree(shard_docs, ignore_errors=True)
        _link_tree(docs, shard_docs, (shared if k == 0 else pages) + slice_leaves[k])
        site = site_dir if k == 0 else work / f"site-{k}"
        jobs.append((mkdocs_yml, shard_docs, site, templates_cache))
    workers = min(shards, os.cpu_count() or 1)

    def done(k: int) -> None:
        if on_slice is not None:
            on_slice(jobs[k][2])

    try:
        if workers == 1:
            for k, job in enumerate(jobs):
                _render_shard(job)
                done(k)
        else:
            # Spawned, not forked: a forked worker would carry the main process's
            # edition model and pages; a spawned one holds only MkDocs' model of
            # its own files (the summed memory of the build's processes, issue 17).
            spawn = multiprocessing.get_context("spawn")
            # A fresh process for each slice: one that rendered a slice keeps
            # its memory (the allocator's arenas) for the next.
            with ProcessPoolExecutor(
                max_workers=workers, mp_context=spawn, max_tasks_per_child=1
            ) as pool:
                started = {pool.submit(_render_shard, job): k for k, job in enumerate(jobs)}
                for future in as_completed(started):
                    future.result()
                    done(started[future])
        for k in range(1, slices):
            shard_site = work / f"site-{k}"
            for rel in slice_leaves[k]:
                # The page's file, not its folder: a leaf's folder can hold other
                # leaves' (a writer's /authors/<slug>/ holds their year pages,
                # /authors/<slug>/1938/), rendered by other slices or this one.
                page = output_of(rel)
                (site_dir / page).parent.mkdir(parents=True, exist_ok=True)
                os.replace(shard_site / page, site_dir / page)
    finally:
        for k in range(slices):
            shutil.rmtree(work / f"docs-{k}", ignore_errors=True)
            shutil.rmtree(work / f"site-{k}", ignore_errors=True)
    return workers
