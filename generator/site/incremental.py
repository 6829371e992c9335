"""Incremental builds that give the very bytes of a full build.

A page's HTML depends only on its own docs file, the nav (the section pages,
named in ``mkdocs.yml``), the configuration, the templates and the installed
renderer. So, when the previous build's docs tree (``build/docs``) and site
(``site/``) are there and were made by the same code, a build needs MkDocs only
for the docs files whose bytes changed: their outputs, the sitemap, the search
index and the other files written anew are applied to site/ in place, under a
journal that undoes a half-applied build (``apply_in_place``), and the outputs of
docs files that no longer exist are removed; every other file of site/ stays.

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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import xxhash

from generator.atomic import write_atomic
from generator.site.render import output_of

MANIFEST = "render-manifest.json"
FORMAT = 2  # 2: listing_digest a sum of XXH3-128s
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


def site_entries(site: Path) -> dict[str, int]:
    """Every file under ``site`` (its path, relative, with ``/``) and its size:
    cheap (no file is read) and enough to tell a site/ from another one.

    One ``scandir`` per folder and one ``stat`` per file, the relative path made by
    joining names: ``os.walk`` with ``os.path.relpath`` (two ``abspath`` calls a
    file) was most of the 5.6 s that the two listings of a one-edit rebuild took
    at 10,000 articles (90,000 files; cProfile, docs/performance.md)."""
    entries: dict[str, int] = {}
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
                entries[name] = size
    return entries


def listing_digest(entries: dict[str, int]) -> str:
    """A digest of a listing (``site_entries``): the sum, modulo 2**128, of each
    entry's XXH3-128 (its path and size), so no order is needed. It tells whether
    site/ is the one the last build left, not what an adversary made. The listing
    of SHA-256 over the sorted entries took 1.03 s at 100,000 articles (463,899
    files), this 0.24 s (one script, the same listing), at the end of every build
    and beside the start of every incremental one."""
    hash_of = xxhash.xxh3_128_intdigest
    total = sum(
        [
            hash_of(f"{rel_path}\0{size}".encode("utf-8", "surrogateescape"))
            for rel_path, size in entries.items()
        ]
    )
    return f"{total % (1 << 128):032x}"


def site_listing(site: Path) -> str:
    """A digest of every file's path and size under ``site`` (``site_entries``)."""
    return listing_digest(site_entries(site))


def manifest_path(docs: Path) -> Path:
    return docs.parent / MANIFEST


def read_manifest(docs: Path) -> dict[str, object] | None:
    """The manifest, if there is one of this format; left in place (``take_manifest``
    deletes it before the docs tree is touched)."""
    try:
        manifest = json.loads(manifest_path(docs).read_text("utf-8"))
    except (OSError, ValueError):
        manifest = None
    return manifest if isinstance(manifest, dict) and manifest.get("format") == FORMAT else None


def take_manifest(docs: Path) -> dict[str, object] | None:
    """Read and delete the manifest (before the docs tree is touched)."""
    manifest = read_manifest(docs)
    manifest_path(docs).unlink(missing_ok=True)
    return manifest


def save_manifest(docs: Path, code: str, site: Path, entries: dict[str, int] | None = None) -> None:
    """``entries``: the site's listing (``site_entries``) where the caller knows
    it (an incremental build: the listing it checked, with what it changed)."""
    listing = site_listing(site) if entries is None else listing_digest(entries)
    data = {"format": FORMAT, "code": code, "site": listing}
    write_atomic(manifest_path(docs), json.dumps(data, indent=1) + "\n")


@dataclass(frozen=True)
class Changes:
    """What differs from the docs tree the previous site was rendered from."""

    written: frozenset[str]
    removed: frozenset[str]
    # Each file's SHA-256 in the tree as written (the docs ledger's), where known.
    digests: Mapping[str, bytes] = field(default_factory=dict, compare=False)
    # Every file of the tree as written, sorted, where the writer knows it (it made
    # the tree hold exactly those: ``build.sync_tree``); None: list the tree.
    files: tuple[str, ...] | None = field(default=None, compare=False)

    @property
    def pages(self) -> frozenset[str]:
        return frozenset(rel for rel in self.written if rel.endswith(".md"))


