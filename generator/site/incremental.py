"""Incremental builds that give the very bytes of a full build.

A page's HTML depends only on its own docs file, the nav (the section pages,
named in ``mkdocs.yml``), the configuration, the templates and the installed
renderer. So, when the previous build's docs tree (``build/docs``) and site
(``site/``) are there and were made by the same code, a build needs MkDocs only
for the docs files whose bytes changed: the others' outputs are taken from the
previous site (hard links, never written through), the outputs of docs files that
no longer exist are left out, and the sitemap and search index are written anew.

What makes that safe is the manifest, ``build/render-manifest.json``, written
after a build has swapped its site in:

- ``code``: a digest of everything besides the docs tree that shapes the site's
  bytes (the generator's code, ``mkdocs.yml``, ``overrides/``, the versions of
  the renderer's packages and of Python, and the build's clock). Any change: a
  full build.
- ``site``: a digest of the site's listing (every file's path and size). A site/
  that is not the one the manifest describes (deleted, replaced, restored from a
  different cache): a full build.

Anything that writes the docs tree deletes the manifest first (write_docs), so a
failed build or the live preview, which rewrites docs files without rendering them
into site/, leaves no manifest claiming that site/ matches the tree; the next
build is then a full one. The comparison is the docs tree itself: write_docs
writes only the files whose bytes differ and says which, and removes the others.
``tests/test_incremental.py`` builds after edits of several kinds and compares
every byte with a full build of the same content.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from generator.atomic import write_atomic
from generator.site.render import output_of

MANIFEST = "render-manifest.json"
FORMAT = 1
_GENERATOR = Path(__file__).resolve().parent.parent
# The packages whose code turns a docs file into HTML.
_RENDERER_PACKAGES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2")


def code_digest(mkdocs_yml: Path, overrides: Path, epoch: int) -> str:
    """Everything besides the docs tree that the site's bytes depend on, the
    build's clock (MkDocs' SOURCE_DATE_EPOCH) included."""
    digest = hashlib.sha256(f"epoch={epoch}\0".encode())
    roots = [_GENERATOR, overrides]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(f"{path.relative_to(root.parent).as_posix()}\0".encode())
                digest.update(path.read_bytes())
    digest.update(mkdocs_yml.read_bytes())
    for name in _RENDERER_PACKAGES:
        try:
            digest.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=none\0".encode())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def site_listing(site: Path) -> str:
    """A digest of every file's path and size under ``site``: cheap (no file is
    read) and enough to tell a site/ from another one.

    One ``scandir`` per folder and one ``stat`` per file, the relative path made by
    joining names: ``os.walk`` with ``os.path.relpath`` (two ``abspath`` calls a
    file) was most of the 5.6 s that the two listings of a one-edit rebuild took
    at 10,000 articles (90,000 files; cProfile, docs/performance.md)."""
    entries: list[tuple[str, int]] = []
    pending = [("", os.fspath(site))]
    while pending:
        rel, folder = pending.pop()
        with os.scandir(folder) as listing:
            for entry in listing:
                name = rel + entry.name
                if entry.is_dir():
                    if not entry.is_symlink():  # as os.walk: a linked folder is not entered
                        pending.append((name + "/", entry.path))
                    continue
                try:
                    size = entry.stat().st_size
                except OSError:  # a dangling link: it cannot be the site that was written
                    size = -1
                entries.append((name, size))
    digest = hashlib.sha256()
    for rel_path, size in sorted(entries):
        digest.update(f"{rel_path}\0{size}\n".encode())
    return digest.hexdigest()


def manifest_path(docs: Path) -> Path:
    return docs.parent / MANIFEST


def take_manifest(docs: Path) -> dict[str, object] | None:
    """Read and delete the manifest (before the docs tree is touched)."""
    path = manifest_path(docs)
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        manifest = None
    path.unlink(missing_ok=True)
    return manifest if isinstance(manifest, dict) and manifest.get("format") == FORMAT else None


def save_manifest(docs: Path, code: str, site: Path) -> None:
    data = {"format": FORMAT, "code": code, "site": site_listing(site)}
    write_atomic(manifest_path(docs), json.dumps(data, indent=1) + "\n")


@dataclass(frozen=True)
class Changes:
    """What differs from the docs tree the previous site was rendered from."""

    written: frozenset[str]
    removed: frozenset[str]

    @property
    def pages(self) -> frozenset[str]:
        return frozenset(rel for rel in self.written if rel.endswith(".md"))


def usable(manifest: dict[str, object] | None, code: str, site: Path) -> bool:
    """Whether site/ is the previous build's output, made by the same code."""
    if manifest is None or manifest.get("code") != code or not site.is_dir():
        return False
    return manifest.get("site") == site_listing(site)


def link_copy(source: Path, dest: Path, skip: Iterable[str] = ()) -> None:
    """``dest`` as a tree of hard links to ``source``'s files (a copy where links
    are refused), leaving out the top-level entries in ``skip``. The new tree is
    only ever changed by replacing or unlinking entries, never by writing into a
    file, so the previous site stays intact until it is swapped out."""
    skipped = set(skip)
    for folder, dirs, names in os.walk(source):
        rel = os.path.relpath(folder, source)
        if rel == ".":
            dirs[:] = [d for d in dirs if d not in skipped]
            names = [n for n in names if n not in skipped]
        target = dest / rel
        target.mkdir(parents=True, exist_ok=True)
        for name in names:
            try:
                os.link(os.path.join(folder, name), target / name)
            except OSError:
                shutil.copy2(os.path.join(folder, name), target / name)


def apply(changes: Changes, docs: Path, rendered: Path, new_site: Path) -> None:
    """Bring ``new_site`` (a link copy of the previous site) to the new docs tree:
    the outputs of removed docs files go, changed pages' outputs come from
    ``rendered`` (what MkDocs wrote for them), changed static files from ``docs``."""
    for rel in sorted(changes.removed):
        out = new_site / output_of(rel)
        out.unlink(missing_ok=True)
        folder = out.parent
        while folder != new_site and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    for rel in sorted(changes.written):
        out = output_of(rel)
        target = new_site / out
        target.parent.mkdir(parents=True, exist_ok=True)
        # Replaced, never written into: the old name may be a hard link into site/.
        if rel.endswith(".md"):
            os.replace(rendered / out, target)
        else:
            fresh = target.with_name(f".{target.name}.new")
            shutil.copyfile(docs / rel, fresh)
            os.replace(fresh, target)
