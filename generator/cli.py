"""``python -m generator``: ingest, check, build, serve, synth, bench."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _ingest(args: argparse.Namespace) -> int:
    from generator.ingest import UsageError, ingest, write_report

    try:
        report = ingest(
            [Path(p) for p in args.paths],
            Path(args.content),
            force=args.force,
            progress=sys.stderr.isatty() and not args.quiet,
        )
    except UsageError as error:
        print(f"ingest: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.report:
        write_report(report, Path(args.report))
    if not args.quiet or report.rejected:
        print(report.summary_text(), file=sys.stderr)
    return EXIT_PROBLEMS if report.rejected else EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from generator.check import check_all

    result = check_all(Path(args.content))
    for problem in result.problems:
        print(problem)
    if result.problems:
        print(f"check: {len(result.problems)} problem(s) in {args.content}", file=sys.stderr)
        return EXIT_PROBLEMS
    curation = result.curation
    print(
        f"check: {len(result.articles)} article(s), {len(curation.collections)} collection(s), "
        f"{len(curation.topics)} topic(s), {len(curation.issue_notes)} issue file(s), no problems",
        file=sys.stderr,
    )
    return EXIT_OK


def _build(args: argparse.Namespace) -> int:
    from generator.build import BuildError, Project, build

    project = Project(Path(args.root).resolve())
    try:
        timings = build(project, search=not args.no_search)
    except BuildError as error:
        print(error, file=sys.stderr)
        return EXIT_PROBLEMS
    total = sum(timings.steps.values())
    steps = ", ".join(f"{name} {secs:.1f}s" for name, secs in timings.steps.items())
    print(f"build: site/ ready in {total:.1f}s ({steps})", file=sys.stderr)
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    from generator.build import Project
    from generator.serve import serve

    return serve(Project(Path(args.root).resolve()), args.address)


def _synth(args: argparse.Namespace) -> int:
    from generator.synth import synthesize

    summary = synthesize(args.n, Path(args.out), args.seed)
    print(summary, file=sys.stderr)
    return EXIT_OK


def _bench(args: argparse.Namespace) -> int:
    from generator.bench import main as bench_main

    return bench_main(args.sizes, Path(args.out), args.seed, args.repeats)


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

    p = sub.add_parser("check", help="validate the articles and the curation files")
    p.add_argument("--content", default="content", metavar="DIR")
    p.set_defaults(func=_check)

    p = sub.add_parser("build", help="ingest new sources, check, and build site/")
    p.add_argument("--root", default=".", help="the project folder (holds mkdocs.yml)")
    p.add_argument("--no-search", action="store_true", help="skip the search index")
    p.set_defaults(func=_build)

    p = sub.add_parser("serve", help="live preview that follows changes to content/")
    p.add_argument("--root", default=".", help="the project folder (holds mkdocs.yml)")
    p.add_argument("--address", default="127.0.0.1:8000")
    p.set_defaults(func=_serve)

    p = sub.add_parser("synth", help="write a synthetic archive of raw scrapes")
    p.add_argument("n", type=int, metavar="N", help="distinct articles")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--seed", type=int, default=0, metavar="S")
    p.set_defaults(func=_synth)

    p = sub.add_parser("bench", help="measure ingest, build and search at archive sizes")
    p.add_argument("sizes", type=int, nargs="+", metavar="N")
    p.add_argument("--out", default="bench-results/bench.json", metavar="FILE")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--repeats", type=int, default=3, help="runs of each short step")
    p.set_defaults(func=_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("interrupted; no file was left half-written", file=sys.stderr)
        return 130
