"""What the section pages cost a build, from a written docs tree (issue 17).

    python -m devtools.listing_cost DOCS [MKDOCS_YML] [--render]

Prints the Markdown size of each section index and of the largest year or part
page of each split listing (generator/content/listings.py), and the Markdown of
the shared pages, the ones every MkDocs slice and every incremental render
renders again (render.is_leaf). With ``--render`` (and the mkdocs.yml to render
with; docs_dir is replaced by a copy of hard links in a temporary folder), also:
MkDocs on the shared pages alone (its CPU seconds), and one slice as
render._render makes it (the shared files and that slice's leaves; ``--slice K``,
1 by default, the one also given the leaf folders' static files) in a spawned
process, with its peak PSS (scale_bench.PssSampler).

Run from a checkout of the code to measure: ``render.is_leaf`` decides which
pages are shared, so the same tree measured by an older checkout tells what
that code rendered in every slice.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from devtools.scale_bench import PssSampler
from generator.site import render

SECTIONS = ("timelines", "authors", "web-only", "issues", "corrections")
# The year and part pages' folders and how to tell them from other leaves there.
SPLIT = {
    "timelines": lambda name: True,
    "web-only": lambda name: True,
    "corrections": lambda name: True,
    "issues": lambda name: name.count("-") != 2,  # not an issue's own page
    "authors/unattributed": lambda name: True,
}


def section_sizes(docs: Path) -> list[tuple[str, int]]:
    """(path, bytes) of each section's index, then of the largest page of each
    split listing ("" when it has none)."""
    out = []
    for section in SECTIONS:
        index = docs / section / "index.md"
        out.append((f"{section}/index.md", index.stat().st_size if index.exists() else 0))
    for folder, wanted in SPLIT.items():
        pages = [
            (p.stat().st_size, p.relative_to(docs).as_posix())
            for p in (docs / folder).glob("*.md")
            if p.name != "index.md" and wanted(p.stem)
        ]
        size, path = max(pages, default=(0, f"{folder}/ (no year pages)"))
        out.append((path, size))
    return out


def shared_pages(docs: Path) -> list[str]:
    return [f for f in render.docs_files(docs) if f.endswith(".md") and not render.is_leaf(f)]


def _link(docs: Path, dest: Path, files: list[str]) -> None:
    for rel in files:
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        os.link(docs / rel, dest / rel)


def render_shared(docs: Path, mkdocs_yml: Path, work: Path) -> float:
    """CPU seconds of one MkDocs process on the shared pages alone (what an
    incremental render with no changed leaf does: render(pages_only=True))."""
    files = [
        f
        for f in render.docs_files(docs)
        if not render.is_leaf(f)
        and (f.endswith(".md") or f.partition("/")[0] not in render.LEAF_DIRS)
    ]
    _link(docs, work / "shared", files)
    return _spawned(mkdocs_yml, work / "shared", work / "shared-site")[0]


def render_slice(
    docs: Path, mkdocs_yml: Path, work: Path, number: int = 1
) -> tuple[int, int, float, float]:
    """(slices, its leaves, CPU seconds, peak PSS MB) of slice ``number`` (1-based)
    of a full render of ``docs``, given the files render._render gives it: the
    leaf folders' static files to slice 1 only."""
    files = render.docs_files(docs)
    leaves = [f for f in files if render.is_leaf(f)]
    shared = [f for f in files if not render.is_leaf(f)]
    if number > 1:
        shared = [
            f for f in shared if f.endswith(".md") or f.partition("/")[0] not in render.LEAF_DIRS
        ]
    slices = render.SHARDS * max(1, math.ceil(len(leaves) / (render.SLICE_LEAVES * render.SHARDS)))
    mine = [f for f in leaves if render.slice_index(f, slices) == number - 1]
    _link(docs, work / "slice", shared + mine)
    cpu, peak = _spawned(mkdocs_yml, work / "slice", work / "slice-site")
    return slices, len(mine), cpu, peak


def _spawned(mkdocs_yml: Path, docs: Path, site: Path) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = multiprocessing.get_context("spawn").Process(
        target=render.run_mkdocs, args=(mkdocs_yml, site, docs), kwargs={"lenient_links": True}
    )
    process.start()
    sampler = PssSampler(process.pid)
    process.join()
    peak = sampler.stop()
    if process.exitcode != 0:
        raise SystemExit(f"MkDocs failed on {docs} (exit {process.exitcode})")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("docs", type=Path)
    parser.add_argument("mkdocs_yml", type=Path, nargs="?")
    parser.add_argument("--render", action="store_true")
    parser.add_argument("--slice", type=int, default=1, help="which slice to render (1-based)")
    args = parser.parse_args()
    for path, size in section_sizes(args.docs):
        print(f"{size:>12,}  {path}")
    shared = shared_pages(args.docs)
    total = sum((args.docs / f).stat().st_size for f in shared)
    print(f"{total:>12,}  Markdown of the {len(shared)} shared pages (rendered by every slice)")
    if not args.render:
        return
    if args.mkdocs_yml is None:
        parser.error("--render needs the mkdocs.yml to render with")
    work = Path(tempfile.mkdtemp(prefix="listing-cost-"))
    try:
        started = time.perf_counter()
        cpu = render_shared(args.docs, args.mkdocs_yml, work)
        print(f"MkDocs on the shared pages alone: {cpu:.1f} s CPU")
        slices, leaves, cpu, peak = render_slice(args.docs, args.mkdocs_yml, work, args.slice)
        print(
            f"slice {args.slice} of {slices} ({leaves} leaves): {cpu:.1f} s CPU, "
            f"peak PSS {peak:.0f} MB"
        )
        print(f"({time.perf_counter() - started:.0f} s in all; load {os.getloadavg()[0]:.1f})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
