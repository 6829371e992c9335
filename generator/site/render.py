"""Rendering the docs tree with MkDocs, on both cores when the archive is large.

MkDocs renders one page at a time in one process, and it is most of a large
build's time. Each page's HTML depends only on that page and on the nav (which
holds the section pages only), so the leaf pages (articles, issues, writers,
collections, topics) are split into shards by a stable hash of their path, each
shard is rendered by its own MkDocs process together with the section pages, and
the outputs are merged. The split does not depend on the machine's core count,
so every machine writes the same bytes; the sitemap, the one file that lists
every page, is rebuilt from the shards' sitemaps in one sorted order.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import os
import re
import shutil
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from xml.etree import ElementTree as ET

from generator.errors import RenderError

SHARDS = 2
SHARD_MIN_LEAVES = 1000  # below this one process is fast enough, and simpler
LEAF_DIRS = ("articles", "issues", "authors", "collections", "topics")
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_MD_LINK_RE = re.compile(r"\]\(\s*<?([^)\s>]+?\.md)(?:#[^)\s>]*)?>?(?:\s+\"[^\"]*\")?\s*\)")




def run_mkdocs(
    mkdocs_yml: Path, site_dir: Path, docs_dir: Path | None = None, *, lenient_links: bool = False
) -> None:
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
        config.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build(config)
        finally:
            config.plugins.on_shutdown()
    except MkDocsException as error:
        raise RenderError(f"MkDocs could not render the site: {error}") from error
    except SystemExit as error:  # mkdocs aborts strict builds this way
        raise RenderError("MkDocs stopped the build (see the warnings above)") from error


def is_leaf(rel: str) -> bool:
    top, _, rest = rel.partition("/")
    return top in LEAF_DIRS and rest.endswith(".md") and rest != "index.md" and "/" not in rest


def shard_of(rel: str) -> int:
    return hashlib.sha1(rel.encode("utf-8")).digest()[0] % SHARDS


def check_markdown_links(docs: Path, files: set[str]) -> list[str]:
    """Relative links to .md files that name no page: what MkDocs' strict mode
    reports, done over the whole tree because no single shard can."""
    problems = []
    for rel in sorted(files):
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


def _render_shard(args: tuple[Path, Path, Path]) -> None:
    mkdocs_yml, docs, site = args
    run_mkdocs(mkdocs_yml, site, docs, lenient_links=True)


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


def render(mkdocs_yml: Path, docs: Path, site_dir: Path, work: Path, epoch: int) -> int:
    """Render ``docs`` into ``site_dir``, dated ``epoch``; returns the number of
    MkDocs processes used."""
    with mkdocs_clock(epoch):
        return _render(mkdocs_yml, docs, site_dir, work, epoch)


def _render(mkdocs_yml: Path, docs: Path, site_dir: Path, work: Path, epoch: int) -> int:
    files = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file())
    leaves = [f for f in files if is_leaf(f)]
    if len(leaves) < SHARD_MIN_LEAVES:
        run_mkdocs(mkdocs_yml, site_dir, docs)
        normalise_sitemap(site_dir, epoch)
        return 1
    problems = check_markdown_links(docs, set(files))
    if problems:
        raise RenderError("broken links:\n" + "\n".join(problems))
    shared = [f for f in files if not is_leaf(f)]
    jobs = []
    for k in range(SHARDS):
        shard_docs = work / f"docs-{k}"
        shutil.rmtree(shard_docs, ignore_errors=True)
        _link_tree(docs, shard_docs, shared + [f for f in leaves if shard_of(f) == k])
        jobs.append((mkdocs_yml, shard_docs, site_dir if k == 0 else work / f"site-{k}"))
    workers = min(SHARDS, os.cpu_count() or 1)
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            list(pool.map(_render_shard, jobs))
        sitemaps = [site_dir / "sitemap.xml"]
        for k in range(1, SHARDS):
            shard_site = work / f"site-{k}"
            sitemaps.append(shard_site / "sitemap.xml")
            for rel in leaves:
                if shard_of(rel) != k:
                    continue
                page_dir = rel[: -len(".md")]
                (site_dir / page_dir).parent.mkdir(parents=True, exist_ok=True)
                os.replace(shard_site / page_dir, site_dir / page_dir)
        merge_sitemaps(sitemaps, site_dir, epoch)
    finally:
        for k in range(SHARDS):
            shutil.rmtree(work / f"docs-{k}", ignore_errors=True)
            shutil.rmtree(work / f"site-{k}", ignore_errors=True)
    return workers


def _write_sitemap(urls: list[ET.Element], site_dir: Path, epoch: int) -> None:
    ET.register_namespace("", SITEMAP_NS)
    root = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    by_loc = {u.findtext(f"{{{SITEMAP_NS}}}loc"): u for u in urls}
    for loc in sorted(by_loc, key=lambda x: x or ""):
        root.append(by_loc[loc])
    ET.indent(root)
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
    (site_dir / "sitemap.xml").write_bytes(data)
    buf = io.BytesIO()
    # A fixed name and modification time in the gzip header keep the bytes stable.
    with gzip.GzipFile(filename="sitemap.xml", mode="wb", fileobj=buf, mtime=epoch) as gz:
        gz.write(data)
    (site_dir / "sitemap.xml.gz").write_bytes(buf.getvalue())


def merge_sitemaps(paths: list[Path], site_dir: Path, epoch: int) -> None:
    urls: list[ET.Element] = []
    for path in paths:
        urls.extend(ET.parse(path).getroot().findall(f"{{{SITEMAP_NS}}}url"))
    _write_sitemap(urls, site_dir, epoch)


def normalise_sitemap(site_dir: Path, epoch: int) -> None:
    """The same sitemap bytes whether the site was rendered in one process or more."""
    if (site_dir / "sitemap.xml").exists():
        merge_sitemaps([site_dir / "sitemap.xml"], site_dir, epoch)
