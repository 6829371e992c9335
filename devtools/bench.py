"""``make bench``: how ingest, build and search cost grow with the archive.

Each measured step runs in its own process (``python -m generator ...``), so peak
memory is that process's own (``os.wait4``), and nothing cached in this process
flatters the figures. Short steps are repeated and the median reported: the
machines are shared and noisy.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import yaml

from devtools import related_cost
from devtools import scale_bench as scale
from devtools.scale_bench import Pair

ROOT = Path(__file__).resolve().parent.parent
# Steps shorter than this are run several times and the median reported: on this
# shared machine one 10,000-article build measured 58 s and 70 s an hour apart.
SHORT_RUN_SECONDS = 90.0
# The relevance benchmark: articles sought, in an archive of this size.
RELEVANCE_ARTICLES = 1000
RELEVANCE_ITEMS = 400
# ext4 without a journal, this machine kind's root file system, makes every new
# file skip past the inodes freed in the last minute (six while their inode table
# is unsynced; fs/ext4/ialloc.c, recently_deleted): after a mass deletion,
# creating a file cost 0.8 ms instead of 0.02 ms here, in the kernel. A step timed
# just after one paid for the deletion, not for its own work, so the bench deletes
# nothing while it measures (outputs are moved aside) and waits this long, after a
# sync, before the steps that follow a deletion.
SETTLE_SECONDS = 65.0
# Shards built one after another (issue 17): what N CI runners would each do.
SHARDS = 4


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float
    steps: str = ""  # the build's own "build: site/ ready in ..." line: where the time went
    cpu_s: float = 0.0  # user + system, the processes it started included
    pss_mb: float = 0.0  # the largest summed PSS of its process tree (scale_bench.py)
    steps_cpu_s: float = 0.0  # a median's: the CPU of the run its steps come from

    @property
    def search_cpu_s(self) -> float | None:
        """The search index's own CPU seconds, from the build's line ("search index
        20.1s beside it (18.0s CPU)")."""
        found = _SEARCH_CPU.search(self.steps)
        return float(found.group(1)) if found else None

    @property
    def search_cpu_share(self) -> float | None:
        """The search index's share of this build's CPU (the index's process is
        the build's child: its CPU is in cpu_s too)."""
        cpu, of = self.search_cpu_s, self.steps_cpu_s or self.cpu_s
        return cpu / of if cpu is not None and of else None


_SEARCH_CPU = re.compile(r"search index [\d.]+s beside it \(([\d.]+)s CPU\)")


@dataclass
class BenchResult:
    n: int
    articles: int
    ingest_s: float
    ingest_articles_per_s: float
    ingest_cpu_s: float  # less at the mercy of a shared machine than seconds
    build_s: float
    build_pages_per_s: float
    pages: int
    noop_ingest_s: float
    rebuild_one_edit_s: float
    preview_regenerate_s: float | None
    peak_mb: float
    site_mb: float
    search_query_kb: float | None
    plain_mkdocs_s: float | None
    edition_over_plain: float | None
    build_no_search_s: float | None  # the same build with --no-search
    search_adds: float | None  # what the search index adds to the build, as a fraction
    pagefind_index_s: float | None  # Pagefind on the same built site, for comparison
    pagefind_peak_mb: float | None
    pagefind_query_kb: float | None
    runs: int
    build_steps: str = ""
    rebuild_steps: str = ""
    # Issue 17: the whole archive.
    tree_pss_mb: float = 0.0  # summed PSS of the build's process tree, largest sample
    rebuild_one_identical: bool | None = None  # the 1-edit rebuild == a full build
    rebuild_fifty_edits_s: float | None = None
    rebuild_fifty_identical: bool | None = None
    shards: int = 0
    shard_s: list[float] | None = None  # each shard's build, one after another
    merge_s: float | None = None
    shards_identical: bool | None = None  # merged site == the one-machine build
    shards_on_paper_s: float | None = None  # N runners: the slowest shard + the merge
    shard_pss_mb: float | None = None
    first_visit_kb: float | None = None  # an article page, compressed, cache empty
    hugo_s: float | None = None  # Hugo on the same article files, median of the pairs
    over_hugo: float | None = None  # full build / Hugo, wall, median of paired runs
    over_hugo_cpu: float | None = None
    hugo_pairs: list[list[float]] | None = None  # [edition s, hugo s] run by run
    # Ingest of N variant scrapes (devtools/variants.py: every cue in the forms the
    # magazine writes it, issue #13), fresh, into a content folder of its own.
    variant_ingest_articles_per_s: float | None = None
    # What related reading and redirects add (issue 15; devtools/related_cost.py):
    # CPU seconds measured in-process on the built project, and their share of the
    # build's CPU seconds.
    related_redirects_s: float | None = None
    related_redirects_share: float | None = None
    # The search index's CPU seconds and their share of the build's CPU, in the
    # same (median) build run: the index runs beside MkDocs, so its wall time
    # hides, but its CPU is taken from the build's two cores.
    search_cpu_s: float | None = None
    search_cpu_share: float | None = None
    # What the EPUB downloads add (issue 16; target: under 10% of the build).
    epub: EpubCost | None = None


# The build's own line: "epub 0.8s beside it (1.8s CPU)" (generator/cli.py).
_EPUB_CPU = re.compile(r"epub [\d.]+s beside it \(([\d.]+)s CPU\)")


@dataclass(frozen=True)
class EpubCost:
    """Fresh builds with and without the EPUBs, run in alternation (so that both
    share the machine's load of the moment), medians of the pairs."""

    pairs: int
    build_s: float
    no_epub_s: float
    adds: float  # build / build --no-epub - 1, wall
    build_cpu_s: float  # the whole build's CPU, its processes included
    epub_cpu_s: float  # the EPUB workers' own CPU, from the build's line
    cpu_share: float  # epub CPU / build CPU, in the same run
    # Related reading and redirects (issue 15, devtools/related_cost.py): their CPU
    # seconds on the first full build's project, over that build's CPU.
    related_cpu_s: float | None = None
    related_share: float | None = None


def epub_cost(fresh_build: Callable[..., Run], pairs: int) -> EpubCost:
    runs: list[tuple[Run, Run]] = []
    for _ in range(pairs):
        # Without first: the site left behind is a whole one, books included.
        without = fresh_build("--no-epub")
        runs.append((fresh_build(), without))
    epub_cpu = []
    for with_epub, _ in runs:
        found = _EPUB_CPU.search(with_epub.steps)
        if found is None:
            raise RuntimeError(f"bench: no EPUB CPU in the build's line: {with_epub.steps!r}")
        epub_cpu.append(float(found.group(1)))
    build_s = statistics.median(w.seconds for w, _ in runs)
    no_epub_s = statistics.median(n.seconds for _, n in runs)
    build_cpu = statistics.median(w.cpu_s for w, _ in runs)
    return EpubCost(
        pairs=pairs,
        build_s=round(build_s, 2),
        no_epub_s=round(no_epub_s, 2),
        adds=round(statistics.median(w.seconds / n.seconds - 1 for w, n in runs), 3),
        build_cpu_s=round(build_cpu, 2),
        epub_cpu_s=round(statistics.median(epub_cpu), 2),
        cpu_share=round(
            statistics.median(e / w.cpu_s for e, (w, _) in zip(epub_cpu, runs, strict=True)), 3
        ),
    )


def _run(cmd: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> Run:
    from devtools.scale_bench import PssSampler

    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = PssSampler(proc.pid)
    assert proc.stderr is not None
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    pss_mb = sampler.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if proc.returncode not in ok:
        raise RuntimeError(
            f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr.decode()[-3000:]}"
        )
    steps = next(
        (line for line in stderr.decode(errors="replace").splitlines() if "ready in" in line), ""
    )
    return Run(seconds, usage.ru_maxrss / 1024, steps, usage.ru_utime + usage.ru_stime, pss_mb)


def _median(runs: list[Run]) -> Run:
    """The median of each figure; the steps (and so the search index's CPU share,
    measured within one run) of the run of median seconds."""
    middle = sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]
    return Run(
        statistics.median(r.seconds for r in runs),
        max(r.peak_mb for r in runs),
        middle.steps,
        statistics.median(r.cpu_s for r in runs),
        max(r.pss_mb for r in runs),
        middle.cpu_s,
    )


