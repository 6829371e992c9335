"""``python -m generator``: ingest, check, build, serve, synth, bench, quality."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from generator.content.problems import printable
from generator.errors import GeneratorError, UsageError
from generator.github_actions import annotated

if TYPE_CHECKING:
    from generator.site.build import BuildTimings

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
# The one place an error becomes an exit code: the first class that matches wins.
EXIT_CODES: tuple[tuple[type[GeneratorError], int], ...] = (
    (UsageError, EXIT_USAGE),
    (GeneratorError, EXIT_PROBLEMS),
)


def exit_code(error: GeneratorError) -> int:
    return next(code for kind, code in EXIT_CODES if isinstance(error, kind))


def _ingest(args: argparse.Namespace) -> int:
    from generator.ingest.pipeline import ingest, write_report

    report = ingest(
        [Path(p) for p in args.paths],
        Path(args.content),
        force=args.force,
        progress=sys.stderr.isatty() and not args.quiet,
    )
    if args.report:
        write_report(report, Path(args.report))
    if not args.quiet or report.rejected:
        print(annotated(report.summary_text()), file=sys.stderr)
    return EXIT_PROBLEMS if report.rejected else EXIT_OK


def _survey(args: argparse.Namespace) -> int:
    from generator.ingest.survey import survey

    print(survey(Path(p) for p in args.paths))
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from generator.content.check import check_all

    result = check_all(Path(args.content))
    for warning in result.warnings:
        print(warning)
    for problem in result.problems:
        print(annotated(str(problem)))
    if result.problems:
        print(f"check: {len(result.problems)} problem(s) in {args.content}", file=sys.stderr)
        return EXIT_PROBLEMS
    from generator.content.addresses import LEDGER, record_ledger

    # Clean content: its pages' addresses join the ledger of published addresses,
    # so that renaming one later demands a redirect (generator/content/addresses.py).
    if record_ledger(Path(args.content), set(result.pages)):
        ledger = Path(args.content) / LEDGER
        print(f"check: recorded new page addresses in {ledger}", file=sys.stderr)
    curation = result.curation
    print(
        f"check: {len(result.articles)} article(s), {len(curation.collections)} collection(s), "
        f"{len(curation.topics)} topic(s), {len(curation.issue_notes)} issue file(s), no problems",
        file=sys.stderr,
    )
    return EXIT_OK


def _epoch_from_environment() -> int | None:
    """SOURCE_DATE_EPOCH, when set, overrides the build's clock (the newest issue)."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise UsageError(f"SOURCE_DATE_EPOCH={value!r} is not a number of seconds") from None


def report_build(timings: BuildTimings) -> None:
    """What ``build`` prints: ingest's summary when it wrote or rejected anything,
    then the steps' times."""
    report = timings.ingest
    if report is not None and (
        report.count("written") or report.count("updated") or report.rejected
    ):
        print(annotated(report.summary_text()), file=sys.stderr)
    total = sum(timings.steps.values())
    steps = ", ".join(f"{name} {secs:.1f}s" for name, secs in timings.steps.items())
    beside = "".join(
        f"; {name} {secs:.1f}s beside it"
        + (f" ({timings.beside_cpu[name]:.1f}s CPU)" if name in timings.beside_cpu else "")
        for name, secs in timings.beside.items()
    )
    what = "site/" if timings.shard is None else f"shard {timings.shard}"
    kind = "" if timings.incremental is None else f", incremental: {timings.incremental} page(s)"
    if timings.kept:
        kind += f", {timings.kept} article page(s) kept from the last docs tree"
    if timings.listings_kept:
        kind += f", {timings.listings_kept} issue and writer page(s) kept"
    if timings.sections_kept:
        kind += f", {timings.sections_kept} section page(s) kept"
    print(f"build: {what} ready in {total:.1f}s ({steps}{beside}{kind})", file=sys.stderr)
    for warning in timings.warnings:
        print(warning, file=sys.stderr)