def usable(
    manifest: dict[str, object] | None,
    code: str,
    site: Path,
    listed: tuple[dict[str, int], str] | None = None,
) -> dict[str, int] | None:
    """site/'s listing (``site_entries``) if it is the previous build's output,
    made by the same code; else None. ``listed``: that listing and its digest,
    where the caller made them already (``site_listing_or_none``, beside the
    build's first steps)."""
    if manifest is None or manifest.get("code") != code or not site.is_dir():
        return None
    if listed is None:
        listed = site_listing_or_none(site)
        if listed is None:
            return None
    entries, digest = listed
    return entries if manifest.get("site") == digest else None


def site_listing_or_none(site: Path) -> tuple[dict[str, int], str] | None:
    """``site_entries`` and its ``listing_digest``, or None where there is no
    site/ to list."""
    if not site.is_dir():
        return None
    entries = site_entries(site)
    return entries, listing_digest(entries)


def stage(changes: Changes, docs: Path, rendered: Path, staged: Path) -> list[str]:
    """Put the outputs of the changed docs files into ``staged`` (an empty folder
    laid out as the site): changed pages from ``rendered`` (what MkDocs wrote for
    them), changed static files from ``docs``. Returns the site paths of the
    outputs of removed docs files, for ``apply_in_place`` to remove."""
    for rel in sorted(changes.written):
        out = output_of(rel)
        target = staged / out
        target.parent.mkdir(parents=True, exist_ok=True)
        if rel.endswith(".md"):
            os.replace(rendered / out, target)
        else:
            shutil.copyfile(docs / rel, target)
    return sorted(output_of(rel) for rel in changes.removed)


# An incremental build applies its changes to site/ in place: the hard-link copy
# of the whole previous site that it used to make, and swap in, was 31,825 links
# and 11,914 folders at 10,000 articles (1.9 to 2.7 s of kernel time on a quiet
# machine) and 34 s at 100,000, for an edit that changes a few dozen files.
#
# The promise kept is the one the copy gave to a build that is stopped: the site
# is the previous one whole or the new one whole. Before the first change, the
# plan (what is replaced, what is added, what goes) is written to a journal in the
# build's own temporary folder; every file replaced or removed is first kept
# there (a hard link, or the folder itself, moved); the journal is deleted once
# the last change is made. A build stopped by an exception or Ctrl-C rolls back
# at once (``roll_back``); one killed (SIGKILL, a machine stopped) leaves the
# journal, and the next build rolls it back under the project's lock before it
# does anything else (``recover``). What is weaker than the swap: a reader of
# site/ *while* the changes are applied (a few hundred renames: milliseconds) may
# get one page old and the next new, as any web server updated file by file does.
JOURNAL = "journal.json"
STAGED = "new"
ASIDE = "old"
UNDONE = "undone"
# Top-level folders of the site written whole by a process of their own (the
# search index's bundle, 25,118 files at 10,000 articles): replaced as one entry,
# two renames, not file by file.
WHOLE = ("search-index",)


def _same_file(one: str, two: str, size: int) -> bool:
    """Whether two files of ``size`` bytes hold the same bytes."""
    first, second = os.stat(one), os.stat(two)
    if first.st_size != size:
        return False
    if (first.st_dev, first.st_ino) == (second.st_dev, second.st_ino):
        return True  # one file (a book linked from the cache: epub.write_books)
    with open(one, "rb") as a, open(two, "rb") as b:
        while True:
            chunk = a.read(1 << 20)
            if chunk != b.read(1 << 20):
                return False
            if not chunk:
                return True


def _staged_files(staged: Path) -> Iterable[str]:
    pending = [("", os.fspath(staged))]
    while pending:
        rel, folder = pending.pop()
        with os.scandir(folder) as listing:
            for entry in listing:
                name = rel + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if name not in WHOLE:
                        pending.append((name + "/", entry.path))
                else:
                    yield name


def _prune(site: Path, folder: Path) -> None:
    """Remove ``folder`` and its parents up to ``site`` while they are empty."""
    while folder != site and site in folder.parents:
        try:
            folder.rmdir()
        except OSError:  # not empty, or gone
            return
        folder = folder.parent