def _repeat(make_run: Callable[[], Run], first: Run, repeats: int) -> Run:
    runs = [first]
    if first.seconds < SHORT_RUN_SECONDS:
        runs += [make_run() for _ in range(repeats - 1)]
    return _median(runs)


def _settle(seconds: float) -> None:
    if seconds > 0:
        os.sync()
        time.sleep(seconds)


class _Aside:
    """Moves a step's outputs out of the way with one rename; they are deleted with
    the bench's work folder, after the last timed step of this N."""

    def __init__(self, work: Path) -> None:
        self.folder = work / "aside"
        self.count = 0

    def __call__(self, path: Path) -> None:
        if path.exists():
            self.folder.mkdir(exist_ok=True)
            self.count += 1
            path.rename(self.folder / f"{self.count}-{path.name}")


def bench_project(work: Path, sources: Path) -> Path:
    root = work / "project"
    root.mkdir(parents=True)
    shutil.copy2(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", root / "overrides")
    (root / "content").mkdir()
    shutil.copy2(ROOT / "content" / "home.md", root / "content" / "home.md")
    # The synthetic archive has no curation: the seeds' collections and featured
    # block name seed articles that it does not hold.
    sources.rename(root / "content" / "sources")
    return root


def _plain_mkdocs(root: Path, work: Path) -> Run:
    """MkDocs alone on the same article Markdown, with no generated pages."""
    plain = work / "plain"
    docs = plain / "docs"
    shutil.copytree(root / "content" / "articles", docs / "articles")
    (docs / "index.md").write_text("# Plain\n", "utf-8")
    config = {
        "site_name": "Plain",
        "site_url": "https://example.org/",
        "docs_dir": "docs",
        "site_dir": "site",
        "theme": {"name": "material", "font": False},
        "plugins": [],
        "nav": [{"Home": "index.md"}],
        "not_in_nav": "/articles/\n",
        # The site's own Markdown configuration, so the comparison is the edition's
        # work and not a difference in what each page's text costs to convert.
        "markdown_extensions": yaml.safe_load((root / "mkdocs.yml").read_text("utf-8"))[
            "markdown_extensions"
        ],
    }
    (plain / "mkdocs.yml").write_text(json.dumps(config), "utf-8")
    return _run([sys.executable, "-m", "mkdocs", "build", "-q"], plain)


_PREVIEW_SCRIPT = """
import sys, time
from pathlib import Path
from generator.site.build import Project
from generator.site.serve import PreviewState, regenerate
project, edited = Project(Path(sys.argv[1])), Path(sys.argv[2])
state = PreviewState()
regenerate(project, state)
edited.write_text(edited.read_text("utf-8") + "\\nA second editor's line.\\n", "utf-8")
started = time.perf_counter()
regenerate(project, state)
print(time.perf_counter() - started)
"""


def _preview_latency(root: Path, edited: Path) -> float:
    """Seconds from saving an edit to the preview's docs tree holding it, with the
    preview already running (its first, full generation is not counted). MkDocs'
    --dirty re-render of the one changed page comes on top, about a second."""
    result = subprocess.run(
        [sys.executable, "-c", _PREVIEW_SCRIPT, str(root), str(edited)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(result.stdout.strip().splitlines()[-1])


def _dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def _pagefind(site: Path, work: Path) -> tuple[Run | None, float | None]:
    """Pagefind, the search issue's first candidate, on a copy of the same built
    site (hard links: only its bundle and the search page are new)."""
    copy = work / "pagefind-site"
    subprocess.run(["cp", "-al", str(site), str(copy)], check=True)
    try:
        run = _run([sys.executable, "-m", "devtools.pagefind", str(copy)], ROOT)
    except RuntimeError as error:  # a missing Pagefind must not lose the other figures
        print(f"bench: Pagefind not measured: {error}", file=sys.stderr)
        return None, None
    return run, _query_kb(copy)


def _query_kb(site: Path) -> float | None:
    try:
        from devtools.search_cost import query_cost_kb
    except ImportError:
        return None
    try:
        return query_cost_kb(site, "government")
    except Exception as error:  # a missing browser must not lose the other figures
        print(f"bench: search cost not measured: {error}", file=sys.stderr)
        return None


def _identical_to_full(root: Path, work: Path, name: str) -> bool:
    """Whether the site an incremental build just made is byte for byte the site a
    full build of the same content makes (the full build is not timed)."""
    built = scale.snapshot(root / "site", work / f"incremental-{name}")
    _run([sys.executable, "-m", "generator", "build", "--full"], root)
    differ = scale.same_tree(built, root / "site")
    if differ:
        print(f"bench: {name}: {len(differ)} file(s) differ, e.g. {differ[:5]}", file=sys.stderr)
    return not differ


def _first_visit_kb(site: Path) -> float | None:
    """A first visit to an article page: every request, compressed, empty cache."""
    from devtools.page_cost import first_visit_kb

    # An article's page folder: articles/ also holds each article's .bib and .ris
    # file, and a listing's order is the file system's (a .bib file's "page" was
    # a 0.2 kB not-found answer).
    article = min(p.name for p in (site / "articles").iterdir() if p.is_dir())
    try:
        return first_visit_kb(site, f"articles/{article}/")
    except Exception as error:  # a missing browser must not lose the other figures
        print(f"bench: first visit not measured: {error}", file=sys.stderr)
        return None


def bench_one(
    n: int,
    seed: int = 1,
    repeats: int = 3,
    settle: float = SETTLE_SECONDS,
    scale_only: bool = False,
) -> BenchResult:
    """One archive size. ``scale_only``: the whole-archive columns (issue 17) and
    the full build they rest on, without search cost, Pagefind, the build without
    search, the preview and plain MkDocs (a shorter run for a busy machine)."""
    from devtools.synth import synthesize
    from devtools.variants import write_variants

    py = sys.executable
    with tempfile.TemporaryDirectory(prefix=f"ns-bench-{n}-") as tmp:
        work = Path(tmp)
        aside = _Aside(work)
        synthesize(n, work / "sources", seed)
        root = bench_project(work, work / "sources")
        content = root / "content"

        def ingest_fresh() -> Run:
            aside(content / "articles")
            for cache in content.glob(".ingest*"):
                cache.unlink()
            # Exit 1 is expected: the synthetic archive holds a few bad files.
            return _run(
                [py, "-m", "generator", "ingest", "content/sources", "--quiet"], root, (0, 1)
            )

        ingest = _repeat(ingest_fresh, ingest_fresh(), repeats)
        articles = len(list((content / "articles").glob("*.md")))
        noop = _run([py, "-m", "generator", "ingest", "content/sources", "--quiet"], root, (0, 1))

        write_variants(n, work / "variants", seed)

        def ingest_variants() -> Run:
            aside(work / "variant-content")
            return _run(
                [
                    py,
                    "-m",
                    "generator",
                    "ingest",
                    str(work / "variants"),
                    "--quiet",
                    "--content",
                    str(work / "variant-content"),
                ],
                root,
            )

        variant_ingest = _repeat(ingest_variants, ingest_variants(), repeats)

        pairs: list[Pair] = []
        hugo = scale.hugo_project(root, work) if scale.hugo_command() else None

        def fresh_build(*flags: str, hugo_pair: bool = True) -> Run:
            # As on a fresh clone: no site, no docs tree, no article cache.
            for output in ("site", "build", ".cache"):
                aside(root / output)
            hugo_run = None
            if hugo is not None and not flags and hugo_pair:
                # Hugo on the same article files just before each full build: the
                # pair shares the machine's load of the moment (issue 17).
                hugo_run = scale.time_hugo(hugo, work / f"hugo-out-{len(pairs)}")
            run = _run([py, "-m", "generator", "build", *flags], root)
            if hugo_run is not None:
                pairs.append(Pair(run.seconds, hugo_run[0], run.cpu_s, hugo_run[1]))
            return run

        build = _repeat(fresh_build, fresh_build(), repeats)
        epub = epub_cost(
            lambda *flags: fresh_build(*flags, hugo_pair=False),
            repeats if build.seconds < SHORT_RUN_SECONDS else 1,
        )
        pages = len(list((root / "site").rglob("index.html")))
        related = related_cost.measure(root, repeats if build.seconds < SHORT_RUN_SECONDS else 1)
        query_kb, pagefind, pagefind_kb, build_no_search = None, None, None, None
        if not scale_only:
            query_kb = _query_kb(root / "site")
            pagefind, pagefind_kb = _pagefind(root / "site", work)

            def no_search() -> Run:
                return fresh_build("--no-search")

            build_no_search = _repeat(no_search, no_search(), repeats)
            fresh_build()  # the site again, with its index, for the edit below

        edited = sorted((content / "articles").glob("*.md"))[articles // 2]
        edited.write_text(edited.read_text("utf-8") + "\nAn editor's added paragraph.\n", "utf-8")
        rebuild = _run([py, "-m", "generator", "build"], root)
        one_identical = _identical_to_full(root, work, "one-edit")
        scale.edit_articles(content / "articles", 50, "Fifty editors' added paragraph.")
        rebuild_fifty = _run([py, "-m", "generator", "build"], root)
        fifty_identical = _identical_to_full(root, work, "fifty-edits")
        full_site = scale.snapshot(root / "site", work / "reference-site")
        shard_runs = [
            _run([py, "-m", "generator", "build", "--shard", f"{k}/{SHARDS}"], root)
            for k in range(1, SHARDS + 1)
        ]
        merge = _run([py, "-m", "generator", "merge"], root)
        shards_identical = not scale.same_tree(full_site, root / "site")
        first_visit_kb = _first_visit_kb(root / "site")
        preview_s, plain = None, None
        if not scale_only:
            preview_s = _preview_latency(root, edited)
            _settle(settle)  # the rebuild deleted the site it replaced
            plain = _plain_mkdocs(root, work)
        return BenchResult(
            n=n,
            articles=articles,
            ingest_s=round(ingest.seconds, 2),
            ingest_articles_per_s=round(articles / ingest.seconds, 1),
            ingest_cpu_s=round(ingest.cpu_s, 2),
            build_s=round(build.seconds, 2),
            build_pages_per_s=round(pages / build.seconds, 1),
            pages=pages,
            noop_ingest_s=round(noop.seconds, 2),
            rebuild_one_edit_s=round(rebuild.seconds, 2),
            preview_regenerate_s=None if preview_s is None else round(preview_s, 2),
            peak_mb=round(max(ingest.peak_mb, build.peak_mb, rebuild.peak_mb), 1),
            site_mb=round(_dir_mb(root / "site"), 1),
            search_query_kb=query_kb,
            plain_mkdocs_s=round(plain.seconds, 2) if plain else None,
            edition_over_plain=round(build.seconds / plain.seconds, 2) if plain else None,
            build_no_search_s=round(build_no_search.seconds, 2) if build_no_search else None,
            search_adds=(
                round(build.seconds / build_no_search.seconds - 1, 3) if build_no_search else None
            ),
            pagefind_index_s=round(pagefind.seconds, 2) if pagefind else None,
            pagefind_peak_mb=round(pagefind.peak_mb, 1) if pagefind else None,
            pagefind_query_kb=pagefind_kb,
            runs=repeats if build.seconds < SHORT_RUN_SECONDS else 1,
            build_steps=build.steps,
            rebuild_steps=rebuild.steps,
            tree_pss_mb=round(max(build.pss_mb, rebuild.pss_mb, rebuild_fifty.pss_mb), 1),
            rebuild_one_identical=one_identical,
            rebuild_fifty_edits_s=round(rebuild_fifty.seconds, 2),
            rebuild_fifty_identical=fifty_identical,
            shards=SHARDS,
            shard_s=[round(r.seconds, 2) for r in shard_runs],
            merge_s=round(merge.seconds, 2),
            shards_identical=shards_identical,
            shards_on_paper_s=round(max(r.seconds for r in shard_runs) + merge.seconds, 2),
            shard_pss_mb=round(max(r.pss_mb for r in shard_runs), 1),
            first_visit_kb=first_visit_kb,
            hugo_s=round(statistics.median(p.hugo_s for p in pairs), 2) if pairs else None,
            over_hugo=round(statistics.median(p.ratio for p in pairs), 2) if pairs else None,
            over_hugo_cpu=(
                round(statistics.median(p.edition_cpu_s / p.hugo_cpu_s for p in pairs), 2)
                if pairs
                else None
            ),
            hugo_pairs=[[round(p.edition_s, 2), round(p.hugo_s, 2)] for p in pairs] or None,
            variant_ingest_articles_per_s=round(n / variant_ingest.seconds, 1),
            related_redirects_s=round(related.total_s, 2),
            related_redirects_share=round(related.total_s / build.cpu_s, 4),
            search_cpu_s=build.search_cpu_s,
            search_cpu_share=(
                None if build.search_cpu_share is None else round(build.search_cpu_share, 3)
            ),
            epub=epub,
        )


COLUMNS = [
    ("N", "n"),
    ("articles", "articles"),
    ("ingest s", "ingest_s"),
    ("art/s", "ingest_articles_per_s"),
    ("variant art/s", "variant_ingest_articles_per_s"),
    ("related+redirects share", "related_redirects_share"),
    ("EPUB adds", "epub_adds"),
    ("EPUB CPU share", "epub_cpu_share"),
    ("ingest CPU s", "ingest_cpu_s"),
    ("build s", "build_s"),
    ("pages/s", "build_pages_per_s"),
    ("no-op ingest s", "noop_ingest_s"),
    ("rebuild 1 edit s", "rebuild_one_edit_s"),
    ("preview s", "preview_regenerate_s"),
    ("peak MB", "peak_mb"),
    ("site MB", "site_mb"),
    ("query KB", "search_query_kb"),
    ("plain mkdocs s", "plain_mkdocs_s"),
    ("build/plain", "edition_over_plain"),
    ("no-search build s", "build_no_search_s"),
    ("search adds", "search_adds"),
    ("search CPU s", "search_cpu_s"),
    ("search CPU share", "search_cpu_share"),
    ("pagefind s", "pagefind_index_s"),
    ("pagefind MB", "pagefind_peak_mb"),
    ("pagefind KB", "pagefind_query_kb"),
    ("tree PSS MB", "tree_pss_mb"),
    ("1 edit same", "rebuild_one_identical"),
    ("50 edits s", "rebuild_fifty_edits_s"),
    ("50 same", "rebuild_fifty_identical"),
    ("shards s", "shard_s"),
    ("merge s", "merge_s"),
    ("shards same", "shards_identical"),
    ("N runners s", "shards_on_paper_s"),
    ("shard PSS MB", "shard_pss_mb"),
    ("visit KB", "first_visit_kb"),
    ("hugo s", "hugo_s"),
    ("/hugo", "over_hugo"),
    ("/hugo CPU", "over_hugo_cpu"),
]


def _cell(r: BenchResult, key: str) -> object:
    if key.startswith("epub_"):
        return None if r.epub is None else getattr(r.epub, key.removeprefix("epub_"))
    return getattr(r, key)


def table(results: list[BenchResult]) -> str:
    rows = [[label for label, _ in COLUMNS]]
    for r in results:
        rows.append(["-" if _cell(r, key) is None else str(_cell(r, key)) for _, key in COLUMNS])
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = [" | ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    if len(results) >= 2:
        small, large = results[0], results[-1]
        growth = large.build_s / small.build_s
        lines.append(
            f"growth: {large.n:,} articles cost {growth:.1f}x the build of {small.n:,} "
            f"({large.n / small.n:.0f}x the articles)"
        )
    return "\n".join(lines)


# The hostile edge: one scrape whose paragraph a scraper hard-wrapped into this
# many lines, each going on in lower case. Joining them re-read the paragraph for
# every line (64,000 lines: 13.7 s); joined linearly, 100,000 take about 1 s.
WRAPPED_LINES = 100_000


def wrapped_scrape(folder: Path, lines: int = WRAPPED_LINES) -> Path:
    """A seed scrape with its first paragraph cut into ``lines`` continuation lines."""
    seed = (ROOT / "content" / "sources" / "000_16a189a49fb77abf.txt").read_text("utf-8")
    first, _, rest = seed.partition("\nA few weeks ago")
    wrapped = "\n".join(["A few weeks ago, I found myself"] + ["and it went on"] * lines)
    rest = rest.partition("\n")[2]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "wrapped.txt"
    path.write_text(f"{first}\n{wrapped}.\n{rest}", "utf-8")
    return path


def wrapped_scrape_run(work: Path, lines: int = WRAPPED_LINES) -> Run:
    """``python -m generator ingest`` of ``wrapped_scrape``: seconds and peak memory."""
    wrapped_scrape(work / "wrapped-sources", lines)
    cmd = [sys.executable, "-m", "generator", "ingest", str(work / "wrapped-sources")]
    return _run([*cmd, "--content", str(work / "wrapped-content"), "--quiet"], ROOT, (0, 1))


def bench_epub(n: int, seed: int = 1, repeats: int = 3) -> EpubCost:
    """``bench --parts-only``: what the EPUBs add to a fresh full build of N
    synthetic articles, and what related reading and redirects add to the first
    such build, and nothing else (a short run for a busy machine)."""
    from devtools.synth import synthesize

    py = sys.executable
    with tempfile.TemporaryDirectory(prefix=f"ns-bench-epub-{n}-") as tmp:
        work = Path(tmp)
        aside = _Aside(work)
        synthesize(n, work / "sources", seed)
        root = bench_project(work, work / "sources")
        _run([py, "-m", "generator", "ingest", "content/sources", "--quiet"], root, (0, 1))

        def fresh_build(*flags: str) -> Run:
            for output in ("site", "build", ".cache"):
                aside(root / output)
            return _run([py, "-m", "generator", "build", *flags], root)

        first = fresh_build()
        related = related_cost.measure(root, repeats if first.seconds < SHORT_RUN_SECONDS else 1)
        # Always `repeats` pairs, even for long builds: the one pair that a long
        # build used to get gave +10.5% at 10,000 articles (2026-12-05) against a
        # 10% target, and one pair on a shared machine cannot settle that.
        cost = epub_cost(fresh_build, repeats)
        return replace(
            cost,
            related_cpu_s=round(related.total_s, 2),
            related_share=round(related.total_s / first.cpu_s, 4),
        )


def epub_table(costs: list[tuple[int, EpubCost]]) -> str:
    head = (
        "N | pairs | build s | --no-epub s | EPUB adds | build CPU s | EPUB CPU s | CPU share"
        " | related+redirects CPU s | share"
    )
    rows = [head, "-" * len(head)]
    for n, c in costs:
        rows.append(
            f"{n:,} | {c.pairs} | {c.build_s} | {c.no_epub_s} | {c.adds:.1%} | "
            f"{c.build_cpu_s} | {c.epub_cpu_s} | {c.cpu_share:.1%} | {c.related_cpu_s} | "
            f"{'-' if c.related_share is None else format(c.related_share, '.1%')}"
        )
    return "\n".join(rows)


def main_epub(sizes: list[int], out: Path, seed: int, repeats: int, settle: float) -> int:
    costs = []
    for n in sizes:
        print(f"bench: N={n:,}: settling the file system for {settle:.0f} s ...", file=sys.stderr)
        _settle(settle)
        costs.append((n, bench_epub(n, seed, repeats)))
        print(epub_table(costs), file=sys.stderr)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps([{"n": n, **asdict(c)} for n, c in costs], indent=2) + "\n")
    print(epub_table(costs))
    return 0


def main(
    sizes: list[int],
    out: Path,
    seed: int = 1,
    repeats: int = 3,
    settle: float = SETTLE_SECONDS,
    scale_only: bool = False,
) -> int:
    results = []
    for n in sizes:
        # Whatever ran before (tests, the previous N's deleted work folder) must not
        # be billed to this N's steps.
        print(f"bench: N={n:,}: settling the file system for {settle:.0f} s ...", file=sys.stderr)
        _settle(settle)
        results.append(bench_one(n, seed, repeats, settle, scale_only))
        print(table(results), file=sys.stderr)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n", "utf-8")
    print(table(results))
    with tempfile.TemporaryDirectory(prefix="bench-wrapped-") as work:
        edge = wrapped_scrape_run(Path(work))
    edges = {"wrapped_lines": WRAPPED_LINES, "ingest_s": edge.seconds, "peak_mb": edge.peak_mb}
    out.with_name(out.stem + "-edges.json").write_text(json.dumps(edges, indent=2) + "\n")
    print(
        f"edge: one scrape of {WRAPPED_LINES:,} hard-wrapped lines ingests in "
        f"{edge.seconds:.2f} s, peak {edge.peak_mb:.0f} MB"
    )
    relevance_table = _relevance(out.with_name("relevance.json"), min(sizes), seed)
    print(f"bench: results written to {out}")
    if relevance_table:
        print(relevance_table)
    return 0


def _relevance(out: Path, smallest: int, seed: int) -> str | None:
    """Known-item relevance, the edition's search against Pagefind's on one built
    synthetic archive (devtools/relevance.py; the table in docs/search.md), of
    RELEVANCE_ARTICLES or the bench's smallest size if smaller."""
    from devtools import relevance

    n = min(RELEVANCE_ARTICLES, smallest)
    try:
        result = relevance.measure(n, min(RELEVANCE_ITEMS, n), seed)
    except Exception as error:  # a missing browser must not lose the other figures
        print(f"bench: relevance not measured: {error}", file=sys.stderr)
        return None
    out.write_text(json.dumps([asdict(s) for s in result.scores], indent=2) + "\n", "utf-8")
    return (
        f"relevance: {result.articles:,} articles, {len(result.queries)} known-item queries, "
        f"seed {seed}\n{relevance.table(result.scores)}"
    )