def _build(args: argparse.Namespace) -> int:
    from generator.site.build import Project, build
    from generator.site.shard import Shard

    project = Project(Path(args.root).resolve())
    shard = Shard.parse(args.shard) if args.shard else None
    timings = build(
        project,
        search=not args.no_search,
        epub=not args.no_epub,
        epoch=_epoch_from_environment(),
        shard=shard,
        shard_out=Path(args.shard_out).resolve() if args.shard_out else None,
        incremental=not args.full,
    )
    report_build(timings)
    return EXIT_OK


def _merge(args: argparse.Namespace) -> int:
    from generator.site.build import Project
    from generator.site.shard import merge

    project = Project(Path(args.root).resolve())
    folders = [Path(f) for f in args.shards] or sorted(
        (project.root / "build").glob("shard-*-of-*")
    )
    files = merge(folders, project.site_dir())
    print(f"merge: site/ assembled from {len(folders)} shard(s), {files} files", file=sys.stderr)
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    from generator.site.build import Project
    from generator.site.serve import serve

    return serve(Project(Path(args.root).resolve()), args.address)


def _synth(args: argparse.Namespace) -> int:
    from devtools.synth import synthesize
    from devtools.variants import write_variants

    try:
        if args.variants:
            summary = write_variants(args.n, Path(args.out), args.seed)
        else:
            summary = synthesize(args.n, Path(args.out), args.seed)
    except (FileExistsError, ValueError) as error:
        # synth refuses a folder holding files it did not write, so that it can
        # never mix a synthetic archive into real sources.
        raise UsageError(str(error)) from error
    print(summary, file=sys.stderr)
    return EXIT_OK


def _bench(args: argparse.Namespace) -> int:
    from devtools.bench import SETTLE_SECONDS
    from devtools.bench import main as bench_main

    settle = SETTLE_SECONDS if args.settle is None else args.settle
    if args.epub_only:
        from devtools.bench import main_epub

        return main_epub(args.sizes, Path(args.out), args.seed, args.repeats, settle)
    return bench_main(
        args.sizes, Path(args.out), args.seed, args.repeats, settle, scale_only=args.scale_only
    )