def apply_in_place(
    work: Path,
    site: Path,
    removed: Iterable[str],
    entries: dict[str, int] | None = None,
    listings: Mapping[str, dict[str, int] | None] | None = None,
) -> int:
    """Apply ``work``/new (laid out as the site) to ``site``, and remove the files
    ``removed`` (site paths; a folder of ``WHOLE`` goes whole), under a journal in
    ``work`` (see above). A staged file whose bytes are the site's already is left
    out (the EPUBs, linked from their cache: the same file). ``entries``, site/'s
    listing (``site_entries``), is brought up to date; ``listings`` gives the
    files of a folder of ``WHOLE`` that the process which wrote it listed
    (``SearchStats.listing``), so that it is not listed again (25,118 files at
    10,000 articles). Returns how many entries changed."""
    staged = work / STAGED
    aside = work / ASIDE
    replace: list[tuple[str, bool, bool]] = []  # (path, existed, whole folder)
    for name in WHOLE:
        if (staged / name).is_dir():
            replace.append((name, os.path.lexists(site / name), True))
    for rel in sorted(_staged_files(staged)):
        target = os.fspath(site / rel)
        try:
            size = os.lstat(target).st_size
        except FileNotFoundError:
            replace.append((rel, False, False))
            continue
        if _same_file(os.fspath(staged / rel), target, size):
            continue
        replace.append((rel, True, False))
    placed = {rel for rel, _, _ in replace}
    remove = sorted(
        rel
        for rel in set(removed)
        if rel not in placed
        and ((site / rel).is_file() or (rel in WHOLE and (site / rel).is_dir()))
    )
    write_atomic(
        work / JOURNAL,
        json.dumps({"replace": replace, "remove": remove}, indent=0) + "\n",
    )
    try:
        for rel, existed, whole in replace:
            target, old = site / rel, aside / rel
            if existed:
                old.parent.mkdir(parents=True, exist_ok=True)
                if whole:
                    target.rename(old)
                else:
                    # A hard link: the page is never missing from site/.
                    os.link(target, old)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged / rel, target)
        for rel in remove:
            old = aside / rel
            old.parent.mkdir(parents=True, exist_ok=True)
            (site / rel).rename(old)
            _prune(site, (site / rel).parent)
    except BaseException:
        roll_back(work, site)
        raise
    (work / JOURNAL).unlink()
    if entries is not None:
        for rel, _, whole in replace:
            if whole:
                prefix = rel + "/"
                for key in [k for k in entries if k.startswith(prefix)]:
                    del entries[key]
                listed = (listings or {}).get(rel)
                if listed is None:
                    listed = site_entries(site / rel)
                entries.update((prefix + key, size) for key, size in listed.items())
            else:
                entries[rel] = os.lstat(site / rel).st_size
        for rel in remove:
            entries.pop(rel, None)
            if rel in WHOLE:
                for key in [k for k in entries if k.startswith(rel + "/")]:
                    del entries[key]
    return len(replace) + len(remove)


def roll_back(work: Path, site: Path) -> bool:
    """Undo what ``apply_in_place`` did of the plan in ``work``'s journal, whatever
    part of it was done (each step is undone by what it left: run again, it does
    nothing more). Returns whether there was a journal."""
    journal = work / JOURNAL
    try:
        plan = json.loads(journal.read_text("utf-8"))
    except FileNotFoundError:
        return False
    aside, undone = work / ASIDE, work / UNDONE
    for rel in plan["remove"]:
        old, target = aside / rel, site / rel
        if os.path.lexists(old):
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(old, target)
    for rel, existed, whole in reversed(plan["replace"]):
        old, target = aside / rel, site / rel
        if whole:
            # The new folder, if it is in place, goes out of the way first.
            if os.path.lexists(target) and (os.path.lexists(old) or not existed):
                (undone / rel).parent.mkdir(parents=True, exist_ok=True)
                target.rename(undone / rel)
            if os.path.lexists(old):
                old.rename(target)
        elif existed:
            if os.path.lexists(old):
                os.replace(old, target)
        else:
            target.unlink(missing_ok=True)
            _prune(site, target.parent)
    journal.unlink()
    return True


def recover(site: Path) -> list[Path]:
    """Roll back what a killed build left half applied to ``site`` (call it
    holding the project's lock, before the build's temporary folders are swept).
    Returns the build folders whose journal was rolled back."""
    rolled = []
    for work in sorted(site.parent.glob(f".{site.name}.*")):
        if (work / JOURNAL).is_file() and roll_back(work, site):
            rolled.append(work)
    return rolled