def _quality(args: argparse.Namespace) -> int:
    from devtools.quality.runner import GATES, report, run_gates
    from generator.site.build import Project

    project = Project(Path(args.root).resolve())
    site = Path(args.site).resolve() if args.site else None
    return report(run_gates(project, tuple(args.gate or GATES), site))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="turn raw scrapes into content/articles/*.md")
    p.add_argument("paths", nargs="+", metavar="PATH", help="scrape files or folders")
    p.add_argument("--content", default="content", metavar="DIR")
    p.add_argument("--report", metavar="FILE", help="also write the summary as JSON")
    p.add_argument("--force", action="store_true", help="overwrite articles editors changed")
    p.add_argument("--quiet", action="store_true", help="print only problems")
    p.set_defaults(func=_ingest)

    p = sub.add_parser(
        "survey", help="census of the cues in raw scrapes, unread ones first; writes nothing"
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="scrape files or folders")
    p.set_defaults(func=_survey)

    p = sub.add_parser("check", help="validate the articles and the curation files")
    p.add_argument("--content", default="content", metavar="DIR")
    p.set_defaults(func=_check)

    p = sub.add_parser("build", help="ingest new sources, check, and build site/")
    p.add_argument("--root", default=".", help="the project folder (holds mkdocs.yml)")
    p.add_argument("--no-search", action="store_true", help="skip the search index")
    p.add_argument(
        "--no-epub",
        action="store_true",
        help="skip the EPUB downloads (the issue pages still link them): to measure what they add",
    )
    p.add_argument(
        "--full", action="store_true", help="render every page, even with the last build's cache"
    )
    p.add_argument(
        "--shard",
        metavar="K/N",
        help="render only slice K of N (1-based) into --shard-out; `merge` assembles site/",
    )
    p.add_argument("--shard-out", metavar="DIR", help="default: build/shard-K-of-N")
    p.set_defaults(func=_build)

    p = sub.add_parser("merge", help="assemble shards built with build --shard into site/")
    p.add_argument("shards", nargs="*", metavar="DIR", help="default: build/shard-*-of-*")
    p.add_argument("--root", default=".", help="the project folder (holds mkdocs.yml)")
    p.set_defaults(func=_merge)

    p = sub.add_parser("serve", help="live preview that follows changes to content/")
    p.add_argument("--root", default=".", help="the project folder (holds mkdocs.yml)")
    p.add_argument("--address", default="127.0.0.1:8000")
    p.set_defaults(func=_serve)

    p = sub.add_parser("synth", help="write a synthetic archive of raw scrapes")
    p.add_argument("n", type=int, metavar="N", help="distinct articles")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--seed", type=int, default=0, metavar="S")
    p.add_argument(
        "--variants",
        action="store_true",
        help="one article a file, every cue in a random form of those the magazine uses, "
        "the truth in .truth.jsonl (devtools/variants.py)",
    )
    p.set_defaults(func=_synth)

    p = sub.add_parser("bench", help="measure ingest, build and search at archive sizes")
    p.add_argument("sizes", type=int, nargs="+", metavar="N")
    p.add_argument("--out", default="bench-results/bench.json", metavar="FILE")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--repeats", type=int, default=3, help="runs of each short step")
    p.add_argument(
        "--settle",
        type=float,
        metavar="SECONDS",
        help="wait after a sync before each N and before plain MkDocs, so that files"
        " deleted just before are not billed to the next step (default 65; 0: no wait)",
    )
    p.add_argument(
        "--scale-only",
        action="store_true",
        help="only the full build and the whole-archive columns (incremental, shards,"
        " memory, first visit, Hugo): no search cost, Pagefind, preview or plain MkDocs",
    )
    p.add_argument(
        "--parts-only",
        "--epub-only",
        dest="epub_only",
        action="store_true",
        help="only what the EPUBs add (fresh builds with and without them, in alternation)"
        " and what related reading and redirects add (issue 15)",
    )
    p.set_defaults(func=_bench)

    p = sub.add_parser("quality", help="the reader quality gates on site/ (make check)")
    p.add_argument("--root", default=".", help="the project folder (holds mkdocs.yml)")
    p.add_argument("--site", metavar="DIR", help="check this built site instead of site/")
    p.add_argument(
        "--gate",
        action="append",
        choices=("links", "html", "accessibility", "weight", "epub"),
        help="run only this gate (repeatable); default: all",
    )
    p.set_defaults(func=_quality)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except UsageError as error:
        print(f"{args.command}: {error}", file=sys.stderr)
        return exit_code(error)
    except GeneratorError as error:
        # A build's message holds the checker's path:line lines: annotate them.
        print(annotated(str(error)), file=sys.stderr)
        return exit_code(error)
    except KeyboardInterrupt:
        # True by construction: every write is a rename of a finished temporary
        # file (generator/atomic.py), and the next run removes any temporary file
        # or folder a stopped run left (generator/lock.py).
        print(
            "interrupted; no file was left half-written (the next run removes any "
            "temporary file this one left)",
            file=sys.stderr,
        )
        return 130
    except OSError as error:
        # The machine, not the input: a read-only folder, a full disk, a file that
        # vanished or cannot be read. A message with the file, never a traceback.
        print(f"{args.command}: {_os_error_text(error)}", file=sys.stderr)
        return EXIT_PROBLEMS


def _os_error_text(error: OSError) -> str:
    reason = error.strerror or str(error)
    if error.filename is None:
        return reason
    name = os.fsdecode(error.filename)
    relative = os.path.relpath(name)
    if not relative.startswith(".."):
        name = relative
    return f"{printable(name)}: {reason}"
